//! How long the store waits, and on what: the browser's clock, unless a
//! test puts in a pause it resolves itself.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// How long to wait before sending a change again whose answer was lost.
pub const RETRY_AFTER: Duration = Duration::from_secs(1);

/// Waits before a retry, or before the next re-read of a client whose
/// change is in doubt. Tests put in one that they resolve themselves.
pub type Pause = Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()>>> + Send + Sync>;

/// How long to wait before the `attempt`-th re-read (the first is at once):
/// half a second, doubling, at most ten seconds.
pub fn backoff(attempt: u32) -> Duration {
    match attempt {
        0 => Duration::ZERO,
        n => Duration::from_millis(500 << (n - 1).min(5)).min(Duration::from_secs(10)),
    }
}

/// Pauses on the browser's clock.
pub(super) fn clock_pause() -> Pause {
    Arc::new(|wait| Box::pin(sleep(wait)))
}

/// Resolves in a later task of the browser's, so that what comes next is not
/// part of one long task in which the page cannot answer input.
pub async fn next_task() {
    sleep(Duration::ZERO).await;
}

/// Resolves after `wait`, on the browser's clock.
async fn sleep(wait: Duration) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                wait.as_millis().min(i32::MAX as u128) as i32,
            );
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
