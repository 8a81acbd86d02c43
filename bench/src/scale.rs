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
    let mut app_times = Vec::new();
    for _ in 0..5 {
        app_times.push(browser::first_row_ms(browser, &app).await);
    }

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

    // The baseline reads the same first page and renders it.
    drop(server);
    let server = servers::clientele(&args.server, &args.baseline, CLIENTS);
    signed_in_browser(browser, &server.url).await;
    let baseline = format!("{}/clients?first=100", server.url);
    let mut baseline_times = Vec::new();
    for _ in 0..5 {
        baseline_times.push(browser::first_row_ms(browser, &baseline).await);
    }
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
}
