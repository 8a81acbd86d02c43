//! Signing in and out: `POST`, `GET` and `DELETE /api/session`; and
//! changing one's own password, `POST /api/session/password`.
//!
//! Sign-in is throttled per email by `core`'s rule (each attempt counted as
//! a failure, atomically, until its password proves right), checks the password with
//! argon2 (against a dummy hash for an unknown email, so the two cannot be
//! told apart), and always starts a brand-new session, ending any session the
//! browser came with, so a session id can never be fixed in advance.

use crate::auth::{self, Caller, password, secret};
use crate::error::AppError;
use crate::extract::JsonBody;
use crate::state::AppState;
use crate::store::{NewSession, Subject};
use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use clientele_core::Timestamp;
use clientele_core::identity::{SIGN_IN_WINDOW_MS, check_new_password, normalise_email};
use clientele_core::wire::{ChangePasswordRequest, ErrorBody, Session, SignInRequest};

/// `POST /api/session`.
#[utoipa::path(
    post,
    path = "/api/session",
    tag = "session",
    request_body = SignInRequest,
    responses(
        (status = 200, description = "Signed in: the session cookie is set (HttpOnly, SameSite=Strict, Path=/)", body = Session),
        (status = 400, description = "Malformed JSON or a missing field (`bad_request`)", body = ErrorBody),
        (status = 401, description = "The email or the password is wrong (`invalid_credentials`); which one is not said", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 429, description = "Five failed sign-ins for this email in 15 minutes (`too_many_attempts`)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds until sign-in opens again")))
    )
)]
pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: JsonBody<SignInRequest>,
) -> Result<Response, AppError> {
    let SignInRequest { email, password } = body.value;
    let email = normalise_email(&email);
    let now = state.clock.now();
    claim_attempt(&state, &email, now).await?;

    let lookup = email.clone();
    let credentials = state
        .blocking(move |store| store.credentials(&lookup))
        .await?;
    let subject = tokio::task::spawn_blocking(move || match credentials {
        Some(credentials) if password::verify(&password, &credentials.password_hash) => {
            Some(credentials.subject)
        }
        Some(_) => None,
        None => {
            password::verify_nothing(&password);
            None
        }
    })
    .await
    .map_err(|error| AppError::Internal(format!("checking a password failed: {error}")))?;
    // A wrong password leaves the claimed attempt counted as a failure.
    let Some(subject) = subject else {
        return Err(AppError::InvalidCredentials);
    };

    let session = start(&state, &headers, subject, now).await?;
    state
        .blocking(move |store| store.clear_sign_in_failures(&email))
        .await?;
    Ok(session)
}

/// Counts an attempt at `email`'s password as failed until it proves
/// right, or answers 429 once `core` says the email is locked out.
async fn claim_attempt(state: &AppState, email: &str, now: Timestamp) -> Result<(), AppError> {
    let window_start = Timestamp(now.0 - SIGN_IN_WINDOW_MS);
    let claimed = email.to_owned();
    state
        .blocking(move |store| store.claim_sign_in_attempt(&claimed, now, window_start))
        .await?
        .map_err(AppError::TooManyAttempts)
}

/// Starts a new session for `subject`, ending the one the request came
/// with, and answers with the session and its cookie (also used when an
/// invitation is accepted).
pub(super) async fn start(
    state: &AppState,
    headers: &HeaderMap,
    subject: Subject,
    now: Timestamp,
) -> Result<Response, AppError> {
    let session_id = secret::random_token();
    let key = secret::session_key(&session_id);
    let replacing = auth::session_cookie(headers).map(|old| secret::session_key(&old));
    let new = NewSession {
        key,
        csrf_token: secret::random_token(),
        subject,
        at: now,
    };
    let record = state
        .blocking(move |store| {
            store.start_session(new, replacing)?;
            store.session(key)
        })
        .await?
        .ok_or_else(|| AppError::Internal("a new session was not found".into()))?;
    let body = Session {
        user: record.user,
        csrf_token: record.csrf_token,
    };
    let cookie = auth::session_set_cookie(&session_id, state.secure_cookies);
    Ok(([(SET_COOKIE, cookie)], Json(body)).into_response())
}

/// `GET /api/session`.
#[utoipa::path(
    get,
    path = "/api/session",
    tag = "session",
    responses(
        (status = 200, description = "The signed-in person", body = Session),
        (status = 401, description = "No live session (`unauthenticated`)", body = ErrorBody)
    ),
    security(("session" = []))
)]
pub async fn current(caller: Caller) -> Json<Session> {
    Json(Session {
        user: caller.user,
        csrf_token: caller.csrf_token,
    })
}

/// `DELETE /api/session`.
#[utoipa::path(
    delete,
    path = "/api/session",
    tag = "session",
    responses(
        (status = 204, description = "Signed out: the session is ended and its cookie worthless"),
        (status = 401, description = "No live session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "No or a wrong X-CSRF-Token (`csrf_failed`)", body = ErrorBody)
    ),
    security(("session" = [], "csrf" = []))
)]
pub async fn sign_out(State(state): State<AppState>, caller: Caller) -> Result<Response, AppError> {
    let key = caller.key;
    state.blocking(move |store| store.end_session(key)).await?;
    let cookie = auth::session_clear_cookie(state.secure_cookies);
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cookie)]).into_response())
}

/// `POST /api/session/password`: the signed-in person changes their own
/// password. The current one is checked as a sign-in's is, counted against
/// the same limit (so a left-open session cannot be used to guess it), and
/// every other session of theirs ends; this one goes on.
#[utoipa::path(
    post,
    path = "/api/session/password",
    tag = "session",
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed: the person's other sessions have ended"),
        (status = 400, description = "Malformed JSON or a missing field (`bad_request`)", body = ErrorBody),
        (status = 401, description = "No live session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "No or a wrong X-CSRF-Token (`csrf_failed`)", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 415, description = "The body is not `application/json` (`unsupported_media_type`)", body = ErrorBody),
        (status = 422, description = "The current password is wrong (`wrong_password`), or the new one has fewer than 12 characters (`weak_password`)", body = ErrorBody),
        (status = 429, description = "Five wrong passwords for this email in 15 minutes, here or at sign-in (`too_many_attempts`)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds until it may be tried again")))
    ),
    security(("session" = [], "csrf" = []))
)]
pub async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    body: JsonBody<ChangePasswordRequest>,
) -> Result<StatusCode, AppError> {
    let ChangePasswordRequest {
        current_password,
        new_password,
    } = body.value;
    check_new_password(&new_password).map_err(AppError::WeakPassword)?;
    let email = normalise_email(&caller.user.email);
    claim_attempt(&state, &email, state.clock.now()).await?;
    let lookup = email.clone();
    let credentials = state
        .blocking(move |store| store.credentials(&lookup))
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let hash = tokio::task::spawn_blocking(move || {
        if !password::verify(&current_password, &credentials.password_hash) {
            return Err(AppError::WrongPassword);
        }
        password::hash(&new_password).map_err(AppError::Internal)
    })
    .await
    .map_err(|error| AppError::Internal(format!("changing a password failed: {error}")))??;
    let keep = caller.key;
    state
        .blocking(move |store| store.set_password(&email, &hash, Some(keep)))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
