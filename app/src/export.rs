//! "Export CSV": the client list as shown (its tab, search and sort)
//! downloaded as `clients.csv`. The file is fetched with the session's
//! cookie (so it works through a proxy and from an API on another origin)
//! and handed to the browser as a download from memory.

use crate::api::ListQuery;
use crate::store::Store;
use crate::toast::Toasts;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// The file's name.
const FILE_NAME: &str = "clients.csv";

/// "Export CSV" for the list as `query` shows it.
#[component]
pub fn ExportButton(#[prop(into)] query: Signal<ListQuery>) -> impl IntoView {
    let store = expect_context::<Store>();
    let toasts = expect_context::<Toasts>();
    let exporting = RwSignal::new(false);
    let export = move |_| {
        exporting.set(true);
        let api = store.api();
        let query = query.get_untracked();
        spawn_local(async move {
            match api.export_clients(&query).await {
                Ok(file) => {
                    if save(&file).is_err() {
                        toasts.push("The export could not be saved. Try again.");
                    }
                }
                Err(error) => {
                    if error != crate::api::ApiError::SessionEnded {
                        toasts.push(format!("The export failed. {}", error.message()));
                    }
                }
            }
            exporting.try_set(false);
        });
    };
    view! {
        <button type="button" class="button secondary" disabled=move || exporting.get() on:click=export>
            {move || if exporting.get() { "Exporting…" } else { "Export CSV" }}
        </button>
    }
}

/// Downloads `file` as [`FILE_NAME`] through a link that is clicked once
/// and removed.
fn save(file: &web_sys::Blob) -> Result<(), wasm_bindgen::JsValue> {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or_else(|| wasm_bindgen::JsValue::from_str("no document"))?;
    let url = web_sys::Url::create_object_url_with_blob(file)?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    link.set_href(&url);
    link.set_download(FILE_NAME);
    link.set_hidden(true);
    let body = document
        .body()
        .ok_or_else(|| wasm_bindgen::JsValue::from_str("no body"))?;
    body.append_child(&link)?;
    link.click();
    link.remove();
    // Revoked at once, the download may not have read the file yet.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    Ok(())
}
