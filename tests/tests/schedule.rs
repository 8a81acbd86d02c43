//! Scheduled deactivation in a real Chromium against the real server,
//! signed in as the demo practice admin: in the wizard's step 1, "Deactivate
//! on a date", a day, then the owner and "Confirm"; the client stays in
//! the Active tab, its row saying "Deactivates on …"; "Cancel schedule" on
//! its page takes the label away; and the API agrees at each step.

use clientele_core::schedule::Date;
use clientele_core::{Status, Timestamp};
use clientele_e2e::backend::{ADMIN, Backend, DEMO_PASSWORD};
use clientele_e2e::{Harness, Outcome, act, check, find};
use fantoccini::Locator;

/// A day thirty days after today (UTC, as the server counts days).
fn in_thirty_days() -> Date {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("the clock is after 1970");
    let today = Date::of(Timestamp(now.as_millis() as i64));
    (0..30).fold(today, |day, _| day.next())
}

/// The XPath of the row of `name` that shows `label`.
fn row_showing(name: &str, label: &str) -> String {
    format!(
        "{}[.//*[normalize-space()={}]]",
        find::row_path(name),
        find::literal(label)
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deactivation_scheduled_in_the_wizard_shows_on_the_row_and_can_be_cancelled() -> Outcome {
    let mut harness = Harness::start("schedule-deactivation").await?;
    let browser = harness.open_browser().await?;
    let backend = Backend::new(&harness.url).await?;
    act::open(&harness, &browser, "/").await?;
    act::sign_in(&mut harness, &browser, ADMIN, DEMO_PASSWORD).await?;
    act::go_to_solo_clients(&mut harness, &browser).await?;
    let client = backend.pick_client(Status::Active, 1, 2).await?;
    let new_owner = client.users[1].clone();
    let day = in_thirty_days();
    let label = format!("Deactivates on {}", day.short_label());

    act::manage(&mut harness, &browser, &client.name, "Deactivate client").await?;
    find::owner_choice(&browser, "Deactivate on a date")
        .await?
        .click()
        .await?;
    let date = find::field(&browser, "Deactivation date (takes effect at 00:00 UTC)").await?;
    // The date field's segments follow the browser's locale, so the day is
    // set as picking it would set it: its value, then the input event.
    browser
        .execute(
            "arguments[0].value = arguments[1];
             arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
            vec![serde_json::to_value(&date)?, day.to_string().into()],
        )
        .await?;
    harness.screenshot(&browser, "schedule-date").await?;
    act::choose_owner_and_confirm(&mut harness, &browser, &new_owner.name).await?;

    find::xpath(&browser, &row_showing(&client.name, &label)).await?;
    check::listed_under(&browser, "Active clients", &client.name).await?;
    check::settled(&browser, &client.name).await?;
    harness.screenshot(&browser, "scheduled-row").await?;
    let stored = backend.client(client.id).await?;
    assert_eq!(
        stored.status,
        Status::Active,
        "nothing happens before the day"
    );
    let scheduled = stored
        .scheduled_deactivation
        .ok_or("the server holds no schedule")?;
    assert_eq!(scheduled.on, day);
    assert_eq!(scheduled.new_owner_id, new_owner.id);

    act::reload(&browser).await?;
    find::xpath(&browser, &row_showing(&client.name, &label)).await?;
    act::open_client(&mut harness, &browser, &client.name).await?;
    find::button(&browser, "Cancel schedule")
        .await?
        .click()
        .await?;
    let on_page = format!(
        "//*[contains(normalize-space(), {})]",
        find::literal(&label)
    );
    check::eventually("the page no longer says when it deactivates", || async {
        Ok(browser.find_all(Locator::XPath(&on_page)).await?.is_empty())
    })
    .await?;
    check::eventually("the server holds no schedule", || async {
        Ok(backend
            .client(client.id)
            .await?
            .scheduled_deactivation
            .is_none())
    })
    .await?;

    act::go_to_solo_clients(&mut harness, &browser).await?;
    check::listed_under(&browser, "Active clients", &client.name).await?;
    let row = row_showing(&client.name, &label);
    check::eventually("the row no longer says when it deactivates", || async {
        Ok(browser.find_all(Locator::XPath(&row)).await?.is_empty())
    })
    .await?;
    let stored = backend.client(client.id).await?;
    assert_eq!(stored.status, Status::Active);
    assert_eq!(stored.scheduled_deactivation, None);
    Ok(())
}
