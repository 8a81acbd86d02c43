//! Why a rule refused a command. Each variant has a stable machine code and a
//! plain-English message; [`ErrorKind`] says what sort of refusal it is, so
//! the server maps errors to HTTP statuses in one place.

use crate::ids::{BusinessId, UserId};
use crate::onboarding::OnboardingError;
use crate::schedule::Date;
use std::fmt;

/// A command that the rules refused. Refusing changes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleError {
    /// The command was made against an older version of the client.
    StaleVersion {
        /// The version the caller had.
        expected: u64,
        /// The client's version now.
        actual: u64,
    },
    /// R1: only an active client can be deactivated.
    ClientAlreadyDeactivated,
    /// R2: only a deactivated client can be reactivated.
    ClientAlreadyActive,
    /// R3: only an active business can be deactivated.
    BusinessAlreadyDeactivated,
    /// R4: only a deactivated business can be reactivated.
    BusinessAlreadyActive,
    /// R3: a business of a deactivated client cannot be deactivated on its
    /// own; its client's deactivation already covers it.
    ClientDeactivated,
    /// R4: a business cannot be reactivated while its client is deactivated.
    ReactivateClientFirst,
    /// R1, R3: the chosen owner is not a user of the client's account.
    OwnerNotInAccount(UserId),
    /// The business is not part of the client's account.
    BusinessNotFound(BusinessId),
    /// The user is not part of the client's account.
    UserNotFound(UserId),
    /// The account owner cannot be removed from the account.
    CannotRemoveOwner,
    /// A name, email or code was refused, or a business was added to a
    /// deactivated client.
    Onboarding(OnboardingError),
    /// Undo: the client's last change is not a deactivation or
    /// reactivation that can be undone.
    NothingToUndo,
    /// Undo: someone changed the client after the change to undo.
    ChangedSince {
        /// The version the change to undo produced.
        undone: u64,
        /// The client's version now.
        actual: u64,
    },
    /// Undo: the time to undo the change has passed.
    UndoExpired,
    /// A date that is not a real `YYYY-MM-DD` day.
    InvalidDate(String),
    /// A deactivation can only be scheduled for a day after today.
    ScheduleNotAfterToday {
        /// The day asked for.
        on: Date,
        /// Today.
        today: Date,
    },
    /// The client already has a scheduled deactivation, on this day.
    AlreadyScheduled(Date),
    /// The client has no scheduled deactivation.
    NothingScheduled,
    /// The scheduled deactivation is not due yet; it is on this day.
    ScheduleNotDue(Date),
}

impl From<OnboardingError> for RuleError {
    fn from(error: OnboardingError) -> RuleError {
        RuleError::Onboarding(error)
    }
}

/// What sort of refusal a [`RuleError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The client's current state does not allow the change: a stale version,
    /// or the change was already made. Reload and look again.
    Conflict,
    /// The change is not allowed as asked, whatever the version.
    Refused,
    /// The command names something the client does not have.
    NotFound,
}

