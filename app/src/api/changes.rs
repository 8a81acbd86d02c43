//! How each change command goes over the wire: its method, path and body,
//! and what the server answers. Most answer the client as stored; adding a
//! user also answers the new user's invitation.

use super::{ApiError, ApiFuture, HttpApi, read};
use clientele_core::wire::{
    AddBusinessRequest, AddUserRequest, AddedUser, CancelScheduleRequest,
    DeactivateBusinessRequest, DeactivateClientRequest, EditClientRequest, Invitation,
    ReactivateRequest, RemoveUserRequest, RenameBusinessRequest, ScheduleDeactivationRequest,
    UndoRequest,
};
use clientele_core::{Client, ClientId, Command};
use gloo_net::http::{Method, Request};
use serde_json::{Value, to_value};

/// What the server answered to a change: the client as stored, and the
/// invitation of a user just added.
#[derive(Debug, Clone, PartialEq)]
pub struct Changed {
    /// The client as stored.
    pub client: Client,
    /// For "Add user": the new user's invitation.
    pub invitation: Option<Invitation>,
}

impl From<Client> for Changed {
    fn from(client: Client) -> Changed {
        Changed {
            client,
            invitation: None,
        }
    }
}

/// The request that carries `command`, made against `expected_version`.
fn route(
    client: ClientId,
    expected_version: u64,
    command: &Command,
) -> (Method, String, serde_json::Result<Value>) {
    let base = format!("/api/clients/{client}");
    let reactivate = || to_value(ReactivateRequest { expected_version });
    match command {
        Command::DeactivateClient {
            new_owner_id,
            reason,
        } => (
            Method::POST,
            format!("{base}/deactivate"),
            to_value(DeactivateClientRequest {
                new_owner_id: *new_owner_id,
                expected_version,
                reason: reason.clone(),
            }),
        ),
        Command::ReactivateClient => (Method::POST, format!("{base}/reactivate"), reactivate()),
        Command::DeactivateBusiness {
            business_id,
            new_owner_id,
            reason,
        } => (
            Method::POST,
            format!("{base}/businesses/{business_id}/deactivate"),
            to_value(DeactivateBusinessRequest {
                new_owner_id: *new_owner_id,
                expected_version,
                reason: reason.clone(),
            }),
        ),
        Command::ReactivateBusiness { business_id } => (
            Method::POST,
            format!("{base}/businesses/{business_id}/reactivate"),
            reactivate(),
        ),
        Command::EditClient { name, code } => (
            Method::PATCH,
            base,
            to_value(EditClientRequest {
                name: name.clone(),
                code: code.clone(),
                expected_version,
            }),
        ),
        // The business's and the user's ids in these commands are the
        // app's provisional ones: the server chooses the real ones.
        Command::AddBusiness { name, .. } => (
            Method::POST,
            format!("{base}/businesses"),
            to_value(AddBusinessRequest {
                name: name.clone(),
                expected_version,
            }),
        ),
        Command::RenameBusiness { business_id, name } => (
            Method::PATCH,
            format!("{base}/businesses/{business_id}"),
            to_value(RenameBusinessRequest {
                name: name.clone(),
                expected_version,
            }),
        ),
        Command::AddUser {
            name, email, role, ..
        } => (
            Method::POST,
            format!("{base}/users"),
            to_value(AddUserRequest {
                name: name.clone(),
                email: email.clone(),
                role: *role,
                expected_version,
            }),
        ),
        Command::RemoveUser { user_id } => (
            Method::DELETE,
            format!("{base}/users/{user_id}"),
            to_value(RemoveUserRequest { expected_version }),
        ),
        // The server undoes the change it recorded at `expected_version`.
        Command::UndoChange { .. } => (
            Method::POST,
            format!("{base}/undo"),
            to_value(UndoRequest { expected_version }),
        ),
        // "Today" is not sent: the server checks the day against its own.
        Command::ScheduleDeactivation {
            on,
            new_owner_id,
            reason,
            ..
        } => (
            Method::POST,
            format!("{base}/schedule"),
            to_value(ScheduleDeactivationRequest {
                expected_version,
                on: on.to_string(),
                new_owner_id: *new_owner_id,
                reason: reason.clone(),
            }),
        ),
        Command::CancelScheduledDeactivation => (
            Method::POST,
            format!("{base}/schedule/cancel"),
            to_value(CancelScheduleRequest { expected_version }),
        ),
        // Only the server's scheduler runs a schedule; no route takes it.
        Command::RunScheduledDeactivation { .. } => (
            Method::POST,
            format!("{base}/schedule"),
            Err(serde::ser::Error::custom(
                "a scheduled deactivation is run by the server, not sent",
            )),
        ),
    }
}

impl HttpApi {
    /// Sends `command` with the session's CSRF token and `idempotency_key`.
    pub(super) fn send_change(
        &self,
        client: ClientId,
        expected_version: u64,
        command: &Command,
        idempotency_key: &str,
    ) -> ApiFuture<Changed> {
        let (method, path, body) = route(client, expected_version, command);
        let request = self
            .change_request(method, &path)
            .header("Idempotency-Key", idempotency_key);
        let adds_user = matches!(command, Command::AddUser { .. });
        Box::pin(async move {
            let body = body.map_err(|error| ApiError::Network(error.to_string()))?;
            let request: Request = request
                .json(&body)
                .map_err(|error| ApiError::Network(error.to_string()))?;
            let sent = request.send().await;
            if adds_user {
                let added: AddedUser = read(sent).await?;
                Ok(Changed {
                    client: added.client,
                    invitation: Some(added.invitation),
                })
            } else {
                read::<Client>(sent).await.map(Changed::from)
            }
        })
    }
}
