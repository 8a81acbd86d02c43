//! The HTTP handlers. They only orchestrate: parse the request, read the
//! clock, call the store (which calls `core`'s rules) and shape the answer.

use crate::domain::{FileName, now, parse_reason};
use crate::error::AppError;
use crate::extract::{PathId, PathIds, Write};
use crate::store::{Change, ClientStore, ListQuery, NewDocument, Outcome, Sort, StoredAnswer};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use clientele_core::wire::{
    AddDocumentRequest, ClientPage, DeactivateBusinessRequest, DeactivateClientRequest, Items,
    ReactivateRequest,
};
use clientele_core::{BusinessId, Client, ClientId, Command, Practice, Status};
use std::collections::HashMap;
use std::sync::Arc;

/// The store, shared by every handler.
pub type Store = Arc<dyn ClientStore>;

/// The most rows one page of the client list may ask for.
pub const MAX_PAGE: u64 = 10_000;

/// Runs blocking storage work off the async threads.
async fn blocking<T: Send + 'static>(
    store: &Store,
    work: impl FnOnce(&dyn ClientStore) -> Result<T, crate::store::StoreError> + Send + 'static,
) -> Result<T, AppError> {
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || work(store.as_ref()))
        .await
        .map_err(|error| AppError::Internal(format!("storage task failed: {error}")))?
        .map_err(AppError::from)
}

/// `GET /api/health`.
pub async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// `GET /api/practice`.
pub async fn practice(State(store): State<Store>) -> Result<Json<Practice>, AppError> {
    blocking(&store, |store| store.practice()).await.map(Json)
}

