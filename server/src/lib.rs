//! Clientele's server: a JSON API over embedded SQLite that is the authority
//! on every client's state, and the host of the built app.
//!
//! [`app`] builds the router (tests drive it with `oneshot`); [`run`] opens
//! the database, binds the address and serves until stopped. Every request
//! but signing in, health and the OpenAPI document needs a session
//! ([`auth`]); every change goes through `clientele-core`'s permissions and
//! rules inside one storage transaction.
#![deny(missing_docs)]

pub mod admin;
pub mod auth;
pub mod clock;
pub mod demo;
mod domain;
mod error;
mod extract;
pub mod extraction;
mod faults;
pub mod files;
mod headers;
mod openapi;
pub mod receipt;
mod routes;
mod state;
pub mod store;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::routing::{any, get, put};
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use demo::{DEMO_PASSWORD, PRACTICE_NAME, SECOND_PRACTICE_NAME};
pub use headers::CONTENT_SECURITY_POLICY_VALUE;
pub use state::{AppState, Store};

/// The largest request body the API takes, but for uploads.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The largest upload body: a 20 MiB file and its multipart framing.
pub const UPLOAD_BODY_BYTES: usize =
    clientele_core::documents::MAX_DOCUMENT_BYTES as usize + 64 * 1024;

/// The command line: serve (the default), or a one-off command.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "clientele-server",
    version,
    about = "Clientele: Solo client management for bookkeeping practices"
)]
pub struct Cli {
    /// How to serve.
    #[command(flatten)]
    pub config: Config,
    /// A one-off command instead of serving.
    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

/// The one-off commands.
#[derive(Debug, Clone, Subcommand)]
pub enum CliCommand {
    /// Creates a practice and its first practice admin, then exits. The
    /// password comes from CLIENTELE_ADMIN_PASSWORD, or is asked for on a
    /// terminal.
    CreateAdmin {
        /// The practice's name.
        #[arg(long)]
        practice: String,
        /// The admin's email, which they sign in with.
        #[arg(long)]
        email: String,
        /// The admin's name (default: the part of the email before "@").
        #[arg(long, default_value = "")]
        name: String,
    },
}

/// How the server is started; every flag has an environment variable.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "CLIENTELE_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The SQLite database file, created on first start.
    #[arg(
        long,
        env = "CLIENTELE_DB",
        default_value = "./data/clientele.db",
        global = true
    )]
    pub db: PathBuf,
    /// How many documents are read at once by the extraction workers.
    #[arg(long, env = "CLIENTELE_EXTRACT_WORKERS", default_value_t = 1)]
    pub extract_workers: usize,
    /// Where document files are kept (default: `files` beside the database).
    /// Several instances must share it.
    #[arg(long, env = "CLIENTELE_FILES", global = true)]
    pub files: Option<PathBuf>,
    /// The built app (`trunk build --release` writes it).
    #[arg(long, env = "CLIENTELE_DIST", default_value = "./dist")]
    pub dist: PathBuf,
    /// Origins allowed to call the API from a browser, for a statically
    /// hosted app; repeat the flag or separate with commas.
    #[arg(
        long = "cors-origin",
        env = "CLIENTELE_CORS_ORIGINS",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,
    /// Seeds an empty database with two demo practices whose accounts all
    /// have the password "clientele-demo". Never for real use.
    #[arg(
        long,
        env = "CLIENTELE_DEMO",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub demo: bool,
    /// How many clients the first demo practice has (with --demo).
    #[arg(long, env = "CLIENTELE_SEED_CLIENTS", default_value_t = 40)]
    pub seed_clients: usize,
    /// Marks the session cookie `Secure`, so browsers send it over HTTPS
    /// only. Turn it on whenever Clientele is reached through TLS.
    #[arg(
        long,
        env = "CLIENTELE_SECURE_COOKIES",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub secure_cookies: bool,
    /// Enables `PUT /api/_test/fault`, for end-to-end tests and benchmarks.
    /// Never turn this on for real use.
    #[arg(
        long,
        env = "CLIENTELE_FAULT_INJECTION",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub fault_injection: bool,
}

/// What the router serves besides the API.
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    /// The built app's folder.
    pub dist: PathBuf,
    /// Origins allowed by CORS.
    pub cors_origins: Vec<String>,
    /// Whether the fault switch exists.
    pub fault_injection: bool,
}

