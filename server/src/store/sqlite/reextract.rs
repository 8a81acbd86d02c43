//! "Extract now" and a deactivation's impact in SQLite: the client's
//! documents added while deactivated, queueing those `core` allows in one
//! write transaction with its activity entry, and the per-business document
//! facts read in one read transaction.

use super::clients::load_client;
use super::documents::{COLUMNS, document_view, read_row, to_document};
use super::idempotency::{remember_answer, stored_answer};
use super::{SqliteStore, to_sql_id};
use crate::store::{ExtractNow, Outcome, ReextractStore, StoreError};
use clientele_core::impact::Facts;
use clientele_core::reextract::{Candidate, extract_now};
use clientele_core::wire::{ActivityAction, DocumentView, Items};
use clientele_core::{BusinessId, Client, ClientId, DocumentId, PracticeId, Timestamp};
use rusqlite::{Connection, params};

/// The documents of a client's businesses, as `WHERE` picks them.
const OF_CLIENT: &str = "business_id IN (SELECT id FROM businesses WHERE client_id = ?1)";

impl ReextractStore for SqliteStore {
    fn added_while_deactivated(
        &self,
        practice: PracticeId,
        client: ClientId,
    ) -> Result<Vec<DocumentView>, StoreError> {
        self.read("listing documents added while deactivated", |db| {
            load_client(db, practice, client)?;
            let mut statement = db.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM documents
                 WHERE {OF_CLIENT} AND extraction = 'not_extracted'
                 ORDER BY added_at DESC, id DESC"
            ))?;
            let rows = statement.query_map([to_sql_id(client.0)?], read_row)?;
            rows.map(|row| document_view(db, &to_document(row?)?))
                .collect()
        })
    }

    fn extract_now(&self, request: ExtractNow) -> Result<Outcome<Vec<DocumentView>>, StoreError> {
        self.write("extracting documents now", |tx| {
            if let Some(answer) = stored_answer(tx, request.idempotency.as_ref(), request.at)? {
                return Ok(Outcome::Replayed(answer));
            }
            let client = load_client(tx, request.practice, request.client_id)?;
            let candidates = candidates(tx, &client)?;
            let chosen = extract_now(&client, &candidates, &request.selection)
                .map_err(StoreError::ExtractNow)?;
            let mut queued = Vec::with_capacity(chosen.len());
            for id in &chosen {
                // The state is checked again in the update itself: what core
                // decided from is what is changed.
                tx.prepare_cached(
                    "UPDATE documents SET extraction = 'queued', reason = NULL, attempts = 0,
                            failure = NULL, next_attempt_at = NULL
                     WHERE id = ?1 AND extraction = 'not_extracted'",
                )?
                .execute([to_sql_id(id.0)?])?;
                queued.push(document_view(
                    tx,
                    &super::documents::load_document(tx, *id)?,
                )?);
            }
            tx.prepare_cached(
                "INSERT INTO activity (client_id, at, actor, actor_id, action, document_count)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                to_sql_id(client.id.0)?,
                request.at.0,
                request.actor.name,
                request.actor.id.0,
                ActivityAction::DocumentsExtracted.as_str(),
                chosen.len() as u64
            ])?;
            let answer = Items {
                items: queued.clone(),
            };
            remember_answer(tx, request.idempotency.as_ref(), 200, &answer, request.at)?;
            Ok(Outcome::Done(queued))
        })
    }

    fn impact_facts(
        &self,
        practice: PracticeId,
        client: ClientId,
    ) -> Result<(Client, Facts), StoreError> {
        self.read("reading a deactivation's impact", |db| {
            let client = load_client(db, practice, client)?;
            let mut statement = db.prepare_cached(&format!(
                "SELECT business_id, SUM(extraction = 'queued'), MAX(added_at)
                 FROM documents WHERE {OF_CLIENT} GROUP BY business_id"
            ))?;
            let rows = statement.query_map([to_sql_id(client.id.0)?], |row| {
                Ok((
                    row.get::<_, u64>(0)?,
                    row.get::<_, u64>(1)?,
                    row.get::<_, i64>(2)?,
                ))
            })?;
            let mut facts = Facts::default();
            for row in rows {
                let (business, queued, latest) = row?;
                facts.queued_documents.insert(BusinessId(business), queued);
                facts
                    .last_document_at
                    .insert(BusinessId(business), Timestamp(latest));
            }
            Ok((client, facts))
        })
    }
}

/// What `core` needs of each of the client's documents to decide.
fn candidates(db: &Connection, client: &Client) -> Result<Vec<Candidate>, StoreError> {
    let mut statement = db.prepare_cached(&format!(
        "SELECT id, business_id, extraction FROM documents WHERE {OF_CLIENT} ORDER BY added_at, id"
    ))?;
    let rows = statement.query_map([to_sql_id(client.id.0)?], |row| {
        Ok(Candidate {
            id: DocumentId(row.get(0)?),
            business: BusinessId(row.get(1)?),
            not_extracted: row.get::<_, String>(2)? == "not_extracted",
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
