//! The optional reason given for a deactivation (of a client or a business,
//! now or scheduled), kept in the activity log: at most
//! [`MAX_REASON_CHARS`] characters after trimming, no control characters
//! but new lines, and blank means none.

use std::fmt;

/// The longest reason, in characters.
pub const MAX_REASON_CHARS: usize = 500;

/// The JSON Schema pattern of a reason: no control character but a new
/// line.
pub const REASON_PATTERN: &str = r"^[^\u0000-\u0009\u000b-\u001f\u007f-\u009f]*$";

/// Why a reason was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonError {
    /// Longer than [`MAX_REASON_CHARS`].
    TooLong,
    /// A control character other than a new line.
    ControlCharacter,
}

impl fmt::Display for ReasonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReasonError::TooLong => {
                write!(f, "reason must be at most {MAX_REASON_CHARS} characters")
            }
            ReasonError::ControlCharacter => {
                f.write_str("reason must not contain control characters")
            }
        }
    }
}

impl std::error::Error for ReasonError {}

/// A reason as kept: trimmed, and `None` when blank or absent.
pub fn reason(raw: Option<&str>) -> Result<Option<String>, ReasonError> {
    let Some(reason) = raw.map(str::trim) else {
        return Ok(None);
    };
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(ReasonError::TooLong);
    }
    if reason.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ReasonError::ControlCharacter);
    }
    Ok((!reason.is_empty()).then(|| reason.to_owned()))
}

/// The schema of an optional reason in the API's document: a string or
/// `null`, as [`reason`] takes it, described once for every body that has
/// one.
#[cfg(feature = "openapi")]
pub fn schema() -> utoipa::openapi::Object {
    use utoipa::openapi::{ObjectBuilder, Type, schema::SchemaType};
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .max_length(Some(MAX_REASON_CHARS))
        .pattern(Some(REASON_PATTERN))
        .description(Some(format!(
            "Why, for the activity log: at most {MAX_REASON_CHARS} characters, no control \
             characters but new lines; blank means none."
        )))
        .build()
}
