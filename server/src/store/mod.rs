//! Storage, behind small capability traits so handlers never see SQL:
//! [`ClientStore`] for the practice's clients, [`AccountStore`] for sign-in
//! and sessions, [`Provisioning`] for creating practices, staff and clients
//! from outside (the demo seed, `create-admin`), and [`OnboardingStore`] for
//! adding, inviting, importing and exporting clients. Two stores implement
//! them with the same semantics: [`sqlite`] (one instance, the default) and
//! [`postgres`] (several instances on one database).
//!
//! Every client read and change is scoped to one practice: another
//! practice's ids are simply not found.

mod accounts;
mod activity;
mod cursor;
mod extraction;
mod invitations;
mod onboarding;
pub mod postgres;
mod provision;
mod reextract;
mod schedules;
pub mod sqlite;

pub use accounts::{AccountStore, Credentials, NewSession, SessionKey, SessionRecord, Subject};
pub(crate) use activity::ActivityRow;
pub use cursor::Cursor;
pub use extraction::{Claim, ExtractionStore, Picked, ReadOutcome};
pub use provision::{
    DocumentRecord, NewBusiness, NewClient, NewStaff, NewUser, Provision, Provisioning,
};

use crate::domain::IdempotencyKey;
use clientele_core::onboarding::OnboardingError;
use clientele_core::wire::{ActivityEntry, ClientPage, DocumentView, ImportProblem};
use clientele_core::{
    BusinessId, Client, ClientId, Command, Document, DocumentFile, DocumentId, Practice,
    PracticeId, RuleError, StaffId, Status, Timestamp,
};
use std::collections::HashSet;

pub use invitations::{InvitationOf, InvitationStore, RenewInvitation};
pub use onboarding::{
    AddClient, ExportRow, ImportBatch, InvitationKey, InvitationRecord, NewInvitation,
    OnboardingStore, Taken, status_of,
};
pub use schedules::{Due, ScheduleStore};

pub use postgres::PostgresStore;
pub use reextract::{ExtractNow, ReextractStore};
pub use sqlite::{Durability, SqliteStore};

/// Everything the server needs from storage, as one object.
pub trait Storage:
    ClientStore
    + DocumentStore
    + ExtractionStore
    + AccountStore
    + Provisioning
    + OnboardingStore
    + InvitationStore
    + ReextractStore
    + ScheduleStore
{
}

impl<
    T: ClientStore
        + DocumentStore
        + ExtractionStore
        + AccountStore
        + Provisioning
        + OnboardingStore
        + InvitationStore
        + ReextractStore
        + ScheduleStore,
> Storage for T
{
}

/// Whose documents a caller reaches: a practice's staff reach all of their
/// practice's, a client user only their own account's. Anything outside the
/// scope is not found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every client of one practice.
    Practice(PracticeId),
    /// One client account.
    Account(ClientId),
}

/// Who made a change, as the activity log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The staff member's id.
    pub id: StaffId,
    /// Their name.
    pub name: String,
}

/// How the client list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

/// A practice's data version (`practice_data_versions`): every commit that
/// changes what the practice's client list shows moves it on, in the same
/// transaction, and it never goes back. Two reads at one version read the
/// same list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DataVersion(pub i64);

/// Something read, and the practice's data version it was read at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned<T> {
    /// The data version the read saw.
    pub version: DataVersion,
    /// What was read.
    pub value: T,
}

/// One page of the client list, as asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListQuery {
    /// Which tab.
    pub status: Status,
    /// A case-insensitive part of the name or the code, or empty for all.
    pub search: String,
    /// The order.
    pub sort: Sort,
    /// Rows to skip (the older way to page; `after` is the scalable one).
    pub offset: u64,
    /// Start just after this row (keyset paging), or at the top.
    pub after: Option<Cursor>,
    /// Rows to return at most.
    pub limit: u64,
}

