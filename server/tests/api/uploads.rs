//! Documents as real files: uploads by the practice and in the portal,
//! downloads of the same bytes, types recognised by their bytes, names
//! cleaned, the 20 MiB limit, scoping, and R5 for each upload.

use crate::helpers::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use sha2::{Digest, Sha256};

async fn business_of(app: &TestApp, status: &str) -> (serde_json::Value, u64) {
    let client = app.pick(status, 1, 1).await;
    let business = client["businesses"][0]["id"].as_u64().unwrap();
    (client, business)
}

async fn download(
    app: &TestApp,
    session: &Session,
    id: u64,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let response = tower::ServiceExt::oneshot(app.router.clone(), {
        let mut request = Request::get(format!("/api/documents/{id}/file"))
            .body(Body::empty())
            .unwrap();
        if let Some(cookie) = &session.cookie {
            request
                .headers_mut()
                .insert("cookie", cookie.parse().unwrap());
        }
        request
    })
    .await
    .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, headers, bytes)
}

#[tokio::test]
async fn an_uploaded_file_is_stored_and_downloaded_byte_for_byte() {
    let app = spawn_app().await;
    let (_, business) = business_of(&app, "active").await;
    let bytes = pdf_bytes("Till receipt 0412");
    let answer = app
        .upload(
            &format!("/api/businesses/{business}/documents"),
            "till 0412.pdf",
            &bytes,
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    let document = &answer.body;
    assert_eq!(document["file_name"], "till 0412.pdf");
    assert_eq!(document["size_bytes"], bytes.len());
    assert_eq!(document["content_type"], "application/pdf");
    assert_eq!(document["sha256"], format!("{:x}", Sha256::digest(&bytes)));
    assert_eq!(document["added_by"], "Dana Lowe");
    assert_eq!(document["extraction"], "queued");

    let (status, headers, downloaded) = download(&app, &app.session, id(document)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(downloaded, bytes);
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("till%200412.pdf"), "{disposition}");
}

#[tokio::test]
async fn the_type_comes_from_the_bytes_not_the_name() {
    let app = spawn_app().await;
    let (_, business) = business_of(&app, "active").await;
    let path = format!("/api/businesses/{business}/documents");
    let png_named_pdf = app.upload(&path, "scan.pdf", &png_bytes()).await;
    assert_eq!(png_named_pdf.status, StatusCode::CREATED);
    assert_eq!(png_named_pdf.body["content_type"], "image/png");

    let before = app.snapshot();
    let program =
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00this program cannot be run";
    let exe_named_pdf = app.upload(&path, "invoice.pdf", program).await;
    assert_eq!(exe_named_pdf.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(exe_named_pdf.code(), "unsupported_file_type");
    let empty = app.upload(&path, "empty.pdf", b"").await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert_eq!(empty.code(), "empty_file");
    assert_eq!(app.snapshot(), before, "refused files leave no row");
}

#[tokio::test]
async fn file_names_are_cleaned_of_paths_and_control_characters() {
    let app = spawn_app().await;
    let (_, business) = business_of(&app, "active").await;
    let path = format!("/api/businesses/{business}/documents");
    for (sent, kept) in [
        ("../../etc/passwd", "passwd"),
        ("..\\\\..\\\\windows\\\\win.ini", "win.ini"),
        (".hidden.pdf", "hidden.pdf"),
    ] {
        let answer = app.upload(&path, sent, &pdf_bytes(sent)).await;
        assert_eq!(
            answer.status,
            StatusCode::CREATED,
            "{sent}: {:?}",
            answer.body
        );
        assert_eq!(answer.body["file_name"], kept, "{sent}");
    }
}

#[tokio::test]
async fn identical_files_are_stored_once() {
    let app = spawn_app().await;
    let (_, business) = business_of(&app, "active").await;
    let path = format!("/api/businesses/{business}/documents");
    let bytes = pdf_bytes("same");
    let stored = || -> usize {
        std::fs::read_dir(&app.files_dir)
            .unwrap()
            .map(|folder| folder.unwrap())
            .filter(|folder| folder.file_name() != "tmp")
            .map(|folder| std::fs::read_dir(folder.path()).unwrap().count())
            .sum()
    };
    let before = stored();
    let first = app.upload(&path, "a.pdf", &bytes).await;
    let second = app.upload(&path, "b.pdf", &bytes).await;
    assert_ne!(first.body["id"], second.body["id"], "two documents");
    assert_eq!(first.body["sha256"], second.body["sha256"]);
    assert_eq!(stored(), before + 1, "one more file on disk");
}

#[tokio::test]
async fn an_upload_to_a_deactivated_business_is_kept_but_not_extracted() {
    let app = spawn_app().await;
    let (_, business) = business_of(&app, "deactivated").await;
    let answer = app
        .upload(
            &format!("/api/businesses/{business}/documents"),
            "late.pdf",
            &pdf_bytes("late"),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED);
    assert_eq!(answer.body["extraction"], "not_extracted");
    assert_eq!(answer.body["reason"], "client_deactivated");
    let (status, _, bytes) = download(&app, &app.session, id(&answer.body)).await;
    assert_eq!(status, StatusCode::OK, "still downloadable");
    assert_eq!(bytes, pdf_bytes("late"));
}

#[tokio::test]
async fn a_file_over_20_mib_is_refused_with_413() {
    let app = spawn_app().await;
    let (_, business) = business_of(&app, "active").await;
    let mut bytes = pdf_bytes("big");
    bytes.resize(20 * 1024 * 1024 + 1, b' ');
    let before = app.snapshot();
    let answer = app
        .upload(
            &format!("/api/businesses/{business}/documents"),
            "big.pdf",
            &bytes,
        )
        .await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.code(), "file_too_large");
    assert_eq!(app.snapshot(), before);
    let exactly = {
        bytes.truncate(20 * 1024 * 1024);
        app.upload(
            &format!("/api/businesses/{business}/documents"),
            "max.pdf",
            &bytes,
        )
        .await
    };
    assert_eq!(
        exactly.status,
        StatusCode::CREATED,
        "20 MiB itself is allowed"
    );
}

#[tokio::test]
async fn a_client_user_sees_their_portal_and_uploads_to_their_own_businesses_only() {
    let app = spawn_app().await;
    let client = app.pick("deactivated", 1, 1).await;
    let email = client["users"][0]["email"].as_str().unwrap().to_owned();
    let user = app.sign_in_as(&email).await;
    let portal = app.get_as(&user, "/api/portal").await;
    assert_eq!(portal.status, StatusCode::OK, "{:?}", portal.body);
    assert_eq!(portal.body["account"]["id"], client["id"]);
    assert_eq!(portal.body["account"]["name"], client["name"]);
    assert_eq!(
        portal.body["practice"]["name"],
        clientele_server::PRACTICE_NAME
    );
    assert_eq!(portal.body["me"]["email"], email);
    assert!(
        portal.body["account"]["banner"]
            .as_str()
            .unwrap()
            .starts_with("Harper & Lowe Bookkeeping no longer manages this account."),
    );
    let businesses = portal.body["businesses"].as_array().unwrap();
    assert_eq!(
        businesses.len(),
        client["businesses"].as_array().unwrap().len()
    );

    let own = businesses[0]["id"].as_u64().unwrap();
    let uploaded = app
        .upload_as(
            &user,
            &format!("/api/portal/businesses/{own}/documents"),
            "mine.png",
            &png_bytes(),
            None,
        )
        .await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{:?}", uploaded.body);
    assert_eq!(uploaded.body["extraction"], "not_extracted");
    assert_eq!(uploaded.body["added_by"], client["users"][0]["name"]);
    let listed = app
        .get_as(&user, &format!("/api/portal/businesses/{own}/documents"))
        .await;
    assert_eq!(listed.body["items"][0]["id"], uploaded.body["id"]);
    let (status, _, bytes) = download(&app, &user, id(&uploaded.body)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, png_bytes());

    // Another account's business and documents are not found.
    let (_, elsewhere) = business_of(&app, "active").await;
    let before = app.snapshot();
    let refused = app
        .upload_as(
            &user,
            &format!("/api/portal/businesses/{elsewhere}/documents"),
            "x.png",
            &png_bytes(),
            None,
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let listed = app
        .get_as(
            &user,
            &format!("/api/portal/businesses/{elsewhere}/documents"),
        )
        .await;
    assert_eq!(listed.status, StatusCode::NOT_FOUND);
    let theirs = app
        .upload(
            &format!("/api/businesses/{elsewhere}/documents"),
            "t.pdf",
            &pdf_bytes("t"),
        )
        .await;
    assert_eq!(
        download(&app, &user, id(&theirs.body)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.snapshot()
            .lines()
            .filter(|l| l.starts_with("documents:"))
            .count(),
        before
            .lines()
            .filter(|l| l.starts_with("documents:"))
            .count()
            + 1
    );
}

#[tokio::test]
async fn the_account_owner_chosen_in_the_wizard_is_the_account_owner_in_the_portal() {
    let app = spawn_app().await;
    let client = app.pick("active", 1, 2).await;
    let new_owner = &client["users"][1];
    let answer = app
        .post(
            &format!("/api/clients/{}/deactivate", id(&client)),
            serde_json::json!({ "new_owner_id": new_owner["id"], "expected_version": version(&client) }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let owner = app.sign_in_as(new_owner["email"].as_str().unwrap()).await;
    let portal = app.get_as(&owner, "/api/portal").await;
    assert_eq!(portal.body["me"]["role_label"], "Account owner");
    assert_eq!(portal.body["me"]["role"], "admin");
    let other = app
        .sign_in_as(client["users"][0]["email"].as_str().unwrap())
        .await;
    let portal = app.get_as(&other, "/api/portal").await;
    assert_ne!(portal.body["me"]["role_label"], "Account owner");
}

#[tokio::test]
async fn staff_get_403_from_the_portal_and_client_users_from_the_practice_uploads() {
    let app = spawn_app().await;
    let (client, business) = business_of(&app, "active").await;
    assert_eq!(app.get("/api/portal").await.code(), "forbidden");
    let user = app
        .sign_in_as(client["users"][0]["email"].as_str().unwrap())
        .await;
    let answer = app
        .upload_as(
            &user,
            &format!("/api/businesses/{business}/documents"),
            "a.pdf",
            &pdf_bytes("a"),
            None,
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(answer.code(), "forbidden");
}
