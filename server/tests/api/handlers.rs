//! The API's behaviour through `Router::oneshot`: reading, the four changes
//! and their cascades (R1 to R4), extraction (R5), versions (R6),
//! idempotency and the app's fallback.

use crate::helpers::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

#[tokio::test]
async fn health_says_ok() {
    let app = spawn_app().await;
    let answer = app.get("/api/health").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body, json!({ "status": "ok" }));
}

#[tokio::test]
async fn the_practice_is_named() {
    let answer = spawn_app().await.get("/api/practice").await;
    assert_eq!(answer.body["name"], clientele_server::PRACTICE_NAME);
}

#[tokio::test]
async fn the_demo_practice_has_35_active_and_5_deactivated_clients() {
    let answer = spawn_app().await.get("/api/clients").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.body["counts"],
        json!({ "active": 35, "deactivated": 5 })
    );
    assert_eq!(answer.body["total"], 35);
    let first = &answer.body["items"][0];
    for field in [
        "id",
        "name",
        "status",
        "business_count",
        "owner",
        "updated_at",
    ] {
        assert!(!first[field].is_null(), "list items have {field}");
    }
    assert!(first["owner"]["name"].is_string());
}

#[tokio::test]
async fn the_list_is_filtered_by_status_and_name_and_paged() {
    let app = spawn_app().await;
    let deactivated = app.get("/api/clients?status=deactivated").await;
    let items = deactivated.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    assert!(items.iter().all(|item| item["status"] == "deactivated"));

    let searched = app.get("/api/clients?q=acorn").await;
    let items = searched.body["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|item| {
        item["name"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("acorn")
    }));
    let counted = searched.body["counts"]["active"].as_u64().unwrap()
        + searched.body["counts"]["deactivated"].as_u64().unwrap();
    assert!(counted < 40, "counts follow the search");

    let page = app.get("/api/clients?offset=30&limit=10").await;
    assert_eq!(page.body["items"].as_array().unwrap().len(), 5);
    assert_eq!(page.body["total"], 35);
}

#[tokio::test]
async fn a_search_for_a_percent_sign_matches_it_literally() {
    let answer = spawn_app().await.get("/api/clients?q=%25").await;
    assert_eq!(answer.body["total"], 0);
}

#[tokio::test]
async fn the_list_sorts_by_name_both_ways_and_by_last_change() {
    let app = spawn_app().await;
    let names = |answer: &Answer| -> Vec<String> {
        answer.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let ascending = names(&app.get("/api/clients?sort=name").await);
    let mut sorted = ascending.clone();
    sorted.sort_by_key(|name| name.to_lowercase());
    assert_eq!(ascending, sorted);
    let descending = names(&app.get("/api/clients?sort=-name").await);
    assert_eq!(descending, sorted.into_iter().rev().collect::<Vec<_>>());

    let client = app.pick("active", 1, 1).await;
    let deactivated = app
        .post(
            &format!("/api/clients/{}/deactivate", id(&client)),
            json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) }),
        )
        .await;
    assert_eq!(deactivated.status, StatusCode::OK);
    let recent = app
        .get("/api/clients?status=deactivated&sort=updated")
        .await;
    assert_eq!(recent.body["items"][0]["id"], client["id"]);
}

#[tokio::test]
async fn a_client_has_its_users_and_businesses() {
    let app = spawn_app().await;
    let client = app.client(1).await;
    for field in [
        "id",
        "name",
        "status",
        "version",
        "owner",
        "users",
        "businesses",
    ] {
        assert!(!client[field].is_null(), "a client has {field}");
    }
    assert!(client["users"][0]["email"].as_str().unwrap().contains('@'));
}

#[tokio::test]
async fn an_unknown_client_is_not_found() {
    let answer = spawn_app().await.get("/api/clients/999999").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.code(), "not_found");
}

