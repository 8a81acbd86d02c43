//! "New link" on a client's Users panel: who has accepted their invitation,
//! and a new link, which replaces the last, for anyone who has not.

use crate::browser::fire;
use crate::fixtures::{FakeServer, refusal};
use crate::onboarding::field;
use crate::*;
use clientele_core::ClientId;
use clientele_core::onboarding::OnboardingError;
use wasm_bindgen_test::*;

fn origin() -> String {
    web_sys::window().unwrap().location().origin().unwrap()
}

/// The Invitation cell of `name`'s row in the Users panel.
fn invitation_of(name: &str) -> String {
    let row = expect("section[aria-labelledby=users-title] td", name)
        .closest("tr")
        .unwrap()
        .unwrap();
    let cells = row.query_selector_all("td").unwrap();
    cells.item(3).unwrap().text_content().unwrap()
}

/// Birch & Co, whose owner Zoe was invited a week ago and never came.
fn zoe_waiting() -> FakeServer {
    let server = FakeServer::default();
    let birch = server.read_client(ClientId(2)).unwrap();
    let invitation = server
        .onboarding
        .invite(&birch, birch.user(birch.owner).unwrap());
    server
        .onboarding
        .invitations
        .lock()
        .unwrap()
        .get_mut(&invitation.token)
        .unwrap()
        .expired = true;
    server
}

#[wasm_bindgen_test]
async fn an_owner_whose_link_expired_is_sent_a_new_one_that_replaces_it() {
    let app = mount_with("/clients/2", zoe_waiting()).await;
    assert!(
        invitation_of("Zoe Birch").starts_with("Expired 8 Dec 2026"),
        "{}",
        invitation_of("Zoe Birch")
    );
    click(&expect(
        "button[aria-label='New invitation link for Zoe Birch']",
        "New link",
    ))
    .await;
    expect("[role=dialog] h2", "New invitation link for Zoe Birch?");
    let explained = expect("[role=dialog] p", "Zoe Birch (")
        .text_content()
        .unwrap();
    assert!(explained.contains("Any link they were sent before stops working."));
    click(&expect("[role=dialog] button", "Make new link")).await;

    expect("[role=dialog] h2", "New link made");
    assert_eq!(
        field("invitation-link").value(),
        format!("{}/invite/renewed-20-1", origin())
    );
    let invitations = app.server.onboarding.invitations.lock().unwrap().clone();
    assert!(
        !invitations.contains_key("token-20"),
        "the expired link is gone"
    );
    click(&expect("[role=dialog] button", "Done")).await;
    assert!(find("[role=dialog]", "").is_none());
    assert!(
        invitation_of("Zoe Birch").starts_with("Sent, works until 15 Dec 2026"),
        "read again after the new link: {}",
        invitation_of("Zoe Birch")
    );
}

#[wasm_bindgen_test]
async fn a_user_added_is_waiting_and_one_who_signs_in_has_no_new_link() {
    let _app = mount_at("/clients/2").await;
    assert_eq!(invitation_of("Zoe Birch"), "Accepted");
    assert!(find("button[aria-label='New invitation link for Zoe Birch']", "").is_none());
    click(&expect("button", "Add user")).await;
    let name = field("new-user-name");
    name.set_value("Ann Lee");
    fire(&name, "input");
    let email = field("new-user-email");
    email.set_value("ann@birch.test");
    fire(&email, "input");
    settle().await;
    click(&expect("[role=dialog] button", "Add user")).await;
    click(&expect("[role=dialog] button", "Done")).await;
    settle().await;
    assert!(
        invitation_of("Ann Lee").starts_with("Sent, works until 8 Dec 2026"),
        "{}",
        invitation_of("Ann Lee")
    );
    expect(
        "button[aria-label='New invitation link for Ann Lee']",
        "New link",
    );
}

#[wasm_bindgen_test]
async fn a_refused_new_link_says_why_and_asking_again_sends_the_same_key() {
    let server = zoe_waiting();
    let signed_up = OnboardingError::SignedUpAlready;
    *server.onboarding.renewal_failure.lock().unwrap() =
        Some(refusal(409, signed_up.code(), &signed_up.to_string()));
    let app = mount_with("/clients/2", server).await;
    click(&expect(
        "button[aria-label='New invitation link for Zoe Birch']",
        "New link",
    ))
    .await;
    click(&expect("[role=dialog] button", "Make new link")).await;
    expect("[role=dialog] [role=alert]", &signed_up.to_string());
    expect("[role=dialog] h2", "New invitation link for Zoe Birch?");
    *app.server.onboarding.renewal_failure.lock().unwrap() = None;
    click(&expect("[role=dialog] button", "Make new link")).await;
    expect("[role=dialog] h2", "New link made");
    let keys = app.server.onboarding.renewal_keys.lock().unwrap().clone();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1], "one dialog, one idempotency key");
}
