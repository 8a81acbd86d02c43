//! Copies the write-ahead log back into the database file on a thread of
//! its own, so that the writer's own checkpoint finds little left to do.
//!
//! With `synchronous = NORMAL` a commit does not wait for the disk, so the
//! log's pages pile up unsynced until a checkpoint syncs them. When the
//! writer checkpointed alone (every [`CHECKPOINT_PAGES`](super::CHECKPOINT_PAGES) pages,
//! about 770 changes), it synced about 40 MB at once while every write
//! waited: some 35 ms, and the p99 of a write. This thread runs a `PASSIVE`
//! checkpoint every [`CHECKPOINT_EVERY`], which never waits for the writer
//! nor holds it up, so each sync is small. The writer keeps its own
//! checkpoint all the same: only a checkpoint that no write can overtake
//! lets SQLite start the log again from its beginning, which bounds its
//! size.

use super::writer::Writer;
use super::{Durability, connect};
use crate::store::StoreError;
use std::path::Path;
use std::sync::Weak;
use std::time::Duration;

/// How often the log is copied back.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// Starts checkpointing the database at `path` on a thread of its own, for
/// as long as the store's `writer` lives.
pub(super) fn start(
    path: &Path,
    durability: Durability,
    writer: Weak<Writer>,
) -> Result<(), StoreError> {
    let connection = connect(path, durability)?;
    std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || {
            loop {
                std::thread::sleep(CHECKPOINT_EVERY);
                if writer.strong_count() == 0 {
                    return;
                }
                // A checkpoint already running (the writer's) is no error:
                // PASSIVE answers at once, and the next one catches up.
                if let Err(error) =
                    connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                {
                    tracing::warn!(%error, "a checkpoint of the database's log failed");
                }
            }
        })
        .map_err(|error| StoreError::Internal(format!("cannot start the checkpointer: {error}")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::store::sqlite::SqliteStore;
    use std::time::{Duration, Instant};

    /// The database file alone (no log beside it) holds `name`: not while
    /// even the schema is only in the log.
    fn file_alone_holds(path: &std::path::Path, name: &str) -> bool {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("copy.db");
        std::fs::copy(path, &copy).unwrap();
        let db = rusqlite::Connection::open(&copy).unwrap();
        db.query_row(
            "SELECT EXISTS (SELECT 1 FROM practice WHERE name = ?1)",
            [name],
            |row| row.get(0),
        )
        .unwrap_or(false)
    }

    #[test]
    fn committed_changes_reach_the_database_file_without_waiting_for_the_writers_checkpoint() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("checkpoint.db");
        let store = SqliteStore::open(&path).unwrap();
        // Far fewer pages than the writer's own checkpoint waits for.
        store
            .write("a test write", |db| {
                db.execute("INSERT INTO practice (name) VALUES ('Copied back')", [])?;
                Ok(())
            })
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while !file_alone_holds(&path, "Copied back") {
            assert!(
                Instant::now() < deadline,
                "the change is still only in the log after 5 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
