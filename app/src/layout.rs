//! The frame of the practice's pages: the signed-in header, the sidebar with
//! "Solo Clients", and the page of the route inside. It stays mounted while
//! the person moves between those pages, so the client list is loaded once
//! per session.

use crate::access::{Gate, practice_only};
use crate::header::SignedInHeader;
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

/// Header, sidebar and the route's page.
#[component]
fn PracticeFrame() -> impl IntoView {
    view! {
        <div class="layout">
            <SignedInHeader />
            <aside class="sidebar">
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
