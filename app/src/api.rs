//! The only place that talks HTTP. Screens reach the server through the
//! [`Api`] trait, provided as context, so tests can hand them a fake; the real
//! implementation is [`HttpApi`], over gloo-net.
//!
//! The server knows who is asking from its session cookie, so every request
//! carries credentials (the API may live on another origin), and every change
//! carries the session's CSRF token as `X-CSRF-Token`. Files go up with
//! XMLHttpRequest instead of fetch, for their progress (see `upload`), and
//! the live updates come through an `EventSource` (see `live`).

mod changes;
mod documents;
mod list;
mod live;
mod onboarding;
mod reextract;
mod upload;

pub use changes::Changed;
pub use documents::{DocumentScope, OnProgress, Progress};
pub use list::{ListQuery, PageFrom};
pub use live::{LiveEvent, LiveStream, OnLiveEvent};

use clientele_core::wire::{
    ActivityEntry, ClientPage, DocumentView, ErrorBody, ExtractNowRequest, ImpactView,
    ImportPreview, ImportResult, InvitationView, Items, NewClient, NewClientRequest, Portal,
    Session, SignInRequest,
};
use clientele_core::{BusinessId, Client, ClientId, Command, DocumentId, Target};
use gloo_net::http::{Method, Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use web_sys::RequestCredentials;

/// A request in flight. gloo-net's futures are not `Send`, so neither is this.
pub type ApiFuture<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

/// The code of an error answer without the API's JSON body, such as a
/// proxy's error page.
pub const UNEXPECTED_ANSWER: &str = "unexpected";

/// Why a request failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No answer: the network or the server dropped the request.
    Network(String),
    /// The server answered with an error.
    Server {
        /// The HTTP status.
        status: u16,
        /// The stable error code, such as `stale_version`.
        code: String,
        /// The server's message for people.
        message: String,
        /// The client as it is now, sent with a conflict.
        current: Option<Box<Client>>,
    },
    /// The session the request was made in has ended (the server answered
    /// 401, or the person signed out meanwhile). The app is already on its
    /// way to sign-in, which says so; nothing else needs to.
    SessionEnded,
}

impl ApiError {
    /// What to tell the person.
    pub fn message(&self) -> String {
        match self {
            ApiError::Network(_) => {
                "Could not reach the server. Your change was not saved; check your connection \
                 and try again."
                    .to_owned()
            }
            ApiError::Server { message, .. } => message.clone(),
            ApiError::SessionEnded => {
                "Your session has ended. Sign in again to carry on.".to_owned()
            }
        }
    }

    /// Whether the server answered 401: nobody is signed in (any more). The
    /// screens see [`ApiError::SessionEnded`] instead (see `session`).
    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, ApiError::Server { status: 401, .. })
    }

    /// The client the server sent back with a conflict.
    pub fn current_client(&self) -> Option<&Client> {
        match self {
            ApiError::Server {
                current: Some(client),
                ..
            } => Some(client),
            _ => None,
        }
    }
}

