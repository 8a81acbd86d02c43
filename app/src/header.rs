//! The bar across the top of every signed-in page: the practice, who is
//! signed in, "Change password" and "Sign out". Signing out ends the
//! session on the server first; only then does the app forget what it
//! showed and go to sign-in.

use crate::api::ApiError;
use crate::change_password::ChangePasswordDialog;
use crate::session::{Auth, SignedOutBy};
use crate::store::Store;
use crate::toast::Toasts;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The practice's name, the person's name, "Change password" and "Sign
/// out".
#[component]
pub fn SignedInHeader() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let user = auth.user();
    let practice = user.as_ref().map(|user| user.practice.name.clone());
    let name = user.map(|user| user.name);
    let changing = RwSignal::new(false);
    view! {
        <header class="app-header">
            <p class="practice">{practice}</p>
            <div class="account">
                <p class="signed-in-as">
                    <span class="visually-hidden">"Signed in as "</span>
                    <span class="user-name">{name}</span>
                </p>
                <button type="button" class="button header-button" on:click=move |_| changing.set(true)>
                    "Change password"
                </button>
                <SignOutButton />
            </div>
        </header>
        {move || changing.get().then(|| view! {
            <ChangePasswordDialog on_close=Callback::new(move |()| changing.set(false)) />
        })}
    }
}

/// "Sign out": disabled while the server ends the session. If it cannot,
/// the person stays signed in and is told why.
#[component]
fn SignOutButton() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let store = expect_context::<Store>();
    let toasts = expect_context::<Toasts>();
    let pending = RwSignal::new(false);
    let sign_out = move |_| {
        pending.set(true);
        let api = store.api();
        spawn_local(async move {
            match api.sign_out().await {
                // A 401 means the session had already ended: out either way.
                Ok(()) => auth.signed_out(SignedOutBy::SigningOut),
                Err(error) if error.is_unauthenticated() => {
                    auth.signed_out(SignedOutBy::SigningOut)
                }
                Err(error) => {
                    pending.set(false);
                    toasts.push(still_signed_in(&error));
                }
            }
        });
    };
    view! {
        <button
            type="button"
            class="button header-button"
            disabled=move || pending.get()
            on:click=sign_out
        >
            "Sign out"
        </button>
    }
}

fn still_signed_in(error: &ApiError) -> String {
    match error {
        ApiError::Network(_) => {
            "You are still signed in: the server could not be reached. Try again.".to_owned()
        }
        other => format!("You are still signed in. {}", other.message()),
    }
}
