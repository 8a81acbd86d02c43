//! Invitation links, `/invite/{token}`: the page reads what the invitation
//! is for, and accepting it sets the person's password and signs them in.
//! Neither needs a session (the person has none yet); the token is the
//! secret, and the store knows only its SHA-256. `core` says whether a link
//! still works (once, for seven days) and what a password must be.

use super::session;
use crate::auth::{password, secret};
use crate::error::AppError;
use crate::extract::JsonBody;
use crate::state::AppState;
use crate::store::InvitationRecord;
use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use clientele_core::identity::check_new_password;
use clientele_core::onboarding::accept_invitation;
use clientele_core::wire::{ErrorBody, InvitationAccept, InvitationView, Session};

/// The longest token looked up: ours are 43 characters.
const MAX_TOKEN_CHARS: usize = 100;

/// `GET /api/invitations/{token}`.
#[utoipa::path(
    get,
    path = "/api/invitations/{token}",
    operation_id = "view_invitation",
    tag = "session",
    params(("token" = String, Path, description = "The token from the invitation link")),
    responses(
        (status = 200, description = "Who is invited, to which account", body = InvitationView),
        (status = 404, description = "No invitation has this token (`invitation_not_found`)", body = ErrorBody),
        (status = 410, description = "The link was used already (`invitation_used`) or is more than 7 days old (`invitation_expired`)", body = ErrorBody)
    )
)]
pub async fn view(
    State(state): State<AppState>,
    token: Result<Path<String>, PathRejection>,
) -> Result<Json<InvitationView>, AppError> {
    let record = find(&state, token).await?;
    Ok(Json(record.view))
}

/// `POST /api/invitations/{token}`.
#[utoipa::path(
    post,
    path = "/api/invitations/{token}",
    operation_id = "accept_invitation",
    tag = "session",
    params(("token" = String, Path, description = "The token from the invitation link")),
    request_body = InvitationAccept,
    responses(
        (status = 200, description = "The password is set and the person is signed in: the session cookie is set, as by POST /api/session", body = Session),
        (status = 400, description = "Malformed JSON or a missing field (`bad_request`)", body = ErrorBody),
        (status = 404, description = "No invitation has this token (`invitation_not_found`)", body = ErrorBody),
        (status = 409, description = "Someone signs in with this email already (`email_taken`)", body = ErrorBody),
        (status = 410, description = "The link was used already (`invitation_used`) or is more than 7 days old (`invitation_expired`)", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "The password has fewer than 12 characters (`weak_password`)", body = ErrorBody)
    )
)]
pub async fn accept(
    State(state): State<AppState>,
    headers: HeaderMap,
    token: Result<Path<String>, PathRejection>,
    body: JsonBody<InvitationAccept>,
) -> Result<Response, AppError> {
    let key = find(&state, token).await?.key;
    let InvitationAccept { password } = body.value;
    check_new_password(&password).map_err(AppError::WeakPassword)?;
    let hash = tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .map_err(|error| AppError::Internal(format!("hashing a password failed: {error}")))?
        .map_err(AppError::Internal)?;
    let now = state.clock.now();
    // Checked again inside the transaction: a link used twice at once
    // still makes one login.
    let subject = state
        .blocking(move |store| store.accept_invitation(key, hash, now))
        .await?;
    session::start(&state, &headers, subject, now).await
}

/// An invitation found by its token.
struct Found {
    key: crate::store::InvitationKey,
    view: InvitationView,
}

/// The invitation the token names, if its link still works.
async fn find(
    state: &AppState,
    token: Result<Path<String>, PathRejection>,
) -> Result<Found, AppError> {
    let Path(token) = token.map_err(|_| AppError::InvitationNotFound)?;
    if token.is_empty() || token.len() > MAX_TOKEN_CHARS {
        return Err(AppError::InvitationNotFound);
    }
    let key = secret::invitation_key(&token);
    let InvitationRecord {
        view,
        created_at,
        used,
    } = state
        .blocking(move |store| store.invitation(key))
        .await?
        .ok_or(AppError::InvitationNotFound)?;
    accept_invitation(created_at, used, state.clock.now()).map_err(AppError::Gone)?;
    Ok(Found { key, view })
}
