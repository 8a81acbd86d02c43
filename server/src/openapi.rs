//! The OpenAPI document, generated from the handlers' own annotations and the
//! wire types' schemas (utoipa), so it cannot drift from what is served: the
//! router and the document are built from the same `routes!` registrations in
//! [`crate::app`]. This module holds what the annotations share: the error
//! answers, the idempotency header, the list's query and the security
//! schemes.

use clientele_core::Status;
use clientele_core::wire::ErrorBody;
use serde::Deserialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{IntoParams, IntoResponses, Modify, OpenApi, ToSchema};

/// The document's frame: title, security schemes and tags; the paths are
/// added by the router.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Clientele API",
        description = "Solo client management for bookkeeping practices. See docs/api.md."
    ),
    modifiers(&SecuritySchemes),
    tags(
        (name = "session", description = "Signing in and out"),
        (name = "clients", description = "The practice's Solo clients"),
        (name = "documents", description = "Document files: uploads and downloads"),
        (name = "portal", description = "A client account, for its own users"),
        (name = "events", description = "Live updates: a Server-Sent Events stream of changes"),
        (name = "health", description = "Whether the server is up")
    )
)]
pub struct ApiDoc;

/// Adds the two security schemes: the session cookie, and the CSRF token
/// header that every change must also carry.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::SESSION_COOKIE,
                "The session cookie set by POST /api/session.",
            ))),
        );
        components.add_security_scheme(
            "csrf",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "The session's csrf_token; required on every POST, PUT, PATCH and DELETE \
                 except signing in.",
            ))),
        );
    }
}

/// What a read can answer besides its success.
#[allow(dead_code)] // Only its derive is used, to document the answers.
#[derive(IntoResponses)]
pub enum ReadErrors {
    /// A malformed id or query parameter; the message names it.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No live session (`unauthenticated`).
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
    /// The signed-in person may not read this (`forbidden`): client users
    /// have their own account.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// No such thing in the caller's practice (`not_found`); another
    /// practice's ids answer the same.
    #[response(status = 404)]
    NotFound(ErrorBody),
}

/// What a change can answer besides its success.
#[allow(dead_code)] // Only its derive is used, to document the answers.
#[derive(IntoResponses)]
pub enum WriteErrors {
    /// Malformed JSON, a missing or wrongly typed field, or a bad header;
    /// the message names it (`bad_request`).
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No live session (`unauthenticated`).
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
    /// The role may not do this (`forbidden`), or the CSRF token is missing
    /// or wrong (`csrf_failed`).
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// No such client, business or user in the caller's practice
    /// (`not_found`, `business_not_found`, `user_not_found`).
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// A stale `expected_version`, or the change was already made; for an
    /// undo, nothing to undo (`nothing_to_undo`), someone changed the client
    /// in between (`changed_since`) or it is too late (`undo_expired`). The
    /// body also has `client`, the client as it is now.
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// The body is over 64 KiB (`payload_too_large`).
    #[response(status = 413)]
    PayloadTooLarge(ErrorBody),
    /// The body is not `application/json` (`unsupported_media_type`).
    #[response(status = 415)]
    UnsupportedMediaType(ErrorBody),
    /// A rule refuses the change (`owner_not_in_account`,
    /// `reactivate_client_first`, `client_deactivated`, `invalid_name`,
    /// `invalid_email`, `invalid_code`, `code_taken`, `email_in_account`,
    /// `email_taken`, `cannot_remove_owner`), or the Idempotency-Key was used
    /// for a different request (`idempotency_key_reused`).
    #[response(status = 422)]
    Refused(ErrorBody),
}

/// What an upload can answer besides its success.
#[allow(dead_code)] // Only its derive is used, to document the answers.
#[derive(IntoResponses)]
pub enum UploadErrors {
    /// No part named `file`, more than one, an empty file (`empty_file`), or
    /// a bad header (`bad_request`).
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No live session (`unauthenticated`).
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
    /// The caller may not add documents here (`forbidden`), or the CSRF
    /// token is missing or wrong (`csrf_failed`).
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// No such business within the caller's practice or account
    /// (`not_found`).
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// The file is over 20 MiB (`file_too_large`); it was refused while it
    /// streamed in.
    #[response(status = 413)]
    FileTooLarge(ErrorBody),
    /// Not `multipart/form-data` (`unsupported_media_type`), or the file is
    /// not a PDF, PNG, JPEG, HEIC or TIFF by its bytes
    /// (`unsupported_file_type`).
    #[response(status = 415)]
    UnsupportedType(ErrorBody),
    /// The Idempotency-Key was used for a different upload
    /// (`idempotency_key_reused`).
    #[response(status = 422)]
    KeyReused(ErrorBody),
}

/// The header every change may carry.
#[allow(dead_code)] // Only its derive is used, to document the header.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyHeader {
    /// Makes a retry safe: the same key with the same request answers the
    /// first answer again and changes nothing. Keys are scoped to the person
    /// who sends them. 1 to 200 visible ASCII characters.
    #[serde(rename = "Idempotency-Key")]
    #[param(min_length = 1, max_length = 200, pattern = r"^[!-~]{1,200}$")]
    idempotency_key: Option<String>,
}

/// The order of the client list.
#[allow(dead_code)] // Only its schema is used.
#[derive(Deserialize, ToSchema)]
pub enum SortParam {
    /// By name, A to Z (the default).
    #[serde(rename = "name")]
    Name,
    /// By name, Z to A.
    #[serde(rename = "-name")]
    NameDescending,
    /// Most recently changed first.
    #[serde(rename = "updated")]
    Updated,
    /// Least recently changed first.
    #[serde(rename = "-updated")]
    UpdatedAscending,
}

/// The client list's query.
#[allow(dead_code)] // Only its derive is used, to document the query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Which tab: `active` (the default) or `deactivated`.
    status: Option<Status>,
    /// A case-insensitive part of the client's name or code, without
    /// control characters.
    #[param(max_length = 200, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    q: Option<String>,
    /// The order.
    sort: Option<SortParam>,
    /// Rows to skip.
    #[param(minimum = 0, maximum = 1_000_000_000)]
    offset: Option<u64>,
    /// Rows to return at most (default 100); 0 answers the total and the
    /// counts alone.
    #[param(minimum = 0, maximum = 10_000)]
    limit: Option<u64>,
    /// Start just after the row this cursor names: the `next` of the page
    /// before, for the same sort (keyset paging; not with `offset`).
    after: Option<String>,
}

/// The export's query: the list's, without paging.
#[allow(dead_code)] // Only its derive is used, to document the query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// Which tab: `active` (the default) or `deactivated`.
    status: Option<Status>,
    /// A case-insensitive part of the client's name or code, without
    /// control characters.
    #[param(max_length = 200, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    q: Option<String>,
    /// The order.
    sort: Option<SortParam>,
}

/// The highest `offset` the list takes.
pub const MAX_OFFSET: u64 = 1_000_000_000;
