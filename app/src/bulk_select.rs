//! Choosing several clients on the list for one bulk change: a check box on
//! each row, and above the table a bar with "Select all", how many are
//! selected, and "Deactivate selected" (or "Reactivate selected" on the
//! deactivated tab). Only people who may make the change see any of it.

use clientele_core::ClientId;
use clientele_core::bulk::BulkAction;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// The clients checked on the list. What a bulk change acts on is the
/// checked clients still shown in the tab: a client that moved tab (or out
/// of the search) drops out of it by itself.
#[derive(Clone, Copy)]
pub struct Selection {
    checked: RwSignal<BTreeSet<ClientId>>,
}

impl Selection {
    /// Nothing checked.
    pub fn new() -> Selection {
        Selection {
            checked: RwSignal::new(BTreeSet::new()),
        }
    }

    /// Whether `id` is checked.
    pub fn is_checked(&self, id: ClientId) -> bool {
        self.checked.with(|checked| checked.contains(&id))
    }

    /// Checks or unchecks `id`.
    pub fn set(&self, id: ClientId, on: bool) {
        self.checked.update(|checked| {
            if on {
                checked.insert(id);
            } else {
                checked.remove(&id);
            }
        });
    }

    /// Unchecks everything.
    pub fn clear(&self) {
        self.checked.update(BTreeSet::clear);
    }

    /// The checked ones among `shown`, in the order shown.
    pub fn among(&self, shown: &[ClientId]) -> Vec<ClientId> {
        self.checked.with(|checked| {
            shown
                .iter()
                .copied()
                .filter(|id| checked.contains(id))
                .collect()
        })
    }

    /// Checks every one of `shown`, or unchecks them all.
    pub fn set_all(&self, shown: &[ClientId], on: bool) {
        self.checked.update(|checked| {
            if on {
                checked.extend(shown.iter().copied());
            } else {
                for id in shown {
                    checked.remove(id);
                }
            }
        });
    }
}

impl Default for Selection {
    fn default() -> Selection {
        Selection::new()
    }
}

/// The check box cell of one row.
#[component]
pub fn SelectCell(selection: Selection, id: ClientId, name: String) -> impl IntoView {
    view! {
        <td class="select">
            <input
                type="checkbox"
                aria-label=format!("Select {name}")
                prop:checked=move || selection.is_checked(id)
                on:change=move |event| selection.set(id, event_target_checked(&event))
            />
        </td>
    }
}

/// The bar above the table: "Select all", the count, the bulk action and
/// "Clear selection".
#[component]
pub fn BulkBar(
    selection: Selection,
    /// The clients of the tab, in order: those read so far, or all of them
    /// once "Select all" has read them.
    #[prop(into)]
    shown: Signal<Vec<ClientId>>,
    /// The bulk action of this tab, if the person may take it.
    action: Option<BulkAction>,
    /// Opens the bulk change on the checked clients.
    on_start: Callback<(BulkAction, Vec<ClientId>)>,
    /// Checks every client of the tab (not only those read so far).
    on_select_all: Callback<()>,
    /// While "Select all" reads the tab: how many so far, of how many.
    #[prop(into)]
    selecting: Signal<Option<(usize, u64)>>,
) -> impl IntoView {
    let chosen = Memo::new(move |_| shown.with(|shown| selection.among(shown)));
    let count = move || chosen.with(Vec::len);
    let all = move || count() > 0 && count() == shown.with(Vec::len);
    let label = match action {
        Some(BulkAction::Deactivate) => "Deactivate selected",
        Some(BulkAction::Reactivate) => "Reactivate selected",
        None => "",
    };
    view! {
        <div class="bulk-bar">
            <label class="select-all">
                <input
                    type="checkbox"
                    disabled=move || selecting.with(Option::is_some)
                    prop:checked=all
                    prop:indeterminate=move || { count() > 0 && !all() }
                    on:change=move |event| {
                        if event_target_checked(&event) {
                            on_select_all.run(());
                        } else {
                            shown.with_untracked(|shown| selection.set_all(shown, false));
                        }
                    }
                />
                <span>"Select all"</span>
            </label>
            <span class="muted" aria-live="polite">
                {move || match selecting.get() {
                    Some((read, total)) => format!("Selecting… {read} of {total}"),
                    None => format!("{} selected", count()),
                }}
            </span>
            {action.map(|action| view! {
                <button
                    type="button"
                    class="button secondary"
                    disabled=move || count() == 0
                    on:click=move |_| on_start.run((action, chosen.get_untracked()))
                >
                    {label}
                </button>
            })}
            <Show when=move || { count() > 0 }>
                <button type="button" class="button link" on:click=move |_| selection.clear()>
                    "Clear selection"
                </button>
            </Show>
        </div>
    }
}
