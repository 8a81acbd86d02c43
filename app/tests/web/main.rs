//! The app's screens in headless Chromium, against a fake API that applies
//! `core`'s rules like the server does and can be told to fail. Each test
//! mounts the whole app at a URL, acts as a person would (clicks, keys) and
//! checks the DOM. One binary: the fixtures live in `fixtures`, the finders
//! and actions here, the tests by subject in the other modules.
#![cfg(target_arch = "wasm32")]

mod activation;
mod browser;
mod dates;
mod fixtures;
mod http_api;
mod identity;
mod import_export;
mod interleavings;
mod invitations;
mod live;
mod onboarding;
mod passwords;
mod portal;
mod reextract;
mod schedule;
mod select_all;
mod undo;
mod upload_http;

use clientele_app::AppWith;
use clientele_app::api::SharedApi;
use fixtures::FakeServer;
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

// ---- mounting -----------------------------------------------------------------

/// The app mounted at `path` over `server`; unmounted when dropped.
pub struct Mounted {
    _handle: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
    pub server: Arc<FakeServer>,
}

/// The app at `path`, with the demo clients and a practice admin signed in.
pub async fn mount_at(path: &str) -> Mounted {
    mount_with(path, FakeServer::default()).await
}

pub async fn mount_with(path: &str, server: FakeServer) -> Mounted {
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

pub async fn settle() {
    for _ in 0..4 {
        leptos::task::tick().await;
        sleep(10).await;
    }
}

pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

pub fn all(selector: &str) -> Vec<web_sys::HtmlElement> {
    let list = document().query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().unchecked_into())
        .collect()
}

/// The element matching `selector` whose text is (or starts with) `text`.
pub fn find(selector: &str, text: &str) -> Option<web_sys::HtmlElement> {
    all(selector).into_iter().find(|e| {
        e.text_content()
            .unwrap_or_default()
            .trim()
            .starts_with(text)
    })
}

pub fn expect(selector: &str, text: &str) -> web_sys::HtmlElement {
    find(selector, text).unwrap_or_else(|| panic!("no {selector} reading '{text}' on the page"))
}

pub fn row_names() -> Vec<String> {
    // The name is the first cell, or the one after an admin's check box.
    all("tbody tr td:first-child a, tbody tr td.select + td a")
        .iter()
        .map(|a| a.text_content().unwrap())
        .collect()
}

pub fn tab_text(label: &str) -> String {
    expect("[role=tab]", label).text_content().unwrap()
}

pub fn focused_text() -> String {
    document()
        .active_element()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
        .trim()
        .to_owned()
}

pub async fn click(element: &web_sys::HtmlElement) {
    element.click();
    settle().await;
}

pub async fn press(key: &str) {
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
pub async fn open_acme_wizard() {
    click(&expect("button[aria-label='Manage Acme Ltd']", "Manage")).await;
    click(&expect("[role=menuitem]", "Deactivate client")).await;
}

pub async fn choose_ben_and_confirm() {
    click(&expect("[role=dialog] button", "Next")).await;
    click(&expect("[role=dialog] label", "Ben Carter")).await;
    click(&expect("[role=dialog] button", "Confirm")).await;
}

/// The page's path and query, as the address bar shows them.
pub fn here() -> String {
    let location = web_sys::window().unwrap().location();
    format!(
        "{}{}",
        location.pathname().unwrap(),
        location.search().unwrap()
    )
}

/// Every word the app shows (the test runner's own report excluded).
pub fn page_text() -> String {
    all("[data-test-root]")
        .iter()
        .map(|root| root.text_content().unwrap_or_default())
        .collect()
}

/// Types an email and password into the sign-in form and submits it the
/// way Enter in a field does (the form's implicit submission).
pub async fn sign_in_with(email: &str, password: &str) {
    let field = |id: &str| -> web_sys::HtmlInputElement {
        document()
            .get_element_by_id(id)
            .unwrap_or_else(|| panic!("no #{id} on the page"))
            .unchecked_into()
    };
    field("sign-in-email").set_value(email);
    let password_field = field("sign-in-password");
    password_field.set_value(password);
    password_field.focus().unwrap();
    let form: web_sys::HtmlFormElement = password_field.form().unwrap().unchecked_into();
    form.request_submit().unwrap();
    settle().await;
}
