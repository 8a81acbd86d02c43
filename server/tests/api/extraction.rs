//! The extraction worker, stepped by hand on the injected clock: a text PDF
//! is read into fields, a document deactivated since its upload is not read
//! (R5 at pick-up), a corrupt file ends `failed` with a reason after three
//! retries without a panic, "Retry" queues it again, and a read is recorded
//! only once.

use crate::helpers::*;
use axum::http::StatusCode;
use serde_json::json;
use std::sync::Arc;

async fn queued_upload(app: &TestApp, bytes: &[u8]) -> (u64, serde_json::Value) {
    let client = app.pick("active", 1, 1).await;
    let business = client["businesses"][0]["id"].as_u64().unwrap();
    let answer = app
        .upload(
            &format!("/api/businesses/{business}/documents"),
            "receipt.pdf",
            bytes,
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    assert_eq!(answer.body["extraction"], "queued");
    (business, answer.body)
}

async fn document(app: &TestApp, business: u64, id: u64) -> serde_json::Value {
    let list = app
        .get(&format!("/api/businesses/{business}/documents"))
        .await;
    list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|document| document["id"] == id)
        .cloned()
        .unwrap()
}

/// Steps the worker until it finds nothing due.
async fn drain(app: &TestApp) {
    while app.workers.step().await.unwrap() {}
}

#[tokio::test]
async fn a_queued_text_pdf_is_read_into_its_fields() {
    let app = spawn_app().await;
    let pdf = text_pdf(&[
        "Copper Kettle Cafe",
        "12 High Street, Leeds",
        "Date: 12/03/2026",
        "Flat white 3.20",
        "Subtotal 6.00",
        "TOTAL GBP 7.20",
    ]);
    let (business, uploaded) = queued_upload(&app, &pdf).await;
    drain(&app).await;
    let read = document(&app, business, id(&uploaded)).await;
    assert_eq!(read["extraction"], "extracted", "{read}");
    let fields = &read["fields"];
    assert_eq!(fields["supplier"]["value"], "Copper Kettle Cafe");
    assert_eq!(fields["date"]["value"], "2026-03-12");
    assert_eq!(fields["total"]["value"], "7.20");
    assert_eq!(fields["currency"]["value"], "GBP");
    assert!(fields["total"]["confidence"].as_u64().unwrap() > 50);
}

#[tokio::test]
async fn a_document_whose_client_was_deactivated_since_the_upload_is_not_read() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let business = client["businesses"][0]["id"].as_u64().unwrap();
    let uploaded = app
        .upload(
            &format!("/api/businesses/{business}/documents"),
            "r.pdf",
            &text_pdf(&["Shop", "Total 1.00"]),
        )
        .await;
    let deactivated = app
        .post(
            &format!("/api/clients/{}/deactivate", id(&client)),
            json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) }),
        )
        .await;
    assert_eq!(deactivated.status, StatusCode::OK);
    drain(&app).await;
    let read = document(&app, business, id(&uploaded.body)).await;
    assert_eq!(read["extraction"], "not_extracted");
    assert_eq!(read["reason"], "client_deactivated");
    assert!(read["fields"].is_null());
}

#[tokio::test]
async fn a_corrupt_pdf_fails_with_a_reason_after_three_retries_and_retry_queues_it_again() {
    let app = spawn_app().await;
    let corrupt = b"%PDF-1.4\nthis is not really a PDF at all\n".to_vec();
    let (business, uploaded) = queued_upload(&app, &corrupt).await;
    // The first read, then three retries.
    for attempt in 1..=4 {
        drain(&app).await;
        let read = document(&app, business, id(&uploaded)).await;
        if attempt < 4 {
            assert_eq!(read["extraction"], "queued", "attempt {attempt}: {read}");
            // Not due again until its wait is over.
            assert!(!app.workers.step().await.unwrap());
            app.clock.advance(60_000);
        } else {
            assert_eq!(read["extraction"], "failed", "{read}");
            let failure = read["failure"].as_str().unwrap();
            assert!(failure.contains("could not be"), "{failure}");
            assert_eq!(read["reason_message"], failure);
        }
    }
    app.clock.advance(3_600_000);
    assert!(
        !app.workers.step().await.unwrap(),
        "a failed document stays failed"
    );

    let retried = app
        .post(
            &format!("/api/documents/{}/retry", id(&uploaded)),
            json!({}),
        )
        .await;
    assert_eq!(retried.status, StatusCode::OK, "{:?}", retried.body);
    assert_eq!(retried.body["extraction"], "queued");
    let again = app
        .post(
            &format!("/api/documents/{}/retry", id(&uploaded)),
            json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.code(), "extraction_not_failed");
}

#[tokio::test]
async fn documents_being_read_when_the_server_stopped_are_read_again_once() {
    use clientele_server::store::{Picked, ReadOutcome};
    let app = spawn_app().await;
    // A worker of another server took the oldest queued document, and that
    // server died before it finished.
    let stopped = app.db.open();
    let Some(Picked::Read(taken)) =
        tokio::task::spawn_blocking(move || stopped.claim_next(clientele_core::Timestamp(START)))
            .await
            .unwrap()
            .unwrap()
    else {
        panic!("the demo data has queued documents with files");
    };
    let state = |app: &TestApp| {
        app.db.texts(&format!(
            "SELECT extraction FROM documents WHERE id = {}",
            taken.id.0
        ))
    };
    assert_eq!(state(&app), ["extracting"]);

    // The server starting again puts it back in the queue. (On PostgreSQL
    // the dead server's lock goes as its connection closes; a live server's
    // claims would be left alone.)
    let restarted = app.db.open();
    let requeued = {
        let restarted = Arc::clone(&restarted);
        tokio::task::spawn_blocking(move || {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
            loop {
                let requeued = restarted.requeue_interrupted().unwrap();
                if requeued > 0 || std::time::Instant::now() > deadline {
                    return requeued;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        })
        .await
        .unwrap()
    };
    assert_eq!(requeued, 1);
    assert_eq!(state(&app), ["queued"]);
    drain(&app).await;
    assert_eq!(state(&app), ["extracted"]);
    // The first worker's late answer is not recorded over it.
    let late = tokio::task::spawn_blocking(move || {
        restarted.finish(
            taken.id,
            ReadOutcome::Failed("late".into()),
            clientele_core::Timestamp(START),
        )
    })
    .await
    .unwrap()
    .unwrap();
    assert!(!late, "a read is recorded only once");
    assert_eq!(state(&app), ["extracted"]);
}
