//! `extraction`: how well and how fast a running Clientele reads receipts.
//! The same 30 receipts as the server's accuracy test (issue 16), made by
//! the same generator (`server/tests/api/receipts.rs`, included here), go to
//! a fresh server over HTTP, first as text PDFs and then as 200 dpi images
//! (a quarter clean, the rest turned a few degrees, noisy, or both). Each
//! set is uploaded back to back to one business of an active client, and
//! the business's documents are polled until none of them is waiting or
//! being read. Figures: the share of fields read right, overall and per
//! field, for each set, and documents read per minute from the first upload
//! to the last read, with the server's default single extraction worker.

#[path = "../../server/tests/api/receipts.rs"]
mod receipts;

use crate::session::Session;
use receipts::{FIELDS, Receipt, Tally};
use serde_json::{Map, Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

/// How many receipts each set has: as many as the server's test reads.
const RECEIPTS: usize = 30;

/// How long a set may take to be read before the benchmark gives up.
const PATIENCE: Duration = Duration::from_secs(600);

/// How often the documents are looked at while they are being read.
const POLL: Duration = Duration::from_millis(100);

/// Reads the PDFs and then the images on a fresh server each, and records
/// the figures.
pub async fn measure(server: &Path, dist: &Path, figures: &mut Map<String, Value>) {
    let receipts = receipts::receipts(RECEIPTS);
    let scratch = tempfile::tempdir().expect("a temporary folder");
    let pdfs: Vec<Vec<u8>> = receipts.iter().map(Receipt::pdf).collect();
    let images: Vec<Vec<u8>> = receipts
        .iter()
        .map(|receipt| receipt.png(scratch.path()))
        .collect();
    let (mut documents, mut took) = (0, Duration::ZERO);
    for (kind, extension, files) in [("pdf", "pdf", pdfs), ("image", "png", images)] {
        let running = crate::servers::clientele(server, dist, 40);
        let (tally, time) = read_set(&running.url, &receipts, extension, &files).await;
        eprintln!("bench: extraction of {kind}s: {}", tally.summary());
        figures.insert(
            format!("extraction.accuracy_{kind}"),
            json!(100.0 * tally.overall()),
        );
        for (index, field) in FIELDS.iter().enumerate() {
            figures.insert(
                format!("extraction.field_accuracy.{kind}.{field}"),
                json!(100.0 * tally.field(index)),
            );
        }
        figures.insert(
            format!("extraction.documents_per_minute_{kind}"),
            json!(per_minute(files.len(), time)),
        );
        documents += files.len();
        took += time;
    }
    figures.insert(
        "extraction.documents_per_minute".into(),
        json!(per_minute(documents, took)),
    );
}

fn per_minute(documents: usize, took: Duration) -> f64 {
    documents as f64 * 60.0 / took.as_secs_f64()
}

/// Uploads one set to the server at `base` and waits for it to be read;
/// answers the tally and the time from the first upload to the last read.
async fn read_set(
    base: &str,
    receipts: &[Receipt],
    extension: &str,
    files: &[Vec<u8>],
) -> (Tally, Duration) {
    let http = Session::sign_in(base).await.http();
    let documents_url = format!(
        "{base}/api/businesses/{}/documents",
        business(&http, base).await
    );
    let started = Instant::now();
    let mut ids = Vec::new();
    for (receipt, bytes) in receipts.iter().zip(files) {
        let part = reqwest::multipart::Part::bytes(bytes.clone())
            .file_name(format!("{}.{extension}", receipt.name));
        let uploaded: Value = crate::answer(
            http.post(&documents_url)
                .multipart(reqwest::multipart::Form::new().part("file", part)),
            "an upload",
        )
        .await;
        ids.push(uploaded["id"].clone());
    }
    let read = loop {
        let page: Value = crate::answer(http.get(&documents_url), "the business's documents").await;
        let ours: Vec<Value> = ids
            .iter()
            .filter_map(|id| {
                page["items"]
                    .as_array()?
                    .iter()
                    .find(|document| document["id"] == *id)
                    .cloned()
            })
            .collect();
        let waiting = |document: &Value| {
            matches!(
                document["extraction"].as_str(),
                Some("queued" | "extracting")
            )
        };
        if ours.len() == ids.len() && !ours.iter().any(waiting) {
            break ours;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "the documents were not read within {PATIENCE:?}"
        );
        tokio::time::sleep(POLL).await;
    };
    let took = started.elapsed();
    let mut tally = Tally::default();
    for (receipt, document) in receipts.iter().zip(&read) {
        if document["extraction"] != "extracted" {
            eprintln!("bench: {} was not read: {document}", receipt.name);
        }
        for miss in receipt.misses(&document["fields"]) {
            eprintln!("bench: {}.{extension}: {miss}", receipt.name);
        }
        tally.add(receipt.check(&document["fields"]));
    }
    (tally, took)
}

/// The first active business of the first active client.
async fn business(http: &reqwest::Client, base: &str) -> u64 {
    let page: Value = crate::answer(
        http.get(format!("{base}/api/clients?status=active&limit=1")),
        "the active clients",
    )
    .await;
    let id = &page["items"][0]["id"];
    let client: Value =
        crate::answer(http.get(format!("{base}/api/clients/{id}")), "a client").await;
    client["businesses"]
        .as_array()
        .and_then(|businesses| {
            businesses
                .iter()
                .find(|business| business["status"] == "active")
        })
        .and_then(|business| business["id"].as_u64())
        .expect("an active business")
}
