//! Reads never mix two commits: while one client is deactivated and
//! reactivated over and over, readers never see an active business under a
//! deactivated client, nor a list page whose counts disagree with its rows.
//! Also: health checks the database, and idempotent answers expire.

use crate::helpers::*;
use axum::http::StatusCode;
use clientele_core::{ClientId, Command, PracticeId, StaffId, Status, Timestamp};
use clientele_server::store::{Actor, Change, ListQuery, Sort, Storage};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const PRACTICE: PracticeId = PracticeId(1);

fn every_client_page(store: &dyn Storage, status: Status) -> clientele_core::wire::ClientPage {
    store
        .list_clients(
            PRACTICE,
            &ListQuery {
                status,
                search: String::new(),
                sort: Sort::NameAscending,
                offset: 0,
                after: None,
                limit: 10_000,
            },
        )
        .unwrap()
        .value
}

#[test]
fn reads_during_a_stream_of_cascading_writes_each_see_one_commit() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let store = db.open();
    let files = clientele_server::files::FileStore::open(&dir.path().join("files")).unwrap();
    clientele_server::demo::seed_if_empty(store.as_ref(), &files, 40).unwrap();
    let target = ClientId(1);
    let done = Arc::new(AtomicBool::new(false));

    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (store, done) = (Arc::clone(&store), Arc::clone(&done));
            std::thread::spawn(move || {
                let mut reads = 0;
                while !done.load(Ordering::SeqCst) {
                    let client = store.client(PRACTICE, target).unwrap();
                    if client.status == Status::Deactivated {
                        assert_eq!(
                            client.count_businesses(Status::Active),
                            0,
                            "an active business under a deactivated client: {client:?}"
                        );
                    }
                    for status in [Status::Active, Status::Deactivated] {
                        let page = every_client_page(store.as_ref(), status);
                        assert_eq!(page.items.len() as u64, page.total, "{status:?}");
                        assert_eq!(page.counts.get(status), page.total);
                        assert!(page.items.iter().all(|item| item.status == status));
                        assert_eq!(page.counts.active + page.counts.deactivated, 40);
                    }
                    reads += 1;
                }
                reads
            })
        })
        .collect();

    let mut client = store.client(PRACTICE, target).unwrap();
    for n in 0..60 {
        let command = if client.status == Status::Active {
            Command::DeactivateClient {
                new_owner_id: client.users[0].id,
                reason: None,
            }
        } else {
            Command::ReactivateClient
        };
        let outcome = store
            .change(Change {
                practice: PRACTICE,
                client_id: target,
                expected_version: client.version,
                command,
                actor: Actor {
                    id: StaffId(1),
                    name: "Dana Lowe".into(),
                },
                at: Timestamp(1_800_000_000_000 + n),
                idempotency: None,
            })
            .unwrap();
        let clientele_server::store::Outcome::Done(next) = outcome else {
            panic!("no idempotency key, so nothing to replay");
        };
        client = next;
    }
    done.store(true, Ordering::SeqCst);
    let reads: usize = readers
        .into_iter()
        .map(|reader| reader.join().unwrap())
        .sum();
    assert!(
        reads > 3,
        "the readers read while the writes went on ({reads})"
    );
}

#[tokio::test]
async fn health_answers_ok_while_the_database_answers_and_503_when_it_does_not() {
    let app = spawn_app().await;
    let healthy = app.get("/api/health").await;
    assert_eq!(healthy.status, StatusCode::OK);
    assert_eq!(healthy.body, json!({ "status": "ok" }));
    match &app.db {
        TestDb::Sqlite(_) => app
            .db
            .execute("PRAGMA foreign_keys = OFF; DROP TABLE practice;"),
        TestDb::Postgres(_) => app.db.execute("DROP TABLE practice CASCADE;"),
    }
    let broken = app.get("/api/health").await;
    assert_eq!(broken.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(broken.code(), "unavailable");
}

#[tokio::test]
async fn a_stored_answer_is_replayed_for_24_hours_and_then_forgotten() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let path = format!("/api/clients/{}/deactivate", id(&client));
    let body = json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) });
    let first = app.post_with_key(&path, body.clone(), "day-old").await;
    assert_eq!(first.status, StatusCode::OK);
    // Used every 11 hours, the session outlives the day.
    for _ in 0..2 {
        app.clock.advance(11 * 3_600_000);
        assert_eq!(app.get("/api/session").await.status, StatusCode::OK);
    }
    app.clock.advance(2 * 3_600_000 - 60_000);
    let replayed = app.post_with_key(&path, body.clone(), "day-old").await;
    assert_eq!(replayed.body, first.body, "still replayed within the day");
    app.clock.advance(120_000);
    let decided_again = app.post_with_key(&path, body, "day-old").await;
    assert_eq!(decided_again.status, StatusCode::CONFLICT, "decided afresh");

    let store = app.db.open();
    let later = Timestamp(START + 3 * 24 * 3_600_000);
    let forgotten = tokio::task::spawn_blocking(move || store.forget_answers_before(later))
        .await
        .unwrap()
        .unwrap();
    assert!(forgotten >= 1);
    assert!(!app.snapshot().contains("day-old"));
}
