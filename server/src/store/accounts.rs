//! Sign-in and sessions: who a login belongs to, their password's hash,
//! failed attempts, and the sessions they hold.

use super::StoreError;
use clientele_core::identity::Throttled;
use clientele_core::wire::SessionUser;
use clientele_core::{Principal, StaffId, Timestamp, UserId};

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
    /// Counts a sign-in attempt for a normalised email as failed until it
    /// proves right. In one transaction: forgets failures older than
    /// `forget_before`, asks `core` (`sign_in_allowed`) whether sign-in is
    /// open given the failures of `email` left, and if it is, records this
    /// attempt at `at` as one more. Attempts made at the same moment are so
    /// counted one after another, and none gets past the limit by racing.
    fn claim_sign_in_attempt(
        &self,
        email: &str,
        at: Timestamp,
        forget_before: Timestamp,
    ) -> Result<Result<(), Throttled>, StoreError>;
    /// Forgets the failures of an email (the attempt claimed, too), after a
    /// successful sign-in.
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
    /// Gives the login of a normalised email a new password hash, ends its
    /// sessions but `keep` (the one that changed it, if any) and forgets its
    /// failed sign-ins, in one transaction; whether there is such a login.
    fn set_password(
        &self,
        email: &str,
        password_hash: &str,
        keep: Option<SessionKey>,
    ) -> Result<bool, StoreError>;
}
