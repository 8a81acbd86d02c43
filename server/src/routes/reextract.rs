//! "Extract now" for the documents a client received while deactivated,
//! and the impact a deactivation would have, for step 1 of the wizard.
//! `core` decides both ([`clientele_core::reextract`],
//! [`clientele_core::impact`]); the store reads and writes in one
//! transaction each.

use super::answer;
use crate::auth::Caller;
use crate::domain::parse_whole_number;
use crate::error::AppError;
use crate::extract::{PathId, Write};
use crate::openapi::{IdempotencyHeader, ReadErrors};
use crate::state::AppState;
use crate::store::{ExtractNow, Outcome};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use clientele_core::impact::impact;
use clientele_core::wire::{DocumentView, ErrorBody, ExtractNowRequest, ImpactView, Items};
use clientele_core::{Action, BusinessId, ClientId, Target};
use std::collections::HashMap;

/// `GET /api/clients/{id}/documents/added-while-deactivated`.
#[utoipa::path(get, path = "/api/clients/{id}/documents/added-while-deactivated", tag = "documents",
    params(("id" = u64, Path, minimum = 1, description = "The client's id")),
    responses((status = 200, description = "The client's documents added while it or their business was deactivated (`not_extracted`), newest first", body = Items<DocumentView>), ReadErrors),
    security(("session" = [])))]
pub async fn added_while_deactivated(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Json<Items<DocumentView>>, AppError> {
    caller.may(Action::ReadClients)?;
    let practice = caller.practice();
    let items = state
        .blocking(move |store| store.added_while_deactivated(practice, ClientId(id)))
        .await?;
    Ok(Json(Items { items }))
}

/// `POST /api/clients/{id}/documents/extract`: "Extract now".
#[utoipa::path(post, path = "/api/clients/{id}/documents/extract", tag = "documents",
    params(("id" = u64, Path, minimum = 1, description = "The client's id"), IdempotencyHeader),
    request_body = ExtractNowRequest,
    responses(
        (status = 200, description = "The documents queued for extraction now", body = Items<DocumentView>),
        (status = 400, description = "Malformed JSON or a wrongly typed field (`bad_request`)", body = ErrorBody),
        (status = 401, description = "No live session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Not a practice admin (`forbidden`), or no or a wrong X-CSRF-Token (`csrf_failed`)", body = ErrorBody),
        (status = 404, description = "No such client in the caller's practice (`not_found`), or a named document is not the client's (`document_not_found`)", body = ErrorBody),
        (status = 409, description = "A named document is not waiting (`document_not_waiting`), or none is waiting (`nothing_to_extract`)", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "The client or the document's business is deactivated (`client_deactivated`, `business_deactivated`), an empty list (`no_documents_named`), more than 1000 (`too_many_documents`), or an Idempotency-Key reused for another request (`idempotency_key_reused`)", body = ErrorBody)
    ),
    security(("session" = [], "csrf" = [])))]
pub async fn extract(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    write: Write<ExtractNowRequest>,
) -> Result<Response, AppError> {
    caller.may(Action::ExtractNow)?;
    let (request, idempotency) = write.open(&caller)?;
    let request = ExtractNow {
        practice: caller.practice(),
        client_id: ClientId(id),
        selection: request.selection(),
        actor: caller.actor()?,
        at: state.clock.now(),
        idempotency,
    };
    let outcome = match state
        .blocking(move |store| store.extract_now(request))
        .await?
    {
        Outcome::Done(items) => Outcome::Done(Items { items }),
        Outcome::Replayed(stored) => Outcome::Replayed(stored),
    };
    state.wake_workers();
    Ok(answer(StatusCode::OK, outcome))
}

/// The impact's query.
#[allow(dead_code)] // Only its derive is used, to document the query.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImpactParams {
    /// The business to deactivate on its own; without it, the whole client.
    #[param(minimum = 1)]
    business_id: Option<u64>,
}

/// `GET /api/clients/{id}/impact`: what deactivating the client (or one
/// business, with `business_id`) would change, for step 1 of the wizard.
#[utoipa::path(get, path = "/api/clients/{id}/impact", tag = "clients",
    params(("id" = u64, Path, minimum = 1, description = "The client's id"), ImpactParams),
    responses(
        (status = 200, description = "The impact, counted by core, with a sentence per fact", body = ImpactView),
        (status = 409, description = "The deactivation could not be made now: the client or the business is deactivated already (`client_already_deactivated`, `business_already_deactivated`, `client_deactivated`); a business that is not the client's is 404 `business_not_found`", body = ErrorBody),
        ReadErrors
    ),
    security(("session" = [])))]
pub async fn impact_of(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<ImpactView>, AppError> {
    let Query(params) =
        query.map_err(|_| AppError::BadRequest("the query string is malformed".into()))?;
    let target = match params.get("business_id").map(String::as_str) {
        None | Some("") => Target::Client,
        Some(raw) => Target::Business(BusinessId(
            parse_whole_number(raw)
                .filter(|id| *id > 0)
                .ok_or_else(|| {
                    AppError::BadRequest("business_id must be a positive whole number".into())
                })?,
        )),
    };
    caller.may(match target {
        Target::Client => Action::DeactivateClient,
        Target::Business(_) => Action::DeactivateBusiness,
    })?;
    let practice = caller.practice();
    let (client, facts) = state
        .blocking(move |store| store.impact_facts(practice, ClientId(id)))
        .await?;
    let impact = impact(&client, target, &facts).map_err(AppError::NotAllowedNow)?;
    Ok(Json(ImpactView::from(impact)))
}
