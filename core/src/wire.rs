//! The JSON shapes of Clientele's HTTP API (see `docs/api.md`), shared by
//! the server, which writes them, and the app, which reads them, so the two
//! cannot drift apart. Plain data: no rule lives here.

mod live;
mod onboarding;
mod portal;
mod reextract;
mod schedule;
mod session;

pub use live::{CLIENT_CHANGED, ClientChanged, READY, RESYNC};
pub use onboarding::{
    AddBusinessRequest, AddUserRequest, AddedUser, EditClientRequest, ImportPreview, ImportProblem,
    ImportResult, ImportRow, ImportedClient, Invitation, InvitationAccept, InvitationView,
    NewClient, NewClientRequest, RemoveUserRequest, RenameBusinessRequest,
};
pub use portal::{Portal, PortalAccount, PortalBusiness, PortalMe};
pub use reextract::{ExtractNowRequest, ImpactView};
pub use schedule::{CancelScheduleRequest, ScheduleDeactivationRequest};
pub use session::{ClientRef, Session, SessionRole, SessionUser, SignInRequest, UserKind};

use crate::extraction::Fields;
use crate::ids::{BusinessId, ClientId, DocumentId, UserId};
use crate::model::{Client, Document, NotExtractedReason, Status};
use crate::rules::Event;
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
    /// The row for `client` as it is now, keeping `updated_at`.
    pub fn refreshed(&self, client: &Client) -> ClientSummary {
        let owner = client.user(client.owner).map_or_else(
            || self.owner.clone(),
            |user| UserRef {
                id: user.id,
                name: user.name.clone(),
            },
        );
        ClientSummary {
            id: client.id,
            name: client.name.clone(),
            code: client.code.clone(),
            status: client.status,
            business_count: client.businesses.len(),
            owner,
            updated_at: self.updated_at.clone(),
            version: client.version,
            scheduled_deactivation: client.scheduled_deactivation.clone(),
            schedule_failure: client.schedule_failure.clone(),
        }
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

/// What an activity entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ActivityAction {
    /// R1 was applied.
    ClientDeactivated,
    /// R2 was applied.
    ClientReactivated,
    /// R3 was applied.
    BusinessDeactivated,
    /// R4 was applied.
    BusinessReactivated,
    /// The client was added (by hand or by an import).
    ClientAdded,
    /// The client's name or code changed.
    ClientEdited,
    /// A business was added.
    BusinessAdded,
    /// A business was renamed.
    BusinessRenamed,
    /// A user was added and invited.
    UserInvited,
    /// A user was removed.
    UserRemoved,
    /// A deactivation or reactivation was undone.
    ChangeUndone,
    /// Documents added while the client was deactivated were queued for
    /// extraction ("Extract now").
    DocumentsExtracted,
    /// A deactivation was scheduled for a later day.
    DeactivationScheduled,
    /// A scheduled deactivation was cancelled.
    ScheduledDeactivationCancelled,
    /// A scheduled deactivation fell due and was refused; `reason` says why.
    ScheduledDeactivationFailed,
}

impl ActivityAction {
    /// The action an event records.
    pub fn of(event: &Event) -> ActivityAction {
        match event {
            Event::ClientDeactivated { .. } => ActivityAction::ClientDeactivated,
            Event::ClientReactivated => ActivityAction::ClientReactivated,
            Event::BusinessDeactivated { .. } => ActivityAction::BusinessDeactivated,
            Event::BusinessReactivated { .. } => ActivityAction::BusinessReactivated,
            Event::ClientEdited { .. } => ActivityAction::ClientEdited,
            Event::BusinessAdded { .. } => ActivityAction::BusinessAdded,
            Event::BusinessRenamed { .. } => ActivityAction::BusinessRenamed,
            Event::UserAdded { .. } => ActivityAction::UserInvited,
            Event::UserRemoved { .. } => ActivityAction::UserRemoved,
            Event::ChangeUndone { .. } => ActivityAction::ChangeUndone,
            Event::DeactivationScheduled { .. } => ActivityAction::DeactivationScheduled,
            Event::ScheduledDeactivationCancelled => ActivityAction::ScheduledDeactivationCancelled,
            Event::ScheduledDeactivationFailed { .. } => {
                ActivityAction::ScheduledDeactivationFailed
            }
        }
    }

