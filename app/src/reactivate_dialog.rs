//! Confirming a client's reactivation, which reactivates all of its
//! businesses, and saying how many documents were added while it was
//! deactivated (they can be extracted after reactivating: `extract_now`).

use crate::dialog::Dialog;
use crate::store::Store;
use clientele_core::ClientId;
use leptos::prelude::*;

/// "Reactivate {name}?" with "Cancel" and "Reactivate".
#[component]
pub fn ReactivateDialog(
    client_id: ClientId,
    client_name: String,
    business_count: usize,
    on_cancel: Callback<()>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let count = match business_count {
        1 => "1 business".to_owned(),
        n => format!("{n} businesses"),
    };
    view! {
        <Dialog title_id="reactivate-title" on_close=on_cancel>
            <h2 id="reactivate-title">{format!("Reactivate {client_name}?")}</h2>
            <p>
                {format!(
                    "Reactivating {client_name} will also reactivate all its businesses ({count}), \
                     including any deactivated one by one. New documents will be extracted again."
                )}
            </p>
            <AddedWhileDeactivated client_id=client_id client_name=client_name.clone() />
            <div class="dialog-actions">
                <button type="button" class="button secondary" on:click=move |_| on_cancel.run(())>
                    "Cancel"
                </button>
                <button type="button" class="button primary" on:click=move |_| on_confirm.run(())>
                    "Reactivate"
                </button>
            </div>
        </Dialog>
    }
}

/// "N documents were added while … was deactivated": nothing while it is
/// counted or when there are none; a plain note if it cannot be counted,
/// since the reactivation itself does not depend on it.
#[component]
fn AddedWhileDeactivated(client_id: ClientId, client_name: String) -> impl IntoView {
    let store = expect_context::<Store>();
    let count = LocalResource::new(move || {
        let api = store.api();
        async move {
            api.added_while_deactivated(client_id)
                .await
                .map(|documents| documents.len())
        }
    });
    move || {
        match count.get() {
        None | Some(Ok(0)) => None,
        Some(Ok(count)) => Some(view! {
            <p class="added-while-deactivated">
                {match count {
                    1 => format!(
                        "1 document was added while {client_name} was deactivated. You can \
                         extract it after reactivating."
                    ),
                    n => format!(
                        "{n} documents were added while {client_name} was deactivated. You can \
                         extract them after reactivating."
                    ),
                }}
            </p>
        }
        .into_any()),
        Some(Err(_)) => Some(view! {
            <p class="muted">
                "Documents added while it was deactivated could not be counted; they are listed \
                 on the client's page after reactivating."
            </p>
        }
        .into_any()),
    }
    }
}
