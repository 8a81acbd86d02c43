//! One practice of 100,000 clients: how soon the list's first rows show
//! against the plain-JS baseline reading the same first page, how soon the
//! rows in the middle show after a scroll, how soon a search shows its
//! rows after the keystroke, and the memory the page then holds.

use crate::{Args, answer, browser, median, servers, signed_in_browser};
use clientele_core::wire::ClientPage;
use serde_json::{Map, Value, json};
use std::time::Instant;

/// Clients in the practice.
const CLIENTS: usize = 100_000;

pub async fn measure(args: &Args, browser: &fantoccini::Client, figures: &mut Map<String, Value>) {
    let seeding = Instant::now();
    let server = servers::clientele(&args.server, &args.dist, CLIENTS);
    figures.insert(
        format!("startup.seed_{CLIENTS}_s"),
        json!(seeding.elapsed().as_secs_f64()),
    );
    let session = signed_in_browser(browser, &server.url).await;
    let app = format!("{}/clients", server.url);
    // The baseline reads the same first page from a server of its own,
    // seeded alike, running beside the app's.
    let baseline_server = servers::clientele_on(&args.server, &args.baseline, CLIENTS, "127.0.0.2");
    signed_in_browser(browser, &baseline_server.url).await;
    let baseline = format!("{}/clients?first=100", baseline_server.url);
    let (app_times, baseline_times) = first_rows_in_rounds(browser, &app, &baseline).await;
    drop(baseline_server);
    let (ours, theirs) = (median(app_times), median(baseline_times));
    figures.insert(
        format!("render.list_{CLIENTS}_app_first_row_ms"),
        json!(ours),
    );
    figures.insert(
        format!("render.list_{CLIENTS}_baseline_first_row_ms"),
        json!(theirs),
    );
    figures.insert(
        format!("render.list_{CLIENTS}_first_rows_vs_baseline"),
        json!(ours / theirs),
    );

    // Names to search for, from across the list.
    let http = session.http();
    let mut names = Vec::new();
    for offset in [5_000, 25_000, 45_000, 65_000, 85_000] {
        let page: ClientPage = answer(
            http.get(format!(
                "{}/api/clients?status=active&offset={offset}&limit=1",
                server.url
            )),
            "a page of the list",
        )
        .await;
        names.extend(page.items.into_iter().map(|row| row.name));
    }

    browser::first_row_ms(browser, &app).await;
    let mut scrolls = Vec::new();
    for fraction in [0.40, 0.45, 0.50, 0.55, 0.60] {
        scrolls.push(browser::scroll_to_ms(browser, fraction).await);
    }
    let (heap, wasm) = browser::memory_bytes(browser).await;
    figures.insert(format!("memory.js_heap_bytes_{CLIENTS}"), json!(heap));
    figures.insert(format!("memory.wasm_memory_bytes_{CLIENTS}"), json!(wasm));
    figures.insert(
        format!("memory.total_bytes_{CLIENTS}"),
        json!(wasm.map(|wasm| wasm + heap)),
    );
    figures.insert(
        format!("render.list_{CLIENTS}_scroll_to_middle_ms"),
        json!(median(scrolls)),
    );

    let mut searches = Vec::new();
    for name in &names {
        searches.push(browser::search_ms(browser, name).await);
    }
    figures.insert(
        format!("render.search_{CLIENTS}_keystroke_to_rows_ms"),
        json!(median(searches)),
    );
}

/// Rounds of loads of each page in turn.
const ROUNDS: usize = 3;
/// Loads of a page measured in each round, after one that is not.
const LOADS_PER_ROUND: usize = 5;

/// The first rows' times of `app` and of `baseline`, loaded in rounds, each
/// page in turn, so that the machine's quieter and busier moments fall on
/// both alike (bench/README.md, "The first rows measured in rounds"). Each
/// round starts with a load that is not timed: the first load of a page in
/// a renderer compiles its module, which the loads after it take from V8's
/// cache, as a reload does.
async fn first_rows_in_rounds(
    browser: &fantoccini::Client,
    app: &str,
    baseline: &str,
) -> (Vec<f64>, Vec<f64>) {
    let (mut app_times, mut baseline_times) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        for (url, times) in [(app, &mut app_times), (baseline, &mut baseline_times)] {
            browser::first_row_ms(browser, url).await;
            for _ in 0..LOADS_PER_ROUND {
                times.push(browser::first_row_ms(browser, url).await);
            }
        }
    }
    (app_times, baseline_times)
}
