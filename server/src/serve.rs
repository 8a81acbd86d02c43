//! Starting the server: open the database and the file store, seed the demo
//! data if asked, start the extraction workers and the hourly sweep of old
//! idempotent answers, bind, and serve until stopped; or run a one-off
//! command instead.

use crate::config::{Cli, CliCommand, Config};
use crate::state::AppState;
use crate::{AppOptions, admin, app, clock, demo, extraction, files, store};
use std::path::PathBuf;
use std::sync::Arc;

/// Opens (and migrates) the database at `path`.
async fn open_store(path: &std::path::Path) -> Result<Arc<store::SqliteStore>, String> {
    let db = path.to_owned();
    let store = tokio::task::spawn_blocking(move || store::SqliteStore::open(&db))
        .await
        .map_err(|error| format!("opening the database failed: {error}"))?
        .map_err(|error| format!("cannot open database {}: {error}", path.display()))?;
    Ok(Arc::new(store))
}

/// Opens the file store (`--files`, or `files` beside the database) and
/// sweeps the files no document names: uploads that died before their row
/// was committed.
async fn open_files(
    config: &Config,
    store: &Arc<store::SqliteStore>,
) -> Result<Arc<files::FileStore>, String> {
    let dir = config.files.clone().unwrap_or_else(|| {
        config
            .db
            .parent()
            .map_or_else(|| PathBuf::from("files"), |parent| parent.join("files"))
    });
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || {
        use store::DocumentStore;
        let files = files::FileStore::open(&dir)
            .map_err(|error| format!("cannot open the files folder {}: {error}", dir.display()))?;
        let referenced = store
            .referenced_files()
            .map_err(|error| format!("cannot list the stored files: {error}"))?;
        let swept = files
            .sweep(&referenced)
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
            let store = open_store(&cli.config.db).await?;
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
        None => run(cli.config).await,
    }
}

/// Opens the database (seeding the demo practices first with `--demo`),
/// binds, prints `Clientele listening on http://…` (the real port, when
/// asked for port 0) and serves until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> Result<(), String> {
    let store = open_store(&config.db).await?;
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
    let state = AppState {
        store,
        files,
        clock,
        secure_cookies: config.secure_cookies,
        extraction: Arc::clone(&workers.wake),
    };
    tokio::spawn(forget_old_answers(state.clone()));
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
        .with_graceful_shutdown(shutdown_signal())
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
