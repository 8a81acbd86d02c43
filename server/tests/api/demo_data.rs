//! Opening a database: the demo practice is seeded only into an empty one,
//! deterministically, at the size asked for and in a state the rules could
//! have produced; a schema newer than the server is refused.

use crate::helpers::*;
use clientele_core::{PracticeId, Status};
use clientele_server::store::{ListQuery, Sort};
use serde_json::Value;

#[tokio::test]
async fn two_fresh_databases_get_the_same_demo_data() {
    assert_eq!(
        spawn_app().await.data_snapshot(),
        spawn_app().await.data_snapshot()
    );
}

#[tokio::test]
async fn the_seed_is_only_planted_in_an_empty_database() {
    let app = spawn_app().await;
    let before = app.snapshot();
    let store = app.db.open();
    let files = clientele_server::files::FileStore::open(&app.files_dir).unwrap();
    let seeded = tokio::task::spawn_blocking(move || {
        clientele_server::demo::seed_if_empty(store.as_ref(), &files, 40)
    })
    .await
    .unwrap()
    .unwrap();
    assert!(!seeded);
    assert_eq!(app.snapshot(), before, "reopening seeds nothing more");
}

#[test]
fn a_larger_practice_keeps_the_same_share_of_deactivated_clients() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let store = db.open();
    let files = clientele_server::files::FileStore::open(&dir.path().join("files")).unwrap();
    clientele_server::demo::seed_if_empty(store.as_ref(), &files, 400).unwrap();
    let page = store
        .list_clients(
            PracticeId(1),
            &ListQuery {
                status: Status::Deactivated,
                search: String::new(),
                sort: Sort::NameAscending,
                offset: 0,
                after: None,
                limit: 1,
            },
        )
        .unwrap()
        .value;
    assert_eq!(page.counts.active + page.counts.deactivated, 400);
    assert_eq!(page.counts.deactivated, 50);
}

#[tokio::test]
async fn every_demo_client_is_in_a_state_the_rules_allow() {
    let app = spawn_app().await;
    let mut extraction_states = std::collections::HashSet::new();
    let mut businesses_deactivated_one_by_one = 0;
    for status in ["active", "deactivated"] {
        let page = app.get(&format!("/api/clients?status={status}")).await;
        for item in page.body["items"].as_array().unwrap() {
            let client = app.client(id(item)).await;
            let users = client["users"].as_array().unwrap();
            let businesses = client["businesses"].as_array().unwrap();
            assert!((1..=4).contains(&users.len()), "{client}");
            assert!((1..=4).contains(&businesses.len()), "{client}");
            let owner = users.iter().find(|u| u["id"] == client["owner"]);
            assert_eq!(owner.unwrap()["role"], "admin", "the owner is an admin");
            let activity = app
                .get(&format!("/api/clients/{}/activity", id(&client)))
                .await;
            for business in businesses {
                let owner = users.iter().find(|u| u["id"] == business["owner"]);
                assert!(owner.is_some(), "{business}");
                if status == "deactivated" {
                    assert_eq!(business["status"], "deactivated", "R1 cascaded");
                } else if business["status"] == "deactivated" {
                    businesses_deactivated_one_by_one += 1;
                    assert_eq!(owner.unwrap()["role"], "admin", "R3: {business}");
                }
                // When it was deactivated, by its own entry or its client's.
                let deactivated_at = activity.body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|entry| {
                        entry["action"] == "client_deactivated"
                            || entry["business"]["id"] == business["id"]
                    })
                    .map(|entry| entry["at"].as_str().unwrap().to_owned());
                let documents = app
                    .get(&format!("/api/businesses/{}/documents", id(business)))
                    .await;
                for document in documents.body["items"].as_array().unwrap() {
                    check_extraction_follows_r5(&client, business, document);
                    // R5: extracted only if added before the deactivation.
                    if let Some(deactivated_at) = &deactivated_at {
                        let before =
                            document["added_at"].as_str().unwrap() < deactivated_at.as_str();
                        let extracted = document["extraction"] == "extracted";
                        assert_eq!(extracted, before, "{document} ({deactivated_at})");
                    }
                    extraction_states.insert(document["extraction"].as_str().unwrap().to_owned());
                }
            }
        }
    }
    assert!(businesses_deactivated_one_by_one >= 2);
    assert_eq!(extraction_states.len(), 3, "{extraction_states:?}");
}

/// A document that was not extracted says why, and the why matches the
/// business and client as they are (the seed has no later changes).
fn check_extraction_follows_r5(client: &Value, business: &Value, document: &Value) {
    match document["extraction"].as_str().unwrap() {
        "not_extracted" => {
            let expected = if client["status"] == "deactivated" {
                "client_deactivated"
            } else {
                "business_deactivated"
            };
            assert_eq!(document["reason"], expected, "{document}");
            assert_eq!(business["status"], "deactivated");
        }
        "queued" => {
            assert!(document["reason"].is_null(), "{document}");
            assert_eq!(business["status"], "active", "only active businesses queue");
        }
        _ => assert!(document["reason"].is_null(), "{document}"),
    }
}

#[test]
fn a_database_from_a_newer_server_is_refused_rather_than_misread() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    match &db {
        TestDb::Sqlite(_) => db.execute("PRAGMA user_version = 99;"),
        TestDb::Postgres(_) => db.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY);
             INSERT INTO schema_migrations VALUES (99);",
        ),
    }
    let error = db.try_open().err().expect("refused");
    assert!(error.to_string().contains("newer"), "{error}");
}

/// The demo's deactivated clients, and businesses deactivated one by one,
/// were deactivated by the practice's admin, and their activity and the
/// export say so, as they would of a deactivation made in the app.
#[tokio::test]
async fn the_demo_deactivations_say_who_made_them_in_the_activity_and_the_export() {
    let app = spawn_app().await;
    let client = app.pick("deactivated", 1, 1).await;
    let activity = app
        .get(&format!("/api/clients/{}/activity", id(&client)))
        .await;
    let entries = activity.body["items"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["action"], "client_deactivated");
    assert_eq!(entries[0]["actor"], "Dana Lowe");

    let one_by_one = app
        .pick_matching("active", |client| {
            client["businesses"]
                .as_array()
                .unwrap()
                .iter()
                .any(|business| business["status"] == "deactivated")
        })
        .await;
    let activity = app
        .get(&format!("/api/clients/{}/activity", id(&one_by_one)))
        .await;
    let entry = &activity.body["items"][0];
    assert_eq!(entry["action"], "business_deactivated", "{entry}");
    assert_eq!(entry["actor"], "Dana Lowe");

    let export = app
        .send(
            axum::http::Request::get("/api/clients/export?status=deactivated")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    let text = export.body.as_str().unwrap().to_owned();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 5, "one in eight of the first practice's 40");
    for row in &rows {
        assert!(!row[6].is_empty(), "deactivated_at of {row:?}");
        assert_eq!(&row[7], "Dana Lowe", "{row:?}");
    }
}
