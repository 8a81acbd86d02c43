//! Bulk deactivation and reactivation from the client list's check boxes,
//! in a real Chromium against the real server: each client is its own
//! change, so one that fails is reported on its own row and the others
//! stay applied, and a practice can deactivate 200 clients at once.

use clientele_core::Status;
use clientele_e2e::backend::{ADMIN, Backend, DEMO_PASSWORD};
use clientele_e2e::find::{self, literal};
use clientele_e2e::{Harness, Outcome, act, check};
use fantoccini::Locator;
use std::time::{Duration, Instant};

/// Checks the row's box.
async fn check_row(browser: &fantoccini::Client, name: &str) -> Outcome {
    let path = format!(
        "//input[@type='checkbox'][@aria-label={}]",
        literal(&format!("Select {name}"))
    );
    find::xpath(browser, &path).await?.click().await?;
    Ok(())
}

/// Waits, for up to `limit`, until the dialog's tally reads `text`.
async fn tally_reads(browser: &fantoccini::Client, text: &str, limit: Duration) -> Outcome {
    let path = format!(
        "//*[@role='dialog']//*[@role='status'][normalize-space()={}]",
        literal(text)
    );
    let deadline = Instant::now() + limit;
    loop {
        if !browser.find_all(Locator::XPath(&path)).await?.is_empty() {
            return Ok(());
        }
        if Instant::now() > deadline {
            let shown = find::dialog(browser).await?.text().await?;
            return Err(format!("the bulk dialog never said {text:?}; it shows:\n{shown}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bulk_deactivation_reports_the_one_client_that_failed_and_keeps_the_others() -> Outcome {
    let mut harness = Harness::start("bulk-deactivate-three").await?;
    let browser = harness.open_browser().await?;
    let backend = Backend::new(&harness.url).await?;
    act::open(&harness, &browser, "/").await?;
    act::sign_in(&mut harness, &browser, ADMIN, DEMO_PASSWORD).await?;
    act::go_to_solo_clients(&mut harness, &browser).await?;
    let mut picked = Vec::new();
    for summary in backend.clients(Status::Active).await? {
        let client = backend.client(summary.id).await?;
        if client.users.len() >= 2 {
            picked.push(client);
        }
        if picked.len() == 3 {
            break;
        }
    }
    let [first, second, failing] = <[_; 3]>::try_from(picked).map_err(|_| "too few clients")?;

    for client in [&first, &second, &failing] {
        check_row(&browser, &client.name).await?;
    }
    find::xpath(&browser, "//*[normalize-space()='3 selected']").await?;
    find::button(&browser, "Deactivate selected")
        .await?
        .click()
        .await?;
    find::xpath(
        &browser,
        "//*[@role='dialog']//h2[normalize-space()='Deactivate 3 clients?']",
    )
    .await?;
    // In numbers, summed over the three from core: their active businesses.
    let businesses: usize = [&first, &second, &failing]
        .iter()
        .map(|client| client.count_businesses(Status::Active))
        .sum();
    let summed = format!(
        "//*[@role='dialog']//ul[@class='impact-points']/li[normalize-space()={}]",
        literal(&format!("{businesses} businesses will be deactivated."))
    );
    find::xpath(&browser, &summed).await?;
    harness.screenshot(&browser, "bulk-implications").await?;
    // Someone else deactivates one of them while this dialog is open.
    backend.deactivate(&failing, failing.users[1].id).await?;
    find::dialog_button(&browser, "Next").await?.click().await?;

    // Each client offers its own users, its current owner preselected;
    // the second is handed to its other user.
    let owner_of = |name: &str| {
        format!(
            "//select[@aria-label={}]",
            literal(&format!("New account owner of {name}"))
        )
    };
    let select = find::xpath(&browser, &owner_of(&first.name)).await?;
    assert_eq!(
        select.prop("value").await?.as_deref(),
        Some(first.owner.0.to_string().as_str())
    );
    let other = second
        .users
        .iter()
        .find(|user| user.id != second.owner)
        .ok_or("no other user")?;
    find::xpath(&browser, &owner_of(&second.name))
        .await?
        .select_by_value(&other.id.0.to_string())
        .await?;
    harness.screenshot(&browser, "bulk-owners").await?;
    find::dialog_button(&browser, "Confirm")
        .await?
        .click()
        .await?;

    tally_reads(
        &browser,
        "Deactivated 2 of 3 clients. 1 could not be changed.",
        Duration::from_secs(20),
    )
    .await?;
    let failed_row = format!(
        "//*[@role='dialog']//tr[td[normalize-space()={}]]/td[starts-with(normalize-space(), 'Not deactivated')]",
        literal(&failing.name)
    );
    find::xpath(&browser, &failed_row).await?;
    harness.screenshot(&browser, "bulk-outcomes").await?;
    find::dialog_button(&browser, "Close")
        .await?
        .click()
        .await?;

    for client in [&first, &second] {
        check::not_listed(&browser, &client.name).await?;
    }
    let first_now = backend.client(first.id).await?;
    assert_eq!(
        (first_now.status, first_now.owner),
        (Status::Deactivated, first.owner)
    );
    let second_now = backend.client(second.id).await?;
    assert_eq!(
        (second_now.status, second_now.owner),
        (Status::Deactivated, other.id)
    );
    let failing_now = backend.client(failing.id).await?;
    assert_eq!(
        failing_now.owner, failing.users[1].id,
        "the failed one keeps the other change"
    );
    assert_eq!(
        failing_now.version,
        failing.version + 1,
        "and was changed only once"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bulk_change_deactivates_two_hundred_clients_in_one_go_and_reactivates_them_in_another()
-> Outcome {
    let mut harness = Harness::start_with("bulk-two-hundred", &["--seed-clients", "240"]).await?;
    let browser = harness.open_browser().await?;
    let backend = Backend::new(&harness.url).await?;
    act::open(&harness, &browser, "/").await?;
    act::sign_in(&mut harness, &browser, ADMIN, DEMO_PASSWORD).await?;
    act::go_to_solo_clients(&mut harness, &browser).await?;
    let active = backend.clients(Status::Active).await?.len();
    assert!(active >= 200, "the seed has only {active} active clients");
    let deactivated_before = backend.clients(Status::Deactivated).await?.len();

    let select_all = "//label[normalize-space()='Select all']/input";
    find::xpath(&browser, select_all).await?.click().await?;
    find::xpath(
        &browser,
        &format!("//*[normalize-space()='{active} selected']"),
    )
    .await?;
    find::button(&browser, "Deactivate selected")
        .await?
        .click()
        .await?;
    find::xpath(
        &browser,
        &format!("//*[@role='dialog']//h2[normalize-space()='Deactivate {active} clients?']"),
    )
    .await?;
    find::dialog_button(&browser, "Next").await?.click().await?;
    find::dialog_button(&browser, "Confirm")
        .await?
        .click()
        .await?;
    tally_reads(
        &browser,
        &format!("Deactivated {active} clients."),
        Duration::from_secs(120),
    )
    .await?;
    find::dialog_button(&browser, "Close")
        .await?
        .click()
        .await?;
    assert!(backend.clients(Status::Active).await?.is_empty());
    check::eventually("the active tab is empty", || async {
        Ok(check::tab_count(&browser, "Active clients").await? == 0)
    })
    .await?;

    act::choose_tab(&mut harness, &browser, "Deactivated clients").await?;
    let all = active + deactivated_before;
    find::xpath(&browser, select_all).await?.click().await?;
    find::button(&browser, "Reactivate selected")
        .await?
        .click()
        .await?;
    find::dialog_button(&browser, "Reactivate")
        .await?
        .click()
        .await?;
    tally_reads(
        &browser,
        &format!("Reactivated {all} clients."),
        Duration::from_secs(120),
    )
    .await?;
    assert!(backend.clients(Status::Deactivated).await?.is_empty());
    assert_eq!(backend.clients(Status::Active).await?.len(), all);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn staff_who_may_not_deactivate_see_no_bulk_check_boxes() -> Outcome {
    let mut harness = Harness::start("bulk-staff").await?;
    let browser = harness.open_browser().await?;
    act::open(&harness, &browser, "/").await?;
    act::sign_in(
        &mut harness,
        &browser,
        clientele_e2e::backend::STAFF,
        DEMO_PASSWORD,
    )
    .await?;
    act::go_to_solo_clients(&mut harness, &browser).await?;
    find::xpath(&browser, "//table//tbody//tr[td]").await?;
    let boxes = browser
        .find_all(Locator::XPath("//input[@type='checkbox']"))
        .await?;
    assert!(boxes.is_empty(), "staff see {} check boxes", boxes.len());
    assert!(
        browser
            .find_all(Locator::XPath(
                "//button[normalize-space()='Deactivate selected']"
            ))
            .await?
            .is_empty()
    );
    Ok(())
}
