//! `POST /api/clients/{id}/undo`: exact undo of the deactivation or
//! reactivation that made the client's current version. The store fills in
//! the change as recorded and `core` decides ([`clientele_core::undo`]):
//! refused, with the reason, when someone changed the client in between or
//! the time to undo has passed.

use super::clients::change;
use crate::auth::Caller;
use crate::error::AppError;
use crate::extract::{PathId, Write};
use crate::openapi::{IdempotencyHeader, WriteErrors};
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use clientele_core::wire::UndoRequest;
use clientele_core::{Action, Client, ClientId, Command};

/// `POST /api/clients/{id}/undo`.
#[utoipa::path(post, path = "/api/clients/{id}/undo", tag = "clients", params(("id" = u64, Path, minimum = 1, description = "The client's id"), IdempotencyHeader),
    request_body = UndoRequest,
    responses((status = 200, description = "The client, as it was before the change undone (one version on)", body = Client), WriteErrors),
    security(("session" = [], "csrf" = [])))]
pub async fn undo(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    write: Write<UndoRequest>,
) -> Result<Response, AppError> {
    // Undo is bounded in time by the server's clock, not the caller's.
    let at = state.clock.now();
    change(
        state,
        caller,
        Action::UndoChange,
        ClientId(id),
        write,
        move |request| {
            Ok((
                request.expected_version,
                // The store fills in the change that made `expected_version`.
                Command::UndoChange { change: None, at },
            ))
        },
    )
    .await
}
