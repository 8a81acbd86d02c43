//! Who may call what, as one table: every route the router serves (read from
//! the OpenAPI document, which is built from the router's own registrations)
//! against every kind of caller. A route added without a case here fails the
//! test, so none can escape it. The database must be unchanged after every
//! refused request.

use crate::helpers::*;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};

/// What an operation sends.
enum Sent {
    Nothing,
    Json(Value),
    Upload,
    Csv(String),
}

/// One operation of the API, made concrete with real ids of the first
/// practice and a valid body.
struct Operation {
    method: Method,
    path: String,
    body: Sent,
}

impl Operation {
    fn request(&self) -> Request<Body> {
        let builder = Request::builder()
            .method(self.method.clone())
            .uri(&self.path);
        match &self.body {
            Sent::Json(body) => builder
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
            Sent::Upload => builder
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(Body::from(multipart_body("r.pdf", &pdf_bytes("r"))))
                .unwrap(),
            Sent::Csv(csv) => builder
                .header("content-type", "text/csv")
                .body(Body::from(csv.clone()))
                .unwrap(),
            Sent::Nothing => builder.body(Body::empty()).unwrap(),
        }
    }

    fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    fn changes_state(&self) -> bool {
        self.method != Method::GET
    }
}

/// Every documented operation, each with ids from the first practice and a
/// body that its admin could send. Panics on an operation it does not know.
/// Uploads one document (with a file) to name in the download route.
async fn operations(app: &TestApp) -> Vec<(String, Operation)> {
    let document = app.get("/api/openapi.json").await.body;
    let client = app
        .pick_matching("active", |client| {
            let businesses = client["businesses"].as_array().unwrap();
            businesses.len() >= 2
                && client["users"].as_array().unwrap().len() >= 2
                && businesses
                    .iter()
                    .all(|business| business["status"] == "active")
        })
        .await;
    let client_id = id(&client);
    let business = client["businesses"][1]["id"].as_u64().unwrap();
    let owner = user_id(&client, 1);
    let version = version(&client);
    let uploaded = app
        .upload(
            &format!("/api/businesses/{business}/documents"),
            "d.pdf",
            &pdf_bytes("d"),
        )
        .await;
    let uploaded = id(&uploaded.body);
    // An invitation to name in its routes; only its own tests accept it.
    let invited = app
        .post(
            "/api/clients",
            json!({ "name": "Invited Ltd", "business_name": "Invited",
                    "user_name": "Ivy Ted", "user_email": "ivy@invited.example" }),
        )
        .await;
    let token = invited.body["invitation"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let import = "name,code,business,user_name,user_email\n\
                  Table Ltd,TB-1,Table,Tab Le,tab@table.example\n";
    let mut operations = Vec::new();
    for (template, methods) in document["paths"].as_object().unwrap() {
        for method in methods.as_object().unwrap().keys() {
            let key = format!("{} {template}", method.to_uppercase());
            let path = template
                .replace("/clients/{id}", &format!("/clients/{client_id}"))
                .replace("/businesses/{id}", &format!("/businesses/{business}"))
                .replace("/documents/{id}", &format!("/documents/{uploaded}"))
                .replace("{business_id}", &business.to_string())
                .replace("{user_id}", &owner.to_string())
                .replace("{token}", &token);
            let body = match key.as_str() {
                "GET /api/health"
                | "GET /api/session"
                | "DELETE /api/session"
                | "GET /api/practice"
                | "GET /api/clients"
                | "GET /api/clients/{id}"
                | "GET /api/clients/{id}/activity"
                | "GET /api/businesses/{id}/documents"
                | "GET /api/documents/{id}/file"
                | "GET /api/portal"
                | "GET /api/portal/businesses/{id}/documents"
                | "GET /api/clients/{id}/documents/added-while-deactivated"
                | "GET /api/clients/{id}/impact"
                | "GET /api/clients/{id}/invitations"
                | "POST /api/clients/{id}/users/{user_id}/invitation"
                | "GET /api/events" => Sent::Nothing,
                "POST /api/clients/{id}/documents/extract" => Sent::Json(json!({})),
                "POST /api/session" => Sent::Json(
                    json!({ "email": ADMIN, "password": clientele_server::DEMO_PASSWORD }),
                ),
                "POST /api/session/password" => Sent::Json(json!({
                    "current_password": clientele_server::DEMO_PASSWORD,
                    "new_password": "a fresh long password"
                })),
                "POST /api/businesses/{id}/documents"
                | "POST /api/portal/businesses/{id}/documents" => Sent::Upload,
                "POST /api/documents/{id}/retry" => Sent::Json(json!({})),
                "GET /api/clients/export" | "GET /api/invitations/{token}" => Sent::Nothing,
                "POST /api/invitations/{token}" => {
                    Sent::Json(json!({ "password": "a long new password" }))
                }
                "POST /api/clients/import/preview" | "POST /api/clients/import" => {
                    Sent::Csv(import.to_owned())
                }
                "POST /api/clients" => Sent::Json(json!({
                    "name": "Table Ltd", "code": "TB-2", "business_name": "Table",
                    "user_name": "Tab Le", "user_email": "tab2@table.example"
                })),
                "PATCH /api/clients/{id}" => Sent::Json(
                    json!({ "name": "Renamed Ltd", "code": "RN-1", "expected_version": version }),
                ),
                "POST /api/clients/{id}/businesses"
                | "PATCH /api/clients/{id}/businesses/{business_id}" => {
                    Sent::Json(json!({ "name": "Renamed", "expected_version": version }))
                }
                "POST /api/clients/{id}/users" => Sent::Json(json!({
                    "name": "New User", "email": "new@table.example", "role": "standard",
                    "expected_version": version
                })),
                "DELETE /api/clients/{id}/users/{user_id}" => {
                    Sent::Json(json!({ "expected_version": version }))
                }
                "POST /api/clients/{id}/deactivate"
                | "POST /api/clients/{id}/businesses/{business_id}/deactivate" => {
                    Sent::Json(json!({ "new_owner_id": owner, "expected_version": version }))
                }
                "POST /api/clients/{id}/reactivate"
                | "POST /api/clients/{id}/businesses/{business_id}/reactivate"
                | "POST /api/clients/{id}/undo"
                | "POST /api/clients/{id}/schedule/cancel" => {
                    Sent::Json(json!({ "expected_version": version }))
                }
                "POST /api/clients/{id}/schedule" => Sent::Json(json!({
                    "expected_version": version, "on": "2099-12-31", "new_owner_id": owner
                })),
                other => panic!("no security case for the new route {other}: add one here"),
            };
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            operations.push((key, Operation { method, path, body }));
        }
    }
    assert_eq!(operations.len(), 40, "every operation is in the table");
    operations
}

/// What each kind of caller gets from one operation: a status and code, or
/// `None` where the caller may do it.
struct Expected {
    anonymous: Option<(StatusCode, &'static str)>,
    other_practice: Option<(StatusCode, &'static str)>,
    client_user: Option<(StatusCode, &'static str)>,
    staff: Option<(StatusCode, &'static str)>,
}

const UNAUTHENTICATED: Option<(StatusCode, &str)> =
    Some((StatusCode::UNAUTHORIZED, "unauthenticated"));
const FORBIDDEN: Option<(StatusCode, &str)> = Some((StatusCode::FORBIDDEN, "forbidden"));
const NOT_FOUND: Option<(StatusCode, &str)> = Some((StatusCode::NOT_FOUND, "not_found"));

/// Who is refused what. The client user belongs to another account than the
/// one the operations name, so their own-account routes find nothing there.
fn expected(key: &str) -> Expected {
    let refused = |anonymous, other_practice, client_user, staff| Expected {
        anonymous,
        other_practice,
        client_user,
        staff,
    };
    match key {
        "GET /api/health" | "POST /api/session" => refused(None, None, None, None),
        "GET /api/session" | "DELETE /api/session" => refused(UNAUTHENTICATED, None, None, None),
        // Everyone signed in changes their own password, and only theirs.
        "POST /api/session/password" => refused(UNAUTHENTICATED, None, None, None),
        // Everyone signed in hears of their own practice's changes, or
        // their own account's (which ones: tests/api/live.rs).
        "GET /api/events" => refused(UNAUTHENTICATED, None, None, None),
        // Practice-wide reads answer with the caller's own practice
        // (checked separately).
        "GET /api/practice" | "GET /api/clients" => refused(UNAUTHENTICATED, None, FORBIDDEN, None),
        "GET /api/clients/{id}"
        | "GET /api/clients/{id}/activity"
        | "GET /api/clients/{id}/invitations"
        | "GET /api/clients/{id}/documents/added-while-deactivated"
        | "GET /api/businesses/{id}/documents"
        | "POST /api/businesses/{id}/documents" => {
            refused(UNAUTHENTICATED, NOT_FOUND, FORBIDDEN, None)
        }
        "GET /api/documents/{id}/file" | "POST /api/documents/{id}/retry" => {
            refused(UNAUTHENTICATED, NOT_FOUND, NOT_FOUND, None)
        }
        "GET /api/portal" => refused(UNAUTHENTICATED, FORBIDDEN, None, FORBIDDEN),
        "GET /api/portal/businesses/{id}/documents"
        | "POST /api/portal/businesses/{id}/documents" => {
            refused(UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, FORBIDDEN)
        }
        // Practice admins only: "Extract now", and the impact shown before
        // a deactivation (which only they may make).
        "POST /api/clients/{id}/documents/extract" | "GET /api/clients/{id}/impact" => {
            refused(UNAUTHENTICATED, NOT_FOUND, FORBIDDEN, FORBIDDEN)
        }
        // Undo is a practice admin's, like the changes it undoes.
        activation if activation.ends_with("activate") || activation.ends_with("/undo") => {
            refused(UNAUTHENTICATED, NOT_FOUND, FORBIDDEN, FORBIDDEN)
        }
        // Scheduling a deactivation is a practice admin's, like R1 itself.
        "POST /api/clients/{id}/schedule" | "POST /api/clients/{id}/schedule/cancel" => {
            refused(UNAUTHENTICATED, NOT_FOUND, FORBIDDEN, FORBIDDEN)
        }
        // Another practice's admin may add a client and export: to their
        // own practice, from their own practice.
        "POST /api/clients" | "GET /api/clients/export" => {
            refused(UNAUTHENTICATED, None, FORBIDDEN, None)
        }
        "PATCH /api/clients/{id}"
        | "POST /api/clients/{id}/businesses"
        | "PATCH /api/clients/{id}/businesses/{business_id}"
        | "POST /api/clients/{id}/users"
        | "DELETE /api/clients/{id}/users/{user_id}"
        | "POST /api/clients/{id}/users/{user_id}/invitation" => {
            refused(UNAUTHENTICATED, NOT_FOUND, FORBIDDEN, None)
        }
        // Practice admins only; another practice's imports into its own.
        "POST /api/clients/import/preview" | "POST /api/clients/import" => {
            refused(UNAUTHENTICATED, None, FORBIDDEN, FORBIDDEN)
        }
        // The token is the secret: no session is needed, and any caller
        // with it may use it (their own tests check used and expired links).
        "GET /api/invitations/{token}" | "POST /api/invitations/{token}" => {
            refused(None, None, None, None)
        }
        other => panic!("no expectations for {other}"),
    }
}

fn check(
    failures: &mut Vec<String>,
    who: &str,
    operation: &Operation,
    answer: &Answer,
    expected: (StatusCode, &str),
) {
    if answer.status != expected.0 || answer.code() != expected.1 {
        failures.push(format!(
            "{who} {}: expected {} {}, got {} {}",
            operation.label(),
            expected.0,
            expected.1,
            answer.status,
            answer.code()
        ));
    }
}

#[tokio::test]
async fn every_route_refuses_every_caller_it_should_and_changes_nothing() {
    let app = spawn_app().await;
    let staff = app.sign_in_as(STAFF).await;
    let other_practice = app.sign_in_as(OTHER_ADMIN).await;
    let operations = operations(&app).await;
    let named = operations
        .iter()
        .find_map(|(_, operation)| {
            let rest = operation.path.strip_prefix("/api/clients/")?;
            rest.split('/').next()?.parse::<u64>().ok()
        })
        .unwrap();
    let own_account = if named == 1 { 2 } else { 1 };
    let client_user = app
        .sign_in_as(&app.client_user_email(own_account).await)
        .await;
    let before = app.snapshot();
    let mut failures = Vec::new();
    let mut refusals = 0;
    for (key, operation) in &operations {
        let expected = expected(key);
        let callers = [
            ("anonymous", &Session::default(), expected.anonymous),
            (
                "another practice's admin",
                &other_practice,
                expected.other_practice,
            ),
            ("a client user", &client_user, expected.client_user),
            ("staff", &staff, expected.staff),
        ];
        for (who, session, refusal) in callers {
            let Some(refusal) = refusal else { continue };
            let answer = app.send_as(session, operation.request()).await;
            check(&mut failures, who, operation, &answer, refusal);
            refusals += 1;
            if app.snapshot() != before {
                failures.push(format!("{who} {} changed the database", operation.label()));
            }
            // A caller the role refuses learns nothing of what is wrong
            // with a body: none, or one that is not JSON, is refused alike.
            if refusal.0 == StatusCode::FORBIDDEN && matches!(operation.body, Sent::Json(_)) {
                for body in [Sent::Nothing, Sent::Csv("{not json".into())] {
                    let bad = Operation {
                        method: operation.method.clone(),
                        path: operation.path.clone(),
                        body,
                    };
                    let answer = app.send_as(session, bad.request()).await;
                    check(
                        &mut failures,
                        &format!("{who} with a bad body"),
                        &bad,
                        &answer,
                        refusal,
                    );
                    refusals += 1;
                }
            }
        }
        // Signing in and accepting an invitation need no session, so no
        // CSRF token either.
        let without_session = ["POST /api/session", "POST /api/invitations/{token}"];
        if operation.changes_state() && !without_session.contains(&key.as_str()) {
            for (what, token) in [("no CSRF token", None), ("a wrong CSRF token", Some("x"))] {
                let mut request = operation.request();
                // An empty header is as good as none: it is never the token.
                request
                    .headers_mut()
                    .insert("x-csrf-token", token.unwrap_or("").parse().unwrap());
                let answer = app.send(request).await;
                check(
                    &mut failures,
                    &format!("the admin with {what}"),
                    operation,
                    &answer,
                    (StatusCode::FORBIDDEN, "csrf_failed"),
                );
                refusals += 1;
                assert_eq!(app.snapshot(), before, "{what}: {}", operation.label());
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(refusals >= 40, "the table checked {refusals} refusals");
}

#[tokio::test]
async fn the_admin_may_take_every_operation_so_the_table_refuses_for_a_reason() {
    let count = operations(&spawn_app().await).await.len();
    for index in 0..count {
        // A fresh app for each, so one change does not make the next stale.
        let app = spawn_app().await;
        let (key, operation) = operations(&app).await.swap_remove(index);
        if key.starts_with("GET /api/portal") || key.starts_with("POST /api/portal") {
            continue; // The portal is the client users' (their own test).
        }
        let answer = app.send(operation.request()).await;
        // Reactivating what is active, undoing when the client's last
        // change was none of the four, "Extract all now" when nothing was
        // added while deactivated, cancelling a schedule there is not, or a
        // new invitation link for someone who has signed up, is refused by
        // the rules (409), which proves the request got past every
        // permission check.
        let by_the_rules = answer.status == StatusCode::CONFLICT
            && (answer.code().ends_with("active")
                || [
                    "extraction_not_failed",
                    "nothing_to_undo",
                    "nothing_to_extract",
                    "nothing_scheduled",
                    "signed_up_already",
                ]
                .contains(&answer.code()));
        assert!(
            answer.status.is_success() || by_the_rules,
            "the admin {} got {} {:?}",
            operation.label(),
            answer.status,
            answer.body
        );
    }
}

#[tokio::test]
async fn staff_read_everything_add_documents_and_edit_clients() {
    let app = spawn_app().await;
    let staff = app.sign_in_as(STAFF).await;
    for (key, operation) in operations(&app).await {
        // Signing out is checked on its own; here it would end the session,
        // and so would signing in again or accepting an invitation (each
        // starts a session of its own in place of the one it came with).
        if expected(&key).staff.is_some()
            || key == "DELETE /api/session"
            || key == "POST /api/session"
            || key == "POST /api/invitations/{token}"
            || key.contains("portal")
        {
            continue;
        }
        let answer = app.send_as(&staff, operation.request()).await;
        // Retrying a document that has not failed, edits made against a
        // version an earlier edit here moved on, and a new invitation link
        // for someone who has signed up, are refused by the rules, past
        // every permission check.
        let by_the_rules = [
            "extraction_not_failed",
            "stale_version",
            "signed_up_already",
        ]
        .contains(&answer.code());
        assert!(
            answer.status.is_success() || by_the_rules,
            "staff {} got {} {:?}",
            operation.label(),
            answer.status,
            answer.body
        );
    }
}

#[tokio::test]
async fn another_practice_sees_only_its_own_clients() {
    let app = spawn_app().await;
    let other = app.sign_in_as(OTHER_ADMIN).await;
    let list = app.get_as(&other, "/api/clients?limit=100").await;
    assert_eq!(
        list.body["counts"]["active"].as_u64().unwrap()
            + list.body["counts"]["deactivated"].as_u64().unwrap(),
        12
    );
    let own = app.get("/api/clients?limit=100").await;
    let first_ids: Vec<&Value> = own.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| &item["id"])
        .collect();
    for item in list.body["items"].as_array().unwrap() {
        assert!(!first_ids.contains(&&item["id"]), "{item}");
    }
    let practice = app.get_as(&other, "/api/practice").await;
    assert_eq!(
        practice.body["name"],
        clientele_server::SECOND_PRACTICE_NAME
    );
    // An id that exists elsewhere answers exactly like one that exists
    // nowhere.
    let elsewhere = app.get_as(&other, "/api/clients/1").await;
    let nowhere = app.get_as(&other, "/api/clients/999999").await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
    assert_eq!(elsewhere.body, nowhere.body);
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in [
        "/api/health",
        "/api/clients",
        "/clients/3",
        "/api/nowhere",
        "/",
    ] {
        let answer = app.get(path).await;
        let csp = answer.headers["content-security-policy"].to_str().unwrap();
        for directive in [
            "default-src 'self'",
            "script-src 'self' 'wasm-unsafe-eval'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert!(!csp.contains("'unsafe-eval'"), "{path}: {csp}");
        let scripts = csp
            .split(';')
            .find(|directive| directive.trim().starts_with("script-src"))
            .unwrap();
        assert!(!scripts.contains("'unsafe-inline'"), "{path}: {csp}");
        assert_eq!(
            answer.headers["x-content-type-options"], "nosniff",
            "{path}"
        );
        assert_eq!(answer.headers["referrer-policy"], "same-origin", "{path}");
    }
}
