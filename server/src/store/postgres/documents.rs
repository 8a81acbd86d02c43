//! Documents in PostgreSQL: their rows, scoped to a practice or to one
//! client account. The bytes live in the content-addressed file store that
//! every instance shares; a row names its file by SHA-256 and is only ever
//! committed after the file is on disk.

use super::clients::{Lock, client_of_business, load_client, lock_client};
use super::idempotency::{remember_answer, stored_answer};
use super::{PostgresStore, Tx, id_at, row, row_opt, rows, sql_id};
use crate::domain::format_time;
use crate::store::sqlite::{parse_extraction, reason_str};
use crate::store::{DocumentStore, NewDocument, Outcome, Scope, StoreError};
use clientele_core::extraction::{Field, Fields};
use clientele_core::wire::DocumentView;
use clientele_core::{
    BusinessId, Client, ClientId, Document, DocumentFile, DocumentId, Extraction, PracticeId,
    Timestamp, extraction_for_new_document,
};
use std::collections::HashSet;
use tokio_postgres::Row;

impl DocumentStore for PostgresStore {
    fn client_of_business(&self, scope: Scope, business: BusinessId) -> Result<Client, StoreError> {
        self.read("finding a business", async |db| {
            scoped_client(db, scope, business, Lock::None).await
        })
    }

    fn documents(
        &self,
        scope: Scope,
        business: BusinessId,
    ) -> Result<Vec<DocumentView>, StoreError> {
        self.read("listing documents", async |db| {
            scoped_client(db, scope, business, Lock::None).await?;
            let found = rows(
                db,
                &format!(
                    "SELECT {COLUMNS} FROM documents WHERE business_id = $1
                     ORDER BY added_at DESC, id DESC"
                ),
                &[&sql_id(business.0)?],
            )
            .await?;
            let mut views = Vec::with_capacity(found.len());
            for row in &found {
                views.push(document_view(db, &to_document(row)?).await?);
            }
            Ok(views)
        })
    }

    fn add_document(&self, document: NewDocument) -> Result<Outcome<DocumentView>, StoreError> {
        self.write("adding a document", async |tx| {
            // The client is locked for share: R5 decides from its state, which
            // must not change before this row is committed.
            let client = scoped_client(tx, document.scope, document.business_id, Lock::Share).await;
            if let Some(answer) =
                stored_answer(tx, document.idempotency.as_ref(), document.at).await?
            {
                return Ok(Outcome::Replayed(answer));
            }
            let client = client?;
            let extraction =
                extraction_for_new_document(&client, document.business_id).map_err(|error| {
                    StoreError::Refused {
                        error,
                        current: Box::new(client),
                        changed_by: None,
                    }
                })?;
            let file = &document.file;
            let inserted = row(
                tx,
                "INSERT INTO documents (business_id, file_name, added_at, added_by, extraction,
                                        reason, size_bytes, content_type, sha256)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &[
                    &sql_id(document.business_id.0)?,
                    &document.file_name,
                    &document.at.0,
                    &document.added_by,
                    &extraction.as_str(),
                    &extraction.reason().map(reason_str),
                    &sql_id(file.size_bytes)?,
                    &file.content_type,
                    &file.sha256,
                ],
            )
            .await?;
            let stored = Document {
                id: DocumentId(id_at(&inserted, 0)?),
                business: document.business_id,
                file_name: document.file_name.clone(),
                added_at: document.at,
                added_by: document.added_by.clone(),
                extraction,
                file: Some(document.file.clone()),
            };
            let view = DocumentView::new(&stored, format_time(stored.added_at));
            remember_answer(tx, document.idempotency.as_ref(), 201, &view, document.at).await?;
            Ok(Outcome::Done(view))
        })
    }

    fn document(&self, scope: Scope, id: DocumentId) -> Result<Document, StoreError> {
        self.read("reading a document", async |db| {
            let document = load_document(db, id, false).await?;
            scoped_client(db, scope, document.business, Lock::None).await?;
            Ok(document)
        })
    }

    fn referenced_files(&self) -> Result<HashSet<String>, StoreError> {
        self.read("listing stored files", async |db| {
            rows(
                db,
                "SELECT DISTINCT sha256 FROM documents WHERE sha256 IS NOT NULL",
                &[],
            )
            .await?
            .iter()
            .map(|row| Ok(row.try_get(0)?))
            .collect()
        })
    }
}

