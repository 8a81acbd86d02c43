//! The practice's clients: the list, a client, its activity and documents,
//! and the four activation changes (the edits are in [`super::onboarding`]). Every handler first asks `core` whether
//! the caller may act ([`Caller::may`]); the store then sees only the
//! caller's practice.

use super::answer;
use crate::auth::Caller;
use crate::domain::{parse_reason, parse_whole_number};
use crate::error::AppError;
use crate::extract::{PathId, PathIds, Write};
use crate::openapi::{IdempotencyHeader, ListParams, MAX_OFFSET, ReadErrors, WriteErrors};
use crate::read_cache::PageKey;
use crate::state::AppState;
use crate::store::{Change, Cursor, ListQuery, Outcome, Sort, Versioned, status_of};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use clientele_core::wire::{
    ActivityEntry, ClientPage, DeactivateBusinessRequest, DeactivateClientRequest, Items,
    ReactivateRequest,
};
use clientele_core::{Action, BusinessId, Client, ClientId, Command, Practice, Status};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::Arc;

/// The most rows one page of the client list may ask for.
pub const MAX_PAGE: u64 = 10_000;

/// `GET /api/practice`.
#[utoipa::path(get, path = "/api/practice", tag = "clients",
    responses((status = 200, description = "The caller's practice", body = Practice), ReadErrors),
    security(("session" = [])))]
pub async fn practice(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Practice>, AppError> {
    caller.may(Action::ReadClients)?;
    let practice = caller.practice();
    state
        .blocking(move |store| store.practice(practice))
        .await
        .map(Json)
}

/// `GET /api/clients`. The page comes from the read cache when it was read
/// at the practice's current data version, and is read and kept there
/// otherwise; either way the caller's permission is checked first, and the
/// answer is the same bytes.
#[utoipa::path(get, path = "/api/clients", tag = "clients", params(ListParams),
    responses((status = 200, description = "A page of one tab of the client list", body = ClientPage), ReadErrors),
    security(("session" = [])))]
pub async fn list_clients(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, AppError> {
    caller.may(Action::ReadClients)?;
    let Query(params) =
        query.map_err(|_| AppError::BadRequest("the query string is malformed".into()))?;
    let key = PageKey {
        practice: caller.practice(),
        query: parse_list_query(&params)?,
    };
    let cache = Arc::clone(&state.read_cache);
    let looked_up = state
        .blocking(move |store| {
            let version = store.data_version(key.practice)?;
            if let Some(body) = cache.get(&key, version) {
                return Ok(Page::Kept(body));
            }
            let read = store.list_clients(key.practice, &key.query)?;
            Ok(Page::Read(key, read))
        })
        .await?;
    let body = match looked_up {
        Page::Kept(body) => body,
        Page::Read(key, Versioned { version, value }) => {
            let body = Bytes::from(serde_json::to_vec(&value).map_err(|error| {
                AppError::Internal(format!("serialising a list page: {error}"))
            })?);
            state.read_cache.put(key, version, body.clone());
            body
        }
    };
    // What `Json` would send: the same header, the same bytes.
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// A list page from the read cache, or read from the store.
enum Page {
    /// Kept, serialised, at the current data version.
    Kept(Bytes),
    /// Read now, to be serialised and kept.
    Read(PageKey, Versioned<ClientPage>),
}

pub(super) fn parse_list_query(params: &HashMap<String, String>) -> Result<ListQuery, AppError> {
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
    let number = |name: &str, default: u64, min: u64, max: u64| -> Result<u64, AppError> {
        match params.get(name).map(String::as_str) {
            None | Some("") => Ok(default),
            Some(raw) => parse_whole_number(raw)
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| {
                    AppError::BadRequest(format!(
                        "{name} must be a whole number from {min} to {max}"
                    ))
                }),
        }
    };
    let search = params
        .get("q")
        .map(|q| q.trim().to_owned())
        .unwrap_or_default();
    if search.chars().any(char::is_control) {
        return Err(AppError::BadRequest(
            "q must not contain control characters".into(),
        ));
    }
    if search.chars().count() > 200 {
        return Err(AppError::BadRequest(
            "q must be at most 200 characters".into(),
        ));
    }
    let offset = number("offset", 0, 0, MAX_OFFSET)?;
    let after = match params.get("after").map(String::as_str) {
        None | Some("") => None,
        Some(raw) => Some(Cursor::parse(raw, sort).ok_or_else(|| {
            AppError::BadRequest(
                "after must be a cursor the list handed out in next, for the same sort".into(),
            )
        })?),
    };
    if after.is_some() && offset > 0 {
        return Err(AppError::BadRequest(
            "page with after or with offset, not both".into(),
        ));
    }
    Ok(ListQuery {
        status,
        search,
        sort,
        offset,
        after,
        // 0 asks for the total and the counts alone (no rows, no next).
        limit: number("limit", 100, 0, MAX_PAGE)?,
    })
}

/// `GET /api/clients/{id}`.
#[utoipa::path(get, path = "/api/clients/{id}", tag = "clients", params(("id" = u64, Path, minimum = 1, description = "The client's id")),
    responses((status = 200, description = "The client, whole", body = Client), ReadErrors),
    security(("session" = [])))]
pub async fn client(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Json<Client>, AppError> {
    caller.may(Action::ReadClients)?;
    let practice = caller.practice();
    state
        .blocking(move |store| store.client(practice, ClientId(id)))
        .await
        .map(Json)
}

/// `GET /api/clients/{id}/activity`.
#[utoipa::path(get, path = "/api/clients/{id}/activity", tag = "clients", params(("id" = u64, Path, minimum = 1, description = "The client's id")),
    responses((status = 200, description = "The client's activity, newest first", body = Items<ActivityEntry>), ReadErrors),
    security(("session" = [])))]