#[tokio::test]
async fn deactivating_a_client_deactivates_every_business_and_hands_over_the_account() {
    let app = spawn_app().await;
    let client = app.pick("active", 2, 2).await;
    let new_owner = user_id(&client, 1);
    let answer = app
        .post(
            &format!("/api/clients/{}/deactivate", id(&client)),
            json!({ "new_owner_id": new_owner, "expected_version": version(&client), "reason": "Moved practice" }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    assert_eq!(answer.body["status"], "deactivated");
    assert_eq!(answer.body["owner"], new_owner);
    assert_eq!(answer.body["version"], version(&client) + 1);
    assert!(
        answer.body["businesses"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["status"] == "deactivated")
    );
    assert_eq!(
        app.client(id(&client)).await,
        answer.body,
        "the answer is what is stored"
    );

    let activity = app
        .get(&format!("/api/clients/{}/activity", id(&client)))
        .await;
    let entry = &activity.body["items"][0];
    assert_eq!(entry["action"], "client_deactivated");
    assert_eq!(entry["new_owner"]["id"], new_owner);
    assert_eq!(entry["reason"], "Moved practice");
    assert_eq!(entry["actor"], "Dana Lowe", "the signed-in admin");
    assert!(entry["actor_id"].as_u64().is_some());
}

#[tokio::test]
async fn a_business_deactivated_with_a_reason_keeps_it_in_the_activity() {
    let app = spawn_app().await;
    let client = app.pick("active", 2, 2).await;
    let business = client["businesses"][0]["id"].as_u64().unwrap();
    let new_owner = user_id(&client, 1);
    let path = format!("/api/clients/{}", id(&client));
    let answer = app
        .post(
            &format!("{path}/businesses/{business}/deactivate"),
            json!({ "new_owner_id": new_owner, "expected_version": version(&client), "reason": "  Sold the shop  " }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let activity = app.get(&format!("{path}/activity")).await;
    let entry = &activity.body["items"][0];
    assert_eq!(entry["action"], "business_deactivated");
    assert_eq!(entry["business"]["id"], business);
    assert_eq!(entry["reason"], "Sold the shop", "trimmed, as a client's");
}

#[tokio::test]
async fn reactivating_a_client_reactivates_even_businesses_deactivated_one_by_one() {
    let app = spawn_app().await;
    let client = app.pick("active", 2, 1).await;
    let path = format!("/api/clients/{}", id(&client));
    let business = client["businesses"][0]["id"].as_u64().unwrap();
    let owner = user_id(&client, 0);
    let mut v = version(&client);
    let answer = app
        .post(
            &format!("{path}/businesses/{business}/deactivate"),
            json!({ "new_owner_id": owner, "expected_version": v }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    v += 1;
    let answer = app
        .post(
            &format!("{path}/deactivate"),
            json!({ "new_owner_id": owner, "expected_version": v }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    v += 1;
    let answer = app
        .post(
            &format!("{path}/reactivate"),
            json!({ "expected_version": v }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body["status"], "active");
    assert!(
        answer.body["businesses"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["status"] == "active")
    );
    let activity = app.get(&format!("{path}/activity")).await;
    let actions: Vec<&str> = activity.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    // The newest three are this test's; any older are the demo seed's.
    assert_eq!(
        actions[..3],
        [
            "client_reactivated",
            "client_deactivated",
            "business_deactivated"
        ],
        "newest first"
    );
}

#[tokio::test]
async fn deactivating_a_business_changes_only_that_business() {
    let app = spawn_app().await;
    let client = app.pick("active", 2, 2).await;
    let business = client["businesses"][0]["id"].as_u64().unwrap();
    let answer = app
        .post(
            &format!(
                "/api/clients/{}/businesses/{business}/deactivate",
                id(&client)
            ),
            json!({ "new_owner_id": user_id(&client, 1), "expected_version": version(&client) }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.body["status"], "active");
    assert_eq!(answer.body["businesses"][0]["status"], "deactivated");
    assert_eq!(answer.body["businesses"][0]["owner"], user_id(&client, 1));
    assert_eq!(answer.body["businesses"][1], client["businesses"][1]);
}

#[tokio::test]
async fn reactivating_a_business_of_a_deactivated_client_says_to_reactivate_the_client_first() {
    let app = spawn_app().await;
    let client = app.pick("deactivated", 1, 1).await;
    let business = client["businesses"][0]["id"].as_u64().unwrap();
    let answer = app
        .post(
            &format!(
                "/api/clients/{}/businesses/{business}/reactivate",
                id(&client)
            ),
            json!({ "expected_version": version(&client) }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.code(), "reactivate_client_first");
    assert!(
        answer.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Reactivate the client first")
    );
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_that_carries_the_current_client() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let answer = app
        .post(
            &format!("/api/clients/{}/deactivate", id(&client)),
            json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) + 5 }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(answer.code(), "stale_version");
    assert_eq!(answer.body["client"], client);
}

/// A change refused as stale says who made the first change after the
/// version it was made against, from the activity log, so that the loser
/// of a race is told who won it even when no live update reached them.
#[tokio::test]
async fn a_stale_change_is_told_who_changed_the_client_first() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let staff = app.sign_in_as(STAFF).await;
    let path = format!("/api/clients/{}", id(&client));
    let renamed = app
        .send_json_as(
            &staff,
            "PATCH",
            &path,
            json!({ "name": "Renamed by Sam", "expected_version": version(&client) }),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{:?}", renamed.body);
    // Then Dana's own later change, which the stale one did not see either.
    let coded = app
        .send_json(
            "PATCH",
            &path,
            json!({ "code": "WON-1", "expected_version": version(&renamed.body) }),
        )
        .await;
    assert_eq!(coded.status, StatusCode::OK, "{:?}", coded.body);
    let stale = app
        .post(
            &format!("{path}/deactivate"),
            json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) }),
        )
        .await;
    assert_eq!(stale.code(), "stale_version");
    assert_eq!(
        stale.body["changed_by"], "Sam Harper",
        "the first, not the latest"
    );
    assert_eq!(stale.body["client"], coded.body);
    // Other refusals name nobody.
    let twice = app
        .post(
            &format!("{path}/reactivate"),
            json!({ "expected_version": version(&coded.body) }),
        )
        .await;
    assert_eq!(twice.code(), "client_already_active");
    assert!(twice.body.get("changed_by").is_none(), "{:?}", twice.body);
}

#[tokio::test]
async fn deactivating_twice_is_a_conflict() {
    let app = spawn_app().await;
    let client = app.pick("deactivated", 1, 1).await;
    let answer = app
        .post(
            &format!("/api/clients/{}/deactivate", id(&client)),
            json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(answer.code(), "client_already_deactivated");
}

#[tokio::test]
async fn handing_the_account_to_another_clients_user_is_refused() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let stranger = user_id(&app.client(id(&client) + 1).await, 0);
    let answer = app
        .post(
            &format!("/api/clients/{}/deactivate", id(&client)),
            json!({ "new_owner_id": stranger, "expected_version": version(&client) }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.code(), "owner_not_in_account");
    assert!(answer.body.get("client").is_none());
}

#[tokio::test]
async fn a_document_is_queued_only_while_business_and_client_are_active() {
    let app = spawn_app().await;
    let client = app
        .pick_matching("active", |client| {
            let businesses = client["businesses"].as_array().unwrap();
            businesses.len() >= 2 && businesses.iter().all(|b| b["status"] == "active")
        })
        .await;
    let first = client["businesses"][0]["id"].as_u64().unwrap();
    let second = client["businesses"][1]["id"].as_u64().unwrap();
    let add = |business: u64| {
        let app = &app;
        async move {
            app.upload(
                &format!("/api/businesses/{business}/documents"),
                "receipt.pdf",
                &pdf_bytes("receipt"),
            )
            .await
        }
    };
    let queued = add(first).await;
    assert_eq!(queued.status, StatusCode::CREATED);
    assert_eq!(queued.body["extraction"], "queued");
    assert_eq!(queued.body["reason"], serde_json::Value::Null);

    let deactivated = app
        .post(
            &format!(
                "/api/clients/{}/businesses/{second}/deactivate",
                id(&client)
            ),
            json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) }),
        )
        .await;
    assert_eq!(deactivated.status, StatusCode::OK);
    let business_off = add(second).await;
    assert_eq!(business_off.body["extraction"], "not_extracted");
    assert_eq!(business_off.body["reason"], "business_deactivated");

    let deactivated = app
        .post(
            &format!("/api/clients/{}/deactivate", id(&client)),
            json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) + 1 }),
        )
        .await;
    assert_eq!(deactivated.status, StatusCode::OK);
    let client_off = add(first).await;
    assert_eq!(client_off.body["extraction"], "not_extracted");
    assert_eq!(client_off.body["reason"], "client_deactivated");
    assert!(
        client_off.body["reason_message"]
            .as_str()
            .unwrap()
            .contains("not extracted")
    );

    let documents = app.get(&format!("/api/businesses/{first}/documents")).await;
    assert_eq!(documents.status, StatusCode::OK, "documents stay readable");
    let items = documents.body["items"].as_array().unwrap();
    let earlier = items.iter().find(|d| d["id"] == queued.body["id"]).unwrap();
    assert_eq!(
        earlier["extraction"], "queued",
        "earlier documents keep their state"
    );
}

#[tokio::test]
async fn a_retried_change_with_the_same_key_is_answered_again_and_applied_once() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let path = format!("/api/clients/{}/deactivate", id(&client));
    let body = json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) });
    let activity = format!("/api/clients/{}/activity", id(&client));
    let entries = |answer: Answer| answer.body["items"].as_array().unwrap().len();
    let before = entries(app.get(&activity).await);
    let first = app.post_with_key(&path, body.clone(), "key-1").await;
    let retry = app.post_with_key(&path, body, "key-1").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(retry.status, StatusCode::OK);
    assert_eq!(retry.body, first.body);
    assert_eq!(
        version(&app.client(id(&client)).await),
        version(&client) + 1
    );
    assert_eq!(entries(app.get(&activity).await), before + 1);
}

