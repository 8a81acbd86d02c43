//! The database a test runs against: a fresh SQLite file, or, when
//! `CLIENTELE_TEST_DB` names a PostgreSQL cluster
//! (`postgres://postgres@127.0.0.1:5432/postgres`), a fresh database created
//! on it for the test and dropped after. The same suite runs on both.
//!
//! Tests talk to the database only through this: to open a store on it, to
//! hand its location to the real binary, to take a snapshot of every table,
//! and to run SQL behind the server's back (to break it on purpose).

use clientele_server::store::{PostgresStore, SqliteStore, Storage, StoreError};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// The variable that names the PostgreSQL cluster to test against.
pub const TEST_DB: &str = "CLIENTELE_TEST_DB";

/// Whether this run is against PostgreSQL.
pub fn on_postgres() -> bool {
    cluster_url().is_some()
}

fn cluster_url() -> Option<String> {
    std::env::var(TEST_DB).ok().filter(|url| !url.is_empty())
}

/// A test's database.
#[derive(Debug)]
pub enum TestDb {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A database of its own on the test cluster.
    Postgres(PostgresDb),
}

/// A database created for one test, dropped with it.
#[derive(Debug)]
pub struct PostgresDb {
    /// Its URL.
    pub url: String,
    /// The test's folder, for what is not in the database: the server's log
    /// and the document files.
    dir: PathBuf,
    cluster: String,
    name: String,
}

impl TestDb {
    /// A fresh, empty database for one test: on the cluster
    /// `CLIENTELE_TEST_DB` names, or else the SQLite file `dir/clientele.db`.
    pub fn fresh(dir: &Path) -> TestDb {
        match cluster_url() {
            Some(cluster) => TestDb::Postgres(PostgresDb::create(&cluster, dir)),
            None => TestDb::Sqlite(dir.join("clientele.db")),
        }
    }

    /// What `--db` takes to open it.
    pub fn location(&self) -> std::ffi::OsString {
        match self {
            TestDb::Sqlite(path) => path.clone().into_os_string(),
            TestDb::Postgres(db) => db.url.clone().into(),
        }
    }

    /// Where the server keeps document files: beside a SQLite file (the
    /// default), or the test folder's `files` (passed as `--files`).
    pub fn files_dir(&self) -> PathBuf {
        match self {
            TestDb::Sqlite(path) => path.parent().unwrap().join("files"),
            TestDb::Postgres(db) => db.dir.join("files"),
        }
    }

    /// The server's arguments for this database: `--db`, and `--files`,
    /// which PostgreSQL needs.
    pub fn server_args(&self) -> Vec<std::ffi::OsString> {
        let mut args = vec!["--db".into(), self.location()];
        if let TestDb::Postgres(_) = self {
            args.push("--files".into());
            args.push(self.files_dir().into_os_string());
        }
        args
    }

    /// Where a server started on it logs: beside the SQLite file, or in the
    /// test's folder.
    pub fn log_path(&self) -> PathBuf {
        match self {
            TestDb::Sqlite(path) => path.with_extension("log"),
            TestDb::Postgres(db) => db.dir.join("clientele.log"),
        }
    }

    /// Opens (and migrates) a store on it.
    pub fn open(&self) -> Arc<dyn Storage> {
        self.try_open().unwrap()
    }

    /// Opens (and migrates) a store on it, or says why not. The PostgreSQL
    /// store blocks on a runtime of its own, so it is opened on a thread of
    /// its own, and works from sync and async tests alike.
    pub fn try_open(&self) -> Result<Arc<dyn Storage>, StoreError> {
        match self {
            TestDb::Sqlite(path) => Ok(Arc::new(SqliteStore::open(path)?)),
            TestDb::Postgres(db) => {
                let url = db.url.clone();
                std::thread::spawn(move || {
                    Ok(Arc::new(PostgresStore::open(&url)?) as Arc<dyn Storage>)
                })
                .join()
                .unwrap()
            }
        }
    }

    /// Runs SQL behind the server's back (statements separated by `;`).
    pub fn execute(&self, sql: &str) {
        match self {
            TestDb::Sqlite(path) => rusqlite::Connection::open(path)
                .unwrap()
                .execute_batch(sql)
                .unwrap(),
            TestDb::Postgres(db) => {
                on_postgres_thread(&db.url, sql, |_| ());
            }
        }
    }

