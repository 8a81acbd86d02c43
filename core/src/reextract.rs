//! "Extract now": a document added while its client or business was
//! deactivated was stored `not_extracted` (R5). Once the client and the
//! business are both active again, a practice admin may queue it for
//! extraction, one document or every one at once. This module decides which
//! documents may be queued; the caller stores them `queued`, and the
//! extraction workers read them as usual (R5 applies again at pick-up).

use crate::error::ErrorKind;
use crate::ids::{BusinessId, DocumentId};
use crate::model::{Client, Document, Extraction};
use crate::rules::extraction_for_new_document;
use crate::wire::{DocumentView, ExtractionState};
use std::fmt;

/// The most documents one "Extract now" may name.
pub const MAX_DOCUMENTS: usize = 1000;

/// What a document is to this rule: its id, its business, and whether it
/// was stored without being extracted. Built from a stored [`Document`]
/// (the server) or from a [`DocumentView`] (the app), so both decide alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// The document.
    pub id: DocumentId,
    /// Its business.
    pub business: BusinessId,
    /// Whether it is `not_extracted`: added while its client or business
    /// was deactivated.
    pub not_extracted: bool,
}

impl From<&Document> for Candidate {
    fn from(document: &Document) -> Candidate {
        Candidate {
            id: document.id,
            business: document.business,
            not_extracted: matches!(document.extraction, Extraction::NotExtracted(_)),
        }
    }
}

impl From<&Candidate> for Candidate {
    fn from(candidate: &Candidate) -> Candidate {
        *candidate
    }
}

impl From<&DocumentView> for Candidate {
    fn from(view: &DocumentView) -> Candidate {
        Candidate {
            id: view.id,
            business: view.business_id,
            not_extracted: view.extraction == ExtractionState::NotExtracted,
        }
    }
}

/// Which documents "Extract now" is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every document of the client that may be extracted now ("Extract
    /// all now").
    All,
    /// These documents ("Extract now" on one), each of which must be
    /// extractable now.
    These(Vec<DocumentId>),
}

/// Why "Extract now" was refused. Refusing changes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtractNowError {
    /// An empty list of documents was sent.
    NoDocumentsNamed,
    /// More than [`MAX_DOCUMENTS`] documents were named.
    TooManyDocuments,
    /// The document is not one of the client's.
    DocumentNotFound(DocumentId),
    /// The document is not `not_extracted`: it is queued, being read, read
    /// or failed already.
    NotWaiting(DocumentId),
    /// The client is deactivated: reactivate it first.
    ClientDeactivated,
    /// The document's business is deactivated: reactivate it first.
    BusinessDeactivated(BusinessId),
    /// "Extract all now", but no document is waiting to be extracted.
    NothingToExtract,
}

impl ExtractNowError {
    /// A stable machine code, such as `document_not_waiting`.
    pub fn code(&self) -> &'static str {
        match self {
            ExtractNowError::NoDocumentsNamed => "no_documents_named",
            ExtractNowError::TooManyDocuments => "too_many_documents",
            ExtractNowError::DocumentNotFound(_) => "document_not_found",
            ExtractNowError::NotWaiting(_) => "document_not_waiting",
            ExtractNowError::ClientDeactivated => "client_deactivated",
            ExtractNowError::BusinessDeactivated(_) => "business_deactivated",
            ExtractNowError::NothingToExtract => "nothing_to_extract",
        }
    }

    /// What sort of refusal this is: a document no longer waiting is a
    /// conflict (someone extracted it first); a deactivated client or
    /// business, or a malformed list, is refused.
    pub fn kind(&self) -> ErrorKind {
        match self {
            // As for the other changes a deactivated client or business
            // does not allow (`RuleError::ClientDeactivated`): refused.
            ExtractNowError::NoDocumentsNamed
            | ExtractNowError::TooManyDocuments
            | ExtractNowError::ClientDeactivated
            | ExtractNowError::BusinessDeactivated(_) => ErrorKind::Refused,
            ExtractNowError::DocumentNotFound(_) => ErrorKind::NotFound,
            ExtractNowError::NotWaiting(_) | ExtractNowError::NothingToExtract => {
                ErrorKind::Conflict
            }
        }
    }
}

