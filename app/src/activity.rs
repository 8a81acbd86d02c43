//! A client's activity log: who did what and when, the business or user
//! it was done to, the new owner and the reason. It reloads whenever the
//! client's version changes.

use crate::store::Store;
use clientele_core::ClientId;
use leptos::prelude::*;

/// The activity panel of one client.
#[component]
pub fn ActivityPanel(client_id: ClientId, #[prop(into)] version: Signal<u64>) -> impl IntoView {
    let store = expect_context::<Store>();
    let entries = LocalResource::new(move || {
        version.track();
        let api = store.api();
        async move {
            api.activity(client_id)
                .await
                .map_err(|error| error.message())
        }
    });
    view! {
        <section class="panel" aria-labelledby="activity-title">
            <h2 id="activity-title">"Activity"</h2>
            {move || match entries.get() {
                None => view! { <p class="state">"Loading activity…"</p> }.into_any(),
                Some(Err(message)) => view! {
                    <div class="state error">
                        <p>{format!("The activity could not be loaded. {message}")}</p>
                        <button class="button secondary" on:click=move |_| entries.refetch()>"Retry"</button>
                    </div>
                }.into_any(),
                Some(Ok(items)) if items.is_empty() => view! {
                    <p class="state">"No changes yet."</p>
                }.into_any(),
                Some(Ok(items)) => view! {
                    <ol class="activity">
                        {items.into_iter().map(|entry| view! {
                            <li>
                                <time datetime=entry.at.clone()>{crate::format_date(&entry.at)}</time>
                                <span>{format!("{}: {}", entry.actor, entry.summary)}</span>
                                {entry.business.map(|b| view! { <span class="muted">{format!("Business: {}", b.name)}</span> })}
                                {entry.new_owner.map(|u| view! { <span class="muted">{format!("New owner: {}", u.name)}</span> })}
                                {entry.user.map(|u| view! { <span class="muted">{format!("User: {}", u.name)}</span> })}
                                {entry.reason.map(|r| view! { <span class="muted">{format!("Reason: {r}")}</span> })}
                                {entry.document_count.map(|n| view! { <span class="muted">{format!("Documents: {n}")}</span> })}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any(),
            }}
        </section>
    }
}