#[tokio::test]
async fn reusing_a_key_for_a_different_request_is_refused() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let path = format!("/api/clients/{}/deactivate", id(&client));
    let body = json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) });
    let first = app.post_with_key(&path, body, "key-2").await;
    assert_eq!(first.status, StatusCode::OK);
    let other = format!("/api/clients/{}/reactivate", id(&client));
    let answer = app
        .post_with_key(
            &other,
            json!({ "expected_version": version(&client) + 1 }),
            "key-2",
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.code(), "idempotency_key_reused");
}

#[tokio::test]
async fn the_actor_is_the_signed_in_person_whatever_a_header_claims() {
    let app = spawn_app().await;
    let client = app.pick("deactivated", 1, 1).await;
    let path = format!("/api/clients/{}/reactivate", id(&client));
    let body = json!({ "expected_version": version(&client) }).to_string();
    let answer = app
        .post_raw(&path, &body, &[("x-clientele-actor", "Mallory")])
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let activity = app
        .get(&format!("/api/clients/{}/activity", id(&client)))
        .await;
    let session = app.get("/api/session").await;
    let entry = &activity.body["items"][0];
    assert_eq!(entry["actor"], "Dana Lowe");
    assert_eq!(entry["actor_id"], session.body["user"]["id"]);
}

