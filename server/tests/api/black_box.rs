//! The real binary over real sockets: it starts and says where, survives
//! `kill -9` without losing an acknowledged change, lets exactly one of many
//! racing changes win, drops connections when told to, and hides a broken
//! database behind a bare 500.

use crate::helpers::*;
use serde_json::{Value, json};
use std::sync::Arc;

async fn client_json(
    http: impl std::borrow::Borrow<reqwest::Client>,
    url: impl AsRef<str>,
    id: u64,
) -> Value {
    let url = url.as_ref();
    http.borrow()
        .get(format!("{url}/api/clients/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_binary_starts_on_port_0_and_serves_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let server = RunningServer::start(&db, &[]);
    let health: Value = reqwest::get(format!("{}/api/health", server.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    if let TestDb::Sqlite(path) = &db {
        assert!(path.exists());
    }
}

#[tokio::test]
async fn without_a_built_app_pages_say_how_to_build_it_and_the_api_still_works() {
    let dir = tempfile::tempdir().unwrap();
    // About the SQLite file's folder, so SQLite in either run.
    let server = RunningServer::start(
        &TestDb::Sqlite(dir.path().join("nested/dir/db.sqlite")),
        &[],
    );
    let page = reqwest::get(format!("{}/clients", server.url))
        .await
        .unwrap();
    assert_eq!(page.status(), 503);
    assert!(page.text().await.unwrap().contains("trunk build"));
    let api = server
        .client_as(ADMIN)
        .await
        .get(format!("{}/api/clients", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 200);
    assert!(
        dir.path().join("nested/dir/db.sqlite").exists(),
        "the database's folder was created"
    );
}

#[tokio::test]
async fn without_the_flag_there_is_no_fault_switch() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let server = RunningServer::start(&db, &[]);
    let answer = reqwest::Client::new()
        .put(format!("{}/api/_test/fault", server.url))
        .json(&json!({ "mode": "error" }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_fifty_racing_deactivations_exactly_one_wins() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let server = RunningServer::start(&db, &[]);
    let http = server.client_as(ADMIN).await;
    let client = client_json(&http, &server.url, 1).await;
    let url = Arc::new(format!("{}/api/clients/1/deactivate", server.url));
    let body = json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) });
    let racers: Vec<_> = (0..50)
        .map(|_| {
            let (http, url, body) = (http.clone(), Arc::clone(&url), body.clone());
            tokio::spawn(async move {
                http.post(url.as_str())
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for racer in racers {
        statuses.push(racer.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        49,
        "{statuses:?}"
    );
    let stored = client_json(&http, &server.url, 1).await;
    assert_eq!(version(&stored), version(&client) + 1);
}

/// What a stream of writes had acknowledged when the server was killed.
#[derive(Default)]
struct Acknowledged {
    /// The highest version each client was answered with.
    versions: std::collections::HashMap<u64, u64>,
    /// Every document answered 201, with its business.
    documents: Vec<(u64, u64)>,
}

/// Alternates deactivating or reactivating one of the first eight clients
/// with uploading a document, one request at a time, until the server dies;
/// counts each acknowledged write in `count` as it goes.
async fn write_until_the_server_dies(
    http: reqwest::Client,
    url: String,
    count: Arc<std::sync::atomic::AtomicUsize>,
) -> Acknowledged {
    let mut clients = Vec::new();
    for id in 1..=8 {
        clients.push(client_json(&http, &url, id).await);
    }
    let mut acknowledged = Acknowledged::default();
    for n in 0..100_000usize {
        let client = &mut clients[(n / 2) % 8];
        let (path, body, expected) = if n % 2 == 0 {
            let (action, body) = if client["status"] == "active" {
                let body = json!({ "new_owner_id": user_id(client, 0), "expected_version": version(client) });
                ("deactivate", body)
            } else {
                ("reactivate", json!({ "expected_version": version(client) }))
            };
            (format!("clients/{}/{action}", id(client)), body, 200)
        } else {
            let business = client["businesses"][0]["id"].as_u64().unwrap();
            (format!("businesses/{business}/documents"), json!(n), 201)
        };
        let request = http.post(format!("{url}/api/{path}"));
        let request = if expected == 201 {
            // Each upload's bytes differ, so each is its own file.
            let bytes = pdf_bytes(&format!("upload {n}"));
            let part = reqwest::multipart::Part::bytes(bytes).file_name(format!("upload-{n}.pdf"));
            request.multipart(reqwest::multipart::Form::new().part("file", part))
        } else {
            request.json(&body)
        };
        let sent = request.send().await;
        let Ok(answer) = sent else { break };
        assert_eq!(answer.status(), expected, "{path} before the kill");
        let Ok(answered) = answer.json::<Value>().await else {
            break;
        };
        if expected == 200 {
            acknowledged.versions.insert(id(client), version(&answered));
            *client = answered;
        } else {
            let business = answered["business_id"].as_u64().unwrap();
            acknowledged.documents.push((business, id(&answered)));
        }
        count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
    acknowledged
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_change_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let mut server = RunningServer::start(&db, &[]);
    // Sessions are stored in the database, so this one outlives the kill.
    let http = server.client_as(ADMIN).await;
    let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let writer = tokio::spawn(write_until_the_server_dies(
        http.clone(),
        server.url.clone(),
        Arc::clone(&count),
    ));
    // Killed mid-stream, once enough writes were acknowledged: waiting for a
    // count rather than a fixed time holds on a busy machine too.
    let started = std::time::Instant::now();
    while count.load(std::sync::atomic::Ordering::SeqCst) < 24
        && started.elapsed() < std::time::Duration::from_secs(30)
    {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    server.kill_hard();
    let acknowledged = writer.await.unwrap();
    assert!(
        acknowledged.versions.len() == 8 && acknowledged.documents.len() > 8,
        "writes were acknowledged before the kill"
    );

    let restarted = RunningServer::start(&db, &[]);
    for (client_id, acked) in &acknowledged.versions {
        let stored = version(&client_json(&http, &restarted.url, *client_id).await);
        // One request may have been in flight: committed, never answered.
        assert!(
            (*acked..=*acked + 1).contains(&stored),
            "client {client_id} was answered with version {acked} but has {stored}"
        );
    }
    let db_files = db.files_dir();
    for (business, document) in &acknowledged.documents {
        let documents: Value = http
            .get(format!(
                "{}/api/businesses/{business}/documents",
                restarted.url
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            documents["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|stored| id(stored) == *document),
            "acknowledged document {document} was lost"
        );
        let file = http
            .get(format!("{}/api/documents/{document}/file", restarted.url))
            .send()
            .await
            .unwrap();
        assert_eq!(file.status(), 200, "document {document}'s file downloads");
    }
    // No row, acknowledged or not, is without its file.
    let digests = db.texts("SELECT sha256 FROM documents WHERE sha256 IS NOT NULL");
    assert!(!digests.is_empty());
    for digest in digests {
        assert!(
            db_files.join(&digest[..2]).join(&digest).is_file(),
            "the row naming {digest} has its file"
        );
    }
}

async fn set_fault(http: &reqwest::Client, url: &str, fault: Value) {
    let answer = http
        .put(format!("{url}/api/_test/fault"))
        .json(&fault)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 204);
}

#[tokio::test]
async fn a_dropped_connection_gives_no_answer_and_applies_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let server = RunningServer::start(&db, &["--fault-injection"]);
    let http = server.client_as(ADMIN).await;
    let client = client_json(&http, &server.url, 1).await;
    set_fault(&http, &server.url, json!({ "mode": "drop" })).await;
    let sent = http
        .post(format!("{}/api/clients/1/deactivate", server.url))
        .json(&json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) }))
        .send()
        .await;
    let answered = match sent {
        Ok(response) => response.bytes().await.is_ok(),
        Err(_) => false,
    };
    assert!(!answered, "the connection was cut before the answer");
    assert_eq!(client_json(&http, &server.url, 1).await, client);
}

#[tokio::test]
async fn a_change_retried_after_its_answer_was_dropped_is_applied_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let server = RunningServer::start(&db, &["--fault-injection"]);
    let http = server.client_as(ADMIN).await;
    let client = client_json(&http, &server.url, 1).await;
    set_fault(&http, &server.url, json!({ "mode": "drop_after_commit" })).await;
    let send = || {
        http.post(format!("{}/api/clients/1/deactivate", server.url))
            .header("idempotency-key", "retry-me")
            .json(&json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) }))
            .send()
    };
    let first = match send().await {
        Ok(response) => response.bytes().await.is_ok(),
        Err(_) => false,
    };
    assert!(!first, "the first answer was cut off");
    let retry = send().await.unwrap();
    assert_eq!(retry.status(), 200);
    let answered: Value = retry.json().await.unwrap();
    assert_eq!(answered["status"], "deactivated");
    assert_eq!(version(&answered), version(&client) + 1, "applied once");
}

#[tokio::test]
async fn a_delayed_change_still_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let server = RunningServer::start(&db, &["--fault-injection"]);
    let http = server.client_as(ADMIN).await;
    let client = client_json(&http, &server.url, 1).await;
    set_fault(
        &http,
        &server.url,
        json!({ "mode": "delay", "delay_ms": 300 }),
    )
    .await;
    let started = std::time::Instant::now();
    let answer = http
        .post(format!("{}/api/clients/1/deactivate", server.url))
        .json(&json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert!(started.elapsed() >= std::time::Duration::from_millis(300));
}

#[tokio::test]
async fn a_broken_database_gives_a_bare_500_that_leaks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let server = RunningServer::start(&db, &[]);
    // Renamed rather than dropped: a rename locks only this table, while a
    // drop also locks the clients it refers to, and can deadlock with the
    // server's own work on PostgreSQL.
    db.execute("ALTER TABLE activity RENAME TO activity_gone;");
    let http = server.client_as(ADMIN).await;
    let client = client_json(&http, &server.url, 1).await;
    let answer = http
        .post(format!("{}/api/clients/1/deactivate", server.url))
        .json(&json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 500);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "error": { "code": "internal", "message": "internal error" } })
    );
    let log = std::fs::read_to_string(db.log_path()).unwrap();
    // SQLite's words, or PostgreSQL's.
    assert!(
        log.contains("changing a client")
            && (log.contains("no such table: activity")
                || (log.contains("relation")
                    && log.contains("activity")
                    && log.contains("does not exist"))),
        "the detail is logged instead: {log}"
    );
    assert_eq!(
        client_json(&http, &server.url, 1).await,
        client,
        "the failed change was rolled back"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_delayed_reads_an_old_answer_arrives_after_a_newer_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let server = RunningServer::start(&db, &["--fault-injection"]);
    let http = server.client_as(ADMIN).await;
    let client = client_json(&http, &server.url, 1).await;
    set_fault(
        &http,
        &server.url,
        json!({ "mode": "delay_reads", "delay_ms": 600 }),
    )
    .await;
    let slow_read = tokio::spawn(client_json(http.clone(), server.url.clone(), 1));
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let changed: Value = http
        .post(format!("{}/api/clients/1/deactivate", server.url))
        .json(&json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        version(&changed),
        version(&client) + 1,
        "changes are not delayed"
    );
    let old = slow_read.await.unwrap();
    assert_eq!(
        version(&old),
        version(&client),
        "the read answered what it read"
    );
}
