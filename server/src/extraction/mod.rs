//! The extraction worker: in-process tasks that take `queued` documents,
//! oldest first, read them, and record what they found. Taking a document
//! applies R5 again (`core::extraction::extraction_at_pickup`), and its
//! result is recorded only while it is still `extracting`, so a document is
//! never marked done twice. A document being read when the server died is
//! queued again at start. The tools run as subprocesses with a time limit,
//! never on the async threads.

pub mod fields;
pub mod tools;

use crate::clock::Clock;
use crate::files::FileStore;
use crate::store::{Picked, ReadOutcome, Storage};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// How often an idle worker looks for work it was not told about (a retry
/// coming due).
const IDLE_POLL: Duration = Duration::from_secs(1);

/// What the workers share.
#[derive(Clone)]
pub struct Workers {
    store: Arc<dyn Storage>,
    files: Arc<FileStore>,
    clock: Arc<dyn Clock>,
    /// Wakes an idle worker when a document is queued.
    pub wake: Arc<Notify>,
}

impl Workers {
    /// Workers over this store, file store and clock.
    pub fn new(store: Arc<dyn Storage>, files: Arc<FileStore>, clock: Arc<dyn Clock>) -> Workers {
        Workers {
            store,
            files,
            clock,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Queues again what was being read when the server stopped, then starts
    /// `count` workers.
    pub async fn start(&self, count: usize) -> Result<(), String> {
        let store = Arc::clone(&self.store);
        let requeued = tokio::task::spawn_blocking(move || store.requeue_interrupted())
            .await
            .map_err(|error| format!("requeueing failed: {error}"))?
            .map_err(|error| format!("cannot requeue interrupted extractions: {error}"))?;
        if requeued > 0 {
            tracing::info!(
                requeued,
                "queued again the documents being read when the server stopped"
            );
        }
        for _ in 0..count {
            tokio::spawn(self.clone().run());
        }
        Ok(())
    }

    async fn run(self) {
        loop {
            match self.step().await {
                Ok(true) => continue,
                Ok(false) => {
                    let _ = tokio::time::timeout(IDLE_POLL, self.wake.notified()).await;
                }
                Err(error) => {
                    tracing::error!(%error, "the extraction worker failed a step");
                    tokio::time::sleep(IDLE_POLL).await;
                }
            }
        }
    }

    /// Takes and reads one document; answers whether there was one.
    pub async fn step(&self) -> Result<bool, String> {
        let now = self.clock.now();
        let store = Arc::clone(&self.store);
        let picked = tokio::task::spawn_blocking(move || store.claim_next(now))
            .await
            .map_err(|error| error.to_string())?
            .map_err(|error| error.to_string())?;
        let claim = match picked {
            None => return Ok(false),
            Some(Picked::NotExtracted(id)) => {
                tracing::info!(
                    document = id.0,
                    "not extracted: deactivated since the upload"
                );
                return Ok(true);
            }
            Some(Picked::Read(claim)) => claim,
        };
        let started = std::time::Instant::now();
        let outcome = match self.files.path_of(&claim.file.sha256) {
            None => ReadOutcome::Failed("The document's file is missing.".into()),
            Some(path) => match tools::read_text(&path, &claim.file.content_type).await {
                Ok(text) => ReadOutcome::Extracted {
                    fields: fields::read_fields(&text),
                    raw_text: text,
                },
                Err(reason) => ReadOutcome::Failed(reason),
            },
        };
        let id = claim.id;
        tracing::info!(
            document = id.0,
            read = matches!(outcome, ReadOutcome::Extracted { .. }),
            millis = started.elapsed().as_millis() as u64,
            "extraction finished"
        );
        let done_at = self.clock.now();
        let store = Arc::clone(&self.store);
        let recorded = tokio::task::spawn_blocking(move || store.finish(id, outcome, done_at))
            .await
            .map_err(|error| error.to_string())?
            .map_err(|error| error.to_string())?;
        if !recorded {
            tracing::warn!(
                document = id.0,
                "an extraction finished for a document no longer being read"
            );
        }
        Ok(true)
    }
}
