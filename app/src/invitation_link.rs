//! The invitation link of a user just added, to send them: the full
//! address in a read-only field, "Copy link", and how long it works.

use clientele_core::wire::Invitation;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// `link` (a path such as `/invite/…`) on this app's own origin.
fn full_url(link: &str) -> String {
    let origin = web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}{link}")
}

/// The link for `invitation`, to copy and send.
#[component]
pub fn InvitationLink(invitation: Invitation) -> impl IntoView {
    let url = full_url(&invitation.link);
    let copied = RwSignal::new(None::<&'static str>);
    let copy_url = url.clone();
    let copy = move |_| {
        let url = copy_url.clone();
        spawn_local(async move {
            let written =
                web_sys::window().map(|window| window.navigator().clipboard().write_text(&url));
            let done = match written {
                Some(promise) => wasm_bindgen_futures::JsFuture::from(promise).await.is_ok(),
                None => false,
            };
            if !done {
                select_link();
            }
            copied.try_set(Some(if done {
                "The link is copied."
            } else {
                "The link could not be copied for you: it is selected, so copy it with Ctrl+C or ⌘C."
            }));
        });
    };
    view! {
        <div class="invitation">
            <p>
                {format!(
                    "Send this link to {} ({}) so they can set a password and sign in. \
                     It works once, for 7 days.",
                    invitation.name, invitation.email
                )}
            </p>
            <label for="invitation-link">"Invitation link"</label>
            <div class="copy-row">
                <input id="invitation-link" type="text" readonly prop:value=url on:focus=move |_| select_link() />
                <button type="button" class="button secondary" on:click=copy>"Copy link"</button>
            </div>
            <p class="muted" role="status">{move || copied.get()}</p>
        </div>
    }
}

fn select_link() {
    let input = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("invitation-link"))
        .and_then(|element| element.dyn_into::<web_sys::HtmlInputElement>().ok());
    if let Some(input) = input {
        input.select();
    }
}
