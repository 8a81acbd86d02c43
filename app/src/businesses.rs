//! A client's businesses: "Active businesses" and "Deactivated businesses"
//! tabs, "Manage" → "Deactivate business", one-click "Reactivate" (for those
//! who may), a banner when the client is deactivated, "Edit client", "Add
//! business" and "Rename", documents, the account's users and the activity
//! log.

use crate::access::WhoCanChange;
use crate::activity::ActivityPanel;
use crate::deactivate_wizard::DeactivateWizard;
use crate::documents::DocumentsPanel;
use crate::edit_client::{AddBusinessButton, EditClientButton, RenameBusinessDialog};
use crate::extract_now::ExtractNowPanel;
use crate::reactivate_dialog::ReactivateDialog;
use crate::scheduled_deactivation::ScheduleBanner;
use crate::session::Auth;
use crate::store::Store;
use crate::table::{RowAction, TableHead};
use crate::tabs::{TabSpec, Tabs};
use crate::users::UsersPanel;
use clientele_core::{Action, Business, BusinessId, Client, ClientId, Command, Status, Target};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

/// The businesses screen of the client in the URL.
///
/// The screen is built once per client, and each part tracks only what it
/// shows (the name, the status, a tab's businesses), so a change to the
/// client, optimistic or from the server, updates those parts in place:
/// nothing is rebuilt, and keyboard focus stays where it was.
#[component]
pub fn Businesses() -> impl IntoView {
    let store = expect_context::<Store>();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .with(|params| params.get("id"))
            .and_then(|id| id.parse::<u64>().ok())
            .map(ClientId)
    });
    let loaded = LocalResource::new(move || async move {
        match id.get() {
            Some(id) => store
                .fetch_client(id)
                .await
                .map(|_| ())
                .map_err(|e| e.message()),
            None => Err("There is no such client.".to_owned()),
        }
    });
    // The client in the URL once the store holds it; not the client itself,
    // whose every change would rebuild the screen.
    let shown = Memo::new(move |_| {
        id.get()
            .filter(|id| store.clients.with(|clients| clients.contains_key(id)))
    });
    view! {
        <section class="screen">
            <nav class="breadcrumb" aria-label="Breadcrumb">
                <a href="/clients">"Solo Clients"</a>
            </nav>
            {move || match shown.get() {
                Some(id) => view! { <ClientBusinesses id=id /> }.into_any(),
                None => view! { <NotLoaded loaded=loaded /> }.into_any(),
            }}
        </section>
    }
}

/// Until the client is held: loading, or why it could not be loaded.
#[component]
fn NotLoaded(loaded: LocalResource<Result<(), String>>) -> impl IntoView {
    move || match loaded.get() {
        Some(Err(message)) => view! {
            <div class="state error">
                <p>{format!("This client could not be loaded. {message}")}</p>
                <button class="button secondary" on:click=move |_| loaded.refetch()>"Retry"</button>
            </div>
        }
        .into_any(),
        _ => view! { <p class="state">"Loading businesses…"</p> }.into_any(),
    }
}

