//! Request extractors whose failures are [`AppError`]s, so a malformed
//! request gets the same JSON error body as every other failure and a
//! message that names the field, instead of axum's plain-text rejections.

use crate::auth::Caller;
use crate::domain::{IdempotencyKey, parse_whole_number};
use crate::error::AppError;
use crate::store::{Idempotency, StoreError};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;

/// A JSON body, parsed.
pub struct JsonBody<T> {
    /// The parsed value.
    pub value: T,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let is_json = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(AppError::UnsupportedMediaType(
                "the request body must be JSON, with Content-Type: application/json".into(),
            ));
        }
        let raw =
            Bytes::from_request(request, state)
                .await
                .map_err(|rejection| match rejection {
                    BytesRejection::FailedToBufferBody(_)
                        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE =>
                    {
                        AppError::PayloadTooLarge
                    }
                    _ => AppError::BadRequest("the request body could not be read".into()),
                })?;
        Ok(JsonBody {
            value: parse_json(&raw)?,
        })
    }
}

/// A write's request, read but not yet parsed: its JSON body and its
/// `Idempotency-Key`, taken in one place so every write endpoint treats them
/// alike. The handler checks the caller's permission first and then
/// [`Write::open`]s it, so a refused caller learns nothing about the body:
/// even a body that is not JSON at all, or a bad key, is only reported
/// once the caller may make the change.
pub struct Write<T> {
    body: Result<serde_json::Value, AppError>,
    key: Result<Option<IdempotencyKey>, AppError>,
    target: String,
    _shape: PhantomData<T>,
}

impl<S: Send + Sync, T> FromRequest<S> for Write<T> {
    type Rejection = std::convert::Infallible;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let key = idempotency_key(request.headers());
        let target = format!("{} {}", request.method(), request.uri().path());
        let body = JsonBody::<serde_json::Value>::from_request(request, state)
            .await
            .map(|body| body.value);
        Ok(Write {
            body,
            key,
            target,
            _shape: PhantomData,
        })
    }
}

impl<T: DeserializeOwned + Serialize> Write<T> {
    /// The parsed body, and the idempotency key scoped to `caller`. The
    /// request is fingerprinted by the request it parsed to, written out
    /// again, so a retry whose body was re-serialised (other whitespace or
    /// key order, `1.0` for `1`, an optional field sent as `null` or left
    /// out) is the same request.
    pub fn open(self, caller: &Caller) -> Result<(T, Option<Idempotency>), AppError> {
        let request: T = from_json(self.body?)?;
        let key = self.key?;
        let idempotency = match key {
            None => None,
            Some(key) => {
                let parsed = serde_json::to_value(&request).map_err(|error| {
                    AppError::Internal(format!("a request could not be written out: {error}"))
                })?;
                Some(Idempotency {
                    owner: caller.idempotency_owner(),
                    key,
                    // serde_json's maps are sorted, so this is canonical.
                    request: format!("{}\n{}", self.target, parsed),
                })
            }
        };
        Ok((request, idempotency))
    }
}

/// The request's `Idempotency-Key`, if it sent one.
pub fn idempotency_key(
    headers: &axum::http::HeaderMap,
) -> Result<Option<IdempotencyKey>, AppError> {
    Ok(headers
        .get("idempotency-key")
        .map(|value| IdempotencyKey::parse(value.to_str().unwrap_or("")))
        .transpose()?)
}

/// Parses JSON, naming the field that is missing, unknown or of the wrong
/// type.
pub fn parse_json<T: DeserializeOwned>(raw: &[u8]) -> Result<T, AppError> {
    from_json(read_json(raw)?)
}

/// A JSON object from a body, with whole floats written as integers.
fn read_json(raw: &[u8]) -> Result<serde_json::Value, AppError> {
    // serde's derived structs also accept an array of their fields in order;
    // a positional body is too easy to get wrong, so only objects are taken.
    let first = raw.iter().find(|byte| !byte.is_ascii_whitespace());
    if first.is_some_and(|byte| *byte == b'[') {
        return Err(AppError::BadRequest(
            "invalid JSON body: expected an object with named fields".into(),
        ));
    }
    // JSON Schema counts 3.0 as an integer; serde does not. Parse to a
    // value first and write whole floats as integers, so a schema-valid
    // body is read as meant.
    let mut value: serde_json::Value = serde_json::from_slice(raw).map_err(|error| {
        AppError::BadRequest(format!(
            "invalid JSON body: {}",
            strip_position(&error.to_string())
        ))
    })?;
    whole_floats_as_integers(&mut value);
    Ok(value)
}

/// A value read from JSON into `T`, naming the field that is missing,
/// unknown or of the wrong type.
fn from_json<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let detail = strip_position(&inner.to_string());
        AppError::BadRequest(if path == "." || inner.is_syntax() || inner.is_eof() {
            format!("invalid JSON body: {detail}")
        } else {
            format!("invalid field {path}: {detail}")
        })
    })
}

/// Rewrites every float with a zero fraction (within the range where floats
/// are exact) as an integer, throughout a JSON value.
fn whole_floats_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(number) if number.is_f64() => {
            if let Some(whole) = number
                .as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() <= 9e15)
            {
                *value = if whole >= 0.0 {
                    Value::from(whole as u64)
                } else {
                    Value::from(whole as i64)
                };
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_floats_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_floats_as_integers),
        _ => {}
    }
}

/// serde_json appends " at line 1 column 7", which says nothing to a caller
/// who sent one line.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

/// A numeric id from the path, such as `/api/clients/{id}`.
pub struct PathId(pub u64);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(path_error)?;
        parse_id(&raw).map(PathId)
    }
}

/// Two numeric ids from the path, such as `/api/clients/{id}/businesses/{business_id}`.
pub struct PathIds(pub u64, pub u64);

impl<S: Send + Sync> FromRequestParts<S> for PathIds {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let axum::extract::Path((first, second)) =
            axum::extract::Path::<(String, String)>::from_request_parts(parts, state)
                .await
                .map_err(path_error)?;
        Ok(PathIds(parse_id(&first)?, parse_id(&second)?))
    }
}

/// An id in the path. Digits that name no possible id (0, or more than any
/// id can be) are an unknown id, 404 like any other; anything else that is
/// not a whole number is a 400.
fn parse_id(raw: &str) -> Result<u64, AppError> {
    match parse_whole_number(raw) {
        Some(id) if id > 0 => Ok(id),
        _ if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) => {
            Err(StoreError::NotFound.into())
        }
        _ => Err(AppError::BadRequest(format!(
            "the id {raw:?} in the path is not a positive whole number"
        ))),
    }
}

fn path_error(rejection: PathRejection) -> AppError {
    AppError::BadRequest(format!("invalid path: {}", rejection.body_text()))
}
