//! `make bench`: what users feel, measured side by side on this machine and
//! written to `bench/results.json` (see `bench/README.md` for each figure).
//! `bench/run.sh` builds everything first and measures the bundle; this
//! program does the rest: start-up, large lists against a plain-JS baseline,
//! click-to-paint under a slow server, memory, backend throughput against
//! json-server, and how well and how fast receipts are extracted
//! (`extraction.rs`). Every Clientele server is seeded in demo mode and
//! signed in to over HTTP before anything is timed (`session.rs`); the
//! browser is given that session's cookie.
//!
//! `--only PARTS` (comma-separated: `startup`, `lists`, `scale`, `click`, `lighthouse`,
//! `backend`, `postgres`, `extraction`) runs some parts only, for checking the
//! benchmark itself;
//! `make bench` always runs them all.

mod backend;
mod browser;
mod extraction;
mod lighthouse;
mod postgres;
mod scale;
mod servers;
mod session;
mod wrk;

use clientele_core::wire::ClientPage;
use serde_json::{Map, Value, json};
use session::Session;
use std::path::PathBuf;
use std::time::Duration;

/// The rows in the read benchmark's page: what the windowed list asks for.
const READ_PAGE: u64 = 100;

/// How long each load cell runs.
pub(crate) const LOAD_TIME: Duration = Duration::from_secs(3);

/// How many times each backend cell runs, for its median.
const ROUNDS: usize = 3;

/// The parts `--only` may name, in the order they run.
const PARTS: [&str; 8] = [
    "startup",
    "lists",
    "scale",
    "click",
    "lighthouse",
    "backend",
    "postgres",
    "extraction",
];

struct Args {
    server: PathBuf,
    dist: PathBuf,
    baseline: PathBuf,
    json_server: PathBuf,
    /// A PostgreSQL database for the `postgres` part (`--postgres URL`).
    postgres: Option<String>,
    /// The bundle figures from `bench/run.sh`; optional when running the
    /// program by hand.
    bundle: Option<PathBuf>,
    out: PathBuf,
    /// The parts to run (all of them unless `--only` names some).
    parts: Vec<String>,
}

impl Args {
    fn parse() -> Args {
        let mut values = std::collections::HashMap::new();
        let mut args = std::env::args().skip(1);
        while let (Some(flag), Some(value)) = (args.next(), args.next()) {
            values.insert(
                flag.trim_start_matches("--").to_owned(),
                PathBuf::from(value),
            );
        }
        let take = |name: &str| {
            values.get(name).cloned().unwrap_or_else(|| {
                panic!("usage: clientele-bench --{name} PATH (see bench/run.sh)")
            })
        };
        Args {
            server: take("server"),
            dist: take("dist"),
            baseline: take("baseline"),
            json_server: take("json-server"),
            postgres: values
                .get("postgres")
                .map(|url| url.to_string_lossy().into_owned()),
            bundle: values.get("bundle").cloned(),
            out: take("out"),
            parts: match values.get("only") {
                None => PARTS.map(String::from).to_vec(),
                Some(only) => {
                    let parts: Vec<String> = only
                        .to_string_lossy()
                        .split(',')
                        .map(|part| part.trim().to_owned())
                        .collect();
                    for part in &parts {
                        assert!(
                            PARTS.contains(&part.as_str()),
                            "--only takes some of {PARTS:?}, not {part:?}"
                        );
                    }
                    parts
                }
            },
        }
    }

