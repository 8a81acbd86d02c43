//! Confirming a client's reactivation, which reactivates all of its
//! businesses.

use crate::dialog::Dialog;
use leptos::prelude::*;

/// "Reactivate {name}?" with "Cancel" and "Reactivate".
#[component]
pub fn ReactivateDialog(
    client_name: String,
    business_count: usize,
    on_cancel: Callback<()>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let businesses = match business_count {
        1 => "its business".to_owned(),
        n => format!("all {n} of its businesses"),
    };
    view! {
        <Dialog title_id="reactivate-title" on_close=on_cancel>
            <h2 id="reactivate-title">{format!("Reactivate {client_name}?")}</h2>
            <p>
                {format!(
                    "Reactivating {client_name} will also reactivate {businesses}, including any \
                     deactivated one by one. New documents will be extracted again."
                )}
            </p>
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
