//! The app's first reads start before its wasm has loaded
//! (`app/assets/early-reads.js` preloads them), and the app takes those
//! answers instead of asking again: in a real Chromium, each first read is
//! requested once, by the preload, and never by the app's own fetch. A URL
//! the preload builds differently from the app would show here as a second
//! request.

use clientele_core::Status;
use clientele_e2e::backend::{ADMIN, Backend, DEMO_PASSWORD};
use clientele_e2e::{Harness, Outcome, act, check, find};
use serde_json::Value;

/// Every API request the page made, as (URL, what started it), from the
/// browser's resource timings.
async fn api_requests(browser: &fantoccini::Client) -> Outcome<Vec<(String, String)>> {
    let entries = browser
        .execute(
            "return performance.getEntriesByType('resource')
               .filter((entry) => new URL(entry.name).pathname.startsWith('/api/'))
               .map((entry) => [entry.name, entry.initiatorType]);",
            vec![],
        )
        .await?;
    let Value::Array(entries) = entries else {
        return Err("resource timings are not a list".into());
    };
    Ok(entries
        .iter()
        .map(|entry| {
            (
                entry[0].as_str().unwrap_or_default().to_owned(),
                entry[1].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect())
}

/// Asserts that `path` (after the origin) was requested exactly once, by
/// the preload.
fn preloaded_once(requests: &[(String, String)], origin: &str, path: &str) {
    let url = format!("{origin}{path}");
    let made: Vec<&str> = requests
        .iter()
        .filter(|(name, _)| *name == url)
        .map(|(_, initiator)| initiator.as_str())
        .collect();
    assert_eq!(
        made,
        ["link"],
        "{path} is requested once, by the preload; all API requests: {requests:#?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_session_and_the_lists_first_page_are_each_read_once_from_the_preload() -> Outcome {
    let mut harness = Harness::start("first-reads").await?;
    let backend = Backend::new(&harness.url).await?;
    let client = backend.pick_client(Status::Deactivated, 0, 1).await?;
    let browser = harness.open_browser().await?;

    // Without a session: the session check alone, answered 401.
    act::open(&harness, &browser, "/").await?;
    find::field(&browser, "Password").await?;
    let requests = api_requests(&browser).await?;
    preloaded_once(&requests, &harness.url, "/api/session");
    act::sign_in(&mut harness, &browser, ADMIN, DEMO_PASSWORD).await?;
    find::button(&browser, "Sign out").await?;

    // Signed in, opening the list by its URL: the session, the page and,
    // with a search, the tab counts (a read of no rows without the search).
    let search = client.name.split_whitespace().next().unwrap_or("a");
    let encoded: String = search
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'!' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect();
    act::open(
        &harness,
        &browser,
        &format!("/clients?tab=deactivated&q={encoded}&sort=updated"),
    )
    .await?;
    check::listed_under(&browser, "Deactivated clients", &client.name).await?;
    let requests = api_requests(&browser).await?;
    preloaded_once(&requests, &harness.url, "/api/session");
    preloaded_once(
        &requests,
        &harness.url,
        &format!("/api/clients?status=deactivated&q={encoded}&sort=updated&offset=0&limit=100"),
    );
    preloaded_once(
        &requests,
        &harness.url,
        "/api/clients?status=deactivated&q=&sort=updated&offset=0&limit=0",
    );

    // The list as it first opens.
    act::open(&harness, &browser, "/clients").await?;
    check::tab_selected(&browser, "Active clients").await?;
    find::xpath(&browser, "//tbody//a").await?;
    let requests = api_requests(&browser).await?;
    preloaded_once(&requests, &harness.url, "/api/session");
    preloaded_once(
        &requests,
        &harness.url,
        "/api/clients?status=active&q=&sort=name&offset=0&limit=100",
    );
    Ok(())
}
