//! Extraction: what a worker reads from a document, and the rules of when it
//! reads at all. R5 applies again when a worker picks a document up: if the
//! business or its client was deactivated since the upload, the document is
//! not extracted, with that reason. A failed read is tried again up to
//! three times ([`MAX_ATTEMPTS`] reads in all), with growing waits.

use crate::error::RuleError;
use crate::ids::BusinessId;
use crate::model::{Client, Extraction};
use crate::rules::extraction_for_new_document;
use serde::{Deserialize, Serialize};

/// How many times a document is read before it is left `failed`: the first
/// read, and up to three retries.
pub const MAX_ATTEMPTS: u32 = 4;

/// R5 at pick-up time: `Extracting` if the business and its client are still
/// active, otherwise `NotExtracted` with the reason.
pub fn extraction_at_pickup(
    client: &Client,
    business: BusinessId,
) -> Result<Extraction, RuleError> {
    Ok(match extraction_for_new_document(client, business)? {
        Extraction::Queued => Extraction::Extracting,
        other => other,
    })
}

/// After the `attempt`-th failed read (1 for the first): how long to wait
/// before the next, in milliseconds (5, 10, then 20 seconds), or `None` when
/// it has had all its tries.
pub fn retry_after_failure(attempt: u32) -> Option<i64> {
    (attempt < MAX_ATTEMPTS).then(|| 5_000 * (1 << attempt.saturating_sub(1).min(10)))
}

/// One field read from a receipt, with how sure the reader is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Field {
    /// The value as read: text, an ISO date (`2026-03-12`), an amount with
    /// two decimals (`42.50`) or a currency code (`GBP`).
    pub value: String,
    /// How sure the reader is, from 0 to 100.
    pub confidence: u8,
}

/// What was read from a receipt. A field that was not found is `None`: the
/// reader says so rather than guessing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Fields {
    /// Who issued the receipt.
    pub supplier: Option<Field>,
    /// The receipt's date.
    pub date: Option<Field>,
    /// The amount paid.
    pub total: Option<Field>,
    /// The currency of the total.
    pub currency: Option<Field>,
}
