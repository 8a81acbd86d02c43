//! New invitation links for users who have not set a password: who has
//! accepted their invitation and whose link waits or expired, and "New
//! link", which replaces the last one.

use crate::helpers::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Adds a client whose owner is invited at `email`; the 201's body.
async fn add_client(app: &TestApp, email: &str) -> Value {
    let answer = app
        .post(
            "/api/clients",
            json!({ "name": "Quill Books Ltd", "business_name": "Quill Books",
                    "user_name": "Rae Quill", "user_email": email }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    answer.body
}

fn invitation_link(invitation: &Value) -> String {
    format!("/api/invitations/{}", invitation["token"].as_str().unwrap())
}

/// The client's users and their invitations.
async fn invitations(app: &TestApp, client: u64) -> Vec<Value> {
    let answer = app.get(&format!("/api/clients/{client}/invitations")).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    answer.body["items"].as_array().unwrap().clone()
}

/// "New link", as the app sends it: a POST without a body.
async fn renew(app: &TestApp, client: u64, user: u64) -> Answer {
    let path = format!("/api/clients/{client}/users/{user}/invitation");
    app.send(Request::post(path).body(Body::empty()).unwrap())
        .await
}

#[tokio::test]
async fn an_owner_whose_link_expired_is_sent_a_new_one_that_works_once() {
    let mut app = spawn_app().await;
    let added = add_client(&app, "rae@quill.example").await;
    let client = id(&added["client"]);
    let owner = added["client"]["owner"].as_u64().unwrap();
    let first = added["invitation"].clone();
    assert_eq!(
        invitations(&app, client).await,
        vec![json!({
            "user_id": owner, "accepted": false, "invited_at": "2026-12-01T00:00:00Z",
            "expires_at": "2026-12-08T00:00:00Z", "expired": false
        })]
    );

    app.clock.advance(7 * DAY_MS);
    // A week on, the admin's session has ended too.
    app.session = app.sign_in_as(ADMIN).await;
    let waiting = invitations(&app, client).await;
    assert_eq!(waiting[0]["expired"], true, "{waiting:?}");
    let renewed = renew(&app, client, owner).await;
    assert_eq!(renewed.status, StatusCode::CREATED, "{:?}", renewed.body);
    let second = renewed.body.clone();
    assert_eq!(second["user_id"], owner);
    assert_eq!(second["name"], "Rae Quill");
    assert_eq!(second["email"], "rae@quill.example");
    assert_eq!(second["expires_at"], "2026-12-15T00:00:00Z");
    assert_eq!(
        second["link"],
        format!("/invite/{}", second["token"].as_str().unwrap()).as_str()
    );
    assert_ne!(second["token"], first["token"]);
    assert_eq!(
        invitations(&app, client).await,
        vec![json!({
            "user_id": owner, "accepted": false, "invited_at": "2026-12-08T00:00:00Z",
            "expires_at": "2026-12-15T00:00:00Z", "expired": false
        })]
    );
    let activity = app.get(&format!("/api/clients/{client}/activity")).await;
    let entry = &activity.body["items"][0];
    assert_eq!(entry["action"], "invitation_renewed");
    assert_eq!(entry["summary"], "Sent a user a new invitation link");
    assert_eq!(entry["actor"], "Dana Lowe");
    assert_eq!(entry["user"]["id"], owner);
    assert_eq!(
        app.client(client).await["version"],
        1,
        "a new link changes no part of the client"
    );

    let anonymous = Session::default();
    let old = app.get_as(&anonymous, &invitation_link(&first)).await;
    assert_eq!(old.status, StatusCode::NOT_FOUND);
    assert_eq!(old.code(), "invitation_not_found");
    let accepted = app
        .send_json_as(
            &anonymous,
            "POST",
            &invitation_link(&second),
            json!({ "password": "a long new password" }),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{:?}", accepted.body);
    assert_eq!(
        invitations(&app, client).await,
        vec![json!({
            "user_id": owner, "accepted": true, "invited_at": null,
            "expires_at": null, "expired": false
        })]
    );

    let again = renew(&app, client, owner).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.code(), "signed_up_already");
    assert!(
        again.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("set their password already")
    );
}

#[tokio::test]
async fn a_new_link_replaces_the_last_even_before_it_expires() {
    let app = spawn_app().await;
    let added = add_client(&app, "ash@quill.example").await;
    let client = id(&added["client"]);
    let owner = added["client"]["owner"].as_u64().unwrap();
    let second = renew(&app, client, owner).await.body;
    let third = renew(&app, client, owner).await.body;
    let anonymous = Session::default();
    for (link, status) in [
        (&added["invitation"], StatusCode::NOT_FOUND),
        (&second, StatusCode::NOT_FOUND),
        (&third, StatusCode::OK),
    ] {
        let view = app.get_as(&anonymous, &invitation_link(link)).await;
        assert_eq!(view.status, status, "{link}");
    }
    // The email stays the invited person's: nobody else can take it.
    let taken = app
        .post(
            "/api/clients",
            json!({ "name": "Other Ltd", "business_name": "Other",
                    "user_name": "Ash Other", "user_email": "ash@quill.example" }),
        )
        .await;
    assert_eq!(taken.code(), "email_taken");
}

#[tokio::test]
async fn only_a_user_of_the_account_who_has_not_signed_up_gets_one() {
    let app = spawn_app().await;
    let added = add_client(&app, "kit@quill.example").await;
    let client = id(&added["client"]);
    let other = add_client(&app, "lee@quill.example").await;
    let stranger = other["client"]["owner"].as_u64().unwrap();
    let before = app.snapshot();
    for user in [stranger, 999_999] {
        let answer = renew(&app, client, user).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{user}");
        assert_eq!(answer.code(), "user_not_found");
    }
    let unknown = renew(&app, 999_999, 1).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.code(), "not_found");
    assert_eq!(
        app.get("/api/clients/999999/invitations").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.snapshot(), before, "nothing refused was written");

    // A user added is listed, waiting; once removed, they are not in the
    // account.
    let current = app.client(client).await;
    let path = format!("/api/clients/{client}/users");
    let user = json!({ "name": "Max Hale", "email": "max@quill.example", "role": "standard",
                       "expected_version": version(&current) });
    let added_user = app.post(&path, user).await;
    assert_eq!(added_user.status, StatusCode::CREATED);
    let max = added_user.body["invitation"]["user_id"].as_u64().unwrap();
    let waiting = |items: Vec<Value>| -> Vec<u64> {
        items
            .iter()
            .filter(|item| item["accepted"] == false)
            .map(|item| item["user_id"].as_u64().unwrap())
            .collect()
    };
    let owner = added["client"]["owner"].as_u64().unwrap();
    assert_eq!(waiting(invitations(&app, client).await), vec![owner, max]);
    let removed = app
        .send_json(
            "DELETE",
            &format!("{path}/{max}"),
            json!({ "expected_version": version(&added_user.body["client"]) }),
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{:?}", removed.body);
    assert_eq!(waiting(invitations(&app, client).await), vec![owner]);
    assert_eq!(renew(&app, client, max).await.code(), "user_not_found");
}

#[tokio::test]
async fn a_demo_user_who_signs_in_has_accepted() {
    let app = spawn_app().await;
    let email = app.client_user_email(1).await;
    let client = app.client(1).await;
    let users = client["users"].as_array().unwrap();
    let user = users
        .iter()
        .find(|user| user["email"] == email.as_str())
        .unwrap()["id"]
        .clone();
    let listed = invitations(&app, 1).await;
    assert_eq!(
        listed
            .iter()
            .map(|item| item["user_id"].clone())
            .collect::<Vec<_>>(),
        users
            .iter()
            .map(|user| user["id"].clone())
            .collect::<Vec<_>>(),
        "every user, in the account's order"
    );
    let theirs = listed.iter().find(|item| item["user_id"] == user).unwrap();
    assert_eq!(theirs["accepted"], true);
    assert_eq!(theirs["expired"], false);
    let answer = renew(&app, 1, user.as_u64().unwrap()).await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(answer.code(), "signed_up_already");
}

#[tokio::test]
async fn a_retry_with_its_idempotency_key_answers_the_same_link() {
    let app = spawn_app().await;
    let added = add_client(&app, "joy@quill.example").await;
    let client = id(&added["client"]);
    let owner = added["client"]["owner"].as_u64().unwrap();
    let path = format!("/api/clients/{client}/users/{owner}/invitation");
    let send = |key: &'static str| {
        let request = Request::post(path.as_str())
            .header("idempotency-key", key)
            .body(Body::empty())
            .unwrap();
        app.send(request)
    };
    let first = send("renew-1").await;
    assert_eq!(first.status, StatusCode::CREATED);
    let retried = send("renew-1").await;
    assert_eq!(retried.status, StatusCode::CREATED);
    assert_eq!(retried.body, first.body);
    let view = app
        .get_as(&Session::default(), &invitation_link(&first.body))
        .await;
    assert_eq!(view.status, StatusCode::OK, "the retry made no new link");
    let another = send("renew-2").await;
    assert_ne!(another.body["token"], first.body["token"]);
    let other = add_client(&app, "ned@quill.example").await;
    let other_path = format!(
        "/api/clients/{}/users/{}/invitation",
        id(&other["client"]),
        other["client"]["owner"]
    );
    let reused = app
        .send(
            Request::post(other_path)
                .header("idempotency-key", "renew-1")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reused.code(), "idempotency_key_reused");
}
