//! Signing in and out, and what each person may see: the sign-in form, the
//! way back to the page first asked for, a 401 from any call, the header,
//! staff without the admin's actions, and client users' portal.

use crate::fixtures::{FakeServer, PASSWORD, PRACTICE, admin, client_user, refusal, staff};
use crate::*;
use clientele_core::permissions::who_can_change;
use wasm_bindgen_test::*;

/// The line staff see instead of the actions they may not take.
fn who_can_change_line() -> String {
    let principal = staff().user.principal().unwrap();
    who_can_change(&principal).unwrap().to_owned()
}

fn admin_email() -> String {
    admin().user.email
}

#[wasm_bindgen_test]
async fn without_a_session_a_page_sends_to_sign_in_keeping_where_it_was() {
    let _app = mount_with("/clients/3?tab=deactivated", FakeServer::signed_out()).await;
    assert_eq!(here(), "/sign-in?next=%2Fclients%2F3%3Ftab%3Ddeactivated");
    expect("h1", "Sign in to Clientele");
    let email = expect("label", "Email");
    assert_eq!(email.get_attribute("for").as_deref(), Some("sign-in-email"));
    let field = document().get_element_by_id("sign-in-email").unwrap();
    assert_eq!(field.get_attribute("type").as_deref(), Some("email"));
    assert_eq!(
        field.get_attribute("autocomplete").as_deref(),
        Some("username")
    );
    let field = document().get_element_by_id("sign-in-password").unwrap();
    assert_eq!(field.get_attribute("type").as_deref(), Some("password"));
    assert_eq!(
        field.get_attribute("autocomplete").as_deref(),
        Some("current-password")
    );
    expect("form button[type=submit]", "Sign in");
    assert!(
        !page_text().contains("Acme Ltd"),
        "no client before sign-in"
    );
}

#[wasm_bindgen_test]
async fn signing_in_with_enter_lands_on_the_page_first_asked_for() {
    let _app = mount_with("/clients/3?tab=deactivated", FakeServer::signed_out()).await;
    sign_in_with(&admin_email(), PASSWORD).await;
    assert_eq!(here(), "/clients/3?tab=deactivated");
    expect("h1", "Cedar LLP");
    assert_eq!(
        tab_text("Deactivated businesses"),
        "Deactivated businesses (2)"
    );
}

#[wasm_bindgen_test]
async fn without_a_next_page_staff_land_on_solo_clients() {
    let _app = mount_with("/sign-in", FakeServer::signed_out()).await;
    sign_in_with(&staff().user.email, PASSWORD).await;
    assert_eq!(here(), "/clients");
    assert_eq!(row_names(), ["Acme Ltd", "Birch & Co"]);
}

#[wasm_bindgen_test]
async fn a_next_page_on_another_site_is_ignored() {
    for next in [
        "%2F%2Fevil.example%2F",
        "https%3A%2F%2Fevil.example%2F",
        "%2F%5Cevil.example",
        "%2F%09%2Fevil.example",
        "%2F%0A%2Fevil.example",
    ] {
        let _app = mount_with(&format!("/sign-in?next={next}"), FakeServer::signed_out()).await;
        sign_in_with(&admin_email(), PASSWORD).await;
        assert_eq!(here(), "/clients", "next={next}");
    }
}

#[wasm_bindgen_test]
async fn a_wrong_password_shows_the_servers_message_and_moves_focus_to_it() {
    let _app = mount_with("/sign-in", FakeServer::signed_out()).await;
    sign_in_with(&admin_email(), "not the password").await;
    assert!(here().starts_with("/sign-in"));
    let alert = expect("form [role=alert]", "");
    assert_eq!(
        alert.text_content().unwrap().trim(),
        "That email and password do not match an account."
    );
    assert_eq!(alert.get_attribute("tabindex").as_deref(), Some("-1"));
    let focused = document().active_element().unwrap();
    assert_eq!(&focused, alert.unchecked_ref::<web_sys::Element>());
    assert!(
        !expect("form button[type=submit]", "Sign in").has_attribute("disabled"),
        "the person can try again"
    );
}