/// A change to one client, with what the store needs to record it.
#[derive(Debug, Clone)]
pub struct Change {
    /// The practice the client must belong to.
    pub practice: PracticeId,
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
    /// Who sent it: keys are scoped to their sender.
    pub owner: String,
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
        /// For a stale version: who made the first change after it, as the
        /// activity recorded it.
        changed_by: Option<String>,
    },
    /// The idempotency key was used before for a different request.
    #[error("the idempotency key was used for a different request")]
    IdempotencyKeyReused,
    /// Someone already signs in with this email.
    #[error("the email {0} is already in use")]
    EmailTaken(String),
    /// Only a document whose extraction failed can be queued again.
    #[error("only a document whose extraction failed can be retried")]
    NotFailed,
    /// An onboarding rule refused something that has no client yet (a new
    /// client, an invitation).
    #[error("{0}")]
    Onboarding(OnboardingError),
    /// No invitation has this token.
    #[error("no such invitation")]
    InvitationNotFound,
    /// An import's rows are wrong; nothing was written.
    #[error("the import has {} problems", .0.len())]
    ImportInvalid(Vec<ImportProblem>),
    /// "Extract now" was refused by `core`.
    #[error("{0}")]
    ExtractNow(clientele_core::reextract::ExtractNowError),
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

/// A new document to store, its file already stored.
#[derive(Debug, Clone)]
pub struct NewDocument {
    /// Where the business must be.
    pub scope: Scope,
    /// The business it is sent to.
    pub business_id: BusinessId,
    /// The file's name, cleaned.
    pub file_name: String,
    /// The stored file.
    pub file: DocumentFile,
    /// Who added it: a staff member's or a client user's name.
    pub added_by: String,
    /// When.
    pub at: Timestamp,
    /// The request's idempotency key, if it had one.
    pub idempotency: Option<Idempotency>,
}

/// How long an answer stays stored under its idempotency key: 24 hours.
/// A retry after that is decided afresh.
pub const IDEMPOTENCY_KEPT_MS: i64 = 24 * 60 * 60 * 1000;

/// The practice's clients: every method is scoped to one practice.
pub trait ClientStore: Send + Sync + 'static {
    /// Whether the database answers a trivial query.
    fn ping(&self) -> Result<(), StoreError>;
    /// Forgets every stored idempotent answer older than `before`; answers
    /// how many.
    fn forget_answers_before(&self, before: Timestamp) -> Result<usize, StoreError>;
    /// The practice.
    fn practice(&self, practice: PracticeId) -> Result<Practice, StoreError>;
    /// The practice's data version: it moves on with every commit that
    /// changes what the client list shows.
    fn data_version(&self, practice: PracticeId) -> Result<DataVersion, StoreError>;
    /// A page of the practice's client list, with the data version it was
    /// read at (in the same transaction).
    fn list_clients(
        &self,
        practice: PracticeId,
        query: &ListQuery,
    ) -> Result<Versioned<ClientPage>, StoreError>;
    /// One client, whole.
    fn client(&self, practice: PracticeId, id: ClientId) -> Result<Client, StoreError>;
    /// A client's activity, newest first.
    fn activity(
        &self,
        practice: PracticeId,
        id: ClientId,
    ) -> Result<Vec<ActivityEntry>, StoreError>;
    /// Applies a change through `core`'s rules in one transaction.
    fn change(&self, change: Change) -> Result<Outcome<Client>, StoreError>;
    /// [`ClientStore::change`] queued for a store whose writer groups
    /// changes, answered on the receiver once committed; called within the
    /// Tokio runtime. A store without such a writer gives the change back,
    /// for the caller to run [`ClientStore::change`] as blocking work.
    fn hand_over_change(&self, change: Change) -> Result<HandedOver, Box<Change>> {
        Err(Box::new(change))
    }
    /// A client account whole, with its practice, for its own users.
    fn account(&self, id: ClientId) -> Result<(Client, Practice), StoreError>;
}

/// The answer to a change handed over ([`ClientStore::hand_over_change`]).
pub type HandedOver = tokio::sync::oneshot::Receiver<Result<Outcome<Client>, StoreError>>;

/// Documents: their rows; the files themselves are kept by
/// [`crate::files::FileStore`].
pub trait DocumentStore: Send + Sync + 'static {
    /// The client a business belongs to, if it is in `scope`.
    fn client_of_business(&self, scope: Scope, business: BusinessId) -> Result<Client, StoreError>;
    /// A business's documents, newest first.
    fn documents(
        &self,
        scope: Scope,
        business: BusinessId,
    ) -> Result<Vec<DocumentView>, StoreError>;
    /// Stores a document whose file is stored, with its extraction state
    /// decided by `core` (R5), in one transaction.
    fn add_document(&self, document: NewDocument) -> Result<Outcome<DocumentView>, StoreError>;
    /// One document, if it is in `scope`.
    fn document(&self, scope: Scope, id: DocumentId) -> Result<Document, StoreError>;
    /// The SHA-256 of every file a document refers to.
    fn referenced_files(&self) -> Result<HashSet<String>, StoreError>;
}
