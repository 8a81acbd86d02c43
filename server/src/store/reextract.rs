//! Storage for "Extract now" and for the impact a deactivation would have:
//! the documents a client received while deactivated, queueing them in one
//! transaction with its activity, and the per-business facts about
//! documents that `core` turns into the wizard's step 1.

use super::{Actor, Idempotency, Outcome, StoreError};
use clientele_core::impact::Facts;
use clientele_core::reextract::Selection;
use clientele_core::wire::DocumentView;
use clientele_core::{Client, ClientId, PracticeId, Timestamp};

/// "Extract now" on some of a client's documents, with what the store needs
/// to record it.
#[derive(Debug, Clone)]
pub struct ExtractNow {
    /// The practice the client must belong to.
    pub practice: PracticeId,
    /// The client whose documents are queued.
    pub client_id: ClientId,
    /// Which documents.
    pub selection: Selection,
    /// Who asked.
    pub actor: Actor,
    /// When.
    pub at: Timestamp,
    /// The request's idempotency key, if it had one.
    pub idempotency: Option<Idempotency>,
}

/// Documents added while deactivated, and the facts behind a deactivation's
/// impact.
pub trait ReextractStore: Send + Sync + 'static {
    /// The client's documents that were added while it or their business
    /// was deactivated (`not_extracted`), newest first.
    fn added_while_deactivated(
        &self,
        practice: PracticeId,
        client: ClientId,
    ) -> Result<Vec<DocumentView>, StoreError>;
    /// Queues the documents `core` allows (`reextract::extract_now`) in one
    /// transaction, with one `documents_extracted` activity entry; answers
    /// them as they are now, queued.
    fn extract_now(&self, request: ExtractNow) -> Result<Outcome<Vec<DocumentView>>, StoreError>;
    /// The client and, in the same read, how many of each business's
    /// documents are queued and when its latest was added.
    fn impact_facts(
        &self,
        practice: PracticeId,
        client: ClientId,
    ) -> Result<(Client, Facts), StoreError>;
}