pub async fn activity(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    caller.may(Action::ReadClients)?;
    let practice = caller.practice();
    let items = state
        .blocking(move |store| store.activity(practice, ClientId(id)))
        .await?;
    Ok(Json(Items { items }).into_response())
}

/// `POST /api/clients/{id}/deactivate` (R1).
#[utoipa::path(post, path = "/api/clients/{id}/deactivate", tag = "clients", params(("id" = u64, Path, minimum = 1, description = "The client's id"), IdempotencyHeader),
    request_body = DeactivateClientRequest,
    responses((status = 200, description = "The client, deactivated with every business", body = Client), WriteErrors),
    security(("session" = [], "csrf" = [])))]
pub async fn deactivate_client(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    write: Write<DeactivateClientRequest>,
) -> Result<Response, AppError> {
    let action = Action::DeactivateClient;
    change(state, caller, action, ClientId(id), write, |request| {
        Ok((
            request.expected_version,
            Command::DeactivateClient {
                new_owner_id: request.new_owner_id,
                reason: parse_reason(request.reason)?,
            },
        ))
    })
    .await
}

/// `POST /api/clients/{id}/reactivate` (R2).
#[utoipa::path(post, path = "/api/clients/{id}/reactivate", tag = "clients", params(("id" = u64, Path, minimum = 1, description = "The client's id"), IdempotencyHeader),
    request_body = ReactivateRequest,
    responses((status = 200, description = "The client, reactivated with every business", body = Client), WriteErrors),
    security(("session" = [], "csrf" = [])))]
pub async fn reactivate_client(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    write: Write<ReactivateRequest>,
) -> Result<Response, AppError> {
    let action = Action::ReactivateClient;
    change(state, caller, action, ClientId(id), write, |request| {
        Ok((request.expected_version, Command::ReactivateClient))
    })
    .await
}

/// `POST /api/clients/{id}/businesses/{business_id}/deactivate` (R3).
#[utoipa::path(post, path = "/api/clients/{id}/businesses/{business_id}/deactivate", tag = "clients", params(("id" = u64, Path, minimum = 1, description = "The client's id"), ("business_id" = u64, Path, minimum = 1, description = "The business's id"), IdempotencyHeader),
    request_body = DeactivateBusinessRequest,
    responses((status = 200, description = "The client, with the business deactivated", body = Client), WriteErrors),
    security(("session" = [], "csrf" = [])))]
pub async fn deactivate_business(
    State(state): State<AppState>,
    caller: Caller,
    PathIds(id, business_id): PathIds,
    write: Write<DeactivateBusinessRequest>,
) -> Result<Response, AppError> {
    let action = Action::DeactivateBusiness;
    change(state, caller, action, ClientId(id), write, move |request| {
        Ok((
            request.expected_version,
            Command::DeactivateBusiness {
                business_id: BusinessId(business_id),
                new_owner_id: request.new_owner_id,
                reason: parse_reason(request.reason)?,
            },
        ))
    })
    .await
}

/// `POST /api/clients/{id}/businesses/{business_id}/reactivate` (R4).
#[utoipa::path(post, path = "/api/clients/{id}/businesses/{business_id}/reactivate", tag = "clients", params(("id" = u64, Path, minimum = 1, description = "The client's id"), ("business_id" = u64, Path, minimum = 1, description = "The business's id"), IdempotencyHeader),
    request_body = ReactivateRequest,
    responses((status = 200, description = "The client, with the business reactivated", body = Client), WriteErrors),
    security(("session" = [], "csrf" = [])))]
pub async fn reactivate_business(
    State(state): State<AppState>,
    caller: Caller,
    PathIds(id, business_id): PathIds,
    write: Write<ReactivateRequest>,
) -> Result<Response, AppError> {
    let action = Action::ReactivateBusiness;
    change(state, caller, action, ClientId(id), write, move |request| {
        Ok((
            request.expected_version,
            Command::ReactivateBusiness {
                business_id: BusinessId(business_id),
            },
        ))
    })
    .await
}

/// What every change endpoint does: check the caller may take the action
/// (before reading the body), parse the body into a versioned command, and
/// apply it in one store transaction. It answers 201 for a change that adds
/// something, 200 otherwise ([`status_of`]).
pub(super) async fn change<T: DeserializeOwned + serde::Serialize>(
    state: AppState,
    caller: Caller,
    action: Action,
    client_id: ClientId,
    write: Write<T>,
    command: impl FnOnce(T) -> Result<(u64, Command), AppError>,
) -> Result<Response, AppError> {
    caller.may(action)?;
    let (request, idempotency) = write.open(&caller)?;
    let (expected_version, command) = command(request)?;
    debug_assert_eq!(Action::of(&command), action);
    let status = StatusCode::from_u16(status_of(&command)).unwrap_or(StatusCode::OK);
    let change = Change {
        practice: caller.practice(),
        client_id,
        expected_version,
        command,
        actor: caller.actor()?,
        at: state.clock.now(),
        idempotency,
    };
    let outcome = match state.store.hand_over_change(change) {
        Ok(answer) => answer
            .await
            .map_err(|_| AppError::Internal("the writer dropped a change unanswered".into()))??,
        Err(change) => state.blocking(move |store| store.change(*change)).await?,
    };
    if let Outcome::Done(client) = &outcome {
        super::events::publish(&state, &caller, client).await;
    }
    Ok(answer(status, outcome))
}