/// Everything the screens ask of the server.
pub trait Api {
    /// Who is signed in; a 401 when nobody is.
    fn session(&self) -> ApiFuture<Session>;
    /// Signs in; a 401 `invalid_credentials` for a wrong email or password,
    /// a 429 `too_many_attempts` after too many of them.
    fn sign_in(&self, email: &str, password: &str) -> ApiFuture<Session>;
    /// Ends the session.
    fn sign_out(&self) -> ApiFuture<()>;
    /// A page of one view of the client list: `limit` rows from `from`,
    /// with the view's total and each tab's count.
    fn clients(&self, query: &ListQuery, from: &PageFrom, limit: u64) -> ApiFuture<ClientPage>;
    /// One client, whole.
    fn client(&self, id: ClientId) -> ApiFuture<Client>;
    /// A client's activity, newest first.
    fn activity(&self, id: ClientId) -> ApiFuture<Vec<ActivityEntry>>;
    /// A business's documents, newest first.
    fn documents(&self, business: BusinessId) -> ApiFuture<Vec<DocumentView>>;
    /// Sends a change made against `expected_version`; a retry must reuse
    /// `idempotency_key`, so the server applies it once.
    fn change(
        &self,
        client: ClientId,
        expected_version: u64,
        command: &Command,
        idempotency_key: &str,
    ) -> ApiFuture<Changed>;
    /// Adds a client with its first business and user; the client as
    /// stored and its owner's invitation.
    fn add_client(&self, request: &NewClientRequest, idempotency_key: &str)
    -> ApiFuture<NewClient>;
    /// What an invitation link is for; needs no session. Used, expired and
    /// unknown links answer 410 or 404 with the server's words.
    fn invitation(&self, token: &str) -> ApiFuture<InvitationView>;
    /// Sets the invited person's password and signs them in.
    fn accept_invitation(&self, token: &str, password: &str) -> ApiFuture<Session>;
    /// What importing this CSV file would create, and its wrong rows;
    /// writes nothing.
    fn preview_import(&self, file: web_sys::File) -> ApiFuture<ImportPreview>;
    /// Imports this CSV file, all or nothing, telling `on_progress` as it
    /// goes up.
    fn import_clients(
        &self,
        file: web_sys::File,
        on_progress: OnProgress,
    ) -> ApiFuture<ImportResult>;
    /// The client list as CSV, as `query` shows it.
    fn export_clients(&self, query: &ListQuery) -> ApiFuture<web_sys::Blob>;
    /// The signed-in client user's account: its practice, the user and the
    /// account's businesses, with the banners to show.
    fn portal(&self) -> ApiFuture<Portal>;
    /// A business of the signed-in client user's own account: its
    /// documents, newest first.
    fn portal_documents(&self, business: BusinessId) -> ApiFuture<Vec<DocumentView>>;
    /// Sends one file to become a document of `to`'s business, telling
    /// `on_progress` as it goes up; the stored document, with its extraction
    /// state, or why the server refused the file.
    fn upload(
        &self,
        to: DocumentScope,
        file: web_sys::File,
        on_progress: OnProgress,
    ) -> ApiFuture<DocumentView>;
    /// Where a document's original file is downloaded from. The session
    /// cookie goes with a plain link, so no script is needed to save it.
    fn file_url(&self, document: DocumentId) -> String;
    /// "Retry": queues a document whose extraction failed again.
    fn retry_extraction(&self, document: DocumentId) -> ApiFuture<DocumentView>;
    /// Follows the live updates of what the signed-in person may see,
    /// telling `on_event` each; until the stream is dropped.
    fn live_events(&self, on_event: OnLiveEvent) -> LiveStream;
    /// A client's documents added while it or their business was
    /// deactivated (`not_extracted`), newest first.
    fn added_while_deactivated(&self, client: ClientId) -> ApiFuture<Vec<DocumentView>>;
    /// "Extract now": queues some (or all) of those documents; the
    /// documents as queued. A retry must reuse `idempotency_key`.
    fn extract_now(
        &self,
        client: ClientId,
        request: &ExtractNowRequest,
        idempotency_key: &str,
    ) -> ApiFuture<Vec<DocumentView>>;
    /// What deactivating `target` of the client would change, counted by
    /// `core` on the server.
    fn impact(&self, client: ClientId, target: Target) -> ApiFuture<ImpactView>;

    /// A business's documents, read from `scope`'s side.
    fn documents_in(&self, scope: DocumentScope) -> ApiFuture<Vec<DocumentView>> {
        match scope {
            DocumentScope::Practice(business) => self.documents(business),
            DocumentScope::Portal(business) => self.portal_documents(business),
        }
    }
}

/// The API as the screens hold it.
pub type SharedApi = Arc<dyn Api + Send + Sync>;

/// The real API, over HTTP.
#[derive(Debug, Clone)]
pub struct HttpApi {
    base: String,
    /// The current session's CSRF token, kept from the last session answer
    /// so that no screen has to carry it.
    csrf_token: Arc<Mutex<Option<String>>>,
}

impl HttpApi {
    /// The API at `base` (empty: the page's own origin).
    pub fn new(base: impl Into<String>) -> HttpApi {
        HttpApi {
            base: base.into().trim_end_matches('/').to_owned(),
            csrf_token: Arc::default(),
        }
    }

