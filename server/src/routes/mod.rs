//! The HTTP handlers. They only orchestrate: check who is asking, parse the
//! request, read the clock, call the store (which calls `core`'s rules) and
//! shape the answer. [`clients`] serves the practice's clients, [`session`]
//! signing in and out.

pub mod clients;
pub mod session;

use crate::error::AppError;
use crate::store::{Outcome, StoredAnswer};
use axum::Json;
use axum::http::header::CONTENT_TYPE;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};

/// `GET /api/health`.
pub async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
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

/// `GET /api/openapi.json`: the API described as OpenAPI 3.1.
pub async fn openapi() -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "application/json")],
        include_str!("../../openapi.json"),
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
