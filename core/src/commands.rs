//! What a practice asks of a client ([`Command`]) and what happened when
//! the rules accepted it ([`Event`]): the vocabulary of `rules`, `undo` and
//! `schedule`, and of the server's record of changes.

use crate::ids::{BusinessId, UserId};
use crate::model::{ClientUser, Role, Timestamp};
use crate::schedule::{Date, ScheduledDeactivation};
use crate::undo::{Recorded, Restore};
use serde::{Deserialize, Deserializer, Serialize};

/// A change a practice asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// R1: deactivate the client and hand its account to one of its users.
    DeactivateClient {
        /// The user who becomes account owner and admin.
        new_owner_id: UserId,
        /// Why, for the activity log.
        reason: Option<String>,
    },
    /// R2: reactivate the client and all of its businesses.
    ReactivateClient,
    /// R3: deactivate one business and hand it to one of the client's users.
    DeactivateBusiness {
        /// The business to deactivate.
        business_id: BusinessId,
        /// The user who becomes owner and admin of the business.
        new_owner_id: UserId,
        /// Why, for the activity log.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// R4: reactivate one business.
    ReactivateBusiness {
        /// The business to reactivate.
        business_id: BusinessId,
    },
    /// Rename the client, or set, change or clear its practice code, or
    /// both; what is left out stays as it is, and leaving out both is
    /// refused. Whether the code is free in the practice is checked by
    /// whoever holds the practice's other clients
    /// ([`crate::onboarding::code_is_free`]).
    EditClient {
        /// The new name (trimmed, 1 to 200 characters), or `None` to keep it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// The new code (`Some(None)` or blank clears it), or `None` to keep
        /// it.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "present"
        )]
        code: Option<Option<String>>,
    },
    /// Add a business to an active client, owned by the account owner.
    AddBusiness {
        /// The new business's id, chosen by whoever stores it (the app
        /// uses a provisional one until the server answers).
        business_id: BusinessId,
        /// Its name.
        name: String,
    },
    /// Rename a business.
    RenameBusiness {
        /// The business.
        business_id: BusinessId,
        /// Its new name.
        name: String,
    },
    /// Add a user to the account; they are invited to set a password.
    AddUser {
        /// The new user's id, chosen by whoever stores it.
        user_id: UserId,
        /// Their name.
        name: String,
        /// Their email, unique in the account.
        email: String,
        /// Admin or standard.
        role: Role,
    },
    /// Remove a user who is not the account owner. The businesses they
    /// owned pass to the account owner.
    RemoveUser {
        /// The user.
        user_id: UserId,
    },
    /// Undo a deactivation or reactivation exactly, as a new change
    /// ([`crate::undo`]).
    UndoChange {
        /// The change to undo as recorded; `None` when the client's change
        /// at the expected version has no record (the store found none).
        change: Option<Box<Recorded>>,
        /// Now, to bound undo in time.
        at: Timestamp,
    },
    /// Plan R1 for a later day ([`crate::schedule`]).
    ScheduleDeactivation {
        /// The day; it must come after `today`.
        on: Date,
        /// Today, as the caller's clock says (core reads no clock).
        today: Date,
        /// Who is to become account owner and admin.
        new_owner_id: UserId,
        /// Why, for the activity log.
        reason: Option<String>,
    },
    /// Drop the client's scheduled deactivation.
    CancelScheduledDeactivation,
    /// Apply the client's scheduled deactivation, due at `now`, through R1;
    /// a refusal is recorded on the client instead. Run by the server.
    RunScheduledDeactivation {
        /// Now, as the server's clock says.
        now: Timestamp,
    },
}

/// What happened, as a result of an accepted [`Command`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The client and every one of its businesses were deactivated.
    ClientDeactivated {
        /// The new account owner and admin.
        new_owner_id: UserId,
        /// Why, if given.
        reason: Option<String>,
        /// The account owner before, for undo; `None` in events recorded
        /// before undo existed.
        #[serde(default)]
        previous_owner_id: Option<UserId>,
        /// Whether the change made the new owner an admin (they were not).
        #[serde(default)]
        granted_admin: bool,
        /// The businesses the change deactivated: those active before.
        #[serde(default)]
        deactivated_businesses: Option<Vec<BusinessId>>,
    },
    /// The client and every one of its businesses were reactivated.
    ClientReactivated,
    /// One business was deactivated.
    BusinessDeactivated {
        /// The business.
        business_id: BusinessId,
        /// Its new owner and admin.
        new_owner_id: UserId,
        /// Its owner before, for undo; `None` in events recorded before
        /// undo existed.
        #[serde(default)]
        previous_owner_id: Option<UserId>,
        /// Whether the change made the new owner an admin (they were not).
        #[serde(default)]
        granted_admin: bool,
        /// Why, as given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// One business was reactivated.
    BusinessReactivated {
        /// The business.
        business_id: BusinessId,
    },
    /// The client's name or code changed.
    ClientEdited {
        /// The name now.
        name: String,
        /// The code now.
        code: Option<String>,
    },
    /// A business was added.
    BusinessAdded {
        /// The business.
        business_id: BusinessId,
        /// Its name.
        name: String,
        /// Its owner: the account owner.
        owner: UserId,
    },
    /// A business was renamed.
    BusinessRenamed {
        /// The business.
        business_id: BusinessId,
        /// Its name now.
        name: String,
    },
    /// A user was added (and invited).
    UserAdded {
        /// The user as added.
        user: ClientUser,
    },
    /// A user was removed; `businesses_to_owner` passed to the account owner.
    UserRemoved {
        /// The user.
        user_id: UserId,
        /// The businesses they owned.
        businesses_to_owner: Vec<BusinessId>,
    },
    /// A deactivation or reactivation was undone: what it changed is as it
    /// was before it.
    ChangeUndone {
        /// The version the undone change produced.
        undone_version: u64,
        /// What is put back.
        restore: Restore,
    },
    /// A deactivation was scheduled.
    DeactivationScheduled {
        /// The schedule.
        schedule: ScheduledDeactivation,
    },
    /// The scheduled deactivation was cancelled.
    ScheduledDeactivationCancelled,
    /// The scheduled deactivation fell due and R1 refused it; the schedule
    /// is cleared.
    ScheduledDeactivationFailed {
        /// The day it was scheduled for.
        on: Date,
        /// The refusal, in words.
        message: String,
    },
}

/// Reads a field that was sent, `null` included, as `Some`: with
/// `#[serde(default)]`, a field left out is `None` and one sent as `null`
/// is `Some(None)`, so that "keep it" and "clear it" differ.
pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}
