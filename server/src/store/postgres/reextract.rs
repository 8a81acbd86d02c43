//! "Extract now" and a deactivation's impact in PostgreSQL, with the same
//! semantics as SQLite's: the client's row is locked `FOR UPDATE` before
//! deciding, so a deactivation racing "Extract now" on another instance
//! waits for it (or it for the deactivation) and the decision holds.

use super::clients::{Lock, load_client, lock_client};
use super::documents::{COLUMNS, document_view, load_document, to_document};
use super::idempotency::{remember_answer, stored_answer};
use super::{PostgresStore, Tx, execute, id_at, rows, sql_id};
use crate::store::{ExtractNow, Outcome, ReextractStore, StoreError};
use clientele_core::impact::Facts;
use clientele_core::reextract::{Candidate, extract_now};
use clientele_core::wire::{ActivityAction, DocumentView, Items};
use clientele_core::{BusinessId, Client, ClientId, DocumentId, PracticeId, Timestamp};

/// The documents of a client's businesses, as `WHERE` picks them.
const OF_CLIENT: &str = "business_id IN (SELECT id FROM businesses WHERE client_id = $1)";

impl ReextractStore for PostgresStore {
    fn added_while_deactivated(
        &self,
        practice: PracticeId,
        client: ClientId,
    ) -> Result<Vec<DocumentView>, StoreError> {
        self.read("listing documents added while deactivated", async |db| {
            lock_client(db, practice, client, Lock::None)
                .await?
                .ok_or(StoreError::NotFound)?;
            let found = rows(
                db,
                &format!(
                    "SELECT {COLUMNS} FROM documents
                     WHERE {OF_CLIENT} AND extraction = 'not_extracted'
                     ORDER BY added_at DESC, id DESC"
                ),
                &[&sql_id(client.0)?],
            )
            .await?;
            let mut views = Vec::with_capacity(found.len());
            for row in &found {
                views.push(document_view(db, &to_document(row)?).await?);
            }
            Ok(views)
        })
    }

    fn extract_now(&self, request: ExtractNow) -> Result<Outcome<Vec<DocumentView>>, StoreError> {
        self.write("extracting documents now", async |tx| {
            // Lock first, then look for a stored answer: a retry racing its
            // own first attempt waits for it and then replays its answer.
            let exists = lock_client(tx, request.practice, request.client_id, Lock::Update).await?;
            if let Some(answer) =
                stored_answer(tx, request.idempotency.as_ref(), request.at).await?
            {
                return Ok(Outcome::Replayed(answer));
            }
            exists.ok_or(StoreError::NotFound)?;
            let client = load_client(tx, request.practice, request.client_id).await?;
            let candidates = candidates(tx, &client).await?;
            let chosen = extract_now(&client, &candidates, &request.selection)
                .map_err(StoreError::ExtractNow)?;
            let mut queued = Vec::with_capacity(chosen.len());
            for id in &chosen {
                execute(
                    tx,
                    "UPDATE documents SET extraction = 'queued', reason = NULL, attempts = 0,
                            failure = NULL, next_attempt_at = NULL
                     WHERE id = $1 AND extraction = 'not_extracted'",
                    &[&sql_id(id.0)?],
                )
                .await?;
                queued.push(document_view(tx, &load_document(tx, *id, false).await?).await?);
            }
            execute(
                tx,
                "INSERT INTO activity (client_id, at, actor, actor_id, action, document_count)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    &sql_id(client.id.0)?,
                    &request.at.0,
                    &request.actor.name,
                    &sql_id(request.actor.id.0)?,
                    &ActivityAction::DocumentsExtracted.as_str(),
                    &sql_id(chosen.len() as u64)?,
                ],
            )
            .await?;
            let answer = Items {
                items: queued.clone(),
            };
            remember_answer(tx, request.idempotency.as_ref(), 200, &answer, request.at).await?;
            Ok(Outcome::Done(queued))
        })
    }

    fn impact_facts(
        &self,
        practice: PracticeId,
        client: ClientId,
    ) -> Result<(Client, Facts), StoreError> {
        self.read("reading a deactivation's impact", async |db| {
            lock_client(db, practice, client, Lock::None)
                .await?
                .ok_or(StoreError::NotFound)?;
            let client = load_client(db, practice, client).await?;
            let found = rows(
                db,
                &format!(
                    "SELECT business_id, COUNT(*) FILTER (WHERE extraction = 'queued'),
                            MAX(added_at)
                     FROM documents WHERE {OF_CLIENT} GROUP BY business_id"
                ),
                &[&sql_id(client.id.0)?],
            )
            .await?;
            let mut facts = Facts::default();
            for row in &found {
                let business = BusinessId(id_at(row, 0)?);
                let queued: i64 = row.try_get(1)?;
                let latest: i64 = row.try_get(2)?;
                facts
                    .queued_documents
                    .insert(business, u64::try_from(queued).unwrap_or(0));
                facts.last_document_at.insert(business, Timestamp(latest));
            }
            Ok((client, facts))
        })
    }
}

/// What `core` needs of each of the client's documents to decide.
async fn candidates(tx: &Tx<'_>, client: &Client) -> Result<Vec<Candidate>, StoreError> {
    let found = rows(
        tx,
        &format!(
            "SELECT id, business_id, extraction FROM documents WHERE {OF_CLIENT}
             ORDER BY added_at, id"
        ),
        &[&sql_id(client.id.0)?],
    )
    .await?;
    found
        .iter()
        .map(|row| {
            Ok(Candidate {
                id: DocumentId(id_at(row, 0)?),
                business: BusinessId(id_at(row, 1)?),
                not_extracted: row.try_get::<_, String>(2)? == "not_extracted",
            })
        })
        .collect()
}
