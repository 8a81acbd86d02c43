//! Idempotent answers in SQLite: a retry with the same key and request
//! gets the first answer, stored in the same transaction as its write.

use crate::store::{IDEMPOTENCY_KEPT_MS, Idempotency, StoreError, StoredAnswer};
use clientele_core::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

/// The answer stored under this request's key, if it is a retry. A key
/// reused for a different request is refused rather than replayed, since
/// replaying would answer a question that was not asked.
pub(super) fn stored_answer(
    tx: &Connection,
    idempotency: Option<&Idempotency>,
    now: Timestamp,
) -> Result<Option<StoredAnswer>, StoreError> {
    let Some(idempotency) = idempotency else {
        return Ok(None);
    };
    // An answer past its time is forgotten: the key is free again.
    tx.prepare_cached("DELETE FROM idempotency WHERE owner = ?1 AND key = ?2 AND created_at < ?3")?
        .execute(params![
            idempotency.owner,
            idempotency.key.as_str(),
            now.0 - IDEMPOTENCY_KEPT_MS
        ])?;
    let stored: Option<(String, u16, String)> = tx
        .prepare_cached(
            "SELECT request, status, body FROM idempotency WHERE owner = ?1 AND key = ?2",
        )?
        .query_row(
            [idempotency.owner.as_str(), idempotency.key.as_str()],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    match stored {
        None => Ok(None),
        Some((request, status, body)) if request == idempotency.request => {
            Ok(Some(StoredAnswer { status, body }))
        }
        Some(_) => Err(StoreError::IdempotencyKeyReused),
    }
}

/// Stores a successful answer under the request's key, in the same
/// transaction as the write it answers: either both are committed or
/// neither. Refusals are not stored; they changed nothing, so a retry is
/// simply decided again.
pub(super) fn remember_answer(
    tx: &Connection,
    idempotency: Option<&Idempotency>,
    status: u16,
    answer: &impl serde::Serialize,
    at: Timestamp,
) -> Result<(), StoreError> {
    let Some(idempotency) = idempotency else {
        return Ok(());
    };
    let body = serde_json::to_string(answer)
        .map_err(|error| StoreError::Internal(format!("serialising an answer: {error}")))?;
    tx.prepare_cached(
        "INSERT INTO idempotency (owner, key, request, status, body, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        idempotency.owner,
        idempotency.key.as_str(),
        idempotency.request,
        status,
        body,
        at.0
    ])?;
    Ok(())
}
