//! The client users' page, `/portal`: which account they are in, with which
//! practice, and who is signed in. The full portal comes later; for now it
//! shows that signing in worked and keeps client users out of the
//! practice's pages.

use crate::access::{Gate, portal_only};
use crate::header::SignedInHeader;
use crate::session::Auth;
use leptos::prelude::*;

/// The portal, for client users only.
#[component]
pub fn Portal() -> impl IntoView {
    view! {
        <Gate redirect=portal_only()>
            <div class="portal">
                <SignedInHeader />
                <main class="content">
                    <AccountSummary />
                </main>
            </div>
        </Gate>
    }
}

/// "Your account": the account, its practice and the person.
#[component]
fn AccountSummary() -> impl IntoView {
    let user = expect_context::<Auth>().user();
    let account = user
        .as_ref()
        .and_then(|user| user.client.as_ref())
        .map(|client| client.name.clone());
    let practice = user.as_ref().map(|user| user.practice.name.clone());
    let name = user.map(|user| user.name);
    view! {
        <section class="screen">
            <header class="screen-header">
                <h1>"Your account"</h1>
            </header>
            <dl class="account-summary">
                <dt>"Account"</dt>
                <dd class="account-name">{account}</dd>
                <dt>"Practice"</dt>
                <dd class="practice-name">{practice}</dd>
                <dt>"Signed in as"</dt>
                <dd>{name}</dd>
            </dl>
        </section>
    }
}