impl fmt::Display for ExtractNowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExtractNowError::NoDocumentsNamed => {
                f.write_str("Name at least one document to extract.")
            }
            ExtractNowError::TooManyDocuments => write!(
                f,
                "Name at most {MAX_DOCUMENTS} documents at once, or extract them all."
            ),
            ExtractNowError::DocumentNotFound(id) => {
                write!(f, "Document {id} is not one of this client's documents.")
            }
            ExtractNowError::NotWaiting(id) => write!(
                f,
                "Document {id} is not waiting to be extracted: it is queued, extracted or \
                 failed already."
            ),
            ExtractNowError::ClientDeactivated => f.write_str(
                "This client is deactivated. Reactivate it first; then its documents can be \
                 extracted.",
            ),
            ExtractNowError::BusinessDeactivated(id) => write!(
                f,
                "Business {id} is deactivated. Reactivate it first; then its documents can be \
                 extracted."
            ),
            ExtractNowError::NothingToExtract => {
                f.write_str("No document of this client is waiting to be extracted.")
            }
        }
    }
}

impl std::error::Error for ExtractNowError {}

/// Whether `document` may be extracted now: it was stored `not_extracted`,
/// and R5 would queue a document added to its business now (the client and
/// the business are both active).
pub fn may_extract_now(
    client: &Client,
    document: impl Into<Candidate>,
) -> Result<(), ExtractNowError> {
    let document = document.into();
    if client.business(document.business).is_none() {
        return Err(ExtractNowError::DocumentNotFound(document.id));
    }
    if !document.not_extracted {
        return Err(ExtractNowError::NotWaiting(document.id));
    }
    match extraction_for_new_document(client, document.business) {
        Ok(Extraction::Queued) => Ok(()),
        Ok(_) if client.status != crate::model::Status::Active => {
            Err(ExtractNowError::ClientDeactivated)
        }
        Ok(_) => Err(ExtractNowError::BusinessDeactivated(document.business)),
        Err(_) => Err(ExtractNowError::DocumentNotFound(document.id)),
    }
}

/// The client's documents that were added while it (or their business) was
/// deactivated, whether or not they may be extracted yet.
pub fn added_while_deactivated<T>(documents: &[T]) -> Vec<&T>
where
    for<'a> &'a T: Into<Candidate>,
{
    documents
        .iter()
        .filter(|document| (*document).into().not_extracted)
        .collect()
}

/// The client's documents that "Extract now" would queue now.
pub fn extractable<'a, T>(client: &Client, documents: &'a [T]) -> Vec<&'a T>
where
    for<'b> &'b T: Into<Candidate>,
{
    documents
        .iter()
        .filter(|document| may_extract_now(client, *document).is_ok())
        .collect()
}

/// Decides "Extract now" on `documents` (the client's) for `selection`:
/// the ids to queue, in the order of `documents`, or why not. Every named
/// document must be extractable, or nothing is queued.
pub fn extract_now<T>(
    client: &Client,
    documents: &[T],
    selection: &Selection,
) -> Result<Vec<DocumentId>, ExtractNowError>
where
    for<'a> &'a T: Into<Candidate>,
{
    let candidates: Vec<Candidate> = documents.iter().map(Into::into).collect();
    match selection {
        Selection::All => {
            if client.status != crate::model::Status::Active {
                return Err(ExtractNowError::ClientDeactivated);
            }
            let chosen: Vec<DocumentId> = candidates
                .iter()
                .filter(|candidate| may_extract_now(client, **candidate).is_ok())
                .map(|candidate| candidate.id)
                .collect();
            if chosen.is_empty() {
                return Err(ExtractNowError::NothingToExtract);
            }
            Ok(chosen)
        }
        Selection::These(ids) => {
            if ids.is_empty() {
                return Err(ExtractNowError::NoDocumentsNamed);
            }
            if ids.len() > MAX_DOCUMENTS {
                return Err(ExtractNowError::TooManyDocuments);
            }
            for id in ids {
                let candidate = candidates
                    .iter()
                    .find(|candidate| candidate.id == *id)
                    .ok_or(ExtractNowError::DocumentNotFound(*id))?;
                may_extract_now(client, *candidate)?;
            }
            Ok(candidates
                .iter()
                .map(|candidate| candidate.id)
                .filter(|id| ids.contains(id))
                .collect())
        }
    }
}

/// `view` as "Extract now" leaves it: queued, with no reason. The app shows
/// this before the server answers, and puts `view` back if it refuses.
pub fn queued(view: &DocumentView) -> DocumentView {
    DocumentView {
        extraction: ExtractionState::Queued,
        reason: None,
        reason_message: None,
        ..view.clone()
    }
}
