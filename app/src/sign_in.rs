//! Signing in: the `/sign-in` page. A real form, so Enter submits it and
//! password managers recognise it. A refusal (wrong email or password, too
//! many attempts) appears above the fields with the server's words, and
//! focus moves to it. Once signed in, the page's gate takes the person to
//! the page they first asked for, or to their home.

use crate::access::{Gate, signed_out_only};
use crate::api::{ApiError, UNEXPECTED_ANSWER};
use crate::session::{Auth, SignedOutBy};
use crate::store::{Store, next_task};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The sign-in page, for people who are not signed in.
///
/// Its form is drawn in a task after the page's own, so that a new visitor's
/// arrival (the session's answer, the move from `/` to here and the form)
/// is not one long task in which the page cannot answer input.
#[component]
pub fn SignInPage() -> impl IntoView {
    let drawn = RwSignal::new(false);
    spawn_local(async move {
        next_task().await;
        drawn.try_set(true);
    });
    view! {
        <Gate redirect=signed_out_only()>
            {move || drawn.get().then(|| view! { <SignInForm /> })}
        </Gate>
    }
}

/// Email, password and "Sign in".
#[component]
fn SignInForm() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let store = expect_context::<Store>();
    let email: NodeRef<html::Input> = NodeRef::new();
    let password: NodeRef<html::Input> = NodeRef::new();
    let alert: NodeRef<html::Div> = NodeRef::new();
    let pending = RwSignal::new(false);
    let refusal = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if refusal.with(Option::is_some)
            && let Some(alert) = alert.get()
        {
            let _ = alert.focus();
        }
    });
    let notice = auth.signed_out_by().and_then(why_signed_out);
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let (Some(email), Some(password)) = (email.get_untracked(), password.get_untracked())
        else {
            return;
        };
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        refusal.set(None);
        let api = store.api();
        spawn_local(async move {
            match api.sign_in(&email.value(), &password.value()).await {
                Ok(session) => auth.signed_in(session),
                Err(error) => {
                    pending.set(false);
                    refusal.set(Some(refusal_message(&error)));
                }
            }
        });
    };
    view! {
        <main class="sign-in">
            <form class="sign-in-card" on:submit=on_submit>
                <h1>"Sign in to Clientele"</h1>
                <p class="sign-in-status" role="status">
                    {move || if pending.get() { Some("Signing in…") } else { notice }}
                </p>
                <Show when=move || refusal.with(Option::is_some)>
                    <div class="form-error" role="alert" tabindex="-1" node_ref=alert>
                        {move || refusal.get()}
                    </div>
                </Show>
                <div class="field">
                    <label for="sign-in-email">"Email"</label>
                    <input id="sign-in-email" name="email" type="email" autocomplete="username" required node_ref=email />
                </div>
                <div class="field">
                    <label for="sign-in-password">"Password"</label>
                    <input id="sign-in-password" name="password" type="password" autocomplete="current-password" required node_ref=password />
                </div>
                <button type="submit" class="button primary" disabled=move || pending.get()>
                    "Sign in"
                </button>
            </form>
        </main>
    }
}

/// A line about how the last session ended, if the person did not just
/// arrive.
fn why_signed_out(by: SignedOutBy) -> Option<&'static str> {
    match by {
        SignedOutBy::Expired => Some("Your session has ended. Sign in again to carry on."),
        SignedOutBy::SigningOut => Some("You have signed out."),
        SignedOutBy::NoSession => None,
    }
}

/// Why signing in failed, in words: the server's own for a refusal (wrong
/// email or password, too many attempts and when to retry).
fn refusal_message(error: &ApiError) -> String {
    match error {
        ApiError::Network(_) => {
            "Could not reach the server. Check your connection and try again.".to_owned()
        }
        ApiError::Server { status, code, .. } if code == UNEXPECTED_ANSWER => {
            format!("Signing in failed: the server answered {status}. Try again in a moment.")
        }
        other => other.message(),
    }
}
