//! What every handler shares: the store, the clock, how cookies are set,
//! the live updates and the read cache.

use crate::clock::Clock;
use crate::error::AppError;
use crate::read_cache::ReadCache;
use crate::store::{Storage, StoreError};
use std::sync::Arc;

/// How many requests' storage work runs at once. The stores serialise
/// writes and keep a few readers, so more threads than this only wait, and
/// switching between them cost more than the work under 64 connections.
pub const STORAGE_SLOTS: usize = 16;

/// The slots of one instance's storage work (see `STORAGE_SLOTS`).
pub fn storage_slots() -> Arc<tokio::sync::Semaphore> {
    Arc::new(tokio::sync::Semaphore::new(STORAGE_SLOTS))
}

/// The store, shared by every handler.
pub type Store = Arc<dyn Storage>;

/// The router's state.
#[derive(Clone)]
pub struct AppState {
    /// Where everything is kept.
    pub store: Store,
    /// Where document files are kept.
    pub files: Arc<crate::files::FileStore>,
    /// Where the time comes from.
    pub clock: Arc<dyn Clock>,
    /// Whether the session cookie is marked `Secure` (behind TLS).
    pub secure_cookies: bool,
    /// Wakes an idle extraction worker when a document is queued.
    pub extraction: Arc<tokio::sync::Notify>,
    /// Where accepted changes are published, and streams subscribe.
    pub events: crate::events::Events,
    /// Bounds the storage work running at once ([`storage_slots`]).
    pub storage_slots: Arc<tokio::sync::Semaphore>,
    /// This instance's serialised list pages, by data version.
    pub read_cache: Arc<ReadCache>,
}

impl AppState {
    /// Tells an idle extraction worker there may be work.
    pub fn wake_workers(&self) {
        self.extraction.notify_one();
    }

    /// Runs blocking storage work off the async threads, at most
    /// `STORAGE_SLOTS` pieces at once.
    pub async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&dyn Storage) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, AppError> {
        let _slot = self
            .storage_slots
            .acquire()
            .await
            .map_err(|error| AppError::Internal(format!("storage slots closed: {error}")))?;
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || work(store.as_ref()))
            .await
            .map_err(|error| AppError::Internal(format!("storage task failed: {error}")))?
            .map_err(AppError::from)
    }
}
