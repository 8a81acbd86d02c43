//! The state the rules work on: practices, clients, businesses, users and
//! documents. These types are also the JSON shapes the server sends.

use crate::ids::{BusinessId, ClientId, DocumentId, PracticeId, UserId};
use crate::schedule::{ScheduleFailure, ScheduledDeactivation};
use serde::{Deserialize, Serialize};

/// Whether a client or a business is managed by the practice right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Status {
    /// Managed by the practice; new documents are extracted.
    Active,
    /// No longer managed; documents are kept but new ones are not extracted.
    Deactivated,
}

impl Status {
    /// The wire name, as used in URLs and JSON (`"active"`, `"deactivated"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Deactivated => "deactivated",
        }
    }

    /// Parses the wire name; anything else is `None`.
    pub fn parse(text: &str) -> Option<Status> {
        match text {
            "active" => Some(Status::Active),
            "deactivated" => Some(Status::Deactivated),
            _ => None,
        }
    }
}

/// A point in time, in milliseconds since the Unix epoch. The caller supplies
/// it: `core` never reads a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

/// The bookkeeping practice that manages Solo clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Practice {
    /// The practice's id.
    pub id: PracticeId,
    /// The practice's name, shown in the sidebar.
    pub name: String,
}

/// What a user may do inside a client's account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// Manages the account's users and settings.
    Admin,
    /// Sends in and reads documents.
    Standard,
}

/// A person with a login to a client's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientUser {
    /// The user's id.
    pub id: UserId,
    /// Full name.
    pub name: String,
    /// Login email.
    pub email: String,
    /// What the user may do in the account.
    pub role: Role,
}

/// One business inside a client's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Business {
    /// The business's id.
    pub id: BusinessId,
    /// Trading name.
    pub name: String,
    /// Active or deactivated.
    pub status: Status,
    /// The user who owns the business.
    pub owner: UserId,
}

/// A Solo client: one account, its users and its businesses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Client {
    /// The client's id.
    pub id: ClientId,
    /// The client's name.
    pub name: String,
    /// The practice's own code for the client, unique within the practice
    /// whatever its case; `null` when it has none.
    #[serde(default)]
    pub code: Option<String>,
    /// Active or deactivated.
    pub status: Status,
    /// Raised by exactly one on every accepted change; changes are made
    /// against a version so that stale ones are refused.
    pub version: u64,
    /// The account owner.
    pub owner: UserId,
    /// The people with a login to the account.
    pub users: Vec<ClientUser>,
    /// The businesses in the account.
    pub businesses: Vec<Business>,
    /// A deactivation planned for a later day, if any.
    #[serde(default)]
    pub scheduled_deactivation: Option<ScheduledDeactivation>,
    /// Why the last scheduled deactivation was refused when it fell due, if
    /// it was; cleared by a new schedule or a deactivation.
    #[serde(default)]
    pub schedule_failure: Option<ScheduleFailure>,
}

impl Client {
    /// The user with this id, if they belong to the account.
    pub fn user(&self, id: UserId) -> Option<&ClientUser> {
        self.users.iter().find(|user| user.id == id)
    }

    /// The business with this id, if it belongs to the account.
    pub fn business(&self, id: BusinessId) -> Option<&Business> {
        self.businesses.iter().find(|business| business.id == id)
    }

    /// The client's businesses with this status, in their stored order.
    pub fn businesses_with(&self, status: Status) -> impl Iterator<Item = &Business> {
        self.businesses
            .iter()
            .filter(move |business| business.status == status)
    }

    /// How many of the client's businesses have this status.
    pub fn count_businesses(&self, status: Status) -> usize {
        self.businesses_with(status).count()
    }
}

/// Why a document was stored without being extracted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum NotExtractedReason {
    /// The client was deactivated when the document was added.
    ClientDeactivated,
    /// The business was deactivated when the document was added.
    BusinessDeactivated,
}

impl NotExtractedReason {
    /// A sentence for people.
    pub fn message(self) -> &'static str {
        match self {
            NotExtractedReason::ClientDeactivated => {
                "The client is deactivated, so new documents are not extracted."
            }
            NotExtractedReason::BusinessDeactivated => {
                "The business is deactivated, so new documents are not extracted."
            }
        }
    }
}

/// Where a document stands in data extraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Extraction {
    /// Waiting to be extracted.
    Queued,
    /// Being read by a worker now.
    Extracting,
    /// Extracted.
    Extracted,
    /// Read and failed every try; why is kept with the document.
    Failed,
    /// Stored but never to be extracted, and why.
    NotExtracted(NotExtractedReason),
}

impl Extraction {
    /// The wire name: `queued`, `extracting`, `extracted`, `failed` or
    /// `not_extracted`.
    pub fn as_str(self) -> &'static str {
        match self {
            Extraction::Queued => "queued",
            Extraction::Extracting => "extracting",
            Extraction::Extracted => "extracted",
            Extraction::Failed => "failed",
            Extraction::NotExtracted(_) => "not_extracted",
        }
    }

    /// The reason, for a document that was not extracted.
    pub fn reason(self) -> Option<NotExtractedReason> {
        match self {
            Extraction::NotExtracted(reason) => Some(reason),
            _ => None,
        }
    }
}

/// A document's stored file: its size, type and content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentFile {
    /// Its size in bytes.
    pub size_bytes: u64,
    /// Its media type, recognised from its first bytes.
    pub content_type: String,
    /// The SHA-256 of its bytes, in lower-case hex; files are stored under it.
    pub sha256: String,
}

/// A receipt or invoice sent in to one business.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// The document's id.
    pub id: DocumentId,
    /// The business it was sent to.
    pub business: BusinessId,
    /// The uploaded file's name.
    pub file_name: String,
    /// When it was added.
    pub added_at: Timestamp,
    /// Who added it.
    pub added_by: String,
    /// Its extraction state, fixed when it was added (R5).
    pub extraction: Extraction,
    /// Its file; `None` only for documents recorded before files were kept.
    pub file: Option<DocumentFile>,
}
