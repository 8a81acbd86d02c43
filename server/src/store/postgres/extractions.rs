//! The extraction queue in PostgreSQL: every instance's workers take from
//! one queue. `FOR UPDATE SKIP LOCKED` hands each document to exactly one
//! worker, a claim is marked with its instance, and a read is recorded only
//! while the document is still `extracting`.

use super::clients::{Lock, load_client, lock_client};
use super::documents::{document_view, load_document, scoped_client};
use super::{PostgresStore, Tx, execute, id_at, row, row_opt, sql_id};
use crate::store::sqlite::reason_str;
use crate::store::{Claim, ExtractionStore, Picked, ReadOutcome, Scope, StoreError};
use clientele_core::extraction::{Field, Fields, extraction_at_pickup, retry_after_failure};
use clientele_core::wire::DocumentView;
use clientele_core::{ClientId, DocumentId, Extraction, PracticeId, Timestamp};

impl ExtractionStore for PostgresStore {
    fn requeue_interrupted(&self) -> Result<usize, StoreError> {
        self.write("requeueing interrupted extractions", async |tx| {
            requeue_dead_claims(tx).await
        })
    }

    fn claim_next(&self, now: Timestamp) -> Result<Option<Picked>, StoreError> {
        self.write("taking a document to extract", async |tx| {
            // Another worker's claim in flight is skipped, not waited for.
            let next = row_opt(
                tx,
                "SELECT id FROM documents
                 WHERE extraction = 'queued' AND sha256 IS NOT NULL
                   AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
                 ORDER BY added_at, id LIMIT 1
                 FOR UPDATE SKIP LOCKED",
                &[&now.0],
            )
            .await?;
            let Some(next) = next else {
                return Ok(None);
            };
            let id = DocumentId(id_at(&next, 0)?);
            let document = load_document(tx, id, false).await?;
            let owner = row(
                tx,
                "SELECT c.id, c.practice_id FROM businesses b JOIN clients c ON c.id = b.client_id
                 WHERE b.id = $1",
                &[&sql_id(document.business.0)?],
            )
            .await?;
            let (client, practice) = (ClientId(id_at(&owner, 0)?), PracticeId(id_at(&owner, 1)?));
            // R5 is decided from the client as it is, which must not change
            // until the claim is committed.
            lock_client(tx, practice, client, Lock::Share).await?;
            let client = load_client(tx, practice, client).await?;
            let at_pickup = extraction_at_pickup(&client, document.business)
                .map_err(|error| StoreError::Internal(format!("picking {id}: {error}")))?;
            if let Extraction::NotExtracted(reason) = at_pickup {
                execute(
                    tx,
                    "UPDATE documents SET extraction = 'not_extracted', reason = $2 WHERE id = $1",
                    &[&sql_id(id.0)?, &reason_str(reason)],
                )
                .await?;
                return Ok(Some(Picked::NotExtracted(id)));
            }
            execute(
                tx,
                "UPDATE documents SET extraction = 'extracting', attempts = attempts + 1,
                                      claimed_by = $2
                 WHERE id = $1",
                &[&sql_id(id.0)?, &self.instance],
            )
            .await?;
            let file = document
                .file
                .ok_or_else(|| StoreError::Internal(format!("document {id} has no file")))?;
            Ok(Some(Picked::Read(Claim { id, file })))
        })
    }

