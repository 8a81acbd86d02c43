//! The read cache (issue 13): a list page is served again only while the
//! practice's data version is the one it was read at. Every change to what
//! the list shows (a client, a business, an owner's name, a schedule)
//! shows in the very next page read, whether it came through the API or
//! from behind the server's back (as another instance's change would), and
//! a page served from the cache is the answer read afresh, byte for byte.

use crate::helpers::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// The app's own request for the list, large enough for every demo client.
fn page_path(status: &str) -> String {
    format!("/api/clients?status={status}&limit=1000")
}

/// The client's row on the tab's page, if it is there.
async fn row(app: &TestApp, client: u64, status: &str) -> Option<Value> {
    let page = app.get(&page_path(status)).await;
    assert_eq!(page.status, StatusCode::OK);
    page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| id(item) == client)
        .cloned()
}

/// The answer to `GET path` as sent: status, headers and the body's bytes.
async fn raw_get(app: &TestApp, path: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let request = Request::get(path)
        .header("cookie", app.session.cookie.clone().unwrap())
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes().to_vec();
    (parts.status, parts.headers, bytes)
}

#[tokio::test]
async fn a_page_served_from_the_cache_is_the_answer_read_afresh_byte_for_byte() {
    let app = spawn_app().await;
    let path = "/api/clients?status=active&limit=100";
    let first = raw_get(&app, path).await;
    let again = raw_get(&app, path).await;
    assert_eq!(first.0, StatusCode::OK);
    assert_eq!(again.0, first.0);
    assert_eq!(again.1, first.1, "the same headers");
    assert_eq!(again.2, first.2, "the same bytes");
    assert_eq!(first.1["content-type"], "application/json");
}

#[tokio::test]
async fn the_cache_still_asks_whether_the_caller_may_read_the_list() {
    let app = spawn_app().await;
    assert_eq!(app.get(&page_path("active")).await.status, StatusCode::OK);
    let client = app.pick("active", 1, 1).await;
    let email = app.client_user_email(id(&client)).await;
    let client_user = app.sign_in_as(&email).await;
    let answer = app.get_as(&client_user, &page_path("active")).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_client_deactivated_through_the_api_moves_tab_in_the_next_page_read() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    assert!(row(&app, id(&client), "active").await.is_some());
    assert!(row(&app, id(&client), "deactivated").await.is_none());

    let answer = app
        .post(
            &format!("/api/clients/{}/deactivate", id(&client)),
            json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);

    assert!(row(&app, id(&client), "active").await.is_none());
    let moved = row(&app, id(&client), "deactivated").await.unwrap();
    assert_eq!(moved["version"], answer.body["version"]);
}

#[tokio::test]
async fn a_business_deactivated_through_the_api_shows_in_the_next_page_read() {
    let app = spawn_app().await;
    let client = app.pick("active", 2, 1).await;
    let before = row(&app, id(&client), "active").await.unwrap();
    let business = id(&client["businesses"][0]);

    let answer = app
        .post(
            &format!(
                "/api/clients/{}/businesses/{business}/deactivate",
                id(&client)
            ),
            json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);

    let after = row(&app, id(&client), "active").await.unwrap();
    assert_eq!(after["version"], answer.body["version"]);
    assert_ne!(after["version"], before["version"]);
}

#[tokio::test]
async fn a_deactivation_scheduled_through_the_api_shows_in_the_next_page_read() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let before = row(&app, id(&client), "active").await.unwrap();
    assert!(before["scheduled_deactivation"].is_null());

    let answer = app
        .post(
            &format!("/api/clients/{}/schedule", id(&client)),
            json!({ "expected_version": version(&client), "on": "2026-12-03",
                    "new_owner_id": user_id(&client, 0), "reason": "Moving to another firm" }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);

    let after = row(&app, id(&client), "active").await.unwrap();
    assert_eq!(after["scheduled_deactivation"]["on"], "2026-12-03");
}

/// Reads the client's row (so the cache holds the page), runs `sql` behind
/// the server's back, as another instance on the same database would, and
/// answers the row read next.
async fn row_after_sql(app: &TestApp, client: u64, sql: &str) -> Value {
    assert!(row(app, client, "active").await.is_some());
    app.db.execute(sql);
    row(app, client, "active").await.unwrap()
}

