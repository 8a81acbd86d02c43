//! The impact of a deactivation, in step 1 of the wizard: how many
//! businesses will be deactivated, how many queued documents will not be
//! extracted, which users lose practice-managed access and when each
//! business was last active. The server reads the documents and `core`
//! counts ([`clientele_core::impact`]); this only shows the sentences.

use crate::store::Store;
use clientele_core::{ClientId, Target};
use leptos::prelude::*;

/// The impact of deactivating `target` of the client: loading, the points,
/// or why they could not be read (with "Retry").
#[component]
pub fn DeactivationImpact(client_id: ClientId, target: Target) -> impl IntoView {
    let store = expect_context::<Store>();
    let impact = LocalResource::new(move || {
        let api = store.api();
        async move {
            api.impact(client_id, target)
                .await
                .map_err(|error| error.message())
        }
    });
    view! {
        <div class="impact" aria-live="polite">
            {move || match impact.get() {
                None => view! { <p class="state">"Counting what this changes…"</p> }.into_any(),
                Some(Err(message)) => view! {
                    <div class="state error">
                        <p>{format!("What this changes could not be counted. {message}")}</p>
                        <button type="button" class="button secondary" on:click=move |_| impact.refetch()>
                            "Retry"
                        </button>
                    </div>
                }
                .into_any(),
                Some(Ok(shown)) => view! {
                    <p class="muted">"In numbers:"</p>
                    <ul class="impact-points">
                        {shown.points.into_iter().map(|point| view! { <li>{point}</li> }).collect_view()}
                    </ul>
                }
                .into_any(),
            }}
        </div>
    }
}
