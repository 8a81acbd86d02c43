//! The client's activity log on the wire: what each entry records.

use super::{BusinessRef, UserRef};
use crate::commands::Event;
use serde::{Deserialize, Serialize};

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
    /// A user who had not set a password was sent a new invitation link,
    /// which replaced their last.
    InvitationRenewed,
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
            ActivityAction::InvitationRenewed => "Sent a user a new invitation link",
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
            ActivityAction::InvitationRenewed => "invitation_renewed",
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
            ActivityAction::InvitationRenewed,
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
