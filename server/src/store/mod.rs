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

mod activity;
mod cursor;
pub mod postgres;
pub mod sqlite;

pub(crate) use activity::ActivityRow;
pub use cursor::Cursor;

use crate::domain::IdempotencyKey;
use clientele_core::onboarding::OnboardingError;
use clientele_core::wire::{ActivityEntry, ClientPage, DocumentView, ImportProblem, SessionUser};
use clientele_core::{
    BusinessId, Client, ClientId, Command, Document, DocumentFile, DocumentId, Extraction,
    Practice, PracticeId, Principal, Role, RuleError, StaffId, StaffRole, Status, Timestamp,
    UserId,
};
use std::collections::HashSet;

mod onboarding;
mod reextract;
mod schedules;

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
        + ReextractStore
        + ScheduleStore,
> Storage for T
{
}

/// A document a worker has taken to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The document.
    pub id: DocumentId,
    /// Its file.
    pub file: DocumentFile,
}

/// What taking the next queued document came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    /// Taken to be read: it is `extracting` now.
    Read(Claim),
    /// Its business or client was deactivated since the upload, so it is
    /// `not_extracted` now (R5 at pick-up).
    NotExtracted(DocumentId),
}

/// What reading a document came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadOutcome {
    /// Read: the fields found, and all the text.
    Extracted {
        /// The fields.
        fields: clientele_core::extraction::Fields,
        /// The text the fields were read from.
        raw_text: String,
    },
    /// Not read, and why, for people.
    Failed(String),
}

/// The extraction queue.
pub trait ExtractionStore: Send + Sync + 'static {
    /// Queues again every document left `extracting` by a server that
    /// stopped while reading it (with PostgreSQL: by an instance that is
    /// gone, not one still reading); answers how many.
    fn requeue_interrupted(&self) -> Result<usize, StoreError>;
    /// Takes the oldest queued document that is due, with R5 applied again.
    fn claim_next(&self, now: Timestamp) -> Result<Option<Picked>, StoreError>;
    /// Records a read's outcome, if the document is still `extracting`:
    /// extracted, queued again after a wait, or `failed` after its last try.
    /// Answers whether it was recorded.
    fn finish(
        &self,
        id: DocumentId,
        outcome: ReadOutcome,
        at: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Queues a `failed` document again ("Retry"), with all its tries.
    fn retry(&self, scope: Scope, id: DocumentId) -> Result<DocumentView, StoreError>;
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

/// Who a login belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A member of a practice's staff.
    Staff(StaffId),
    /// A user of a client's account.
    ClientUser(UserId),
}

/// A login as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The argon2id hash in PHC format.
    pub password_hash: String,
    /// Whose login it is.
    pub subject: Subject,
}

/// The SHA-256 of a session id: all the store ever sees of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SessionKey(pub [u8; 32]);

/// A session to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// Its key.
    pub key: SessionKey,
    /// The token changes must carry.
    pub csrf_token: String,
    /// Who signed in.
    pub subject: Subject,
    /// When.
    pub at: Timestamp,
}

/// A session as stored, with who it belongs to as they are now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The person, as the API shows them.
    pub user: SessionUser,
    /// The person, as the permission rules see them.
    pub principal: Principal,
    /// The token changes must carry.
    pub csrf_token: String,
    /// When they signed in.
    pub created_at: Timestamp,
    /// When the session was last used.
    pub last_seen_at: Timestamp,
}

/// Sign-in and sessions.
pub trait AccountStore: Send + Sync + 'static {
    /// The login for a normalised email, if there is one.
    fn credentials(&self, email: &str) -> Result<Option<Credentials>, StoreError>;
    /// When sign-in failed for a normalised email, since `since`.
    fn sign_in_failures(&self, email: &str, since: Timestamp)
    -> Result<Vec<Timestamp>, StoreError>;
    /// Records a failed sign-in; failures older than `forget_before` go.
    fn record_sign_in_failure(
        &self,
        email: &str,
        at: Timestamp,
        forget_before: Timestamp,
    ) -> Result<(), StoreError>;
    /// Forgets the failures of an email, after a successful sign-in.
    fn clear_sign_in_failures(&self, email: &str) -> Result<(), StoreError>;
    /// Starts a session, ending `replacing` (the caller's previous session,
    /// if any) in the same transaction.
    fn start_session(
        &self,
        session: NewSession,
        replacing: Option<SessionKey>,
    ) -> Result<(), StoreError>;
    /// The session with this key, if it exists (live or not).
    fn session(&self, key: SessionKey) -> Result<Option<SessionRecord>, StoreError>;
    /// [`AccountStore::session`] answered at once, on the calling thread, if
    /// the store can do so without waiting (a lookup by key on a connection
    /// that is free); `None` if it cannot, and the caller reads it as any
    /// other blocking work. Every request reads its session, so this saves
    /// each one a trip to a blocking thread and back.
    fn session_now(&self, _key: SessionKey) -> Option<Result<Option<SessionRecord>, StoreError>> {
        None
    }
    /// Records that a session was used at `at`.
    fn touch_session(&self, key: SessionKey, at: Timestamp) -> Result<(), StoreError>;
    /// Ends a session; its cookie is worthless from then on.
    fn end_session(&self, key: SessionKey) -> Result<(), StoreError>;
}

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
/// and imports; uploads go through [`ClientStore::add_document`]).
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
    /// Creates a practice.
    fn add_practice(&mut self, name: &str) -> Result<Practice, StoreError>;
    /// Creates a member of staff who can sign in.
    fn add_staff(&mut self, staff: NewStaff) -> Result<StaffId, StoreError>;
    /// Creates a client with its users and businesses, at version 1.
    fn add_client(&mut self, client: NewClient) -> Result<Client, StoreError>;
    /// Stores a document as given.
    fn add_document(&mut self, document: DocumentRecord) -> Result<DocumentId, StoreError>;
}

/// Creating practices, staff and clients from outside the HTTP API.
pub trait Provisioning: Send + Sync + 'static {
    /// Whether there is no practice at all.
    fn is_empty(&self) -> Result<bool, StoreError>;
    /// Runs `work` in one transaction: all of it is stored, or none.
    fn provision(
        &self,
        work: &mut dyn FnMut(&mut dyn Provision) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
}