/// One document, whatever its scope; with its row locked for the rest of
/// the transaction if `for_update`.
pub(super) async fn load_document(
    db: &Tx<'_>,
    id: DocumentId,
    for_update: bool,
) -> Result<Document, StoreError> {
    let lock = if for_update { " FOR UPDATE" } else { "" };
    let found = row_opt(
        db,
        &format!("SELECT {COLUMNS} FROM documents WHERE id = $1{lock}"),
        &[&sql_id(id.0)?],
    )
    .await?
    .ok_or(StoreError::NotFound)?;
    to_document(&found)
}

/// A document as the API shows it, with why its extraction failed and what
/// was read from it.
pub(super) async fn document_view(
    db: &Tx<'_>,
    document: &Document,
) -> Result<DocumentView, StoreError> {
    let mut view = DocumentView::new(document, format_time(document.added_at));
    let id = sql_id(document.id.0)?;
    if document.extraction == Extraction::Failed {
        view.failure = row(db, "SELECT failure FROM documents WHERE id = $1", &[&id])
            .await?
            .try_get(0)?;
        view.reason_message = view.failure.clone();
    }
    if document.extraction == Extraction::Extracted {
        let found = row_opt(
            db,
            "SELECT supplier, supplier_confidence, date, date_confidence, total,
                    total_confidence, currency, currency_confidence
             FROM extractions WHERE document_id = $1",
            &[&id],
        )
        .await?;
        view.fields = found
            .map(|row| {
                let field = |value: usize| -> Result<Option<Field>, StoreError> {
                    let text: Option<String> = row.try_get(value)?;
                    let confidence: Option<i32> = row.try_get(value + 1)?;
                    Ok(text.map(|value| Field {
                        value,
                        confidence: confidence.and_then(|c| u8::try_from(c).ok()).unwrap_or(0),
                    }))
                };
                Ok::<_, StoreError>(Fields {
                    supplier: field(0)?,
                    date: field(2)?,
                    total: field(4)?,
                    currency: field(6)?,
                })
            })
            .transpose()?;
    }
    Ok(view)
}

/// The client of `business`, if the business is in `scope`, with the
/// client's row locked as asked.
pub(super) async fn scoped_client(
    db: &Tx<'_>,
    scope: Scope,
    business: BusinessId,
    lock: Lock,
) -> Result<Client, StoreError> {
    let (practice, client) = match scope {
        Scope::Practice(practice) => (practice, client_of_business(db, practice, business).await?),
        Scope::Account(client) => {
            let found = row_opt(
                db,
                "SELECT b.client_id, c.practice_id FROM businesses b
                 JOIN clients c ON c.id = b.client_id WHERE b.id = $1",
                &[&sql_id(business.0)?],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
            if ClientId(id_at(&found, 0)?) != client {
                return Err(StoreError::NotFound);
            }
            (PracticeId(id_at(&found, 1)?), client)
        }
    };
    lock_client(db, practice, client, lock)
        .await?
        .ok_or(StoreError::NotFound)?;
    load_client(db, practice, client).await
}

pub(super) const COLUMNS: &str = "id, business_id, file_name, added_at, added_by, extraction, reason, \
                       size_bytes, content_type, sha256";

pub(super) fn to_document(row: &Row) -> Result<Document, StoreError> {
    let extraction: String = row.try_get(5)?;
    let reason: Option<String> = row.try_get(6)?;
    let size_bytes: Option<i64> = row.try_get(7)?;
    let content_type: Option<String> = row.try_get(8)?;
    let sha256: Option<String> = row.try_get(9)?;
    let file = match (size_bytes, content_type, sha256) {
        (Some(size_bytes), Some(content_type), Some(sha256)) => Some(DocumentFile {
            size_bytes: size_bytes as u64,
            content_type,
            sha256,
        }),
        _ => None,
    };
    Ok(Document {
        id: DocumentId(id_at(row, 0)?),
        business: BusinessId(id_at(row, 1)?),
        file_name: row.try_get(2)?,
        added_at: Timestamp(row.try_get(3)?),
        added_by: row.try_get(4)?,
        extraction: parse_extraction(&extraction, reason.as_deref())?,
        file,
    })
}
