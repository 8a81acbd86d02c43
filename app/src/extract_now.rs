//! "Extract now", on the client's page: after a reactivation, the documents
//! that were added while the client (or their business) was deactivated,
//! each with "Extract now", and "Extract all now" for every one. `core`
//! decides which may be extracted ([`clientele_core::reextract`]); a click
//! shows them queued at once, and puts them back exactly as they were if
//! the server refuses. A lost answer is asked for again with the same key;
//! if that is lost too, the list is read again rather than claiming either
//! way. Once queued, they are followed as the extraction workers read them.
//!
//! The section is there only when there is something to act on: while the
//! list loads, or when nothing waits, the page shows nothing more.

use crate::api::new_idempotency_key;
use crate::session::Auth;
use crate::store::{RETRY_AFTER, Store, says_nothing};
use crate::toast::Toasts;
use clientele_core::reextract::{Selection, extract_now, extractable, queued};
use clientele_core::wire::{DocumentView, ExtractNowRequest, ExtractionState};
use clientele_core::{Action, BusinessId, ClientId, DocumentId, Status};
use leptos::prelude::*;
use std::time::Duration;

/// How often documents being extracted are looked at again.
const LOOK_AGAIN: Duration = Duration::from_secs(2);

/// The client's documents added while deactivated, for a practice admin.
/// `version` is the client's settled version: the list is read again when
/// a change to the client has settled (a reactivation, a live update).
#[component]
pub fn ExtractNowPanel(client_id: ClientId, version: Memo<u64>) -> impl IntoView {
    let store = expect_context::<Store>();
    let toasts = expect_context::<Toasts>();
    let may = expect_context::<Auth>().may(Action::ExtractNow);
    let loaded = LocalResource::new(move || {
        version.track();
        let api = store.api();
        async move {
            api.added_while_deactivated(client_id)
                .await
                .map_err(|error| error.message())
        }
    });
    // The documents queued from here, as last known: shown queued at once,
    // then as the workers read them.
    let sent = RwSignal::new(Vec::<DocumentView>::new());
    let sending = RwSignal::new(false);
    let client = move || {
        store
            .clients
            .with(|clients| clients.get(&client_id).cloned())
    };
    // Those `core` says may be extracted now, not already sent.
    let waiting = Memo::new(move |_| {
        let (Some(client), Some(Ok(documents))) = (client(), loaded.get()) else {
            return Vec::new();
        };
        let sent = sent.get();
        extractable(&client, &documents)
            .into_iter()
            .filter(|document| !sent.iter().any(|done| done.id == document.id))
            .cloned()
            .collect::<Vec<_>>()
    });
    follow_extraction(store, sent, sending);
    let extract = Callback::new(move |selection: Selection| {
        let Some(client) = store
            .clients
            .with_untracked(|clients| clients.get(&client_id).cloned())
        else {
            return;
        };
        let documents = waiting.get_untracked();
        let chosen = match extract_now(&client, &documents, &selection) {
            Ok(chosen) => chosen,
            Err(refusal) => return toasts.push(refusal.to_string()),
        };
        let before = sent.get_untracked();
        sent.update(|sent| {
            sent.extend(
                documents
                    .iter()
                    .filter(|document| chosen.contains(&document.id))
                    .map(queued),
            )
        });
        sending.set(true);
        let request = ExtractNowRequest {
            document_ids: match selection {
                Selection::All => None,
                Selection::These(ids) => Some(ids),
            },
        };
        let api = store.api();
        leptos::task::spawn_local(async move {
            let key = new_idempotency_key();
            let mut answer = api.extract_now(client_id, &request, &key).await;
            // A lost answer is asked for again with the same key, after a
            // moment: the server queues the documents once, or replays its
            // first answer.
            if answer.as_ref().is_err_and(says_nothing) {
                store.pause_for(RETRY_AFTER).await;
                answer = api.extract_now(client_id, &request, &key).await;
            }
            match answer {
                Ok(stored) => sent.update(|sent| replace_with(sent, &stored)),
                Err(error) => {
                    // As it was before the click, until the list read
                    // again shows what the server holds.
                    sent.set(before);
                    if says_nothing(&error) {
                        toasts.push(format!(
                            "{} Whether the documents were queued cannot be told; the list \
                             now shows what the server holds.",
                            error.message()
                        ));
                    } else {
                        toasts.push_error(&error);
                    }
                    loaded.refetch();
                }
            }
            sending.set(false);
        });
    });
    let active = move || client().is_some_and(|client| client.status == Status::Active);
    let shown = move || {
        may && active()
            && (!waiting.with(Vec::is_empty)
                || !sent.with(Vec::is_empty)
                || matches!(loaded.get(), Some(Err(_))))
    };
    view! {
        <Show when=shown>
            <section class="panel extract-now" aria-labelledby="extract-now-title">
                <div class="panel-header">
                    <h2 id="extract-now-title">"Documents added while deactivated"</h2>
                    <Show when=move || !waiting.with(Vec::is_empty)>
                        <button
                            type="button"
                            class="button primary"
                            disabled=move || sending.get()
                            on:click=move |_| extract.run(Selection::All)
                        >
                            "Extract all now"
                        </button>
                    </Show>
                </div>
                <LoadFailure loaded=loaded />
                <WaitingList client_id=client_id waiting=waiting sending=sending extract=extract />
                <SentList sent=sent />
            </section>
        </Show>
    }
}