/// The loaded client: heading, banner, tabs and panels.
#[component]
fn ClientBusinesses(id: ClientId) -> impl IntoView {
    let store = expect_context::<Store>();
    let auth = expect_context::<Auth>();
    let query = use_query_map();
    let navigate = use_navigate();
    let tab = Memo::new(move |_| {
        query
            .with(|query| query.get("tab"))
            .and_then(|tab| Status::parse(&tab))
            .unwrap_or(Status::Active)
    });
    let select = Callback::new(move |index: usize| {
        let tab = if index == 0 { "active" } else { "deactivated" };
        navigate(
            &format!("/clients/{id}?tab={tab}"),
            NavigateOptions {
                scroll: false,
                ..Default::default()
            },
        );
    });
    // One memo per thing shown: each changes only when its value does.
    let read = move |part: fn(&Client) -> usize| {
        store
            .clients
            .with(|clients| clients.get(&id).map_or(0, part))
    };
    let active_count = Memo::new(move |_| read(|c| c.count_businesses(Status::Active)));
    let deactivated_count = Memo::new(move |_| read(|c| c.count_businesses(Status::Deactivated)));
    let business_total = Memo::new(move |_| read(|c| c.businesses.len()));
    let name = Memo::new(move |_| {
        store.clients.with(|clients| {
            clients
                .get(&id)
                .map(|client| client.name.clone())
                .unwrap_or_default()
        })
    });
    let code = Memo::new(move |_| {
        store
            .clients
            .with(|clients| clients.get(&id).and_then(|client| client.code.clone()))
    });
    let deactivated = Memo::new(move |_| {
        store.clients.with(|clients| {
            clients
                .get(&id)
                .is_some_and(|client| client.status == Status::Deactivated)
        })
    });
    let tabs = vec![
        TabSpec {
            id: "tab-active-businesses",
            label: Signal::derive(move || format!("Active businesses ({})", active_count.get())),
        },
        TabSpec {
            id: "tab-deactivated-businesses",
            label: Signal::derive(move || {
                format!("Deactivated businesses ({})", deactivated_count.get())
            }),
        },
    ];
    let selected = Signal::derive(move || if tab.get() == Status::Active { 0 } else { 1 });
    let confirming = RwSignal::new(false);
    // A new invitation link changes no part of the client, so its version
    // does not move; the activity is read again for it all the same.
    let renewals = RwSignal::new(0_u32);
    let activity_version = settled_version(store, id);
    let sync_state = Memo::new(move |_| store.sync_state(id));
    view! {
        <header class="screen-header">
            <h1>{move || name.get()}</h1>
            <span class=move || if deactivated.get() { "badge muted" } else { "badge ok" }>
                {move || if deactivated.get() { "Deactivated" } else { "Active" }}
            </span>
            {move || code.get().map(|code| view! { <span class="client-code">{format!("Code: {code}")}</span> })}
            {move || sync_state.get().map(|state| view! {
                <span class="syncing-mark">{state.label()}</span>
            })}
            <div class="screen-actions">
                <EditClientButton id=id />
            </div>
        </header>
        <WhoCanChange />
        <ScheduleBanner client_id=id />
        <Show when=move || deactivated.get()>
            <div class="banner" role="status">
                <p>
                    "This client is deactivated. New documents added to it will not be extracted. \
                     You can still open its businesses and their documents."
                </p>
                <Show when=move || auth.may(Action::ReactivateClient)>
                    <button
                        type="button"
                        class="button secondary"
                        disabled=move || store.is_syncing(id)
                        on:click=move |_| confirming.set(true)
                    >
                        "Reactivate"
                    </button>
                </Show>
            </div>
        </Show>
        {move || confirming.get().then(|| view! {
            <ReactivateDialog
                client_id=id
                client_name=name.get_untracked()
                business_count=business_total.get_untracked()
                on_cancel=Callback::new(move |()| confirming.set(false))
                on_confirm=Callback::new(move |()| {
                    confirming.set(false);
                    store.submit(id, Command::ReactivateClient);
                })
            />
        })}
        <ExtractNowPanel client_id=id version=settled_version(store, id) />
        <AddBusinessButton id=id />
        <Tabs label="Businesses" tabs=tabs panel_id="businesses-panel" selected=selected on_select=select />
        <div id="businesses-panel" role="tabpanel" aria-labelledby=move || {
            if selected.get() == 0 { "tab-active-businesses" } else { "tab-deactivated-businesses" }
        }>
            <BusinessTable client_id=id tab=tab />
        </div>
        <UsersPanel client_id=id version=settled_version(store, id) on_renewed=Callback::new(move |()| renewals.update(|count| *count += 1)) />
        <ActivityPanel client_id=id version=Signal::derive(move || { renewals.track(); activity_version.get() }) />
    }
}

/// The client's version once no change to it is in flight: the activity
/// log reloads when a change has settled, not when it is made on screen
/// (before the server holds it).
fn settled_version(store: Store, id: ClientId) -> Memo<u64> {
    Memo::new(move |previous: Option<&u64>| {
        let version = store
            .clients
            .with(|clients| clients.get(&id).map_or(0, |client| client.version));
        match previous {
            Some(previous) if store.is_syncing(id) => *previous,
            _ => version,
        }
    })
}