#[tokio::test]
async fn the_openapi_document_describes_exactly_the_routes_served() {
    let app = spawn_app().await;
    let answer = app.get("/api/openapi.json").await;
    assert_eq!(answer.status, StatusCode::OK);
    let paths = answer.body["paths"].as_object().unwrap();
    let mut documented: Vec<String> = paths.keys().cloned().collect();
    documented.sort();

    // The router and the document are built from the same registrations
    // (utoipa-axum), so the document is the router's own list of routes.
    assert_eq!(
        documented,
        [
            "/api/businesses/{id}/documents",
            "/api/clients",
            "/api/clients/export",
            "/api/clients/import",
            "/api/clients/import/preview",
            "/api/clients/{id}",
            "/api/clients/{id}/activity",
            "/api/clients/{id}/businesses",
            "/api/clients/{id}/businesses/{business_id}",
            "/api/clients/{id}/businesses/{business_id}/deactivate",
            "/api/clients/{id}/businesses/{business_id}/reactivate",
            "/api/clients/{id}/deactivate",
            "/api/clients/{id}/documents/added-while-deactivated",
            "/api/clients/{id}/documents/extract",
            "/api/clients/{id}/impact",
            "/api/clients/{id}/invitations",
            "/api/clients/{id}/reactivate",
            "/api/clients/{id}/schedule",
            "/api/clients/{id}/schedule/cancel",
            "/api/clients/{id}/undo",
            "/api/clients/{id}/users",
            "/api/clients/{id}/users/{user_id}",
            "/api/clients/{id}/users/{user_id}/invitation",
            "/api/documents/{id}/file",
            "/api/documents/{id}/retry",
            "/api/events",
            "/api/health",
            "/api/invitations/{token}",
            "/api/portal",
            "/api/portal/businesses/{id}/documents",
            "/api/practice",
            "/api/session",
            "/api/session/password",
        ]
    );

    // And on each path, exactly the documented methods are routed.
    let mut mismatches = Vec::new();
    for (path, operations) in paths {
        let concrete = path
            .replace("{id}", "1")
            .replace("{business_id}", "1")
            .replace("{user_id}", "1")
            .replace("{token}", "no-such-token");
        for method in ["get", "post", "put", "patch", "delete"] {
            let request = Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(&concrete)
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let answer = app.send(request).await;
            let status = answer.status;
            // An unrouted path says so; a routed one may still not find the id.
            let unrouted_path = answer.body["error"]["message"]
                .as_str()
                .is_some_and(|message| message.starts_with("no API at"));
            let routed = status != StatusCode::METHOD_NOT_ALLOWED && !unrouted_path;
            if routed != operations.get(method).is_some() {
                mismatches.push(format!("{method} {path}: {status}"));
            }
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

#[tokio::test]
async fn a_retried_upload_with_the_same_key_stores_one_document() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let business = client["businesses"][0]["id"].as_u64().unwrap();
    let path = format!("/api/businesses/{business}/documents");
    let before = app.get(&path).await.body["items"].as_array().unwrap().len();
    let session = app.session.clone();
    let bytes = pdf_bytes("0412");
    let first = app
        .upload_as(
            &session,
            &path,
            "receipt-0412.pdf",
            &bytes,
            Some("upload-1"),
        )
        .await;
    let retry = app
        .upload_as(
            &session,
            &path,
            "receipt-0412.pdf",
            &bytes,
            Some("upload-1"),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(retry.status, StatusCode::CREATED);
    assert_eq!(retry.body, first.body);
    let after = app.get(&path).await.body["items"].as_array().unwrap().len();
    assert_eq!(after, before + 1);
}

#[tokio::test]
async fn a_refused_change_is_not_remembered_so_its_retry_is_decided_again() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let path = format!("/api/clients/{}/deactivate", id(&client));
    let stale =
        json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) + 1 });
    let refused = app.post_with_key(&path, stale.clone(), "key-3").await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let snapshot = app.snapshot();
    assert!(!snapshot.contains("key-3"), "a refusal stores nothing");
}

