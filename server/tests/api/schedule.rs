//! Scheduled deactivation: scheduling and cancelling through the API, and
//! the scheduler run with the test's manual clock (which starts on
//! 2026-12-01): nothing before the day, the deactivation once at its start
//! (00:00 UTC), a refusal recorded and shown, a stored schedule run by a
//! store opened afresh (as after a restart), and exactly one run when two
//! stores (two instances) race for the same due schedules.

use crate::helpers::*;
use axum::http::StatusCode;
use clientele_core::Timestamp;
use clientele_server::scheduler::{Ran, run_due};
use clientele_server::store::Storage;
use serde_json::{Value, json};
use std::sync::Arc;

/// 2026-12-03T00:00:00Z, two days after the clock's start.
const DAY: &str = "2026-12-03";
const DAY_STARTS: i64 = START + 2 * 24 * 60 * 60 * 1000;

/// An active client with a second user who is not its owner.
async fn client_with_a_second_user(app: &TestApp) -> Value {
    app.pick_matching("active", |client| {
        client["users"].as_array().unwrap().len() >= 2
            && client["owner"] != client["users"][1]["id"]
    })
    .await
}

async fn schedule(app: &TestApp, client: &Value, on: &str, new_owner: u64) -> Answer {
    app.post(
        &format!("/api/clients/{}/schedule", id(client)),
        json!({ "expected_version": version(client), "on": on,
                "new_owner_id": new_owner, "reason": "Moving to another firm" }),
    )
    .await
}

async fn activity(app: &TestApp, client: u64) -> Vec<Value> {
    let answer = app.get(&format!("/api/clients/{client}/activity")).await;
    answer.body["items"].as_array().unwrap().clone()
}

async fn row(app: &TestApp, client: u64, status: &str) -> Option<Value> {
    let page = app
        .get(&format!("/api/clients?status={status}&limit=1000"))
        .await;
    page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| id(item) == client)
        .cloned()
}

