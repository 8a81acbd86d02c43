//! Documents in SQLite: their rows, scoped to a practice or to one client
//! account. The bytes live in the content-addressed file store; a row names
//! its file by SHA-256 and is only ever committed after the file is on disk.

use super::clients::{client_of_business, load_client};
use super::idempotency::{remember_answer, stored_answer};
use super::{SqliteStore, parse_extraction, reason_str, to_sql_id};
use crate::domain::format_time;
use crate::store::{DocumentStore, NewDocument, Outcome, Scope, StoreError};
use clientele_core::extraction::{Field, Fields};
use clientele_core::wire::DocumentView;
use clientele_core::{
    BusinessId, Client, ClientId, Document, DocumentFile, DocumentId, Extraction, PracticeId,
    Timestamp, extraction_for_new_document,
};
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::collections::HashSet;

impl DocumentStore for SqliteStore {
    fn client_of_business(&self, scope: Scope, business: BusinessId) -> Result<Client, StoreError> {
        self.read("finding a business", |db| {
            scoped_client(db, scope, business)
        })
    }

    fn documents(
        &self,
        scope: Scope,
        business: BusinessId,
    ) -> Result<Vec<DocumentView>, StoreError> {
        self.read("listing documents", |db| {
            scoped_client(db, scope, business)?;
            let mut statement = db.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM documents WHERE business_id = ?1
                 ORDER BY added_at DESC, id DESC"
            ))?;
            let rows = statement.query_map([to_sql_id(business.0)?], read_row)?;
            let documents = rows
                .map(|row| to_document(row?))
                .collect::<Result<Vec<_>, StoreError>>()?;
            documents
                .iter()
                .map(|document| document_view(db, document))
                .collect()
        })
    }

    fn add_document(&self, document: NewDocument) -> Result<Outcome<DocumentView>, StoreError> {
        self.write("adding a document", |tx| {
            if let Some(answer) = stored_answer(tx, document.idempotency.as_ref(), document.at)? {
                return Ok(Outcome::Replayed(answer));
            }
            let client = scoped_client(tx, document.scope, document.business_id)?;
            let extraction =
                extraction_for_new_document(&client, document.business_id).map_err(|error| {
                    StoreError::Refused {
                        error,
                        current: Box::new(client),
                        changed_by: None,
                    }
                })?;
            tx.prepare_cached(
                "INSERT INTO documents (business_id, file_name, added_at, added_by, extraction,
                                        reason, size_bytes, content_type, sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                document.business_id.0,
                document.file_name,
                document.at.0,
                document.added_by,
                extraction.as_str(),
                extraction.reason().map(reason_str),
                document.file.size_bytes,
                document.file.content_type,
                document.file.sha256,
            ])?;
            let stored = Document {
                id: DocumentId(tx.last_insert_rowid() as u64),
                business: document.business_id,
                file_name: document.file_name,
                added_at: document.at,
                added_by: document.added_by,
                extraction,
                file: Some(document.file),
            };
            let view = DocumentView::new(&stored, format_time(stored.added_at));
            remember_answer(tx, document.idempotency.as_ref(), 201, &view, document.at)?;
            Ok(Outcome::Done(view))
        })
    }

    fn document(&self, scope: Scope, id: DocumentId) -> Result<Document, StoreError> {
        self.read("reading a document", |db| {
            let document = load_document(db, id)?;
            scoped_client(db, scope, document.business)?;
            Ok(document)
        })
    }

    fn referenced_files(&self) -> Result<HashSet<String>, StoreError> {
        self.read("listing stored files", |db| {
            let mut statement =
                db.prepare("SELECT DISTINCT sha256 FROM documents WHERE sha256 IS NOT NULL")?;
            let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
            Ok(rows.collect::<Result<HashSet<_>, _>>()?)
        })
    }
}

