//! The Solo Clients list: "Active clients" and "Deactivated clients" tabs
//! with counts, search (by name or code) and sort, a table of clients,
//! "Manage" → "Deactivate client" and "Reactivate" for those who may (staff
//! who may not are told who can), and "Add client", "Import clients" and
//! "Export CSV". Tab, search and sort live in the URL, so links, reloads and
//! back/forward show the same screen.

use crate::access::WhoCanChange;
use crate::add_client::AddClientButton;
use crate::api::ExportQuery;
use crate::bulk_select::{BulkBar, SelectCell, Selection};
use crate::export::ExportButton;
use crate::import_clients::ImportClientsButton;
use crate::list_dialog::{Open, list_dialog};
use crate::scheduled_deactivation::ScheduleMark;
use crate::session::Auth;
use crate::store::{ListState, Store};
use crate::table::{RowAction, TableHead};
use crate::tabs::{TabSpec, Tabs};
use crate::toast::Toasts;
use clientele_core::bulk::BulkAction;
use clientele_core::wire::ClientSummary;
use clientele_core::{Action, Client, ClientId, Status};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

/// Lists longer than this render only the rows in view.
const WINDOW_FROM: usize = 200;
/// Every row is this tall (see `style/main.css`), so the window can be
/// computed from the scroll position alone.
const ROW_HEIGHT: f64 = 49.0;
const VIEW_ROWS: usize = 30;

/// Tab, search and sort, as in the URL.
#[derive(Clone, PartialEq)]
struct ListView {
    tab: Status,
    search: String,
    by_update: bool,
}

impl ListView {
    fn url(&self) -> String {
        let mut url = format!("/clients?tab={}", self.tab.as_str());
        if !self.search.is_empty() {
            url.push_str("&q=");
            url.push_str(&String::from(js_sys::encode_uri_component(&self.search)));
        }
        if self.by_update {
            url.push_str("&sort=updated");
        }
        url
    }
}

/// The client list screen.
#[component]
pub fn ClientList() -> impl IntoView {
    let store = expect_context::<Store>();
    let query = use_query_map();
    let navigate = use_navigate();
    let view_state = Memo::new(move |_| {
        query.with(|query| ListView {
            tab: query
                .get("tab")
                .and_then(|tab| Status::parse(&tab))
                .unwrap_or(Status::Active),
            search: query.get("q").unwrap_or_default(),
            by_update: query.get("sort").as_deref() == Some("updated"),
        })
    });
    let go = move |next: ListView, replace: bool| {
        navigate(
            &next.url(),
            NavigateOptions {
                replace,
                scroll: false,
                ..Default::default()
            },
        )
    };
    let open = RwSignal::new(None::<Open>);
    let auth = expect_context::<Auth>();
    let selection = (auth.may(Action::DeactivateClient) || auth.may(Action::ReactivateClient))
        .then(Selection::new);
    // What is checked belongs to the tab and search it was checked in.
    Effect::new(move |previous: Option<(Status, String)>| {
        let current = view_state.with(|view| (view.tab, view.search.clone()));
        if previous.is_some_and(|previous| previous != current) {
            selection.inspect(Selection::clear);
        }
        current
    });
    let counts = Memo::new(move |_| store.counts());
    let tab_index = Signal::derive(move || match view_state.get().tab {
        Status::Active => 0,
        Status::Deactivated => 1,
    });
    let go_tab = go.clone();
    let select_tab = Callback::new(move |index: usize| {
        let mut next = view_state.get_untracked();
        next.tab = if index == 0 {
            Status::Active
        } else {
            Status::Deactivated
        };
        go_tab(next, false);
    });
    let export_query = Signal::derive(move || {
        let ListView {
            tab,
            search,
            by_update,
        } = view_state.get();
        ExportQuery {
            status: tab,
            search,
            by_update,
        }
    });
    let tabs = vec![
        TabSpec {
            id: "tab-active-clients",
            label: Signal::derive(move || format!("Active clients ({})", counts.get().active)),
        },
        TabSpec {
            id: "tab-deactivated-clients",
            label: Signal::derive(move || {
                format!("Deactivated clients ({})", counts.get().deactivated)
            }),
        },
    ];
    view! {
        <section class="screen">
            <header class="screen-header">
                <h1>"Solo Clients"</h1>
                <div class="screen-actions">
                    <AddClientButton />
                    <ImportClientsButton />
                    <ExportButton query=export_query />
                </div>
                <ListControls view_state=view_state go=Callback::new(move |next| go(next, true)) />
            </header>
            <WhoCanChange />
            <Tabs label="Solo clients" tabs=tabs panel_id="clients-panel" selected=tab_index on_select=select_tab />
            <div id="clients-panel" role="tabpanel" aria-labelledby=move || {
                if tab_index.get() == 0 { "tab-active-clients" } else { "tab-deactivated-clients" }
            }>
                {move || match store.list.get() {
                    ListState::Loading => view! { <p class="state">"Loading clients…"</p> }.into_any(),
                    ListState::Failed(message) => view! {
                        <div class="state error">
                            <p>{format!("The client list could not be loaded. {message}")}</p>
                            <button class="button secondary" on:click=move |_| store.load_list()>"Retry"</button>
                        </div>
                    }.into_any(),
                    ListState::Ready => view! { <ClientTable view_state=view_state open=open selection=selection /> }.into_any(),
                }}
            </div>
            {move || open.get().map(|dialog| list_dialog(store, open, dialog))}
        </section>
    }
}

