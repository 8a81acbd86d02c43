//! The invitation page, `/invite/{token}`: for someone added to a client's
//! account, who has no password yet. It says who and what the invitation
//! is for, takes a new password (checked by `core` before it is sent),
//! and signs them in to their portal. A used, expired or unknown link says
//! so in the server's words, with the way to sign in.

use crate::field::{TextField, checked};
use crate::session::Auth;
use crate::store::Store;
use clientele_core::identity::check_new_password;
use clientele_core::wire::InvitationView;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map};

/// The page of the invitation in the URL.
#[component]
pub fn InvitePage() -> impl IntoView {
    let store = expect_context::<Store>();
    let params = use_params_map();
    let token = Memo::new(move |_| {
        params
            .with(|params| params.get("token"))
            .unwrap_or_default()
    });
    let invitation = LocalResource::new(move || {
        let token = token.get();
        let api = store.api();
        async move {
            api.invitation(&token)
                .await
                .map_err(|error| error.message())
        }
    });
    view! {
        <main class="sign-in">
            <div class="sign-in-card">
                {move || match invitation.get() {
                    None => view! { <p class="state">"Opening your invitation…"</p> }.into_any(),
                    Some(Err(message)) => view! {
                        <h1>"This invitation cannot be used"</h1>
                        <p class="form-error" role="alert">{message}</p>
                        <a href="/sign-in">"Go to sign in"</a>
                    }.into_any(),
                    Some(Ok(view)) => view! { <SetPasswordForm token=token.get_untracked() invitation=view /> }.into_any(),
                }}
            </div>
        </main>
    }
}

/// "Set a password for …", two password fields and "Set password".
#[component]
fn SetPasswordForm(token: String, invitation: InvitationView) -> impl IntoView {
    let store = expect_context::<Store>();
    let auth = expect_context::<Auth>();
    let navigate = use_navigate();
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let password_error = RwSignal::new(None);
    let confirmation_error = RwSignal::new(None);
    let refusal = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if pending.get_untracked() {
            return;
        }
        refusal.set(None);
        let chosen = password.get_untracked();
        let strong = checked(check_new_password(&chosen), password_error);
        let same = chosen == confirmation.get_untracked();
        confirmation_error.set((!same).then(|| "The two passwords are not the same.".to_owned()));
        if strong.is_none() || !same {
            return;
        }
        pending.set(true);
        let api = store.api();
        let token = token.clone();
        let navigate = navigate.clone();
        spawn_local(async move {
            match api.accept_invitation(&token, &chosen).await {
                Ok(session) => {
                    // Whatever an earlier session here showed goes with it.
                    store.clear();
                    auth.signed_in(session);
                    navigate(
                        "/portal",
                        NavigateOptions {
                            replace: true,
                            ..Default::default()
                        },
                    );
                }
                Err(error) => {
                    pending.set(false);
                    refusal.set(Some(error.message()));
                }
            }
        });
    };
    view! {
        <form on:submit=submit novalidate>
            <h1>"Welcome to Clientele"</h1>
            <p>
                {format!(
                    "Set a password for {} ({}), a user of {} at {}.",
                    invitation.name, invitation.email, invitation.account, invitation.practice
                )}
            </p>
            <Show when=move || refusal.with(Option::is_some)>
                <div class="form-error" role="alert">{move || refusal.get()}</div>
            </Show>
            <input type="email" name="email" autocomplete="username" value=invitation.email.clone() hidden readonly />
            <TextField id="invite-password" label="Password" input_type="password" autocomplete="new-password" value=password error=password_error />
            <TextField id="invite-confirm-password" label="Confirm password" input_type="password" autocomplete="new-password" value=confirmation error=confirmation_error />
            <p class="sign-in-status" role="status">{move || pending.get().then_some("Setting your password…")}</p>
            <button type="submit" class="button primary" disabled=move || pending.get()>"Set password"</button>
        </form>
    }
}
