//! The JSON shapes of Clientele's HTTP API (see `docs/api.md`), shared by
//! the server, which writes them, and the app, which reads them, so the two
//! cannot drift apart. Plain data: no rule lives here.

mod activity;
mod documents;
mod live;
mod onboarding;
mod portal;
mod reextract;
mod schedule;
mod session;

pub use activity::{ActivityAction, ActivityEntry};
pub use documents::{DocumentView, ExtractionState};
pub use live::{CLIENT_CHANGED, ClientChanged, READY, RESYNC};
pub use onboarding::{
    AddBusinessRequest, AddUserRequest, AddedUser, EditClientRequest, ImportPreview, ImportProblem,
    ImportResult, ImportRow, ImportedClient, Invitation, InvitationAccept, InvitationView,
    NewClient, NewClientRequest, RemoveUserRequest, RenameBusinessRequest, UserInvitation,
    rows_wrong,
};
pub use portal::{Portal, PortalAccount, PortalBusiness, PortalMe};
pub use reextract::{ExtractNowRequest, ImpactView};
pub use schedule::{CancelScheduleRequest, ScheduleDeactivationRequest};
pub use session::{
    ChangePasswordRequest, ClientRef, Session, SessionRole, SessionUser, SignInRequest, UserKind,
};

use crate::ids::{BusinessId, ClientId, UserId};
use crate::model::{Client, Status};
use crate::schedule::{ScheduleFailure, ScheduledDeactivation};
use serde::{Deserialize, Serialize};

/// A user named by id and name, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserRef {
    /// The user's id.
    pub id: UserId,
    /// The user's name.
    pub name: String,
}

/// A business named by id and name, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BusinessRef {
    /// The business's id.
    pub id: BusinessId,
    /// The business's name.
    pub name: String,
}

/// One row of the client list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientSummary {
    /// The client's id.
    pub id: ClientId,
    /// The client's name.
    pub name: String,
    /// The practice's code for the client, if it has one.
    #[serde(default)]
    pub code: Option<String>,
    /// Active or deactivated.
    pub status: Status,
    /// How many businesses the client has, whatever their status.
    pub business_count: usize,
    /// The account owner.
    pub owner: UserRef,
    /// When the client last changed (RFC 3339).
    pub updated_at: String,
    /// The client's version: a row is never replaced by one of a lower
    /// version.
    pub version: u64,
    /// Its scheduled deactivation, if any ("Deactivates on 31 Dec").
    #[serde(default)]
    pub scheduled_deactivation: Option<ScheduledDeactivation>,
    /// Why its last scheduled deactivation was refused, if it was.
    #[serde(default)]
    pub schedule_failure: Option<ScheduleFailure>,
}

impl ClientSummary {
    /// The row for `client` as it is now, last changed `updated_at` (empty
    /// when the list has not said).
    pub fn of(client: &Client, updated_at: String) -> ClientSummary {
        ClientSummary {
            id: client.id,
            name: client.name.clone(),
            code: client.code.clone(),
            status: client.status,
            business_count: client.businesses.len(),
            owner: UserRef {
                id: client.owner,
                name: client
                    .user(client.owner)
                    .map(|user| user.name.clone())
                    .unwrap_or_default(),
            },
            updated_at,
            version: client.version,
            scheduled_deactivation: client.scheduled_deactivation.clone(),
            schedule_failure: client.schedule_failure.clone(),
        }
    }

    /// The row for `client` as it is now, keeping `updated_at` (and the
    /// owner's name, should the client not list its owner).
    pub fn refreshed(&self, client: &Client) -> ClientSummary {
        let mut row = ClientSummary::of(client, self.updated_at.clone());
        if client.user(client.owner).is_none() {
            row.owner = self.owner.clone();
        }
        row
    }

    /// Whether the row is found by a search of the list: its name or its
    /// code contains the search, ignoring case and the spaces around the
    /// search, as the list's `q` does. A blank search finds every row.
    pub fn matches(&self, search: &str) -> bool {
        crate::search::finds(search, &self.name, self.code.as_deref())
    }
}

/// How many clients are in each tab.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusCounts {
    /// Clients in the "Active clients" tab.
    pub active: u64,
    /// Clients in the "Deactivated clients" tab.
    pub deactivated: u64,
}

impl StatusCounts {
    /// The count for one tab.
    pub fn get(&self, status: Status) -> u64 {
        match status {
            Status::Active => self.active,
            Status::Deactivated => self.deactivated,
        }
    }

    /// The counts after one client moved from `from` to `to`.
    pub fn moved(self, from: Status, to: Status) -> StatusCounts {
        let mut counts = self;
        if from != to {
            *counts.get_mut(from) = counts.get(from).saturating_sub(1);
            *counts.get_mut(to) += 1;
        }
        counts
    }

    /// The count for one tab, to change.
    pub fn get_mut(&mut self, status: Status) -> &mut u64 {
        match status {
            Status::Active => &mut self.active,
            Status::Deactivated => &mut self.deactivated,
        }
    }
}

/// A page of the client list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientPage {
    /// The rows on this page.
    pub items: Vec<ClientSummary>,
    /// How many clients match the status and search, over all pages.
    pub total: u64,
    /// How many clients match the search in each tab.
    pub counts: StatusCounts,
    /// The cursor of the page after this one (pass it as `after`), or
    /// `null` when this page is the last.
    #[serde(default)]
    pub next: Option<String>,
}

/// A list answer: `{ "items": [...] }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Items<T> {
    /// The items, in the order the endpoint documents.
    pub items: Vec<T>,
}

/// Body of `POST /api/clients/{id}/deactivate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeactivateClientRequest {
    /// Who becomes account owner and admin.
    pub new_owner_id: UserId,
    /// The client version the change is made against.
    pub expected_version: u64,
    /// Why, for the activity log: at most 500 characters, no control
    /// characters but new lines; blank means none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::reason::schema))]
    pub reason: Option<String>,
}

/// Body of `POST /api/clients/{id}/businesses/{business_id}/deactivate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeactivateBusinessRequest {
    /// Who becomes owner and admin of the business.
    pub new_owner_id: UserId,
    /// The client version the change is made against.
    pub expected_version: u64,
    /// Why, for the activity log: at most 500 characters, no control
    /// characters but new lines; blank means none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::reason::schema))]
    pub reason: Option<String>,
}

/// Body of both reactivation endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReactivateRequest {
    /// The client version the change is made against.
    pub expected_version: u64,
}

/// Body of `POST /api/clients/{id}/undo`: undo the deactivation or
/// reactivation that made the client's `expected_version`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UndoRequest {
    /// The client's version as the change to undo left it.
    pub expected_version: u64,
}

/// The machine code and message of an error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// A stable code, such as `owner_not_in_account`.
    pub code: String,
    /// A sentence for people.
    pub message: String,
}

/// Every error answer: `{ "error": {...} }`, plus the current client on a 409.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
    /// The client as it is now, on a conflict, so the app can reconcile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<Client>,
    /// On a `stale_version` conflict: who made the first change after the
    /// version the refused change was made against, when the activity log
    /// knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_by: Option<String>,
}
