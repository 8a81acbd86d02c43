//! The built app on a plain static host, as a deployment without the
//! Clientele server in front would have it: `dist/` copied as is, its
//! `index.html` pointed at the API's origin (the `clientele-api-base` meta
//! tag), every unknown path answered with `index.html` (nginx's
//! `try_files $uri /index.html`), and the same security headers the server
//! sends, with the API's origin allowed for `connect-src`.

use crate::Outcome;
use crate::harness::dist_dir;
use axum::Router;
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS};
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// A static host serving a copy of the built app, until dropped.
pub struct StaticHost {
    /// Its origin, such as `http://127.0.0.1:41235`.
    pub url: String,
    task: tokio::task::JoinHandle<()>,
    _files: tempfile::TempDir,
}

impl Drop for StaticHost {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A static host's address, taken before the API starts, so that the API
/// can be told to allow its origin.
pub struct Reserved {
    /// The origin the host will serve at.
    pub url: String,
    listener: tokio::net::TcpListener,
}

/// Takes a free port on loopback for a static host.
pub async fn reserve() -> Outcome<Reserved> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    Ok(Reserved { url, listener })
}

/// Serves the app on `reserved`, with its API at `api_origin`.
pub async fn serve(reserved: Reserved, api_origin: &str) -> Outcome<StaticHost> {
    let files = tempfile::tempdir()?;
    copy_dir(&dist_dir()?, files.path())?;
    let index = files.path().join("index.html");
    let html = std::fs::read_to_string(&index)?;
    let configured = html.replace(
        r#"<meta name="clientele-api-base" content="" />"#,
        &format!(r#"<meta name="clientele-api-base" content="{api_origin}" />"#),
    );
    if configured == html {
        return Err("index.html has no empty clientele-api-base meta tag to configure".into());
    }
    std::fs::write(&index, configured)?;
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self' {api_origin}; frame-ancestors 'none'; base-uri 'self'; \
         form-action 'self'; object-src 'none'"
    );
    let app = Router::new()
        .fallback_service(ServeDir::new(files.path()).fallback(ServeFile::new(&index)))
        .layer(SetResponseHeaderLayer::overriding(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&policy)?,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ));
    let Reserved { url, listener } = reserved;
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(StaticHost {
        url,
        task,
        _files: files,
    })
}

/// Copies a folder and everything in it.
fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
