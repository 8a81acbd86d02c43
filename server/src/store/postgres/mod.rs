//! The PostgreSQL store, for running several server instances on one
//! database: a pool of connections, migrations applied at start under an
//! advisory lock (so instances starting together migrate once), and the same
//! semantics as [`super::sqlite`]. Every change is one transaction that locks
//! the client's row (`SELECT … FOR UPDATE`) before its version check, so a
//! race has exactly one winner across instances; every read is one
//! `REPEATABLE READ` transaction, so it sees one commit.
//!
//! The storage traits are synchronous and called from
//! `tokio::task::spawn_blocking`. The driver is async, so the store owns a
//! small runtime of its own and runs each operation with `block_on` on it.
//! A runtime of its own, rather than the caller's, keeps the connections'
//! tasks running whatever the caller is: the server's multi-threaded
//! runtime, a test's current-thread one (whose I/O only moves while its one
//! thread polls), or a plain thread.
//!
//! The trait implementations are split as [`super::sqlite`]'s are:
//! `clients` (with the `list`, `changes` to one client and
//! `idempotency`), `documents`, `extractions`, `accounts`,
//! `onboarding` (with `export`), `invitations`, `provision` and
//! `schedules`.

mod accounts;
mod changes;
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

use super::StoreError;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::types::ToSql;
use tokio_postgres::{IsolationLevel, NoTls, Row};

/// Migrations, applied in order; `schema_migrations` records which ran.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/postgres/001_schema.sql"),
    include_str!("../../../migrations/postgres/002_undo.sql"),
    include_str!("../../../migrations/postgres/003_scheduled_deactivation.sql"),
    include_str!("../../../migrations/postgres/004_extract_now.sql"),
    include_str!("../../../migrations/postgres/005_list_index.sql"),
    include_str!("../../../migrations/postgres/006_data_versions.sql"),
    include_str!("../../../migrations/postgres/007_drop_old_list_indexes.sql"),
    include_str!("../../../migrations/postgres/008_refold_list_keys.sql"),
    include_str!("../../../migrations/postgres/009_activity_version.sql"),
];

/// The advisory lock taken while migrating: one instance migrates, the
/// others wait and then find nothing left to do. (The bytes spell
/// "clientel".)
const MIGRATION_LOCK: i64 = 0x636c_6965_6e74_656c;

/// How often an instance looks for documents that an instance which died
/// was reading, and queues them again; the others need not restart for it.
const DEAD_CLAIMS_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Connections kept per instance; a request holds one only while its
/// transaction runs.
const POOL_SIZE: usize = 16;

/// A transaction on a pooled connection.
pub(super) type Tx<'a> = deadpool_postgres::Transaction<'a>;

/// Statement parameters.
pub(super) type Params<'a> = [&'a (dyn ToSql + Sync)];

