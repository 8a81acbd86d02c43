//! The Solo Clients list: "Active clients" and "Deactivated clients" tabs
//! with counts, search (by name or code) and sort, a table of clients,
//! "Manage" → "Deactivate client" and "Reactivate" for those who may (staff
//! who may not are told who can), and "Add client", "Import clients" and
//! "Export CSV". Tab, search and sort live in the URL, so links, reloads and
//! back/forward show the same screen.

use crate::access::WhoCanChange;
use crate::add_client::AddClientButton;
use crate::api::ListQuery;
use crate::bulk_select::{BulkBar, Selection};
use crate::client_row::{ClientRow, LoadingRow, row_key};
use crate::export::ExportButton;
use crate::import_clients::ImportClientsButton;
use crate::list_dialog::{Open, list_dialog};
use crate::session::Auth;
use crate::store::{ListRow, ListState, Store};
use crate::table::TableHead;
use crate::tabs::{TabSpec, Tabs};
use crate::toast::Toasts;
use clientele_core::bulk::BulkAction;
use clientele_core::{Action, ClientId, Status};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::time::Duration;

/// Lists longer than this render only the rows in view.
const WINDOW_FROM: usize = 200;
/// Every row is this tall (see `style/main.css`), so the window can be
/// computed from the scroll position alone.
const ROW_HEIGHT: usize = 49;
/// The list's scrolling box is at most this share of the window's height
/// (`max-height: 70vh` in `style/main.css`).
const BOX_SHARE_OF_WINDOW: f64 = 0.7;
/// Rows drawn above and below those in view, so that a short scroll shows
/// rows already drawn.
const OVERSCAN: usize = 5;

/// How many rows the list's box can show at once in this window: the rows
/// a window of the list draws, besides its overscan. Fewer rows drawn make
/// the first page, each scroll and each search quicker to draw
/// (bench/README.md).
fn rows_in_view() -> usize {
    let height = web_sys::window()
        .and_then(|window| window.inner_height().ok())
        .and_then(|height| height.as_f64())
        .unwrap_or(900.0);
    (height * BOX_SHARE_OF_WINDOW / ROW_HEIGHT as f64).ceil() as usize + 1
}

/// Tab, search and sort, as in the URL.
#[derive(Clone, PartialEq)]
struct ListView {
    tab: Status,
    search: String,
    by_update: bool,
}

impl ListView {
    /// The view a URL's query names, each parameter read by `get`.
    fn of(get: impl Fn(&str) -> Option<String>) -> ListView {
        ListView {
            tab: get("tab")
                .and_then(|tab| Status::parse(&tab))
                .unwrap_or(Status::Active),
            search: get("q").unwrap_or_default(),
            by_update: get("sort").as_deref() == Some("updated"),
        }
    }

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

impl From<ListView> for ListQuery {
    fn from(view: ListView) -> ListQuery {
        ListQuery {
            status: view.tab,
            search: view.search,
            by_update: view.by_update,
        }
    }
}

/// Starts reading the list's first page at once when the app opens on the
/// list, while the session is still being checked, instead of after it: a
/// round trip sooner. Without a session the read fails and is forgotten
/// with the rest of the store.
pub fn read_ahead(store: Store) {
    let Some(location) = web_sys::window().map(|window| window.location()) else {
        return;
    };
    if location.pathname().as_deref() != Ok("/clients") {
        return;
    }
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&location.search().unwrap_or_default())
    else {
        return;
    };
    store.show_list(ListView::of(|name| params.get(name)).into());
}

