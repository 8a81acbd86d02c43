//! Exact undo, as a practice admin: after a deactivation is saved the toast
//! offers "Undo", a real button; clicking it puts the client back exactly,
//! and a refused undo rolls back exactly and says why.

use crate::*;
use clientele_core::{ClientId, Command, Role, Status, UserId};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

const ACME: ClientId = ClientId(1);

#[wasm_bindgen_test]
async fn undo_in_the_toast_puts_a_deactivated_client_back_exactly() {
    let app = mount_at("/clients").await;
    let before = app.server.read_client(ACME).unwrap();
    open_acme_wizard().await;
    choose_ben_and_confirm().await;
    assert_eq!(row_names(), ["Birch & Co"]);
    let toast = expect(".toast", "Acme Ltd was deactivated.");
    let undo = toast
        .query_selector("button.toast-action")
        .unwrap()
        .unwrap();
    assert_eq!(undo.text_content().unwrap(), "Undo");
    assert_eq!(undo.tag_name(), "BUTTON", "a real button, reached by Tab");

    click(&expect(".toast button", "Undo")).await;
    assert_eq!(row_names(), ["Acme Ltd", "Birch & Co"], "back in the tab");
    assert_eq!(tab_text("Active clients"), "Active clients (2)");
    assert!(find(".toast", "Acme Ltd was deactivated.").is_none());
    let stored = app.server.read_client(ACME).unwrap();
    assert_eq!(stored.version, before.version + 2, "undo is a change too");
    assert_eq!(stored.owner, UserId(10));
    assert_eq!(stored.user(UserId(11)).unwrap().role, Role::Standard);
    assert_eq!(stored.count_businesses(Status::Active), 2);
    assert_eq!(
        stored,
        clientele_core::Client {
            version: stored.version,
            ..before
        }
    );
    let sent = app.server.changes.lock().unwrap().clone();
    assert!(matches!(sent.last(), Some(Command::UndoChange { .. })));
}

#[wasm_bindgen_test]
async fn a_refused_undo_rolls_back_exactly_and_says_someone_changed_the_client() {
    let app = mount_at("/clients").await;
    open_acme_wizard().await;
    choose_ben_and_confirm().await;
    // Someone else renames Acme on the server; this app has not heard.
    let current = app.server.read_client(ACME).unwrap();
    let rename = Command::EditClient {
        name: Some("Acme Renamed Ltd".into()),
        code: None,
    };
    app.server.decide(ACME, current.version, &rename).unwrap();

    click(&expect(".toast button", "Undo")).await;
    let alert = expect("[role=alert]", "").text_content().unwrap();
    assert!(
        alert.contains("someone changed the client in between"),
        "{alert}"
    );
    assert_eq!(row_names(), ["Birch & Co"], "still deactivated, as stored");
    assert_eq!(tab_text("Deactivated clients"), "Deactivated clients (2)");
    assert_eq!(
        app.server.read_client(ACME).unwrap().status,
        Status::Deactivated
    );
}

#[wasm_bindgen_test]
async fn undo_puts_a_deactivated_business_back_with_its_owner() {
    let app = mount_at("/clients/1").await;
    let before = app.server.read_client(ACME).unwrap();
    click(&expect("button[aria-label='Manage Acme Shop']", "Manage")).await;
    click(&expect("[role=menuitem]", "Deactivate business")).await;
    choose_ben_and_confirm().await;
    let toast = expect(".toast", "Acme Shop was deactivated.");
    assert!(toast.text_content().unwrap().contains("Undo"));
    assert_eq!(
        app.server
            .read_client(ACME)
            .unwrap()
            .business(clientele_core::BusinessId(100))
            .unwrap()
            .owner,
        UserId(11)
    );

    click(&expect(".toast button", "Undo")).await;
    assert!(find("button[aria-label='Manage Acme Shop']", "Manage").is_some());
    let stored = app.server.read_client(ACME).unwrap();
    assert_eq!(
        stored,
        clientele_core::Client {
            version: before.version + 2,
            ..before
        }
    );
}

#[wasm_bindgen_test]
async fn a_business_is_deactivated_with_the_same_wizard_and_its_reason() {
    let app = mount_at("/clients/1").await;
    click(&expect("button[aria-label='Manage Acme Shop']", "Manage")).await;
    click(&expect("[role=menuitem]", "Deactivate business")).await;
    click(&expect("[role=dialog] button", "Next")).await;
    click(&expect("[role=dialog] label", "Ben Carter")).await;
    let reason: web_sys::HtmlTextAreaElement = expect("[role=dialog] label.field", "Reason")
        .query_selector("textarea")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    reason.set_value("Sold the shop");
    reason
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    click(&expect("[role=dialog] button", "Confirm")).await;
    expect(".toast", "Acme Shop was deactivated.");
    let changes = app.server.changes.lock().unwrap().clone();
    assert_eq!(
        changes.last(),
        Some(&Command::DeactivateBusiness {
            business_id: clientele_core::BusinessId(100),
            new_owner_id: UserId(11),
            reason: Some("Sold the shop".into()),
        })
    );
}
