//! The everyday edits of the practice's clients (issue 12): add a client
//! with its owner, edit its name and code, add and rename a business, and
//! invite and remove a user. Each is a change like the activation changes:
//! CSRF, `Idempotency-Key`, `expected_version`, and `core`'s permission and
//! rules. An invitation's link is answered and logged, for sending by email;
//! who has accepted theirs is listed, and anyone who has not can be sent a
//! new link that replaces their last.

use super::answer;
use super::clients::change;
use crate::auth::{Caller, secret};
use crate::error::AppError;
use crate::extract::{PathId, PathIds, Write, idempotency_key};
use crate::openapi::{IdempotencyHeader, ReadErrors, WriteErrors};
use crate::state::AppState;
use crate::store::{AddClient, Change, Idempotency, Outcome, RenewInvitation};
use axum::Json;
use axum::extract::State;
use axum::http::header::ORIGIN;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use clientele_core::wire::{
    AddBusinessRequest, AddUserRequest, AddedUser, EditClientRequest, ErrorBody, Invitation, Items,
    NewClient, NewClientRequest, RemoveUserRequest, RenameBusinessRequest, UserInvitation,
};
use clientele_core::{Action, BusinessId, Client, ClientId, Command, UserId};

/// The id of something a command adds, before the store chooses the real
/// one inside its transaction.
const CHOSEN_BY_THE_STORE: u64 = 0;

/// Logs an invitation's link, for sending to the person by email: a whole
/// address when the request says where the app is (see [`app_origin`]),
/// else its path.
pub fn log_invitation(headers: &HeaderMap, email: &str, link: &str) {
    let link = match app_origin(headers) {
        Some(origin) => format!("{origin}{link}"),
        None => link.to_owned(),
    };
    tracing::info!(%email, %link, "invitation made: send this link to the person");
}

/// The app's own origin, `scheme://host[:port]`, from the request's
/// `Origin`: the browser sends it with every change, and it names where
/// the person opens the link even when the app is hosted apart from the
/// API. `None` when it is missing or not a plain http(s) origin.
fn app_origin(headers: &HeaderMap) -> Option<String> {
    let origin: Uri = headers.get(ORIGIN)?.to_str().ok()?.parse().ok()?;
    let scheme = origin
        .scheme_str()
        .filter(|s| *s == "http" || *s == "https")?;
    let authority = origin.authority()?;
    let bare = matches!(origin.path(), "" | "/") && origin.query().is_none();
    bare.then(|| format!("{scheme}://{authority}"))
}

/// `POST /api/clients`.
#[utoipa::path(post, path = "/api/clients", tag = "clients", params(IdempotencyHeader),
    request_body = NewClientRequest,
    responses((status = 201, description = "The client as stored, and its owner's invitation", body = NewClient), WriteErrors),
    security(("session" = [], "csrf" = [])))]
pub async fn add_client(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
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
        log_invitation(&headers, &added.invitation.email, &added.invitation.link);
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
    headers: HeaderMap,
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
        log_invitation(&headers, &added.invitation.email, &added.invitation.link);
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

/// `GET /api/clients/{id}/invitations`.
#[utoipa::path(get, path = "/api/clients/{id}/invitations", tag = "clients",
    params(("id" = u64, Path, minimum = 1, description = "The client's id")),
    responses((status = 200, description = "The client's users, in the account's order, each with whether they have accepted their invitation and, if not, their latest link's dates", body = Items<UserInvitation>), ReadErrors),
    security(("session" = [])))]
pub async fn invitations(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Json<Items<UserInvitation>>, AppError> {
    caller.may(Action::ReadClients)?;
    let practice = caller.practice();
    let invitations = state
        .blocking(move |store| store.invitations_of(practice, ClientId(id)))
        .await?;
    let now = state.clock.now();
    let items = invitations.into_iter().map(|user| user.view(now)).collect();
    Ok(Json(Items { items }))
}

/// `POST /api/clients/{id}/users/{user_id}/invitation`: "New link". It
/// takes no body. Without an `Idempotency-Key`, a retry makes another link,
/// which replaces this one, so the last answer's link is the one that works;
/// with one, a retry answers the first answer again.
#[utoipa::path(post, path = "/api/clients/{id}/users/{user_id}/invitation", tag = "clients",
    params(("id" = u64, Path, minimum = 1, description = "The client's id"), ("user_id" = u64, Path, minimum = 1, description = "The user's id"), IdempotencyHeader),
    responses(
        (status = 201, description = "The user's new invitation, logged for sending by email; their earlier links no longer work", body = Invitation),
        (status = 400, description = "A malformed id or Idempotency-Key (`bad_request`)", body = ErrorBody),
        (status = 401, description = "No live session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "The caller may not edit clients (`forbidden`), or no or a wrong X-CSRF-Token (`csrf_failed`)", body = ErrorBody),
        (status = 404, description = "No such client in the caller's practice (`not_found`), or no such user in its account (`user_not_found`)", body = ErrorBody),
        (status = 409, description = "The user has set their password already and signs in (`signed_up_already`)", body = ErrorBody),
        (status = 422, description = "The Idempotency-Key was used for another request (`idempotency_key_reused`)", body = ErrorBody)
    ),
    security(("session" = [], "csrf" = [])))]
pub async fn renew_invitation(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    PathIds(id, user_id): PathIds,
) -> Result<Response, AppError> {
    caller.may(Action::EditClients)?;
    let idempotency = idempotency_key(&headers)?.map(|key| Idempotency {
        owner: caller.idempotency_owner(),
        key,
        request: format!("POST /api/clients/{id}/users/{user_id}/invitation"),
    });
    let renewal = RenewInvitation {
        practice: caller.practice(),
        client_id: ClientId(id),
        user_id: UserId(user_id),
        actor: caller.actor()?,
        at: state.clock.now(),
        invitation: secret::new_invitation(),
        idempotency,
    };
    let outcome = state
        .blocking(move |store| store.renew_invitation(renewal))
        .await?;
    if let Outcome::Done(invitation) = &outcome {
        log_invitation(&headers, &invitation.email, &invitation.link);
    }
    Ok(answer(StatusCode::CREATED, outcome))
}

#[cfg(test)]
mod tests {
    use super::app_origin;
    use axum::http::HeaderMap;
    use axum::http::header::ORIGIN;

    fn origin(value: &str) -> Option<String> {
        let mut headers = HeaderMap::new();
        headers.insert(ORIGIN, value.parse().unwrap());
        app_origin(&headers)
    }

    #[test]
    fn an_invitation_names_the_apps_own_address() {
        assert_eq!(
            origin("https://app.example.com").as_deref(),
            Some("https://app.example.com")
        );
        assert_eq!(
            origin("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
    }

    #[test]
    fn anything_but_a_plain_web_origin_leaves_the_path_alone() {
        assert_eq!(app_origin(&HeaderMap::new()), None);
        for odd in [
            "null",
            "ftp://files.example.com",
            "https://app.example.com/page",
            "https://app.example.com/?q=1",
            "app.example.com",
        ] {
            assert_eq!(origin(odd), None, "{odd}");
        }
    }
}