/// Clientele's data in a PostgreSQL database that several instances share.
pub struct PostgresStore {
    pool: Pool,
    /// This instance's key: the advisory lock `liveness` holds, and what its
    /// extraction claims are marked with.
    instance: i64,
    /// A connection that holds the advisory lock `instance` for as long as
    /// this store lives. PostgreSQL lets it go when the process dies, so
    /// another instance can tell a dead instance's claims from a live one's.
    _liveness: tokio_postgres::Client,
    /// `None` only while dropping.
    runtime: Option<tokio::runtime::Runtime>,
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(error: tokio_postgres::Error) -> StoreError {
        // The driver's own message is only "db error"; the server's says what.
        match error.as_db_error() {
            Some(db) => StoreError::Internal(format!("{}: {}", db.code().code(), db.message())),
            None => StoreError::Internal(error.to_string()),
        }
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(error: deadpool_postgres::PoolError) -> StoreError {
        match error {
            deadpool_postgres::PoolError::Backend(error) => StoreError::from(error),
            other => StoreError::Internal(format!("no database connection: {other}")),
        }
    }
}

/// Whether a URL names a PostgreSQL database rather than a SQLite file.
pub fn is_postgres_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user@host:port/name`)
    /// and migrates it. Call it from a thread that may block (not from an
    /// async task). A new database is empty: seeding is the caller's choice.
    pub fn open(url: &str) -> Result<PostgresStore, StoreError> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|error| StoreError::Internal(format!("invalid database URL: {error}")))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("clientele-postgres")
            .enable_all()
            .build()
            .map_err(|error| StoreError::Internal(format!("cannot start a runtime: {error}")))?;
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|error| StoreError::Internal(format!("cannot build the pool: {error}")))?;
        let instance = rand::random::<i64>().checked_abs().unwrap_or(1).max(1);
        let liveness = runtime.block_on(async {
            let (client, connection) = config.connect(NoTls).await?;
            tokio::spawn(async move {
                if let Err(error) = connection.await {
                    tracing::warn!(%error, "the instance's liveness connection closed");
                }
            });
            migrate(&client).await?;
            fill_list_keys(&client).await?;
            client
                .execute("SELECT pg_advisory_lock($1)", &[&instance])
                .await?;
            Ok::<_, StoreError>(client)
        });
        let liveness = liveness.map_err(|error| error.context("opening the database"))?;
        runtime.spawn(requeue_dead_claims_every(pool.clone()));
        Ok(PostgresStore {
            pool,
            instance,
            _liveness: liveness,
            runtime: Some(runtime),
        })
    }

    fn block_on<F: std::future::Future>(&self, work: F) -> F::Output {
        self.runtime
            .as_ref()
            .expect("the runtime lives as long as the store")
            .block_on(work)
    }

    /// Runs `work` in one read-only `REPEATABLE READ` transaction, so every
    /// statement sees the same commit; `what` names it in the log if it
    /// fails.
    fn read<T>(
        &self,
        what: &str,
        work: impl AsyncFnOnce(&Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.block_on(async {
            let mut connection = self.pool.get().await?;
            let tx = connection
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .await?;
            let value = work(&tx).await?;
            tx.commit().await?;
            Ok(value)
        })
        .map_err(|error: StoreError| error.context(what))
    }

    /// Runs `work` in one `READ COMMITTED` transaction and commits it; any
    /// error rolls it all back. Work that decides from what it read locks
    /// those rows first (`FOR UPDATE`), so that the decision holds until the
    /// commit. `what` names it in the log.
    fn write<T>(
        &self,
        what: &str,
        work: impl AsyncFnOnce(&Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.block_on(async {
            let mut connection = self.pool.get().await?;
            let tx = connection.transaction().await?;
            let value = work(&tx).await?;
            tx.commit().await?;
            Ok(value)
        })
        .map_err(|error: StoreError| error.context(what))
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        // Dropping a runtime waits for its tasks, which an async caller may
        // not do; the pool's connection tasks need no waiting for.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Every [`DEAD_CLAIMS_EVERY`], queues again what dead instances were
/// reading; runs until the store's runtime stops.
async fn requeue_dead_claims_every(pool: Pool) {
    let start = tokio::time::Instant::now() + DEAD_CLAIMS_EVERY;
    let mut every = tokio::time::interval_at(start, DEAD_CLAIMS_EVERY);
    loop {
        every.tick().await;
        let requeued = async {
            let mut connection = pool.get().await?;
            let tx = connection.transaction().await?;
            let requeued = extractions::requeue_dead_claims(&tx).await?;
            tx.commit().await?;
            Ok::<_, StoreError>(requeued)
        };
        match requeued.await {
            Ok(0) => {}
            Ok(requeued) => {
                tracing::info!(requeued, "queued again what a stopped instance was reading")
            }
            Err(error) => tracing::warn!(%error, "could not look for stopped instances' claims"),
        }
    }
}

/// Applies the migrations not yet applied, holding [`MIGRATION_LOCK`] so
/// that instances starting together take turns.
async fn migrate(db: &tokio_postgres::Client) -> Result<(), StoreError> {
    db.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    let result = apply_migrations(db).await;
    // The lock is the session's: release it even when migrating failed.
    let unlocked = db
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .await;
    result?;
    unlocked?;
    Ok(())
}

/// Gives every client without list keys its folded name and search text
/// (`core::search`, which SQL cannot run): clients stored before the keys
/// existed (migration 005), and those whose keys migration 008 emptied
/// when the folding changed. Does nothing once all have them. Safe to run from two instances at once:
/// both write the same values.
async fn fill_list_keys(db: &tokio_postgres::Client) -> Result<(), StoreError> {
    let missing = db
        .query(
            "SELECT id, name, code FROM clients WHERE sort_name = ''",
            &[],
        )
        .await?;
    if missing.is_empty() {
        return Ok(());
    }
    let update = db
        .prepare("UPDATE clients SET sort_name = $2, search_text = $3 WHERE id = $1")
        .await?;
    for client in &missing {
        let id: i64 = client.try_get(0)?;
        let name: String = client.try_get(1)?;
        let code: Option<String> = client.try_get(2)?;
        db.execute(
            &update,
            &[
                &id,
                &clientele_core::search::sort_key(&name),
                &clientele_core::search::search_text(&name, code.as_deref()),
            ],
        )
        .await?;
    }
    Ok(())
}

async fn apply_migrations(db: &tokio_postgres::Client) -> Result<(), StoreError> {
    db.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )
    .await?;
    let applied: i32 = db
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .await?
        .try_get(0)?;
    let known = MIGRATIONS.len() as i32;
    if applied > known {
        // Running old code on a newer schema could silently misread it.
        return Err(StoreError::Internal(format!(
            "the database has schema version {applied}, newer than this server's {known}; \
             upgrade clientele-server"
        )));
    }
    for (version, migration) in (1..).zip(MIGRATIONS).skip(applied as usize) {
        db.batch_execute("BEGIN").await?;
        let applying = async {
            db.batch_execute(migration).await?;
            db.execute(
                "INSERT INTO schema_migrations (version) VALUES ($1)",
                &[&version],
            )
            .await?;
            db.batch_execute("COMMIT").await
        };
        if let Err(error) = applying.await {
            let _ = db.batch_execute("ROLLBACK").await;
            return Err(StoreError::from(error).context(&format!("migration {version}")));
        }
    }
    Ok(())
}

/// Every row `sql` answers, through the connection's statement cache.
pub(super) async fn rows(
    tx: &Tx<'_>,
    sql: &str,
    params: &Params<'_>,
) -> Result<Vec<Row>, StoreError> {
    let statement = tx.prepare_cached(sql).await?;
    Ok(tx.query(&statement, params).await?)
}

/// The one row `sql` answers, if any.
pub(super) async fn row_opt(
    tx: &Tx<'_>,
    sql: &str,
    params: &Params<'_>,
) -> Result<Option<Row>, StoreError> {
    let statement = tx.prepare_cached(sql).await?;
    Ok(tx.query_opt(&statement, params).await?)
}

/// The one row `sql` must answer.
pub(super) async fn row(tx: &Tx<'_>, sql: &str, params: &Params<'_>) -> Result<Row, StoreError> {
    let statement = tx.prepare_cached(sql).await?;
    Ok(tx.query_one(&statement, params).await?)
}

/// Runs a statement; answers how many rows it changed.
pub(super) async fn execute(
    tx: &Tx<'_>,
    sql: &str,
    params: &Params<'_>,
) -> Result<u64, StoreError> {
    let statement = tx.prepare_cached(sql).await?;
    Ok(tx.execute(&statement, params).await?)
}

/// An id as PostgreSQL keeps it; one past `i64` names nothing.
pub(super) fn sql_id(id: u64) -> Result<i64, StoreError> {
    i64::try_from(id).map_err(|_| StoreError::NotFound)
}

/// An id column of a row.
pub(super) fn id_at(row: &Row, index: usize) -> Result<u64, StoreError> {
    let id: i64 = row.try_get(index)?;
    u64::try_from(id).map_err(|_| StoreError::Internal(format!("negative id {id}")))
}

/// A nullable id column of a row.
pub(super) fn optional_id_at(row: &Row, index: usize) -> Result<Option<u64>, StoreError> {
    let id: Option<i64> = row.try_get(index)?;
    id.map(|id| u64::try_from(id).map_err(|_| StoreError::Internal(format!("negative id {id}"))))
        .transpose()
}

/// Whether a database error is a uniqueness violation.
pub(super) fn is_unique_violation(error: &tokio_postgres::Error) -> bool {
    error.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION)
}