    /// The first column of every row `sql` answers, as text (write
    /// `CAST(x AS TEXT)` for numbers: both databases take it).
    pub fn texts(&self, sql: &str) -> Vec<String> {
        match self {
            TestDb::Sqlite(path) => {
                let db = rusqlite::Connection::open(path).unwrap();
                let mut statement = db.prepare(sql).unwrap();
                statement
                    .query_map([], |row| row.get::<_, String>(0))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect()
            }
            TestDb::Postgres(db) => on_postgres_thread(&db.url, sql, |rows| {
                rows.iter()
                    .map(|row| row[0].clone().unwrap_or_default())
                    .collect()
            }),
        }
    }

    /// Every row of every table, to compare before and after.
    pub fn snapshot(&self) -> String {
        let mut out = String::new();
        for table in TABLES {
            let lines: Vec<String> = match self {
                TestDb::Sqlite(path) => sqlite_rows(path, table),
                TestDb::Postgres(db) => on_postgres_thread(
                    &db.url,
                    &format!("SELECT * FROM {table} t ORDER BY 1, t::text"),
                    |rows| {
                        rows.iter()
                            .map(|row| {
                                row.iter()
                                    .map(|value| format!("{value:?}"))
                                    .collect::<Vec<_>>()
                                    .join("|")
                            })
                            .collect()
                    },
                ),
            };
            for line in lines {
                out.push_str(table);
                out.push(':');
                out.push_str(&line);
                out.push('\n');
            }
        }
        out
    }
}

/// The tables a snapshot covers.
const TABLES: [&str; 14] = [
    "practice",
    "staff",
    "credentials",
    "clients",
    "users",
    "businesses",
    "documents",
    "activity",
    "idempotency",
    "sessions",
    "sign_in_failures",
    "invitations",
    "recorded_changes",
    "deactivation_schedules",
];

fn sqlite_rows(path: &Path, table: &str) -> Vec<String> {
    let db = rusqlite::Connection::open(path).unwrap();
    let mut statement = db
        .prepare(&format!("SELECT * FROM {table} ORDER BY 1"))
        .unwrap();
    let columns = statement.column_count();
    statement
        .query_map([], |row| {
            let values: Vec<String> = (0..columns)
                .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                .collect();
            Ok(values.join("|"))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Runs `sql` on `url` with the simple protocol (every value as text) on a
/// thread of its own, so it works from sync and async tests alike, and
/// hands the rows to `read`.
fn on_postgres_thread<T: Send>(
    url: &str,
    sql: &str,
    read: impl FnOnce(&[Vec<Option<String>>]) -> T + Send,
) -> T {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                let rows = runtime.block_on(async {
                    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                        .await
                        .unwrap();
                    let connection = tokio::spawn(connection);
                    let messages = client
                        .simple_query(sql)
                        .await
                        .unwrap_or_else(|error| panic!("{sql}: {error:?}"));
                    drop(client);
                    let _ = connection.await;
                    messages
                        .into_iter()
                        .filter_map(|message| match message {
                            tokio_postgres::SimpleQueryMessage::Row(row) => Some(
                                (0..row.len())
                                    .map(|i| row.get(i).map(str::to_owned))
                                    .collect(),
                            ),
                            _ => None,
                        })
                        .collect::<Vec<Vec<Option<String>>>>()
                });
                read(&rows)
            })
            .join()
            .unwrap()
    })
}

impl PostgresDb {
    /// Creates an empty database with a name no other test has.
    fn create(cluster: &str, dir: &Path) -> PostgresDb {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "test_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst),
            rand::random::<u32>()
        );
        on_postgres_thread(cluster, &format!("CREATE DATABASE {name}"), |_| ());
        PostgresDb {
            url: with_database(cluster, &name),
            dir: dir.to_owned(),
            cluster: cluster.to_owned(),
            name,
        }
    }
}

impl Drop for PostgresDb {
    fn drop(&mut self) {
        // FORCE: a server or store of the test may still be connected.
        on_postgres_thread(
            &self.cluster,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            |_| (),
        );
    }
}

/// The cluster's URL with another database name:
/// `postgres://u@h:p/postgres?x=y` becomes `postgres://u@h:p/NAME?x=y`.
fn with_database(cluster: &str, name: &str) -> String {
    let (base, query) = match cluster.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (cluster, String::new()),
    };
    let after_scheme = base.find("://").map_or(0, |at| at + 3);
    let authority_end = base[after_scheme..]
        .find('/')
        .map_or(base.len(), |at| after_scheme + at);
    format!("{}/{name}{query}", &base[..authority_end])
}