/// The client list screen.
#[component]
pub fn ClientList() -> impl IntoView {
    let store = expect_context::<Store>();
    let query = use_query_map();
    let navigate = use_navigate();
    let view_state = Memo::new(move |_| query.with(|query| ListView::of(|name| query.get(name))));
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
    let list_query = Memo::new(move |_| ListQuery::from(view_state.get()));
    Effect::new(move |_| store.show_list(list_query.get()));
    // Only a change of state draws the table afresh, not each page.
    let list_state = Memo::new(move |_| store.list_state());
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
                    <ExportButton query=list_query />
                </div>
                <ListControls view_state=view_state go=Callback::new(move |next| go(next, true)) />
            </header>
            <WhoCanChange />
            <Tabs label="Solo clients" tabs=tabs panel_id="clients-panel" selected=tab_index on_select=select_tab />
            <div id="clients-panel" role="tabpanel" aria-labelledby=move || {
                if tab_index.get() == 0 { "tab-active-clients" } else { "tab-deactivated-clients" }
            }>
                {move || match list_state.get() {
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

/// How long typing pauses before the list is searched.
const SEARCH_AFTER: Duration = Duration::from_millis(80);

/// The search box and the sort choice. The search is made once typing
/// pauses; what was typed stays in the box meanwhile.
#[component]
fn ListControls(view_state: Memo<ListView>, go: Callback<ListView>) -> impl IntoView {
    let typed = RwSignal::new(view_state.get_untracked().search);
    // Counts keystrokes: only the last one's pause searches.
    let keystrokes = StoredValue::new(0u64);
    let waiting = StoredValue::new(false);
    // The URL's search (back, forward, a link) shows in the box, unless
    // typing is under way.
    Effect::new(move |_| {
        let search = view_state.with(|view| view.search.clone());
        if !waiting.get_value() {
            typed.set(search);
        }
    });
    let on_input = move |event| {
        typed.set(event_target_value(&event));
        keystrokes.update_value(|count| *count += 1);
        waiting.set_value(true);
        let this = keystrokes.get_value();
        set_timeout(
            move || {
                if keystrokes.try_get_value() != Some(this) {
                    return;
                }
                waiting.set_value(false);
                let mut next = view_state.get_untracked();
                next.search = typed.get_untracked();
                if next != view_state.get_untracked() {
                    go.run(next);
                }
            },
            SEARCH_AFTER,
        );
    };
    view! {
        <div class="controls">
            <label class="search">
                <span class="visually-hidden">"Search clients by name or code"</span>
                <input
                    type="search"
                    placeholder="Search by name or code"
                    prop:value=move || typed.get()
                    on:input=on_input
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
    let scroll_top = RwSignal::new(0.0f64);
    let view_rows = RwSignal::new(rows_in_view());
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        view_rows.set(rows_in_view());
    });
    on_cleanup(move || resize.remove());
    // The rows in view (all of them when the view is short), and how many
    // the view has.
    let shown = Memo::new(move |_| {
        let total = store.list_rows(0, 0).1;
        let (first, last) = if total <= WINDOW_FROM {
            (0, total)
        } else {
            let first = ((scroll_top.get() / ROW_HEIGHT as f64) as usize).saturating_sub(OVERSCAN);
            let last = first + view_rows.get() + 2 * OVERSCAN;
            (first.min(total), last.min(total))
        };
        let (rows, total) = store.list_rows(first, last);
        Shown {
            first,
            last,
            total,
            rows,
        }
    });
    // The pages those rows are on are read, and the next one ahead.
    Effect::new(move |_| {
        let Shown { first, last, .. } = shown.get();
        store.want_rows(first, last + view_rows.get_untracked());
    });
    let empty_message = move || {
        let state = view_state.get();
        match (state.search.is_empty(), state.tab) {
            (false, _) => format!("No clients match “{}”.", state.search),
            (true, Status::Active) => "There are no active clients.".to_owned(),
            (true, Status::Deactivated) => "There are no deactivated clients.".to_owned(),
        }
    };
    // Every client of the view, once "Select all" has read them; those
    // that have left the tab since drop out.
    let everything = RwSignal::new(None::<(ListQuery, Vec<ClientId>)>);
    let shown_ids = Memo::new(move |_| {
        shown.track();
        let query = store.list_query();
        everything.with(|everything| match everything {
            Some((of, ids)) if *of == query => store.listed_with(ids),
            _ => untrack(|| store.listed_ids()),
        })
    });
    let toasts = expect_context::<Toasts>();
    // While "Select all" reads the tab: how many so far, of how many.
    let selecting = RwSignal::new(None::<(usize, u64)>);
    let select_all = Callback::new(move |()| {
        let Some(selection) = selection else { return };
        selecting.set(Some((0, shown.with_untracked(|shown| shown.total as u64))));
        spawn_local(async move {
            let read = store
                .all_of_view(|read, total| {
                    selecting.try_set(Some((read, total)));
                })
                .await;
            selecting.try_set(None);
            match read {
                Ok((query, ids)) => {
                    selection.set_all(&ids, true);
                    everything.try_set(Some((query, ids)));
                }
                Err(error) => toasts.push_error(&error),
            }
        });
    });
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
                on_select_all=select_all
                selecting=selecting
            />
        }
    })
    };
    view! {
        <Show when=move || shown.with(|shown| shown.total > 0) fallback=move || view! { <p class="state">{empty_message}</p> }>
            {bulk_bar}
            <div
                class="table-scroll"
                on:scroll=move |event| {
                    let element: web_sys::HtmlElement = event_target(&event);
                    scroll_top.set(element.scroll_top() as f64);
                }
            >
                <table class="table client-table" class:selectable=selection.is_some()>
                    <TableHead selectable=selection.is_some() columns=&["Client", "Code", "Businesses", "Account owner", "Last change"] />
                    <tbody>
                        // Spacers stand for the rows not drawn, and only when
                        // some are not: a short list's body is its rows alone.
                        {move || {
                            let above = shown.with(|shown| shown.first);
                            (above > 0).then(|| view! {
                                <tr class="spacer" aria-hidden="true" style:height=format!("{}px", above * ROW_HEIGHT)></tr>
                            })
                        }}
                        <For each=move || shown.with(|shown| shown.rows.clone()) key=row_key let:row>
                            {match row {
                                ListRow::Row(row) => view! { <ClientRow row=row open=open selection=selection /> }.into_any(),
                                ListRow::Loading(_) => view! { <LoadingRow selectable=selection.is_some() /> }.into_any(),
                            }}
                        </For>
                        {move || {
                            let below = shown.with(|shown| shown.total.saturating_sub(shown.first + shown.rows.len()));
                            (below > 0).then(|| view! {
                                <tr class="spacer" aria-hidden="true" style:height=format!("{}px", below * ROW_HEIGHT)></tr>
                            })
                        }}
                    </tbody>
                </table>
            </div>
        </Show>
    }
}

/// The rows in view.
#[derive(Clone, PartialEq)]
struct Shown {
    first: usize,
    last: usize,
    total: usize,
    rows: Vec<ListRow>,
}
