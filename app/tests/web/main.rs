//! The app's screens in headless Chromium, against a fake API that applies
//! `core`'s rules like the server does and can be told to fail. Each test
//! mounts the whole app at a URL, acts as a person would (clicks, keys) and
//! checks the DOM.
#![cfg(target_arch = "wasm32")]

use clientele_app::AppWith;
use clientele_app::api::{Api, ApiError, ApiFuture, SharedApi};
use clientele_core::wire::{
    ActivityEntry, ClientPage, ClientSummary, DocumentView, StatusCounts, UserRef,
};
use clientele_core::{
    Business, BusinessId, Client, ClientId, ClientUser, Command, Practice, PracticeId, Role,
    Status, UserId, execute,
};
use leptos::prelude::*;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

// ---- fixtures -------------------------------------------------------------

/// Three clients: Acme (active, two businesses, two users), Birch (active)
/// and Cedar (deactivated, with both businesses deactivated).
fn demo() -> BTreeMap<ClientId, Client> {
    let user = |id: u64, name: &str, role| ClientUser {
        id: UserId(id),
        name: name.into(),
        email: format!("{}@example.com", name.to_lowercase().replace(' ', ".")),
        role,
    };
    let business = |id: u64, name: &str, status, owner: u64| Business {
        id: BusinessId(id),
        name: name.into(),
        status,
        owner: UserId(owner),
    };
    let client = |id: u64, name: &str, status, users, businesses| Client {
        id: ClientId(id),
        name: name.into(),
        status,
        version: 1,
        owner: UserId(id * 10),
        users,
        businesses,
    };
    [
        client(
            1,
            "Acme Ltd",
            Status::Active,
            vec![
                user(10, "Priya Shah", Role::Admin),
                user(11, "Ben Carter", Role::Standard),
            ],
            vec![
                business(100, "Acme Shop", Status::Active, 10),
                business(101, "Acme Cafe", Status::Active, 10),
            ],
        ),
        client(
            2,
            "Birch & Co",
            Status::Active,
            vec![user(20, "Zoe Birch", Role::Admin)],
            vec![business(200, "Birch Joinery", Status::Active, 20)],
        ),
        client(
            3,
            "Cedar LLP",
            Status::Deactivated,
            vec![user(30, "Cal Cedar", Role::Admin)],
            vec![
                business(300, "Cedar North", Status::Deactivated, 30),
                business(301, "Cedar South", Status::Deactivated, 30),
            ],
        ),
    ]
    .into_iter()
    .map(|client| (client.id, client))
    .collect()
}

/// The server, as far as the screens can tell: it applies `core`'s rules,
/// or fails with `failure` when one is set.
#[derive(Default)]
struct FakeServer {
    clients: Mutex<BTreeMap<ClientId, Client>>,
    failure: Mutex<Option<ApiError>>,
    changes: Mutex<Vec<Command>>,
}

fn ready<T: 'static>(value: Result<T, ApiError>) -> ApiFuture<T> {
    Box::pin(async move { value })
}

impl Api for FakeServer {
    fn practice(&self) -> ApiFuture<Practice> {
        ready(Ok(Practice {
            id: PracticeId(1),
            name: "Test Practice".into(),
        }))
    }

    fn clients(&self, status: Status, _offset: u64, _limit: u64) -> ApiFuture<ClientPage> {
        let clients = self.clients.lock().unwrap();
        let items: Vec<ClientSummary> = clients
            .values()
            .filter(|client| client.status == status)
            .map(|client| ClientSummary {
                id: client.id,
                name: client.name.clone(),
                status: client.status,
                business_count: client.businesses.len(),
                owner: UserRef {
                    id: client.owner,
                    name: client.user(client.owner).unwrap().name.clone(),
                },
                updated_at: "2026-11-01T09:00:00Z".into(),
            })
            .collect();
        let count = |status| clients.values().filter(|c| c.status == status).count() as u64;
        let counts = StatusCounts {
            active: count(Status::Active),
            deactivated: count(Status::Deactivated),
        };
        ready(Ok(ClientPage {
            total: items.len() as u64,
            items,
            counts,
        }))
    }

    fn client(&self, id: ClientId) -> ApiFuture<Client> {
        let found = self.clients.lock().unwrap().get(&id).cloned();
        ready(found.ok_or(ApiError::Server {
            status: 404,
            code: "not_found".into(),
            message: "No such client.".into(),
            current: None,
        }))
    }

    fn activity(&self, _id: ClientId) -> ApiFuture<Vec<ActivityEntry>> {
        ready(Ok(Vec::new()))
    }

    fn documents(&self, _business: BusinessId) -> ApiFuture<Vec<DocumentView>> {
        ready(Ok(Vec::new()))
    }

