//! The rules of signing in: session lifetimes, throttling and passwords.

use clientele_core::Timestamp;
use clientele_core::identity::{
    SESSION_ABSOLUTE_LIMIT_MS, SESSION_IDLE_LIMIT_MS, SIGN_IN_WINDOW_MS, check_new_password,
    normalise_email, session_is_live, sign_in_allowed,
};

const HOUR: i64 = 3_600_000;
const MINUTE: i64 = 60_000;

#[test]
fn a_session_ends_after_twelve_idle_hours() {
    let signed_in = Timestamp(0);
    assert!(session_is_live(
        signed_in,
        signed_in,
        Timestamp(12 * HOUR - 1)
    ));
    assert!(!session_is_live(signed_in, signed_in, Timestamp(12 * HOUR)));
    assert_eq!(SESSION_IDLE_LIMIT_MS, 12 * HOUR);
}

#[test]
fn a_busy_session_still_ends_seven_days_after_sign_in() {
    let signed_in = Timestamp(0);
    let just_used = Timestamp(7 * 24 * HOUR - MINUTE);
    assert!(session_is_live(
        signed_in,
        just_used,
        Timestamp(7 * 24 * HOUR - 1)
    ));
    assert!(!session_is_live(
        signed_in,
        just_used,
        Timestamp(7 * 24 * HOUR)
    ));
    assert_eq!(SESSION_ABSOLUTE_LIMIT_MS, 7 * 24 * HOUR);
}

#[test]
fn four_failures_leave_sign_in_open_and_the_fifth_closes_it() {
    let now = Timestamp(100 * MINUTE);
    let failures: Vec<Timestamp> = (0..4).map(|n| Timestamp(now.0 - n * MINUTE)).collect();
    assert_eq!(sign_in_allowed(&failures, now), Ok(()));
    let mut five = failures.clone();
    five.push(Timestamp(now.0 - 10 * MINUTE));
    let throttled = sign_in_allowed(&five, now).unwrap_err();
    // The oldest failure, 10 minutes ago, leaves the window in 5 minutes.
    assert_eq!(throttled.retry_after_secs, 5 * 60);
    assert!(throttled.to_string().contains("5 minutes"));
}

#[test]
fn failures_older_than_fifteen_minutes_do_not_count() {
    let now = Timestamp(100 * MINUTE);
    let old: Vec<Timestamp> = (0..5)
        .map(|n| Timestamp(now.0 - SIGN_IN_WINDOW_MS - n))
        .collect();
    assert_eq!(sign_in_allowed(&old, now), Ok(()));
}

#[test]
fn the_lock_out_ends_when_enough_failures_age_out() {
    let failures: Vec<Timestamp> = (0..6).map(|n| Timestamp(n * MINUTE)).collect();
    // Six failures at minutes 0..=5: sign-in opens once five of them are no
    // longer inside the window, so when the one at minute 1 ages out.
    let locked = sign_in_allowed(&failures, Timestamp(6 * MINUTE)).unwrap_err();
    assert_eq!(locked.retry_after_secs, 10 * 60);
    assert!(sign_in_allowed(&failures, Timestamp(16 * MINUTE - 1)).is_err());
    assert_eq!(sign_in_allowed(&failures, Timestamp(16 * MINUTE)), Ok(()));
}

#[test]
fn a_new_password_has_at_least_twelve_characters() {
    assert!(check_new_password("eleven-char").is_err());
    assert!(check_new_password("twelve-chars").is_ok());
    // Characters, not bytes.
    assert!(check_new_password("ééééééééééé").is_err());
    assert!(
        check_new_password("short")
            .unwrap_err()
            .to_string()
            .contains("12")
    );
}

#[test]
fn emails_are_compared_trimmed_and_lower_cased() {
    assert_eq!(
        normalise_email("  Admin@HarperLowe.Example "),
        "admin@harperlowe.example"
    );
}
