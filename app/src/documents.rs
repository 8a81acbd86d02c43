//! A business's documents, for the practice: in a dialog opened from the
//! business's row, where its staff also add documents (see `document_list`).

use crate::api::DocumentScope;
use crate::dialog::Dialog;
use crate::document_list::BusinessDocuments;
use clientele_core::BusinessId;
use leptos::prelude::*;

/// The documents of one business, in a dialog.
#[component]
pub fn DocumentsPanel(business: BusinessId, on_close: Callback<()>) -> impl IntoView {
    view! {
        <Dialog title_id="documents-title" on_close=on_close>
            <h2 id="documents-title">"Documents"</h2>
            <BusinessDocuments scope=DocumentScope::Practice(business) />
            <div class="dialog-actions">
                <button type="button" class="button secondary" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
        </Dialog>
    }
}
