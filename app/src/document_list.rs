//! A business's documents: each with its name, when and by whom it was
//! added, its size, its extraction state (with the reason when it was not
//! extracted or why it failed, and "Retry"), the fields read from it, and
//! "Download" for those with a stored file; "Add documents" above them for
//! those who may. While any document waits to be read, the list looks again
//! every few seconds, so what the worker reads appears without a reload.
//! Shared by the practice's documents dialog and the client's portal.
//! Reading is allowed whatever the status (R5).

use crate::api::DocumentScope;
use crate::session::Auth;
use crate::store::Store;
use crate::upload::{AddDocuments, DropZone, UploadList, Uploads};
use clientele_core::Action;
use clientele_core::extraction::{Field, Fields};
use clientele_core::wire::{DocumentView, ExtractionState};
use leptos::prelude::*;
use std::time::Duration;

/// How often a list with documents waiting to be read looks again.
const LOOK_AGAIN: Duration = Duration::from_secs(2);

/// The documents of `scope`'s business, with `children` (a heading, a
/// banner) at the top. The whole of it takes dropped files.
#[component]
pub fn BusinessDocuments(
    scope: DocumentScope,
    /// The business's name, when several are on one page.
    #[prop(optional, into)]
    business_name: Option<String>,
    /// What goes above "Add documents": the business's heading and banner.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let may_add = expect_context::<Auth>().may(match scope {
        DocumentScope::Practice(_) => Action::AddDocument,
        DocumentScope::Portal(_) => Action::AddOwnDocument,
    });
    let loaded = LocalResource::new(move || {
        let api = store.api();
        async move {
            api.documents_in(scope)
                .await
                .map_err(|error| error.message())
        }
    });
    let added = RwSignal::new(Vec::new());
    let uploads = may_add.then(|| Uploads::new(store, scope, added));
    // Look again while anything waits for the extraction worker: one timer
    // for the list's life that checks on each tick. (An effect that armed a
    // timeout each time the list changed was seen, on a busy machine, to stop
    // looking while a document still waited.)
    let waits = |document: &DocumentView| {
        matches!(
            document.extraction,
            ExtractionState::Queued | ExtractionState::Extracting
        )
    };
    let look_again = move || {
        // Still loading, or failed: the person's "Retry" decides.
        let pending = loaded.with_untracked(|loaded| match loaded {
            Some(Ok(stored)) => {
                stored.iter().any(waits)
                    || added.with_untracked(|added| {
                        added.iter().any(|new| {
                            waits(new) && !stored.iter().any(|document| document.id == new.id)
                        })
                    })
            }
            _ => false,
        });
        if pending {
            loaded.refetch();
        }
    };
    if let Ok(timer) = set_interval_with_handle(look_again, LOOK_AGAIN) {
        on_cleanup(move || timer.clear());
    }
    view! {
        <DropZone uploads=uploads>
            {children.map(|children| children())}
            {uploads.map(|uploads| view! {
                <AddDocuments uploads=uploads business_name=business_name />
                <UploadList uploads=uploads />
            })}
            <DocumentListing loaded=loaded added=added />
        </DropZone>
    }
}

/// The loading, error or empty state, and the documents: those added here
/// first, newest first, then those loaded.
#[component]
fn DocumentListing(
    loaded: LocalResource<Result<Vec<DocumentView>, String>>,
    added: RwSignal<Vec<DocumentView>>,
) -> impl IntoView {
    // What the server answered last wins over what an upload answered.
    let shown = move || {
        let stored = match loaded.get() {
            Some(Ok(stored)) => stored,
            _ => Vec::new(),
        };
        let mut documents: Vec<DocumentView> = added.with(|added| {
            added
                .iter()
                .filter(|new| !stored.iter().any(|document| document.id == new.id))
                .cloned()
                .collect()
        });
        documents.extend(stored);
        documents
    };
    let state = move || {
        match loaded.get() {
        None => Some(view! { <p class="state">"Loading documents…"</p> }.into_any()),
        Some(Err(message)) => Some(view! {
            <div class="state error">
                <p>{format!("The documents could not be loaded. {message}")}</p>
                <button type="button" class="button secondary" on:click=move |_| loaded.refetch()>"Retry"</button>
            </div>
        }.into_any()),
        Some(Ok(stored)) if stored.is_empty() && added.with(Vec::is_empty) => {
            Some(view! { <p class="state">"No documents yet."</p> }.into_any())
        }
        Some(Ok(_)) => None,
    }
    };
    view! {
        {state}
        <Show when=move || !shown().is_empty()>
            <ul class="documents">
                <For
                    each=shown
                    key=|document| (document.id, document.extraction, document.fields.is_some())
                    let:document
                >
                    <DocumentItem document=document on_retried=Callback::new(move |()| loaded.refetch()) />
                </For>
            </ul>
        </Show>
    }
}

