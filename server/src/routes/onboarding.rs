//! The everyday edits of the practice's clients (issue 12): add a client
//! with its owner, edit its name and code, add and rename a business, and
//! invite and remove a user. Each is a change like the activation changes:
//! CSRF, `Idempotency-Key`, `expected_version`, and `core`'s permission and
//! rules. An invitation's link is answered and logged, for sending by email.

use super::answer;
use super::clients::change;
use crate::auth::{Caller, secret};
use crate::error::AppError;
use crate::extract::{PathId, PathIds, Write};
use crate::openapi::{IdempotencyHeader, WriteErrors};
use crate::state::AppState;
use crate::store::{AddClient, Change, Outcome};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use clientele_core::wire::{
    AddBusinessRequest, AddUserRequest, AddedUser, EditClientRequest, NewClient, NewClientRequest,
    RemoveUserRequest, RenameBusinessRequest,
};
use clientele_core::{Action, BusinessId, Client, ClientId, Command, UserId};

/// The id of something a command adds, before the store chooses the real
/// one inside its transaction.
const CHOSEN_BY_THE_STORE: u64 = 0;

/// Logs an invitation's link, for sending to the person by email.
pub fn log_invitation(email: &str, link: &str) {
    tracing::info!(%email, %link, "invitation made: send this link to the person");
}

/// `POST /api/clients`.
#[utoipa::path(post, path = "/api/clients", tag = "clients", params(IdempotencyHeader),
    request_body = NewClientRequest,
    responses((status = 201, description = "The client as stored, and its owner's invitation", body = NewClient), WriteErrors),
    security(("session" = [], "csrf" = [])))]
pub async fn add_client(
    State(state): State<AppState>,
    caller: Caller,
    write: Write<NewClientRequest>,
) -> Result<Response, AppError> {
    caller.may(Action::EditClients)?;
    let (request, idempotency) = write.open(&caller)?;
    let new = AddClient {
        practice: caller.practice(),
        request,
        actor: caller.actor()?,
        at: state.clock.now(),
        invitation: secret::new_invitation(),
        idempotency,
    };
    let outcome = state.blocking(move |store| store.add_client(new)).await?;
    if let Outcome::Done(added) = &outcome {
        super::events::publish(&state, &caller, &added.client).await;
        log_invitation(&added.invitation.email, &added.invitation.link);
    }
    Ok(answer(StatusCode::CREATED, outcome))
}

/// `PATCH /api/clients/{id}`.
#[utoipa::path(patch, path = "/api/clients/{id}", tag = "clients", params(("id" = u64, Path, minimum = 1, description = "The client's id"), IdempotencyHeader),
    request_body = EditClientRequest,
    responses((status = 200, description = "The client, renamed or with its code set, changed or cleared", body = Client), WriteErrors),
    security(("session" = [], "csrf" = [])))]
pub async fn edit_client(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    write: Write<EditClientRequest>,
) -> Result<Response, AppError> {
    let action = Action::EditClients;
    change(state, caller, action, ClientId(id), write, |request| {
        Ok((
            request.expected_version,
            Command::EditClient {
                name: request.name,
                code: request.code,
            },
        ))
    })
    .await
}

/// `POST /api/clients/{id}/businesses`.
#[utoipa::path(post, path = "/api/clients/{id}/businesses", tag = "clients", params(("id" = u64, Path, minimum = 1, description = "The client's id"), IdempotencyHeader),
    request_body = AddBusinessRequest,
    responses((status = 201, description = "The client, with the business added (owned by the account owner)", body = Client), WriteErrors),
    security(("session" = [], "csrf" = [])))]
pub async fn add_business(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    write: Write<AddBusinessRequest>,
) -> Result<Response, AppError> {
    let action = Action::EditClients;
    change(state, caller, action, ClientId(id), write, |request| {
        Ok((
            request.expected_version,
            Command::AddBusiness {
                business_id: BusinessId(CHOSEN_BY_THE_STORE),
                name: request.name,
            },
        ))
    })
    .await
}

/// `PATCH /api/clients/{id}/businesses/{business_id}`.
#[utoipa::path(patch, path = "/api/clients/{id}/businesses/{business_id}", tag = "clients", params(("id" = u64, Path, minimum = 1, description = "The client's id"), ("business_id" = u64, Path, minimum = 1, description = "The business's id"), IdempotencyHeader),
    request_body = RenameBusinessRequest,
    responses((status = 200, description = "The client, with the business renamed", body = Client), WriteErrors),
    security(("session" = [], "csrf" = [])))]
pub async fn rename_business(
    State(state): State<AppState>,
    caller: Caller,
    PathIds(id, business_id): PathIds,
    write: Write<RenameBusinessRequest>,
) -> Result<Response, AppError> {
    let action = Action::EditClients;
    change(state, caller, action, ClientId(id), write, move |request| {
        Ok((
            request.expected_version,
            Command::RenameBusiness {
                business_id: BusinessId(business_id),
                name: request.name,
            },
        ))
    })
    .await
}

/// `POST /api/clients/{id}/users`.
#[utoipa::path(post, path = "/api/clients/{id}/users", tag = "clients", params(("id" = u64, Path, minimum = 1, description = "The client's id"), IdempotencyHeader),
    request_body = AddUserRequest,
    responses((status = 201, description = "The client with the user added, and the user's invitation", body = AddedUser), WriteErrors),
    security(("session" = [], "csrf" = [])))]
pub async fn add_user(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    write: Write<AddUserRequest>,
) -> Result<Response, AppError> {
    caller.may(Action::EditClients)?;
    let (request, idempotency) = write.open(&caller)?;
    let change = Change {
        practice: caller.practice(),
        client_id: ClientId(id),
        expected_version: request.expected_version,
        command: Command::AddUser {
            user_id: UserId(CHOSEN_BY_THE_STORE),
            name: request.name,
            email: request.email,
            role: request.role,
        },
        actor: caller.actor()?,
        at: state.clock.now(),
        idempotency,
    };
    let invitation = secret::new_invitation();
    let outcome = state
        .blocking(move |store| store.add_user(change, invitation))
        .await?;
    if let Outcome::Done(added) = &outcome {
        super::events::publish(&state, &caller, &added.client).await;
        log_invitation(&added.invitation.email, &added.invitation.link);
    }
    Ok(answer(StatusCode::CREATED, outcome))
}

/// `DELETE /api/clients/{id}/users/{user_id}`.
#[utoipa::path(delete, path = "/api/clients/{id}/users/{user_id}", tag = "clients", params(("id" = u64, Path, minimum = 1, description = "The client's id"), ("user_id" = u64, Path, minimum = 1, description = "The user's id"), IdempotencyHeader),
    request_body = RemoveUserRequest,
    responses((status = 200, description = "The client without the user; the businesses they owned pass to the account owner, and they can no longer sign in", body = Client), WriteErrors),
    security(("session" = [], "csrf" = [])))]
pub async fn remove_user(
    State(state): State<AppState>,
    caller: Caller,
    PathIds(id, user_id): PathIds,
    write: Write<RemoveUserRequest>,
) -> Result<Response, AppError> {
    let action = Action::EditClients;
    change(state, caller, action, ClientId(id), write, move |request| {
        Ok((
            request.expected_version,
            Command::RemoveUser {
                user_id: UserId(user_id),
            },
        ))
    })
    .await
}
