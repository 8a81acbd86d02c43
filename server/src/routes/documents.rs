//! Documents as real files: uploads (`multipart/form-data`, one `file` part
//! per request) from the practice's staff and from a client's own users, and
//! downloads of the original bytes. The file is recognised by its first
//! bytes, refused past 20 MiB while it streams in, and stored before its row
//! is committed; R5 decides whether it will be extracted.

use super::answer;
use crate::auth::Caller;
use crate::error::AppError;
use crate::extract::PathId;
use crate::files::{FileError, FileStore};
use crate::openapi::{IdempotencyHeader, ReadErrors, UploadErrors};
use crate::state::AppState;
use crate::store::{Idempotency, NewDocument, Scope};
use axum::Json;
use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use clientele_core::documents::clean_file_name;
use clientele_core::wire::{DocumentView, ErrorBody, Items};
use clientele_core::{Action, BusinessId, DocumentId};

/// The form an upload is sent as, for the OpenAPI document.
#[allow(dead_code)] // Only its schema is used.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadForm {
    /// The document: a PDF, PNG, JPEG, HEIC or TIFF file of at most 20 MiB.
    #[schema(format = Binary, content_media_type = "application/octet-stream", min_length = 1)]
    file: String,
}

/// `GET /api/businesses/{id}/documents`: a business's documents, for the
/// practice.
#[utoipa::path(
    get,
    path = "/api/businesses/{id}/documents",
    tag = "documents",
    params(("id" = u64, Path, minimum = 1, description = "The business's id")),
    responses((status = 200, description = "The business's documents, newest first", body = Items<DocumentView>), ReadErrors),
    security(("session" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Json<Items<DocumentView>>, AppError> {
    caller.may(Action::ReadClients)?;
    let scope = Scope::Practice(caller.practice());
    let items = state
        .blocking(move |store| store.documents(scope, BusinessId(id)))
        .await?;
    Ok(Json(Items { items }))
}

/// `POST /api/businesses/{id}/documents`: the practice adds a document (R5).
#[utoipa::path(
    post,
    path = "/api/businesses/{id}/documents",
    tag = "documents",
    params(("id" = u64, Path, minimum = 1, description = "The business's id"), IdempotencyHeader),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The stored document; its extraction state follows R5", body = DocumentView),
        UploadErrors
    ),
    security(("session" = [], "csrf" = []))
)]
pub async fn add_document(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    headers: HeaderMap,
    upload: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    caller.may(Action::AddDocument)?;
    upload_to(
        state,
        &caller,
        Scope::Practice(caller.practice()),
        id,
        headers,
        upload,
    )
    .await
}

/// `POST /api/portal/businesses/{id}/documents`: a client's own user adds a
/// document to a business of their account (R5).
#[utoipa::path(
    post,
    path = "/api/portal/businesses/{id}/documents",
    tag = "portal",
    params(("id" = u64, Path, minimum = 1, description = "The business's id"), IdempotencyHeader),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The stored document; its extraction state follows R5", body = DocumentView),
        UploadErrors
    ),
    security(("session" = [], "csrf" = []))
)]
pub async fn add_own_document(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
    headers: HeaderMap,
    upload: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    caller.may(Action::AddOwnDocument)?;
    let scope = caller.scope();
    upload_to(state, &caller, scope, id, headers, upload).await
}

/// Takes the upload's one `file` part into the file store, then stores the
/// document's row, answering 201 (or a retry's first answer).
async fn upload_to(
    state: AppState,
    caller: &Caller,
    scope: Scope,
    business: u64,
    headers: HeaderMap,
    upload: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let business = BusinessId(business);
    let key = crate::extract::idempotency_key(&headers)?;
    // Nothing is read from a business the caller cannot reach.
    state
        .blocking(move |store| store.client_of_business(scope, business))
        .await?;
    let mut upload = upload.map_err(|rejection| {
        AppError::UnsupportedMediaType(format!(
            "an upload must be multipart/form-data with one part named \"file\" ({})",
            rejection.body_text()
        ))
    })?;
    let (file_name, file) = receive_file(&state.files, &mut upload).await?;
    let idempotency = key.map(|key| Idempotency {
        owner: caller.idempotency_owner(),
        key,
        request: format!("POST {scope:?} {business}\n{}\n{file_name}", file.sha256),
    });
    let document = NewDocument {
        scope,
        business_id: business,
        file_name,
        file,
        added_by: caller.user.name.clone(),
        at: state.clock.now(),
        idempotency,
    };
    let outcome = state
        .blocking(move |store| store.add_document(document))
        .await?;
    state.wake_workers();
    Ok(answer(StatusCode::CREATED, outcome))
}

