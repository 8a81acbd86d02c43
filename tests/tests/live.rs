//! Live updates in two real browsers, each on its own server instance on
//! one PostgreSQL database (issue 14): a client deactivated in one leaves
//! the other's open list within 2 seconds, without a reload.
//!
//! `make test-e2e` starts a throwaway PostgreSQL cluster for it and names
//! it in `CLIENTELE_E2E_POSTGRES`. Without one (a plain `cargo test`), both
//! browsers use one SQLite instance, and the test says so.

use clientele_core::Status;
use clientele_e2e::backend::{ADMIN, Backend, DEMO_PASSWORD, STAFF};
use clientele_e2e::{Harness, Outcome, act, check, find};
use fantoccini::Locator;
use std::time::{Duration, Instant};

/// How soon a change must reach the other browser.
const WITHIN: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread")]
async fn a_deactivation_in_one_browser_leaves_the_other_browsers_list_within_two_seconds() -> Outcome
{
    let (mut harness, two_instances) = Harness::start_two_instances("live-updates").await?;
    if !two_instances {
        eprintln!(
            "live-updates: no PostgreSQL (set CLIENTELE_E2E_POSTGRES): \
             both browsers use one SQLite instance"
        );
    }
    let backend = Backend::new(&harness.url).await?;
    let client = backend.pick_client(Status::Active, 1, 2).await?;

    // The admin on the first instance, a member of staff on the second,
    // each on the client list.
    let admin = harness.open_browser().await?;
    act::open(&harness, &admin, "/").await?;
    act::sign_in(&mut harness, &admin, ADMIN, DEMO_PASSWORD).await?;
    act::go_to_solo_clients(&mut harness, &admin).await?;
    let staff = harness.open_browser().await?;
    staff.goto(&format!("{}/", harness.second_url)).await?;
    act::sign_in(&mut harness, &staff, STAFF, DEMO_PASSWORD).await?;
    act::go_to_solo_clients(&mut harness, &staff).await?;
    check::listed_under(&staff, "Active clients", &client.name).await?;
    // The stream opens with the session; give it a moment to connect.
    tokio::time::sleep(Duration::from_millis(500)).await;

    act::manage(&mut harness, &admin, &client.name, "Deactivate client").await?;
    act::choose_owner_and_confirm(&mut harness, &admin, &client.users[1].name).await?;
    check::settled(&admin, &client.name).await?;
    let saved_at = Instant::now();

    let row = find::row_path(&client.name);
    while !staff.find_all(Locator::XPath(&row)).await?.is_empty() {
        if saved_at.elapsed() > WITHIN {
            harness.screenshot(&staff, "still-listed").await?;
            return Err(format!(
                "{} was still in the other browser's Active clients {WITHIN:?} after it was deactivated",
                client.name
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    harness.screenshot(&staff, "gone-live").await?;
    act::choose_tab(&mut harness, &staff, "Deactivated clients").await?;
    check::listed_under(&staff, "Deactivated clients", &client.name).await?;
    Ok(())
}
