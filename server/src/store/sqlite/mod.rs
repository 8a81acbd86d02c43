//! The SQLite store: one file in WAL mode, migrations applied at start, one
//! writer connection (so every change is serialised and its version check is
//! inside its transaction) and a small pool of readers. Every read runs in
//! one read transaction, so a read of several statements sees one commit.
//!
//! Changes to clients are handed to the writer and committed in groups;
//! other writes run in a transaction each (`writer`). A commit is
//! answered once it would survive the server being killed, or also losing
//! power ([`Durability`]). The log is copied back into the file mostly on
//! a thread of its own (`checkpointer`).
//!
//! The trait implementations are split by capability: `clients` (with
//! the `list`, `changes` to one client and `idempotency`), `documents`,
//! `extractions`, `accounts`, `onboarding` (with `export`), `invitations`,
//! `provision` and `schedules`.

mod accounts;
mod changes;
mod checkpointer;
mod clients;
mod documents;
mod export;
mod extractions;
mod idempotency;
mod invitations;
mod list;
mod onboarding;
mod provision;
mod recorded;
mod reextract;
mod schedules;
mod writer;

use super::StoreError;
use clientele_core::{Extraction, NotExtractedReason, Role, StaffRole, Status};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use writer::Writer;

/// Migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/001_initial.sql"),
    include_str!("../../../migrations/002_identity.sql"),
    include_str!("../../../migrations/003_idempotency_expiry.sql"),
    include_str!("../../../migrations/004_document_files.sql"),
    include_str!("../../../migrations/005_extraction.sql"),
    include_str!("../../../migrations/006_onboarding.sql"),
    include_str!("../../../migrations/007_undo.sql"),
    include_str!("../../../migrations/008_scheduled_deactivation.sql"),
    include_str!("../../../migrations/009_extract_now.sql"),
    include_str!("../../../migrations/010_list_index.sql"),
    include_str!("../../../migrations/011_data_versions.sql"),
    include_str!("../../../migrations/012_drop_old_list_indexes.sql"),
    include_str!("../../../migrations/013_data_version_triggers_without_temporary_tables.sql"),
    include_str!("../../../migrations/014_refold_list_keys.sql"),
    include_str!("../../../migrations/015_activity_version.sql"),
];

/// The most readers open at once. A read waits for a free one rather than
/// opening another: a connection opened per request (and closed after it)
/// parses the schema and prepares every statement again, and under 64
/// concurrent requests that halved the list's throughput.
const READERS: usize = 8;

/// The readers: those idle, and how many are open in all.
struct Readers {
    pool: Mutex<ReaderPool>,
    freed: Condvar,
}

#[derive(Default)]
struct ReaderPool {
    idle: Vec<Connection>,
    open: usize,
}

/// How many prepared statements each connection keeps: more than the store
/// has (about 150, with the export's and the list's variants).
const PREPARED_STATEMENTS: usize = 256;

/// The log's length, in pages of 4 KiB, at which the writer checkpoints
/// it: about 40 MB.
const CHECKPOINT_PAGES: i64 = 10_000;

/// When a change to the SQLite file is answered (`--durability`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Durability {
    /// Once the change is in the database file's log, which survives the
    /// server being killed (`kill -9`, a crash) but may lose the last
    /// moments of changes if the machine loses power. The file itself is
    /// never left damaged. SQLite's `synchronous = NORMAL` in WAL mode.
    #[default]
    Crash,
    /// Once the log is also flushed to the disk (an fsync per commit, shared
    /// by the writes committed together), which survives losing power too.
    /// SQLite's `synchronous = FULL`.
    PowerLoss,
}

/// Clientele's data in one SQLite file.
pub struct SqliteStore {
    path: PathBuf,
    durability: Durability,
    writer: Arc<Writer>,
    readers: Readers,
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> StoreError {
        StoreError::Internal(error.to_string())
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and migrates it,
    /// with the default [`Durability`]. A new database is empty: seeding is
    /// the caller's choice.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_with(path, Durability::default())
    }

