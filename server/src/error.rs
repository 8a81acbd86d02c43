//! The one error type of the HTTP layer. Every failure becomes an
//! [`AppError`], and [`AppError::into_response`] is the one place that maps
//! errors to a status and the JSON body `{ "error": { "code", "message" } }`.
//! Internal errors are logged and never described to the caller.

use crate::domain::InvalidInput;
use crate::store::StoreError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use clientele_core::documents::FileRefusal;
use clientele_core::identity::{Throttled, WeakPassword};
use clientele_core::onboarding::OnboardingError;
use clientele_core::reextract::ExtractNowError;
use clientele_core::wire::{ErrorBody, ErrorDetail, ImportProblem, rows_wrong};
use clientele_core::{Client, Denied, ErrorKind, RuleError};

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request is malformed; the message names the field.
    #[error("{0}")]
    BadRequest(String),
    /// No such thing; the message says what was looked for.
    #[error("{0}")]
    NotFound(String),
    /// No such route for this method.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// The body is larger than the server takes.
    #[error("the request body is larger than 64 KiB")]
    PayloadTooLarge,
    /// The body is not of the media type the route takes; the message says
    /// which it takes.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// A document file was refused: too large, not a receipt type, or empty.
    #[error("{0}")]
    File(FileRefusal),
    /// `core` refused the change; the current client goes back with a
    /// conflict so the caller can reconcile.
    #[error("{error}")]
    Rule {
        /// The refusal.
        error: RuleError,
        /// The client as it is now.
        current: Option<Box<Client>>,
        /// For a stale version: who made the first change after it.
        changed_by: Option<String>,
    },
    /// No live session: sign in first.
    #[error("Sign in to continue.")]
    Unauthenticated,
    /// The email or the password is wrong; which one is not said.
    #[error("The email or password is incorrect.")]
    InvalidCredentials,
    /// Too many failed sign-ins for this email lately.
    #[error("{0}")]
    TooManyAttempts(Throttled),
    /// The signed-in person may not do this (`core`'s permissions).
    #[error("{0}")]
    Forbidden(Denied),
    /// A change without the session's CSRF token.
    #[error(
        "This change did not carry the session's security token (X-CSRF-Token). \
         Reload the page and try again."
    )]
    CsrfFailed,
    /// Someone already signs in with this email.
    #[error("Someone already signs in with {0}.")]
    EmailTaken(String),
    /// "Retry" on a document whose extraction has not failed.
    #[error("Only a document whose extraction failed can be tried again.")]
    NotFailed,
    /// An invitation link that no invitation has.
    #[error("This invitation link is not valid. Check that it was copied whole.")]
    InvitationNotFound,
    /// An invitation link that worked once, or for seven days, and no more.
    #[error("{0}")]
    Gone(OnboardingError),
    /// A new password that `core`'s rule refuses.
    #[error("{0}")]
    WeakPassword(WeakPassword),
    /// Changing a password, the current one given was wrong.
    #[error("The current password is not right.")]
    WrongPassword,
    /// An imported file over [`crate::routes::import::MAX_IMPORT_BYTES`].
    #[error("The file is larger than 5 MiB. Split it into smaller files and import each.")]
    ImportTooLarge,
    /// An import with rows that are wrong: nothing was imported. The body
    /// carries every problem beside the error.
    #[error("{}", import_summary(.0))]
    ImportInvalid(Vec<ImportProblem>),
    /// "Extract now" was refused by `core`.
    #[error("{0}")]
    ExtractNow(ExtractNowError),
    /// A read about a change the client's state does not allow now (the
    /// impact of a deactivation that would be refused): 409 whatever the
    /// rule, since the request itself is well formed; 404 for what the
    /// client does not have.
    #[error("{0}")]
    NotAllowedNow(RuleError),
    /// The idempotency key was used before for another request.
    #[error("this Idempotency-Key was already used for a different request")]
    IdempotencyKeyReused,
    /// The database does not answer.
    #[error("The server cannot reach its database.")]
    Unavailable,
    /// A fault injected by the test switch.
    #[error("injected fault: the server failed on purpose")]
    InjectedFault,
    /// Anything else; the detail goes to the log only.
    #[error("internal error")]
    Internal(String),
}