    fn runs(&self, part: &str) -> bool {
        self.parts.iter().any(|chosen| chosen == part)
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let mut figures = Map::new();
    if let Some(bundle) = &args.bundle {
        let bundle: Map<String, Value> = serde_json::from_str(
            &std::fs::read_to_string(bundle).expect("bench/run.sh writes the bundle figures"),
        )
        .expect("bundle figures as JSON");
        figures.extend(bundle);
    }

    if ["startup", "lists", "scale", "click"]
        .iter()
        .any(|part| args.runs(part))
    {
        let driver = servers::chromedriver();
        let browser = browser::open(&driver.url).await;
        if args.runs("startup") {
            measure_startup(&args, &browser, &mut figures).await;
        }
        if args.runs("lists") {
            measure_lists(&args, &browser, &mut figures).await;
        }
        if args.runs("scale") {
            scale::measure(&args, &browser, &mut figures).await;
        }
        if args.runs("click") {
            measure_click_to_paint(&args, &browser, &mut figures).await;
        }
        let _ = browser.close().await;
        drop(driver);
    }
    if args.runs("lighthouse") {
        lighthouse::measure(&args, &mut figures);
    }
    if args.runs("backend") {
        backend::measure(&args, &mut figures).await;
    }
    if args.runs("postgres") {
        let url = args.postgres.as_deref().unwrap_or_else(|| {
            panic!("the postgres part needs --postgres URL (bench/run.sh starts a cluster)")
        });
        postgres::measure(&args.server, &args.dist, url, &mut figures).await;
    }
    if args.runs("extraction") {
        extraction::measure(&args.server, &args.dist, &mut figures).await;
    }

    let results = Value::Object(figures);
    std::fs::write(
        &args.out,
        serde_json::to_string_pretty(&results).expect("JSON") + "\n",
    )
    .expect("writing the results");
    println!("\n{:<58} {:>14}", "figure", "value");
    for (key, value) in results.as_object().expect("an object") {
        let shown = value
            .as_f64()
            .map(|n| format!("{n:.2}"))
            .unwrap_or_else(|| value.to_string());
        println!("{key:<58} {shown:>14}");
    }
}

async fn measure_startup(
    args: &Args,
    browser: &fantoccini::Client,
    figures: &mut Map<String, Value>,
) {
    let server = servers::clientele(&args.server, &args.dist, 40);
    signed_in_browser(browser, &server.url).await;
    let url = format!("{}/clients", server.url);
    let mut times = Vec::new();
    for _ in 0..5 {
        times.push(browser::first_row_ms(browser, &url).await);
    }
    // The key, and the earlier one beside it for continuity.
    let first_row = median(times);
    figures.insert("startup.first_row_ms".into(), json!(first_row));
    figures.insert("startup.first_row_ms_median".into(), json!(first_row));
}

async fn measure_lists(
    args: &Args,
    browser: &fantoccini::Client,
    figures: &mut Map<String, Value>,
) {
    for clients in [1_000, 10_000] {
        let mut shown = Vec::new();
        for (name, dist) in [("app", &args.dist), ("baseline", &args.baseline)] {
            let server = servers::clientele(&args.server, dist, clients);
            signed_in_browser(browser, &server.url).await;
            let url = format!("{}/clients", server.url);
            let (mut show, mut switch) = (Vec::new(), Vec::new());
            for _ in 0..3 {
                show.push(browser::first_row_ms(browser, &url).await);
                switch.push(browser::tab_switch_ms(browser).await);
            }
            let (show, switch) = (median(show), median(switch));
            figures.insert(
                format!("render.list_{clients}_{name}_first_row_ms"),
                json!(show),
            );
            figures.insert(
                format!("render.tab_switch_{clients}_{name}_ms"),
                json!(switch),
            );
            shown.push((show, switch));
            if name == "app" && clients == 10_000 {
                browser::first_row_ms(browser, &url).await;
                let (heap, wasm) = browser::memory_bytes(browser).await;
                figures.insert("memory.js_heap_bytes_10000".into(), json!(heap));
                figures.insert("memory.wasm_memory_bytes_10000".into(), json!(wasm));
                figures.insert(
                    "memory.total_bytes_10000".into(),
                    json!(wasm.map(|wasm| wasm + heap)),
                );
            }
        }
        figures.insert(
            format!("render.list_{clients}_vs_baseline"),
            json!(shown[0].0 / shown[1].0),
        );
        figures.insert(
            format!("render.tab_switch_{clients}_vs_baseline"),
            json!(shown[0].1 / shown[1].1),
        );
    }
}

async fn measure_click_to_paint(
    args: &Args,
    browser: &fantoccini::Client,
    figures: &mut Map<String, Value>,
) {
    let server = servers::clientele(&args.server, &args.dist, 40);
    let http = signed_in_browser(browser, &server.url).await.http();
    let page: ClientPage = answer(
        http.get(format!(
            "{}/api/clients?status=active&limit=100",
            server.url
        )),
        "the client list",
    )
    .await;
    let mut names = page.items.into_iter().map(|item| item.name);
    let url = format!("{}/clients", server.url);
    for delay in [0u64, 200, 2_000] {
        http.put(format!("{}/api/_test/fault", server.url))
            .json(&json!({ "mode": "delay", "delay_ms": delay }))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect("the fault switch");
        let mut times = Vec::new();
        for _ in 0..5 {
            let name = names.next().expect("enough active clients");
            browser::first_row_ms(browser, &url).await;
            times.push(browser::click_to_paint_ms(browser, &name).await);
        }
        figures.insert(
            format!("optimistic.click_to_paint_ms_median_at_{delay}ms_delay"),
            json!(median(times)),
        );
    }
}

/// Signs in to the server at `base` over HTTP and gives the browser that
/// session's cookie, before anything is timed; returns the session for the
/// benchmark's own requests.
async fn signed_in_browser(browser: &fantoccini::Client, base: &str) -> Session {
    let session = Session::sign_in(base).await;
    browser::give_session(browser, base, &session.set_cookie).await;
    session
}

/// Sends `request` and reads its JSON answer, stopping the benchmark with
/// `what` if it fails or answers an error.
pub async fn answer<T: serde::de::DeserializeOwned>(
    request: reqwest::RequestBuilder,
    what: &str,
) -> T {
    request
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .unwrap_or_else(|error| panic!("{what}: {error}"))
        .json()
        .await
        .unwrap_or_else(|error| panic!("{what}, as JSON: {error}"))
}
