//! Why a request failed, and what to tell the person.

use clientele_core::Client;

/// The code of an error answer without the API's JSON body, such as a
/// proxy's error page.
pub const UNEXPECTED_ANSWER: &str = "unexpected";

/// Why a request failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No answer: the network or the server dropped the request.
    Network(String),
    /// The server answered with an error.
    Server {
        /// The HTTP status.
        status: u16,
        /// The stable error code, such as `stale_version`.
        code: String,
        /// The server's message for people.
        message: String,
        /// The client as it is now, sent with a conflict.
        current: Option<Box<Client>>,
        /// With a stale version: who made the first change after it.
        changed_by: Option<String>,
    },
    /// The session the request was made in has ended (the server answered
    /// 401, or the person signed out meanwhile). The app is already on its
    /// way to sign-in, which says so; nothing else needs to.
    SessionEnded,
}

impl ApiError {
    /// What to tell the person. A lost answer claims nothing about what
    /// the server did: a read changed nothing, and whether a change was
    /// applied is for whoever sent it to find out.
    pub fn message(&self) -> String {
        match self {
            ApiError::Network(_) => {
                "Could not reach the server. Check your connection and try again.".to_owned()
            }
            ApiError::Server { message, .. } => message.clone(),
            ApiError::SessionEnded => {
                "Your session has ended. Sign in again to carry on.".to_owned()
            }
        }
    }

    /// Whether the server answered 401: nobody is signed in (any more). The
    /// screens see [`ApiError::SessionEnded`] instead (see `session`).
    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, ApiError::Server { status: 401, .. })
    }

    /// The client the server sent back with a conflict.
    pub fn current_client(&self) -> Option<&Client> {
        match self {
            ApiError::Server {
                current: Some(client),
                ..
            } => Some(client),
            _ => None,
        }
    }
}