/// One document, whatever its scope.
pub(super) fn load_document(db: &Connection, id: DocumentId) -> Result<Document, StoreError> {
    let row = db
        .query_row(
            &format!("SELECT {COLUMNS} FROM documents WHERE id = ?1"),
            [to_sql_id(id.0)?],
            read_row,
        )
        .optional()?
        .ok_or(StoreError::NotFound)?;
    to_document(row)
}

/// A document as the API shows it, with why its extraction failed and what
/// was read from it.
pub(super) fn document_view(
    db: &Connection,
    document: &Document,
) -> Result<DocumentView, StoreError> {
    let mut view = DocumentView::new(document, format_time(document.added_at));
    let id = to_sql_id(document.id.0)?;
    if document.extraction == Extraction::Failed {
        view.failure = db
            .prepare_cached("SELECT failure FROM documents WHERE id = ?1")?
            .query_row([id], |row| row.get(0))?;
        view.reason_message = view.failure.clone();
    }
    if document.extraction == Extraction::Extracted {
        view.fields = db
            .prepare_cached(
                "SELECT supplier, supplier_confidence, date, date_confidence, total,
                        total_confidence, currency, currency_confidence
                 FROM extractions WHERE document_id = ?1",
            )?
            .query_row([id], |row| {
                let field = |value: usize| -> rusqlite::Result<Option<Field>> {
                    let text: Option<String> = row.get(value)?;
                    let confidence: Option<u8> = row.get(value + 1)?;
                    Ok(text.map(|value| Field {
                        value,
                        confidence: confidence.unwrap_or(0),
                    }))
                };
                Ok(Fields {
                    supplier: field(0)?,
                    date: field(2)?,
                    total: field(4)?,
                    currency: field(6)?,
                })
            })
            .optional()?;
    }
    Ok(view)
}

/// The client of `business`, if the business is in `scope`.
pub(super) fn scoped_client(
    db: &Connection,
    scope: Scope,
    business: BusinessId,
) -> Result<Client, StoreError> {
    match scope {
        Scope::Practice(practice) => {
            let client = client_of_business(db, practice, business)?;
            load_client(db, practice, client)
        }
        Scope::Account(client) => {
            let (owner, practice): (u64, u64) = db
                .prepare_cached(
                    "SELECT b.client_id, c.practice_id FROM businesses b
                     JOIN clients c ON c.id = b.client_id WHERE b.id = ?1",
                )?
                .query_row([to_sql_id(business.0)?], |row| {
                    Ok((row.get(0)?, row.get(1)?))
                })
                .optional()?
                .ok_or(StoreError::NotFound)?;
            if ClientId(owner) != client {
                return Err(StoreError::NotFound);
            }
            load_client(db, PracticeId(practice), client)
        }
    }
}

pub(super) const COLUMNS: &str = "id, business_id, file_name, added_at, added_by, extraction, reason, \
                       size_bytes, content_type, sha256";

/// A document's row, as read.
type DocumentRow = (
    u64,
    u64,
    String,
    i64,
    String,
    String,
    Option<String>,
    Option<u64>,
    Option<String>,
    Option<String>,
);

pub(super) fn read_row(row: &Row<'_>) -> rusqlite::Result<DocumentRow> {
    row.try_into()
}

pub(super) fn to_document(row: DocumentRow) -> Result<Document, StoreError> {
    let (
        id,
        business,
        file_name,
        added_at,
        added_by,
        extraction,
        reason,
        size_bytes,
        content_type,
        sha256,
    ) = row;
    let file = match (size_bytes, content_type, sha256) {
        (Some(size_bytes), Some(content_type), Some(sha256)) => Some(DocumentFile {
            size_bytes,
            content_type,
            sha256,
        }),
        _ => None,
    };
    Ok(Document {
        id: DocumentId(id),
        business: BusinessId(business),
        file_name,
        added_at: Timestamp(added_at),
        added_by,
        extraction: parse_extraction(&extraction, reason.as_deref())?,
        file,
    })
}
