//! Deactivating or reactivating the clients checked on the list. The
//! dialog loads each client whole, shows what the change will do to all of
//! them (from `core`), asks for each client's new owner when deactivating
//! (its current owner preselected), then makes one change per client,
//! each through the store's optimistic path with its own idempotency key,
//! and reports each client's outcome on its own row.

use crate::bulk_outcome::{Outcome, sent_step};
use crate::dialog::Dialog;
use crate::field::ReasonField;
use crate::store::Store;
use clientele_core::bulk::{BulkAction, bulk_commands, bulk_summary, preselected_owners};
use clientele_core::impact::Impact;
use clientele_core::{Client, ClientId, Target, UserId, eligible_owners};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// How many clients are loaded at once.
const LOADERS: usize = 6;

/// Where the dialog is.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// Loading the clients whole: how many have arrived.
    Loading(usize),
    /// A client could not be loaded.
    Failed(String),
    /// Step 1: the summed implications.
    Summary,
    /// Step 2 (deactivation): an owner for each client.
    Owners,
    /// The changes are sent; each row says how its own ended.
    Sent,
}

/// The bulk change dialog for `ids`.
#[component]
pub fn BulkChangeDialog(
    action: BulkAction,
    ids: Vec<ClientId>,
    on_close: Callback<()>,
) -> impl IntoView {
    let store = expect_context::<Store>();
    let total = ids.len();
    let step = RwSignal::new(Step::Loading(0));
    let clients = RwSignal::new(Vec::<Client>::new());
    // Each client's impact (deactivation only), from the server's facts and
    // core's counting; `None` where it could not be counted.
    let impacts = RwSignal::new(Vec::<Option<Impact>>::new());
    let owners = RwSignal::new(BTreeMap::<ClientId, UserId>::new());
    let reason = RwSignal::new(String::new());
    let outcomes = RwSignal::new(Vec::<(ClientId, String, Outcome)>::new());
    let ids = StoredValue::new(ids);
    let load = move || {
        step.set(Step::Loading(0));
        let ids = ids.get_value();
        // A few at a time, as a browser fetches anyway; slots keep the
        // clients in the order they were checked.
        let slots = Rc::new(RefCell::new(vec![
            None::<(Client, Option<Impact>)>;
            ids.len()
        ]));
        let next = Rc::new(RefCell::new(0usize));
        let failed = Rc::new(RefCell::new(false));
        for _ in 0..LOADERS.min(ids.len()) {
            let (ids, slots, next, failed) =
                (ids.clone(), slots.clone(), next.clone(), failed.clone());
            spawn_local(async move {
                loop {
                    let index = {
                        let mut next = next.borrow_mut();
                        *next += 1;
                        *next - 1
                    };
                    if index >= ids.len() || *failed.borrow() {
                        return;
                    }
                    match store.fetch_client(ids[index]).await {
                        Ok(client) => {
                            let impact = match action {
                                BulkAction::Deactivate => store
                                    .api()
                                    .impact(client.id, Target::Client)
                                    .await
                                    .ok()
                                    .map(|view| view.impact),
                                BulkAction::Reactivate => None,
                            };
                            slots.borrow_mut()[index] = Some((client, impact));
                        }
                        Err(error) => {
                            *failed.borrow_mut() = true;
                            step.set(Step::Failed(error.message()));
                            return;
                        }
                    }
                    let done = slots.borrow().iter().filter(|slot| slot.is_some()).count();
                    if done < ids.len() {
                        step.set(Step::Loading(done));
                        continue;
                    }
                    let (loaded, counted): (Vec<Client>, Vec<Option<Impact>>) =
                        slots.borrow_mut().drain(..).flatten().unzip();
                    owners.set(preselected_owners(&loaded));
                    impacts.set(counted);
                    clients.set(loaded);
                    step.set(Step::Summary);
                }
            });
        }
    };
    load();
    let send = move || {
        let planned = clients.with_untracked(|clients| {
            owners.with_untracked(|owners| {
                reason.with_untracked(|reason| bulk_commands(clients, action, owners, Some(reason)))
            })
        });
        let Ok(planned) = planned else { return };
        let name_of = |id: ClientId| {
            clients.with_untracked(|clients| {
                clients
                    .iter()
                    .find(|client| client.id == id)
                    .map(|client| client.name.clone())
                    .unwrap_or_default()
            })
        };
        outcomes.set(
            planned
                .iter()
                .map(|(id, _, _)| (*id, name_of(*id), Outcome::Pending))
                .collect(),
        );
        step.set(Step::Sent);
        for (id, seen, command) in planned {
            let then = Box::new(move |result: Result<_, String>| {
                let outcome = match result {
                    Ok(_) => Outcome::Done,
                    Err(message) => Outcome::NotDone(message),
                };
                outcomes.update(|rows| {
                    if let Some(row) = rows.iter_mut().find(|row| row.0 == id) {
                        row.2 = outcome;
                    }
                });
                true
            });
            store.submit_seen_then(id, seen, command, Some(then));
        }
    };
    let body = move || {
        match step.get() {
        Step::Loading(done) => view! {
            <h2 id="bulk-title">"Loading the selected clients…"</h2>
            <progress max=total value=done></progress>
            <p class="muted">{format!("{done} of {total} loaded")}</p>
            <div class="dialog-actions">
                <button type="button" class="button secondary" on:click=move |_| on_close.run(())>"Cancel"</button>
            </div>
        }
        .into_any(),
        Step::Failed(message) => view! {
            <h2 id="bulk-title">"The selected clients could not be loaded"</h2>
            <p role="alert">{message}</p>
            <div class="dialog-actions">
                <button type="button" class="button secondary" on:click=move |_| on_close.run(())>"Cancel"</button>
                <button type="button" class="button primary" on:click=move |_| load()>"Try again"</button>
            </div>
        }
        .into_any(),
        Step::Summary => summary_step(action, clients, impacts, step, on_close, send).into_any(),
        Step::Owners => owners_step(clients, owners, reason, step, send).into_any(),
        Step::Sent => sent_step(action, outcomes, on_close).into_any(),
    }
    };
    view! {
        <Dialog title_id="bulk-title" on_close=on_close>
            {body}
        </Dialog>
    }
}

