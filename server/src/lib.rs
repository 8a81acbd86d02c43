//! Clientele's server: a JSON API over embedded SQLite (or PostgreSQL, for
//! several instances) that is the authority
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
mod config;
pub mod csv_io;
pub mod demo;
mod domain;
mod error;
pub mod events;
mod extract;
pub mod extraction;
mod faults;
pub mod files;
mod headers;
mod openapi;
pub mod read_cache;
pub mod receipt;
mod routes;
pub mod scheduler;
mod serve;
mod state;
pub mod store;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use axum::routing::{any, get, put};
use std::path::PathBuf;
use std::sync::Arc;
use tower::ServiceExt;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub use config::{Cli, CliCommand, Config, Database};
pub use demo::{DEMO_PASSWORD, PRACTICE_NAME, SECOND_PRACTICE_NAME};
pub use headers::CONTENT_SECURITY_POLICY_VALUE;
pub use serve::{main, run};
pub use state::{AppState, Store, storage_slots};

/// The largest request body the API takes, but for uploads.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The largest upload body: a 20 MiB file and its multipart framing.
pub const UPLOAD_BODY_BYTES: usize =
    clientele_core::documents::MAX_DOCUMENT_BYTES as usize + 64 * 1024;

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
/// switch to wrap (the activation changes and the edits of a client).
pub fn api_routes() -> [OpenApiRouter<AppState>; 3] {
    let api = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(utoipa_axum::routes!(routes::health))
        .routes(utoipa_axum::routes!(
            routes::session::sign_in,
            routes::session::current,
            routes::session::sign_out
        ))
        .routes(utoipa_axum::routes!(routes::session::change_password))
        .routes(utoipa_axum::routes!(routes::clients::practice))
        .routes(utoipa_axum::routes!(routes::clients::activity))
        .routes(utoipa_axum::routes!(routes::portal::portal))
        .routes(utoipa_axum::routes!(routes::portal::documents))
        .routes(utoipa_axum::routes!(routes::documents::download))
        .routes(utoipa_axum::routes!(routes::documents::retry))
        .routes(utoipa_axum::routes!(
            routes::reextract::added_while_deactivated
        ))
        .routes(utoipa_axum::routes!(routes::reextract::extract))
        .routes(utoipa_axum::routes!(routes::reextract::impact_of))
        .routes(utoipa_axum::routes!(
            routes::invitations::view,
            routes::invitations::accept
        ))
        .routes(utoipa_axum::routes!(routes::onboarding::invitations))
        .routes(utoipa_axum::routes!(routes::onboarding::renew_invitation))
        .routes(utoipa_axum::routes!(routes::import::export))
        .routes(utoipa_axum::routes!(routes::events::events));
    // Uploads take up to 20 MiB; the file store refuses more as it streams.
    let uploads = OpenApiRouter::new()
        .routes(utoipa_axum::routes!(
            routes::documents::list,
            routes::documents::add_document
        ))
        .routes(utoipa_axum::routes!(routes::documents::add_own_document))
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_BYTES));
    // An imported CSV file may be up to 5 MiB; more is refused as it
    // streams in.
    let imports = OpenApiRouter::new()
        .routes(utoipa_axum::routes!(routes::import::preview))
        .routes(utoipa_axum::routes!(routes::import::import))
        .layer(DefaultBodyLimit::max(routes::import::MAX_IMPORT_BYTES));
    let api = api.merge(uploads).merge(imports);
    let reads = OpenApiRouter::new()
        .routes(utoipa_axum::routes!(routes::clients::list_clients))
        .routes(utoipa_axum::routes!(routes::clients::client));
    let changes = OpenApiRouter::new()
        .routes(utoipa_axum::routes!(routes::clients::deactivate_client))
        .routes(utoipa_axum::routes!(routes::clients::reactivate_client))
        .routes(utoipa_axum::routes!(routes::clients::deactivate_business))
        .routes(utoipa_axum::routes!(routes::clients::reactivate_business))
        .routes(utoipa_axum::routes!(routes::undo::undo))
        .routes(utoipa_axum::routes!(routes::onboarding::add_client))
        .routes(utoipa_axum::routes!(routes::onboarding::edit_client))
        .routes(utoipa_axum::routes!(routes::onboarding::add_business))
        .routes(utoipa_axum::routes!(routes::onboarding::rename_business))
        .routes(utoipa_axum::routes!(routes::onboarding::add_user))
        .routes(utoipa_axum::routes!(routes::onboarding::remove_user))
        .routes(utoipa_axum::routes!(
            routes::schedule::schedule_deactivation
        ))
        .routes(utoipa_axum::routes!(routes::schedule::cancel_schedule));
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
        let index = ServeFile::new(index)
            .precompressed_br()
            .precompressed_gzip();
        // What is not a file is an app route, answered with `index.html`;
        // a missing file (its name has an extension) is a plain 404, so a
        // stale or mistyped asset link fails visibly, not as a page of HTML.
        let app = Router::new().fallback(|request: axum::extract::Request| async move {
            if headers::names_a_file(request.uri().path()) {
                return (StatusCode::NOT_FOUND, "No such file.").into_response();
            }
            index.oneshot(request).await.into_response()
        });
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
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                axum::http::header::CONTENT_TYPE,
                HeaderName::from_static("idempotency-key"),
                HeaderName::from_static(auth::CSRF_HEADER),
                // An EventSource reconnecting sends it.
                HeaderName::from_static("last-event-id"),
            ])
            .expose_headers([axum::http::header::RETRY_AFTER]),
    ))
}
