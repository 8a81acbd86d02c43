//! Who may do what. Every request is made by a [`Principal`]; [`allows`]
//! decides, once, whether it may take an [`Action`]. The server enforces the
//! answer and the app uses the same function to decide what to show.
//!
//! Which practice a resource belongs to is not decided here: the store only
//! ever finds a practice's own clients, so another practice's ids answer
//! "not found" exactly like ids that do not exist.

use crate::commands::Command;
use crate::ids::{ClientId, PracticeId, StaffId, UserId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a member of a practice's staff may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Runs the practice's Clientele: everything staff may do, plus
    /// deactivating and reactivating clients and businesses.
    PracticeAdmin,
    /// Reads every client of the practice and adds documents.
    Staff,
}

impl StaffRole {
    /// The wire name: `practice_admin` or `staff`.
    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::PracticeAdmin => "practice_admin",
            StaffRole::Staff => "staff",
        }
    }

    /// Parses the wire name; anything else is `None`.
    pub fn parse(text: &str) -> Option<StaffRole> {
        match text {
            "practice_admin" => Some(StaffRole::PracticeAdmin),
            "staff" => Some(StaffRole::Staff),
            _ => None,
        }
    }
}

/// Who is asking: a signed-in person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Principal {
    /// A member of a practice's staff.
    Staff {
        /// The staff member.
        id: StaffId,
        /// Their practice.
        practice: PracticeId,
        /// What they may do there.
        role: StaffRole,
    },
    /// A user of one client's account.
    ClientUser {
        /// The user.
        id: UserId,
        /// The practice that manages (or managed) the account.
        practice: PracticeId,
        /// The account.
        client: ClientId,
    },
}

impl Principal {
    /// The practice whose data this person may see.
    pub fn practice(&self) -> PracticeId {
        match self {
            Principal::Staff { practice, .. } | Principal::ClientUser { practice, .. } => *practice,
        }
    }
}

/// Something a person may ask to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Read the practice's clients: the list, a client, its businesses,
    /// activity and documents, and the practice itself.
    ReadClients,
    /// Add a document to one of the practice's businesses.
    AddDocument,
    /// R1.
    DeactivateClient,
    /// R2.
    ReactivateClient,
    /// R3.
    DeactivateBusiness,
    /// R4.
    ReactivateBusiness,
    /// Read one's own client account in the portal: its businesses and
    /// documents.
    ReadOwnAccount,
    /// Add a document to a business of one's own client account.
    AddOwnDocument,
    /// Download a document's file (from one's practice, or one's account).
    DownloadDocument,
    /// Queue a document whose extraction failed again ("Retry").
    RetryExtraction,
    /// Add a client, edit a client's name and code, add and rename its
    /// businesses, invite and remove its users.
    EditClients,
    /// Import clients from a CSV file.
    ImportClients,
    /// Undo a deactivation or reactivation ([`crate::undo`]).
    UndoChange,
    /// "Extract now": queue the documents added while a client or business
    /// was deactivated, once both are active again.
    ExtractNow,
    /// Schedule a client's deactivation for a later day, or cancel it.
    ScheduleDeactivation,
}

impl Action {
    /// Every action, for tables of tests.
    pub const ALL: [Action; 15] = [
        Action::ReadClients,
        Action::AddDocument,
        Action::DeactivateClient,
        Action::ReactivateClient,
        Action::DeactivateBusiness,
        Action::ReactivateBusiness,
        Action::ReadOwnAccount,
        Action::AddOwnDocument,
        Action::DownloadDocument,
        Action::RetryExtraction,
        Action::EditClients,
        Action::ImportClients,
        Action::UndoChange,
        Action::ExtractNow,
        Action::ScheduleDeactivation,
    ];