/// Runs the scheduler once at `now` on `store`, off the async threads (a
/// store may block on a runtime of its own).
async fn run_at(store: &Arc<dyn Storage>, now: i64) -> Vec<Ran> {
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || run_due(store.as_ref(), Timestamp(now)).unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_scheduled_deactivation_shows_on_the_row_and_can_be_cancelled() {
    let app = spawn_app().await;
    let client = client_with_a_second_user(&app).await;
    let new_owner = user_id(&client, 1);
    let answer = schedule(&app, &client, "2026-12-31", new_owner).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    assert_eq!(answer.body["status"], "active");
    assert_eq!(answer.body["version"], version(&client) + 1);
    let scheduled = &answer.body["scheduled_deactivation"];
    assert_eq!(scheduled["on"], "2026-12-31");
    assert_eq!(scheduled["new_owner_id"], new_owner);
    assert_eq!(scheduled["reason"], "Moving to another firm");
    let listed = row(&app, id(&client), "active").await.unwrap();
    assert_eq!(listed["scheduled_deactivation"]["on"], "2026-12-31");
    assert_eq!(
        activity(&app, id(&client)).await[0]["action"],
        "deactivation_scheduled"
    );

    let cancelled = app
        .post(
            &format!("/api/clients/{}/schedule/cancel", id(&client)),
            json!({ "expected_version": version(&answer.body) }),
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.body);
    assert_eq!(cancelled.body["scheduled_deactivation"], Value::Null);
    let listed = row(&app, id(&client), "active").await.unwrap();
    assert_eq!(listed["scheduled_deactivation"], Value::Null);
    let log = activity(&app, id(&client)).await;
    assert_eq!(log[0]["action"], "scheduled_deactivation_cancelled");
    assert!(!log[0]["actor"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn a_schedule_is_refused_for_a_bad_date_today_twice_or_when_there_is_none() {
    let app = spawn_app().await;
    let client = client_with_a_second_user(&app).await;
    let owner = user_id(&client, 1);
    let before = app.snapshot();
    let bad = schedule(&app, &client, "2026-02-30", owner).await;
    assert_eq!(
        (bad.status, bad.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_date")
    );
    let today = schedule(&app, &client, "2026-12-01", owner).await;
    assert_eq!(
        (today.status, today.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "schedule_not_after_today")
    );
    let stranger = schedule(&app, &client, DAY, 999_999).await;
    assert_eq!(stranger.code(), "owner_not_in_account");
    let nothing = app
        .post(
            &format!("/api/clients/{}/schedule/cancel", id(&client)),
            json!({ "expected_version": version(&client) }),
        )
        .await;
    assert_eq!(
        (nothing.status, nothing.code()),
        (StatusCode::CONFLICT, "nothing_scheduled")
    );
    assert_eq!(app.snapshot(), before, "a refused schedule changes nothing");

    let first = schedule(&app, &client, DAY, owner).await;
    let twice = schedule(&app, &first.body, "2026-12-24", owner).await;
    assert_eq!(
        (twice.status, twice.code()),
        (StatusCode::CONFLICT, "already_scheduled")
    );
}

#[tokio::test]
async fn a_schedule_does_nothing_before_its_day_and_deactivates_once_at_its_start() {
    let app = spawn_app().await;
    let client = client_with_a_second_user(&app).await;
    let new_owner = user_id(&client, 1);
    let scheduled = schedule(&app, &client, DAY, new_owner).await;
    assert_eq!(scheduled.status, StatusCode::OK, "{:?}", scheduled.body);
    let store = app.db.open();

    assert!(
        run_at(&store, DAY_STARTS - 1).await.is_empty(),
        "not before 00:00 UTC"
    );
    let unchanged = app.client(id(&client)).await;
    assert_eq!(unchanged["status"], "active");
    assert_eq!(unchanged["scheduled_deactivation"]["on"], DAY);

    let ran = run_at(&store, DAY_STARTS).await;
    assert_eq!(ran.len(), 1);
    let done = app.client(id(&client)).await;
    assert_eq!(done["status"], "deactivated");
    assert_eq!(done["owner"], new_owner);
    assert_eq!(done["scheduled_deactivation"], Value::Null);
    assert!(
        done["businesses"]
            .as_array()
            .unwrap()
            .iter()
            .all(|business| business["status"] == "deactivated")
    );
    let log = activity(&app, id(&client)).await;
    assert_eq!(log[0]["action"], "client_deactivated");
    assert_eq!(log[0]["reason"], "Moving to another firm");
    assert_eq!(log[0]["new_owner"]["id"], new_owner);
    assert_eq!(
        log[0]["actor"], log[1]["actor"],
        "in the name of who scheduled it"
    );

    assert!(
        run_at(&store, DAY_STARTS + 60_000).await.is_empty(),
        "only once"
    );
    assert_eq!(activity(&app, id(&client)).await.len(), log.len());
}

#[tokio::test]
async fn a_schedule_whose_owner_left_is_refused_when_due_and_the_refusal_is_shown() {
    let app = spawn_app().await;
    let client = client_with_a_second_user(&app).await;
    let leaving = user_id(&client, 1);
    let scheduled = schedule(&app, &client, DAY, leaving).await;
    let removed = app
        .send_json(
            "DELETE",
            &format!("/api/clients/{}/users/{leaving}", id(&client)),
            json!({ "expected_version": version(&scheduled.body) }),
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{:?}", removed.body);

    let ran = run_at(&app.db.open(), DAY_STARTS).await;
    assert_eq!(ran.len(), 1);
    let after = app.client(id(&client)).await;
    assert_eq!(after["status"], "active", "the rules refused it");
    assert_eq!(after["scheduled_deactivation"], Value::Null);
    let failure = &after["schedule_failure"];
    assert_eq!(failure["on"], DAY);
    assert!(
        failure["message"]
            .as_str()
            .unwrap()
            .contains("is not a user of this client's account"),
        "{failure}"
    );
    let listed = row(&app, id(&client), "active").await.unwrap();
    assert_eq!(&listed["schedule_failure"], failure);
    let log = activity(&app, id(&client)).await;
    assert_eq!(log[0]["action"], "scheduled_deactivation_failed");
    assert_eq!(log[0]["reason"], failure["message"]);
}

#[tokio::test]
async fn a_stored_schedule_is_run_by_a_store_opened_afresh_as_after_a_restart() {
    let app = spawn_app().await;
    let client = client_with_a_second_user(&app).await;
    schedule(&app, &client, DAY, user_id(&client, 1)).await;
    // A new store on the same database knows only what was written there.
    let restarted = app.db.open();
    assert_eq!(run_at(&restarted, DAY_STARTS).await.len(), 1);
    assert_eq!(app.client(id(&client)).await["status"], "deactivated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_racing_for_due_schedules_run_each_exactly_once() {
    let app = spawn_app().await;
    let page = app.get("/api/clients?status=active&limit=8").await;
    let mut scheduled = Vec::new();
    for item in page.body["items"].as_array().unwrap() {
        let client = app.client(id(item)).await;
        let answer = schedule(&app, &client, DAY, user_id(&client, 0)).await;
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
        scheduled.push(id(&client));
    }
    // Two stores on one database: two pools on PostgreSQL, as two
    // instances have; two connections to one file on SQLite.
    let (first, second) = (app.db.open(), app.db.open());
    let (a, b) = tokio::join!(run_at(&first, DAY_STARTS), run_at(&second, DAY_STARTS));
    assert_eq!(a.len() + b.len(), scheduled.len(), "each ran once in all");
    for client in scheduled {
        assert_eq!(app.client(client).await["status"], "deactivated");
        let deactivations = activity(&app, client)
            .await
            .iter()
            .filter(|entry| entry["action"] == "client_deactivated")
            .count();
        assert_eq!(deactivations, 1, "client {client}");
    }
}
