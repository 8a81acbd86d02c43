//! Several instances on one PostgreSQL database (issue 14): two real server
//! processes, each on its own port, sharing the database and the files
//! folder and nothing else. A race spread over both has one winner, a
//! session started on one works on the other, and `kill -9` of one during
//! writes loses no acknowledged change while the other keeps serving. Also
//! the extraction queue shared by two stores: each document is taken once,
//! and only a dead instance's claims are queued again.
//!
//! These need PostgreSQL: without `CLIENTELE_TEST_DB` they pass without
//! doing anything (`make test-postgres` runs them for real).

use crate::helpers::*;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Two instances on one fresh database: the first seeds the demo data (so
/// the second, started after it, finds it seeded).
struct Pair {
    first: RunningServer,
    second: RunningServer,
    db: TestDb,
    _dir: tempfile::TempDir,
}

/// Two instances, or `None` when this run is not against PostgreSQL.
fn two_instances() -> Option<Pair> {
    if !on_postgres() {
        eprintln!("skipped: set CLIENTELE_TEST_DB to run the several-instance tests");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let first = RunningServer::start(&db, &[]);
    let second = RunningServer::start_without_demo(&db, &[]);
    assert_ne!(first.url, second.url);
    Some(Pair {
        first,
        second,
        db,
        _dir: dir,
    })
}

async fn get_client(http: &reqwest::Client, url: &str, id: u64) -> Value {
    http.get(format!("{url}/api/clients/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_fifty_racing_deactivations_over_two_instances_exactly_one_wins() {
    let Some(pair) = two_instances() else { return };
    let http = pair.first.client_as(ADMIN).await;
    let client = get_client(&http, &pair.first.url, 1).await;
    let body = json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) });
    let urls = [
        Arc::new(format!("{}/api/clients/1/deactivate", pair.first.url)),
        Arc::new(format!("{}/api/clients/1/deactivate", pair.second.url)),
    ];
    let racers: Vec<_> = (0..50)
        .map(|n| {
            let (http, url, body) = (http.clone(), Arc::clone(&urls[n % 2]), body.clone());
            tokio::spawn(async move {
                let status = http
                    .post(url.as_str())
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .status();
                (n % 2, status.as_u16())
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for racer in racers {
        statuses.push(racer.await.unwrap());
    }
    let count = |wanted: u16| statuses.iter().filter(|(_, s)| *s == wanted).count();
    assert_eq!(count(200), 1, "{statuses:?}");
    assert_eq!(count(409), 49, "{statuses:?}");
    for instance in [0, 1] {
        assert_eq!(
            statuses.iter().filter(|(i, _)| *i == instance).count(),
            25,
            "half the racers went to each instance"
        );
    }
    for url in [&pair.first.url, &pair.second.url] {
        let stored = get_client(&http, url, 1).await;
        assert_eq!(version(&stored), version(&client) + 1, "as {url} sees it");
    }
    let activity = pair.db.texts(
        "SELECT CAST(COUNT(*) AS TEXT) FROM activity
         WHERE client_id = 1 AND action = 'client_deactivated'",
    );
    assert_eq!(activity, ["1"], "one change, recorded once");
}

#[tokio::test]
async fn a_session_started_on_one_instance_works_on_the_other() {
    let Some(pair) = two_instances() else { return };
    // Signed in on the first; the cookie jar sends the cookie to the same
    // host whatever the port, as a load balancer's one address would.
    let http = pair.first.client_as(ADMIN).await;
    let session: Value = http
        .get(format!("{}/api/session", pair.second.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(session["user"]["email"], ADMIN);

    // A change, with the CSRF token the first instance issued.
    let client = get_client(&http, &pair.second.url, 2).await;
    let changed = http
        .post(format!("{}/api/clients/2/deactivate", pair.second.url))
        .json(&json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    let seen_by_first = get_client(&http, &pair.first.url, 2).await;
    assert_eq!(seen_by_first["status"], "deactivated");

    // Signing out on the second ends it on the first.
    let signed_out = http
        .delete(format!("{}/api/session", pair.second.url))
        .send()
        .await
        .unwrap();
    assert!(signed_out.status().is_success(), "{}", signed_out.status());
    let after = http
        .get(format!("{}/api/session", pair.first.url))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401);
}

/// Deactivates `client` (to its first user) if it is active, reactivates it
/// otherwise, at the version it is at.
async fn flip(
    http: &reqwest::Client,
    url: &str,
    client: &Value,
) -> Result<reqwest::Response, reqwest::Error> {
    let (path, body) = if client["status"] == "active" {
        let owner = user_id(client, 0);
        (
            "deactivate",
            json!({ "new_owner_id": owner, "expected_version": version(client) }),
        )
    } else {
        ("reactivate", json!({ "expected_version": version(client) }))
    };
    http.post(format!("{url}/api/clients/{}/{path}", id(client)))
        .json(&body)
        .send()
        .await
}

/// Deactivates and reactivates `client_id` through `url` until a request
/// fails, counting each acknowledged change in `count`; answers the last
/// version acknowledged.
async fn flip_until_refused(
    http: reqwest::Client,
    url: String,
    client_id: u64,
    count: Arc<AtomicUsize>,
) -> Option<u64> {
    let mut client = get_client(&http, &url, client_id).await;
    let mut acknowledged = None;
    for _ in 0..10_000 {
        let Ok(response) = flip(&http, &url, &client).await else {
            break;
        };
        if response.status() != 200 {
            break;
        }
        let Ok(answered) = response.json::<Value>().await else {
            break;
        };
        acknowledged = Some(version(&answered));
        client = answered;
        count.fetch_add(1, Ordering::SeqCst);
    }
    acknowledged
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_of_one_instance_loses_no_acknowledged_change_and_the_other_keeps_serving() {
    let Some(mut pair) = two_instances() else {
        return;
    };
    let http = pair.first.client_as(ADMIN).await;
    // Writers on both instances, each on clients of its own.
    let count = Arc::new(AtomicUsize::new(0));
    let mut on_first = Vec::new();
    for client_id in 1..=4 {
        on_first.push((
            client_id,
            tokio::spawn(flip_until_refused(
                http.clone(),
                pair.first.url.clone(),
                client_id,
                Arc::clone(&count),
            )),
        ));
    }
    let survivor_writer = tokio::spawn(flip_until_refused(
        http.clone(),
        pair.second.url.clone(),
        5,
        Arc::new(AtomicUsize::new(0)),
    ));
    // Killed mid-stream, once its writers had changes acknowledged.
    let started = std::time::Instant::now();
    while count.load(Ordering::SeqCst) < 24 && started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    pair.first.kill_hard();

    let mut acknowledged = HashMap::new();
    for (client_id, writer) in on_first {
        let acked = writer
            .await
            .unwrap()
            .expect("writes were acknowledged before the kill");
        acknowledged.insert(client_id, acked);
    }
    for (client_id, acked) in &acknowledged {
        let stored = version(&get_client(&http, &pair.second.url, *client_id).await);
        // One request may have been in flight: committed, never answered.
        assert!(
            (*acked..=*acked + 1).contains(&stored),
            "client {client_id} was answered with version {acked} but has {stored}"
        );
    }
    // The survivor's writer is still going; more changes go through it.
    assert!(
        !survivor_writer.is_finished(),
        "the other instance kept serving"
    );
    let before = version(&get_client(&http, &pair.second.url, 5).await);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = version(&get_client(&http, &pair.second.url, 5).await);
    assert!(after > before, "writes through the other instance go on");
    survivor_writer.abort();
    let health = http
        .get(format!("{}/api/health", pair.second.url))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

#[test]
fn each_queued_document_is_taken_by_one_worker_and_only_a_dead_instances_claims_are_requeued() {
    use clientele_server::store::Picked;
    if !on_postgres() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let files = clientele_server::files::FileStore::open(&dir.path().join("files")).unwrap();
    let first = db.open();
    clientele_server::demo::seed_if_empty(first.as_ref(), &files, 40).unwrap();
    let second = db.open();
    let due = db.texts(
        "SELECT CAST(COUNT(*) AS TEXT) FROM documents
         WHERE extraction = 'queued' AND sha256 IS NOT NULL",
    );
    let due: usize = due[0].parse().unwrap();
    assert!(due > 4, "the demo data has documents to read");

    // Two workers on each instance take documents until none is left.
    let later = clientele_core::Timestamp(START + 365 * 24 * 3_600_000);
    let workers: Vec<_> = [&first, &second, &first, &second]
        .into_iter()
        .enumerate()
        .map(|(worker, store)| {
            let store = Arc::clone(store);
            std::thread::spawn(move || {
                let mut taken = Vec::new();
                while let Some(picked) = store.claim_next(later).unwrap() {
                    match picked {
                        Picked::Read(claim) => taken.push((worker % 2, claim.id.0, true)),
                        Picked::NotExtracted(id) => taken.push((worker % 2, id.0, false)),
                    }
                }
                taken
            })
        })
        .collect();
    let taken: Vec<(usize, u64, bool)> = workers
        .into_iter()
        .flat_map(|worker| worker.join().unwrap())
        .collect();
    let mut ids: Vec<u64> = taken.iter().map(|(_, id, _)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), taken.len(), "no document was taken twice");
    assert_eq!(taken.len(), due, "every due document was taken");

    // Both instances live: nothing of theirs is queued again.
    assert_eq!(second.requeue_interrupted().unwrap(), 0);
    // The first dies: what it was reading is queued again, and only that.
    let reading_on_first = taken
        .iter()
        .filter(|(instance, _, read)| *instance == 0 && *read)
        .count();
    assert!(reading_on_first > 0);
    drop(first);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let mut requeued = 0;
    while requeued < reading_on_first && std::time::Instant::now() < deadline {
        requeued += second.requeue_interrupted().unwrap();
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(requeued, reading_on_first);
}

/// Reads `response` (a stream of events) until an event named `name`, or
/// fails after `wait`.
async fn event_named(
    response: &mut reqwest::Response,
    buffer: &mut String,
    name: &str,
    wait: Duration,
) -> SseEvent {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            if let Some(event) = parse_event(&block)
                && event.name == name
            {
                return event;
            }
        }
        let chunk = tokio::time::timeout_at(deadline, response.chunk())
            .await
            .unwrap_or_else(|_| panic!("no {name} event within {wait:?}"))
            .unwrap()
            .expect("the stream of events ended");
        buffer.push_str(std::str::from_utf8(&chunk).unwrap());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_on_one_instance_reaches_a_stream_on_the_other_within_two_seconds() {
    let Some(pair) = two_instances() else { return };
    let http = pair.first.client_as(ADMIN).await;
    let mut stream = http
        .get(format!("{}/api/events", pair.second.url))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let mut buffer = String::new();
    event_named(&mut stream, &mut buffer, "ready", Duration::from_secs(2)).await;
    let client = get_client(&http, &pair.first.url, 3).await;

    let changed_at = tokio::time::Instant::now();
    let changed = http
        .post(format!("{}/api/clients/3/deactivate", pair.first.url))
        .json(&json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);

    let event = event_named(
        &mut stream,
        &mut buffer,
        "client_changed",
        Duration::from_secs(2),
    )
    .await;
    assert!(changed_at.elapsed() < Duration::from_secs(2));
    assert_eq!(event.data["client_id"], 3);
    assert_eq!(event.data["version"], version(&client) + 1);
}

/// Regression: the tabs' counts are rows that every change of status
/// updates. A deactivation and a reactivation at once once took them in
/// opposite orders and PostgreSQL aborted one as a deadlock (a 500); now
/// they wait for each other, and every flip on either instance succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deactivations_and_reactivations_at_once_on_two_instances_all_succeed() {
    let Some(pair) = two_instances() else {
        return;
    };
    let http = pair.first.client_as(ADMIN).await;
    let writers: Vec<_> = (1..=6u64)
        .map(|client_id| {
            let url = if client_id % 2 == 0 {
                pair.first.url.clone()
            } else {
                pair.second.url.clone()
            };
            let http = http.clone();
            tokio::spawn(async move {
                let mut client = get_client(&http, &url, client_id).await;
                for time in 0..30 {
                    let answer = flip(&http, &url, &client).await.unwrap();
                    let status = answer.status();
                    let body: Value = answer.json().await.unwrap();
                    assert_eq!(status, 200, "client {client_id}, flip {time}: {body}");
                    client = body;
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    let page: Value = http
        .get(format!("{}/api/clients?limit=1000", pair.second.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let listed = page["items"].as_array().unwrap().len() as u64;
    assert_eq!(page["counts"]["active"].as_u64().unwrap(), listed);
}

#[test]
fn two_instances_seeding_an_empty_database_at_once_seed_it_once() {
    if !on_postgres() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let files =
        Arc::new(clientele_server::files::FileStore::open(&dir.path().join("files")).unwrap());
    let stores = [db.open(), db.open()];
    // Both find the database empty before either has seeded it.
    assert!(stores.iter().all(|store| store.is_empty().unwrap()));
    let seeds: Vec<_> = stores
        .into_iter()
        .map(|store| {
            let files = Arc::clone(&files);
            std::thread::spawn(move || {
                clientele_server::demo::seed_if_empty(store.as_ref(), &files, 40)
            })
        })
        .collect();
    let seeded: Vec<bool> = seeds
        .into_iter()
        .map(|seed| seed.join().unwrap().expect("neither seed fails"))
        .collect();
    assert_eq!(
        seeded.iter().filter(|seeded| **seeded).count(),
        1,
        "{seeded:?}"
    );
    assert_eq!(
        db.texts("SELECT CAST(COUNT(*) AS TEXT) FROM practice"),
        ["2"]
    );
}
