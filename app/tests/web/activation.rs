//! Deactivating and reactivating, as a practice admin: the wizard, the
//! optimistic move and its exact rollback, the retry, the cascade, the
//! keyboard and the long list.

use crate::fixtures::{FakeServer, demo};
use crate::*;
use clientele_app::api::ApiError;
use clientele_app::store::RETRY_AFTER;
use clientele_core::{BusinessId, ClientId, Command, Status, UserId};
use std::collections::BTreeMap;
use std::sync::Mutex;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
async fn the_list_shows_each_tab_with_its_count() {
    let _app = mount_at("/clients").await;
    assert_eq!(tab_text("Active clients"), "Active clients (2)");
    assert_eq!(tab_text("Deactivated clients"), "Deactivated clients (1)");
    assert_eq!(row_names(), ["Acme Ltd", "Birch & Co"]);
    assert_eq!(
        expect("[role=tab]", "Active clients")
            .get_attribute("aria-selected")
            .as_deref(),
        Some("true")
    );
}

#[wasm_bindgen_test]
async fn the_wizard_shows_cores_implications_then_the_owners_in_cores_order() {
    let _app = mount_at("/clients").await;
    open_acme_wizard().await;
    let dialog = expect("[role=dialog]", "");
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    let text = dialog.text_content().unwrap();
    assert!(text.contains("Deactivate Acme Ltd?"), "{text}");
    assert!(
        text.contains("2 businesses of Acme Ltd will be deactivated."),
        "{text}"
    );
    assert!(text.contains("2 users"), "{text}");

    click(&expect("[role=dialog] button", "Next")).await;
    let owners: Vec<String> = all("[role=dialog] .owner-name")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    assert_eq!(owners, ["Priya Shah", "Ben Carter"], "current owner first");
    assert_eq!(all("[role=dialog] input[type=radio]").len(), 2);
}

#[wasm_bindgen_test]
async fn confirm_stays_disabled_until_an_owner_is_chosen_and_back_returns_to_step_one() {
    let _app = mount_at("/clients").await;
    open_acme_wizard().await;
    click(&expect("[role=dialog] button", "Next")).await;
    let confirm = expect("[role=dialog] button", "Confirm");
    assert!(confirm.has_attribute("disabled"));
    click(&expect("[role=dialog] label", "Ben Carter")).await;
    assert!(!expect("[role=dialog] button", "Confirm").has_attribute("disabled"));
    click(&expect("[role=dialog] button", "Back")).await;
    assert!(find("[role=dialog] button", "Next").is_some());
    assert!(find("[role=dialog] button", "Confirm").is_none());
}

#[wasm_bindgen_test]
async fn confirming_moves_the_client_at_once_and_updates_both_counts() {
    let app = mount_at("/clients").await;
    open_acme_wizard().await;
    choose_ben_and_confirm().await;
    assert!(find("[role=dialog]", "").is_none(), "the wizard closed");
    assert_eq!(row_names(), ["Birch & Co"]);
    assert_eq!(tab_text("Active clients"), "Active clients (1)");
    assert_eq!(tab_text("Deactivated clients"), "Deactivated clients (2)");
    let sent = app.server.changes.lock().unwrap().clone();
    assert_eq!(
        sent,
        [Command::DeactivateClient {
            new_owner_id: UserId(11),
            reason: None
        }]
    );
    // "Manage" left with its row: focus is on the tab on show, not lost.
    sleep(50).await;
    assert!(
        focused_text().starts_with("Active clients"),
        "{}",
        focused_text()
    );
}

#[wasm_bindgen_test]
async fn a_failed_change_rolls_back_exactly_and_says_why_in_an_alert() {
    let app = mount_at("/clients").await;
    let before = document()
        .query_selector("main")
        .unwrap()
        .unwrap()
        .inner_html();
    *app.server.failure.lock().unwrap() = Some(ApiError::Server {
        status: 500,
        code: "internal".into(),
        message: "internal error".into(),
        current: None,
        changed_by: None,
    });
    open_acme_wizard().await;
    choose_ben_and_confirm().await;
    assert_eq!(row_names(), ["Acme Ltd", "Birch & Co"]);
    assert_eq!(tab_text("Active clients"), "Active clients (2)");
    let alert = expect("[role=alert]", "");
    assert!(alert.text_content().unwrap().contains("internal error"));
    let after = document()
        .query_selector("main")
        .unwrap()
        .unwrap()
        .inner_html();
    assert_eq!(after, before, "the screen is exactly as it was");
}