#[wasm_bindgen_test]
async fn too_many_attempts_shows_when_to_try_again() {
    let server = FakeServer::signed_out();
    *server.sign_in_refusal.lock().unwrap() = Some(refusal(
        429,
        "too_many_attempts",
        "Too many failed sign-ins for this email. Try again in 15 minutes.",
    ));
    let _app = mount_with("/sign-in", server).await;
    sign_in_with(&admin_email(), PASSWORD).await;
    let alert = expect("form [role=alert]", "");
    assert!(
        alert
            .text_content()
            .unwrap()
            .contains("Try again in 15 minutes."),
        "{:?}",
        alert.text_content()
    );
    assert_eq!(
        document()
            .active_element()
            .unwrap()
            .get_attribute("role")
            .as_deref(),
        Some("alert")
    );
}

#[wasm_bindgen_test]
async fn the_sign_in_button_is_disabled_while_signing_in() {
    let server = FakeServer {
        sign_in_delay_ms: 300,
        ..FakeServer::signed_out()
    };
    let _app = mount_with("/sign-in", server).await;
    sign_in_with(&admin_email(), PASSWORD).await;
    assert!(expect("form button[type=submit]", "Sign in").has_attribute("disabled"));
    expect("form [role=status]", "Signing in…");
    sleep(400).await;
    settle().await;
    assert_eq!(here(), "/clients");
}

#[wasm_bindgen_test]
async fn the_header_names_the_practice_and_the_person_and_offers_sign_out() {
    let _app = mount_at("/clients").await;
    let header = expect("header.app-header", "");
    let text = header.text_content().unwrap();
    assert!(text.contains(PRACTICE), "{text}");
    assert!(text.contains("Pat Admin"), "{text}");
    expect("header.app-header button", "Sign out");
}

#[wasm_bindgen_test]
async fn signing_out_ends_the_session_and_leaves_no_client_on_the_page() {
    let app = mount_at("/clients").await;
    assert_eq!(row_names(), ["Acme Ltd", "Birch & Co"]);
    click(&expect("header button", "Sign out")).await;
    assert_eq!(*app.server.sign_outs.lock().unwrap(), 1);
    assert_eq!(here(), "/sign-in", "no page to come back to");
    let text = page_text();
    for name in ["Acme Ltd", "Birch & Co", "Cedar LLP", "Pat Admin"] {
        assert!(!text.contains(name), "{name} is still on the page: {text}");
    }
    expect("form [role=status]", "You have signed out.");
}

#[wasm_bindgen_test]
async fn after_signing_out_the_next_person_sees_only_their_own_session() {
    let _app = mount_at("/clients").await;
    click(&expect("header button", "Sign out")).await;
    sign_in_with(&client_user().user.email, PASSWORD).await;
    assert_eq!(here(), "/portal");
    assert!(!page_text().contains("Pat Admin"));
    assert!(all("table").is_empty());
}

#[wasm_bindgen_test]
async fn a_401_from_any_call_returns_to_sign_in_and_back_to_the_same_page() {
    let app = mount_at("/clients?tab=deactivated").await;
    app.server.end_session();
    // "Reactivate" first reads the client: that call is answered 401.
    click(&expect("tbody button", "Reactivate")).await;
    assert_eq!(here(), "/sign-in?next=%2Fclients%3Ftab%3Ddeactivated");
    assert!(!page_text().contains("Cedar LLP"));
    assert!(all(".toast").is_empty(), "the sign-in page alone says why");
    expect(
        "form [role=status]",
        "Your session has ended. Sign in again to carry on.",
    );
    sign_in_with(&admin_email(), PASSWORD).await;
    assert_eq!(here(), "/clients?tab=deactivated");
    assert_eq!(row_names(), ["Cedar LLP"]);
}

#[wasm_bindgen_test]
async fn a_change_answered_401_returns_to_sign_in_and_is_not_applied() {
    let app = mount_at("/clients").await;
    open_acme_wizard().await;
    app.server.end_session();
    choose_ben_and_confirm().await;
    assert_eq!(here(), "/sign-in?next=%2Fclients");
    assert!(all(".toast").is_empty(), "the sign-in page alone says why");
    sign_in_with(&admin_email(), PASSWORD).await;
    assert_eq!(row_names(), ["Acme Ltd", "Birch & Co"], "nothing changed");
    assert_eq!(tab_text("Active clients"), "Active clients (2)");
}

