//! The only place that talks HTTP. Screens reach the server through the
//! [`Api`] trait, provided as context, so tests can hand them a fake; the real
//! implementation is [`HttpApi`], over gloo-net.

use clientele_core::wire::{
    ActivityEntry, ClientPage, DeactivateBusinessRequest, DeactivateClientRequest, DocumentView,
    ErrorBody, Items, ReactivateRequest,
};
use clientele_core::{BusinessId, Client, ClientId, Command, Practice, Status};
use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A request in flight. gloo-net's futures are not `Send`, so neither is this.
pub type ApiFuture<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

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
        }
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
    /// The practice, for the sidebar.
    fn practice(&self) -> ApiFuture<Practice>;
    /// One page of one tab of the client list.
    fn clients(&self, status: Status, offset: u64, limit: u64) -> ApiFuture<ClientPage>;
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
    ) -> ApiFuture<Client>;
}

/// The API as the screens hold it.
pub type SharedApi = Arc<dyn Api + Send + Sync>;

/// The real API, over HTTP.
#[derive(Debug, Clone)]
pub struct HttpApi {
    base: String,
}

impl HttpApi {
    /// The API at `base` (empty: the page's own origin).
    pub fn new(base: impl Into<String>) -> HttpApi {
        HttpApi {
            base: base.into().trim_end_matches('/').to_owned(),
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

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn get<T: DeserializeOwned + 'static>(&self, path: &str) -> ApiFuture<T> {
        let url = self.url(path);
        Box::pin(async move { read(Request::get(&url).send().await).await })
    }
}

async fn read<T: DeserializeOwned>(sent: Result<Response, gloo_net::Error>) -> Result<T, ApiError> {
    let response = sent.map_err(|error| ApiError::Network(error.to_string()))?;
    if response.ok() {
        // A body cut off mid-way is a dropped connection, not a bad answer.
        return response
            .json::<T>()
            .await
            .map_err(|error| ApiError::Network(error.to_string()));
    }
    let status = response.status();
    match response.json::<ErrorBody>().await {
        Ok(body) => Err(ApiError::Server {
            status,
            code: body.error.code,
            message: body.error.message,
            current: body.client.map(Box::new),
        }),
        Err(_) => Err(ApiError::Server {
            status,
            code: "unexpected".into(),
            message: format!("The server answered {status}. Your change was not saved."),
            current: None,
        }),
    }
}

impl Api for HttpApi {
    fn practice(&self) -> ApiFuture<Practice> {
        self.get("/api/practice")
    }

    fn clients(&self, status: Status, offset: u64, limit: u64) -> ApiFuture<ClientPage> {
        self.get(&format!(
            "/api/clients?status={}&sort=name&offset={offset}&limit={limit}",
            status.as_str()
        ))
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
            self.get(&format!("/api/businesses/{business}/documents"));
        Box::pin(async move { Ok(items.await?.items) })
    }

    fn change(
        &self,
        client: ClientId,
        expected_version: u64,
        command: &Command,
        idempotency_key: &str,
    ) -> ApiFuture<Client> {
        let (path, body) = match command {
            Command::DeactivateClient {
                new_owner_id,
                reason,
            } => (
                format!("/api/clients/{client}/deactivate"),
                serde_json::to_value(DeactivateClientRequest {
                    new_owner_id: *new_owner_id,
                    expected_version,
                    reason: reason.clone(),
                }),
            ),
            Command::ReactivateClient => (
                format!("/api/clients/{client}/reactivate"),
                serde_json::to_value(ReactivateRequest { expected_version }),
            ),
            Command::DeactivateBusiness {
                business_id,
                new_owner_id,
            } => (
                format!("/api/clients/{client}/businesses/{business_id}/deactivate"),
                serde_json::to_value(DeactivateBusinessRequest {
                    new_owner_id: *new_owner_id,
                    expected_version,
                }),
            ),
            Command::ReactivateBusiness { business_id } => (
                format!("/api/clients/{client}/businesses/{business_id}/reactivate"),
                serde_json::to_value(ReactivateRequest { expected_version }),
            ),
        };
        let url = self.url(&path);
        let key = idempotency_key.to_owned();
        Box::pin(async move {
            let body = body.map_err(|error| ApiError::Network(error.to_string()))?;
            let request = Request::post(&url)
                .header("Idempotency-Key", &key)
                .json(&body)
                .map_err(|error| ApiError::Network(error.to_string()))?;
            read(request.send().await).await
        })
    }
}

/// A fresh idempotency key for one user action.
pub fn new_idempotency_key() -> String {
    let random = (js_sys::Math::random() * 1e15) as u64;
    format!("{:x}-{random:x}", js_sys::Date::now() as u64)
}