/// The search box and the sort choice.
#[component]
fn ListControls(view_state: Memo<ListView>, go: Callback<ListView>) -> impl IntoView {
    view! {
        <div class="controls">
            <label class="search">
                <span class="visually-hidden">"Search clients by name or code"</span>
                <input
                    type="search"
                    placeholder="Search by name or code"
                    prop:value=move || view_state.get().search
                    on:input=move |event| {
                        let mut next = view_state.get_untracked();
                        next.search = event_target_value(&event);
                        go.run(next);
                    }
                />
            </label>
            <label class="sort">
                <span>"Sort by"</span>
                <select
                    prop:value=move || if view_state.get().by_update { "updated" } else { "name" }
                    on:change=move |event| {
                        let mut next = view_state.get_untracked();
                        next.by_update = event_target_value(&event) == "updated";
                        go.run(next);
                    }
                >
                    <option value="name">"Name"</option>
                    <option value="updated">"Last change"</option>
                </select>
            </label>
        </div>
    }
}

/// The clients of the selected tab, filtered and sorted, windowed when long.
#[component]
fn ClientTable(
    view_state: Memo<ListView>,
    open: RwSignal<Option<Open>>,
    selection: Option<Selection>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let auth = expect_context::<Auth>();
    let rows = Memo::new(move |_| {
        let ListView {
            tab,
            search,
            by_update,
        } = view_state.get();
        let mut rows: Vec<ClientSummary> = store.rows.with(|rows| {
            rows.iter()
                .filter(|row| row.status == tab && row.matches(&search))
                .cloned()
                .collect()
        });
        if by_update {
            // Changed "just now" (latest first) sorts before any time the
            // server has sent.
            let just_now = |row: &ClientSummary| store.changed_just_now(row.id).map(|c| c.order);
            rows.sort_by(|a, b| {
                just_now(b)
                    .cmp(&just_now(a))
                    .then_with(|| b.updated_at.cmp(&a.updated_at))
                    .then(a.id.cmp(&b.id))
            });
        } else {
            rows.sort_by_key(|row| (row.name.to_lowercase(), row.id));
        }
        rows
    });
    let scroll_top = RwSignal::new(0.0f64);
    let window = move || {
        let total = rows.with(Vec::len);
        if total <= WINDOW_FROM {
            return (0, total);
        }
        let first = ((scroll_top.get() / ROW_HEIGHT) as usize).saturating_sub(5);
        (first.min(total), (first + VIEW_ROWS + 10).min(total))
    };
    let empty_message = move || {
        let state = view_state.get();
        match (state.search.is_empty(), state.tab) {
            (false, _) => format!("No clients match “{}”.", state.search),
            (true, Status::Active) => "There are no active clients.".to_owned(),
            (true, Status::Deactivated) => "There are no deactivated clients.".to_owned(),
        }
    };
    let shown_ids =
        Signal::derive(move || rows.with(|rows| rows.iter().map(|row| row.id).collect::<Vec<_>>()));
    let bulk_bar = move || {
        selection.map(|selection| {
        let tab = view_state.get_untracked().tab;
        let action = match tab {
            Status::Active => auth.may(Action::DeactivateClient).then_some(BulkAction::Deactivate),
            Status::Deactivated => auth.may(Action::ReactivateClient).then_some(BulkAction::Reactivate),
        };
        view! {
            <BulkBar
                selection=selection
                shown=shown_ids
                action=action
                on_start=Callback::new(move |(action, ids)| open.set(Some(Open::Bulk(action, ids))))
            />
        }
    })
    };
    view! {
        <Show when=move || rows.with(|rows| !rows.is_empty()) fallback=move || view! { <p class="state">{empty_message}</p> }>
            {bulk_bar}
            <div
                class="table-scroll"
                on:scroll=move |event| {
                    let element: web_sys::HtmlElement = event_target(&event);
                    scroll_top.set(element.scroll_top() as f64);
                }
            >
                <table class="table" class:selectable=selection.is_some()>
                    <TableHead selectable=selection.is_some() columns=&["Client", "Code", "Businesses", "Account owner", "Last change"] />
                    <tbody>
                        <tr class="spacer" aria-hidden="true" style:height=move || format!("{}px", window().0 as f64 * ROW_HEIGHT)></tr>
                        <For
                            each=move || { let (first, last) = window(); rows.with(|rows| rows[first..last].to_vec()) }
                            key=|row| (
                                row.id,
                                row.status,
                                row.owner.id,
                                row.updated_at.clone(),
                                row.scheduled_deactivation.as_ref().map(|s| s.on),
                                row.schedule_failure.is_some(),
                            )
                            let:row
                        >
                            <ClientRow row=row open=open selection=selection />
                        </For>
                        <tr class="spacer" aria-hidden="true" style:height=move || {
                            let total = rows.with(Vec::len);
                            format!("{}px", (total - window().1) as f64 * ROW_HEIGHT)
                        }></tr>
                    </tbody>
                </table>
            </div>
        </Show>
    }
}

/// One client: name (a link to its businesses), details and its action.
#[component]
fn ClientRow(
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
