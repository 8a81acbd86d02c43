//! Signing in before measuring. Every API route but health and the OpenAPI
//! document needs a session cookie, and every change also the session's
//! CSRF token (`docs/api.md`, "Signing in"). The benchmark signs in once per
//! server over HTTP, as the demo practice admin, and never times it.

use reqwest::header::{COOKIE, HeaderMap, HeaderValue, SET_COOKIE};
use serde_json::{Value, json};

/// The demo practice admin, seeded by `--demo`: may read and change.
const EMAIL: &str = "admin@harperlowe.example";
/// The password of every demo account.
const PASSWORD: &str = "clientele-demo";
/// The session cookie's name.
const COOKIE_NAME: &str = "clientele_session";

/// A signed-in session on one server.
pub struct Session {
    /// The `Set-Cookie` value the server answered, attributes included, for
    /// giving the same cookie to the browser.
    pub set_cookie: String,
    /// The session id, the cookie's value.
    id: String,
    /// The token every POST, PUT and DELETE must send as `X-CSRF-Token`.
    csrf_token: String,
}

impl Session {
    /// Signs in to the server at `base`; panics unless that answers 200 with
    /// a session cookie and a CSRF token.
    pub async fn sign_in(base: &str) -> Session {
        let answer = reqwest::Client::new()
            .post(format!("{base}/api/session"))
            .json(&json!({ "email": EMAIL, "password": PASSWORD }))
            .send()
            .await
            .expect("signing in");
        let status = answer.status();
        assert!(
            status.is_success(),
            "signing in as {EMAIL} answered {status} (is the server started with --demo?)"
        );
        let set_cookie = answer
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|value| value.starts_with(&format!("{COOKIE_NAME}=")))
            .expect("a session cookie from signing in")
            .to_owned();
        let id = set_cookie[COOKIE_NAME.len() + 1..]
            .split(';')
            .next()
            .unwrap_or_default()
            .to_owned();
        let body: Value = answer.json().await.expect("the session as JSON");
        let csrf_token = body["csrf_token"]
            .as_str()
            .expect("a csrf_token in the session")
            .to_owned();
        Session {
            set_cookie,
            id,
            csrf_token,
        }
    }

    /// The headers every request of this session sends: the cookie, and the
    /// CSRF token (ignored by reads, needed by changes).
    pub fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_str(&format!("{COOKIE_NAME}={}", self.id)).expect("a cookie header"),
        );
        headers.insert(
            "x-csrf-token",
            HeaderValue::from_str(&self.csrf_token).expect("a CSRF header"),
        );
        headers
    }

    /// An HTTP client that sends [`Session::headers`] with every request.
    pub fn http(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .default_headers(self.headers())
            .build()
            .expect("an HTTP client")
    }
}