impl From<InvalidInput> for AppError {
    fn from(error: InvalidInput) -> AppError {
        AppError::BadRequest(error.0)
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> AppError {
        match error {
            StoreError::NotFound => AppError::NotFound(
                "Not found: there is no such client or business in your practice.".into(),
            ),
            StoreError::Refused {
                error,
                current,
                changed_by,
            } => AppError::Rule {
                error,
                current: Some(current),
                changed_by,
            },
            StoreError::IdempotencyKeyReused => AppError::IdempotencyKeyReused,
            StoreError::EmailTaken(email) => AppError::EmailTaken(email),
            StoreError::NotFailed => AppError::NotFailed,
            StoreError::Onboarding(
                error @ (OnboardingError::InvitationUsed | OnboardingError::InvitationExpired),
            ) => AppError::Gone(error),
            StoreError::Onboarding(error) => AppError::Rule {
                error: error.into(),
                current: None,
                changed_by: None,
            },
            StoreError::InvitationNotFound => AppError::InvitationNotFound,
            StoreError::ImportInvalid(problems) => AppError::ImportInvalid(problems),
            StoreError::ExtractNow(error) => AppError::ExtractNow(error),
            StoreError::Internal(detail) => AppError::Internal(detail),
        }
    }
}

impl AppError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::MethodNotAllowed(_) => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            AppError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            AppError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            AppError::File(refusal) => {
                let status = match refusal {
                    FileRefusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                    FileRefusal::UnsupportedType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    FileRefusal::Empty => StatusCode::BAD_REQUEST,
                };
                (status, refusal.code())
            }
            AppError::Rule { error, .. } => {
                let status = match error.kind() {
                    ErrorKind::Conflict => StatusCode::CONFLICT,
                    ErrorKind::Refused => StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorKind::NotFound => StatusCode::NOT_FOUND,
                };
                (status, error.code())
            }
            AppError::ExtractNow(error) => {
                let status = match error.kind() {
                    ErrorKind::Conflict => StatusCode::CONFLICT,
                    ErrorKind::Refused => StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorKind::NotFound => StatusCode::NOT_FOUND,
                };
                (status, error.code())
            }
            AppError::NotAllowedNow(error) => match error.kind() {
                ErrorKind::NotFound => (StatusCode::NOT_FOUND, error.code()),
                ErrorKind::Conflict | ErrorKind::Refused => (StatusCode::CONFLICT, error.code()),
            },
            AppError::IdempotencyKeyReused => {
                (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
            }
            AppError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            AppError::InvalidCredentials => (StatusCode::UNAUTHORIZED, "invalid_credentials"),
            AppError::TooManyAttempts(_) => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
            AppError::Forbidden(denied) => (StatusCode::FORBIDDEN, denied.code()),
            AppError::CsrfFailed => (StatusCode::FORBIDDEN, "csrf_failed"),
            AppError::EmailTaken(_) => (StatusCode::CONFLICT, "email_taken"),
            AppError::NotFailed => (StatusCode::CONFLICT, "extraction_not_failed"),
            AppError::InvitationNotFound => (StatusCode::NOT_FOUND, "invitation_not_found"),
            AppError::Gone(error) => (StatusCode::GONE, error.code()),
            AppError::WeakPassword(_) => (StatusCode::UNPROCESSABLE_ENTITY, "weak_password"),
            AppError::WrongPassword => (StatusCode::UNPROCESSABLE_ENTITY, "wrong_password"),
            AppError::ImportTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "file_too_large"),
            AppError::ImportInvalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "import_invalid"),
            AppError::InjectedFault => (StatusCode::INTERNAL_SERVER_ERROR, "injected_fault"),
            AppError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let message = self.to_string();
        let retry_after = match &self {
            AppError::TooManyAttempts(throttled) => Some(throttled.retry_after_secs),
            _ => None,
        };
        // Only a conflict carries the client: it is what the caller must
        // reconcile with. Other refusals leave the caller's view correct.
        let (client, changed_by, problems) = match self {
            AppError::Rule {
                error,
                current,
                changed_by,
            } if error.kind() == ErrorKind::Conflict => {
                (current.map(|client| *client), changed_by, None)
            }
            AppError::ImportInvalid(problems) => (None, None, Some(problems)),
            _ => (None, None, None),
        };
        let error = ErrorDetail {
            code: code.to_owned(),
            message,
        };
        let mut response = match problems {
            // An import's refusal lists every problem beside the error.
            Some(problems) => (status, Json(ImportInvalidBody { error, problems })).into_response(),
            None => (
                status,
                Json(ErrorBody {
                    error,
                    client,
                    changed_by,
                }),
            )
                .into_response(),
        };
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

/// The body of 422 `import_invalid`: the error, and every problem found.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ImportInvalidBody {
    /// `import_invalid`, with a summary of the problems.
    pub error: ErrorDetail,
    /// Every row that is wrong, and why.
    pub problems: Vec<ImportProblem>,
}

/// "3 rows are wrong; nothing was imported. Line 4: …", or for a problem
/// with the whole file or its header, what it is.
fn import_summary(problems: &[ImportProblem]) -> String {
    let Some(first) = problems.first() else {
        return "The import was refused; nothing was imported.".into();
    };
    let whole_file = problems.iter().any(|p| p.line <= 1);
    let wrong = rows_wrong(problems);
    if whole_file || wrong == 0 {
        return format!("The file cannot be imported: {}", first.message);
    }
    let rows = match wrong {
        1 => "1 row is wrong".to_owned(),
        n => format!("{n} rows are wrong"),
    };
    format!(
        "{rows}; nothing was imported. Line {}: {}",
        first.line, first.message
    )
}
