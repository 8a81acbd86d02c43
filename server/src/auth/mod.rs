//! Who is asking. [`Caller`] is the extractor every protected handler takes:
//! it finds the session from its cookie, checks that it is live (by `core`'s
//! rule), checks the CSRF token on every change, and hands the handler the
//! signed-in [`Principal`]. Whether that principal may act is `core`'s
//! [`allows`], through [`Caller::may`].

pub mod password;
pub mod secret;

use crate::error::AppError;
use crate::state::AppState;
use crate::store::{Actor, Scope, SessionKey};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use clientele_core::identity::{SESSION_ABSOLUTE_LIMIT_MS, session_is_live};
use clientele_core::wire::SessionUser;
use clientele_core::{Action, PracticeId, Principal, allows};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "clientele_session";
/// The header every change must carry, equal to the session's token.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// A session's last use is written at most this often, so that reads do not
/// each cost a write.
const TOUCH_EVERY_MS: i64 = 60_000;

/// The signed-in person making this request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who they are, for the permission rules.
    pub principal: Principal,
    /// Who they are, as the API shows them.
    pub user: SessionUser,
    /// The session's CSRF token.
    pub csrf_token: String,
    /// The session's key in the store.
    pub key: SessionKey,
}

impl Caller {
    /// Refuses with 403 `forbidden` unless `core` allows the action.
    pub fn may(&self, action: Action) -> Result<(), AppError> {
        allows(&self.principal, action).map_err(AppError::Forbidden)
    }

    /// Whose documents the caller reaches: their practice's, or their own
    /// account's.
    pub fn scope(&self) -> Scope {
        match self.principal {
            Principal::Staff { practice, .. } => Scope::Practice(practice),
            Principal::ClientUser { client, .. } => Scope::Account(client),
        }
    }

    /// The practice whose data the caller sees.
    pub fn practice(&self) -> PracticeId {
        self.principal.practice()
    }

    /// The caller as the activity log records them. Only staff make changes
    /// (`may` has said so before this is asked).
    pub fn actor(&self) -> Result<Actor, AppError> {
        match self.principal {
            Principal::Staff { id, .. } => Ok(Actor {
                id,
                name: self.user.name.clone(),
            }),
            Principal::ClientUser { .. } => Err(AppError::Internal(
                "a client user reached a staff change".into(),
            )),
        }
    }

    /// Whose idempotency keys these are: keys are scoped to their sender.
    pub fn idempotency_owner(&self) -> String {
        match self.principal {
            Principal::Staff { id, .. } => format!("staff:{id}"),
            Principal::ClientUser { id, .. } => format!("user:{id}"),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let session_id = session_cookie(&parts.headers).ok_or(AppError::Unauthenticated)?;
        let key = secret::session_key(&session_id);
        let record = match state.store.session_now(key) {
            Some(now) => now?,
            None => state.blocking(move |store| store.session(key)).await?,
        }
        .ok_or(AppError::Unauthenticated)?;
        let now = state.clock.now();
        if !session_is_live(record.created_at, record.last_seen_at, now) {
            state.blocking(move |store| store.end_session(key)).await?;
            return Err(AppError::Unauthenticated);
        }
        if changes_state(&parts.method) {
            let given = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("");
            if !secret::same_secret(given, &record.csrf_token) {
                return Err(AppError::CsrfFailed);
            }
        }
        if now.0 - record.last_seen_at.0 >= TOUCH_EVERY_MS {
            state
                .blocking(move |store| store.touch_session(key, now))
                .await?;
        }
        Ok(Caller {
            principal: record.principal,
            user: record.user,
            csrf_token: record.csrf_token,
            key,
        })
    }
}

/// Whether a method changes state, and so needs the CSRF token.
fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The session id from the request's cookie, if it sent one.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(SESSION_COOKIE)
        .map(|cookie| cookie.value().to_owned())
        .filter(|value| !value.is_empty())
}

/// The `Set-Cookie` value that gives the browser a session.
pub fn session_set_cookie(session_id: &str, secure: bool) -> HeaderValue {
    let cookie = Cookie::build((SESSION_COOKIE, session_id.to_owned()))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/")
        .secure(secure)
        .max_age(time::Duration::milliseconds(SESSION_ABSOLUTE_LIMIT_MS))
        .build();
    HeaderValue::from_str(&cookie.to_string()).unwrap_or(HeaderValue::from_static(""))
}

/// The `Set-Cookie` value that makes the browser forget its session.
pub fn session_clear_cookie(secure: bool) -> HeaderValue {
    let cookie = Cookie::build((SESSION_COOKIE, ""))
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/")
        .secure(secure)
        .max_age(time::Duration::ZERO)
        .build();
    HeaderValue::from_str(&cookie.to_string()).unwrap_or(HeaderValue::from_static(""))
}
