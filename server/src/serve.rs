//! Starting the server: open the database and the file store, seed the demo
//! data if asked, start the extraction workers, the scheduler of
//! deactivations and the hourly sweep of old idempotent answers, bind, and serve until stopped; or run a one-off
//! command instead.

use crate::config::{Cli, CliCommand, Config, Database};
use crate::state::AppState;
use crate::{AppOptions, admin, app, clock, demo, extraction, files, store};
use std::path::PathBuf;
use std::sync::Arc;

/// Opens (and migrates) the database `--db` names: a SQLite file or a
/// PostgreSQL URL. Both stores block, so they are opened off the async
/// threads.
async fn open_store(
    database: &Database,
    durability: store::Durability,
) -> Result<Arc<dyn store::Storage>, String> {
    let opening = database.clone();
    let store = tokio::task::spawn_blocking(move || -> Result<Arc<dyn store::Storage>, _> {
        Ok(match &opening {
            Database::Sqlite(path) => Arc::new(store::SqliteStore::open_with(path, durability)?),
            Database::Postgres(url) => Arc::new(store::PostgresStore::open(url)?),
        })
    })
    .await
    .map_err(|error| format!("opening the database failed: {error}"))?
    .map_err(|error: store::StoreError| format!("cannot open database {database}: {error}"))?;
    Ok(store)
}

/// Where document files are kept: `--files`, or `files` beside a SQLite
/// database. Instances on one PostgreSQL database must share one folder, so
/// with PostgreSQL it must be named.
fn files_dir(config: &Config) -> Result<PathBuf, String> {
    match (&config.files, &config.db) {
        (Some(dir), _) => Ok(dir.clone()),
        (None, Database::Sqlite(path)) => Ok(path
            .parent()
            .map_or_else(|| PathBuf::from("files"), |parent| parent.join("files"))),
        (None, Database::Postgres(_)) => Err(
            "with a PostgreSQL database, say where document files are kept with --files \
             (CLIENTELE_FILES): a folder every instance shares"
                .into(),
        ),
    }
}

/// Opens the file store and sweeps the files no document names: uploads
/// that died before their row was committed.
async fn open_files(
    config: &Config,
    store: &Arc<dyn store::Storage>,
) -> Result<Arc<files::FileStore>, String> {
    let dir = files_dir(config)?;
    // With PostgreSQL other instances may share the folder and be storing
    // files in it right now: only old leftovers are theirs no more.
    let shared = matches!(config.db, Database::Postgres(_));
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || {
        let opened = if shared {
            files::FileStore::open_shared(&dir)
        } else {
            files::FileStore::open(&dir)
        };
        let files = opened
            .map_err(|error| format!("cannot open the files folder {}: {error}", dir.display()))?;
        let referenced = store
            .referenced_files()
            .map_err(|error| format!("cannot list the stored files: {error}"))?;
        let grace = if shared {
            files::SHARED_GRACE
        } else {
            std::time::Duration::ZERO
        };
        let swept = files
            .sweep_older_than(&referenced, grace)
            .map_err(|error| format!("cannot sweep {}: {error}", dir.display()))?;
        if swept > 0 {
            tracing::info!(swept, "removed files that no document names");
        }
        Ok(Arc::new(files))
    })
    .await
    .map_err(|error| format!("opening the files folder failed: {error}"))?
}

/// Runs a one-off command, or serves.
pub async fn main(cli: Cli) -> Result<(), String> {
    match cli.command {
        Some(CliCommand::CreateAdmin {
            practice,
            email,
            name,
        }) => {
            let store = open_store(&cli.config.db, cli.config.durability).await?;
            let admin = admin::NewAdmin {
                practice,
                email,
                name,
            };
            let done =
                tokio::task::spawn_blocking(move || admin::create_admin(store.as_ref(), admin))
                    .await
                    .map_err(|error| format!("create-admin failed: {error}"))??;
            println!("{done}");
            Ok(())
        }
        Some(CliCommand::AddStaff {
            practice_of,
            email,
            name,
            role,
        }) => {
            let store = open_store(&cli.config.db, cli.config.durability).await?;
            let colleague = admin::NewColleague {
                practice_of,
                email,
                name,
                role: role.into(),
            };
            let done =
                tokio::task::spawn_blocking(move || admin::add_staff(store.as_ref(), colleague))
                    .await
                    .map_err(|error| format!("add-staff failed: {error}"))??;
            println!("{done}");
            Ok(())
        }
        Some(CliCommand::SetPassword { email }) => {
            let store = open_store(&cli.config.db, cli.config.durability).await?;
            let done =
                tokio::task::spawn_blocking(move || admin::set_password(store.as_ref(), &email))
                    .await
                    .map_err(|error| format!("set-password failed: {error}"))??;
            println!("{done}");
            Ok(())
        }
        None => run(cli.config).await,
    }
}