impl RuleError {
    /// A stable machine code, such as `owner_not_in_account`.
    pub fn code(&self) -> &'static str {
        match self {
            RuleError::StaleVersion { .. } => "stale_version",
            RuleError::ClientAlreadyDeactivated => "client_already_deactivated",
            RuleError::ClientAlreadyActive => "client_already_active",
            RuleError::BusinessAlreadyDeactivated => "business_already_deactivated",
            RuleError::BusinessAlreadyActive => "business_already_active",
            RuleError::ClientDeactivated => "client_deactivated",
            RuleError::ReactivateClientFirst => "reactivate_client_first",
            RuleError::OwnerNotInAccount(_) => "owner_not_in_account",
            RuleError::BusinessNotFound(_) => "business_not_found",
            RuleError::UserNotFound(_) => "user_not_found",
            RuleError::CannotRemoveOwner => "cannot_remove_owner",
            RuleError::Onboarding(error) => error.code(),
            RuleError::NothingToUndo => "nothing_to_undo",
            RuleError::ChangedSince { .. } => "changed_since",
            RuleError::UndoExpired => "undo_expired",
            RuleError::InvalidDate(_) => "invalid_date",
            RuleError::ScheduleNotAfterToday { .. } => "schedule_not_after_today",
            RuleError::AlreadyScheduled(_) => "already_scheduled",
            RuleError::NothingScheduled => "nothing_scheduled",
            RuleError::ScheduleNotDue(_) => "schedule_not_due",
        }
    }

    /// What sort of refusal this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            RuleError::StaleVersion { .. }
            | RuleError::ClientAlreadyDeactivated
            | RuleError::ClientAlreadyActive
            | RuleError::BusinessAlreadyDeactivated
            | RuleError::BusinessAlreadyActive
            | RuleError::NothingToUndo
            | RuleError::ChangedSince { .. }
            | RuleError::UndoExpired => ErrorKind::Conflict,
            RuleError::AlreadyScheduled(_)
            | RuleError::NothingScheduled
            | RuleError::ScheduleNotDue(_)
            | RuleError::Onboarding(OnboardingError::SignedUpAlready) => ErrorKind::Conflict,
            RuleError::ClientDeactivated
            | RuleError::ReactivateClientFirst
            | RuleError::OwnerNotInAccount(_)
            | RuleError::CannotRemoveOwner
            | RuleError::Onboarding(_)
            | RuleError::InvalidDate(_)
            | RuleError::ScheduleNotAfterToday { .. } => ErrorKind::Refused,
            RuleError::BusinessNotFound(_) | RuleError::UserNotFound(_) => ErrorKind::NotFound,
        }
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleError::StaleVersion { expected, actual } => write!(
                f,
                "This client was changed by someone else (you had version {expected}, \
                 it is now at version {actual}). Review the current state and try again."
            ),
            RuleError::ClientAlreadyDeactivated => {
                f.write_str("This client is already deactivated.")
            }
            RuleError::ClientAlreadyActive => f.write_str("This client is already active."),
            RuleError::BusinessAlreadyDeactivated => {
                f.write_str("This business is already deactivated.")
            }
            RuleError::BusinessAlreadyActive => f.write_str("This business is already active."),
            RuleError::ClientDeactivated => f.write_str(
                "This client is deactivated, so all of its businesses are already deactivated.",
            ),
            RuleError::ReactivateClientFirst => f.write_str(
                "This client is deactivated. Reactivate the client first; \
                 that reactivates all of its businesses.",
            ),
            RuleError::OwnerNotInAccount(user) => write!(
                f,
                "User {user} is not a user of this client's account. \
                 Choose one of the account's users as the new owner."
            ),
            RuleError::BusinessNotFound(business) => {
                write!(
                    f,
                    "Business {business} is not part of this client's account."
                )
            }
            RuleError::UserNotFound(user) => {
                write!(f, "User {user} is not part of this client's account.")
            }
            RuleError::CannotRemoveOwner => f.write_str(
                "The account owner cannot be removed. Make someone else the owner first.",
            ),
            RuleError::Onboarding(error) => error.fmt(f),
            RuleError::NothingToUndo => f.write_str(
                "There is nothing to undo: the client's last change is not a deactivation or \
                 reactivation that can be undone.",
            ),
            RuleError::ChangedSince { undone, actual } => write!(
                f,
                "The change cannot be undone: someone changed the client in between (the change \
                 made version {undone}, the client is at version {actual} now). Review the \
                 client as it is now."
            ),
            RuleError::UndoExpired => f.write_str(
                "The change can no longer be undone: undo is offered for 10 seconds after it.",
            ),
            RuleError::InvalidDate(text) => write!(
                f,
                "{text:?} is not a date. Give the day as YYYY-MM-DD, for example 2026-12-31."
            ),
            RuleError::ScheduleNotAfterToday { on, today } => write!(
                f,
                "A deactivation can only be scheduled for a day after today ({today}), \
                 not {on}. To deactivate today, choose \"Deactivate now\"."
            ),
            RuleError::AlreadyScheduled(on) => write!(
                f,
                "This client is already scheduled to be deactivated on {}. \
                 Cancel that schedule first.",
                on.short_label()
            ),
            RuleError::NothingScheduled => {
                f.write_str("This client has no scheduled deactivation.")
            }
            RuleError::ScheduleNotDue(on) => {
                write!(f, "The scheduled deactivation is not due until {on}.")
            }
        }
    }
}

impl std::error::Error for RuleError {}