/// The businesses of the selected tab.
#[component]
fn BusinessTable(client_id: ClientId, tab: Memo<Status>) -> impl IntoView {
    let store = expect_context::<Store>();
    let wizard = RwSignal::new(None::<BusinessId>);
    let documents = RwSignal::new(None::<BusinessId>);
    let renaming = RwSignal::new(None::<Business>);
    let rows = Memo::new(move |_| {
        store.clients.with(|clients| {
            clients.get(&client_id).map_or_else(Vec::new, |client| {
                client
                    .businesses_with(tab.get())
                    .cloned()
                    .collect::<Vec<Business>>()
            })
        })
    });
    let owner_name = move |business: &Business| {
        store.clients.with_untracked(|clients| {
            clients
                .get(&client_id)
                .and_then(|client| client.user(business.owner))
                .map(|user| user.name.clone())
                .unwrap_or_default()
        })
    };
    view! {
        <Show
            when=move || rows.with(|rows| !rows.is_empty())
            fallback=move || view! {
                <p class="state">{move || match tab.get() {
                    Status::Active => "There are no active businesses.",
                    Status::Deactivated => "There are no deactivated businesses.",
                }}</p>
            }
        >
            <div class="table-wrap">
                <table class="table">
                    <TableHead columns=&["Business", "Owner", "Documents"] />
                    <tbody>
                        <For each=move || rows.get() key=|b| (b.id, b.status, b.owner, b.name.clone()) let:business>
                            <BusinessRow
                                client_id=client_id
                                owner=owner_name(&business)
                                business=business
                                wizard=wizard
                                documents=documents
                                renaming=renaming
                            />
                        </For>
                    </tbody>
                </table>
            </div>
        </Show>
        {move || renaming.get().map(|business| view! {
            <RenameBusinessDialog
                client_id=client_id
                business_id=business.id
                current=business.name
                on_close=Callback::new(move |()| renaming.set(None))
            />
        })}
        {move || documents.get().map(|business| view! {
            <DocumentsPanel business=business on_close=Callback::new(move |()| documents.set(None)) />
        })}
        {move || wizard.get().and_then(|business| {
            let client = store.clients.with_untracked(|clients| clients.get(&client_id).cloned())?;
            let seen = client.version;
            Some(view! {
                <DeactivateWizard
                    client=client
                    target=Target::Business(business)
                    on_cancel=Callback::new(move |()| wizard.set(None))
                    on_confirm=Callback::new(move |command| {
                        wizard.set(None);
                        store.submit_seen(client_id, seen, command);
                    })
                />
            })
        })}
    }
}

/// One business and its action.
#[component]
fn BusinessRow(
    client_id: ClientId,
    business: Business,
    owner: String,
    wizard: RwSignal<Option<BusinessId>>,
    documents: RwSignal<Option<BusinessId>>,
    renaming: RwSignal<Option<Business>>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let auth = expect_context::<Auth>();
    let business_id = business.id;
    let rename = auth.may(Action::EditClients).then(|| {
        let label = format!("Rename {}", business.name);
        let business = business.clone();
        view! {
            <button
                type="button"
                class="button link"
                aria-label=label
                disabled=move || store.is_syncing(client_id)
                on:click=move |_| renaming.set(Some(business.clone()))
            >
                "Rename"
            </button>
        }
    });
    let sync_state = Memo::new(move |_| store.sync_state(client_id));
    let syncing = Signal::derive(move || sync_state.get().is_some());
    let action = view! {
        <RowAction
            status=business.status
            subject=business.name.clone()
            deactivate_label="Deactivate business"
            on_deactivate=auth
                .may(Action::DeactivateBusiness)
                .then(|| Callback::new(move |()| wizard.set(Some(business_id))))
            on_reactivate=auth.may(Action::ReactivateBusiness).then(|| {
                Callback::new(move |()| {
                    store.submit(client_id, Command::ReactivateBusiness { business_id })
                })
            })
            disabled=syncing
        />
    };
    view! {
        <tr class:syncing=move || syncing.get()>
            <td>
                {business.name.clone()}
                {move || sync_state.get().map(|state| view! {
                    <span class="syncing-mark">{state.label()}</span>
                })}
            </td>
            <td>{owner}</td>
            <td>
                <button type="button" class="button link" on:click=move |_| documents.set(Some(business_id))>
                    "Documents"
                </button>
            </td>
            <td class="actions">{rename}{action}</td>
        </tr>
    }
}