    /// The API named by `<meta name="clientele-api-base">`, for a statically
    /// hosted app, or the page's own origin.
    pub fn from_page() -> HttpApi {
        let base = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| {
                document
                    .query_selector("meta[name='clientele-api-base']")
                    .ok()
                    .flatten()
            })
            .and_then(|meta| meta.get_attribute("content"))
            .unwrap_or_default();
        HttpApi::new(base)
    }

    /// A request to `path` that sends the session cookie, even to an API on
    /// another origin.
    ///
    /// A query in `path` goes in as pairs: gloo-net would end a URL that
    /// already has one with a stray `&`. The URL is then exactly the one
    /// `app/assets/early-reads.js` preloads (both serialise the query with
    /// the browser's `URLSearchParams`).
    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let pairs = query_pairs(query);
        RequestBuilder::new(&format!("{}{path}", self.base))
            .query(pairs.iter().map(|(name, value)| (name.as_str(), value)))
            .method(method)
            .credentials(RequestCredentials::Include)
    }

    /// A change: the session's CSRF token goes with it. Without one the
    /// server refuses with `csrf_failed`, which the person is shown.
    fn change_request(&self, method: Method, path: &str) -> RequestBuilder {
        let request = self.request(method, path);
        match self.csrf_token() {
            Some(token) => request.header("X-CSRF-Token", &token),
            None => request,
        }
    }

    fn csrf_token(&self) -> Option<String> {
        self.csrf_token.lock().ok().and_then(|token| token.clone())
    }

    fn get<T: DeserializeOwned + 'static>(&self, path: &str) -> ApiFuture<T> {
        let body = self.get_body(path);
        Box::pin(async move { parse(&body.await?) })
    }

    /// What [`HttpApi::get`] reads, before its parse: the same for every type.
    fn get_body(&self, path: &str) -> ApiFuture<String> {
        let request = self.request(Method::GET, path);
        Box::pin(async move { body(request.send().await).await })
    }

    /// Keeps the CSRF token of a session answer; forgets it on any failure
    /// to find one, so a stale token is never sent.
    fn keep_token(&self, session: ApiFuture<Session>) -> ApiFuture<Session> {
        let csrf_token = Arc::clone(&self.csrf_token);
        Box::pin(async move {
            let answer = session.await;
            if let Ok(mut kept) = csrf_token.lock() {
                match &answer {
                    Ok(session) => *kept = Some(session.csrf_token.clone()),
                    Err(error) if error.is_unauthenticated() => *kept = None,
                    Err(_) => {}
                }
            }
            answer
        })
    }
}

/// The name and value pairs of a query string, as the browser reads them.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    if query.is_empty() {
        return Vec::new();
    }
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(query) else {
        return Vec::new();
    };
    let Ok(Some(entries)) = js_sys::try_iter(&params) else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|entry| {
            let pair = js_sys::Array::from(&entry);
            (
                pair.get(0).as_string().unwrap_or_default(),
                pair.get(1).as_string().unwrap_or_default(),
            )
        })
        .collect()
}

async fn read<T: DeserializeOwned>(sent: Result<Response, gloo_net::Error>) -> Result<T, ApiError> {
    parse(&body(sent).await?)
}

/// The body of a successful answer. Not generic, like [`succeeded`]: only
/// the parse in [`read`] is compiled once per type read, which keeps the
/// module smaller.
async fn body(sent: Result<Response, gloo_net::Error>) -> Result<String, ApiError> {
    let response = succeeded(sent).await?;
    response
        .text()
        .await
        .map_err(|error| ApiError::Network(error.to_string()))
}

/// A successful answer's JSON as `T`. A body cut off mid-way is a dropped
/// connection, not a bad answer.
fn parse<T: DeserializeOwned>(body: &str) -> Result<T, ApiError> {
    from_json(body).map_err(ApiError::Network)
}

/// `text`'s JSON as `T`, parsed by the browser's own `JSON.parse`: the wasm
/// then carries no JSON parser of its own (`bench/README.md`).
pub(crate) fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let value = js_sys::JSON::parse(text).map_err(|_| "the answer is not JSON".to_owned())?;
    serde_wasm_bindgen::from_value(value).map_err(|error| error.to_string())
}

/// The response if it is a success, or the server's error.
async fn succeeded(sent: Result<Response, gloo_net::Error>) -> Result<Response, ApiError> {
    let response = sent.map_err(|error| ApiError::Network(error.to_string()))?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    Err(refused(status, from_json(&body).ok()))
}

/// The error an answer with `status` and, if it had the API's JSON, `body`
/// stands for.
fn refused(status: u16, body: Option<ErrorBody>) -> ApiError {
    match body {
        Some(body) => ApiError::Server {
            status,
            code: body.error.code,
            message: body.error.message,
            current: body.client.map(Box::new),
        },
        None => ApiError::Server {
            status,
            code: UNEXPECTED_ANSWER.into(),
            message: format!("The server answered {status}. Your change was not saved."),
            current: None,
        },
    }
}

impl Api for HttpApi {
    fn session(&self) -> ApiFuture<Session> {
        self.keep_token(self.get("/api/session"))
    }

    fn sign_in(&self, email: &str, password: &str) -> ApiFuture<Session> {
        let request = self
            .request(Method::POST, "/api/session")
            .json(&SignInRequest {
                email: email.to_owned(),
                password: password.to_owned(),
            });
        self.keep_token(Box::pin(async move {
            let request = request.map_err(|error| ApiError::Network(error.to_string()))?;
            read(request.send().await).await
        }))
    }

