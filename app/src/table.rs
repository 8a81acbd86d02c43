//! Pieces every list table shares: the header row (the named columns, then
//! an actions column whose heading only screen readers hear) and the row's
//! action.

use crate::menu::ManageMenu;
use clientele_core::Status;
use leptos::prelude::*;

/// `<thead>` with these column headings and a final "Actions" column.
#[component]
pub fn TableHead(
    columns: &'static [&'static str],
    /// Whether rows start with a check box (a heading only screen readers
    /// hear).
    #[prop(optional)]
    selectable: bool,
) -> impl IntoView {
    view! {
        <thead>
            <tr>
                {selectable.then(|| view! { <th scope="col" class="select"><span class="visually-hidden">"Select"</span></th> })}
                {columns.iter().map(|column| view! { <th scope="col">{*column}</th> }).collect_view()}
                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
            </tr>
        </thead>
    }
}

/// The last cell of a row: "Manage" with its one deactivation item while the
/// row is active, "Reactivate" once it is deactivated. Either is left out
/// when its callback is `None`: the person may not take that action.
#[component]
pub fn RowAction(
    status: Status,
    /// What the row is, for the menu's accessible name.
    subject: String,
    /// The menu item, such as "Deactivate client".
    deactivate_label: &'static str,
    on_deactivate: Option<Callback<()>>,
    on_reactivate: Option<Callback<()>>,
    /// True while a change to the row is syncing.
    #[prop(into)]
    disabled: Signal<bool>,
) -> impl IntoView {
    match (status, on_deactivate, on_reactivate) {
        (Status::Active, Some(on_deactivate), _) => view! {
            <ManageMenu subject=subject items=vec![(deactivate_label, on_deactivate)] disabled=disabled />
        }
        .into_any(),
        (Status::Deactivated, _, Some(on_reactivate)) => view! {
            <button
                type="button"
                class="button secondary"
                disabled=move || disabled.get()
                on:click=move |_| on_reactivate.run(())
            >
                "Reactivate"
            </button>
        }
        .into_any(),
        _ => ().into_any(),
    }
}