/// Why the list could not be read, with "Retry".
#[component]
fn LoadFailure(loaded: LocalResource<Result<Vec<DocumentView>, String>>) -> impl IntoView {
    move || match loaded.get() {
        Some(Err(message)) => Some(view! {
            <div class="state error">
                <p>{format!("The documents added while deactivated could not be loaded. {message}")}</p>
                <button type="button" class="button secondary" on:click=move |_| loaded.refetch()>"Retry"</button>
            </div>
        }),
        _ => None,
    }
}

/// The documents that may be extracted now, each with "Extract now".
#[component]
fn WaitingList(
    client_id: ClientId,
    waiting: Memo<Vec<DocumentView>>,
    sending: RwSignal<bool>,
    extract: Callback<Selection>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let business_name = move |business: BusinessId| {
        store.clients.with_untracked(|clients| {
            clients
                .get(&client_id)
                .and_then(|client| client.business(business))
                .map(|business| business.name.clone())
                .unwrap_or_default()
        })
    };
    view! {
        <Show when=move || !waiting.with(Vec::is_empty)>
            <p class="muted">{move || match waiting.with(Vec::len) {
                1 => "1 document was added while deactivated and was not extracted.".to_owned(),
                n => format!("{n} documents were added while deactivated and were not extracted."),
            }}</p>
            <ul class="waiting-documents">
                <For each=move || waiting.get() key=|document| document.id let:document>
                    <li class="waiting-document">
                        <span class="document-name">{document.file_name.clone()}</span>
                        <span class="muted">
                            {format!("{} · added {}", business_name(document.business_id), crate::format_date(&document.added_at))}
                        </span>
                        <ExtractOne id=document.id sending=sending extract=extract />
                    </li>
                </For>
            </ul>
        </Show>
    }
}

/// "Extract now" on one document.
#[component]
fn ExtractOne(
    id: DocumentId,
    sending: RwSignal<bool>,
    extract: Callback<Selection>,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class="button secondary"
            disabled=move || sending.get()
            on:click=move |_| extract.run(Selection::These(vec![id]))
        >
            "Extract now"
        </button>
    }
}

/// The documents queued from here, with where their extraction stands.
#[component]
fn SentList(sent: RwSignal<Vec<DocumentView>>) -> impl IntoView {
    view! {
        <Show when=move || !sent.with(Vec::is_empty)>
            <ul class="sent-documents" aria-live="polite">
                <For each=move || sent.get() key=|document| (document.id, document.extraction) let:document>
                    <li class="sent-document">
                        <span class="document-name">{document.file_name.clone()}</span>
                        <span class=format!("extraction {}", state_class(document.extraction))>
                            {document.extraction.label()}
                        </span>
                    </li>
                </For>
            </ul>
        </Show>
    }
}

fn state_class(state: ExtractionState) -> &'static str {
    match state {
        ExtractionState::Queued => "queued",
        ExtractionState::Extracting => "extracting",
        ExtractionState::Extracted => "extracted",
        ExtractionState::Failed => "failed",
        ExtractionState::NotExtracted => "not-extracted",
    }
}

/// `sent` with each document the server answered replaced by its answer.
fn replace_with(sent: &mut [DocumentView], stored: &[DocumentView]) {
    for document in sent.iter_mut() {
        if let Some(now) = stored.iter().find(|now| now.id == document.id) {
            *document = now.clone();
        }
    }
}

/// While any document queued from here waits for a worker (and none is
/// being sent), reads its
/// business's documents again every [`LOOK_AGAIN`] and shows what became
/// of it.
fn follow_extraction(store: Store, sent: RwSignal<Vec<DocumentView>>, sending: RwSignal<bool>) {
    let look_again = move || {
        // Until the server has answered, it still holds them `not_extracted`.
        if sending.get_untracked() {
            return;
        }
        let businesses: Vec<BusinessId> = sent.with_untracked(|sent| {
            let mut waiting: Vec<BusinessId> = sent
                .iter()
                .filter(|document| {
                    matches!(
                        document.extraction,
                        ExtractionState::Queued | ExtractionState::Extracting
                    )
                })
                .map(|document| document.business_id)
                .collect();
            waiting.dedup();
            waiting
        });
        for business in businesses {
            let api = store.api();
            leptos::task::spawn_local(async move {
                if let Ok(stored) = api.documents(business).await {
                    sent.update(|sent| replace_with(sent, &stored));
                }
            });
        }
    };
    if let Ok(timer) = set_interval_with_handle(look_again, LOOK_AGAIN) {
        on_cleanup(move || timer.clear());
    }
}