    fn sign_out(&self) -> ApiFuture<()> {
        let request = self.change_request(Method::DELETE, "/api/session");
        let csrf_token = Arc::clone(&self.csrf_token);
        Box::pin(async move {
            let answer = succeeded(request.send().await).await.map(|_| ());
            // Signed out, or already signed out: the token is dead either way.
            let ended = answer.is_ok() || answer.as_ref().is_err_and(ApiError::is_unauthenticated);
            if ended && let Ok(mut kept) = csrf_token.lock() {
                *kept = None;
            }
            answer
        })
    }

    fn clients(&self, query: &ListQuery, from: &PageFrom, limit: u64) -> ApiFuture<ClientPage> {
        self.get(&query.page_path(from, limit))
    }

    fn client(&self, id: ClientId) -> ApiFuture<Client> {
        self.get(&format!("/api/clients/{id}"))
    }

    fn activity(&self, id: ClientId) -> ApiFuture<Vec<ActivityEntry>> {
        let items: ApiFuture<Items<ActivityEntry>> =
            self.get(&format!("/api/clients/{id}/activity"));
        Box::pin(async move { Ok(items.await?.items) })
    }

    fn documents(&self, business: BusinessId) -> ApiFuture<Vec<DocumentView>> {
        let items: ApiFuture<Items<DocumentView>> =
            self.get(&DocumentScope::Practice(business).path());
        Box::pin(async move { Ok(items.await?.items) })
    }

    fn change(
        &self,
        client: ClientId,
        expected_version: u64,
        command: &Command,
        idempotency_key: &str,
    ) -> ApiFuture<Changed> {
        self.send_change(client, expected_version, command, idempotency_key)
    }

    fn add_client(
        &self,
        request: &NewClientRequest,
        idempotency_key: &str,
    ) -> ApiFuture<NewClient> {
        self.send_new_client(request, idempotency_key)
    }

    fn invitation(&self, token: &str) -> ApiFuture<InvitationView> {
        self.read_invitation(token)
    }

    fn accept_invitation(&self, token: &str, password: &str) -> ApiFuture<Session> {
        self.send_acceptance(token, password)
    }

    fn preview_import(&self, file: web_sys::File) -> ApiFuture<ImportPreview> {
        self.send_preview(file)
    }

    fn import_clients(
        &self,
        file: web_sys::File,
        on_progress: OnProgress,
    ) -> ApiFuture<ImportResult> {
        self.send_import(file, on_progress)
    }

    fn export_clients(&self, query: &ListQuery) -> ApiFuture<web_sys::Blob> {
        self.read_export(query)
    }

    fn portal(&self) -> ApiFuture<Portal> {
        self.get("/api/portal")
    }

    fn portal_documents(&self, business: BusinessId) -> ApiFuture<Vec<DocumentView>> {
        let path = DocumentScope::Portal(business).path();
        let items: ApiFuture<Items<DocumentView>> = self.get(&path);
        Box::pin(async move { Ok(items.await?.items) })
    }

    fn upload(
        &self,
        to: DocumentScope,
        file: web_sys::File,
        on_progress: OnProgress,
    ) -> ApiFuture<DocumentView> {
        let url = format!("{}{}", self.base, to.path());
        upload::send(url, self.csrf_token(), file, on_progress)
    }

    fn file_url(&self, document: DocumentId) -> String {
        format!("{}/api/documents/{document}/file", self.base)
    }

    fn retry_extraction(&self, document: DocumentId) -> ApiFuture<DocumentView> {
        let request =
            self.change_request(Method::POST, &format!("/api/documents/{document}/retry"));
        Box::pin(async move {
            let request: Request = request
                .json(&serde_json::json!({}))
                .map_err(|error| ApiError::Network(error.to_string()))?;
            read(request.send().await).await
        })
    }

    fn live_events(&self, on_event: OnLiveEvent) -> LiveStream {
        self.open_events(on_event)
    }

    fn added_while_deactivated(&self, client: ClientId) -> ApiFuture<Vec<DocumentView>> {
        self.read_added_while_deactivated(client)
    }

    fn extract_now(
        &self,
        client: ClientId,
        request: &ExtractNowRequest,
        idempotency_key: &str,
    ) -> ApiFuture<Vec<DocumentView>> {
        self.send_extract_now(client, request, idempotency_key)
    }

    fn impact(&self, client: ClientId, target: Target) -> ApiFuture<ImpactView> {
        self.read_impact(client, target)
    }
}

/// A fresh idempotency key for one user action.
pub fn new_idempotency_key() -> String {
    let random = (js_sys::Math::random() * 1e15) as u64;
    format!("{:x}-{random:x}", js_sys::Date::now() as u64)
}
