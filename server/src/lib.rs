//! Clientele's server: a JSON API over embedded SQLite that is the authority
//! on every client's state, and the host of the built app.
//!
//! [`app`] builds the router (tests drive it with `oneshot`); [`run`] opens
//! the database, binds the address and serves until stopped. Every change
//! goes through `clientele-core`'s rules inside one storage transaction.
#![deny(missing_docs)]

mod domain;
mod error;
mod extract;
mod faults;
mod routes;
mod seed;
pub mod store;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::routing::{any, get, post, put};
use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use routes::Store;
pub use seed::PRACTICE_NAME;

/// The largest request body the API takes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How the server is started; every flag has an environment variable.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "clientele-server",
    version,
    about = "Clientele: Solo client management for bookkeeping practices"
)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "CLIENTELE_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The SQLite database file, created on first start.
    #[arg(long, env = "CLIENTELE_DB", default_value = "./data/clientele.db")]
    pub db: PathBuf,
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
    /// How many clients the demo practice has when seeding an empty database.
    #[arg(long, env = "CLIENTELE_SEED_CLIENTS", default_value_t = 40)]
    pub seed_clients: usize,
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

/// The whole router: the API, the fault switch if enabled, and the app.
pub fn app(store: Store, options: &AppOptions) -> Result<Router, String> {
    let mut changes = Router::new()
        .route(
            "/api/clients/{id}/deactivate",
            post(routes::deactivate_client),
        )
        .route(
            "/api/clients/{id}/reactivate",
            post(routes::reactivate_client),
        )
        .route(
            "/api/clients/{id}/businesses/{business_id}/deactivate",
            post(routes::deactivate_business),
        )
        .route(
            "/api/clients/{id}/businesses/{business_id}/reactivate",
            post(routes::reactivate_business),
        );
    let mut api = Router::new()
        .route("/api/health", get(routes::health))
        .route("/api/practice", get(routes::practice))
        .route("/api/clients", get(routes::list_clients))
        .route("/api/clients/{id}", get(routes::client))
        .route("/api/clients/{id}/activity", get(routes::activity))
        .route(
            "/api/businesses/{id}/documents",
            get(routes::documents).post(routes::add_document),
        )
        .route("/api/openapi.json", get(routes::openapi));
    if options.fault_injection {
        let switch = Arc::new(faults::FaultSwitch::default());
        changes = changes.route_layer(from_fn_with_state(Arc::clone(&switch), faults::inject));
        api = api.route(
            "/api/_test/fault",
            put(faults::set_fault).with_state(switch),
        );
    }
    let api = api
        .merge(changes)
        .route("/api", any(routes::api_not_found))
        .route("/api/{*rest}", any(routes::api_not_found))
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(store);
    let router = api.fallback_service(built_app(&options.dist)).layer(
        // One line per request at INFO, so `make run` shows the traffic
        // without RUST_LOG; tower-http's defaults are DEBUG.
        TraceLayer::new_for_http()
            .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
            .on_response(DefaultOnResponse::new().level(Level::INFO)),
    );
    Ok(match cors(&options.cors_origins)? {
        Some(layer) => router.layer(layer),
        None => router,
    })
}

/// The built app, with `index.html` for every app route so deep links and
/// reloads work; or a clear message when it has not been built.
fn built_app(dist: &std::path::Path) -> Router {
    let index = dist.join("index.html");
    if index.is_file() {
        Router::new().fallback_service(ServeDir::new(dist).fallback(ServeFile::new(index)))
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
            .allow_methods([Method::GET, Method::POST, Method::PUT])
            .allow_headers([
                axum::http::header::CONTENT_TYPE,
                HeaderName::from_static("idempotency-key"),
                HeaderName::from_static("x-clientele-actor"),
            ]),
    ))
}

/// Opens the database, binds, prints `Clientele listening on http://…` (the
/// real port, when asked for port 0) and serves until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> Result<(), String> {
    let db = config.db.clone();
    let seed_clients = config.seed_clients;
    let store = tokio::task::spawn_blocking(move || store::SqliteStore::open(&db, seed_clients))
        .await
        .map_err(|error| format!("opening the database failed: {error}"))?
        .map_err(|error| format!("cannot open database {}: {error}", config.db.display()))?;
    let options = AppOptions {
        dist: config.dist.clone(),
        cors_origins: config.cors_origins.clone(),
        fault_injection: config.fault_injection,
    };
    let router = app(Arc::new(store), &options)?;
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
