//! The client list in and out as CSV: a preview of an import, the import
//! itself (one transaction, all or nothing, practice admins only), and the
//! export of the list as shown. The reading and writing of CSV is
//! [`crate::csv_io`]'s; the rules are `core`'s.

use super::clients::parse_list_query;
use super::onboarding::log_invitation;
use crate::auth::{Caller, secret};
use crate::csv_io;
use crate::error::{AppError, ImportInvalidBody};
use crate::events::Change;
use crate::openapi::{ExportParams, ReadErrors};
use crate::state::AppState;
use crate::store::{ImportBatch, NewInvitation};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{FromRequest, Query, Request, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use clientele_core::Action;
use clientele_core::wire::{ErrorBody, ImportPreview, ImportResult};
use std::collections::HashMap;

/// Every imported client is new: version 1.
const NEW_CLIENT_VERSION: u64 = 1;

/// The largest file an import takes: 5 MiB.
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;

/// `POST /api/clients/import/preview`.
#[utoipa::path(post, path = "/api/clients/import/preview", tag = "clients",
    request_body(content = String, content_type = "text/csv", description = "The CSV file, at most 5 MiB"),
    responses(
        (status = 200, description = "What the import would create, and every row that is wrong; nothing is written", body = ImportPreview),
        (status = 401, description = "No live session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Only a practice admin may import (`forbidden`), or the CSRF token is missing or wrong (`csrf_failed`)", body = ErrorBody),
        (status = 413, description = "The file is over 5 MiB (`file_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not `text/csv` (`unsupported_media_type`)", body = ErrorBody)
    ),
    security(("session" = [], "csrf" = [])))]
pub async fn preview(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> Result<Json<ImportPreview>, AppError> {
    caller.may(Action::ImportClients)?;
    let bytes = read_csv(request).await?;
    let practice = caller.practice();
    state
        .blocking(move |store| {
            let file = csv_io::read(&bytes);
            Ok(csv_io::review(&file, &store.taken(practice)?))
        })
        .await
        .map(Json)
}

/// `POST /api/clients/import`.
#[utoipa::path(post, path = "/api/clients/import", tag = "clients",
    request_body(content = String, content_type = "text/csv", description = "The CSV file, at most 5 MiB"),
    responses(
        (status = 201, description = "Every client was created, in one transaction, each with its owner invited", body = ImportResult),
        (status = 401, description = "No live session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Only a practice admin may import (`forbidden`), or the CSRF token is missing or wrong (`csrf_failed`)", body = ErrorBody),
        (status = 413, description = "The file is over 5 MiB (`file_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not `text/csv` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "Some rows are wrong (`import_invalid`); nothing was imported. `problems` lists them all, as the preview does", body = ImportInvalidBody)
    ),
    security(("session" = [], "csrf" = [])))]
pub async fn import(
    State(state): State<AppState>,
    caller: Caller,
    request: Request,
) -> Result<Response, AppError> {
    caller.may(Action::ImportClients)?;
    let headers = request.headers().clone();
    let bytes = read_csv(request).await?;
    let practice = caller.practice();
    let actor = caller.actor()?;
    let at = state.clock.now();
    let (created, invitations) = state
        .blocking(move |store| {
            let file = csv_io::read(&bytes);
            let invitations: Vec<NewInvitation> =
                file.rows.iter().map(|_| secret::new_invitation()).collect();
            let batch = ImportBatch {
                practice,
                actor,
                at,
                invitations: invitations.clone(),
            };
            let created = store.import_clients(batch, &|taken| csv_io::review(&file, taken))?;
            Ok((created, invitations))
        })
        .await?;
    for (client, invitation) in created.iter().zip(&invitations) {
        log_invitation(&headers, &client.row.user_email, &invitation.link());
    }
    let changes = created
        .iter()
        .map(|client| Change {
            practice,
            client_id: client.id,
            version: NEW_CLIENT_VERSION,
            actor: caller.user.name.clone(),
        })
        .collect();
    state.events.publish_all(changes).await;
    tracing::info!(clients = created.len(), "imported clients");
    Ok((StatusCode::CREATED, Json(ImportResult { created })).into_response())
}

/// `GET /api/clients/export`.
#[utoipa::path(get, path = "/api/clients/export", tag = "clients", params(ExportParams),
    responses(
        (status = 200, description = "Every client of the tab matching the search, in the list's order, as CSV (`Content-Disposition: attachment; filename=\"clients.csv\"`)",
            body = String, content_type = "text/csv",
            headers(("Content-Disposition" = String, description = "attachment; filename=\"clients.csv\""))),
        ReadErrors),
    security(("session" = [])))]
pub async fn export(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, AppError> {
    caller.may(Action::ReadClients)?;
    let Query(params) =
        query.map_err(|_| AppError::BadRequest("the query string is malformed".into()))?;
    let query = parse_list_query(&params)?;
    let practice = caller.practice();
    let rows = state
        .blocking(move |store| store.export_clients(practice, &query))
        .await?;
    let body = csv_io::write_export(&rows)
        .map_err(|error| AppError::Internal(format!("writing the export failed: {error}")))?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8"),
            (CONTENT_DISPOSITION, "attachment; filename=\"clients.csv\""),
        ],
        body,
    )
        .into_response())
}

/// An imported file's bytes: `text/csv`, refused while it streams in once
/// it is over [`MAX_IMPORT_BYTES`] (the route's body limit).
async fn read_csv(request: Request) -> Result<Bytes, AppError> {
    let is_csv = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("text/csv"));
    if !is_csv {
        return Err(AppError::UnsupportedMediaType(
            "the request body must be a CSV file, with Content-Type: text/csv".into(),
        ));
    }
    Bytes::from_request(request, &())
        .await
        .map_err(|rejection| match rejection {
            BytesRejection::FailedToBufferBody(_)
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                AppError::ImportTooLarge
            }
            _ => AppError::BadRequest("the request body could not be read".into()),
        })
}
