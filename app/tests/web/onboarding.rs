//! Getting clients in (issue 12): "Add client" with its checks before
//! sending, its provisional row and its invitation link; editing a client,
//! its businesses and its users; and the invitation page. Importing and
//! exporting are in `import_export`.

use crate::browser::fire;
use crate::fixtures::{FakeServer, PASSWORD, staff};
use crate::*;
use clientele_core::identity::WeakPassword;
use clientele_core::onboarding::OnboardingError;
use clientele_core::{Client, ClientId};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

// ---- find and act ------------------------------------------------------------

pub fn field(id: &str) -> web_sys::HtmlInputElement {
    document()
        .get_element_by_id(id)
        .unwrap_or_else(|| panic!("no #{id} on the page"))
        .unchecked_into()
}

pub async fn type_into(id: &str, text: &str) {
    let input = field(id);
    input.set_value(text);
    fire(&input, "input");
    settle().await;
}

/// The message shown beside the field `id`.
pub fn message_of(id: &str) -> String {
    document()
        .get_element_by_id(&format!("{id}-error"))
        .and_then(|message| message.text_content())
        .unwrap_or_default()
}

async fn press_dialog_button(label: &str) {
    click(&expect("[role=dialog] button", label)).await;
}

/// Fills "Add client" with Delta's details.
async fn fill_new_client(code: &str) {
    click(&expect(".screen-actions button", "Add client")).await;
    type_into("new-client-name", "Delta Ltd").await;
    type_into("new-client-code", code).await;
    type_into("new-client-business", "Delta Bakery").await;
    type_into("new-client-user-name", "Dee Delta").await;
    type_into("new-client-user-email", "dee@delta.test").await;
}

fn origin() -> String {
    web_sys::window().unwrap().location().origin().unwrap()
}

fn server_client(app: &Mounted, id: u64) -> Client {
    app.server.read_client(ClientId(id)).unwrap()
}

// ---- add a client ----------------------------------------------------------------

#[wasm_bindgen_test]
async fn an_added_client_shows_at_once_then_as_the_server_stored_it_with_its_invitation_link() {
    let app = mount_at("/clients").await;
    *app.server.onboarding.add_delay_ms.lock().unwrap() = 300;
    fill_new_client("DL-1").await;
    press_dialog_button("Add client").await;

    assert_eq!(row_names(), ["Acme Ltd", "Birch & Co", "Delta Ltd"]);
    assert!(page_text().contains("Syncing…"), "{}", page_text());
    assert_eq!(tab_text("Active clients"), "Active clients (3)");
    let provisional = expect("tbody a", "Delta Ltd");
    assert_eq!(provisional.get_attribute("href"), None, "no page yet");

    sleep(400).await;
    settle().await;
    assert_eq!(row_names(), ["Acme Ltd", "Birch & Co", "Delta Ltd"]);
    assert!(!page_text().contains("Syncing…"));
    let stored = server_client(&app, 4);
    assert_eq!(stored.code.as_deref(), Some("DL-1"));
    let row = expect("tbody a", "Delta Ltd");
    assert_eq!(row.get_attribute("href").as_deref(), Some("/clients/4"));
    expect("tbody td.client-code", "DL-1");

    expect("[role=dialog] h2", "Client added");
    let link = field("invitation-link");
    assert_eq!(link.value(), format!("{}/invite/token-31", origin()));
    assert!(link.read_only());
    expect("[role=dialog] button", "Copy link");
    assert!(page_text().contains("It works once, for 7 days."));
}

#[wasm_bindgen_test]
async fn a_code_taken_meanwhile_takes_the_new_row_away_and_keeps_everything_typed() {
    let app = mount_at("/clients").await;
    *app.server.onboarding.add_delay_ms.lock().unwrap() = 100;
    // Someone else adds a client with the code after the list was read.
    {
        let mut clients = app.server.clients.lock().unwrap();
        let mut other = clients[&ClientId(2)].clone();
        other.id = ClientId(9);
        other.name = "Elsewhere Ltd".into();
        other.code = Some("DL-1".into());
        clients.insert(other.id, other);
    }
    fill_new_client("dl-1").await;
    press_dialog_button("Add client").await;
    assert!(row_names().contains(&"Delta Ltd".to_owned()), "at once");

    sleep(200).await;
    settle().await;
    assert_eq!(row_names(), ["Acme Ltd", "Birch & Co"]);
    assert_eq!(
        message_of("new-client-code"),
        OnboardingError::CodeTaken.to_string()
    );
    assert_eq!(field("new-client-name").value(), "Delta Ltd");
    assert_eq!(field("new-client-user-email").value(), "dee@delta.test");
    assert!(
        app.server.read_client(ClientId(10)).is_err(),
        "nothing stored"
    );
}

