//! The header row every list table shares: the named columns, then an
//! actions column whose heading only screen readers hear.

use leptos::prelude::*;

/// `<thead>` with these column headings and a final "Actions" column.
#[component]
pub fn TableHead(columns: &'static [&'static str]) -> impl IntoView {
    view! {
        <thead>
            <tr>
                {columns.iter().map(|column| view! { <th scope="col">{*column}</th> }).collect_view()}
                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
            </tr>
        </thead>
    }
}