#[wasm_bindgen_test]
async fn a_lost_connection_is_retried_once_then_rolled_back() {
    let app = mount_at("/clients").await;
    *app.server.failure.lock().unwrap() = Some(ApiError::Network("reset".into()));
    open_acme_wizard().await;
    choose_ben_and_confirm().await;
    sleep(RETRY_AFTER.as_millis() as i32 + 100).await;
    assert_eq!(
        app.server.changes.lock().unwrap().len(),
        2,
        "sent, then retried once"
    );
    assert_eq!(row_names(), ["Acme Ltd", "Birch & Co"]);
    assert!(
        expect("[role=alert]", "")
            .text_content()
            .unwrap()
            .contains("Could not reach the server")
    );
}

#[wasm_bindgen_test]
async fn reactivating_a_client_asks_first_then_shows_every_business_active() {
    let _app = mount_at("/clients?tab=deactivated").await;
    assert_eq!(row_names(), ["Cedar LLP"]);
    // The cascade: both of Cedar's businesses come back with it.
    click(&expect("tbody button", "Reactivate")).await;
    let dialog = expect("[role=dialog]", "");
    assert!(
        dialog
            .text_content()
            .unwrap()
            .contains("all its businesses (2 businesses)")
    );
    click(&expect("[role=dialog] button", "Reactivate")).await;
    assert!(row_names().is_empty());
    assert_eq!(tab_text("Active clients"), "Active clients (3)");
}

#[wasm_bindgen_test]
async fn reactivating_from_the_businesses_page_shows_the_cascade() {
    let _app = mount_at("/clients/3").await;
    assert_eq!(tab_text("Active businesses"), "Active businesses (0)");
    click(&expect(".banner button", "Reactivate")).await;
    click(&expect("[role=dialog] button", "Reactivate")).await;
    assert!(find(".banner", "").is_none(), "the banner is gone");
    assert_eq!(tab_text("Active businesses"), "Active businesses (2)");
    assert_eq!(
        tab_text("Deactivated businesses"),
        "Deactivated businesses (0)"
    );
    let names: Vec<String> = all("#businesses-panel tbody td:first-child")
        .iter()
        .map(|td| td.text_content().unwrap())
        .collect();
    assert_eq!(names, ["Cedar North", "Cedar South"]);
}

#[wasm_bindgen_test]
async fn a_deactivated_client_shows_a_banner_and_refuses_to_reactivate_one_business() {
    let app = mount_at("/clients/3?tab=deactivated").await;
    let banner = expect(".banner", "");
    assert!(
        banner
            .text_content()
            .unwrap()
            .contains("will not be extracted")
    );
    click(&expect("tbody button", "Reactivate")).await;
    let alert = expect("[role=alert]", "").text_content().unwrap();
    assert!(alert.contains("Reactivate the client first"), "{alert}");
    assert!(
        app.server.changes.lock().unwrap().is_empty(),
        "core refused it locally"
    );
}

#[wasm_bindgen_test]
async fn a_business_is_reactivated_in_one_click() {
    let mut clients = demo();
    clients.get_mut(&ClientId(1)).unwrap().businesses[1].status = Status::Deactivated;
    let app = mount_with(
        "/clients/1?tab=deactivated",
        FakeServer {
            clients: Mutex::new(clients),
            ..Default::default()
        },
    )
    .await;
    click(&expect("tbody button", "Reactivate")).await;
    assert!(find("[role=dialog]", "").is_none(), "no dialog");
    assert_eq!(tab_text("Active businesses"), "Active businesses (2)");
    assert_eq!(
        app.server.changes.lock().unwrap().clone(),
        [Command::ReactivateBusiness {
            business_id: BusinessId(101)
        }]
    );
}

#[wasm_bindgen_test]
async fn arrow_keys_move_between_tabs() {
    let _app = mount_at("/clients").await;
    expect("[role=tab]", "Active clients").focus().unwrap();
    press("ArrowRight").await;
    assert!(focused_text().starts_with("Deactivated clients"));
    assert_eq!(
        expect("[role=tab]", "Deactivated clients")
            .get_attribute("aria-selected")
            .as_deref(),
        Some("true")
    );
    assert_eq!(row_names(), ["Cedar LLP"]);
    press("Home").await;
    assert!(focused_text().starts_with("Active clients"));
}

