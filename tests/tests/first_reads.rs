//! What happens before the app's wasm has loaded. Its first reads start
//! then (`app/assets/early-reads.js` preloads them), and the app takes those
//! answers instead of asking again: in a real Chromium, each first read is
//! requested once, by the preload, and never by the app's own fetch. A URL
//! the preload builds differently from the app would show here as a second
//! request. And the page says it is loading from the start, a line that
//! gives way to the app once it runs.

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

/// Asserts that the page's reads of `paths` (after the origin, each
/// `path` a prefix) were each made once, by the preload, and that the app
/// itself fetched none of them: a fetch would mean it did not take the
/// preloaded answer.
fn preloaded_once(requests: &[(String, String)], origin: &str, paths: &[&str]) {
    let of = |path: &str, initiator: &str| {
        requests
            .iter()
            .filter(|(name, by)| name.starts_with(&format!("{origin}{path}")) && by == initiator)
            .count()
    };
    for path in paths {
        assert_eq!(
            (of(path, "link"), of(path, "fetch")),
            (1, 0),
            "{path}… is read once, by the preload; the page's API requests: {requests:#?}"
        );
    }
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
    preloaded_once(&requests, &harness.url, &["/api/session"]);
    act::sign_in(&mut harness, &browser, ADMIN, DEMO_PASSWORD).await?;
    find::button(&browser, "Sign out").await?;

    // Signed in, opening the list by its URL, with a search of two words:
    // the session, the page and the tab counts (a read of no rows without
    // the search).
    if !client.name.contains(' ')
        || !client
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ')
    {
        return Err(format!("a demo client named in plain words, not {:?}", client.name).into());
    }
    let typed = client.name.replace(' ', "%20");
    act::open(
        &harness,
        &browser,
        &format!("/clients?tab=deactivated&q={typed}&sort=updated"),
    )
    .await?;
    check::listed_under(&browser, "Deactivated clients", &client.name).await?;
    let requests = api_requests(&browser).await?;
    preloaded_once(
        &requests,
        &harness.url,
        &[
            "/api/session",
            // `URLSearchParams` sends a space as `+`.
            &format!(
                "/api/clients?status=deactivated&q={}&sort=updated&offset=0&limit=100",
                client.name.replace(' ', "+")
            ),
            "/api/clients?status=deactivated&q=&sort=updated&offset=0&limit=0",
        ],
    );

    // The list as it first opens.
    act::open(&harness, &browser, "/clients").await?;
    check::tab_selected(&browser, "Active clients").await?;
    find::xpath(&browser, "//tbody//a").await?;
    let requests = api_requests(&browser).await?;
    preloaded_once(
        &requests,
        &harness.url,
        &[
            "/api/session",
            "/api/clients?status=active&q=&sort=name&offset=0&limit=100",
        ],
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_says_it_is_loading_until_the_app_draws_its_own_page() -> Outcome {
    let mut harness = Harness::start("page-loading").await?;
    // As the server sends the page, before any script has run.
    let page = reqwest::get(format!("{}/", harness.url))
        .await?
        .error_for_status()?
        .text()
        .await?;
    if !page.contains(r#"id="page-loading">Loading Clientele…</p>"#) {
        return Err(format!("the page as sent says it is loading: {page}").into());
    }
    // Once the app runs it draws its own page, and the page's line is gone,
    // not left above or below it.
    let browser = harness.open_browser().await?;
    act::open(&harness, &browser, "/").await?;
    find::field(&browser, "Password").await?;
    let left = browser
        .execute(
            "return [document.getElementById('page-loading') !== null,
                     document.body.innerText.includes('Loading Clientele')];",
            vec![],
        )
        .await?;
    assert_eq!(
        left,
        serde_json::json!([false, false]),
        "the page's loading line is gone"
    );
    Ok(())
}
