//! Scheduled deactivation: `POST /api/clients/{id}/schedule` plans R1 for a
//! later day, `POST /api/clients/{id}/schedule/cancel` drops the plan. Both
//! are ordinary changes (the `change` helper: permission, CSRF, idempotency,
//! one transaction through `core`); running a schedule when due is the
//! [`crate::scheduler`]'s.

use super::clients::change;
use crate::auth::Caller;
use crate::domain::parse_reason;
use crate::error::AppError;
use crate::extract::{PathId, Write};
use crate::openapi::{IdempotencyHeader, WriteErrors};
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use clientele_core::schedule::Date;
use clientele_core::wire::{CancelScheduleRequest, ScheduleDeactivationRequest};
use clientele_core::{Action, Client, ClientId, Command};

/// `POST /api/clients/{id}/schedule`.
#[utoipa::path(post, path = "/api/clients/{id}/schedule", tag = "clients", params(("id" = u64, Path, minimum = 1, description = "The client's id"), IdempotencyHeader),
    request_body = ScheduleDeactivationRequest,
    responses((status = 200, description = "The client, with its deactivation scheduled", body = Client), WriteErrors),
    security(("session" = [], "csrf" = [])))]
pub async fn schedule_deactivation(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    write: Write<ScheduleDeactivationRequest>,
) -> Result<Response, AppError> {
    // "Today" is the server's, by its clock; core only compares.
    let today = Date::of(state.clock.now());
    let action = Action::ScheduleDeactivation;
    change(state, caller, action, ClientId(id), write, move |request| {
        let on = Date::parse(&request.on).map_err(|error| AppError::Rule {
            error,
            current: None,
            changed_by: None,
        })?;
        Ok((
            request.expected_version,
            Command::ScheduleDeactivation {
                on,
                today,
                new_owner_id: request.new_owner_id,
                reason: parse_reason(request.reason)?,
            },
        ))
    })
    .await
}

/// `POST /api/clients/{id}/schedule/cancel`.
#[utoipa::path(post, path = "/api/clients/{id}/schedule/cancel", tag = "clients", params(("id" = u64, Path, minimum = 1, description = "The client's id"), IdempotencyHeader),
    request_body = CancelScheduleRequest,
    responses((status = 200, description = "The client, with no scheduled deactivation", body = Client), WriteErrors),
    security(("session" = [], "csrf" = [])))]
pub async fn cancel_schedule(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    write: Write<CancelScheduleRequest>,
) -> Result<Response, AppError> {
    let action = Action::ScheduleDeactivation;
    change(state, caller, action, ClientId(id), write, |request| {
        Ok((
            request.expected_version,
            Command::CancelScheduledDeactivation,
        ))
    })
    .await
}
