//! Validated input values. Each is built through `parse`, so a handler that
//! holds one knows it is well formed; the activation rules themselves live
//! in `clientele-core`.

use clientele_core::Timestamp;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Why a value from a request was refused; the message names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidInput(pub String);

/// The `Idempotency-Key` header of a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Parses the header: 1 to 200 visible ASCII characters.
    pub fn parse(raw: &str) -> Result<IdempotencyKey, InvalidInput> {
        let valid = (1..=200).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_graphic());
        if !valid {
            return Err(InvalidInput(
                "header Idempotency-Key must be 1 to 200 visible ASCII characters".into(),
            ));
        }
        Ok(IdempotencyKey(raw.to_owned()))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The optional reason for a deactivation, as `core` keeps it
/// ([`clientele_core::reason::reason`]); a refusal is a 400 naming it.
pub fn parse_reason(raw: Option<String>) -> Result<Option<String>, InvalidInput> {
    clientele_core::reason::reason(raw.as_deref())
        .map_err(|refused| InvalidInput(refused.to_string()))
}

/// A whole number written as digits, or as a number with a zero fraction
/// (`500.0`), which JSON Schema counts as an integer too.
pub fn parse_whole_number(raw: &str) -> Option<u64> {
    if let Ok(number) = raw.parse::<u64>() {
        return Some(number);
    }
    let number = raw.parse::<f64>().ok()?;
    // Beyond 2^53 a float no longer names one whole number.
    let exact = number.is_finite() && number >= 0.0 && number.fract() == 0.0 && number <= 9e15;
    exact.then_some(number as u64)
}

/// A timestamp as RFC 3339 in UTC, with whole seconds.
pub fn format_time(at: Timestamp) -> String {
    OffsetDateTime::from_unix_timestamp(at.0.div_euclid(1000))
        .ok()
        .and_then(|time| time.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_reason_is_no_reason() {
        assert_eq!(parse_reason(Some("  ".into())).unwrap(), None);
        assert_eq!(parse_reason(None).unwrap(), None);
        assert!(parse_reason(Some("x".repeat(501))).is_err());
    }

    #[test]
    fn whole_numbers_may_be_written_with_a_zero_fraction() {
        assert_eq!(parse_whole_number("500"), Some(500));
        assert_eq!(parse_whole_number("500.0"), Some(500));
        assert_eq!(parse_whole_number("5e2"), Some(500));
        assert_eq!(parse_whole_number("500.5"), None);
        assert_eq!(parse_whole_number("-1"), None);
        assert_eq!(parse_whole_number("NaN"), None);
        assert_eq!(parse_whole_number("1e300"), None);
        assert_eq!(parse_whole_number(""), None);
    }

    #[test]
    fn times_are_formatted_as_rfc3339_in_utc() {
        assert_eq!(
            format_time(Timestamp(1_700_000_000_123)),
            "2023-11-14T22:13:20Z"
        );
    }
}