/// Step 1: what the change does to all of them, and who is left alone.
fn summary_step(
    action: BulkAction,
    clients: RwSignal<Vec<Client>>,
    impacts: RwSignal<Vec<Option<Impact>>>,
    step: RwSignal<Step>,
    on_close: Callback<()>,
    send: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let summary = clients.with_untracked(|clients| bulk_summary(clients, action));
    let can_go = summary.clients > 0;
    let next = move |_| match action {
        BulkAction::Deactivate => step.set(Step::Owners),
        BulkAction::Reactivate => send(),
    };
    let next_label = match action {
        BulkAction::Deactivate => "Next",
        BulkAction::Reactivate => "Reactivate",
    };
    view! {
        <h2 id="bulk-title">{summary.title}</h2>
        <ul class="implications">
            {summary.points.into_iter().map(|point| view! { <li>{point}</li> }).collect_view()}
        </ul>
        {(action == BulkAction::Deactivate).then(|| in_numbers(clients, impacts))}
        {(!summary.excluded.is_empty()).then(|| view! {
            <p>"These selected clients will be left as they are:"</p>
            <ul class="excluded">
                {summary.excluded.into_iter().map(|excluded| view! {
                    <li>{format!("{}: {}", excluded.name, excluded.refusal)}</li>
                }).collect_view()}
            </ul>
        })}
        <div class="dialog-actions">
            <button type="button" class="button secondary" on:click=move |_| on_close.run(())>"Cancel"</button>
            <button type="button" class="button primary" disabled=!can_go on:click=next>{next_label}</button>
        </div>
    }
}