#[tokio::test]
async fn an_owner_renamed_behind_the_servers_back_shows_in_the_next_page_read() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let owner = client["owner"].as_u64().unwrap();
    let sql = format!("UPDATE users SET name = 'Renamed Owner' WHERE id = {owner}");
    let after = row_after_sql(&app, id(&client), &sql).await;
    assert_eq!(after["owner"]["name"], "Renamed Owner");
}

#[tokio::test]
async fn a_business_added_behind_the_servers_back_shows_in_the_next_page_read() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let before = row(&app, id(&client), "active").await.unwrap();
    let sql = format!(
        "INSERT INTO businesses (client_id, name, status, owner_id)
         VALUES ({}, 'Added Behind Its Back', 'active', {})",
        id(&client),
        client["owner"]
    );
    let after = row_after_sql(&app, id(&client), &sql).await;
    assert_eq!(
        after["business_count"].as_u64().unwrap(),
        before["business_count"].as_u64().unwrap() + 1
    );
}

#[tokio::test]
async fn a_business_moved_to_another_practice_and_back_behind_the_servers_back_shows_in_the_next_page_read()
 {
    // A business's move changes the count of the client it left, in one
    // practice, and of the client it joined, in the other: each practice's
    // version must move on.
    let app = spawn_app().await;
    let client = app.pick("active", 2, 1).await;
    let business = id(&client["businesses"][0]);
    let before = row(&app, id(&client), "active").await.unwrap()["business_count"]
        .as_u64()
        .unwrap();
    let elsewhere = app.db.texts(&format!(
        "SELECT CAST(MIN(id) AS TEXT) FROM clients
         WHERE practice_id <> (SELECT practice_id FROM clients WHERE id = {})",
        id(&client)
    ));
    let move_to =
        |to: &str| format!("UPDATE businesses SET client_id = {to} WHERE id = {business}");
    let left = row_after_sql(&app, id(&client), &move_to(&elsewhere[0])).await;
    assert_eq!(left["business_count"].as_u64().unwrap(), before - 1);
    let back = row_after_sql(&app, id(&client), &move_to(&id(&client).to_string())).await;
    assert_eq!(back["business_count"].as_u64().unwrap(), before);
}

#[tokio::test]
async fn a_schedule_added_changed_and_removed_behind_the_servers_back_shows_in_the_next_page_read()
{
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let added = format!(
        "INSERT INTO deactivation_schedules
             (client_id, on_date, due_at, new_owner_id, reason, scheduled_by_id,
              scheduled_by_name, failure)
         SELECT {}, '2026-12-03', {}, {}, NULL, MIN(id), 'Someone Else', NULL FROM staff",
        id(&client),
        START + 2 * 24 * 60 * 60 * 1000,
        client["owner"]
    );
    let after = row_after_sql(&app, id(&client), &added).await;
    assert_eq!(after["scheduled_deactivation"]["on"], "2026-12-03");

    let changed = format!(
        "UPDATE deactivation_schedules SET on_date = '2026-12-04', due_at = {} WHERE client_id = {}",
        START + 3 * 24 * 60 * 60 * 1000,
        id(&client)
    );
    let after = row_after_sql(&app, id(&client), &changed).await;
    assert_eq!(after["scheduled_deactivation"]["on"], "2026-12-04");

    let removed = format!(
        "DELETE FROM deactivation_schedules WHERE client_id = {}",
        id(&client)
    );
    let after = row_after_sql(&app, id(&client), &removed).await;
    assert!(after["scheduled_deactivation"].is_null());
}

#[tokio::test]
async fn a_client_changed_behind_the_servers_back_shows_in_the_next_page_read() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let sql = format!(
        "UPDATE clients SET code = 'BEHIND-1', version = version + 1 WHERE id = {}",
        id(&client)
    );
    let after = row_after_sql(&app, id(&client), &sql).await;
    assert_eq!(after["code"], "BEHIND-1");
    assert_eq!(after["version"].as_u64().unwrap(), version(&client) + 1);
}