#[wasm_bindgen_test]
async fn staff_see_no_manage_or_reactivate_and_are_told_who_can() {
    let _app = mount_with("/clients", FakeServer::signed_in(staff())).await;
    assert_eq!(row_names(), ["Acme Ltd", "Birch & Co"]);
    assert!(find("button", "Manage").is_none());
    assert_eq!(
        expect(".who-can-change", "").text_content().unwrap(),
        who_can_change_line()
    );

    click(&expect("[role=tab]", "Deactivated clients")).await;
    assert_eq!(row_names(), ["Cedar LLP"]);
    assert!(find("button", "Reactivate").is_none());
}

#[wasm_bindgen_test]
async fn staff_see_a_clients_businesses_without_their_actions() {
    let _app = mount_with("/clients/3", FakeServer::signed_in(staff())).await;
    expect(".banner", "This client is deactivated.");
    assert!(find("button", "Reactivate").is_none(), "not in the banner");
    assert_eq!(
        expect(".who-can-change", "").text_content().unwrap(),
        who_can_change_line()
    );
    click(&expect("[role=tab]", "Deactivated businesses")).await;
    assert_eq!(all("#businesses-panel tbody tr").len(), 2);
    assert!(find("button", "Reactivate").is_none(), "not on the rows");

    let _app = mount_with("/clients/1", FakeServer::signed_in(staff())).await;
    assert_eq!(all("#businesses-panel tbody tr").len(), 2);
    assert!(find("button", "Manage").is_none());
    expect("tbody button", "Documents");
}

#[wasm_bindgen_test]
async fn a_practice_admin_sees_manage_and_reactivate_and_no_who_can_line() {
    let _app = mount_at("/clients").await;
    assert_eq!(all("tbody button[aria-haspopup=menu]").len(), 2);
    assert!(find(".who-can-change", "").is_none());
    let _app = mount_at("/clients/3").await;
    expect(".banner button", "Reactivate");
    assert_eq!(
        all("#businesses-panel tbody button").len(),
        0,
        "no active businesses here"
    );
    let _app = mount_at("/clients/3?tab=deactivated").await;
    assert_eq!(
        all("tbody button")
            .iter()
            .filter(|b| b.text_content().unwrap() == "Reactivate")
            .count(),
        2
    );
}

#[wasm_bindgen_test]
async fn a_client_user_lands_on_the_portal_with_their_account_and_practice() {
    let _app = mount_with("/sign-in", FakeServer::signed_out()).await;
    sign_in_with(&client_user().user.email, PASSWORD).await;
    assert_eq!(here(), "/portal");
    assert_eq!(
        expect(".account-name", "").text_content().unwrap(),
        "Acme Ltd"
    );
    assert_eq!(
        expect(".practice-name", "").text_content().unwrap(),
        PRACTICE
    );
    assert!(page_text().contains("Priya Shah"));
    expect("header button", "Sign out");
    assert!(
        find("a", "Solo Clients").is_none(),
        "no practice navigation"
    );
}

#[wasm_bindgen_test]
async fn a_client_user_opening_solo_clients_is_sent_to_the_portal() {
    let _app = mount_with("/clients", FakeServer::signed_in(client_user())).await;
    assert_eq!(here(), "/portal");
    assert!(row_names().is_empty());
    assert!(!page_text().contains("Birch & Co"));
}

#[wasm_bindgen_test]
async fn staff_opening_the_portal_are_sent_to_solo_clients() {
    let _app = mount_at("/portal").await;
    assert_eq!(here(), "/clients");
    assert_eq!(row_names(), ["Acme Ltd", "Birch & Co"]);
}

#[wasm_bindgen_test]
async fn a_signed_in_person_opening_sign_in_goes_home() {
    let _app = mount_at("/sign-in").await;
    assert_eq!(here(), "/clients");
}
