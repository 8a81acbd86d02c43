//! The client users' page, `/portal`: their account, its practice, who they
//! are in it, and the account's businesses with their documents, where they
//! add files of their own. When the practice no longer manages the account
//! or a business, a banner says so in `core`'s words, as the server sends
//! them.

use crate::access::{Gate, portal_only};
use crate::api::DocumentScope;
use crate::document_list::BusinessDocuments;
use crate::header::SignedInHeader;
use crate::store::Store;
use clientele_core::Status;
use clientele_core::wire::{Portal as PortalView, PortalBusiness};
use leptos::prelude::*;

/// The portal, for client users only.
#[component]
pub fn Portal() -> impl IntoView {
    view! {
        <Gate redirect=portal_only()>
            <div class="portal">
                <SignedInHeader />
                <main class="content">
                    <PortalPage />
                </main>
            </div>
        </Gate>
    }
}

/// The account once it has loaded; a loading or error state until then.
#[component]
fn PortalPage() -> impl IntoView {
    let store = expect_context::<Store>();
    let portal = LocalResource::new(move || {
        // Read again when the account changes (a live update).
        store.account_changes();
        let api = store.api();
        async move { api.portal().await.map_err(|error| error.message()) }
    });
    move || {
        match portal.get() {
        None => view! { <p class="state">"Loading your account…"</p> }.into_any(),
        Some(Err(message)) => view! {
            <div class="state error">
                <p>{format!("Your account could not be loaded. {message}")}</p>
                <button type="button" class="button secondary" on:click=move |_| portal.refetch()>"Retry"</button>
            </div>
        }
        .into_any(),
        Some(Ok(portal)) => view! { <Account portal=portal /> }.into_any(),
    }
    }
}

/// The account: its name, its banner, who is signed in, its businesses.
#[component]
fn Account(portal: PortalView) -> impl IntoView {
    let PortalView {
        account,
        practice,
        me,
        businesses,
    } = portal;
    let no_businesses = businesses.is_empty();
    view! {
        <section class="screen portal-screen">
            <header class="screen-header">
                <h1 class="account-name">{account.name}</h1>
                <StatusBadge status=account.status />
            </header>
            {account.banner.map(|banner| view! { <Banner text=banner /> })}
            <dl class="account-summary">
                <dt>"Practice"</dt>
                <dd class="practice-name">{practice.name}</dd>
                <dt>"Signed in as"</dt>
                <dd class="me-name">{me.name}</dd>
                <dt>"Your role"</dt>
                <dd class="role-label">{me.role_label}</dd>
            </dl>
            <h2 class="businesses-title">"Businesses"</h2>
            {no_businesses.then(|| view! { <p class="state">"This account has no businesses yet."</p> })}
            {businesses.into_iter().map(|business| view! { <BusinessCard business=business /> }).collect_view()}
        </section>
    }
}

/// One business of the account: its name, its own banner, its documents.
/// Files dropped anywhere on it are added to it.
#[component]
fn BusinessCard(business: PortalBusiness) -> impl IntoView {
    let heading_id = format!("business-{}", business.id);
    let labelled_by = heading_id.clone();
    view! {
        <section class="business-card" aria-labelledby=labelled_by>
            <BusinessDocuments scope=DocumentScope::Portal(business.id) business_name=business.name.clone()>
                <header class="business-card-header">
                    <h3 id=heading_id>{business.name}</h3>
                    <StatusBadge status=business.status />
                </header>
                {business.banner.map(|banner| view! { <Banner text=banner /> })}
            </BusinessDocuments>
        </section>
    }
}

/// "Active" or "Deactivated".
#[component]
fn StatusBadge(status: Status) -> impl IntoView {
    match status {
        Status::Active => view! { <span class="badge ok">"Active"</span> },
        Status::Deactivated => view! { <span class="badge muted">"Deactivated"</span> },
    }
}

/// What the practice's decision means for the person, said plainly.
#[component]
fn Banner(text: String) -> impl IntoView {
    view! {
        <div class="banner" role="status">
            <p>{text}</p>
        </div>
    }
}
