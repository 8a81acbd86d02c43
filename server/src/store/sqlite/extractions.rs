//! The extraction queue in SQLite: taking the oldest due document in one
//! write transaction (so two workers never take the same one), recording a
//! read only while the document is still `extracting`, and the fields found.

use super::documents::{document_view, load_document};
use super::{SqliteStore, reason_str, to_sql_id};
use crate::store::{Claim, ExtractionStore, Picked, ReadOutcome, Scope, StoreError};
use clientele_core::extraction::{Field, Fields, extraction_at_pickup, retry_after_failure};
use clientele_core::wire::DocumentView;
use clientele_core::{ClientId, DocumentId, Extraction, PracticeId, Timestamp};
use rusqlite::{Connection, OptionalExtension, params};

impl ExtractionStore for SqliteStore {
    fn requeue_interrupted(&self) -> Result<usize, StoreError> {
        self.write("requeueing interrupted extractions", |tx| {
            Ok(tx
                .prepare_cached(
                    "UPDATE documents SET extraction = 'queued' WHERE extraction = 'extracting'",
                )?
                .execute([])?)
        })
    }

    fn claim_next(&self, now: Timestamp) -> Result<Option<Picked>, StoreError> {
        self.write("taking a document to extract", |tx| {
            let next: Option<u64> = tx.prepare_cached("SELECT id FROM documents
                     WHERE extraction = 'queued' AND sha256 IS NOT NULL
                       AND (next_attempt_at IS NULL OR next_attempt_at <= ?1)
                     ORDER BY added_at, id LIMIT 1")?.query_row([now.0],
                    |row| row.get(0),
                )
                .optional()?;
            let Some(id) = next.map(DocumentId) else {
                return Ok(None);
            };
            let document = load_document(tx, id)?;
            let (client, practice): (u64, u64) = tx.prepare_cached("SELECT c.id, c.practice_id FROM businesses b JOIN clients c ON c.id = b.client_id
                 WHERE b.id = ?1")?.query_row([to_sql_id(document.business.0)?],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?;
            let client = super::clients::load_client(tx, PracticeId(practice), ClientId(client))?;
            let at_pickup = extraction_at_pickup(&client, document.business)
                .map_err(|error| StoreError::Internal(format!("picking {id}: {error}")))?;
            if let Extraction::NotExtracted(reason) = at_pickup {
                tx.prepare_cached("UPDATE documents SET extraction = 'not_extracted', reason = ?2 WHERE id = ?1")?.execute(params![id.0, reason_str(reason)],
                )?;
                return Ok(Some(Picked::NotExtracted(id)));
            }
            tx.prepare_cached("UPDATE documents SET extraction = 'extracting', attempts = attempts + 1
                 WHERE id = ?1")?.execute([id.0],
            )?;
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
        self.write("recording an extraction", |tx| {
            let attempts: Option<u32> = tx
                .prepare_cached(
                    "SELECT attempts FROM documents WHERE id = ?1 AND extraction = 'extracting'",
                )?
                .query_row([to_sql_id(id.0)?], |row| row.get(0))
                .optional()?;
            let Some(attempts) = attempts else {
                return Ok(false);
            };
            match outcome {
                ReadOutcome::Extracted { fields, raw_text } => {
                    tx.prepare_cached(
                        "UPDATE documents SET extraction = 'extracted', failure = NULL,
                                next_attempt_at = NULL WHERE id = ?1",
                    )?
                    .execute([id.0])?;
                    record_fields(tx, id, &fields, &raw_text, at)?;
                }
                ReadOutcome::Failed(reason) => match retry_after_failure(attempts) {
                    Some(wait) => {
                        tx.prepare_cached(
                            "UPDATE documents SET extraction = 'queued', failure = ?2,
                                    next_attempt_at = ?3 WHERE id = ?1",
                        )?
                        .execute(params![id.0, reason, at.0 + wait])?;
                    }
                    None => {
                        tx.prepare_cached(
                            "UPDATE documents SET extraction = 'failed', failure = ?2,
                                    next_attempt_at = NULL WHERE id = ?1",
                        )?
                        .execute(params![id.0, reason])?;
                    }
                },
            }
            Ok(true)
        })
    }

    fn retry(&self, scope: Scope, id: DocumentId) -> Result<DocumentView, StoreError> {
        self.write("queueing a document again", |tx| {
            let document = load_document(tx, id)?;
            super::documents::scoped_client(tx, scope, document.business)?;
            if document.extraction != Extraction::Failed {
                return Err(StoreError::NotFailed);
            }
            tx.prepare_cached(
                "UPDATE documents SET extraction = 'queued', attempts = 0, failure = NULL,
                        next_attempt_at = NULL WHERE id = ?1",
            )?
            .execute([id.0])?;
            document_view(tx, &load_document(tx, id)?)
        })
    }
}

/// Stores what was read from a document.
pub(super) fn record_fields(
    tx: &Connection,
    id: DocumentId,
    fields: &Fields,
    raw_text: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    let part = |field: &Option<Field>| {
        (
            field.as_ref().map(|f| f.value.clone()),
            field.as_ref().map(|f| f.confidence),
        )
    };
    let (supplier, supplier_confidence) = part(&fields.supplier);
    let (date, date_confidence) = part(&fields.date);
    let (total, total_confidence) = part(&fields.total);
    let (currency, currency_confidence) = part(&fields.currency);
    tx.prepare_cached(
        "INSERT OR REPLACE INTO extractions (document_id, supplier, supplier_confidence, date,
            date_confidence, total, total_confidence, currency, currency_confidence, raw_text,
            extracted_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        id.0,
        supplier,
        supplier_confidence,
        date,
        date_confidence,
        total,
        total_confidence,
        currency,
        currency_confidence,
        raw_text,
        at.0
    ])?;
    Ok(())
}
