//! The real `HttpApi`'s uploads against a stand-in for the browser's
//! XMLHttpRequest, to check what goes over the wire: one multipart part named
//! `file`, the session cookie (`withCredentials`) and the session's CSRF
//! token, progress as the body goes up, and the server's refusal as it said
//! it.

use crate::browser::{pdf, sent_uploads, stub_browser, unstub_browser};
use crate::fixtures::{admin, demo};
use clientele_app::api::{Api, ApiError, DocumentScope, HttpApi, Progress};
use clientele_core::documents::FileRefusal;
use clientele_core::wire::{DocumentView, ErrorBody, ErrorDetail};
use clientele_core::{BusinessId, DocumentId, Extraction};
use serde::Deserialize;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen_test::*;

/// One upload as the stand-in received it.
#[derive(Debug, Deserialize)]
struct Sent {
    method: String,
    path: String,
    csrf_token: Option<String>,
    with_credentials: bool,
    parts: Vec<String>,
    file_name: String,
}

fn sent() -> Vec<Sent> {
    serde_json::from_str(&sent_uploads()).unwrap()
}

fn stored_document() -> DocumentView {
    let business = demo()[&clientele_core::ClientId(1)].businesses[0].id;
    let document = clientele_core::Document {
        id: DocumentId(7),
        business,
        file_name: "receipt.pdf".into(),
        added_at: clientele_core::Timestamp(0),
        added_by: "Pat Admin".into(),
        extraction: Extraction::Queued,
        file: None,
    };
    DocumentView::new(&document, "2026-11-28T18:22:59Z".into())
}

/// Signs `api` in (so it holds the CSRF token), then uploads one PDF to
/// `to`, collecting the progress it is told.
async fn upload(
    to: DocumentScope,
    status: u16,
    body: &str,
) -> (Result<DocumentView, ApiError>, Vec<Progress>) {
    stub_browser(&serde_json::to_string(&admin()).unwrap(), status, body);
    let api = HttpApi::new("");
    api.session().await.unwrap();
    let told = Rc::new(RefCell::new(Vec::new()));
    let progress = Rc::clone(&told);
    let answer = api
        .upload(
            to,
            pdf("receipt.pdf"),
            Box::new(move |sent| progress.borrow_mut().push(sent)),
        )
        .await;
    unstub_browser();
    let told = told.borrow().clone();
    (answer, told)
}

#[wasm_bindgen_test]
async fn an_upload_sends_one_file_part_with_the_cookie_and_the_csrf_token() {
    let stored = stored_document();
    let body = serde_json::to_string(&stored).unwrap();
    let (answer, progress) = upload(DocumentScope::Practice(BusinessId(100)), 201, &body).await;
    assert_eq!(answer, Ok(stored));
    let sent = sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method, "POST");
    assert_eq!(sent[0].path, "/api/businesses/100/documents");
    assert_eq!(sent[0].csrf_token, Some(admin().csrf_token));
    assert!(sent[0].with_credentials);
    assert_eq!(sent[0].parts, ["file"]);
    assert_eq!(sent[0].file_name, "receipt.pdf");
    let size = 18;
    assert_eq!(
        progress,
        [
            Progress {
                sent: size / 2,
                total: size
            },
            Progress {
                sent: size,
                total: size
            },
        ]
    );
}

#[wasm_bindgen_test]
async fn a_portal_upload_goes_to_the_portal_and_a_refusal_is_the_servers_own() {
    let refused = FileRefusal::UnsupportedType;
    let body = serde_json::to_string(&ErrorBody {
        error: ErrorDetail {
            code: refused.code().into(),
            message: refused.to_string(),
        },
        client: None,
        changed_by: None,
    })
    .unwrap();
    let (answer, _) = upload(DocumentScope::Portal(BusinessId(100)), 415, &body).await;
    assert_eq!(sent()[0].path, "/api/portal/businesses/100/documents");
    let error = answer.unwrap_err();
    assert_eq!(error.message(), refused.to_string());
    assert!(matches!(&error, ApiError::Server { status: 415, code, .. } if code == refused.code()));
}

#[wasm_bindgen_test]
async fn a_download_link_names_the_api_base() {
    let api = HttpApi::new("https://api.example.com/");
    assert_eq!(
        api.file_url(DocumentId(42)),
        "https://api.example.com/api/documents/42/file"
    );
}
