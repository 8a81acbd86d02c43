//! Clientele's screens: a Leptos client-side app organised by screen and by
//! user action. `api` is the only module that talks HTTP, `store` holds the
//! optimistic state, and every rule comes from `clientele-core`.

mod activity;
pub mod api;
mod businesses;
mod client_list;
mod deactivate_wizard;
mod dialog;
mod documents;
mod menu;
mod reactivate_dialog;
pub mod store;
mod table;
mod tabs;
pub mod toast;

use api::{HttpApi, SharedApi};
use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;
use std::sync::Arc;
use store::Store;
use toast::{ToastRegion, Toasts};

/// The app against the real server.
#[component]
pub fn App() -> impl IntoView {
    let api: SharedApi = Arc::new(HttpApi::from_page());
    view! { <AppWith api=api /> }
}

/// The app against any [`api::Api`]; tests pass a fake.
#[component]
pub fn AppWith(api: SharedApi) -> impl IntoView {
    let toasts = Toasts::new();
    let store = Store::new(Arc::clone(&api), toasts);
    provide_context(toasts);
    provide_context(store);
    store.load_list();
    let practice = LocalResource::new(move || {
        let api = store.api();
        async move { api.practice().await.ok() }
    });
    view! {
        <Router>
            <div class="layout">
                <aside class="sidebar">
                    <p class="practice">{move || practice.get().flatten().map(|p| p.name).unwrap_or_default()}</p>
                    <nav aria-label="Main">
                        <a href="/clients" class="nav-link">"Solo Clients"</a>
                    </nav>
                </aside>
                <main class="content">
                    <Routes fallback=|| view! { <p class="state">"There is no such page."</p> }>
                        <Route path=path!("/") view=|| view! { <Redirect path="/clients" /> } />
                        <Route path=path!("/clients") view=client_list::ClientList />
                        <Route path=path!("/clients/:id") view=businesses::Businesses />
                    </Routes>
                </main>
            </div>
            <ToastRegion />
        </Router>
    }
}

/// "2026-11-28T18:22:59Z" as "28 Nov 2026, 18:22", in the person's locale
/// and time zone.
pub fn format_date(rfc3339: &str) -> String {
    let date = js_sys::Date::new(&rfc3339.into());
    if date.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    let options = js_sys::Object::new();
    for (key, value) in [("dateStyle", "medium"), ("timeStyle", "short")] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    date.to_locale_string("en-GB", &options).into()
}
