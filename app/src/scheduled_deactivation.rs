//! A client's scheduled deactivation as shown: the mark on its row in the
//! Active tab ("Deactivates on 31 Dec", or that it failed), and the banner
//! on its page with "Cancel schedule" for those who may (optimistic, like
//! every change: the store applies it with `core` and rolls it back
//! exactly if the server refuses).

use crate::session::Auth;
use crate::store::Store;
use clientele_core::schedule::{ScheduleFailure, ScheduledDeactivation};
use clientele_core::{Action, ClientId, Command};
use leptos::prelude::*;

/// The row's mark: the day it deactivates, or that the last schedule was
/// refused (why is in the mark's title and on the client's page).
#[component]
pub fn ScheduleMark(
    scheduled: Option<ScheduledDeactivation>,
    failure: Option<ScheduleFailure>,
) -> impl IntoView {
    view! {
        {scheduled.map(|scheduled| view! {
            <span class="schedule-mark">{scheduled.label()}</span>
        })}
        {failure.map(|failure| view! {
            <span class="schedule-mark failed" title=failure.label()>
                "Scheduled deactivation failed"
            </span>
        })}
    }
}

/// The client page's banner: when the client deactivates, with "Cancel
/// schedule"; or why its scheduled deactivation failed.
#[component]
pub fn ScheduleBanner(client_id: ClientId) -> impl IntoView {
    let store = expect_context::<Store>();
    let auth = expect_context::<Auth>();
    let scheduled = Memo::new(move |_| {
        store.clients.with(|clients| {
            clients
                .get(&client_id)
                .and_then(|client| client.scheduled_deactivation.clone())
        })
    });
    let failure = Memo::new(move |_| {
        store.clients.with(|clients| {
            clients
                .get(&client_id)
                .and_then(|client| client.schedule_failure.clone())
        })
    });
    let cancel = move |_| store.submit(client_id, Command::CancelScheduledDeactivation);
    view! {
        {move || scheduled.get().map(|scheduled| view! {
            <div class="banner schedule-banner" role="status">
                <p>{format!("{} (at 00:00 UTC).", scheduled.label())}</p>
                <Show when=move || auth.may(Action::ScheduleDeactivation)>
                    <button
                        type="button"
                        class="button secondary"
                        disabled=move || store.is_syncing(client_id)
                        on:click=cancel
                    >
                        "Cancel schedule"
                    </button>
                </Show>
            </div>
        })}
        {move || failure.get().map(|failure| view! {
            <div class="banner schedule-failed" role="alert">
                <p>{failure.label()}</p>
            </div>
        })}
    }
}
