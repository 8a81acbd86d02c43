//! Malformed requests, each answered with its 4xx and a code, never a 500,
//! and none of them changing the database.

use crate::helpers::*;
use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, StatusCode};

struct Case {
    what: &'static str,
    method: Method,
    path: String,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    headers: Vec<(&'static str, HeaderValue)>,
    status: StatusCode,
    code: &'static str,
}

fn case(
    what: &'static str,
    path: &str,
    body: &str,
    status: StatusCode,
    code: &'static str,
) -> Case {
    Case {
        what,
        method: Method::POST,
        path: path.to_owned(),
        content_type: Some("application/json"),
        body: body.as_bytes().to_vec(),
        headers: Vec::new(),
        status,
        code,
    }
}

fn get(what: &'static str, path: &str, status: StatusCode, code: &'static str) -> Case {
    Case {
        method: Method::GET,
        content_type: None,
        ..case(what, path, "", status, code)
    }
}

fn cases(client: u64, owner: u64, business: u64, version: u64) -> Vec<Case> {
    use StatusCode as S;
    let deactivate = format!("/api/clients/{client}/deactivate");
    let reactivate = format!("/api/clients/{client}/reactivate");
    let business_path = format!("/api/clients/{client}/businesses/{business}/deactivate");
    let documents = format!("/api/businesses/{business}/documents");
    let good = format!(r#"{{"new_owner_id": {owner}, "expected_version": {version}}}"#);
    vec![
        case(
            "a JSON body for an upload",
            &documents,
            r#"{"file_name": "a.pdf"}"#,
            S::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        case(
            "an upload to an unknown business",
            "/api/businesses/999999/documents",
            r#"{"file_name": "a.pdf"}"#,
            S::NOT_FOUND,
            "not_found",
        ),
        case("empty body", &deactivate, "", S::BAD_REQUEST, "bad_request"),
        case(
            "not JSON",
            &deactivate,
            "hello",
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "truncated JSON",
            &deactivate,
            r#"{"new_owner_id": 1"#,
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "a JSON array",
            &deactivate,
            "[1, 2]",
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "JSON null",
            &deactivate,
            "null",
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "trailing garbage",
            &deactivate,
            &format!("{good} x"),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "missing new_owner_id",
            &deactivate,
            &format!(r#"{{"expected_version": {version}}}"#),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "missing expected_version",
            &deactivate,
            &format!(r#"{{"new_owner_id": {owner}}}"#),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "new_owner_id as a string",
            &deactivate,
            &format!(r#"{{"new_owner_id": "{owner}", "expected_version": {version}}}"#),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "negative new_owner_id",
            &deactivate,
            &format!(r#"{{"new_owner_id": -1, "expected_version": {version}}}"#),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "fractional version",
            &deactivate,
            &format!(r#"{{"new_owner_id": {owner}, "expected_version": 1.5}}"#),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "version beyond u64",
            &deactivate,
            &format!(r#"{{"new_owner_id": {owner}, "expected_version": 18446744073709551616}}"#),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "unknown field",
            &deactivate,
            &format!(
                r#"{{"new_owner_id": {owner}, "expected_version": {version}, "force": true}}"#
            ),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "reason as a number",
            &deactivate,
            &format!(r#"{{"new_owner_id": {owner}, "expected_version": {version}, "reason": 5}}"#),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "reason too long",
            &deactivate,
            &format!(
                r#"{{"new_owner_id": {owner}, "expected_version": {version}, "reason": "{}"}}"#,
                "x".repeat(501)
            ),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "owner from no account",
            &deactivate,
            &format!(r#"{{"new_owner_id": 999999, "expected_version": {version}}}"#),
            S::UNPROCESSABLE_ENTITY,
            "owner_not_in_account",
        ),
        case(
            "stale version",
            &deactivate,
            &format!(
                r#"{{"new_owner_id": {owner}, "expected_version": {}}}"#,
                version + 7
            ),
            S::CONFLICT,
            "stale_version",
        ),
        case(
            "reactivating an active client",
            &reactivate,
            &format!(r#"{{"expected_version": {version}}}"#),
            S::CONFLICT,
            "client_already_active",
        ),
        case(
            "unknown client",
            "/api/clients/999999/deactivate",
            &good,
            S::NOT_FOUND,
            "not_found",
        ),
        case(
            "client id beyond i64",
            "/api/clients/18446744073709551615/deactivate",
            &good,
            S::NOT_FOUND,
            "not_found",
        ),
        case(
            "client id not a number",
            "/api/clients/abc/deactivate",
            &good,
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "client id zero, which no client has",
            "/api/clients/0/deactivate",
            &good,
            S::NOT_FOUND,
            "not_found",
        ),
        case(
            "client id beyond any id",
            "/api/clients/99999999999999999999999/deactivate",
            &good,
            S::NOT_FOUND,
            "not_found",
        ),
        case(
            "business of another client",
            &format!("/api/clients/{client}/businesses/999999/deactivate"),
            &good,
            S::NOT_FOUND,
            "business_not_found",
        ),
        case(
            "business body missing owner",
            &business_path,
            &format!(r#"{{"expected_version": {version}}}"#),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "business reason too long",
            &business_path,
            &format!(
                r#"{{"new_owner_id": {owner}, "expected_version": {version}, "reason": "{}"}}"#,
                "x".repeat(501)
            ),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "body over 64 KiB",
            &deactivate,
            &format!(
                r#"{{"new_owner_id": {owner}, "expected_version": {version}, "reason": "{}"}}"#,
                "x".repeat(70_000)
            ),
            S::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        Case {
            content_type: None,
            ..case(
                "no content type",
                &deactivate,
                &good,
                S::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            )
        },
        Case {
            content_type: Some("text/plain"),
            ..case(
                "text content type",
                &deactivate,
                &good,
                S::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            )
        },
        Case {
            headers: vec![("idempotency-key", HeaderValue::from_static(""))],
            ..case(
                "empty idempotency key",
                &deactivate,
                &good,
                S::BAD_REQUEST,
                "bad_request",
            )
        },
        Case {
            headers: vec![(
                "idempotency-key",
                HeaderValue::from_str(&"k".repeat(201)).unwrap(),
            )],
            ..case(
                "idempotency key too long",
                &deactivate,
                &good,
                S::BAD_REQUEST,
                "bad_request",
            )
        },
        case(
            "an owner id beyond every integer type SQLite has",
            &deactivate,
            &format!(
                r#"{{"new_owner_id": {}, "expected_version": {version}}}"#,
                u64::MAX
            ),
            S::UNPROCESSABLE_ENTITY,
            "owner_not_in_account",
        ),
        case(
            "the largest version there is",
            &reactivate,
            &format!(r#"{{"expected_version": {}}}"#, u64::MAX),
            S::CONFLICT,
            "stale_version",
        ),
        case(
            "negative version",
            &reactivate,
            r#"{"expected_version": -3}"#,
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "empty object to reactivate",
            &reactivate,
            "{}",
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "a deeply nested array",
            &deactivate,
            &format!("{}{}", "[".repeat(1_000), "]".repeat(1_000)),
            S::BAD_REQUEST,
            "bad_request",
        ),
        case(
            "a deeply nested object",
            &deactivate,
            &format!(
                r#"{{"reason": {}1{}}}"#,
                r#"{"a":"#.repeat(1_000),
                "}".repeat(1_000)
            ),
            S::BAD_REQUEST,
            "bad_request",
        ),
        Case {
            body: b"{\"new_owner_id\": 1, \"expected_version\": 1, \"reason\": \"\xff\xfe\"}"
                .to_vec(),
            ..case(
                "a body that is not UTF-8",
                &deactivate,
                "",
                S::BAD_REQUEST,
                "bad_request",
            )
        },
        Case {
            headers: vec![("idempotency-key", HeaderValue::from_static("two words"))],
            ..case(
                "idempotency key with a space",
                &deactivate,
                &good,
                S::BAD_REQUEST,
                "bad_request",
            )
        },
        case(
            "business id beyond u64, which no business has",
            &format!("/api/clients/{client}/businesses/99999999999999999999/reactivate"),
            &format!(r#"{{"expected_version": {version}}}"#),
            S::NOT_FOUND,
            "not_found",
        ),
        get(
            "offset beyond i64",
            "/api/clients?offset=9223372036854775808",
            S::BAD_REQUEST,
            "bad_request",
        ),
        get(
            "activity of a negative client id",
            "/api/clients/-1/activity",
            S::BAD_REQUEST,
            "bad_request",
        ),
        Case {
            method: Method::PUT,
            ..case(
                "unknown fault mode",
                "/api/_test/fault",
                r#"{"mode": "explode"}"#,
                S::BAD_REQUEST,
                "bad_request",
            )
        },
        Case {
            method: Method::PUT,
            ..case(
                "fault delay over a minute",
                "/api/_test/fault",
                r#"{"mode": "delay", "delay_ms": 60001}"#,
                S::BAD_REQUEST,
                "bad_request",
            )
        },
        get(
            "unknown status filter",
            "/api/clients?status=archived",
            S::BAD_REQUEST,
            "bad_request",
        ),
        get(
            "unknown sort",
            "/api/clients?sort=size",
            S::BAD_REQUEST,
            "bad_request",
        ),
        get(
            "negative offset",
            "/api/clients?offset=-1",
            S::BAD_REQUEST,
            "bad_request",
        ),
        get(
            "limit too large",
            "/api/clients?limit=10001",
            S::BAD_REQUEST,
            "bad_request",
        ),
        get(
            "limit not a number",
            "/api/clients?limit=ten",
            S::BAD_REQUEST,
            "bad_request",
        ),
        get(
            "search too long",
            &format!("/api/clients?q={}", "a".repeat(201)),
            S::BAD_REQUEST,
            "bad_request",
        ),
        get(
            "unknown API path",
            "/api/clientz",
            S::NOT_FOUND,
            "not_found",
        ),
        Case {
            method: Method::DELETE,
            ..get(
                "deleting a client",
                &format!("/api/clients/{client}"),
                S::METHOD_NOT_ALLOWED,
                "method_not_allowed",
            )
        },
        Case {
            method: Method::GET,
            content_type: None,
            ..case(
                "reading a change endpoint",
                &deactivate,
                "",
                S::METHOD_NOT_ALLOWED,
                "method_not_allowed",
            )
        },
    ]
}

#[tokio::test]
async fn every_malformed_request_gets_its_4xx_and_changes_nothing() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 1).await;
    let business = client["businesses"][0]["id"].as_u64().unwrap();
    let table = cases(id(&client), user_id(&client, 0), business, version(&client));
    assert!(table.len() >= 50, "the table has {} cases", table.len());
    let before = app.snapshot();
    let mut failures = Vec::new();
    for case in table {
        let mut request = Request::builder().method(case.method).uri(&case.path);
        if let Some(content_type) = case.content_type {
            request = request.header("content-type", content_type);
        }
        for (name, value) in &case.headers {
            request = request.header(*name, value);
        }
        let answer = app.send(request.body(Body::from(case.body)).unwrap()).await;
        // A 409 carries the current client so the app can reconcile.
        let has_client = answer.body.get("client").is_some();
        let message = answer.body["error"]["message"].as_str().unwrap_or("");
        if answer.status != case.status
            || answer.code() != case.code
            || message.is_empty()
            || has_client != (case.status == StatusCode::CONFLICT)
        {
            failures.push(format!(
                "{}: expected {} {}, got {} {:?}",
                case.what, case.status, case.code, answer.status, answer.body
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        app.snapshot(),
        before,
        "no bad request changed the database"
    );
}

#[tokio::test]
async fn a_wrongly_typed_field_is_named_in_the_message() {
    let app = spawn_app().await;
    let answer = app
        .post_raw(
            "/api/clients/1/deactivate",
            r#"{"new_owner_id": "me", "expected_version": 1}"#,
            &[],
        )
        .await;
    assert!(
        answer.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("new_owner_id")
    );
    let missing = app
        .post_raw("/api/clients/1/deactivate", r#"{"new_owner_id": 1}"#, &[])
        .await;
    assert!(
        missing.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expected_version")
    );
}