/// Opens the database (seeding the demo practices first with `--demo`),
/// binds, prints `Clientele listening on http://…` (the real port, when
/// asked for port 0) and serves until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> Result<(), String> {
    let store = open_store(&config.db, config.durability).await?;
    let files = open_files(&config, &store).await?;
    if config.demo {
        let seeding = Arc::clone(&store);
        let seeding_files = Arc::clone(&files);
        let clients = config.seed_clients;
        let seeded = tokio::task::spawn_blocking(move || {
            demo::seed_if_empty(seeding.as_ref(), &seeding_files, clients)
        })
        .await
        .map_err(|error| format!("seeding the demo data failed: {error}"))?
        .map_err(|error| format!("seeding the demo data failed: {error}"))?;
        if seeded {
            tracing::info!("seeded the demo practices into an empty database");
        }
        tracing::warn!(
            "demo mode: sign in as admin@harperlowe.example (or any demo account) with the \
             password \"{}\"",
            demo::DEMO_PASSWORD
        );
    }
    let options = AppOptions {
        dist: config.dist.clone(),
        cors_origins: config.cors_origins.clone(),
        fault_injection: config.fault_injection,
    };
    let clock: Arc<dyn clock::Clock> = Arc::new(clock::SystemClock);
    let workers = extraction::Workers::new(store.clone(), Arc::clone(&files), Arc::clone(&clock));
    workers.start(config.extract_workers).await?;
    let events = match &config.db {
        Database::Sqlite(_) => crate::events::Events::in_process(),
        Database::Postgres(url) => crate::events::Events::postgres(url).await?,
    };
    let state = AppState {
        events,
        store,
        files,
        clock,
        secure_cookies: config.secure_cookies,
        extraction: Arc::clone(&workers.wake),
        storage_slots: crate::state::storage_slots(),
        read_cache: Arc::default(),
    };
    tokio::spawn(forget_old_answers(state.clone()));
    tokio::spawn(crate::scheduler::run_every(
        state.store.clone(),
        Arc::clone(&state.clock),
        state.events.clone(),
        std::time::Duration::from_secs(config.schedule_every),
    ));
    let events = state.events.clone();
    let router = app(state, &options)?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|error| format!("cannot listen on {}: {error}", config.addr))?;
    let address = listener
        .local_addr()
        .map_err(|error| format!("cannot read the bound address: {error}"))?;
    {
        use std::io::Write;
        let mut stdout = std::io::stdout();
        let _ = writeln!(stdout, "Clientele listening on http://{address}");
        if config.demo {
            let _ = writeln!(
                stdout,
                "Demo mode: sign in as admin@harperlowe.example, staff@harperlowe.example, \
                 admin@northgate.example or staff@northgate.example (or any client user) \
                 with the password {}",
                demo::DEMO_PASSWORD
            );
        }
        let _ = stdout.flush();
    }
    if config.fault_injection {
        tracing::warn!("fault injection is on: PUT /api/_test/fault can break changes");
    }
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // Streams of events never end by themselves.
            events.hub().close();
        })
        .await
        .map_err(|error| format!("server failed: {error}"))
}

/// Sweeps stored idempotent answers past their 24 hours, at start and then
/// hourly; a retry arriving later is decided afresh.
async fn forget_old_answers(state: AppState) {
    let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        hourly.tick().await;
        let before = clientele_core::Timestamp(state.clock.now().0 - store::IDEMPOTENCY_KEPT_MS);
        match state
            .blocking(move |store| store.forget_answers_before(before))
            .await
        {
            Ok(0) => {}
            Ok(forgotten) => {
                tracing::info!(forgotten, "forgot idempotent answers older than 24 hours")
            }
            Err(error) => tracing::warn!(?error, "could not sweep old idempotent answers"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
