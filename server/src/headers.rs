//! The security headers on every answer, the app's files included: a
//! Content-Security-Policy that fits the wasm app, `nosniff`, and a
//! same-origin referrer policy; and how long the app's files may be cached.

use axum::Router;
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS};
use tower_http::set_header::SetResponseHeaderLayer;

/// The policy: only this origin's files; wasm may be compiled
/// (`'wasm-unsafe-eval'`) but no script is inline or evaluated; styles may be
/// set inline because the app sets `style` on rows; no framing.
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; \
     script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; \
     connect-src 'self'; \
     frame-ancestors 'none'; \
     base-uri 'self'; \
     form-action 'self'; \
     object-src 'none'";

/// `router` with the three headers on every answer.
pub fn with_security_headers(router: Router) -> Router {
    router
        .layer(SetResponseHeaderLayer::overriding(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
}

/// How long the app's files may be cached: files whose names carry their
/// content hash (`clientele-app-<hash>.js`, `…_bg.wasm`, `main-<hash>.css`)
/// never change, so forever; `index.html` (the answer to every app route)
/// must be checked every time, so that a new build is picked up at once;
/// any other file (the favicon) for an hour. The policy goes by the path,
/// so a 304 (which has no `Content-Type`) carries the same one as the 200
/// it revalidates. Every answer varies by `Accept-Encoding`, since a
/// precompressed copy is chosen by it.
pub async fn cache_control(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path();
    let policy = if is_hashed_file(path) {
        "public, max-age=31536000, immutable"
    } else if names_a_file(path) && !path.ends_with("/index.html") {
        "public, max-age=3600"
    } else {
        "no-cache"
    };
    let mut response = next.run(request).await;
    let policy = if response.status().is_client_error() {
        "no-cache"
    } else {
        policy
    };
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CACHE_CONTROL,
        HeaderValue::from_static(policy),
    );
    headers.append(
        axum::http::header::VARY,
        HeaderValue::from_static("accept-encoding"),
    );
    response
}

/// Whether a path's last segment has an extension, as the app's files do
/// and its routes do not.
pub fn names_a_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

/// Whether a path names a file whose name ends in a 16-digit hex hash, as
/// trunk names what it builds.
fn is_hashed_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    let stem = name.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_hashed_file;

    #[test]
    fn built_files_are_known_by_their_hash() {
        assert!(is_hashed_file("/clientele-app-7a2b83ba1fa41cce.js"));
        assert!(is_hashed_file("/clientele-app-7a2b83ba1fa41cce_bg.wasm"));
        assert!(is_hashed_file("/main-94bcc8a4496f6389.css"));
        assert!(is_hashed_file("/start-dd6184d3375bfde9.js"));
        assert!(!is_hashed_file("/favicon.ico"));
        assert!(!is_hashed_file("/index.html"));
        assert!(!is_hashed_file("/clients/37"));
    }
}