    fn change(
        &self,
        id: ClientId,
        expected: u64,
        command: &Command,
        _key: &str,
    ) -> ApiFuture<Client> {
        self.changes.lock().unwrap().push(command.clone());
        if let Some(failure) = self.failure.lock().unwrap().clone() {
            return ready(Err(failure));
        }
        let mut clients = self.clients.lock().unwrap();
        let current = clients.get(&id).cloned().unwrap();
        ready(match execute(&current, expected, command) {
            Ok((next, _)) => {
                clients.insert(id, next.clone());
                Ok(next)
            }
            Err(refusal) => Err(ApiError::Server {
                status: 409,
                code: refusal.code().into(),
                message: refusal.to_string(),
                current: Some(Box::new(current)),
            }),
        })
    }
}

/// The app mounted at `path` over `server`; unmounted when dropped.
struct Mounted {
    _handle: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
    server: Arc<FakeServer>,
}

async fn mount_at(path: &str) -> Mounted {
    mount_with(
        path,
        FakeServer {
            clients: Mutex::new(demo()),
            ..Default::default()
        },
    )
    .await
}

async fn mount_with(path: &str, server: FakeServer) -> Mounted {
    let window = web_sys::window().unwrap();
    window
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path))
        .unwrap();
    let document = window.document().unwrap();
    // Only our own roots go: the test runner reports through the body too.
    for old_root in all("[data-test-root]") {
        old_root.remove();
    }
    let root: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    root.set_attribute("data-test-root", "").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let server = Arc::new(server);
    let api: SharedApi = server.clone();
    let handle = leptos::mount::mount_to(root, move || view! { <AppWith api=api /> }.into_any());
    settle().await;
    Mounted {
        _handle: handle,
        server,
    }
}

// ---- find, act, check ------------------------------------------------------

async fn settle() {
    for _ in 0..4 {
        leptos::task::tick().await;
        sleep(10).await;
    }
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn all(selector: &str) -> Vec<web_sys::HtmlElement> {
    let list = document().query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().unchecked_into())
        .collect()
}

/// The element matching `selector` whose text is (or starts with) `text`.
fn find(selector: &str, text: &str) -> Option<web_sys::HtmlElement> {
    all(selector).into_iter().find(|e| {
        e.text_content()
            .unwrap_or_default()
            .trim()
            .starts_with(text)
    })
}

fn expect(selector: &str, text: &str) -> web_sys::HtmlElement {
    find(selector, text).unwrap_or_else(|| panic!("no {selector} reading '{text}' on the page"))
}

fn row_names() -> Vec<String> {
    all("tbody tr td:first-child a")
        .iter()
        .map(|a| a.text_content().unwrap())
        .collect()
}

fn tab_text(label: &str) -> String {
    expect("[role=tab]", label).text_content().unwrap()
}

fn focused_text() -> String {
    document()
        .active_element()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
        .trim()
        .to_owned()
}

async fn click(element: &web_sys::HtmlElement) {
    element.click();
    settle().await;
}

async fn press(key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    let target = document().active_element().unwrap();
    target.dispatch_event(&event).unwrap();
    settle().await;
}

/// Opens the wizard for Acme from the list: "Manage", "Deactivate client".
async fn open_acme_wizard() {
    click(&expect("button[aria-label='Manage Acme Ltd']", "Manage")).await;
    click(&expect("[role=menuitem]", "Deactivate client")).await;
}

async fn choose_ben_and_confirm() {
    click(&expect("[role=dialog] button", "Next")).await;
    click(&expect("[role=dialog] label", "Ben Carter")).await;
    click(&expect("[role=dialog] button", "Confirm")).await;
}

// ---- the tests --------------------------------------------------------------

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
            .contains("all 2 of its businesses")
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
    let names: Vec<String> = all("tbody td:first-child")
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
    assert_eq!(focused_text(), "Cancel", "focus moved into the dialog");
    press("Escape").await;
    assert!(find("[role=dialog]", "").is_none());
    assert_eq!(focused_text(), "Manage");
    assert_eq!(row_names(), ["Acme Ltd", "Birch & Co"], "nothing changed");
}

#[wasm_bindgen_test]
async fn tab_stays_inside_the_dialog() {
    let _app = mount_at("/clients").await;
    open_acme_wizard().await;
    expect("[role=dialog] button", "Next").focus().unwrap();
    press("Tab").await;
    assert_eq!(
        focused_text(),
        "Cancel",
        "Tab from the last control wraps to the first"
    );
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
    let _app = mount_with(
        "/clients",
        FakeServer {
            clients: Mutex::new(clients),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(tab_text("Active clients"), "Active clients (500)");
    let shown = row_names();
    assert!(
        shown.len() < 100,
        "only a window of rows is in the DOM, not {}",
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
}