#[wasm_bindgen_test]
async fn the_add_client_form_says_what_core_refuses_before_sending_anything() {
    let app = mount_at("/clients").await;
    click(&expect(".screen-actions button", "Add client")).await;
    let dialog = expect("[role=dialog]", "");
    assert!(
        dialog.contains(
            document()
                .active_element()
                .as_ref()
                .map(|e| e.unchecked_ref())
        )
    );
    for label in [
        "Client name",
        "Client code",
        "Business name",
        "User name",
        "User email",
    ] {
        expect("[role=dialog] label", label);
    }
    type_into("new-client-name", "   ").await;
    type_into("new-client-code", "ac-001").await;
    type_into("new-client-business", "Delta Bakery").await;
    type_into("new-client-user-name", "Dee Delta").await;
    type_into("new-client-user-email", "dee.delta.test").await;
    press_dialog_button("Add client").await;

    assert_eq!(
        message_of("new-client-name"),
        OnboardingError::Name("client name").to_string()
    );
    assert_eq!(
        message_of("new-client-code"),
        OnboardingError::CodeTaken.to_string(),
        "Acme has AC-001"
    );
    assert_eq!(
        message_of("new-client-user-email"),
        OnboardingError::Email.to_string()
    );
    assert_eq!(message_of("new-client-business"), "");
    assert_eq!(row_names(), ["Acme Ltd", "Birch & Co"]);
    assert_eq!(app.server.clients.lock().unwrap().len(), 3, "nothing sent");

    press("Escape").await;
    assert!(find("[role=dialog]", "").is_none(), "Escape closes it");
}

#[wasm_bindgen_test]
async fn staff_see_add_client_but_not_import_clients_and_admins_see_both() {
    let _app = mount_with("/clients", FakeServer::signed_in(staff())).await;
    expect("button", "Add client");
    expect("button", "Export CSV");
    assert!(find("button", "Import clients").is_none());
    let _app = mount_at("/clients").await;
    expect("button", "Add client");
    expect("button", "Import clients");
}

// ---- edit a client, its businesses and users ---------------------------------------------

#[wasm_bindgen_test]
async fn editing_a_client_renames_it_and_sets_then_clears_its_code() {
    let app = mount_at("/clients/2").await;
    click(&expect("button", "Edit client")).await;
    type_into("edit-client-name", "Birch and Sons").await;
    type_into("edit-client-code", "BI-7").await;
    press_dialog_button("Save").await;
    expect("h1", "Birch and Sons");
    expect(".client-code", "Code: BI-7");
    let stored = server_client(&app, 2);
    assert_eq!(
        (stored.name.as_str(), stored.code.as_deref(), stored.version),
        ("Birch and Sons", Some("BI-7"), 2)
    );

    click(&expect("button", "Edit client")).await;
    type_into("edit-client-code", "").await;
    press_dialog_button("Save").await;
    assert!(find(".client-code", "Code").is_none());
    assert_eq!(server_client(&app, 2).code, None);
}

#[wasm_bindgen_test]
async fn adding_a_business_shows_it_with_the_id_the_server_gave_it() {
    let app = mount_at("/clients/2").await;
    click(&expect("button", "Add business")).await;
    type_into("new-business-name", "").await;
    press_dialog_button("Add business").await;
    assert_eq!(
        message_of("new-business-name"),
        OnboardingError::Name("business name").to_string()
    );
    type_into("new-business-name", "Birch Timber").await;
    press_dialog_button("Add business").await;
    assert_eq!(tab_text("Active businesses"), "Active businesses (2)");
    let stored = server_client(&app, 2);
    assert_eq!(stored.businesses[1].name, "Birch Timber");
    assert_eq!(stored.businesses[1].id.0, 302);
    expect("#businesses-panel tbody td", "Birch Timber");
}

#[wasm_bindgen_test]
async fn a_deactivated_client_says_why_no_business_can_be_added() {
    let _app = mount_at("/clients/3").await;
    let button = expect("button", "Add business");
    assert!(button.has_attribute("disabled"));
    expect(
        "#add-business-refusal",
        &OnboardingError::ClientDeactivated.to_string(),
    );
}

#[wasm_bindgen_test]
async fn renaming_a_business_shows_its_new_name() {
    let app = mount_at("/clients/1").await;
    click(&expect("button[aria-label='Rename Acme Cafe']", "Rename")).await;
    assert_eq!(field("rename-business-name").value(), "Acme Cafe");
    type_into("rename-business-name", "Acme Coffee").await;
    press_dialog_button("Rename").await;
    expect("#businesses-panel tbody td", "Acme Coffee");
    assert_eq!(server_client(&app, 1).businesses[1].name, "Acme Coffee");
}

