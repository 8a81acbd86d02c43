//! Storage, behind a small capability trait so handlers never see SQL and a
//! PostgreSQL store could follow without touching them. The SQLite
//! implementation lives in [`sqlite`].

pub mod sqlite;

use crate::domain::{Actor, IdempotencyKey};
use clientele_core::wire::{ActivityEntry, ClientPage, DocumentView};
use clientele_core::{
    BusinessId, Client, ClientId, Command, Practice, RuleError, Status, Timestamp,
};

pub use sqlite::SqliteStore;

/// How the client list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// By name, A to Z.
    NameAscending,
    /// By name, Z to A.
    NameDescending,
    /// Most recently changed first.
    RecentlyUpdated,
    /// Least recently changed first.
    LeastRecentlyUpdated,
}

/// One page of the client list, as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// Which tab.
    pub status: Status,
    /// A case-insensitive part of the name, or empty for all.
    pub search: String,
    /// The order.
    pub sort: Sort,
    /// Rows to skip.
    pub offset: u64,
    /// Rows to return at most.
    pub limit: u64,
}

/// A change to one client, with what the store needs to record it.
#[derive(Debug, Clone)]
pub struct Change {
    /// The client to change.
    pub client_id: ClientId,
    /// The version the change was made against.
    pub expected_version: u64,
    /// What to do.
    pub command: Command,
    /// Who asked.
    pub actor: Actor,
    /// When.
    pub at: Timestamp,
    /// The request's idempotency key, if it had one.
    pub idempotency: Option<Idempotency>,
}

/// An `Idempotency-Key` and the request it came with, so a retry can be
/// told apart from a different request that reuses the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency {
    /// The key.
    pub key: IdempotencyKey,
    /// The whole request: method, path and body.
    pub request: String,
}

/// An answer stored under an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAnswer {
    /// The first answer's HTTP status.
    pub status: u16,
    /// The first answer's JSON body.
    pub body: String,
}

/// What a write came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<T> {
    /// The write was committed; what it produced.
    Done(T),
    /// The same request was made before with this key: its stored answer,
    /// and nothing was written this time.
    Replayed(StoredAnswer),
}

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No client, business or document with that id.
    #[error("not found")]
    NotFound,
    /// The rules refused the change; `current` is the client as it is.
    #[error("{error}")]
    Refused {
        /// Why.
        error: RuleError,
        /// The client as it is now, for the caller to reconcile with.
        current: Box<Client>,
    },
    /// The idempotency key was used before for a different request.
    #[error("the idempotency key was used for a different request")]
    IdempotencyKeyReused,
    /// The database failed; the details are for the log only.
    #[error("storage failed: {0}")]
    Internal(String),
}

impl StoreError {
    /// Says what was being done when the database failed, for the log;
    /// answers meant for the caller are left as they are.
    pub fn context(self, what: &str) -> StoreError {
        match self {
            StoreError::Internal(detail) => StoreError::Internal(format!("{what}: {detail}")),
            other => other,
        }
    }
}

/// A new document to store.
#[derive(Debug, Clone)]
pub struct NewDocument {
    /// The business it is sent to.
    pub business_id: BusinessId,
    /// The file's name.
    pub file_name: String,
    /// Who added it.
    pub added_by: Actor,
    /// When.
    pub at: Timestamp,
    /// The request's idempotency key, if it had one.
    pub idempotency: Option<Idempotency>,
}

/// Everything the handlers need from storage.
pub trait ClientStore: Send + Sync + 'static {
    /// The practice whose clients these are.
    fn practice(&self) -> Result<Practice, StoreError>;
    /// A page of the client list.
    fn list_clients(&self, query: &ListQuery) -> Result<ClientPage, StoreError>;
    /// One client, whole.
    fn client(&self, id: ClientId) -> Result<Client, StoreError>;
    /// A client's activity, newest first.
    fn activity(&self, id: ClientId) -> Result<Vec<ActivityEntry>, StoreError>;
    /// A business's documents, newest first.
    fn documents(&self, business_id: BusinessId) -> Result<Vec<DocumentView>, StoreError>;
    /// Applies a change through `core`'s rules in one transaction.
    fn change(&self, change: Change) -> Result<Outcome<Client>, StoreError>;
    /// Stores a document, with its extraction state decided by `core` (R5).
    fn add_document(&self, document: NewDocument) -> Result<Outcome<DocumentView>, StoreError>;
}