    /// [`SqliteStore::open`], answering changes as `durability` says.
    pub fn open_with(path: &Path, durability: Durability) -> Result<SqliteStore, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|error| {
                StoreError::Internal(format!("cannot create {}: {error}", parent.display()))
            })?;
        }
        let mut writer = connect(path, durability)?;
        // WAL lets readers work while a change commits; it is a property of
        // the file, so set it once here.
        writer.pragma_update(None, "journal_mode", "WAL")?;
        // The writer copies the log back into the file (a checkpoint, with
        // its fsyncs) once the log holds this many pages, holding up every
        // write meanwhile. SQLite's 1,000 meant one every 70 or so changes.
        writer.pragma_update(None, "wal_autocheckpoint", CHECKPOINT_PAGES)?;
        migrate(&mut writer)?;
        let writer = Arc::new(Writer::new(writer));
        // Most of that copying is done beforehand, on a thread of its own.
        checkpointer::start(path, durability, Arc::downgrade(&writer))?;
        Ok(SqliteStore {
            path: path.to_owned(),
            durability,
            writer,
            readers: Readers {
                pool: Mutex::new(ReaderPool::default()),
                freed: Condvar::new(),
            },
        })
    }

    /// Runs `work` in one read transaction on a reader; `what` names it in
    /// the log if it fails.
    fn read<T>(
        &self,
        what: &str,
        work: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let connection = self.take_reader().map_err(|error| error.context(what))?;
        self.read_on(connection, what, work)
    }

    /// [`SqliteStore::read`] on a reader that is idle now, or `None` (and
    /// `work` not run) if none is: it never waits for a reader, nor opens
    /// one.
    fn read_now<T>(
        &self,
        what: &str,
        work: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Option<Result<T, StoreError>> {
        let connection = lock(&self.readers.pool).idle.pop()?;
        Some(self.read_on(connection, what, work))
    }

    /// Runs `work` in one read transaction on `connection`, then gives the
    /// reader back to the pool.
    fn read_on<T>(
        &self,
        connection: Connection,
        what: &str,
        work: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let result = (|| {
            // A deferred transaction takes its snapshot at the first SELECT
            // and keeps it to the end, so every statement sees one commit.
            let tx = connection.unchecked_transaction()?;
            let value = work(&tx)?;
            tx.finish()?;
            Ok(value)
        })()
        .map_err(|error: StoreError| error.context(what));
        lock(&self.readers.pool).idle.push(connection);
        self.readers.freed.notify_one();
        result
    }

    /// An idle reader, a new one while fewer than [`READERS`] are open, or
    /// else the first one given back.
    fn take_reader(&self) -> Result<Connection, StoreError> {
        let mut pool = lock(&self.readers.pool);
        loop {
            if let Some(connection) = pool.idle.pop() {
                return Ok(connection);
            }
            if pool.open < READERS {
                pool.open += 1;
                drop(pool);
                return connect(&self.path, self.durability).inspect_err(|_| {
                    lock(&self.readers.pool).open -= 1;
                    self.readers.freed.notify_one();
                });
            }
            pool = self
                .readers
                .freed
                .wait(pool)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }
}

/// Runs one statement from the connection's cache of prepared statements,
/// so a statement every write runs is not parsed again for each.
fn run_cached(connection: &Connection, sql: &str) -> rusqlite::Result<()> {
    connection.prepare_cached(sql)?.execute([]).map(drop)
}

fn connect(path: &Path, durability: Durability) -> Result<Connection, StoreError> {
    let connection = Connection::open(path)?;
    // Both keep the file whole whatever happens; they differ in whether a
    // commit waits for the disk (see `Durability`).
    let synchronous = match durability {
        Durability::Crash => "NORMAL",
        Durability::PowerLoss => "FULL",
    };
    connection.pragma_update(None, "synchronous", synchronous)?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    // A write's savepoint journal in memory, not a temporary file made and
    // removed for each.
    connection.pragma_update(None, "temp_store", "MEMORY")?;
    // Room for every statement the store runs (rusqlite keeps 16), so none
    // is parsed again.
    connection.set_prepared_statement_cache_capacity(PREPARED_STATEMENTS);
    connection.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(connection)
}

fn migrate(db: &mut Connection) -> Result<(), StoreError> {
    let applied: usize = db.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if applied > MIGRATIONS.len() {
        // Running old code on a newer schema could silently misread it.
        return Err(StoreError::Internal(format!(
            "the database has schema version {applied}, newer than this server's {}; \
             upgrade clientele-server",
            MIGRATIONS.len()
        )));
    }
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(applied) {
        let tx = db.transaction()?;
        tx.execute_batch(migration)?;
        tx.pragma_update(None, "user_version", index + 1)?;
        tx.commit()?;
    }
    fill_list_keys(db)
}

/// Gives every client without list keys its folded name and search text
/// (`core::search`, which SQL cannot run), then rebuilds the search index
/// over them: clients stored before the keys existed (migration 010), and
/// those whose keys migration 014 emptied when the folding changed. Does
/// nothing once all have them.
fn fill_list_keys(db: &mut Connection) -> Result<(), StoreError> {
    let tx = db.transaction()?;
    let missing: Vec<(i64, String, Option<String>)> = tx
        .prepare("SELECT id, name, code FROM clients WHERE sort_name = ''")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    if missing.is_empty() {
        return Ok(());
    }
    {
        let mut update =
            tx.prepare("UPDATE clients SET sort_name = ?2, search_text = ?3 WHERE id = ?1")?;
        for (id, name, code) in &missing {
            update.execute(rusqlite::params![
                id,
                clientele_core::search::sort_key(name),
                clientele_core::search::search_text(name, code.as_deref())
            ])?;
        }
    }
    tx.execute_batch("INSERT INTO clients_search (clients_search) VALUES ('rebuild')")?;
    tx.commit()?;
    Ok(())
}

/// A poisoned lock only means another request panicked while holding it;
/// SQLite rolled its transaction back, so the connection is still sound.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn to_sql_id(id: u64) -> Result<i64, StoreError> {
    i64::try_from(id).map_err(|_| StoreError::NotFound)
}