#[tokio::test]
async fn a_browser_on_a_configured_origin_may_send_changes() {
    let app = spawn_app_with(&["https://clientele.example"]).await;
    let preflight = Request::options("/api/clients/1/deactivate")
        .header("origin", "https://clientele.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,idempotency-key,x-csrf-token",
        )
        .body(Body::empty())
        .unwrap();
    let answer = app.send(preflight).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        answer.headers["access-control-allow-origin"],
        "https://clientele.example"
    );
    let allowed = answer.headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    for header in ["content-type", "idempotency-key", "x-csrf-token"] {
        assert!(allowed.contains(header), "{header} is allowed: {allowed}");
    }
    assert_eq!(
        answer.headers["access-control-allow-credentials"], "true",
        "the app on another origin sends its session cookie"
    );
}

#[tokio::test]
async fn without_configured_origins_there_are_no_cors_headers() {
    let app = spawn_app().await;
    let request = Request::get("/api/health")
        .header("origin", "https://clientele.example")
        .body(Body::empty())
        .unwrap();
    let answer = app.send(request).await;
    assert!(answer.headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn app_routes_get_the_app_and_unknown_api_paths_get_json() {
    let app = spawn_app().await;
    let page = app.get("/clients/3?tab=deactivated").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .as_str()
            .unwrap()
            .contains("<title>Clientele</title>")
    );
    let missing = app.get("/api/nothing/here").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.code(), "not_found");
    // A file that is not there is not an app route.
    for path in [
        "/clientele-app-0123abcd.js",
        "/style/missing.css",
        "/clients/3/x.png",
    ] {
        let file = app.get(path).await;
        assert_eq!(file.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!format!("{:?}", file.body).contains("<title>"), "{path}");
    }
    assert_eq!(app.get("/index.html").await.status, StatusCode::OK);
}

