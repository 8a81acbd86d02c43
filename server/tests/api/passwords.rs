//! Changing one's own password, `POST /api/session/password`: the current
//! one is checked and counted like a sign-in, the new one follows `core`'s
//! rule, and every other session of the person ends.

use crate::helpers::*;
use axum::http::StatusCode;
use clientele_server::DEMO_PASSWORD;
use serde_json::json;

const NEW: &str = "a fresh long password";

fn change(current: &str, new: &str) -> serde_json::Value {
    json!({ "current_password": current, "new_password": new })
}

#[tokio::test]
async fn a_changed_password_signs_in_and_ends_every_other_session() {
    let app = spawn_app().await;
    let elsewhere = app.sign_in_as(STAFF).await;
    let other_device = app.sign_in_as(STAFF).await;
    let changed = app
        .send_json_as(
            &elsewhere,
            "POST",
            "/api/session/password",
            change(DEMO_PASSWORD, NEW),
        )
        .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{:?}", changed.body);
    assert_eq!(
        app.get_as(&elsewhere, "/api/session").await.status,
        StatusCode::OK,
        "the session that changed it goes on"
    );
    assert_eq!(
        app.get_as(&other_device, "/api/session").await.status,
        StatusCode::UNAUTHORIZED,
        "every other session of theirs has ended"
    );
    assert_eq!(
        app.get("/api/session").await.status,
        StatusCode::OK,
        "someone else's session is untouched"
    );
    assert_eq!(
        app.sign_in(STAFF, DEMO_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.sign_in(STAFF, NEW).await.status, StatusCode::OK);
    assert!(
        !app.snapshot().contains(NEW),
        "only the new password's hash is stored"
    );
}

#[tokio::test]
async fn a_wrong_current_password_or_a_weak_new_one_changes_nothing() {
    let app = spawn_app().await;
    let client_user = app.sign_in_as(&app.client_user_email(1).await).await;
    let weak = app
        .send_json_as(
            &client_user,
            "POST",
            "/api/session/password",
            change(DEMO_PASSWORD, "short"),
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(weak.code(), "weak_password");
    let wrong = app
        .send_json_as(
            &client_user,
            "POST",
            "/api/session/password",
            change("not my password", NEW),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.code(), "wrong_password");
    assert_eq!(
        app.get_as(&client_user, "/api/session").await.status,
        StatusCode::OK,
        "a wrong password does not end the session"
    );
    let email = app.client_user_email(1).await;
    assert_eq!(
        app.sign_in(&email, DEMO_PASSWORD).await.status,
        StatusCode::OK,
        "the password is unchanged"
    );
}

#[tokio::test]
async fn guessing_the_current_password_is_limited_like_signing_in() {
    let app = spawn_app().await;
    let staff = app.sign_in_as(STAFF).await;
    for _ in 0..5 {
        let wrong = app
            .send_json_as(
                &staff,
                "POST",
                "/api/session/password",
                change("a guess at it", NEW),
            )
            .await;
        assert_eq!(wrong.code(), "wrong_password");
    }
    let right = app
        .send_json_as(
            &staff,
            "POST",
            "/api/session/password",
            change(DEMO_PASSWORD, NEW),
        )
        .await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(right.headers.contains_key("retry-after"));
    assert_eq!(
        app.sign_in(STAFF, DEMO_PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS,
        "sign-in is locked too: it is one limit"
    );
}
