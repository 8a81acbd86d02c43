//! The fault-injection switch for end-to-end tests and benchmarks. It is
//! reachable only when the server was started with `--fault-injection`:
//! otherwise neither its route nor its middleware exist.
//!
//! `PUT /api/_test/fault` with `{"mode": …}` sets how the four change
//! endpoints behave until it is set again: `none`, `error` (a 500, nothing
//! applied), `drop` (the connection closes with no answer, nothing applied),
//! `delay` (`delay_ms` then as normal) or `drop_after_commit` (the change is
//! committed, then the answer is cut off after its head; once only, so the
//! client's retry gets through). A dropped answer sends its head and one
//! byte, then the connection is cut. `delay_reads` leaves changes alone and holds
//! back the answers of the client list and of a client for `delay_ms` after
//! they were read, so an old answer arrives after newer changes.

use crate::error::AppError;
use crate::extract::JsonBody;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the change endpoints misbehave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// Behave.
    None,
    /// Answer 500 without applying the change.
    Error,
    /// Close the connection without applying the change or answering.
    Drop,
    /// Apply the change, then close the connection without answering; once.
    DropAfterCommit,
    /// Wait, then behave.
    Delay {
        /// How long, at most one minute.
        delay_ms: u64,
    },
    /// Changes behave; reads of clients are answered late.
    DelayReads {
        /// How long after reading, at most one minute.
        delay_ms: u64,
    },
}

/// The current fault, shared by the switch route and the middleware.
#[derive(Debug, Default)]
pub struct FaultSwitch(Mutex<Option<Fault>>);

impl FaultSwitch {
    fn take_current(&self) -> Fault {
        let mut current = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match *current {
            Some(Fault::DropAfterCommit) => current.take().unwrap_or(Fault::None),
            Some(fault) => fault,
            None => Fault::None,
        }
    }
}

/// `PUT /api/_test/fault`.
pub async fn set_fault(
    State(switch): State<Arc<FaultSwitch>>,
    body: JsonBody<Fault>,
) -> Result<StatusCode, AppError> {
    if let Fault::Delay { delay_ms } | Fault::DelayReads { delay_ms } = body.value
        && delay_ms > 60_000
    {
        return Err(AppError::BadRequest(
            "delay_ms must be at most 60000".into(),
        ));
    }
    *switch
        .0
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(body.value);
    Ok(StatusCode::NO_CONTENT)
}

/// Middleware on the change endpoints.
pub async fn inject(
    State(switch): State<Arc<FaultSwitch>>,
    request: Request,
    next: Next,
) -> Response {
    match switch.take_current() {
        Fault::None => next.run(request).await,
        Fault::Error => AppError::InjectedFault.into_response(),
        Fault::Drop => dropped_connection(),
        Fault::DropAfterCommit => {
            let _committed = next.run(request).await;
            dropped_connection()
        }
        Fault::Delay { delay_ms } => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            next.run(request).await
        }
        Fault::DelayReads { .. } => next.run(request).await,
    }
}

/// Middleware on the client reads: with `delay_reads`, the answer is made
/// at once (from the state as it is now) and held back before it is sent.
pub async fn inject_into_reads(
    State(switch): State<Arc<FaultSwitch>>,
    request: Request,
    next: Next,
) -> Response {
    let current = *switch
        .0
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let response = next.run(request).await;
    if let Some(Fault::DelayReads { delay_ms }) = current {
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
    }
    response
}

/// An answer that dies half-way: its head and the first byte of a body that
/// promised more are sent, then the connection is cut, which is what a
/// client sees when a server or the network dies mid-answer. Sending the
/// head first matters: a browser silently resends a request whose reused
/// connection closed before any answer at all, which would hide the loss
/// from the app.
fn dropped_connection() -> Response {
    use futures_util::StreamExt;
    let head_and_one_byte =
        futures_util::stream::once(async { Ok::<Bytes, std::io::Error>(Bytes::from_static(b"{")) });
    // A moment's pause, so the head and the byte are written out before the
    // connection is cut.
    let cut = futures_util::stream::once(async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Err(std::io::Error::other("fault injection: connection dropped"))
    });
    let failing = head_and_one_byte.chain(cut);
    let mut response = Response::new(Body::from_stream(failing));
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    response.headers_mut().insert(
        axum::http::header::CONTENT_LENGTH,
        axum::http::HeaderValue::from_static("4096"),
    );
    // Not compressed: a compressor would hold the byte back, and the head
    // with it.
    response.headers_mut().insert(
        axum::http::header::CONTENT_ENCODING,
        axum::http::HeaderValue::from_static("identity"),
    );
    response
}
