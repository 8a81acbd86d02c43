//! A document on the wire: its file and where its extraction stands.

use crate::extraction::Fields;
use crate::ids::{BusinessId, DocumentId};
use crate::model::{Document, NotExtractedReason};
use serde::{Deserialize, Serialize};

/// A document's extraction state on the wire, without its reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ExtractionState {
    /// Waiting to be extracted.
    Queued,
    /// Being read now.
    Extracting,
    /// Extracted.
    Extracted,
    /// Every try failed; `failure` says why.
    Failed,
    /// Stored, never to be extracted; see the reason.
    NotExtracted,
}

impl ExtractionState {
    /// The state in words, as the app shows it.
    pub fn label(self) -> &'static str {
        match self {
            ExtractionState::Queued => "Queued for extraction",
            ExtractionState::Extracting => "Extracting…",
            ExtractionState::Extracted => "Extracted",
            ExtractionState::Failed => "Extraction failed",
            ExtractionState::NotExtracted => "Not extracted",
        }
    }
}

/// A document as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentView {
    /// The document's id.
    pub id: DocumentId,
    /// The business it was sent to.
    pub business_id: BusinessId,
    /// The uploaded file's name.
    pub file_name: String,
    /// When it was added (RFC 3339).
    pub added_at: String,
    /// Who added it.
    pub added_by: String,
    /// Its extraction state.
    pub extraction: ExtractionState,
    /// Why it was not extracted, if it was not.
    pub reason: Option<NotExtractedReason>,
    /// The reason in words.
    pub reason_message: Option<String>,
    /// The file's size in bytes.
    pub size_bytes: Option<u64>,
    /// The file's media type, such as `application/pdf`.
    pub content_type: Option<String>,
    /// The SHA-256 of the file's bytes, in lower-case hex.
    pub sha256: Option<String>,
    /// Why extraction failed, for a `failed` document.
    pub failure: Option<String>,
    /// What was read, once `extracted`.
    pub fields: Option<Fields>,
}

impl DocumentView {
    /// The view of `document`, with its time already formatted by the caller.
    pub fn new(document: &Document, added_at: String) -> DocumentView {
        use crate::model::Extraction;
        let reason = document.extraction.reason();
        DocumentView {
            id: document.id,
            business_id: document.business,
            file_name: document.file_name.clone(),
            added_at,
            added_by: document.added_by.clone(),
            extraction: match document.extraction {
                Extraction::Queued => ExtractionState::Queued,
                Extraction::Extracting => ExtractionState::Extracting,
                Extraction::Extracted => ExtractionState::Extracted,
                Extraction::Failed => ExtractionState::Failed,
                Extraction::NotExtracted(_) => ExtractionState::NotExtracted,
            },
            reason,
            reason_message: reason.map(|reason| reason.message().to_owned()),
            size_bytes: document.file.as_ref().map(|file| file.size_bytes),
            content_type: document.file.as_ref().map(|file| file.content_type.clone()),
            sha256: document.file.as_ref().map(|file| file.sha256.clone()),
            failure: None,
            fields: None,
        }
    }
}