    fn finish(
        &self,
        id: DocumentId,
        outcome: ReadOutcome,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        self.write("recording an extraction", async |tx| {
            let claimed = row_opt(
                tx,
                "SELECT attempts FROM documents WHERE id = $1 AND extraction = 'extracting'
                 FOR UPDATE",
                &[&sql_id(id.0)?],
            )
            .await?;
            let Some(claimed) = claimed else {
                return Ok(false);
            };
            let attempts: i32 = claimed.try_get(0)?;
            let sql_id = sql_id(id.0)?;
            match outcome {
                ReadOutcome::Extracted { fields, raw_text } => {
                    execute(
                        tx,
                        "UPDATE documents SET extraction = 'extracted', failure = NULL,
                                next_attempt_at = NULL, claimed_by = NULL WHERE id = $1",
                        &[&sql_id],
                    )
                    .await?;
                    record_fields(tx, id, &fields, &raw_text, at).await?;
                }
                ReadOutcome::Failed(reason) => {
                    match retry_after_failure(u32::try_from(attempts).unwrap_or(0)) {
                        Some(wait) => {
                            execute(
                                tx,
                                "UPDATE documents SET extraction = 'queued', failure = $2,
                                        next_attempt_at = $3, claimed_by = NULL WHERE id = $1",
                                &[&sql_id, &reason, &(at.0 + wait)],
                            )
                            .await?;
                        }
                        None => {
                            execute(
                                tx,
                                "UPDATE documents SET extraction = 'failed', failure = $2,
                                        next_attempt_at = NULL, claimed_by = NULL WHERE id = $1",
                                &[&sql_id, &reason],
                            )
                            .await?;
                        }
                    }
                }
            }
            Ok(true)
        })
    }

    fn retry(&self, scope: Scope, id: DocumentId) -> Result<DocumentView, StoreError> {
        self.write("queueing a document again", async |tx| {
            let document = load_document(tx, id, true).await?;
            scoped_client(tx, scope, document.business, Lock::None).await?;
            if document.extraction != Extraction::Failed {
                return Err(StoreError::NotFailed);
            }
            execute(
                tx,
                "UPDATE documents SET extraction = 'queued', attempts = 0, failure = NULL,
                        next_attempt_at = NULL WHERE id = $1",
                &[&sql_id(id.0)?],
            )
            .await?;
            document_view(tx, &load_document(tx, id, false).await?).await
        })
    }
}

/// Queues again the documents whose reading instance is gone: only the
/// claims of instances that are gone, since a live instance holds its
/// advisory lock and is still reading what it claimed. Answers how many.
pub(super) async fn requeue_dead_claims(tx: &Tx<'_>) -> Result<usize, StoreError> {
    let requeued = execute(
        tx,
        "UPDATE documents SET extraction = 'queued', claimed_by = NULL
         WHERE extraction = 'extracting'
           AND (claimed_by IS NULL OR NOT EXISTS (
               SELECT 1 FROM pg_locks l
               WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                 AND l.database = (SELECT oid FROM pg_database
                                   WHERE datname = current_database())
                 AND ((l.classid::bigint << 32) | l.objid::bigint) = documents.claimed_by))",
        &[],
    )
    .await?;
    Ok(requeued as usize)
}

/// Stores what was read from a document, replacing anything read before.
pub(super) async fn record_fields(
    tx: &Tx<'_>,
    id: DocumentId,
    fields: &Fields,
    raw_text: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    let part = |field: &Option<Field>| {
        (
            field.as_ref().map(|f| f.value.clone()),
            field.as_ref().map(|f| i32::from(f.confidence)),
        )
    };
    let (supplier, supplier_confidence) = part(&fields.supplier);
    let (date, date_confidence) = part(&fields.date);
    let (total, total_confidence) = part(&fields.total);
    let (currency, currency_confidence) = part(&fields.currency);
    execute(
        tx,
        "INSERT INTO extractions (document_id, supplier, supplier_confidence, date,
            date_confidence, total, total_confidence, currency, currency_confidence, raw_text,
            extracted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (document_id) DO UPDATE SET
            supplier = excluded.supplier, supplier_confidence = excluded.supplier_confidence,
            date = excluded.date, date_confidence = excluded.date_confidence,
            total = excluded.total, total_confidence = excluded.total_confidence,
            currency = excluded.currency, currency_confidence = excluded.currency_confidence,
            raw_text = excluded.raw_text, extracted_at = excluded.extracted_at",
        &[
            &sql_id(id.0)?,
            &supplier,
            &supplier_confidence,
            &date,
            &date_confidence,
            &total,
            &total_confidence,
            &currency,
            &currency_confidence,
            &raw_text,
            &at.0,
        ],
    )
    .await?;
    Ok(())
}
