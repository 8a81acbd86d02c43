//! The one channel for telling the person how their changes went: a stack
//! of messages in the corner. What went wrong is in a `role="alert"` region,
//! read out at once; a change made, which offers one action as a real
//! button (the "Undo" after a deactivation or reactivation) for as long as
//! it is shown, is in a `role="status"` region, read out politely.

use crate::api::ApiError;
use leptos::prelude::*;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

/// How long a message stays unless dismissed.
const SHOWN_FOR: Duration = Duration::from_secs(10);

/// A button a message offers: its label and what it does.
type Offer = (String, Rc<dyn Fn()>);

/// The messages on screen, shared as context.
#[derive(Clone, Copy)]
pub struct Toasts(
    RwSignal<Vec<(u64, String)>>,
    StoredValue<HashMap<u64, Offer>, LocalStorage>,
);

impl Toasts {
    /// An empty stack.
    pub fn new() -> Toasts {
        Toasts(
            RwSignal::new(Vec::new()),
            StoredValue::new_local(HashMap::new()),
        )
    }

    /// Shows `message`, and hides it again after a while.
    pub fn push(&self, message: impl Into<String>) {
        let id = js_sys::Date::now() as u64 ^ (js_sys::Math::random() * 1e9) as u64;
        self.0.update(|toasts| toasts.push((id, message.into())));
        let toasts = *self;
        set_timeout(move || toasts.dismiss(id), SHOWN_FOR);
    }

    /// Shows `message` with a button labelled `label` that hides the
    /// message and runs `action`; both go after `SHOWN_FOR` (10 seconds).
    pub fn push_offer(&self, message: impl Into<String>, label: &str, action: impl Fn() + 'static) {
        let id = js_sys::Date::now() as u64 ^ (js_sys::Math::random() * 1e9) as u64;
        let offer: Offer = (label.to_owned(), Rc::new(action));
        self.1.update_value(|offers| {
            offers.insert(id, offer);
        });
        self.0.update(|toasts| toasts.push((id, message.into())));
        let toasts = *self;
        set_timeout(move || toasts.dismiss(id), SHOWN_FOR);
    }

    /// The button message `id` offers, if any.
    fn offer(&self, id: u64) -> Option<Offer> {
        self.1.with_value(|offers| offers.get(&id).cloned())
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
        self.1.update_value(|offers| {
            offers.remove(&id);
        });
        self.0
            .update(|toasts| toasts.retain(|(shown, _)| *shown != id));
    }
}

impl Default for Toasts {
    fn default() -> Self {
        Toasts::new()
    }
}

/// The two regions: what went wrong, then what was done. Both stay in the
/// page, empty when there is nothing to say, so that assistive technology
/// announces what is added to them.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    view! {
        <div class="toasts">
            <div class="toast-stack" role="alert" aria-live="assertive">
                <ToastList toasts news=false />
            </div>
            <div class="toast-stack" role="status" aria-live="polite">
                <ToastList toasts news=true />
            </div>
        </div>
    }
}

/// The messages that offer an action (`news`), or those that do not.
#[component]
fn ToastList(toasts: Toasts, news: bool) -> impl IntoView {
    let each = move || {
        toasts
            .0
            .get()
            .into_iter()
            .filter(|(id, _)| toasts.offer(*id).is_some() == news)
            .collect::<Vec<_>>()
    };
    view! {
        <For each=each key=|(id, _)| *id let:toast>
            <div class="toast" class:toast-done=news>
                <span>{toast.1.clone()}</span>
                {toasts
                    .offer(toast.0)
                    .map(|(label, action)| {
                        let id = toast.0;
                        view! {
                            <button
                                type="button"
                                class="toast-action"
                                on:click=move |_| {
                                    toasts.dismiss(id);
                                    action();
                                }
                            >
                                {label}
                            </button>
                        }
                    })}
                <button
                    class="toast-dismiss"
                    aria-label="Dismiss"
                    on:click=move |_| toasts.dismiss(toast.0)
                >
                    "×"
                </button>
            </div>
        </For>
    }
}
