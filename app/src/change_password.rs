//! "Change password", from the header of every signed-in page: the current
//! password, the new one twice. `core` says what a new password must be
//! before anything is sent; the server checks the current one (counted like
//! a sign-in) and signs the person out everywhere else.

use crate::dialog::Dialog;
use crate::field::{TextField, checked};
use crate::store::Store;
use clientele_core::identity::check_new_password;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Where the dialog stands.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Editing,
    Sending,
    Changed,
}

/// The dialog; `on_close` when it is done with.
#[component]
pub fn ChangePasswordDialog(on_close: Callback<()>) -> impl IntoView {
    let store = expect_context::<Store>();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let current_error = RwSignal::new(None);
    let new_error = RwSignal::new(None);
    let confirmation_error = RwSignal::new(None);
    let refusal = RwSignal::new(None::<String>);
    let stage = RwSignal::new(Stage::Editing);
    let close = Callback::new(move |()| {
        if stage.get_untracked() != Stage::Sending {
            on_close.run(());
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if stage.get_untracked() != Stage::Editing {
            return;
        }
        refusal.set(None);
        let given = current.get_untracked();
        current_error.set(
            given
                .is_empty()
                .then(|| "Enter the password you sign in with now.".to_owned()),
        );
        let chosen = new.get_untracked();
        let strong = checked(check_new_password(&chosen), new_error);
        let same = chosen == confirmation.get_untracked();
        confirmation_error.set((!same).then(|| "The two passwords are not the same.".to_owned()));
        if given.is_empty() || strong.is_none() || !same {
            return;
        }
        stage.set(Stage::Sending);
        let changing = store.api().change_password(&given, &chosen);
        spawn_local(async move {
            let answer = changing.await;
            if stage.is_disposed() {
                return;
            }
            match answer {
                Ok(()) => stage.set(Stage::Changed),
                Err(error) => {
                    stage.set(Stage::Editing);
                    refusal.set(Some(error.message()));
                }
            }
        });
    };
    let sending = move || stage.get() == Stage::Sending;
    // The form stays built while it is sent and refused, keeping focus.
    let changed = Memo::new(move |_| stage.get() == Stage::Changed);
    view! {
        <Dialog title_id="change-password-title" on_close=close>
            {move || match changed.get() {
                true => view! {
                    <h2 id="change-password-title">"Password changed"</h2>
                    <p>"Use your new password from now on. You are still signed in here, and signed out everywhere else."</p>
                    <div class="dialog-actions">
                        <button type="button" class="button primary" on:click=move |_| on_close.run(())>"Done"</button>
                    </div>
                }.into_any(),
                false => view! {
                    <form class="dialog-form" on:submit=submit novalidate>
                        <h2 id="change-password-title">"Change password"</h2>
                        <Show when=move || refusal.with(Option::is_some)>
                            <div class="form-error" role="alert">{move || refusal.get()}</div>
                        </Show>
                        <TextField id="current-password" label="Current password" input_type="password" autocomplete="current-password" value=current error=current_error />
                        <TextField id="new-password" label="New password" input_type="password" autocomplete="new-password" hint="At least 12 characters" value=new error=new_error />
                        <TextField id="confirm-new-password" label="Confirm new password" input_type="password" autocomplete="new-password" value=confirmation error=confirmation_error />
                        <p class="muted" role="status">{move || sending().then_some("Changing your password…")}</p>
                        <div class="dialog-actions">
                            <button type="button" class="button secondary" disabled=sending on:click=move |_| close.run(())>"Cancel"</button>
                            <button type="submit" class="button primary" disabled=sending>"Change password"</button>
                        </div>
                    </form>
                }.into_any(),
            }}
        </Dialog>
    }
}
