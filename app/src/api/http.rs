//! [`HttpApi`]: the [`Api`] over HTTP, with gloo-net, and how its answers
//! are read: a success's JSON through the browser's `JSON.parse`, an error's
//! body as the server's [`ApiError`].

use super::{
    Api, ApiError, ApiFuture, Changed, DocumentScope, ListQuery, LiveStream, OnLiveEvent,
    OnProgress, PageFrom, UNEXPECTED_ANSWER, upload,
};
use clientele_core::wire::{
    ActivityEntry, ChangePasswordRequest, ClientPage, DocumentView, ErrorBody, ExtractNowRequest,
    ImpactView, ImportPreview, ImportResult, Invitation, InvitationView, Items, NewClient,
    NewClientRequest, Portal, Session, SignInRequest, UserInvitation,
};
use clientele_core::{BusinessId, Client, ClientId, Command, DocumentId, Target, UserId};
use gloo_net::http::{Method, Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use std::sync::{Arc, Mutex};
use web_sys::RequestCredentials;

/// The real API, over HTTP.
#[derive(Debug, Clone)]
pub struct HttpApi {
    pub(super) base: String,
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
    pub(super) fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let pairs = query_pairs(query);
        RequestBuilder::new(&format!("{}{path}", self.base))
            .query(pairs.iter().map(|(name, value)| (name.as_str(), value)))
            .method(method)
            .credentials(RequestCredentials::Include)
    }

    /// A change: the session's CSRF token goes with it. Without one the
    /// server refuses with `csrf_failed`, which the person is shown.
    pub(super) fn change_request(&self, method: Method, path: &str) -> RequestBuilder {
        let request = self.request(method, path);
        match self.csrf_token() {
            Some(token) => request.header("X-CSRF-Token", &token),
            None => request,
        }
    }

    pub(super) fn csrf_token(&self) -> Option<String> {
        self.csrf_token.lock().ok().and_then(|token| token.clone())
    }

    pub(super) fn get<T: DeserializeOwned + 'static>(&self, path: &str) -> ApiFuture<T> {
        let body = self.get_body(path);
        Box::pin(async move { parse(&body.await?) })
    }

    /// The `items` of a list the server answers as `{"items": [...]}`.
    pub(super) fn get_items<T: DeserializeOwned + 'static>(&self, path: &str) -> ApiFuture<Vec<T>> {
        let items: ApiFuture<Items<T>> = self.get(path);
        Box::pin(async move { Ok(items.await?.items) })
    }

    /// What [`HttpApi::get`] reads, before its parse: the same for every type.
    fn get_body(&self, path: &str) -> ApiFuture<String> {
        let request = self.request(Method::GET, path);
        Box::pin(async move { body(request.send().await).await })
    }

    /// Keeps the CSRF token of a session answer; forgets it on any failure
    /// to find one, so a stale token is never sent.
    pub(super) fn keep_token(&self, session: ApiFuture<Session>) -> ApiFuture<Session> {
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

pub(super) async fn read<T: DeserializeOwned>(
    sent: Result<Response, gloo_net::Error>,
) -> Result<T, ApiError> {
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
pub(super) fn parse<T: DeserializeOwned>(body: &str) -> Result<T, ApiError> {
    from_json(body).map_err(ApiError::Network)
}

/// `text`'s JSON as `T`, parsed by the browser's own `JSON.parse`: the wasm
/// then carries no JSON parser of its own (`bench/README.md`).
pub(crate) fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let value = js_sys::JSON::parse(text).map_err(|_| "the answer is not JSON".to_owned())?;
    serde_wasm_bindgen::from_value(value).map_err(|error| error.to_string())
}

/// The response if it is a success, or the server's error.
pub(super) async fn succeeded(
    sent: Result<Response, gloo_net::Error>,
) -> Result<Response, ApiError> {
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
pub(super) fn refused(status: u16, body: Option<ErrorBody>) -> ApiError {
    match body {
        Some(body) => ApiError::Server {
            status,
            code: body.error.code,
            message: body.error.message,
            current: body.client.map(Box::new),
            changed_by: body.changed_by,
        },
        None => ApiError::Server {
            status,
            code: UNEXPECTED_ANSWER.into(),
            message: format!("The server answered {status}. Try again in a moment."),
            current: None,
            changed_by: None,
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

    fn change_password(&self, current: &str, new: &str) -> ApiFuture<()> {
        let request = self
            .change_request(Method::POST, "/api/session/password")
            .json(&ChangePasswordRequest {
                current_password: current.to_owned(),
                new_password: new.to_owned(),
            });
        Box::pin(async move {
            let request = request.map_err(|error| ApiError::Network(error.to_string()))?;
            succeeded(request.send().await).await.map(|_| ())
        })
    }

    fn clients(&self, query: &ListQuery, from: &PageFrom, limit: u64) -> ApiFuture<ClientPage> {
        self.get(&query.page_path(from, limit))
    }

    fn client(&self, id: ClientId) -> ApiFuture<Client> {
        self.get(&format!("/api/clients/{id}"))
    }

    fn activity(&self, id: ClientId) -> ApiFuture<Vec<ActivityEntry>> {
        self.get_items(&format!("/api/clients/{id}/activity"))
    }

    fn documents(&self, business: BusinessId) -> ApiFuture<Vec<DocumentView>> {
        self.get_items(&DocumentScope::Practice(business).path())
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
        self.get_items(&DocumentScope::Portal(business).path())
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

    fn invitations_of(&self, client: ClientId) -> ApiFuture<Vec<UserInvitation>> {
        self.read_invitations_of(client)
    }

    fn renew_invitation(
        &self,
        client: ClientId,
        user: UserId,
        idempotency_key: &str,
    ) -> ApiFuture<Invitation> {
        self.send_renew_invitation(client, user, idempotency_key)
    }
}
