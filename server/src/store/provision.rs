//! Creating practices, staff and clients from outside the HTTP API (the
//! demo seed, `create-admin`), in one transaction.

use super::{Actor, StoreError};
use clientele_core::{
    BusinessId, Client, ClientId, DocumentFile, DocumentId, Event, Extraction, Practice,
    PracticeId, Role, StaffId, StaffRole, Status, Timestamp,
};

/// A member of staff to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStaff {
    /// Their practice.
    pub practice: PracticeId,
    /// Their name.
    pub name: String,
    /// Their email, normalised.
    pub email: String,
    /// What they may do.
    pub role: StaffRole,
    /// Their password's argon2id hash.
    pub password_hash: String,
}

/// A user of a new client's account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Their name.
    pub name: String,
    /// Their email, normalised.
    pub email: String,
    /// Their role in the account.
    pub role: Role,
    /// Their password's hash, if they can sign in yet.
    pub password_hash: Option<String>,
}

/// A business of a new client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBusiness {
    /// Its name.
    pub name: String,
    /// Active or deactivated.
    pub status: Status,
    /// Its owner: an index into the client's `users`.
    pub owner: usize,
}

/// A client to create, with its users and businesses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClient {
    /// Its practice.
    pub practice: PracticeId,
    /// Its name.
    pub name: String,
    /// The practice's code for it, if any.
    pub code: Option<String>,
    /// Active or deactivated.
    pub status: Status,
    /// The account owner: an index into `users`.
    pub owner: usize,
    /// Its users; at least one.
    pub users: Vec<NewUser>,
    /// Its businesses.
    pub businesses: Vec<NewBusiness>,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// A document as it is to be stored, extraction state and all (for seeding
/// and imports; uploads go through [`DocumentStore::add_document`](super::DocumentStore::add_document)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    /// The business.
    pub business: BusinessId,
    /// The file's name.
    pub file_name: String,
    /// When it was added.
    pub added_at: Timestamp,
    /// Who added it.
    pub added_by: String,
    /// Its extraction state.
    pub extraction: Extraction,
    /// Its stored file.
    pub file: Option<DocumentFile>,
    /// What was read from it, and its text, for an `extracted` document.
    pub read: Option<(clientele_core::extraction::Fields, String)>,
}

/// Writes made in one transaction by [`Provisioning::provision`].
pub trait Provision {
    /// Whether there is no practice at all, as this transaction sees it:
    /// provisioning transactions run one at a time, on every instance.
    fn is_empty(&mut self) -> Result<bool, StoreError>;
    /// Creates a practice.
    fn add_practice(&mut self, name: &str) -> Result<Practice, StoreError>;
    /// Creates a member of staff who can sign in.
    fn add_staff(&mut self, staff: NewStaff) -> Result<StaffId, StoreError>;
    /// The practice of the member of staff with this (normalised) email,
    /// if there is one.
    fn practice_of_staff(&mut self, email: &str) -> Result<Option<Practice>, StoreError>;
    /// Creates a client with its users and businesses, at version 1.
    fn add_client(&mut self, client: NewClient) -> Result<Client, StoreError>;
    /// Stores a document as given.
    fn add_document(&mut self, document: DocumentRecord) -> Result<DocumentId, StoreError>;
    /// Records in a client's activity that `actor` made `event` at `at`,
    /// as the change through the API would have (it is not offered for
    /// undo).
    fn record_activity(
        &mut self,
        client: ClientId,
        at: Timestamp,
        actor: &Actor,
        event: &Event,
    ) -> Result<(), StoreError>;
}

/// Creating practices, staff and clients from outside the HTTP API.
pub trait Provisioning: Send + Sync + 'static {
    /// Whether there is no practice at all.
    fn is_empty(&self) -> Result<bool, StoreError>;
    /// Runs `work` in one transaction: all of it is stored, or none. Two
    /// such transactions never overlap, even from several instances.
    fn provision(
        &self,
        work: &mut dyn FnMut(&mut dyn Provision) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
}
