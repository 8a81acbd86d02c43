//! Lighthouse 12.2.3 (`bench/package.json`; 13 needs Node 22), mobile
//! preset (its default: a slow 4G connection and a slowed CPU, simulated),
//! performance only, against the page `make run` serves to a new visitor:
//! the app as shipped, from a server with the demo data. Three runs; the
//! median score, with its Largest Contentful Paint, Time to Interactive and
//! page weight beside it.

use crate::{Args, median, servers};
use serde_json::{Map, Value, json};
use std::process::Command;

const RUNS: usize = 3;

pub fn measure(args: &Args, figures: &mut Map<String, Value>) {
    // Installed beside json-server, by `npm ci` in `bench/`.
    let lighthouse = args.json_server.with_file_name("lighthouse");
    let server = servers::clientele(&args.server, &args.dist, 40);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut runs = Vec::new();
    for run in 0..RUNS {
        let report = dir.path().join(format!("report-{run}.json"));
        let status = Command::new(&lighthouse)
            .arg(format!("{}/", server.url))
            .args(["--only-categories=performance", "--output=json", "--quiet"])
            .arg(format!("--output-path={}", report.display()))
            .arg(
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu \
                 --disable-background-networking --disable-component-update --no-first-run",
            )
            .env("CHROME_PATH", chromium())
            .status()
            .expect("Lighthouse runs (bench/run.sh installs it)");
        assert!(status.success(), "Lighthouse failed: {status}");
        let report: Value =
            serde_json::from_str(&std::fs::read_to_string(&report).expect("Lighthouse's report"))
                .expect("Lighthouse's report as JSON");
        let audit = |name: &str| report["audits"][name]["numericValue"].as_f64();
        runs.push((
            report["categories"]["performance"]["score"]
                .as_f64()
                .expect("a performance score")
                * 100.0,
            audit("largest-contentful-paint").expect("an LCP"),
            audit("interactive").expect("a TTI"),
            audit("total-byte-weight").expect("a page weight"),
        ));
    }
    let score = median(runs.iter().map(|run| run.0).collect());
    let (_, lcp, tti, weight) = runs
        .iter()
        .copied()
        .find(|run| run.0 == score)
        .expect("the median run");
    figures.insert("lighthouse.performance_mobile".into(), json!(score));
    figures.insert("lighthouse.lcp_ms".into(), json!(lcp));
    figures.insert("lighthouse.tti_ms".into(), json!(tti));
    figures.insert("lighthouse.total_byte_weight".into(), json!(weight));
}

/// The Chromium Lighthouse drives: `CHROME_PATH` if set, else Debian's.
fn chromium() -> String {
    std::env::var("CHROME_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into())
}
