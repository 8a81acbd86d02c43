//! Leaving the app for another page and coming back, in a real Chromium.
//! The browser keeps a page it leaves in its back-forward cache, and a kept
//! page that still held its live-updates stream (`/api/events`) kept one of
//! the six connections the browser allows each server. After six such
//! visits the next page's requests waited about a minute. The app now
//! closes the stream when the page is hidden, and opens it again, reading
//! what is shown afresh, when the page comes back.

use clientele_core::Status;
use clientele_e2e::find::PATIENCE;
use clientele_e2e::{Outcome, act, check};
use std::time::Instant;

/// More visits than the browser's six connections to one server.
const VISITS: usize = 8;

#[tokio::test(flavor = "multi_thread")]
async fn the_client_list_opens_every_time_after_leaving_it_for_another_page() -> Outcome {
    let (mut harness, browser, backend) = act::signed_in_on_the_list("leave-and-return").await?;
    let first = backend
        .clients(Status::Active)
        .await?
        .into_iter()
        .next()
        .ok_or("the demo data has no active client")?;

    for visit in 1..=VISITS {
        browser.goto("about:blank").await?;
        let opened = Instant::now();
        act::open(&harness, &browser, "/clients").await?;
        check::listed_under(&browser, "Active clients", &first.name).await?;
        if opened.elapsed() > PATIENCE {
            harness.screenshot(&browser, "slow-return").await?;
            return Err(format!(
                "visit {visit}: the client list took {:?} to open again",
                opened.elapsed()
            )
            .into());
        }
    }
    harness.screenshot(&browser, "returned").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_brought_back_from_the_back_forward_cache_shows_what_changed_while_it_was_away()
-> Outcome {
    let (mut harness, browser, backend) = act::signed_in_on_the_list("back-forward-cache").await?;
    let client = backend.pick_client(Status::Active, 1, 2).await?;
    check::listed_under(&browser, "Active clients", &client.name).await?;
    browser
        .execute("window.clienteleKeptPage = true;", vec![])
        .await?;

    browser.goto("about:blank").await?;
    backend.deactivate(&client, client.users[1].id).await?;
    browser.back().await?;

    let kept = browser
        .execute("return window.clienteleKeptPage === true;", vec![])
        .await?;
    if kept != serde_json::Value::Bool(true) {
        return Err(
            "the browser loaded the page again instead of bringing it back from its \
                    back-forward cache, so this test checks nothing"
                .into(),
        );
    }
    check::not_listed(&browser, &client.name).await?;
    act::choose_tab(&mut harness, &browser, "Deactivated clients").await?;
    check::listed_under(&browser, "Deactivated clients", &client.name).await?;
    Ok(())
}