/// `GET /api/clients`.
pub async fn list_clients(
    State(store): State<Store>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<ClientPage>, AppError> {
    let Query(params) =
        query.map_err(|_| AppError::BadRequest("the query string is malformed".into()))?;
    let query = parse_list_query(&params)?;
    blocking(&store, move |store| store.list_clients(&query))
        .await
        .map(Json)
}

fn parse_list_query(params: &HashMap<String, String>) -> Result<ListQuery, AppError> {
    let status = match params.get("status").map(String::as_str) {
        None | Some("") => Status::Active,
        Some(raw) => Status::parse(raw).ok_or_else(|| {
            AppError::BadRequest(format!("status must be active or deactivated, not {raw:?}"))
        })?,
    };
    let sort = match params.get("sort").map(String::as_str) {
        None | Some("") | Some("name") => Sort::NameAscending,
        Some("-name") => Sort::NameDescending,
        Some("updated") => Sort::RecentlyUpdated,
        Some("-updated") => Sort::LeastRecentlyUpdated,
        Some(raw) => {
            return Err(AppError::BadRequest(format!(
                "sort must be name, -name, updated or -updated, not {raw:?}"
            )));
        }
    };
    let number = |name: &str, default: u64, max: u64| -> Result<u64, AppError> {
        match params.get(name).map(String::as_str) {
            None | Some("") => Ok(default),
            Some(raw) => raw
                .parse::<u64>()
                .ok()
                .filter(|n| *n <= max)
                .ok_or_else(|| {
                    AppError::BadRequest(format!("{name} must be a whole number from 0 to {max}"))
                }),
        }
    };
    let search = params
        .get("q")
        .map(|q| q.trim().to_owned())
        .unwrap_or_default();
    if search.chars().count() > 200 {
        return Err(AppError::BadRequest(
            "q must be at most 200 characters".into(),
        ));
    }
    Ok(ListQuery {
        status,
        search,
        sort,
        offset: number("offset", 0, i64::MAX as u64)?,
        limit: number("limit", 100, MAX_PAGE)?,
    })
}

/// `GET /api/clients/{id}`.
pub async fn client(
    State(store): State<Store>,
    PathId(id): PathId,
) -> Result<Json<Client>, AppError> {
    blocking(&store, move |store| store.client(ClientId(id)))
        .await
        .map(Json)
}

/// `GET /api/clients/{id}/activity`.
pub async fn activity(
    State(store): State<Store>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let items = blocking(&store, move |store| store.activity(ClientId(id))).await?;
    Ok(Json(Items { items }).into_response())
}

/// `GET /api/businesses/{id}/documents`.
pub async fn documents(
    State(store): State<Store>,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    let items = blocking(&store, move |store| store.documents(BusinessId(id))).await?;
    Ok(Json(Items { items }).into_response())
}

/// `POST /api/businesses/{id}/documents` (R5).
pub async fn add_document(
    State(store): State<Store>,
    PathId(id): PathId,
    write: Write<AddDocumentRequest>,
) -> Result<Response, AppError> {
    let document = NewDocument {
        business_id: BusinessId(id),
        file_name: FileName::parse(&write.value.file_name)?.into_string(),
        added_by: write.actor,
        at: now(),
        idempotency: write.idempotency,
    };
    let outcome = blocking(&store, move |store| store.add_document(document)).await?;
    Ok(answer(StatusCode::CREATED, outcome))
}

/// `POST /api/clients/{id}/deactivate` (R1).
pub async fn deactivate_client(
    State(store): State<Store>,
    PathId(id): PathId,
    write: Write<DeactivateClientRequest>,
) -> Result<Response, AppError> {
    let command = Command::DeactivateClient {
        new_owner_id: write.value.new_owner_id,
        reason: parse_reason(write.value.reason.clone())?,
    };
    let expected = write.value.expected_version;
    change(&store, ClientId(id), expected, command, write).await
}

/// `POST /api/clients/{id}/reactivate` (R2).
pub async fn reactivate_client(
    State(store): State<Store>,
    PathId(id): PathId,
    write: Write<ReactivateRequest>,
) -> Result<Response, AppError> {
    let expected = write.value.expected_version;
    change(
        &store,
        ClientId(id),
        expected,
        Command::ReactivateClient,
        write,
    )
    .await
}

/// `POST /api/clients/{id}/businesses/{business_id}/deactivate` (R3).
pub async fn deactivate_business(
    State(store): State<Store>,
    PathIds(id, business_id): PathIds,
    write: Write<DeactivateBusinessRequest>,
) -> Result<Response, AppError> {
    let command = Command::DeactivateBusiness {
        business_id: BusinessId(business_id),
        new_owner_id: write.value.new_owner_id,
    };
    let expected = write.value.expected_version;
    change(&store, ClientId(id), expected, command, write).await
}

/// `POST /api/clients/{id}/businesses/{business_id}/reactivate` (R4).
pub async fn reactivate_business(
    State(store): State<Store>,
    PathIds(id, business_id): PathIds,
    write: Write<ReactivateRequest>,
) -> Result<Response, AppError> {
    let command = Command::ReactivateBusiness {
        business_id: BusinessId(business_id),
    };
    let expected = write.value.expected_version;
    change(&store, ClientId(id), expected, command, write).await
}

/// What every change endpoint does once its command is parsed.
async fn change<T>(
    store: &Store,
    client_id: ClientId,
    expected_version: u64,
    command: Command,
    write: Write<T>,
) -> Result<Response, AppError> {
    let change = Change {
        client_id,
        expected_version,
        command,
        actor: write.actor,
        at: now(),
        idempotency: write.idempotency,
    };
    let outcome = blocking(store, move |store| store.change(change)).await?;
    Ok(answer(StatusCode::OK, outcome))
}

/// A fresh answer with `status`, or a retry's stored answer as it was.
fn answer<T: serde::Serialize>(status: StatusCode, outcome: Outcome<T>) -> Response {
    match outcome {
        Outcome::Done(value) => (status, Json(value)).into_response(),
        Outcome::Replayed(StoredAnswer { status, body }) => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            [(CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response(),
    }
}

/// `GET /api/openapi.json`: the API described as OpenAPI 3.1.
pub async fn openapi() -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "application/json")],
        include_str!("../openapi.json"),
    )
}

/// Any other `/api/…` path.
pub async fn api_not_found(uri: Uri) -> AppError {
    AppError::NotFound(format!("no API at {}", uri.path()))
}

/// A known API path with the wrong method.
pub async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed("this method is not allowed here".into())
}