/// One document.
#[component]
fn DocumentItem(document: DocumentView, on_retried: Callback<()>) -> impl IntoView {
    let store = expect_context::<Store>();
    let api = store.api();
    let badge = match document.extraction {
        ExtractionState::Queued | ExtractionState::Extracting => "badge",
        ExtractionState::Extracted => "badge ok",
        ExtractionState::Failed => "badge failed",
        ExtractionState::NotExtracted => "badge muted",
    };
    // Why it was not extracted, or why extraction failed.
    let why = document.reason_message.clone().or(document.failure.clone());
    // Early demo documents have no stored file: nothing to download.
    let download = document.size_bytes.map(|_| {
        let name = document.file_name.clone();
        view! {
            <a
                class="button secondary download"
                href=api.file_url(document.id)
                download=name.clone()
                aria-label=format!("Download {name}")
            >
                "Download"
            </a>
        }
    });
    view! {
        <li class="document">
            <div class="document-main">
                <span class="document-name">{document.file_name.clone()}</span>
                <span class="muted">
                    {format!("Added by {} on ", document.added_by)}
                    <time datetime=document.added_at.clone()>{crate::format_date(&document.added_at)}</time>
                    {document.size_bytes.map(|bytes| view! {
                        " · " <span class="document-size">{format_size(bytes)}</span>
                    })}
                </span>
            </div>
            <div class="document-state">
                <span class=badge>{document.extraction.label()}</span>
                {why.map(|why| view! { <span class="muted reason">{why}</span> })}
                {(document.extraction == ExtractionState::Failed)
                    .then(|| view! { <RetryExtraction document=document.id on_retried=on_retried /> })}
            </div>
            {download}
            {document.fields.clone().map(|fields| view! { <ExtractedFields fields=fields /> })}
        </li>
    }
}

/// "Retry" on a document whose extraction failed: queues it again.
#[component]
fn RetryExtraction(
    document: clientele_core::DocumentId,
    on_retried: Callback<()>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let toasts = expect_context::<crate::toast::Toasts>();
    let sending = RwSignal::new(false);
    let retry = move |_| {
        sending.set(true);
        let api = store.api();
        leptos::task::spawn_local(async move {
            match api.retry_extraction(document).await {
                Ok(_) => on_retried.run(()),
                Err(error) => toasts.push(error.message()),
            }
            sending.set(false);
        });
    };
    view! {
        <button type="button" class="button secondary" disabled=move || sending.get() on:click=retry>
            "Retry"
        </button>
    }
}

/// What a field that was not read shows.
const NOT_FOUND: &str = "Not found";

/// What was read from a document: each field, or that it was not found.
/// The total is shown with its currency ("GBP 7.20"), and says so when the
/// currency was not found.
#[component]
fn ExtractedFields(fields: Fields) -> impl IntoView {
    let shown =
        |field: Option<Field>| field.map_or_else(|| NOT_FOUND.to_owned(), |field| field.value);
    let total = match (fields.total, fields.currency) {
        (Some(total), Some(currency)) => format!("{} {}", currency.value, total.value),
        (Some(total), None) => format!("{} (currency not found)", total.value),
        (None, _) => NOT_FOUND.to_owned(),
    };
    let rows = [
        ("Supplier", shown(fields.supplier)),
        ("Date", shown(fields.date)),
        ("Total", total),
    ];
    view! {
        <dl class="fields" aria-label="Extracted fields">
            {rows.into_iter().map(|(name, value)| {
                let missing = value == NOT_FOUND;
                view! {
                    <div class="field">
                        <dt>{name}</dt>
                        <dd class:not-found=missing>{value}</dd>
                    </div>
                }
            }).collect_view()}
        </dl>
    }
}

/// A file size as people read it: "512 bytes", "48 KB", "3.4 MB", "18 MB"
/// (in units of 1024, like the 20 MiB limit), rounded to the nearest.
pub fn format_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * KB;
    let kilobytes = (bytes + KB / 2) / KB;
    if bytes == 1 {
        "1 byte".to_owned()
    } else if bytes < KB {
        format!("{bytes} bytes")
    } else if kilobytes < KB {
        format!("{kilobytes} KB")
    } else if bytes < 10 * MB - MB / 20 {
        // In whole tenths, so that no float formatting goes into the wasm.
        let tenths = (bytes * 10 + MB / 2) / MB;
        format!("{}.{} MB", tenths / 10, tenths % 10)
    } else {
        format!("{} MB", (bytes + MB / 2) / MB)
    }
}
