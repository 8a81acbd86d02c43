//! A business's documents and their extraction state. Reading is allowed
//! whatever the status (R5).

use crate::dialog::Dialog;
use crate::store::Store;
use clientele_core::BusinessId;
use leptos::prelude::*;

/// The documents of one business, in a dialog.
#[component]
pub fn DocumentsPanel(business: BusinessId, on_close: Callback<()>) -> impl IntoView {
    let store = expect_context::<Store>();
    let documents = LocalResource::new(move || {
        let api = store.api();
        async move {
            api.documents(business)
                .await
                .map_err(|error| error.message())
        }
    });
    view! {
        <Dialog title_id="documents-title" on_close=on_close>
            <h2 id="documents-title">"Documents"</h2>
            {move || match documents.get() {
                None => view! { <p class="state">"Loading documents…"</p> }.into_any(),
                Some(Err(message)) => view! {
                    <p class="state error">{format!("The documents could not be loaded. {message}")}</p>
                }.into_any(),
                Some(Ok(items)) if items.is_empty() => view! { <p class="state">"No documents yet."</p> }.into_any(),
                Some(Ok(items)) => view! {
                    <ul class="documents">
                        {items.into_iter().map(|document| {
                            let state = document.extraction.label();
                            view! {
                                <li>
                                    <span class="owner-name">{document.file_name}</span>
                                    <span class="muted">{format!("Added by {} on {}", document.added_by, crate::format_date(&document.added_at))}</span>
                                    <span class="badge">{state}</span>
                                    {document.reason_message.map(|m| view! { <span class="muted">{m}</span> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <div class="dialog-actions">
                <button type="button" class="button secondary" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
        </Dialog>
    }
}
