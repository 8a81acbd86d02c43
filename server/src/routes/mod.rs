//! The HTTP handlers. They only orchestrate: check who is asking, parse the
//! request, read the clock, call the store (which calls `core`'s rules) and
//! shape the answer. [`clients`] serves the practice's clients,
//! [`documents`] uploads and downloads, [`portal`] a client account for its
//! own users, and [`session`] signing in and out, and
//! [`events`] the live updates of changes. [`onboarding`] adds and
//! edits clients, their businesses and users, [`invitations`] serves the
//! invitation links, [`import`] the CSV import and export, [`undo`] exact
//! undo of a deactivation or reactivation, and [`schedule`] schedules a
//! client's deactivation and cancels it.

pub mod clients;
pub mod documents;
pub mod events;
pub mod import;
pub mod invitations;
pub mod onboarding;
pub mod portal;
pub mod reextract;
pub mod schedule;
pub mod session;
pub mod undo;

use crate::error::AppError;
use crate::state::AppState;
use crate::store::{Outcome, StoredAnswer};
use axum::Json;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use clientele_core::wire::ErrorBody;

/// The health answer.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`.
    status: &'static str,
}

/// `GET /api/health`: the server is up and its database answers.
#[utoipa::path(
    get,
    path = "/api/health",
    tag = "health",
    responses(
        (status = 200, description = "The server is up and its database answers", body = Health),
        (status = 503, description = "The database does not answer (`unavailable`)", body = ErrorBody)
    )
)]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    match state.blocking(|store| store.ping()).await {
        Ok(()) => Ok(Json(Health { status: "ok" })),
        Err(error) => {
            tracing::error!(%error, "the health check's database query failed");
            Err(AppError::Unavailable)
        }
    }
}

/// A fresh answer with `status`, or a retry's stored answer as it was.
pub fn answer<T: serde::Serialize>(status: StatusCode, outcome: Outcome<T>) -> Response {
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

/// Any other `/api/…` path.
pub async fn api_not_found(uri: Uri) -> AppError {
    AppError::NotFound(format!("no API at {}", uri.path()))
}

/// A known API path with the wrong method.
pub async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed("this method is not allowed here".into())
}