/// The selected clients' impacts summed: businesses, queued documents and
/// users, then when each business was last active (folded away: a bulk
/// change may cover hundreds).
fn in_numbers(
    clients: RwSignal<Vec<Client>>,
    impacts: RwSignal<Vec<Option<Impact>>>,
) -> impl IntoView {
    let (total, uncounted) = clients.with_untracked(|clients| {
        impacts.with_untracked(|impacts| {
            let deactivatable =
                |client: &Client| clientele_core::implications(client, Target::Client).is_ok();
            let total: Impact = impacts.iter().flatten().cloned().sum();
            let uncounted = clients
                .iter()
                .zip(impacts)
                .filter(|(client, impact)| deactivatable(client) && impact.is_none())
                .count();
            (total, uncounted)
        })
    });
    let mut points = total.points();
    let last_active = points.split_off(points.len().min(3));
    view! {
        <div class="impact">
            <p class="muted">"In numbers:"</p>
            <ul class="impact-points">
                {points.into_iter().map(|point| view! { <li>{point}</li> }).collect_view()}
            </ul>
            {(!last_active.is_empty()).then(|| view! {
                <details class="last-active">
                    <summary>"When each business was last active"</summary>
                    <ul>{last_active.into_iter().map(|point| view! { <li>{point}</li> }).collect_view()}</ul>
                </details>
            })}
            {(uncounted > 0).then(|| view! {
                <p class="state error">{format!(
                    "What this changes could not be counted for {uncounted} of them; the rest is above."
                )}</p>
            })}
        </div>
    }
}

/// Step 2 of a deactivation: each client with its eligible users, its
/// current owner preselected. "Confirm" waits until every client has one.
fn owners_step(
    clients: RwSignal<Vec<Client>>,
    owners: RwSignal<BTreeMap<ClientId, UserId>>,
    reason: RwSignal<String>,
    step: RwSignal<Step>,
    send: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let ready = move || {
        clients.with(|clients| {
            owners
                .with(|owners| bulk_commands(clients, BulkAction::Deactivate, owners, None).is_ok())
        })
    };
    let rows = clients.with_untracked(|clients| {
        clients
            .iter()
            .filter(|client| clientele_core::implications(client, Target::Client).is_ok())
            .map(|client| owner_row(client.clone(), owners))
            .collect_view()
    });
    view! {
        <h2 id="bulk-title">"Choose the new owners"</h2>
        <p class="muted">"Select the user who will become the account owner and admin user of each client."</p>
        <div class="bulk-owners">
            <table class="table">
                <thead><tr><th scope="col">"Client"</th><th scope="col">"New account owner"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <ReasonField label="Reason (optional, shown in each client's activity log)" reason=reason />
        <div class="dialog-actions">
            <button type="button" class="button secondary" on:click=move |_| step.set(Step::Summary)>"Back"</button>
            <button type="button" class="button primary" disabled=move || !ready() on:click=move |_| send()>
                "Confirm"
            </button>
        </div>
    }
}

/// One client's row in the owner step: a choice of its own users.
fn owner_row(client: Client, owners: RwSignal<BTreeMap<ClientId, UserId>>) -> impl IntoView {
    let id = client.id;
    let options = eligible_owners(&client, Target::Client)
        .into_iter()
        .map(|user| {
            let label = if user.id == client.owner {
                format!("{} (current owner)", user.name)
            } else {
                user.name.clone()
            };
            view! { <option value=user.id.0>{label}</option> }
        })
        .collect_view();
    let chosen = move || {
        owners
            .with(|owners| owners.get(&id).map(|user| user.0.to_string()))
            .unwrap_or_default()
    };
    view! {
        <tr>
            <td>{client.name.clone()}</td>
            <td>
                <select
                    aria-label=format!("New account owner of {}", client.name)
                    prop:value=chosen
                    on:change=move |event| {
                        let picked = event_target_value(&event).parse().ok().map(UserId);
                        owners.update(|owners| match picked {
                            Some(user) => { owners.insert(id, user); }
                            None => { owners.remove(&id); }
                        });
                    }
                >
                    <option value="" disabled=true>"Choose an owner"</option>
                    {options}
                </select>
            </td>
        </tr>
    }
}
