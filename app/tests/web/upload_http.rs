//! The real `HttpApi`'s uploads against a stand-in for the browser's
//! XMLHttpRequest, to check what goes over the wire: one multipart part named
//! `file`, the session cookie (`withCredentials`) and the session's CSRF
//! token, progress as the body goes up, and the server's refusal as it said
//! it.

use crate::fixtures::{admin, demo};
use clientele_app::api::{Api, ApiError, DocumentScope, HttpApi, Progress};
use clientele_core::documents::FileRefusal;
use clientele_core::wire::{DocumentView, ErrorBody, ErrorDetail};
use clientele_core::{BusinessId, DocumentId, Extraction};
use serde::Deserialize;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

#[wasm_bindgen(inline_js = r#"
let realFetch = null;
let RealXHR = null;
let sent = [];
export function stub_browser(session_json, status, body) {
    realFetch = realFetch || globalThis.fetch;
    RealXHR = RealXHR || globalThis.XMLHttpRequest;
    sent = [];
    globalThis.fetch = async () => new Response(session_json, {
        status: 200, headers: { "Content-Type": "application/json" },
    });
    globalThis.XMLHttpRequest = class {
        constructor() {
            this.upload = { onprogress: null };
            this.headers = {};
            this.readyState = 0;
            this.status = 0;
            this.responseText = "";
            this.withCredentials = false;
        }
        open(method, url) { this.method = method; this.url = url; this.readyState = 1; }
        setRequestHeader(name, value) { this.headers[name] = value; }
        abort() { this.aborted = true; }
        send(form) {
            const file = form.get("file");
            sent.push({
                method: this.method,
                path: new URL(this.url, location.href).pathname,
                csrf_token: this.headers["X-CSRF-Token"] || null,
                with_credentials: this.withCredentials,
                parts: [...form.keys()],
                file_name: file.name,
            });
            const progress = (loaded) => this.upload.onprogress && this.upload.onprogress(
                new ProgressEvent("progress", { lengthComputable: true, loaded, total: file.size }));
            setTimeout(() => {
                progress(file.size / 2);
                progress(file.size);
                this.readyState = 4;
                this.status = status;
                this.responseText = body;
                this.onload && this.onload(new ProgressEvent("load"));
            }, 5);
        }
    };
}
export function unstub_browser() {
    if (realFetch) { globalThis.fetch = realFetch; }
    if (RealXHR) { globalThis.XMLHttpRequest = RealXHR; }
}
export function sent_uploads() { return JSON.stringify(sent); }
export function pdf(name) { return new File(["%PDF-1.4 a receipt"], name, { type: "application/pdf" }); }
"#)]
extern "C" {
    fn stub_browser(session_json: &str, status: u16, body: &str);
    fn unstub_browser();
    fn sent_uploads() -> String;
    fn pdf(name: &str) -> web_sys::File;
}

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
