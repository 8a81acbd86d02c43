//! Live updates (`GET /api/events`, issue 14): a change reaches the streams
//! of those who may hear of it and nobody else's, and a reconnect replays
//! what it missed or says `resync`. On both stores: with PostgreSQL the
//! change travels through `NOTIFY` and back (across instances:
//! instances.rs).

use crate::helpers::*;
use serde_json::{Value, json};
use std::time::Duration;

/// Long enough for an event that would come to have come.
const QUIET: Duration = Duration::from_millis(500);

async fn deactivate(app: &TestApp, client: &Value) {
    let answer = app
        .post(
            &format!("/api/clients/{}/deactivate", id(client)),
            json!({ "new_owner_id": user_id(client, 0), "expected_version": version(client) }),
        )
        .await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
}

async fn signed_in_name(app: &TestApp) -> String {
    app.get("/api/session").await.body["user"]["name"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_deactivation_reaches_an_open_stream_with_its_version_and_actor() {
    let app = spawn_app().await;
    let mut stream = app.events_as(&app.session, None).await;
    assert_eq!(stream.next().await.name, "ready");
    let client = app.pick("active", 1, 1).await;

    deactivate(&app, &client).await;

    let event = stream.next().await;
    assert_eq!(event.name, "client_changed");
    assert_eq!(
        event.data,
        json!({
            "client_id": id(&client),
            "version": version(&client) + 1,
            "actor": signed_in_name(&app).await,
        })
    );
}

#[tokio::test]
async fn onboarding_edits_and_imports_are_published_too() {
    let app = spawn_app().await;
    let mut stream = app.events_as(&app.session, None).await;
    stream.next().await; // ready
    let client = app.pick("active", 1, 1).await;

    let renamed = app
        .send_json(
            "PATCH",
            &format!("/api/clients/{}", id(&client)),
            json!({ "name": "Renamed Live", "code": null, "expected_version": version(&client) }),
        )
        .await;
    assert_eq!(renamed.status, 200, "{:?}", renamed.body);
    let event = stream.next().await;
    assert_eq!(
        (
            event.data["client_id"].as_u64(),
            event.data["version"].as_u64()
        ),
        (Some(id(&client)), Some(version(&client) + 1))
    );

    let imported = app
        .post_csv(
            "/api/clients/import",
            "name,code,business,user_name,user_email\n\
             Live Import Ltd,LIVE-1,Live Import Cafe,Ivy Live,ivy.live@example.com\n",
        )
        .await;
    assert_eq!(imported.status, 201, "{:?}", imported.body);
    let event = stream.next().await;
    assert_eq!(event.name, "client_changed");
    assert_eq!(event.data["client_id"], imported.body["created"][0]["id"]);
    assert_eq!(event.data["version"], 1);
}

#[tokio::test]
async fn another_practices_people_hear_nothing() {
    let app = spawn_app().await;
    let other_practice = app.sign_in_as(OTHER_ADMIN).await;
    let mut stream = app.events_as(&other_practice, None).await;
    stream.next().await; // ready

    deactivate(&app, &app.pick("active", 1, 1).await).await;

    assert_eq!(stream.next_within(QUIET).await, None);
}

#[tokio::test]
async fn a_client_user_hears_only_of_their_own_account() {
    let app = spawn_app().await;
    let own = app.pick("active", 1, 1).await;
    let someone_elses = app
        .pick_matching("active", |client| id(client) != id(&own))
        .await;
    let client_user = app.sign_in_as(&app.client_user_email(id(&own)).await).await;
    let mut stream = app.events_as(&client_user, None).await;
    stream.next().await; // ready

    deactivate(&app, &someone_elses).await;
    deactivate(&app, &own).await;

    let event = stream.next().await;
    assert_eq!(event.data["client_id"].as_u64(), Some(id(&own)));
    assert_eq!(stream.next_within(QUIET).await, None);
}

#[tokio::test]
async fn a_reconnect_with_last_event_id_replays_what_it_missed() {
    let app = spawn_app().await;
    let mut first = app.events_as(&app.session, None).await;
    let ready = first.next().await;
    drop(first);
    // Another stream, open throughout, hears of both changes first: on
    // PostgreSQL a change reaches this instance's events by NOTIFY, after
    // its answer, and only what has reached them can be replayed.
    let mut witness = app.events_as(&app.session, None).await;
    witness.next().await; // ready
    let clients: Vec<u64> = app.get("/api/clients?limit=2").await.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect();
    for client in &clients {
        deactivate(&app, &app.client(*client).await).await;
    }
    for _ in &clients {
        witness.next().await;
    }

    let mut again = app.events_as(&app.session, Some(&ready.id)).await;

    let replayed = [again.next().await, again.next().await];
    let replayed_ids: Vec<_> = replayed
        .iter()
        .map(|event| event.data["client_id"].as_u64().unwrap())
        .collect();
    assert_eq!(replayed_ids, clients);
    let ready_again = again.next().await;
    assert_eq!(ready_again.name, "ready");
    assert_eq!(
        ready_again.id, replayed[1].id,
        "live from the last replayed"
    );
}

#[tokio::test]
async fn a_reconnect_that_cannot_be_replayed_is_told_to_resync() {
    let app = spawn_app().await;
    // Another instance's numbering (or one since restarted): unknown here.
    let mut stream = app.events_as(&app.session, Some("0badcafe-3")).await;

    assert_eq!(stream.next().await.name, "resync");
    assert_eq!(stream.next().await.name, "ready");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_stops_on_sigterm_even_with_a_stream_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::fresh(dir.path());
    let mut server = RunningServer::start(&db, &[]);
    let http = server.client_as(ADMIN).await;
    let mut stream = http
        .get(format!("{}/api/events", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let first = stream.chunk().await.unwrap().unwrap();
    assert!(String::from_utf8_lossy(&first).contains("event: ready"));

    let terminated = std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(terminated.success());

    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while server.child.try_wait().unwrap().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the server still runs 5 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
