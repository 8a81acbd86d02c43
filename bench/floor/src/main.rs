//! The smallest app built the way Clientele is: a router with two pages, a
//! list read from the API, and a search box that filters it. What it
//! weighs is what Leptos, the standard library and the JS glue cost before
//! any of Clientele's own screens.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use serde::Deserialize;

/// One row of the list, as the API sends it.
#[derive(Clone, Deserialize)]
struct Row {
    id: u64,
    name: String,
}

/// The first page of clients, through the browser's `JSON.parse`, as the
/// app reads its answers.
async fn rows() -> Option<Vec<Row>> {
    let answer = gloo_net::http::Request::get("/api/clients")
        .send()
        .await
        .ok()?;
    let value = js_sys::JSON::parse(&answer.text().await.ok()?).ok()?;
    let page: Page = serde_wasm_bindgen::from_value(value).ok()?;
    Some(page.items)
}

#[derive(Deserialize)]
struct Page {
    items: Vec<Row>,
}

#[component]
fn List() -> impl IntoView {
    let rows = LocalResource::new(rows);
    let (query, set_query) = signal(String::new());
    view! {
        <input aria-label="Search" on:input=move |event| set_query.set(event_target_value(&event)) />
        <ul>
            {move || {
                rows.get()
                    .flatten()
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|row| row.name.contains(&query.get()))
                    .map(|row| view! { <li data-id=row.id>{row.name}</li> })
                    .collect_view()
            }}
        </ul>
    }
}

#[component]
fn App() -> impl IntoView {
    view! {
        <Router>
            <Routes fallback=|| "Not found">
                <Route path=path!("/") view=List />
                <Route path=path!("/about") view=|| view! { <p>"About"</p> } />
            </Routes>
        </Router>
    }
}

fn main() {
    leptos::mount::mount_to_body(App);
}
