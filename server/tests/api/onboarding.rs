//! Adding and editing clients, their businesses and users, and invitation
//! links (issue 12), through the HTTP API.

use crate::helpers::*;
use axum::http::StatusCode;
use serde_json::{Value, json};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn new_client(name: &str, code: Option<&str>, email: &str) -> Value {
    json!({
        "name": name, "code": code, "business_name": format!("{name} Trading"),
        "user_name": "Nia Brooks", "user_email": email
    })
}

/// Adds a client as the app's admin, answering the 201's body.
async fn add_client(app: &TestApp, email: &str) -> Value {
    let answer = app
        .post(
            "/api/clients",
            new_client("Brook Farm Ltd", Some("BF-1"), email),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    answer.body
}

/// The body of a `PATCH` to a client: its new name and code, against the
/// version the caller last saw.
fn edit(name: &str, code: Value, version: u64) -> Value {
    json!({ "name": name, "code": code, "expected_version": version })
}

fn token(added: &Value) -> String {
    added["invitation"]["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn adding_a_client_stores_it_with_its_owner_invited_and_says_who_added_it() {
    let app = spawn_app().await;
    let added = add_client(&app, " Nia@BrookFarm.example ").await;
    let client = &added["client"];
    assert_eq!(client["name"], "Brook Farm Ltd");
    assert_eq!(client["code"], "BF-1");
    assert_eq!(client["version"], 1);
    assert_eq!(client["status"], "active");
    let owner = client["owner"].clone();
    assert_eq!(client["users"][0]["id"], owner);
    assert_eq!(client["users"][0]["email"], "nia@brookfarm.example");
    assert_eq!(client["users"][0]["role"], "admin");
    assert_eq!(client["businesses"][0]["owner"], owner);
    let invitation = &added["invitation"];
    assert_eq!(invitation["user_id"], owner);
    assert_eq!(
        invitation["link"],
        format!("/invite/{}", token(&added)).as_str()
    );
    assert_eq!(token(&added).len(), 43, "256 bits in URL-safe base64");
    assert_eq!(app.client(id(client)).await, *client);
    assert!(
        !app.snapshot().contains(&token(&added)),
        "only the token's hash is stored"
    );

    let activity = app
        .get(&format!("/api/clients/{}/activity", id(client)))
        .await;
    let entry = &activity.body["items"][0];
    assert_eq!(entry["action"], "client_added");
    assert_eq!(entry["actor"], "Dana Lowe");
    assert_eq!(entry["user"]["id"], owner);
}

#[tokio::test]
async fn a_client_code_is_unique_in_its_practice_whatever_its_case() {
    let app = spawn_app().await;
    let before = app.snapshot();
    let taken = app
        .post(
            "/api/clients",
            new_client("Copy Ltd", Some("hl-0001"), "a@copy.example"),
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(taken.code(), "code_taken");
    assert_eq!(app.snapshot(), before);

    // Another practice has codes of its own.
    let other = app.sign_in_as(OTHER_ADMIN).await;
    let elsewhere = app
        .send_json_as(
            &other,
            "POST",
            "/api/clients",
            new_client("Copy Ltd", Some("HL-0001"), "b@copy.example"),
        )
        .await;
    assert_eq!(
        elsewhere.status,
        StatusCode::CREATED,
        "{:?}",
        elsewhere.body
    );
}

#[tokio::test]
async fn an_email_that_signs_in_anywhere_or_is_invited_cannot_be_invited_again() {
    let app = spawn_app().await;
    for email in [STAFF, &app.client_user_email(2).await] {
        let answer = app
            .post("/api/clients", new_client("Echo Ltd", None, email))
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{email}");
        assert_eq!(answer.code(), "email_taken");
    }
    add_client(&app, "invited@once.example").await;
    let again = app
        .post(
            "/api/clients",
            new_client("Echo Ltd", None, "Invited@once.example"),
        )
        .await;
    assert_eq!(again.code(), "email_taken");
}

#[tokio::test]
async fn editing_renames_a_client_and_sets_changes_and_clears_its_code() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let path = format!("/api/clients/{}", id(&client));
    let renamed = app
        .send_json(
            "PATCH",
            &path,
            edit("  Zephyr Ltd ", json!("ZX-9"), version(&client)),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{:?}", renamed.body);
    assert_eq!(renamed.body["name"], "Zephyr Ltd");
    assert_eq!(renamed.body["code"], "ZX-9");
    assert_eq!(version(&renamed.body), version(&client) + 1);

    // The search finds a client by its code, whatever its case.
    let found = app.get("/api/clients?q=zx-9").await;
    assert_eq!(found.body["items"][0]["id"], client["id"]);
    assert_eq!(found.body["items"][0]["code"], "ZX-9");
    assert_eq!(found.body["total"], 1);

    let taken = app
        .send_json(
            "PATCH",
            &path,
            edit("Zephyr Ltd", json!("hl-0002"), version(&renamed.body)),
        )
        .await;
    assert_eq!(taken.code(), "code_taken");
    let stale = app
        .send_json(
            "PATCH",
            &path,
            edit("Zephyr Ltd", json!(null), version(&client)),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(stale.body["client"], renamed.body);
    let cleared = app
        .send_json(
            "PATCH",
            &path,
            edit("Zephyr Ltd", json!(null), version(&renamed.body)),
        )
        .await;
    assert_eq!(cleared.status, StatusCode::OK);
    assert_eq!(cleared.body["code"], Value::Null);
    let activity = app.get(&format!("{path}/activity")).await;
    assert_eq!(activity.body["items"][0]["action"], "client_edited");
    assert_eq!(activity.body["items"][1]["action"], "client_edited");
}

#[tokio::test]
async fn an_edit_changes_only_what_it_sends_and_must_send_something() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let path = format!("/api/clients/{}", id(&client));
    let code = client["code"].clone();
    assert!(code.is_string(), "{client}");
    let renamed = app
        .send_json(
            "PATCH",
            &path,
            json!({ "name": "Renamed Ltd", "expected_version": version(&client) }),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{:?}", renamed.body);
    assert_eq!(renamed.body["name"], "Renamed Ltd");
    assert_eq!(renamed.body["code"], code, "a rename keeps the code");
    let coded = app
        .send_json(
            "PATCH",
            &path,
            json!({ "code": "NEW-1", "expected_version": version(&renamed.body) }),
        )
        .await;
    assert_eq!(coded.status, StatusCode::OK, "{:?}", coded.body);
    assert_eq!(
        coded.body["name"], "Renamed Ltd",
        "a new code keeps the name"
    );
    assert_eq!(coded.body["code"], "NEW-1");
    let cleared = app
        .send_json(
            "PATCH",
            &path,
            json!({ "code": null, "expected_version": version(&coded.body) }),
        )
        .await;
    assert_eq!(cleared.status, StatusCode::OK, "{:?}", cleared.body);
    assert_eq!(cleared.body["name"], "Renamed Ltd");
    assert_eq!(cleared.body["code"], Value::Null);
    let nothing = app
        .send_json(
            "PATCH",
            &path,
            json!({ "expected_version": version(&cleared.body) }),
        )
        .await;
    assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(nothing.code(), "nothing_to_edit");
    assert_eq!(app.get(&path).await.body, cleared.body);
}

#[tokio::test]
async fn a_business_is_added_to_an_active_client_owned_by_the_account_owner_and_renamed() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let path = format!("/api/clients/{}/businesses", id(&client));
    let added = app
        .post(
            &path,
            json!({ "name": "New Venture", "expected_version": version(&client) }),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{:?}", added.body);
    let business = added.body["businesses"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(business["name"], "New Venture");
    assert_eq!(business["owner"], client["owner"]);
    assert_eq!(business["status"], "active");
    assert_eq!(app.client(id(&client)).await, added.body);

    let renamed = app
        .send_json(
            "PATCH",
            &format!("{path}/{}", id(&business)),
            json!({ "name": "Old Venture", "expected_version": version(&added.body) }),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK);
    let last = renamed.body["businesses"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["name"], "Old Venture");
    let activity = app
        .get(&format!("/api/clients/{}/activity", id(&client)))
        .await;
    assert_eq!(activity.body["items"][0]["action"], "business_renamed");
    assert_eq!(activity.body["items"][0]["business"]["name"], "Old Venture");
    assert_eq!(activity.body["items"][1]["action"], "business_added");

    let deactivated = app.pick("deactivated", 1, 1).await;
    let refused = app
        .post(
            &format!("/api/clients/{}/businesses", id(&deactivated)),
            json!({ "name": "Too Late", "expected_version": version(&deactivated) }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.code(), "client_deactivated");
}

#[tokio::test]
async fn an_invited_user_sets_a_password_once_and_reaches_the_portal() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let path = format!("/api/clients/{}/users", id(&client));
    let user = json!({ "name": "Ola Ade", "email": "ola@ade.example", "role": "standard",
                       "expected_version": version(&client) });
    let added = app.post(&path, user).await;
    assert_eq!(added.status, StatusCode::CREATED, "{:?}", added.body);
    let invited = added.body["client"]["users"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(invited["email"], "ola@ade.example");
    assert_eq!(invited["role"], "standard");
    assert_eq!(added.body["invitation"]["user_id"], invited["id"]);
    let link = format!("/api/invitations/{}", token(&added.body));

    let anonymous = Session::default();
    let view = app.get_as(&anonymous, &link).await;
    assert_eq!(view.status, StatusCode::OK);
    assert_eq!(view.body["name"], "Ola Ade");
    assert_eq!(view.body["account"], client["name"]);
    assert_eq!(view.body["practice"], clientele_server::PRACTICE_NAME);

    let weak = app
        .send_json_as(&anonymous, "POST", &link, json!({ "password": "short" }))
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(weak.code(), "weak_password");
    let accepted = app
        .send_json_as(
            &anonymous,
            "POST",
            &link,
            json!({ "password": "a long new password" }),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{:?}", accepted.body);
    assert_eq!(accepted.body["user"]["email"], "ola@ade.example");
    let session = session_of(&accepted);
    let portal = app.get_as(&session, "/api/portal").await;
    assert_eq!(portal.status, StatusCode::OK);
    assert_eq!(portal.body["me"]["id"], invited["id"]);
    let signed_in = app.sign_in("ola@ade.example", "a long new password").await;
    assert_eq!(signed_in.status, StatusCode::OK);

    let again = app
        .send_json_as(
            &anonymous,
            "POST",
            &link,
            json!({ "password": "another password!" }),
        )
        .await;
    assert_eq!(again.status, StatusCode::GONE);
    assert_eq!(again.code(), "invitation_used");
    assert_eq!(
        app.get_as(&anonymous, &link).await.code(),
        "invitation_used"
    );
}

#[tokio::test]
async fn an_invitation_link_expires_after_seven_days() {
    let app = spawn_app().await;
    let added = add_client(&app, "late@brookfarm.example").await;
    let link = format!("/api/invitations/{}", token(&added));
    app.clock.advance(7 * DAY_MS - 1);
    assert_eq!(
        app.get_as(&Session::default(), &link).await.status,
        StatusCode::OK
    );
    app.clock.advance(1);
    let view = app.get_as(&Session::default(), &link).await;
    assert_eq!(view.status, StatusCode::GONE);
    assert_eq!(view.code(), "invitation_expired");
    let accept = app
        .send_json_as(
            &Session::default(),
            "POST",
            &link,
            json!({ "password": "a long new password" }),
        )
        .await;
    assert_eq!(accept.code(), "invitation_expired");
    let unknown = app
        .get_as(&Session::default(), "/api/invitations/not-a-token")
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.code(), "invitation_not_found");
}

#[tokio::test]
async fn a_removed_user_cannot_sign_in_and_their_businesses_pass_to_the_owner() {
    let app = spawn_app().await;
    let client = app
        .pick_matching("active", |client| {
            let second = &client["users"][1]["id"];
            !second.is_null()
                && client["businesses"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|business| business["owner"] == *second)
        })
        .await;
    let removed = user_id(&client, 1);
    let email = client["users"][1]["email"].as_str().unwrap().to_owned();
    let their_session = app.sign_in_as(&email).await;
    let path = format!("/api/clients/{}/users", id(&client));
    let owner = client["owner"].as_u64().unwrap();
    let body = json!({ "expected_version": version(&client) });

    let refused = app
        .send_json("DELETE", &format!("{path}/{owner}"), body.clone())
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.code(), "cannot_remove_owner");

    let answer = app
        .send_json("DELETE", &format!("{path}/{removed}"), body)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let users = answer.body["users"].as_array().unwrap();
    assert!(users.iter().all(|user| user["id"] != removed));
    for business in answer.body["businesses"].as_array().unwrap() {
        assert_ne!(business["owner"], removed);
    }
    assert_eq!(app.client(id(&client)).await, answer.body);
    let sign_in = app.sign_in(&email, clientele_server::DEMO_PASSWORD).await;
    assert_eq!(sign_in.code(), "invalid_credentials");
    let portal = app.get_as(&their_session, "/api/portal").await;
    assert_eq!(portal.status, StatusCode::UNAUTHORIZED);
    let activity = app
        .get(&format!("/api/clients/{}/activity", id(&client)))
        .await;
    assert_eq!(activity.body["items"][0]["action"], "user_removed");
    assert_eq!(activity.body["items"][0]["user"]["id"], removed);
}

/// The store writes only the columns a change alters (`update_client_row`):
/// a rename must still move the client in the name order and the search, a
/// new code must still be found, and a deactivation, which sets neither,
/// must leave both as they were.
#[tokio::test]
async fn a_rename_moves_a_client_in_the_order_and_the_search_and_a_deactivation_keeps_both() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let path = format!("/api/clients/{}", id(&client));
    let last_by_name = |status: &'static str| {
        let app = &app;
        async move {
            let page = app
                .get(&format!("/api/clients?status={status}&sort=-name&limit=1"))
                .await;
            page.body["items"][0]["id"].clone()
        }
    };
    let found = |status: &'static str, search: &'static str| {
        let app = &app;
        async move {
            let page = app
                .get(&format!("/api/clients?status={status}&q={search}"))
                .await;
            (page.body["items"].as_array().unwrap().iter())
                .map(|item| item["id"].clone())
                .collect::<Vec<Value>>()
        }
    };
    assert_ne!(last_by_name("active").await, client["id"]);

    let renamed = app
        .send_json(
            "PATCH",
            &path,
            edit("Zzyzx Ltd", client["code"].clone(), version(&client)),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{:?}", renamed.body);
    assert_eq!(last_by_name("active").await, client["id"]);
    assert_eq!(found("active", "zzyzx").await, [client["id"].clone()]);

    let recoded = app
        .send_json(
            "PATCH",
            &path,
            edit("Zzyzx Ltd", json!("QQ-7"), version(&renamed.body)),
        )
        .await;
    assert_eq!(recoded.status, StatusCode::OK, "{:?}", recoded.body);
    assert_eq!(found("active", "qq-7").await, [client["id"].clone()]);

    let deactivated = app
        .send_json(
            "POST",
            &format!("{path}/deactivate"),
            json!({ "new_owner_id": user_id(&recoded.body, 0), "expected_version": version(&recoded.body) }),
        )
        .await;
    assert_eq!(deactivated.status, StatusCode::OK, "{:?}", deactivated.body);
    assert_eq!(deactivated.body["name"], "Zzyzx Ltd");
    assert_eq!(deactivated.body["code"], "QQ-7");
    assert_eq!(last_by_name("deactivated").await, client["id"]);
    for search in ["zzyzx", "qq-7"] {
        assert_eq!(
            found("deactivated", search).await,
            [client["id"].clone()],
            "{search}"
        );
        assert!(found("active", search).await.is_empty(), "{search}");
    }
}

#[tokio::test]
async fn adding_a_client_twice_with_one_idempotency_key_adds_it_once() {
    let app = spawn_app().await;
    let body = new_client("Once Ltd", Some("ONCE"), "once@once.example");
    let first = app
        .post_with_key("/api/clients", body.clone(), "add-once")
        .await;
    let retry = app.post_with_key("/api/clients", body, "add-once").await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(retry.status, StatusCode::CREATED);
    assert_eq!(retry.body, first.body);
    let found = app.get("/api/clients?q=once").await;
    assert_eq!(found.body["total"], 1);
}

#[tokio::test]
async fn staff_add_and_edit_clients_but_cannot_import() {
    let app = spawn_app().await;
    let staff = app.sign_in_as(STAFF).await;
    let added = app
        .send_json_as(
            &staff,
            "POST",
            "/api/clients",
            new_client("Staff Made Ltd", None, "made@staff.example"),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED);
    let client = &added.body["client"];
    let edited = app
        .send_json_as(
            &staff,
            "PATCH",
            &format!("/api/clients/{}", id(client)),
            json!({ "name": "Staff Edited Ltd", "code": "SE-1", "expected_version": 1 }),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK);
    let activity = app
        .get(&format!("/api/clients/{}/activity", id(client)))
        .await;
    assert_eq!(activity.body["items"][0]["actor"], "Sam Harper");
    let before = app.snapshot();
    let csv = "name,code,business,user_name,user_email\nA Ltd,,A,Al,al@a.example\n";
    for path in ["/api/clients/import/preview", "/api/clients/import"] {
        let answer = app.post_csv_as(&staff, path, csv).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(answer.code(), "forbidden");
    }
    assert_eq!(app.snapshot(), before);
}
