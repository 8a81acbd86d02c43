//! "Edit client", "Add business" and "Rename" on a client's page: small
//! dialogs whose fields `core` checks before the change is made. The change
//! shows at once and syncs like every other (see `store`).

use crate::dialog::Dialog;
use crate::field::{TextField, checked};
use crate::store::Store;
use clientele_core::onboarding::{can_add_business, client_code, code_is_free, name};
use clientele_core::{Action, BusinessId, ClientId, Command};
use leptos::prelude::*;

/// A one- or two-field dialog: its title, fields and the button that makes
/// the change. `on_submit` checks the fields and makes the change, or says
/// (beside the fields) what is wrong and answers `false`, keeping it open.
#[component]
fn EditDialog(
    title: String,
    submit_label: &'static str,
    on_close: Callback<()>,
    on_submit: Callback<(), bool>,
    children: Children,
) -> impl IntoView {
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if on_submit.run(()) {
            on_close.run(());
        }
    };
    view! {
        <Dialog title_id="edit-title" on_close=on_close>
            <form class="dialog-form" on:submit=submit novalidate>
                <h2 id="edit-title">{title}</h2>
                {children()}
                <div class="dialog-actions">
                    <button type="button" class="button secondary" on:click=move |_| on_close.run(())>"Cancel"</button>
                    <button type="submit" class="button primary">{submit_label}</button>
                </div>
            </form>
        </Dialog>
    }
}

/// "Edit client": the name and the practice's code.
#[component]
pub fn EditClientButton(id: ClientId) -> impl IntoView {
    let store = expect_context::<Store>();
    let auth = expect_context::<crate::session::Auth>();
    let open = RwSignal::new(false);
    let dialog = move || {
        let client = store
            .clients
            .with_untracked(|clients| clients.get(&id).cloned())?;
        let name_value = RwSignal::new(client.name.clone());
        let code_value = RwSignal::new(client.code.clone().unwrap_or_default());
        let name_error = RwSignal::new(None);
        let code_error = RwSignal::new(None);
        let on_submit = Callback::new(move |()| {
            let taken = store.codes_held(Some(id));
            let code = client_code(&code_value.get_untracked()).and_then(|code| match code {
                Some(code) => {
                    code_is_free(&code, taken.iter().map(String::as_str)).map(|()| Some(code))
                }
                None => Ok(None),
            });
            let checks = (
                checked(name("client name", &name_value.get_untracked()), name_error),
                checked(code, code_error),
            );
            let (Some(name), Some(code)) = checks else {
                return false;
            };
            // The dialog shows both, so both are sent as they now stand.
            store.submit(
                id,
                Command::EditClient {
                    name: Some(name),
                    code: Some(code),
                },
            );
            true
        });
        Some(view! {
            <EditDialog title="Edit client".into() submit_label="Save" on_close=Callback::new(move |()| open.set(false)) on_submit=on_submit>
                <TextField id="edit-client-name" label="Client name" value=name_value error=name_error />
                <TextField id="edit-client-code" label="Client code" hint="Optional: leave blank for none" value=code_value error=code_error />
            </EditDialog>
        })
    };
    auth.may(Action::EditClients).then(|| {
        view! {
            <button
                type="button"
                class="button secondary"
                disabled=move || store.is_syncing(id)
                on:click=move |_| open.set(true)
            >
                "Edit client"
            </button>
            {move || open.get().then(dialog)}
        }
    })
}

/// "Add business", or, for a deactivated client, why not (in `core`'s
/// words).
#[component]
pub fn AddBusinessButton(id: ClientId) -> impl IntoView {
    let store = expect_context::<Store>();
    let auth = expect_context::<crate::session::Auth>();
    let open = RwSignal::new(false);
    let refusal = Memo::new(move |_| {
        store.clients.with(|clients| {
            clients
                .get(&id)
                .and_then(|client| can_add_business(client).err())
                .map(|refusal| refusal.to_string())
        })
    });
    let dialog = move || {
        let value = RwSignal::new(String::new());
        let error = RwSignal::new(None);
        let on_submit = Callback::new(move |()| {
            let Some(name) = checked(name("business name", &value.get_untracked()), error) else {
                return false;
            };
            let business_id = BusinessId(store.provisional_id());
            store.submit(id, Command::AddBusiness { business_id, name });
            true
        });
        view! {
            <EditDialog title="Add business".into() submit_label="Add business" on_close=Callback::new(move |()| open.set(false)) on_submit=on_submit>
                <TextField id="new-business-name" label="Business name" value=value error=error />
            </EditDialog>
        }
    };
    auth.may(Action::EditClients).then(|| {
        view! {
            <div class="add-business">
                <button
                    type="button"
                    class="button secondary"
                    disabled=move || refusal.with(Option::is_some) || store.is_syncing(id)
                    aria-describedby="add-business-refusal"
                    on:click=move |_| open.set(true)
                >
                    "Add business"
                </button>
                <span id="add-business-refusal" class="muted">{move || refusal.get()}</span>
            </div>
            {move || open.get().then(dialog)}
        }
    })
}

/// The "Rename" dialog of one business.
#[component]
pub fn RenameBusinessDialog(
    client_id: ClientId,
    business_id: BusinessId,
    current: String,
    on_close: Callback<()>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let value = RwSignal::new(current.clone());
    let error = RwSignal::new(None);
    let on_submit = Callback::new(move |()| {
        let Some(name) = checked(name("business name", &value.get_untracked()), error) else {
            return false;
        };
        store.submit(client_id, Command::RenameBusiness { business_id, name });
        true
    });
    view! {
        <EditDialog title=format!("Rename {current}") submit_label="Rename" on_close=on_close on_submit=on_submit>
            <TextField id="rename-business-name" label="Business name" value=value error=error />
        </EditDialog>
    }
}
