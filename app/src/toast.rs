//! The one channel for telling the person that something went wrong: a
//! stack of messages in a single `role="alert"` region.

use crate::api::ApiError;
use leptos::prelude::*;
use std::time::Duration;

/// How long a message stays unless dismissed.
const SHOWN_FOR: Duration = Duration::from_secs(10);

/// The messages on screen, shared as context.
#[derive(Clone, Copy)]
pub struct Toasts(RwSignal<Vec<(u64, String)>>);

impl Toasts {
    /// An empty stack.
    pub fn new() -> Toasts {
        Toasts(RwSignal::new(Vec::new()))
    }

    /// Shows `message`, and hides it again after a while.
    pub fn push(&self, message: impl Into<String>) {
        let id = js_sys::Date::now() as u64 ^ (js_sys::Math::random() * 1e9) as u64;
        self.0.update(|toasts| toasts.push((id, message.into())));
        let toasts = *self;
        set_timeout(move || toasts.dismiss(id), SHOWN_FOR);
    }

    /// Shows why a request failed; nothing when the session ended, since
    /// the sign-in page the person is sent to already says so.
    pub fn push_error(&self, error: &ApiError) {
        if *error != ApiError::SessionEnded {
            self.push(error.message());
        }
    }

    /// The messages on screen, oldest first, each with its id.
    pub fn shown(&self) -> Vec<(u64, String)> {
        self.0.get()
    }

    /// Hides one message.
    pub fn dismiss(&self, id: u64) {
        self.0
            .update(|toasts| toasts.retain(|(shown, _)| *shown != id));
    }
}

impl Default for Toasts {
    fn default() -> Self {
        Toasts::new()
    }
}

/// The alert region; empty when all is well.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    view! {
        <div class="toasts" role="alert" aria-live="assertive">
            <For each=move || toasts.0.get() key=|(id, _)| *id let:toast>
                <div class="toast">
                    <span>{toast.1.clone()}</span>
                    <button
                        class="toast-dismiss"
                        aria-label="Dismiss"
                        on:click=move |_| toasts.dismiss(toast.0)
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
