//! Clientele's screens: a Leptos client-side app organised by screen and by
//! user action. `api` is the only module that talks HTTP, `store` holds the
//! optimistic state, and every rule comes from `clientele-core`.

#![deny(missing_docs)]

mod access;
mod activity;
mod add_client;
pub mod api;
mod bulk_change;
mod bulk_outcome;
mod bulk_select;
mod businesses;
mod change_password;
mod client_list;
mod client_row;
mod deactivate_wizard;
mod dialog;
mod document_list;
mod documents;
mod edit_client;
mod export;
mod extract_now;
mod field;
mod header;
mod impact;
mod import_clients;
mod invitation_link;
mod invite;
mod layout;
mod list_dialog;
mod menu;
mod pending_invitations;
mod portal;
mod reactivate_dialog;
mod schedule_choice;
mod scheduled_deactivation;
pub mod session;
mod sign_in;
pub mod store;
mod table;
mod tabs;
pub mod toast;
mod upload;
mod users;

use api::{HttpApi, SharedApi};
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{NavigateOptions, path};
use session::{Auth, AuthState};
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
pub fn AppWith(
    /// Where the app's requests go.
    api: SharedApi,
) -> impl IntoView {
    let toasts = Toasts::new();
    let auth = Auth::new();
    let store = Store::new(session::ending_on_401(api, auth), toasts);
    provide_context(toasts);
    provide_context(auth);
    provide_context(store);
    auth.check(store.api());
    client_list::read_ahead(store);
    // However a session ends (signing out, or a 401 from any call), nothing
    // it showed may stay behind for the next person.
    Effect::new(move |_| {
        if auth.is_signed_out() {
            store.stop_live();
            store.clear();
        } else if matches!(auth.state(), AuthState::SignedIn(_)) {
            store.follow_live();
        }
    });
    view! {
        <Router>
            <SessionCheck />
            <ToastRegion />
        </Router>
    }
}

/// Whether the session is known yet: the pages once it is, a loading or
/// error state until then.
#[component]
fn SessionCheck() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let store = expect_context::<Store>();
    let known = Memo::new(move |_| match auth.state() {
        AuthState::Checking => Ok(false),
        AuthState::Unreachable(message) => Err(message),
        AuthState::SignedIn(_) | AuthState::SignedOut(_) => Ok(true),
    });
    move || {
        match known.get() {
        Ok(true) => view! { <Pages /> }.into_any(),
        Ok(false) => view! { <p class="state page-state">"Loading Clientele…"</p> }.into_any(),
        Err(message) => view! {
            <div class="state error page-state">
                <p>{format!("Clientele could not check who is signed in. {message}")}</p>
                <button class="button secondary" on:click=move |_| auth.check(store.api())>"Retry"</button>
            </div>
        }
        .into_any(),
    }
    }
}

/// Every page, by URL. Each part checks who may see it (see `access`).
#[component]
fn Pages() -> impl IntoView {
    view! {
        <Routes fallback=|| view! {
            <main class="content">
                <p class="state">"There is no such page."</p>
                <a href="/">"Go to Clientele"</a>
            </main>
        }>
            <Route path=path!("/sign-in") view=sign_in::SignInPage />
            <Route path=path!("/portal") view=portal::Portal />
            <Route path=path!("/invite/:token") view=invite::InvitePage />
            <ParentRoute path=path!("") view=layout::PracticeLayout>
                <Route path=path!("") view=|| view! {
                    <Redirect path="/clients" options=NavigateOptions { replace: true, ..Default::default() } />
                } />
                <Route path=path!("/clients") view=client_list::ClientList />
                <Route path=path!("/clients/:id") view=businesses::Businesses />
            </ParentRoute>
        </Routes>
    }
}

/// "2026-11-28T18:22:59Z" as "28 Nov 2026, 18:22" in the person's time
/// zone: what `toLocaleString("en-GB", { dateStyle: "medium", timeStyle:
/// "short" })` says, without `Intl`, whose first use loads locale data and
/// took a fifth of the time to draw the client list's first page.
pub fn format_date(rfc3339: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec",
    ];
    let date = js_sys::Date::new(&rfc3339.into());
    if date.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    let month = MONTHS[date.get_month() as usize % 12];
    format!(
        "{} {month} {}, {:02}:{:02}",
        date.get_date(),
        date.get_full_year(),
        date.get_hours(),
        date.get_minutes()
    )
}
