//! Idempotent answers in PostgreSQL: a retry with the same key and request
//! gets the first answer, stored in the same transaction as its write.

use super::{Tx, execute, row_opt};
use crate::store::{IDEMPOTENCY_KEPT_MS, Idempotency, StoreError, StoredAnswer};
use clientele_core::Timestamp;

/// The answer stored under this request's key, if it is a retry. A key
/// reused for a different request is refused rather than replayed.
pub(super) async fn stored_answer(
    tx: &Tx<'_>,
    idempotency: Option<&Idempotency>,
    now: Timestamp,
) -> Result<Option<StoredAnswer>, StoreError> {
    let Some(idempotency) = idempotency else {
        return Ok(None);
    };
    // An answer past its time is forgotten: the key is free again.
    execute(
        tx,
        "DELETE FROM idempotency WHERE owner = $1 AND key = $2 AND created_at < $3",
        &[
            &idempotency.owner,
            &idempotency.key.as_str(),
            &(now.0 - IDEMPOTENCY_KEPT_MS),
        ],
    )
    .await?;
    let stored = row_opt(
        tx,
        "SELECT request, status, body FROM idempotency WHERE owner = $1 AND key = $2",
        &[&idempotency.owner, &idempotency.key.as_str()],
    )
    .await?;
    let Some(stored) = stored else {
        return Ok(None);
    };
    let request: String = stored.try_get(0)?;
    if request != idempotency.request {
        return Err(StoreError::IdempotencyKeyReused);
    }
    let status: i32 = stored.try_get(1)?;
    Ok(Some(StoredAnswer {
        status: u16::try_from(status)
            .map_err(|_| StoreError::Internal(format!("stored status {status}")))?,
        body: stored.try_get(2)?,
    }))
}

/// Stores a successful answer under the request's key, in the same
/// transaction as the write it answers. Two different requests racing with
/// one key meet at the primary key: the second is refused as a reuse.
pub(super) async fn remember_answer(
    tx: &Tx<'_>,
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
    let statement = tx
        .prepare_cached(
            "INSERT INTO idempotency (owner, key, request, status, body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .await?;
    let inserted = tx
        .execute(
            &statement,
            &[
                &idempotency.owner,
                &idempotency.key.as_str(),
                &idempotency.request,
                &i32::from(status),
                &body,
                &at.0,
            ],
        )
        .await;
    match inserted {
        Ok(_) => Ok(()),
        Err(error) if super::is_unique_violation(&error) => Err(StoreError::IdempotencyKeyReused),
        Err(error) => Err(error.into()),
    }
}