pub(in crate::store) fn role_str(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Standard => "standard",
    }
}

pub(in crate::store) fn reason_str(reason: NotExtractedReason) -> &'static str {
    match reason {
        NotExtractedReason::ClientDeactivated => "client_deactivated",
        NotExtractedReason::BusinessDeactivated => "business_deactivated",
    }
}

pub(in crate::store) fn parse_status(text: &str) -> Result<Status, StoreError> {
    Status::parse(text).ok_or_else(|| StoreError::Internal(format!("unknown status {text:?}")))
}

pub(in crate::store) fn parse_role(text: &str) -> Result<Role, StoreError> {
    match text {
        "admin" => Ok(Role::Admin),
        "standard" => Ok(Role::Standard),
        _ => Err(StoreError::Internal(format!("unknown role {text:?}"))),
    }
}

pub(in crate::store) fn parse_staff_role(text: &str) -> Result<StaffRole, StoreError> {
    StaffRole::parse(text)
        .ok_or_else(|| StoreError::Internal(format!("unknown staff role {text:?}")))
}

pub(in crate::store) fn parse_extraction(
    text: &str,
    reason: Option<&str>,
) -> Result<Extraction, StoreError> {
    match (text, reason) {
        ("queued", None) => Ok(Extraction::Queued),
        ("extracting", None) => Ok(Extraction::Extracting),
        ("extracted", None) => Ok(Extraction::Extracted),
        ("failed", None) => Ok(Extraction::Failed),
        ("not_extracted", Some("client_deactivated")) => Ok(Extraction::NotExtracted(
            NotExtractedReason::ClientDeactivated,
        )),
        ("not_extracted", Some("business_deactivated")) => Ok(Extraction::NotExtracted(
            NotExtractedReason::BusinessDeactivated,
        )),
        _ => Err(StoreError::Internal(format!(
            "unknown extraction {text:?} with reason {reason:?}"
        ))),
    }
}

/// Whether a SQLite error is a uniqueness violation.
fn is_unique_violation(error: &rusqlite::Error) -> bool {
    matches!(
        error,
        rusqlite::Error::SqliteFailure(failure, _)
            if failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                || failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn many_reads_at_once_share_a_bounded_pool_of_readers_and_all_succeed() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("pool.db")).unwrap();
        let (holding, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        std::thread::scope(|scope| {
            for _ in 0..READERS * 4 {
                scope.spawn(|| {
                    let count = store
                        .read("a test read", |db| {
                            let now = holding.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(20));
                            holding.fetch_sub(1, Ordering::SeqCst);
                            Ok(db
                                .prepare_cached("SELECT COUNT(*) FROM clients")?
                                .query_row([], |row| row.get::<_, i64>(0))?)
                        })
                        .unwrap();
                    assert_eq!(count, 0);
                });
            }
        });
        let most = most.load(Ordering::SeqCst);
        assert!(
            (2..=READERS).contains(&most),
            "{most} reads ran at once; the pool has {READERS} readers"
        );
        // Every reader opened was given back, and none was opened beyond
        // the pool's size.
        let pool = lock(&store.readers.pool);
        assert!(pool.open <= READERS);
        assert_eq!(pool.idle.len(), pool.open);
    }

    #[test]
    fn durability_chooses_whether_a_commit_waits_for_the_disk() {
        let dir = tempfile::tempdir().unwrap();
        // SQLite's codes for `PRAGMA synchronous`: 1 NORMAL, 2 FULL.
        for (durability, synchronous) in [(Durability::Crash, 1), (Durability::PowerLoss, 2)] {
            let path = dir.path().join(format!("{durability:?}.db"));
            let store = SqliteStore::open_with(&path, durability).unwrap();
            let writer: i64 = store
                .write("the writer's synchronous", |db| {
                    Ok(db.pragma_query_value(None, "synchronous", |row| row.get(0))?)
                })
                .unwrap();
            assert_eq!(writer, synchronous, "{durability:?}");
            let mode: String = store
                .read("the journal mode", |db| {
                    Ok(db.pragma_query_value(None, "journal_mode", |row| row.get(0))?)
                })
                .unwrap();
            assert_eq!(mode, "wal");
        }
        assert_eq!(Durability::default(), Durability::Crash);
    }
}