#[tokio::test]
async fn configured_origins_may_call_the_api_and_others_may_not() {
    let app = spawn_app_with(&["https://clientele.example"]).await;
    let request = |origin: &str| {
        Request::get("/api/health")
            .header("origin", origin)
            .body(Body::empty())
            .unwrap()
    };
    let allowed = app.send(request("https://clientele.example")).await;
    assert_eq!(
        allowed.headers["access-control-allow-origin"],
        "https://clientele.example"
    );
    let other = app.send(request("https://evil.example")).await;
    assert!(other.headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn an_injected_error_answers_500_and_changes_nothing() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let request = Request::put("/api/_test/fault")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"mode":"error"}"#))
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::NO_CONTENT);
    let before = app.snapshot();
    let answer = app
        .post(
            &format!("/api/clients/{}/deactivate", id(&client)),
            json!({ "new_owner_id": user_id(&client, 0), "expected_version": version(&client) }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer.code(), "injected_fault");
    assert_eq!(app.snapshot(), before);
}

#[tokio::test]
async fn the_apps_files_travel_precompressed_and_hashed_ones_are_cached_forever() {
    let app = spawn_app().await;
    let script = "console.log('the app');".repeat(50);
    std::fs::write(app.dist_dir.join("app-0123456789abcdef.js"), &script).unwrap();
    std::fs::write(
        app.dist_dir.join("app-0123456789abcdef.js.br"),
        b"brotli bytes",
    )
    .unwrap();
    let request = |path: &str, encoding: &str| {
        Request::get(path)
            .header("accept-encoding", encoding)
            .body(Body::empty())
            .unwrap()
    };
    let brotli = app
        .send(request("/app-0123456789abcdef.js", "gzip, br"))
        .await;
    assert_eq!(brotli.status, StatusCode::OK);
    assert_eq!(brotli.headers["content-encoding"], "br");
    assert_eq!(brotli.body, "brotli bytes");
    assert_eq!(
        brotli.headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let plain = app
        .send(request("/app-0123456789abcdef.js", "identity"))
        .await;
    assert!(plain.headers.get("content-encoding").is_none());
    assert_eq!(plain.body, script.as_str());

    assert_eq!(brotli.headers["vary"], "accept-encoding");
    assert_eq!(plain.headers["vary"], "accept-encoding");

    for page in ["/", "/index.html", "/clients/37"] {
        let index = app.send(request(page, "br")).await;
        assert_eq!(index.headers["cache-control"], "no-cache", "{page}");
        assert_eq!(index.headers["vary"], "accept-encoding", "{page}");
        // Revalidated, it stays no-cache: a browser keeps the 304's policy.
        let modified = index.headers["last-modified"].clone();
        let revalidated = app
            .send(
                Request::get(page)
                    .header("if-modified-since", modified)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED, "{page}");
        assert_eq!(revalidated.headers["cache-control"], "no-cache", "{page}");
    }
}

#[tokio::test]
async fn json_answers_are_compressed_when_the_caller_accepts_it() {
    let app = spawn_app().await;
    let request = Request::get("/api/clients?limit=100")
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .unwrap();
    let answer = app.send(request).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers["content-encoding"], "gzip");
}
