//! The rules of signing in, as pure functions of times and counts that the
//! server passes in: how long a session lives, when sign-in is throttled, and
//! what a new password must be.

use crate::model::Timestamp;
use std::fmt;

const MINUTE_MS: i64 = 60_000;

/// A session that has not been used for this long has ended (12 hours).
pub const SESSION_IDLE_LIMIT_MS: i64 = 12 * 60 * MINUTE_MS;
/// A session ends this long after sign-in, however busy (7 days).
pub const SESSION_ABSOLUTE_LIMIT_MS: i64 = 7 * 24 * 60 * MINUTE_MS;
/// Failed sign-ins for one email that lock it out for a while.
pub const SIGN_IN_FAILURES_ALLOWED: usize = 5;
/// How far back failed sign-ins count (15 minutes).
pub const SIGN_IN_WINDOW_MS: i64 = 15 * MINUTE_MS;
/// The shortest new password.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Whether a session signed in at `created_at` and last used at
/// `last_seen_at` is still good at `now`.
pub fn session_is_live(created_at: Timestamp, last_seen_at: Timestamp, now: Timestamp) -> bool {
    now.0 - last_seen_at.0 < SESSION_IDLE_LIMIT_MS
        && now.0 - created_at.0 < SESSION_ABSOLUTE_LIMIT_MS
}

/// Sign-in for an email is locked out; try again after this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    /// Whole seconds until the oldest counted failure leaves the window.
    pub retry_after_secs: u64,
}

impl fmt::Display for Throttled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let minutes = self.retry_after_secs.div_ceil(60).max(1);
        write!(
            f,
            "Too many failed sign-ins for this email. Try again in {} minute{}.",
            minutes,
            if minutes == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Throttled {}

/// Whether sign-in is open for an email whose failed attempts were at
/// `failures` (any order, any age). Once [`SIGN_IN_FAILURES_ALLOWED`] of
/// them fall inside the last [`SIGN_IN_WINDOW_MS`], sign-in is refused,
/// even with the right password, until enough of them age out.
pub fn sign_in_allowed(failures: &[Timestamp], now: Timestamp) -> Result<(), Throttled> {
    let mut recent: Vec<i64> = failures
        .iter()
        .map(|at| at.0)
        .filter(|at| now.0 - at < SIGN_IN_WINDOW_MS)
        .collect();
    if recent.len() < SIGN_IN_FAILURES_ALLOWED {
        return Ok(());
    }
    // Sign-in opens again when all but (allowed - 1) of them have aged out:
    // that is when the (len - allowed + 1)-th oldest leaves the window.
    recent.sort_unstable();
    let opens_at = recent[recent.len() - SIGN_IN_FAILURES_ALLOWED] + SIGN_IN_WINDOW_MS;
    let wait_ms = (opens_at - now.0).max(1);
    Err(Throttled {
        retry_after_secs: (wait_ms as u64).div_ceil(1000),
    })
}

/// Why a new password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeakPassword {
    /// Fewer than [`MIN_PASSWORD_CHARS`] characters.
    TooShort,
}

impl fmt::Display for WeakPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WeakPassword::TooShort => write!(
                f,
                "A password must have at least {MIN_PASSWORD_CHARS} characters."
            ),
        }
    }
}

impl std::error::Error for WeakPassword {}

/// Checks a new password: at least [`MIN_PASSWORD_CHARS`] characters.
pub fn check_new_password(password: &str) -> Result<(), WeakPassword> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(WeakPassword::TooShort);
    }
    Ok(())
}

/// An email as it is compared and stored: trimmed and lower-cased.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}
