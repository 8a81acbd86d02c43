//! Signing in and out: the cookie, the answer, rotation, expiry on the
//! injected clock, throttling, and idempotency keys scoped to their sender.

use crate::helpers::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use clientele_server::DEMO_PASSWORD;
use serde_json::json;

const HOUR: i64 = 3_600_000;
const MINUTE: i64 = 60_000;

#[tokio::test]
async fn signing_in_answers_the_user_and_a_csrf_token_with_a_strict_http_only_cookie() {
    let app = spawn_app().await;
    let answer = app.sign_in(ADMIN, DEMO_PASSWORD).await;
    assert_eq!(answer.status, StatusCode::OK);
    let user = &answer.body["user"];
    assert_eq!(user["email"], ADMIN);
    assert_eq!(user["name"], "Dana Lowe");
    assert_eq!(user["kind"], "staff");
    assert_eq!(user["role"], "practice_admin");
    assert_eq!(user["practice"]["name"], clientele_server::PRACTICE_NAME);
    assert!(user["id"].as_u64().is_some() && user["practice"]["id"].as_u64().is_some());
    assert!(answer.body["csrf_token"].as_str().unwrap().len() >= 43);
    let cookie = answer.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("clientele_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "not Secure without --secure-cookies"
    );
    assert!(
        !answer.body.to_string().contains("argon2"),
        "no hash is sent"
    );
}

