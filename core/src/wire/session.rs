//! The shapes of signing in: `POST /api/session`'s body, and the session
//! that it and `GET /api/session` answer.

use crate::ids::{ClientId, PracticeId, StaffId, UserId};
use crate::model::{Practice, Role};
use crate::permissions::{Principal, StaffRole};
use serde::{Deserialize, Serialize};

/// Body of `POST /api/session`: signing in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInRequest {
    /// The email the person signs in with.
    pub email: String,
    /// Their password.
    pub password: String,
}

/// Body of `POST /api/session/password`: the signed-in person changes their
/// own password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordRequest {
    /// The password they sign in with now.
    pub current_password: String,
    /// The new one: at least 12 characters.
    pub new_password: String,
}

/// Whether a signed-in person works for the practice or uses a client's
/// account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum UserKind {
    /// A member of the practice's staff.
    Staff,
    /// A user of one client's account.
    Client,
}

/// A signed-in person's role: `practice_admin` or `staff` for the
/// practice's staff, `admin` or `standard` for a client account's users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SessionRole {
    /// Staff who may do everything.
    PracticeAdmin,
    /// Staff who read and add documents.
    Staff,
    /// An admin of a client's account.
    Admin,
    /// A standard user of a client's account.
    Standard,
}

impl From<StaffRole> for SessionRole {
    fn from(role: StaffRole) -> SessionRole {
        match role {
            StaffRole::PracticeAdmin => SessionRole::PracticeAdmin,
            StaffRole::Staff => SessionRole::Staff,
        }
    }
}

impl From<Role> for SessionRole {
    fn from(role: Role) -> SessionRole {
        match role {
            Role::Admin => SessionRole::Admin,
            Role::Standard => SessionRole::Standard,
        }
    }
}

/// A client account named by id and name, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientRef {
    /// The client's id.
    pub id: ClientId,
    /// The client's name.
    pub name: String,
}

/// The signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionUser {
    /// Their id: a staff id for staff, a user id for client users.
    pub id: u64,
    /// Their name.
    pub name: String,
    /// The email they sign in with.
    pub email: String,
    /// Staff or client user.
    pub kind: UserKind,
    /// What they may do.
    pub role: SessionRole,
    /// Their practice: the one they work for, or the one that manages (or
    /// managed) their client account.
    pub practice: Practice,
    /// For a client user, their account; `null` for staff.
    pub client: Option<ClientRef>,
}

impl SessionUser {
    /// Who this is, for [`crate::permissions::allows`]. `None` only for a
    /// malformed answer (a client user without an account, or roles mixed
    /// up), which may do nothing.
    pub fn principal(&self) -> Option<Principal> {
        let practice: PracticeId = self.practice.id;
        match (self.kind, self.role, &self.client) {
            (UserKind::Staff, SessionRole::PracticeAdmin, None) => Some(Principal::Staff {
                id: StaffId(self.id),
                practice,
                role: StaffRole::PracticeAdmin,
            }),
            (UserKind::Staff, SessionRole::Staff, None) => Some(Principal::Staff {
                id: StaffId(self.id),
                practice,
                role: StaffRole::Staff,
            }),
            (UserKind::Client, SessionRole::Admin | SessionRole::Standard, Some(client)) => {
                Some(Principal::ClientUser {
                    id: UserId(self.id),
                    practice,
                    client: client.id,
                })
            }
            _ => None,
        }
    }
}

/// The answer of `POST /api/session` and `GET /api/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    /// Who is signed in.
    pub user: SessionUser,
    /// Send this as `X-CSRF-Token` with every change.
    pub csrf_token: String,
}
