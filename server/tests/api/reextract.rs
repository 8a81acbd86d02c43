//! "Extract now" and a deactivation's impact, through the handlers: the
//! documents added while a client was deactivated are listed, queued by a
//! practice admin once the client is active again (one, or all), read by
//! the workers as usual, and recorded in the activity log; refusals name
//! their reason and change nothing. The impact counts what `core` counts
//! from the store's facts.

use crate::helpers::*;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// An active client with one business, deactivated; a document uploaded
/// to it then, `not_extracted`; the client, its business and the document.
async fn document_added_while_deactivated(app: &TestApp) -> (Value, u64, Value) {
    let client = app.pick("active", 1, 1).await;
    let business = client["businesses"][0]["id"].as_u64().unwrap();
    let deactivated = app
        .post(
            &format!("/api/clients/{}/deactivate", id(&client)),
            json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) }),
        )
        .await;
    assert_eq!(deactivated.status, StatusCode::OK, "{:?}", deactivated.body);
    let uploaded = upload(app, business).await;
    assert_eq!(uploaded["extraction"], "not_extracted");
    (deactivated.body, business, uploaded)
}

async fn upload(app: &TestApp, business: u64) -> Value {
    let answer = app
        .upload(
            &format!("/api/businesses/{business}/documents"),
            "till.pdf",
            &clientele_server::receipt::text_pdf(&["Corner Shop", "TOTAL GBP 4.20"]),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    answer.body
}

async fn reactivate(app: &TestApp, client: &Value) {
    let answer = app
        .post(
            &format!("/api/clients/{}/reactivate", id(client)),
            json!({ "expected_version": version(client) }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
}

fn waiting_path(client: &Value) -> String {
    format!(
        "/api/clients/{}/documents/added-while-deactivated",
        id(client)
    )
}

fn extract_path(client: &Value) -> String {
    format!("/api/clients/{}/documents/extract", id(client))
}

#[tokio::test]
async fn a_document_added_while_deactivated_is_extracted_now_after_the_reactivation() {
    let app = spawn_app().await;
    let (client, business, uploaded) = document_added_while_deactivated(&app).await;
    let waiting = app.get(&waiting_path(&client)).await;
    assert_eq!(waiting.status, StatusCode::OK);
    // Newest first: the upload just made.
    assert_eq!(waiting.body["items"][0]["id"], uploaded["id"]);
    assert_eq!(waiting.body["items"][0]["reason"], "client_deactivated");
    let waiting_before = waiting.body["items"].as_array().unwrap().len();

    // While the client is deactivated, nothing may be extracted.
    let before = app.snapshot();
    let early = app
        .post(
            &extract_path(&client),
            json!({ "document_ids": [id(&uploaded)] }),
        )
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(early.code(), "client_deactivated");
    assert_eq!(app.snapshot(), before);

    reactivate(&app, &client).await;
    let extracted = app
        .post(
            &extract_path(&client),
            json!({ "document_ids": [id(&uploaded)] }),
        )
        .await;
    assert_eq!(extracted.status, StatusCode::OK, "{:?}", extracted.body);
    assert_eq!(extracted.body["items"][0]["id"], uploaded["id"]);
    assert_eq!(extracted.body["items"][0]["extraction"], "queued");
    assert!(extracted.body["items"][0]["reason"].is_null());
    let waiting = app.get(&waiting_path(&client)).await;
    let waiting_after = waiting.body["items"].as_array().unwrap();
    assert_eq!(waiting_after.len(), waiting_before - 1);
    assert!(!waiting_after.contains(&uploaded));

    // The workers read it as any queued document.
    while app.workers.step().await.unwrap() {}
    let documents = app
        .get(&format!("/api/businesses/{business}/documents"))
        .await;
    let read = documents.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|document| document["id"] == uploaded["id"])
        .unwrap();
    assert_eq!(read["extraction"], "extracted", "{read}");
    assert_eq!(read["fields"]["supplier"]["value"], "Corner Shop");

    let activity = app
        .get(&format!("/api/clients/{}/activity", id(&client)))
        .await;
    let latest = &activity.body["items"][0];
    assert_eq!(latest["action"], "documents_extracted");
    assert_eq!(latest["document_count"], 1);
    assert_eq!(latest["actor"], "Dana Lowe");
}

#[tokio::test]
async fn extract_all_now_queues_every_waiting_document_once() {
    let app = spawn_app().await;
    let (client, business, first) = document_added_while_deactivated(&app).await;
    let second = upload(&app, business).await;
    reactivate(&app, &client).await;
    let path = extract_path(&client);
    let all = app.post_with_key(&path, json!({}), "extract-all").await;
    assert_eq!(all.status, StatusCode::OK, "{:?}", all.body);
    let items = all.body["items"].as_array().unwrap();
    let ids: Vec<&Value> = items.iter().map(|document| &document["id"]).collect();
    // Oldest first; the demo data may hold older ones of its own.
    assert_eq!(ids[ids.len() - 2..], [&first["id"], &second["id"]]);
    assert!(
        items
            .iter()
            .all(|document| document["extraction"] == "queued")
    );
    let waiting = app.get(&waiting_path(&client)).await;
    assert_eq!(waiting.body["items"], json!([]));
    // A retry with the same key answers the same and queues nothing more.
    let snapshot = app.snapshot();
    let retry = app.post_with_key(&path, json!({}), "extract-all").await;
    assert_eq!(retry.status, StatusCode::OK);
    assert_eq!(retry.body, all.body);
    assert_eq!(app.snapshot(), snapshot);
    // A new request finds nothing left.
    let again = app.post_with_key(&path, json!({}), "extract-again").await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.code(), "nothing_to_extract");
}

#[tokio::test]
async fn a_document_that_cannot_be_extracted_now_is_refused_by_name_and_nothing_changes() {
    let app = spawn_app().await;
    let (client, business, waiting) = document_added_while_deactivated(&app).await;
    reactivate(&app, &client).await;
    let queued = upload(&app, business).await;
    assert_eq!(queued["extraction"], "queued");
    let before = app.snapshot();
    let path = extract_path(&client);
    let cases = [
        (
            json!({ "document_ids": [id(&queued)] }),
            StatusCode::CONFLICT,
            "document_not_waiting",
        ),
        (
            json!({ "document_ids": [id(&waiting), id(&queued)] }),
            StatusCode::CONFLICT,
            "document_not_waiting",
        ),
        (
            json!({ "document_ids": [999_999] }),
            StatusCode::NOT_FOUND,
            "document_not_found",
        ),
        (
            json!({ "document_ids": [] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "no_documents_named",
        ),
        (
            json!({ "document_ids": ["one"] }),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            json!({ "all": true }),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
    ];
    for (body, status, code) in cases {
        let answer = app.post(&path, body.clone()).await;
        assert_eq!((answer.status, answer.code()), (status, code), "{body}");
        assert_eq!(app.snapshot(), before, "{body}");
    }
}

#[tokio::test]
async fn a_document_of_a_business_still_deactivated_waits_for_its_business() {
    let app = spawn_app().await;
    let client = app
        .pick_matching("active", |client| {
            client["businesses"].as_array().unwrap().len() >= 2
                && client["businesses"][1]["status"] == "active"
        })
        .await;
    let business = client["businesses"][1]["id"].as_u64().unwrap();
    let deactivated = app
        .post(
            &format!(
                "/api/clients/{}/businesses/{business}/deactivate",
                id(&client)
            ),
            json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) }),
        )
        .await;
    assert_eq!(deactivated.status, StatusCode::OK);
    let uploaded = upload(&app, business).await;
    assert_eq!(uploaded["reason"], "business_deactivated");
    let answer = app
        .post(
            &extract_path(&client),
            json!({ "document_ids": [id(&uploaded)] }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.code(), "business_deactivated");
}

#[tokio::test]
async fn the_impact_counts_the_queue_the_users_and_when_each_business_was_last_active() {
    let app = spawn_app().await;
    let client = app
        .pick_matching("active", |client| {
            let businesses = client["businesses"].as_array().unwrap();
            businesses.len() >= 2 && businesses.iter().all(|b| b["status"] == "active")
        })
        .await;
    let business = client["businesses"][0]["id"].as_u64().unwrap();
    upload(&app, business).await;
    let path = format!("/api/clients/{}/impact", id(&client));
    let impact = app.get(&path).await;
    assert_eq!(impact.status, StatusCode::OK, "{:?}", impact.body);

    // What the documents lists say, counted here by hand.
    let mut queued = 0;
    for listed in client["businesses"].as_array().unwrap() {
        let documents = app
            .get(&format!("/api/businesses/{}/documents", id(listed)))
            .await;
        queued += documents.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|document| document["extraction"] == "queued")
            .count();
    }
    let businesses = client["businesses"].as_array().unwrap();
    assert_eq!(impact.body["businesses"], businesses.len());
    assert_eq!(impact.body["queued_documents"], queued);
    assert!(queued >= 1);
    let names: Vec<&Value> = client["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|user| &user["name"])
        .collect();
    let losing: Vec<&Value> = impact.body["users_losing_access"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(losing, names);
    // The upload was made on the test clock's day.
    assert_eq!(impact.body["last_active"][0]["business_id"], business);
    assert_eq!(
        impact.body["last_active"][0]["last_document_on"],
        "2026-12-01"
    );
    let points = impact.body["points"].as_array().unwrap();
    assert_eq!(
        points[0],
        format!("{} businesses will be deactivated.", businesses.len())
    );

    let one = app.get(&format!("{path}?business_id={business}")).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(one.body["businesses"], 1);
    assert_eq!(one.body["points"][0], "1 business will be deactivated.");
}

#[tokio::test]
async fn the_impact_of_what_cannot_be_deactivated_is_refused() {
    let app = spawn_app().await;
    let deactivated = app.pick("deactivated", 1, 1).await;
    let answer = app
        .get(&format!("/api/clients/{}/impact", id(&deactivated)))
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(answer.code(), "client_already_deactivated");
    // A business of a deactivated client cannot be deactivated on its own:
    // a conflict with the client's state, like the client itself.
    let business = deactivated["businesses"][0]["id"].as_u64().unwrap();
    let answer = app
        .get(&format!(
            "/api/clients/{}/impact?business_id={business}",
            id(&deactivated)
        ))
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(answer.code(), "client_deactivated");
    let active = app.pick("active", 1, 1).await;
    for query in ["business_id=abc", "business_id=0", "business_id=999999"] {
        let answer = app
            .get(&format!("/api/clients/{}/impact?{query}", id(&active)))
            .await;
        assert!(
            answer.status.is_client_error(),
            "{query}: {}",
            answer.status
        );
    }
}
