//! The fault-injection switch for end-to-end tests and benchmarks. It is
//! reachable only when the server was started with `--fault-injection`:
//! otherwise neither its route nor its middleware exist.
//!
//! `PUT /api/_test/fault` with `{"mode": …}` sets how the four change
//! endpoints behave until it is set again: `none`, `error` (a 500, nothing
//! applied), `drop` (the connection closes with no answer, nothing applied),
//! `delay` (`delay_ms` then as normal) or `drop_after_commit` (the change is
//! committed, then the connection closes with no answer; once only, so the
//! client's retry gets through). `delay_reads` leaves changes alone and holds
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

/// A response whose body fails before its first byte: hyper then closes the
/// connection without sending anything, which is what a client sees when a
/// server or the network dies mid-request.
fn dropped_connection() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("fault injection: connection dropped"))
    });
    Response::new(Body::from_stream(failing))
}
