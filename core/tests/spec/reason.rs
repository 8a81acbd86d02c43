//! A deactivation's reason: trimmed, at most 500 characters, new lines but
//! no other control characters, and blank is none.

use clientele_core::reason::{MAX_REASON_CHARS, ReasonError, reason};

#[test]
fn a_reason_is_trimmed_and_blank_is_none() {
    assert_eq!(reason(None), Ok(None));
    assert_eq!(reason(Some("  \n ")), Ok(None));
    assert_eq!(
        reason(Some("  Moved to another practice\nin May ")),
        Ok(Some("Moved to another practice\nin May".to_owned()))
    );
}

#[test]
fn a_reason_has_at_most_500_characters_and_no_control_characters() {
    let longest = "é".repeat(MAX_REASON_CHARS);
    assert_eq!(reason(Some(&longest)), Ok(Some(longest.clone())));
    assert_eq!(
        reason(Some(&format!("{longest}x"))),
        Err(ReasonError::TooLong)
    );
    assert_eq!(
        reason(Some("tab\there")),
        Err(ReasonError::ControlCharacter)
    );
    assert_eq!(
        ReasonError::TooLong.to_string(),
        "reason must be at most 500 characters"
    );
    assert_eq!(
        ReasonError::ControlCharacter.to_string(),
        "reason must not contain control characters"
    );
}
