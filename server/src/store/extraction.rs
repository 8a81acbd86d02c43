//! The extraction queue's storage: taking the next document to read, and
//! recording what reading it came to.

use super::{Scope, StoreError};
use clientele_core::wire::DocumentView;
use clientele_core::{DocumentFile, DocumentId, Timestamp};

/// A document a worker has taken to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The document.
    pub id: DocumentId,
    /// Its file.
    pub file: DocumentFile,
}

/// What taking the next queued document came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    /// Taken to be read: it is `extracting` now.
    Read(Claim),
    /// Its business or client was deactivated since the upload, so it is
    /// `not_extracted` now (R5 at pick-up).
    NotExtracted(DocumentId),
}

/// What reading a document came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadOutcome {
    /// Read: the fields found, and all the text.
    Extracted {
        /// The fields.
        fields: clientele_core::extraction::Fields,
        /// The text the fields were read from.
        raw_text: String,
    },
    /// Not read, and why, for people.
    Failed(String),
}

/// The extraction queue.
pub trait ExtractionStore: Send + Sync + 'static {
    /// Queues again every document left `extracting` by a server that
    /// stopped while reading it (with PostgreSQL: by an instance that is
    /// gone, not one still reading); answers how many.
    fn requeue_interrupted(&self) -> Result<usize, StoreError>;
    /// Takes the oldest queued document that is due, with R5 applied again.
    fn claim_next(&self, now: Timestamp) -> Result<Option<Picked>, StoreError>;
    /// Records a read's outcome, if the document is still `extracting`:
    /// extracted, queued again after a wait, or `failed` after its last try.
    /// Answers whether it was recorded.
    fn finish(
        &self,
        id: DocumentId,
        outcome: ReadOutcome,
        at: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Queues a `failed` document again ("Retry"), with all its tries.
    fn retry(&self, scope: Scope, id: DocumentId) -> Result<DocumentView, StoreError>;
}