    /// The action a change command takes.
    pub fn of(command: &Command) -> Action {
        match command {
            Command::DeactivateClient { .. } => Action::DeactivateClient,
            Command::ReactivateClient => Action::ReactivateClient,
            Command::DeactivateBusiness { .. } => Action::DeactivateBusiness,
            Command::ReactivateBusiness { .. } => Action::ReactivateBusiness,
            Command::EditClient { .. }
            | Command::AddBusiness { .. }
            | Command::RenameBusiness { .. }
            | Command::AddUser { .. }
            | Command::RemoveUser { .. } => Action::EditClients,
            Command::UndoChange { .. } => Action::UndoChange,
            Command::ScheduleDeactivation { .. } | Command::CancelScheduledDeactivation => {
                Action::ScheduleDeactivation
            }
            // When it falls due it is R1, made by the admin who scheduled it.
            Command::RunScheduledDeactivation { .. } => Action::DeactivateClient,
        }
    }

    /// Whether this is one of the four activation changes.
    pub fn is_activation_change(self) -> bool {
        matches!(
            self,
            Action::DeactivateClient
                | Action::ReactivateClient
                | Action::DeactivateBusiness
                | Action::ReactivateBusiness
        )
    }
}

/// Why a principal may not take an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// Only a practice admin may deactivate or reactivate.
    PracticeAdminOnly,
    /// Only a practice admin may import clients.
    ImportAdminOnly,
    /// Only a practice admin may extract documents added while deactivated.
    ExtractAdminOnly,
    /// The practice's routes are for its staff; client users have their own.
    PracticeStaffOnly,
    /// The portal is for the users of a client's account.
    ClientUsersOnly,
}

impl Denied {
    /// The stable machine code: always `forbidden`.
    pub fn code(self) -> &'static str {
        "forbidden"
    }
}

impl fmt::Display for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Denied::PracticeAdminOnly => {
                "Only a practice admin can deactivate or reactivate clients and businesses."
            }
            Denied::ImportAdminOnly => "Only a practice admin can import clients.",
            Denied::ExtractAdminOnly => {
                "Only a practice admin can extract documents added while a client was deactivated."
            }
            Denied::PracticeStaffOnly => {
                "This is for the practice's staff. Client users see their own account instead."
            }
            Denied::ClientUsersOnly => {
                "This is the portal of a client's account, for the users of that account."
            }
        })
    }
}

impl std::error::Error for Denied {}

/// Whether `principal` may take `action`.
///
/// Which documents may be downloaded is scoped by the store: a practice's
/// staff reach their practice's, a client user their own account's.
pub fn allows(principal: &Principal, action: Action) -> Result<(), Denied> {
    use Action::*;
    match (principal, action) {
        (_, DownloadDocument | RetryExtraction) => Ok(()),
        (Principal::ClientUser { .. }, ReadOwnAccount | AddOwnDocument) => Ok(()),
        (Principal::ClientUser { .. }, _) => Err(Denied::PracticeStaffOnly),
        (Principal::Staff { .. }, ReadOwnAccount | AddOwnDocument) => Err(Denied::ClientUsersOnly),
        (Principal::Staff { role, .. }, action) => match (role, action) {
            (StaffRole::PracticeAdmin, _) => Ok(()),
            (StaffRole::Staff, ReadClients | AddDocument | EditClients) => Ok(()),
            (StaffRole::Staff, ImportClients) => Err(Denied::ImportAdminOnly),
            (StaffRole::Staff, ExtractNow) => Err(Denied::ExtractAdminOnly),
            (StaffRole::Staff, _) => Err(Denied::PracticeAdminOnly),
        },
    }
}

/// Whether `principal` may hear that a client of `practice` changed (the
/// live updates of `GET /api/events`): a practice's staff hear of every
/// client of their practice, a client user only of their own account, and
/// nobody of another practice's.
pub fn follows_changes_of(principal: &Principal, practice: PracticeId, client: ClientId) -> bool {
    if principal.practice() != practice {
        return false;
    }
    match principal {
        Principal::Staff { .. } => allows(principal, Action::ReadClients).is_ok(),
        Principal::ClientUser {
            client: own_client, ..
        } => *own_client == client,
    }
}

/// The one line the app shows to someone who may read but not change
/// clients: who can act. `None` when they can act themselves.
pub fn who_can_change(principal: &Principal) -> Option<&'static str> {
    match allows(principal, Action::DeactivateClient) {
        Ok(()) => None,
        Err(_) => Some(
            "You can view, add and edit clients and add documents. Only a practice admin can \
             deactivate or reactivate clients and businesses, or import clients.",
        ),
    }
}