#[wasm_bindgen_test]
async fn the_menu_opens_on_its_first_item_and_escape_returns_to_manage() {
    let _app = mount_at("/clients").await;
    let manage = expect("button[aria-label='Manage Acme Ltd']", "Manage");
    click(&manage).await;
    assert_eq!(
        manage.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    assert_eq!(focused_text(), "Deactivate client");
    press("Escape").await;
    assert!(find("[role=menu]", "").is_none());
    assert_eq!(focused_text(), "Manage");
}

#[wasm_bindgen_test]
async fn escape_closes_the_dialog_and_focus_returns_to_manage() {
    let _app = mount_at("/clients").await;
    open_acme_wizard().await;
    assert_eq!(
        focused_choice(),
        "now",
        "focus moved into the dialog, on its first control: \"Deactivate now\""
    );
    press("Escape").await;
    assert!(find("[role=dialog]", "").is_none());
    assert_eq!(focused_text(), "Manage");
    assert_eq!(row_names(), ["Acme Ltd", "Birch & Co"], "nothing changed");
}

#[wasm_bindgen_test]
async fn a_press_outside_the_menu_closes_it_so_one_is_open_at_most() {
    let _app = mount_at("/clients").await;
    click(&expect("button[aria-label='Manage Acme Ltd']", "Manage")).await;
    assert!(find("[role=menu]", "").is_some());
    pointer_down_on(&expect("h1", "Solo Clients")).await;
    assert!(
        find("[role=menu]", "").is_none(),
        "a press on the page closed it"
    );

    click(&expect("button[aria-label='Manage Acme Ltd']", "Manage")).await;
    let birch = expect("button[aria-label='Manage Birch & Co']", "Manage");
    pointer_down_on(&birch).await;
    click(&birch).await;
    assert_eq!(
        document()
            .query_selector_all("[role=menu]")
            .unwrap()
            .length(),
        1
    );
    assert_eq!(
        birch.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
}

#[wasm_bindgen_test]
async fn escape_closes_the_dialog_even_when_focus_has_left_it() {
    let _app = mount_at("/clients").await;
    open_acme_wizard().await;
    // As after a click on the backdrop: nothing in the dialog has focus.
    document()
        .active_element()
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
        .unwrap()
        .blur()
        .unwrap();
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Escape");
    let escape =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    web_sys::window().unwrap().dispatch_event(&escape).unwrap();
    settle().await;
    assert!(find("[role=dialog]", "").is_none());
}

#[wasm_bindgen_test]
async fn a_short_list_is_its_rows_alone() {
    let _app = mount_at("/clients").await;
    let rows = document()
        .query_selector_all("table tbody tr")
        .unwrap()
        .length();
    assert_eq!(rows as usize, row_names().len(), "no spacer rows");
}

/// A pointer pressed on `element`, as a click begins.
async fn pointer_down_on(element: &web_sys::HtmlElement) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("pointerdown", &init).unwrap();
    element.dispatch_event(&event).unwrap();
    settle().await;
}

#[wasm_bindgen_test]
async fn tab_stays_inside_the_dialog() {
    let _app = mount_at("/clients").await;
    open_acme_wizard().await;
    expect("[role=dialog] button", "Next").focus().unwrap();
    press("Tab").await;
    assert_eq!(
        focused_choice(),
        "now",
        "Tab from the last control wraps to the first, \"Deactivate now\""
    );
}

/// The value of the focused radio button ("now" for "Deactivate now").
fn focused_choice() -> String {
    document()
        .active_element()
        .and_then(|element| element.get_attribute("value"))
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn a_long_list_renders_only_the_rows_in_view_and_follows_the_scroll() {
    let mut clients = BTreeMap::new();
    for n in 1..=500u64 {
        let mut client = demo()[&ClientId(2)].clone();
        client.id = ClientId(n);
        client.name = format!("Client {n:04}");
        clients.insert(client.id, client);
    }
    let app = mount_with(
        "/clients",
        FakeServer {
            clients: Mutex::new(clients),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(tab_text("Active clients"), "Active clients (500)");
    let reads = || {
        app.server
            .page_reads
            .load(std::sync::atomic::Ordering::SeqCst)
    };
    assert_eq!(reads(), 1, "the first page alone is read");
    let shown = row_names();
    // The rows the list's box (at most 70 % of the window, 49 pixels a
    // row) can show, and five more above and below.
    let height = web_sys::window()
        .unwrap()
        .inner_height()
        .unwrap()
        .as_f64()
        .unwrap();
    let fits = (height * 0.7 / 49.0).ceil() as usize + 1;
    assert!(
        shown.len() <= fits + 10,
        "only the rows in view are in the DOM: {} in a window {height} pixels high",
        shown.len()
    );
    assert_eq!(shown[0], "Client 0001");

    let scroller = expect(".table-scroll", "");
    // The stylesheet is not loaded here; give the list its scrolling box.
    scroller
        .set_attribute("style", "display: block; max-height: 400px; overflow: auto")
        .unwrap();
    scroller.set_scroll_top(400 * 49);
    scroller
        .dispatch_event(&web_sys::Event::new("scroll").unwrap())
        .unwrap();
    settle().await;
    let shown = row_names();
    assert!(shown.contains(&"Client 0401".to_owned()), "{shown:?}");
    assert!(!shown.contains(&"Client 0001".to_owned()));
    // The pages in view and the one ahead, not the ones scrolled past.
    assert_eq!(
        reads(),
        3,
        "the first page, then the fourth and fifth of five"
    );
}