#[tokio::test]
async fn with_secure_cookies_the_cookie_is_secure() {
    let app = spawn_app_with_cookies(&[], true).await;
    let answer = app.sign_in(ADMIN, DEMO_PASSWORD).await;
    let cookie = answer.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn a_client_user_signs_in_as_a_client_of_their_account_and_practice() {
    let app = spawn_app().await;
    let client = app.client(1).await;
    let email = app.client_user_email(1).await;
    let answer = app.sign_in(&email, DEMO_PASSWORD).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let user = &answer.body["user"];
    assert_eq!(user["kind"], "client");
    assert_eq!(user["role"], client["users"][0]["role"]);
    assert_eq!(user["client"]["id"], 1);
    assert_eq!(user["client"]["name"], client["name"]);
    assert_eq!(user["practice"]["name"], clientele_server::PRACTICE_NAME);
}

#[tokio::test]
async fn a_wrong_email_and_a_wrong_password_are_refused_alike() {
    let app = spawn_app().await;
    let wrong_password = app.sign_in(ADMIN, "not the password").await;
    let wrong_email = app.sign_in("nobody@example.com", DEMO_PASSWORD).await;
    assert_eq!(wrong_password.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password.code(), "invalid_credentials");
    assert_eq!(wrong_password.body, wrong_email.body);
    assert!(wrong_email.headers.get("set-cookie").is_none());
}

#[tokio::test]
async fn the_email_is_matched_whatever_its_case_and_spaces() {
    let app = spawn_app().await;
    let answer = app
        .sign_in("  Admin@HarperLowe.Example ", DEMO_PASSWORD)
        .await;
    assert_eq!(answer.status, StatusCode::OK);
}

#[tokio::test]
async fn the_session_answers_who_is_signed_in_until_sign_out_makes_its_cookie_worthless() {
    let app = spawn_app().await;
    let current = app.get("/api/session").await;
    assert_eq!(current.status, StatusCode::OK);
    assert_eq!(current.body["user"]["email"], ADMIN);
    assert_eq!(
        current.body["csrf_token"].as_str(),
        app.session.csrf.as_deref()
    );

    let signed_out = app
        .send(Request::delete("/api/session").body(Body::empty()).unwrap())
        .await;
    assert_eq!(signed_out.status, StatusCode::NO_CONTENT);
    let cleared = signed_out.headers["set-cookie"].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    for path in ["/api/session", "/api/clients"] {
        let answer = app.get(path).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(answer.code(), "unauthenticated");
    }
}

#[tokio::test]
async fn signing_in_never_keeps_the_session_id_the_browser_came_with() {
    let app = spawn_app().await;
    let before = app.session.clone();
    let request = Request::post("/api/session")
        .header("content-type", "application/json")
        .body(Body::from(
            json!({ "email": STAFF, "password": DEMO_PASSWORD }).to_string(),
        ))
        .unwrap();
    let answer = app.send_as(&before, request).await;
    assert_eq!(answer.status, StatusCode::OK);
    let after = session_of(&answer);
    assert_ne!(after.cookie, before.cookie, "a new id");
    assert_eq!(
        app.get_as(&before, "/api/session").await.status,
        StatusCode::UNAUTHORIZED,
        "the old session ended"
    );
    let now = app.get_as(&after, "/api/session").await;
    assert_eq!(now.body["user"]["email"], STAFF);
}

#[tokio::test]
async fn a_forged_session_cookie_is_unauthenticated() {
    let app = spawn_app().await;
    let forged = Session {
        cookie: Some("clientele_session=made-up".into()),
        csrf: None,
    };
    assert_eq!(
        app.get_as(&forged, "/api/clients").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn sessions_are_stored_only_as_a_hash() {
    let app = spawn_app().await;
    let cookie = app.session.cookie.clone().unwrap();
    let id = cookie.trim_start_matches("clientele_session=");
    assert!(!app.snapshot().contains(id));
    let stored = app
        .db
        .texts("SELECT CAST(length(id_hash) AS TEXT) FROM sessions LIMIT 1");
    assert_eq!(stored, ["32"], "a SHA-256");
}

#[tokio::test]
async fn a_session_ends_after_twelve_idle_hours() {
    let app = spawn_app().await;
    app.clock.advance(12 * HOUR - MINUTE);
    assert_eq!(app.get("/api/clients").await.status, StatusCode::OK);
    app.clock.advance(12 * HOUR - MINUTE);
    assert_eq!(
        app.get("/api/clients").await.status,
        StatusCode::OK,
        "each use restarts the idle time"
    );
    app.clock.advance(12 * HOUR);
    let answer = app.get("/api/clients").await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.code(), "unauthenticated");
}

#[tokio::test]
async fn a_busy_session_still_ends_seven_days_after_sign_in() {
    let app = spawn_app().await;
    for _ in 0..15 {
        app.clock.advance(11 * HOUR);
        assert_eq!(app.get("/api/clients").await.status, StatusCode::OK);
    }
    // 165 hours in; the limit is 168.
    app.clock.advance(3 * HOUR);
    assert_eq!(
        app.get("/api/clients").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn five_failed_sign_ins_lock_the_email_out_even_with_the_right_password_until_it_expires() {
    let app = spawn_app().await;
    for attempt in 1..=5 {
        let answer = app.sign_in(STAFF, "wrong password").await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
        app.clock.advance(MINUTE);
    }
    let locked = app.sign_in(STAFF, DEMO_PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(locked.code(), "too_many_attempts");
    // The first failure was 5 minutes ago: it leaves the window in 10.
    assert_eq!(locked.headers["retry-after"], "600");
    assert!(locked.headers.get("set-cookie").is_none());

    // Other emails are not locked.
    assert_eq!(
        app.sign_in(ADMIN, DEMO_PASSWORD).await.status,
        StatusCode::OK
    );

    app.clock.advance(10 * MINUTE - 1000);
    assert_eq!(
        app.sign_in(STAFF, DEMO_PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    app.clock.advance(1000);
    assert_eq!(
        app.sign_in(STAFF, DEMO_PASSWORD).await.status,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sign_ins_at_the_same_moment_cannot_race_past_the_limit() {
    let app = spawn_app().await;
    // Thirty wrong passwords and the right one, all at once: each attempt
    // counts as failed until its password proves right, so at most five
    // are checked at all, and the right one, coming with them, may not
    // sign in after five failures.
    let attempts = (0..30)
        .map(|_| app.sign_in(STAFF, "wrong password"))
        .collect::<Vec<_>>();
    let answers = futures_util::future::join_all(attempts).await;
    let checked = answers
        .iter()
        .filter(|answer| answer.status == StatusCode::UNAUTHORIZED)
        .count();
    let throttled = answers
        .iter()
        .filter(|answer| answer.status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(
        (checked, throttled),
        (5, 25),
        "every answer is one or the other"
    );
    let right = app.sign_in(STAFF, DEMO_PASSWORD).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_same_idempotency_key_from_two_people_is_two_requests() {
    let app = spawn_app().await;
    let staff = app.sign_in_as(STAFF).await;
    let admin = app.session.clone();
    let client = app.pick("active", 1, 1).await;
    let business = client["businesses"][0]["id"].as_u64().unwrap();
    let path = format!("/api/businesses/{business}/documents");
    let bytes = pdf_bytes("shared key");
    let key = Some("same-key");
    let by_admin = app
        .upload_as(&admin, &path, "shared-key.pdf", &bytes, key)
        .await;
    let by_staff = app
        .upload_as(&staff, &path, "shared-key.pdf", &bytes, key)
        .await;
    assert_eq!(by_admin.status, StatusCode::CREATED);
    assert_eq!(by_staff.status, StatusCode::CREATED);
    assert_ne!(by_admin.body["id"], by_staff.body["id"]);
    assert_eq!(by_staff.body["added_by"], "Sam Harper");
    // And each person's retry is still a retry.
    let retried = app
        .upload_as(&admin, &path, "shared-key.pdf", &bytes, key)
        .await;
    assert_eq!(retried.body, by_admin.body);
}

#[tokio::test]
async fn a_retry_with_its_json_rewritten_is_the_same_request() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let path = format!("/api/clients/{}/deactivate", id(&client));
    let owner = user_id(&client, 0);
    let first = format!(
        r#"{{"new_owner_id":{owner},"expected_version":{}}}"#,
        version(&client)
    );
    let rewritten = format!(
        "{{ \"expected_version\" : {}, \"new_owner_id\" : {owner} }}",
        version(&client)
    );
    // The optional reason left out, or sent as null: the same request.
    let with_null = format!(
        r#"{{"new_owner_id":{owner},"expected_version":{}.0,"reason":null}}"#,
        version(&client)
    );
    let key = [("idempotency-key", "rewritten")];
    let answered = app.post_raw(&path, &first, &key).await;
    assert_eq!(answered.status, StatusCode::OK);
    for retry in [rewritten, with_null] {
        let retried = app.post_raw(&path, &retry, &key).await;
        assert_eq!(
            retried.status,
            StatusCode::OK,
            "{retry}: {:?}",
            retried.body
        );
        assert_eq!(retried.body, answered.body, "{retry}");
    }
    // Another reason is another request.
    let other = format!(
        r#"{{"new_owner_id":{owner},"expected_version":{},"reason":"Other"}}"#,
        version(&client)
    );
    let refused = app.post_raw(&path, &other, &key).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.code(), "idempotency_key_reused");
}

#[tokio::test]
async fn whole_numbers_may_be_written_as_floats() {
    let app = spawn_app().await;
    let client = app.pick("deactivated", 1, 1).await;
    let path = format!("/api/clients/{}/reactivate", id(&client));
    let body = format!(r#"{{"expected_version": {}.0}}"#, version(&client));
    let answer = app.post_raw(&path, &body, &[]).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let page = app.get("/api/clients?limit=5.0&offset=0.0").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body["items"].as_array().unwrap().len(), 5);
}
