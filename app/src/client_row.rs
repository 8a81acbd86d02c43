//! The client list's rows: a client's row (its name linking to its
//! businesses, its details, "Syncing…" while a change is in flight, and
//! "Manage" or "Reactivate"), a placeholder row while its page loads, and
//! what keys them.

use crate::bulk_select::{SelectCell, Selection};
use crate::list_dialog::Open;
use crate::scheduled_deactivation::ScheduleMark;
use crate::session::Auth;
use crate::store::{ListRow, Store};
use crate::table::RowAction;
use crate::toast::Toasts;
use clientele_core::schedule::Date;
use clientele_core::wire::ClientSummary;
use clientele_core::{Action, Client, ClientId, Status, UserId};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What makes a row be drawn afresh: another client, or a change to what
/// the row shows without signals of its own.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) enum RowKey {
    Row(ClientId, Status, UserId, String, Option<Date>, bool),
    Loading(usize),
}

pub(crate) fn row_key(row: &ListRow) -> RowKey {
    match row {
        ListRow::Row(row) => RowKey::Row(
            row.id,
            row.status,
            row.owner.id,
            row.updated_at.clone(),
            row.scheduled_deactivation.as_ref().map(|s| s.on),
            row.schedule_failure.is_some(),
        ),
        ListRow::Loading(position) => RowKey::Loading(*position),
    }
}

/// A row whose page is loading: the same height as a client's, greyed.
#[component]
pub(crate) fn LoadingRow(selectable: bool) -> impl IntoView {
    view! {
        <tr class="loading-row" aria-busy="true">
            {selectable.then(|| view! { <td></td> })}
            <td colspan="6"><span class="placeholder">"Loading…"</span></td>
        </tr>
    }
}

/// One client: name (a link to its businesses), details and its action.
#[component]
pub(crate) fn ClientRow(
    row: ClientSummary,
    open: RwSignal<Option<Open>>,
    selection: Option<Selection>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let toasts = expect_context::<Toasts>();
    let auth = expect_context::<Auth>();
    let id = row.id;
    let sync_state = Memo::new(move |_| store.sync_state(id));
    let syncing = Signal::derive(move || sync_state.get().is_some());
    // A client still being added has no page yet.
    let href = (!store.is_provisional(id)).then(|| format!("/clients/{id}"));
    let open_with = move |make: fn(Client) -> Open| {
        spawn_local(async move {
            match store.fetch_client(id).await {
                Ok(client) => open.set(Some(make(client))),
                Err(error) => toasts.push_error(&error),
            }
        });
    };
    let action = view! {
        <RowAction
            status=row.status
            subject=row.name.clone()
            deactivate_label="Deactivate client"
            on_deactivate=auth
                .may(Action::DeactivateClient)
                .then(|| Callback::new(move |()| open_with(Open::Deactivate)))
            on_reactivate=auth
                .may(Action::ReactivateClient)
                .then(|| Callback::new(move |()| open_with(Open::Reactivate)))
            disabled=syncing
        />
    };
    view! {
        <tr class:syncing=move || syncing.get()>
            {selection.map(|selection| view! { <SelectCell selection=selection id=id name=row.name.clone() /> })}
            <td>
                <a href=href>{row.name.clone()}</a>
                {move || sync_state.get().map(|state| view! {
                    <span class="syncing-mark">{state.label()}</span>
                })}
                <ScheduleMark
                    scheduled=row.scheduled_deactivation.clone()
                    failure=row.schedule_failure.clone()
                />
            </td>
            <td class="client-code">{row.code.clone()}</td>
            <td>{row.business_count}</td>
            <td>{row.owner.name.clone()}</td>
            <td class="last-change"><LastChange id=id updated_at=row.updated_at.clone() /></td>
            <td class="actions">{action}</td>
        </tr>
    }
}

/// When the client last changed: the server's time, or "just now" for a
/// change made here whose time the server has not sent yet (the browser's
/// clock is not the server's, so none is made up).
#[component]
fn LastChange(id: ClientId, updated_at: String) -> impl IntoView {
    let store = expect_context::<Store>();
    let just_now = Memo::new(move |_| store.changed_just_now(id).is_some());
    let shown = crate::format_date(&updated_at);
    move || {
        if just_now.get() {
            view! { <span class="just-now">"just now"</span> }.into_any()
        } else {
            view! { <time datetime=updated_at.clone()>{shown.clone()}</time> }.into_any()
        }
    }
}