/// The API's routes with their OpenAPI document, built from the same
/// registrations so neither can have a route the other lacks: the client
/// reads and the four activation changes come separately, for the fault
/// switch to wrap.
pub fn api_routes() -> [OpenApiRouter<AppState>; 3] {
    let api = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(utoipa_axum::routes!(routes::health))
        .routes(utoipa_axum::routes!(
            routes::session::sign_in,
            routes::session::current,
            routes::session::sign_out
        ))
        .routes(utoipa_axum::routes!(routes::clients::practice))
        .routes(utoipa_axum::routes!(routes::clients::activity))
        .routes(utoipa_axum::routes!(routes::portal::portal))
        .routes(utoipa_axum::routes!(routes::portal::documents))
        .routes(utoipa_axum::routes!(routes::documents::download))
        .routes(utoipa_axum::routes!(routes::documents::retry));
    // Uploads take up to 20 MiB; the file store refuses more as it streams.
    let uploads = OpenApiRouter::new()
        .routes(utoipa_axum::routes!(
            routes::documents::list,
            routes::documents::add_document
        ))
        .routes(utoipa_axum::routes!(routes::documents::add_own_document))
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_BYTES));
    let api = api.merge(uploads);
    let reads = OpenApiRouter::new()
        .routes(utoipa_axum::routes!(routes::clients::list_clients))
        .routes(utoipa_axum::routes!(routes::clients::client));
    let changes = OpenApiRouter::new()
        .routes(utoipa_axum::routes!(routes::clients::deactivate_client))
        .routes(utoipa_axum::routes!(routes::clients::reactivate_client))
        .routes(utoipa_axum::routes!(routes::clients::deactivate_business))
        .routes(utoipa_axum::routes!(routes::clients::reactivate_business));
    [api, reads, changes]
}

/// The OpenAPI document of every route [`app`] serves.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let [api, reads, changes] = api_routes();
    api.merge(reads).merge(changes).into_openapi()
}

/// The whole router: the API, the fault switch if enabled, and the app,
/// with the security headers on every answer.
pub fn app(state: AppState, options: &AppOptions) -> Result<Router, String> {
    let [api, mut reads, mut changes] = api_routes();
    let mut test_routes = Router::new();
    if options.fault_injection {
        let switch = Arc::new(faults::FaultSwitch::default());
        changes = changes.route_layer(from_fn_with_state(Arc::clone(&switch), faults::inject));
        reads = reads.route_layer(from_fn_with_state(
            Arc::clone(&switch),
            faults::inject_into_reads,
        ));
        test_routes = test_routes.route(
            "/api/_test/fault",
            put(faults::set_fault).with_state(switch),
        );
    }
    let (api, document) = api.merge(reads).merge(changes).split_for_parts();
    let document = Arc::new(
        document
            .to_json()
            .map_err(|error| format!("cannot write the OpenAPI document: {error}"))?,
    );
    let api = api
        .route(
            "/api/openapi.json",
            get(move || {
                let document = Arc::clone(&document);
                async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        document.as_str().to_owned(),
                    )
                }
            }),
        )
        .merge(test_routes)
        .route("/api", any(routes::api_not_found))
        .route("/api/{*rest}", any(routes::api_not_found))
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // JSON answers travel compressed when the caller accepts it.
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(state);
    let router = api.fallback_service(built_app(&options.dist)).layer(
        // One line per request at INFO, so `make run` shows the traffic
        // without RUST_LOG; tower-http's defaults are DEBUG.
        TraceLayer::new_for_http()
            .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
            .on_response(DefaultOnResponse::new().level(Level::INFO)),
    );
    let router = match cors(&options.cors_origins)? {
        Some(layer) => router.layer(layer),
        None => router,
    };
    Ok(headers::with_security_headers(router))
}

/// The built app, with `index.html` for every app route so deep links and
/// reloads work; or a clear message when it has not been built.
fn built_app(dist: &std::path::Path) -> Router {
    let index = dist.join("index.html");
    if index.is_file() {
        // `make dist` writes brotli and gzip copies beside each file; the
        // browser's Accept-Encoding picks one.
        let app = ServeFile::new(index)
            .precompressed_br()
            .precompressed_gzip();
        let files = ServeDir::new(dist)
            .precompressed_br()
            .precompressed_gzip()
            .fallback(app);
        Router::new()
            .fallback_service(files)
            .layer(axum::middleware::from_fn(headers::cache_control))
    } else {
        tracing::warn!(dist = %dist.display(), "no built app; serving the API only");
        Router::new().fallback(|| async {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "The Clientele app is not built. Run `make run` (or `trunk build --release`) \
                 and start the server with --dist pointing at the result.",
            )
        })
    }
}

fn cors(origins: &[String]) -> Result<Option<CorsLayer>, String> {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .map(|origin| origin.trim())
        .filter(|origin| !origin.is_empty())
        .map(|origin| {
            HeaderValue::from_str(origin).map_err(|_| format!("invalid CORS origin {origin:?}"))
        })
        .collect::<Result<_, _>>()?;
    if origins.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            // The app on another origin signs in with the session cookie.
            .allow_credentials(true)
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
            .allow_headers([
                axum::http::header::CONTENT_TYPE,
                HeaderName::from_static("idempotency-key"),
                HeaderName::from_static(auth::CSRF_HEADER),
            ])
            .expose_headers([axum::http::header::RETRY_AFTER]),
    ))
}

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