/// The one part named `file`, streamed into the store; its cleaned name.
async fn receive_file(
    files: &FileStore,
    upload: &mut Multipart,
) -> Result<(String, clientele_core::DocumentFile), AppError> {
    let mut received = None;
    while let Some(field) = upload.next_field().await.map_err(upload_error)? {
        if field.name() != Some("file") {
            continue;
        }
        if received.is_some() {
            return Err(AppError::BadRequest(
                "send one part named \"file\" per upload".into(),
            ));
        }
        let name = clean_file_name(field.file_name().unwrap_or(""));
        let file = files.receive(field).await.map_err(AppError::from)?;
        received = Some((name, file));
    }
    received.ok_or_else(|| AppError::BadRequest("the upload has no part named \"file\"".into()))
}

fn upload_error(error: axum::extract::multipart::MultipartError) -> AppError {
    AppError::from(crate::files::IntoUpload::into_upload(error))
}

/// `POST /api/documents/{id}/retry`: "Retry" on a document whose extraction
/// failed queues it again, with all its tries.
#[utoipa::path(
    post,
    path = "/api/documents/{id}/retry",
    tag = "documents",
    params(("id" = u64, Path, minimum = 1, description = "The document's id")),
    responses(
        (status = 200, description = "The document, queued again", body = DocumentView),
        (status = 400, description = "A malformed id (`bad_request`)", body = ErrorBody),
        (status = 401, description = "No live session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "No or a wrong X-CSRF-Token (`csrf_failed`)", body = ErrorBody),
        (status = 404, description = "No such document within the caller's practice or account (`not_found`)", body = ErrorBody),
        (status = 409, description = "Its extraction has not failed (`extraction_not_failed`)", body = ErrorBody)
    ),
    security(("session" = [], "csrf" = []))
)]
pub async fn retry(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Json<DocumentView>, AppError> {
    caller.may(Action::RetryExtraction)?;
    let scope = caller.scope();
    let view = state
        .blocking(move |store| store.retry(scope, DocumentId(id)))
        .await?;
    state.wake_workers();
    Ok(Json(view))
}

/// `GET /api/documents/{id}/file`: the original bytes, to save.
#[utoipa::path(
    get,
    path = "/api/documents/{id}/file",
    tag = "documents",
    params(("id" = u64, Path, minimum = 1, description = "The document's id")),
    responses(
        (status = 200, description = "The document's original bytes, with its stored Content-Type and Content-Disposition: attachment",
            content(
                (Vec<u8> = "application/pdf"),
                (Vec<u8> = "image/png"),
                (Vec<u8> = "image/jpeg"),
                (Vec<u8> = "image/heic"),
                (Vec<u8> = "image/tiff")
            )),
        (status = 400, description = "A malformed id (`bad_request`)", body = ErrorBody),
        (status = 401, description = "No live session (`unauthenticated`)", body = ErrorBody),
        (status = 404, description = "No such document within the caller's practice or account, or it has no file (`not_found`)", body = ErrorBody)
    ),
    security(("session" = []))
)]
pub async fn download(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Response, AppError> {
    caller.may(Action::DownloadDocument)?;
    let scope = caller.scope();
    let document = state
        .blocking(move |store| store.document(scope, DocumentId(id)))
        .await?;
    let file = document
        .file
        .ok_or_else(|| AppError::NotFound("This document has no stored file.".into()))?;
    let path = state.files.path_of(&file.sha256).ok_or_else(|| {
        AppError::Internal(format!("a stored digest is not hex: {}", file.sha256))
    })?;
    let opened = tokio::fs::File::open(&path)
        .await
        .map_err(|error| AppError::Internal(format!("opening {}: {error}", path.display())))?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(opened));
    let content_type = HeaderValue::from_str(&file.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    Ok((
        [
            (CONTENT_TYPE, content_type),
            (CONTENT_DISPOSITION, attachment(&document.file_name)),
            (CONTENT_LENGTH, HeaderValue::from(file.size_bytes)),
        ],
        body,
    )
        .into_response())
}

/// `attachment; filename="…"; filename*=UTF-8''…`: a plain fallback name and
/// the exact one, percent-encoded (RFC 6266).
fn attachment(name: &str) -> HeaderValue {
    let plain: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or(HeaderValue::from_static("attachment"))
}

impl From<FileError> for AppError {
    fn from(error: FileError) -> AppError {
        match error {
            FileError::Refused(refusal) => AppError::File(refusal),
            FileError::Upload(detail) => {
                AppError::BadRequest(format!("the upload could not be read: {detail}"))
            }
            FileError::Disk(detail) => AppError::Internal(detail),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::attachment;

    #[test]
    fn a_download_is_named_safely_in_both_forms() {
        assert_eq!(
            attachment("till roll.pdf"),
            "attachment; filename=\"till roll.pdf\"; filename*=UTF-8''till%20roll.pdf"
        );
        assert_eq!(
            attachment("Café \"best\".png"),
            "attachment; filename=\"Caf_ _best_.png\"; filename*=UTF-8''Caf%C3%A9%20%22best%22.png"
        );
    }
}
