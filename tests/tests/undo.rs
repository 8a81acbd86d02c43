//! Exact undo in a real Chromium against the real server: the practice
//! admin deactivates a client with the wizard, handing it to another user,
//! clicks "Undo" in the toast, and the client is back in "Active clients"
//! exactly as it was: its owner, its users' roles and its businesses, on
//! screen and as the server stores it.

use clientele_core::{Client, Status};
use clientele_e2e::backend::{ADMIN, Backend, DEMO_PASSWORD};
use clientele_e2e::{Harness, Outcome, act, check, find};
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread")]
async fn undo_after_a_client_deactivation_puts_the_client_back_exactly() -> Outcome {
    let mut harness = Harness::start("undo-client-deactivation").await?;
    let browser = harness.open_browser().await?;
    let backend = Backend::new(&harness.url).await?;
    act::open(&harness, &browser, "/").await?;
    act::sign_in(&mut harness, &browser, ADMIN, DEMO_PASSWORD).await?;
    act::go_to_solo_clients(&mut harness, &browser).await?;

    // Demo clients may have a business deactivated on its own: undo leaves
    // it deactivated, as it was.
    let before = backend.pick_client(Status::Active, 2, 2).await?;
    let new_owner = before
        .users
        .iter()
        .find(|user| user.id != before.owner)
        .ok_or("the picked client has one user")?
        .clone();
    act::manage(&mut harness, &browser, &before.name, "Deactivate client").await?;
    act::choose_owner_and_confirm(&mut harness, &browser, &new_owner.name).await?;
    check::not_listed(&browser, &before.name).await?;

    // The toast says what was done, once the server has it, and offers
    // "Undo" for 10 seconds: as news, with no alert, since nothing failed.
    let message = format!("{} was deactivated.", before.name);
    check::news_says(&browser, &message).await?;
    let alerts = browser
        .find_all(Locator::XPath("//*[@role='alert'][normalize-space()!='']"))
        .await?;
    assert!(alerts.is_empty(), "a change made raises no alert");
    let deactivated = backend.client(before.id).await?;
    assert_eq!(deactivated.status, Status::Deactivated);
    assert_eq!(deactivated.owner, new_owner.id);
    harness.screenshot(&browser, "undo-offered").await?;
    find::button(&browser, "Undo").await?.click().await?;

    check::listed_under(&browser, "Active clients", &before.name).await?;
    check::settled(&browser, &before.name).await?;
    harness.screenshot(&browser, "undone").await?;
    let stored = backend.client(before.id).await?;
    assert_eq!(stored.version, before.version + 2, "undo is a change too");
    assert_eq!(stored.owner, before.owner, "the previous owner");
    assert_eq!(
        stored.count_businesses(Status::Active),
        before.count_businesses(Status::Active),
        "the businesses active before are active again"
    );
    assert_eq!(
        stored,
        Client {
            version: stored.version,
            ..before.clone()
        },
        "exactly as before: owner, roles and every business"
    );

    act::reload(&browser).await?;
    check::listed_under(&browser, "Active clients", &before.name).await?;
    act::open_client(&mut harness, &browser, &before.name).await?;
    for business in before.businesses_with(Status::Active) {
        check::listed_under(&browser, "Active businesses", &business.name).await?;
    }
    Ok(())
}