#[wasm_bindgen_test]
async fn adding_a_user_shows_them_and_their_invitation_link() {
    let app = mount_at("/clients/2").await;
    expect("section[aria-labelledby=users-title] td", "Zoe Birch");
    expect(".badge", "Account owner");
    click(&expect("button", "Add user")).await;
    type_into("new-user-name", "Ann Lee").await;
    type_into("new-user-email", "ann@birch.test").await;
    let role = field("new-user-role");
    role.set_value("admin");
    fire(&role, "change");
    press_dialog_button("Add user").await;

    expect("[role=dialog] h2", "User added");
    assert_eq!(
        field("invitation-link").value(),
        format!("{}/invite/token-31", origin())
    );
    let stored = server_client(&app, 2);
    assert_eq!(stored.users[1].name, "Ann Lee");
    assert_eq!(stored.users[1].role, clientele_core::Role::Admin);
    expect("section[aria-labelledby=users-title] td", "Ann Lee");
    press_dialog_button("Done").await;
    assert!(find("[role=dialog]", "").is_none());
}

#[wasm_bindgen_test]
async fn adding_a_user_whose_email_is_in_the_account_is_refused_before_sending() {
    let app = mount_at("/clients/1").await;
    click(&expect("button", "Add user")).await;
    type_into("new-user-name", "Priya Again").await;
    type_into("new-user-email", "PRIYA.SHAH@example.com").await;
    press_dialog_button("Add user").await;
    assert_eq!(
        message_of("new-user-email"),
        OnboardingError::EmailInAccount.to_string()
    );
    assert_eq!(server_client(&app, 1).users.len(), 2);
}

#[wasm_bindgen_test]
async fn removing_a_user_asks_first_and_the_account_owner_cannot_be_removed() {
    let app = mount_at("/clients/1").await;
    assert!(find("button[aria-label='Remove Priya Shah']", "").is_none());
    click(&expect("button[aria-label='Remove Ben Carter']", "Remove")).await;
    expect("[role=dialog] h2", "Remove Ben Carter?");
    press_dialog_button("Remove user").await;
    assert!(find("section[aria-labelledby=users-title] td", "Ben Carter").is_none());
    let stored = server_client(&app, 1);
    assert_eq!(stored.users.len(), 1);
    assert_eq!(stored.version, 2);
}

// ---- the invitation page -------------------------------------------------------------

/// Nobody signed in, and an invitation for Zoe of Birch & Co.
fn invited() -> FakeServer {
    let server = FakeServer::signed_out();
    let birch = server.read_client(ClientId(2)).unwrap();
    server
        .onboarding
        .invite(&birch, birch.user(birch.owner).unwrap());
    server
}

#[wasm_bindgen_test]
async fn the_invitation_page_sets_the_password_signs_in_and_lands_on_the_portal() {
    let _app = mount_with("/invite/token-20", invited()).await;
    assert!(
        page_text().contains(
            "Set a password for Zoe Birch (zoe.birch@example.com), a user of Birch & Co at \
             Test Practice."
        ),
        "{}",
        page_text()
    );
    type_into("invite-password", "short").await;
    type_into("invite-confirm-password", "short").await;
    click(&expect("button[type=submit]", "Set password")).await;
    assert_eq!(
        message_of("invite-password"),
        WeakPassword::TooShort.to_string()
    );
    type_into("invite-password", PASSWORD).await;
    type_into("invite-confirm-password", "something else").await;
    click(&expect("button[type=submit]", "Set password")).await;
    assert_eq!(
        message_of("invite-confirm-password"),
        "The two passwords are not the same."
    );
    type_into("invite-confirm-password", PASSWORD).await;
    click(&expect("button[type=submit]", "Set password")).await;
    settle().await;
    assert_eq!(here(), "/portal");
    assert!(page_text().contains("Birch & Co"), "{}", page_text());
}

#[wasm_bindgen_test]
async fn an_expired_invitation_says_so_with_the_way_to_sign_in() {
    let server = invited();
    server
        .onboarding
        .invitations
        .lock()
        .unwrap()
        .get_mut("token-20")
        .unwrap()
        .expired = true;
    let _app = mount_with("/invite/token-20", server).await;
    expect(
        "[role=alert]",
        &OnboardingError::InvitationExpired.to_string(),
    );
    expect("a[href='/sign-in']", "Go to sign in");
    assert!(find("button", "Set password").is_none());
}