    /// A short sentence for people, such as "Deactivated the client".
    pub fn summary(self) -> &'static str {
        match self {
            ActivityAction::ClientDeactivated => "Deactivated the client and all of its businesses",
            ActivityAction::ClientReactivated => "Reactivated the client and all of its businesses",
            ActivityAction::BusinessDeactivated => "Deactivated a business",
            ActivityAction::BusinessReactivated => "Reactivated a business",
            ActivityAction::ClientAdded => "Added the client",
            ActivityAction::ClientEdited => "Changed the client's name or code",
            ActivityAction::BusinessAdded => "Added a business",
            ActivityAction::BusinessRenamed => "Renamed a business",
            ActivityAction::UserInvited => "Invited a user",
            ActivityAction::UserRemoved => "Removed a user",
            ActivityAction::ChangeUndone => "Undid the previous deactivation or reactivation",
            ActivityAction::DocumentsExtracted => {
                "Queued documents added while deactivated for extraction"
            }
            ActivityAction::DeactivationScheduled => "Scheduled the client's deactivation",
            ActivityAction::ScheduledDeactivationCancelled => {
                "Cancelled the scheduled deactivation"
            }
            ActivityAction::ScheduledDeactivationFailed => "The scheduled deactivation was refused",
        }
    }

    /// The wire name, such as `client_deactivated`.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityAction::ClientDeactivated => "client_deactivated",
            ActivityAction::ClientReactivated => "client_reactivated",
            ActivityAction::BusinessDeactivated => "business_deactivated",
            ActivityAction::BusinessReactivated => "business_reactivated",
            ActivityAction::ClientAdded => "client_added",
            ActivityAction::ClientEdited => "client_edited",
            ActivityAction::BusinessAdded => "business_added",
            ActivityAction::BusinessRenamed => "business_renamed",
            ActivityAction::UserInvited => "user_invited",
            ActivityAction::UserRemoved => "user_removed",
            ActivityAction::ChangeUndone => "change_undone",
            ActivityAction::DocumentsExtracted => "documents_extracted",
            ActivityAction::DeactivationScheduled => "deactivation_scheduled",
            ActivityAction::ScheduledDeactivationCancelled => "scheduled_deactivation_cancelled",
            ActivityAction::ScheduledDeactivationFailed => "scheduled_deactivation_failed",
        }
    }

    /// Parses the wire name; anything else is `None`.
    pub fn parse(text: &str) -> Option<ActivityAction> {
        [
            ActivityAction::ClientDeactivated,
            ActivityAction::ClientReactivated,
            ActivityAction::BusinessDeactivated,
            ActivityAction::BusinessReactivated,
            ActivityAction::ClientAdded,
            ActivityAction::ClientEdited,
            ActivityAction::BusinessAdded,
            ActivityAction::BusinessRenamed,
            ActivityAction::UserInvited,
            ActivityAction::UserRemoved,
            ActivityAction::ChangeUndone,
            ActivityAction::DocumentsExtracted,
            ActivityAction::DeactivationScheduled,
            ActivityAction::ScheduledDeactivationCancelled,
            ActivityAction::ScheduledDeactivationFailed,
        ]
        .into_iter()
        .find(|action| action.as_str() == text)
    }
}

/// One entry of a client's activity log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityEntry {
    /// The entry's id; larger is newer.
    pub id: u64,
    /// When (RFC 3339).
    pub at: String,
    /// Who made the change: their name.
    pub actor: String,
    /// The id of the staff member who made the change; `null` for entries
    /// from before people signed in.
    pub actor_id: Option<u64>,
    /// What was done.
    pub action: ActivityAction,
    /// `action` in words.
    pub summary: String,
    /// The business, for a business action.
    pub business: Option<BusinessRef>,
    /// The new owner, for a deactivation.
    pub new_owner: Option<UserRef>,
    /// The user invited or removed.
    #[serde(default)]
    pub user: Option<UserRef>,
    /// The reason given, if any.
    pub reason: Option<String>,
    /// How many documents, for `documents_extracted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_count: Option<u64>,
}

/// A document's extraction state on the wire, without its reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ExtractionState {
    /// Waiting to be extracted.
    Queued,
    /// Being read now.
    Extracting,
    /// Extracted.
    Extracted,
    /// Every try failed; `failure` says why.
    Failed,
    /// Stored, never to be extracted; see the reason.
    NotExtracted,
}

impl ExtractionState {
    /// The state in words, as the app shows it.
    pub fn label(self) -> &'static str {
        match self {
            ExtractionState::Queued => "Queued for extraction",
            ExtractionState::Extracting => "Extracting…",
            ExtractionState::Extracted => "Extracted",
            ExtractionState::Failed => "Extraction failed",
            ExtractionState::NotExtracted => "Not extracted",
        }
    }
}

/// A document as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentView {
    /// The document's id.
    pub id: DocumentId,
    /// The business it was sent to.
    pub business_id: BusinessId,
    /// The uploaded file's name.
    pub file_name: String,
    /// When it was added (RFC 3339).
    pub added_at: String,
    /// Who added it.
    pub added_by: String,
    /// Its extraction state.
    pub extraction: ExtractionState,
    /// Why it was not extracted, if it was not.
    pub reason: Option<NotExtractedReason>,
    /// The reason in words.
    pub reason_message: Option<String>,
    /// The file's size in bytes.
    pub size_bytes: Option<u64>,
    /// The file's media type, such as `application/pdf`.
    pub content_type: Option<String>,
    /// The SHA-256 of the file's bytes, in lower-case hex.
    pub sha256: Option<String>,
    /// Why extraction failed, for a `failed` document.
    pub failure: Option<String>,
    /// What was read, once `extracted`.
    pub fields: Option<Fields>,
}

impl DocumentView {
    /// The view of `document`, with its time already formatted by the caller.
    pub fn new(document: &Document, added_at: String) -> DocumentView {
        use crate::model::Extraction;
        let reason = document.extraction.reason();
        DocumentView {
            id: document.id,
            business_id: document.business,
            file_name: document.file_name.clone(),
            added_at,
            added_by: document.added_by.clone(),
            extraction: match document.extraction {
                Extraction::Queued => ExtractionState::Queued,
                Extraction::Extracting => ExtractionState::Extracting,
                Extraction::Extracted => ExtractionState::Extracted,
                Extraction::Failed => ExtractionState::Failed,
                Extraction::NotExtracted(_) => ExtractionState::NotExtracted,
            },
            reason,
            reason_message: reason.map(|reason| reason.message().to_owned()),
            size_bytes: document.file.as_ref().map(|file| file.size_bytes),
            content_type: document.file.as_ref().map(|file| file.content_type.clone()),
            sha256: document.file.as_ref().map(|file| file.sha256.clone()),
            failure: None,
            fields: None,
        }
    }
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
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 500,
            pattern = r"^[^\u0000-\u0009\u000b-\u001f\u007f-\u009f]*$"
        )
    )]
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
}
