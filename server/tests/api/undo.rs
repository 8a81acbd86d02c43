//! `POST /api/clients/{id}/undo`: exact undo of a deactivation or
//! reactivation, as a new change of its own, refused with the reason when
//! someone changed the client in between or the time has passed.

use crate::helpers::*;
use axum::http::StatusCode;
use clientele_core::undo::UNDO_ACCEPTED_MS;
use serde_json::{Value, json};

/// `client` as it was, one step of `versions` on: what an exact undo gives.
fn at_version(client: &Value, versions: u64) -> Value {
    let mut client = client.clone();
    client["version"] = json!(version(&client) + versions);
    client
}

/// An active client whose second user is not an admin and whose businesses
/// are all active, so a deactivation that hands it to that user changes the
/// owner, a role and every business.
async fn handed_over_client(app: &TestApp) -> Value {
    app.pick_matching("active", |client| {
        client["users"].as_array().unwrap().len() >= 2
            && client["users"][1]["role"] == "standard"
            && client["owner"] != client["users"][1]["id"]
            && client["businesses"]
                .as_array()
                .unwrap()
                .iter()
                .all(|business| business["status"] == "active")
    })
    .await
}

async fn deactivate(app: &TestApp, client: &Value) -> Value {
    let answer = app
        .post(
            &format!("/api/clients/{}/deactivate", id(client)),
            json!({ "new_owner_id": user_id(client, 1), "expected_version": version(client) }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    answer.body
}

fn undo_path(client: &Value) -> String {
    format!("/api/clients/{}/undo", id(client))
}

#[tokio::test]
async fn undoing_a_client_deactivation_restores_the_owner_the_roles_and_every_business() {
    let app = spawn_app().await;
    let before = handed_over_client(&app).await;
    let deactivated = deactivate(&app, &before).await;
    assert_eq!(deactivated["users"][1]["role"], "admin");
    app.clock.advance(3_000);
    let answer = app
        .post(
            &undo_path(&before),
            json!({ "expected_version": version(&deactivated) }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    assert_eq!(
        answer.body,
        at_version(&before, 2),
        "exactly as before, two versions on"
    );
    assert_eq!(app.client(id(&before)).await, answer.body, "as stored");
    let activity = app
        .get(&format!("/api/clients/{}/activity", id(&before)))
        .await;
    let entry = &activity.body["items"][0];
    assert_eq!(entry["action"], "change_undone");
    assert_eq!(entry["actor"], "Dana Lowe", "the signed-in admin");
    assert_eq!(
        entry["new_owner"]["id"], before["owner"],
        "the owner put back"
    );
    assert_eq!(activity.body["items"][1]["action"], "client_deactivated");
}

#[tokio::test]
async fn a_business_deactivation_and_a_client_reactivation_are_undone_exactly() {
    let app = spawn_app().await;
    let before = handed_over_client(&app).await;
    let business = before["businesses"][0]["id"].as_u64().unwrap();
    let path = format!(
        "/api/clients/{}/businesses/{business}/deactivate",
        id(&before)
    );
    let body = json!({ "new_owner_id": user_id(&before, 1), "expected_version": version(&before) });
    let deactivated = app.post(&path, body).await;
    assert_eq!(deactivated.status, StatusCode::OK);
    let undone = app
        .post(
            &undo_path(&before),
            json!({ "expected_version": version(&deactivated.body) }),
        )
        .await;
    assert_eq!(undone.body, at_version(&before, 2));

    let deactivated = app.pick("deactivated", 1, 1).await;
    let path = format!("/api/clients/{}/reactivate", id(&deactivated));
    let reactivated = app
        .post(&path, json!({ "expected_version": version(&deactivated) }))
        .await;
    assert_eq!(reactivated.status, StatusCode::OK);
    let undone = app
        .post(
            &undo_path(&deactivated),
            json!({ "expected_version": version(&reactivated.body) }),
        )
        .await;
    assert_eq!(undone.status, StatusCode::OK, "{:?}", undone.body);
    assert_eq!(undone.body, at_version(&deactivated, 2));
}

#[tokio::test]
async fn undo_is_refused_with_the_reason_when_someone_changed_the_client_in_between() {
    let app = spawn_app().await;
    let before = handed_over_client(&app).await;
    let deactivated = deactivate(&app, &before).await;
    let renamed = app
        .send_json(
            "PATCH",
            &format!("/api/clients/{}", id(&before)),
            json!({ "name": "Renamed Ltd", "expected_version": version(&deactivated) }),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{:?}", renamed.body);
    let stored = app.snapshot();
    let answer = app
        .post(
            &undo_path(&before),
            json!({ "expected_version": version(&deactivated) }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(answer.code(), "changed_since");
    let message = answer.body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("someone changed the client in between"),
        "{message}"
    );
    assert_eq!(answer.body["client"], renamed.body, "the client as it is");
    assert_eq!(app.snapshot(), stored, "nothing changed");
}

#[tokio::test]
async fn undo_is_accepted_just_past_the_ten_seconds_it_is_offered_and_refused_later() {
    let app = spawn_app().await;
    let before = handed_over_client(&app).await;
    let deactivated = deactivate(&app, &before).await;
    let body = json!({ "expected_version": version(&deactivated) });
    app.clock.advance(UNDO_ACCEPTED_MS + 1);
    let late = app.post(&undo_path(&before), body.clone()).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(late.code(), "undo_expired");

    let other = app
        .pick_matching("active", |client| {
            client["id"] != before["id"] && client["users"].as_array().unwrap().len() >= 2
        })
        .await;
    let deactivated = deactivate(&app, &other).await;
    app.clock.advance(UNDO_ACCEPTED_MS);
    let in_time = app
        .post(
            &undo_path(&other),
            json!({ "expected_version": version(&deactivated) }),
        )
        .await;
    assert_eq!(in_time.status, StatusCode::OK, "{:?}", in_time.body);
}

#[tokio::test]
async fn only_a_deactivation_or_reactivation_can_be_undone_and_an_undo_cannot() {
    let app = spawn_app().await;
    let before = handed_over_client(&app).await;
    let nothing = app
        .post(
            &undo_path(&before),
            json!({ "expected_version": version(&before) }),
        )
        .await;
    assert_eq!(nothing.status, StatusCode::CONFLICT);
    assert_eq!(nothing.code(), "nothing_to_undo");

    let deactivated = deactivate(&app, &before).await;
    let undone = app
        .post(
            &undo_path(&before),
            json!({ "expected_version": version(&deactivated) }),
        )
        .await;
    assert_eq!(undone.status, StatusCode::OK);
    let again = app
        .post(
            &undo_path(&before),
            json!({ "expected_version": version(&undone.body) }),
        )
        .await;
    assert_eq!(again.code(), "nothing_to_undo");
    let huge = app
        .post(&undo_path(&before), json!({ "expected_version": u64::MAX }))
        .await;
    assert_eq!(huge.status, StatusCode::CONFLICT, "{:?}", huge.body);
}

#[tokio::test]
async fn an_undo_sent_twice_with_one_key_is_applied_once() {
    let app = spawn_app().await;
    let before = handed_over_client(&app).await;
    let deactivated = deactivate(&app, &before).await;
    let body = json!({ "expected_version": version(&deactivated) });
    let first = app
        .post_with_key(&undo_path(&before), body.clone(), "undo-once")
        .await;
    let second = app
        .post_with_key(&undo_path(&before), body, "undo-once")
        .await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.body, first.body, "the first answer, replayed");
    assert_eq!(
        version(&app.client(id(&before)).await),
        version(&before) + 2
    );
}
