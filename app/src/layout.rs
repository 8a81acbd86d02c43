//! The frame of the practice's pages: the signed-in header, the sidebar with
//! the practice's name and "Solo Clients", and the page of the route inside. It stays mounted while
//! the person moves between those pages, so the client list is loaded once
//! per session.

use crate::access::{Gate, practice_only};
use crate::header::SignedInHeader;
use crate::session::Auth;
use leptos::prelude::*;
use leptos_router::components::Outlet;

/// The practice's pages, for the practice's staff only.
#[component]
pub fn PracticeLayout() -> impl IntoView {
    view! {
        <Gate redirect=practice_only()>
            <PracticeFrame />
        </Gate>
    }
}

/// Header, sidebar (the practice's name over "Solo Clients") and the
/// route's page.
#[component]
fn PracticeFrame() -> impl IntoView {
    let practice = expect_context::<Auth>()
        .user()
        .map(|user| user.practice.name);
    view! {
        <div class="layout">
            <SignedInHeader />
            <aside class="sidebar">
                <p class="sidebar-practice">{practice}</p>
                <nav aria-label="Main">
                    <a href="/clients" class="nav-link">"Solo Clients"</a>
                </nav>
            </aside>
            <main class="content">
                <Outlet />
            </main>
        </div>
    }
}
