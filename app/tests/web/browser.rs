//! The browser-side helpers the tests need that Rust cannot make: files,
//! events and stand-ins for `fetch` and `XMLHttpRequest`. They live in one
//! JS module, `browser.js`, so the test page loads one snippet, not one per
//! test file: wasm-bindgen-test-runner's little HTTP server has hung when
//! Chromium fetched five snippets at once.
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/tests/web/browser.js")]
extern "C" {
    // onboarding.rs
    pub fn fire(target: &web_sys::HtmlElement, kind: &str);
    // import_export.rs
    pub fn text_file(name: &str, text: &str) -> web_sys::File;
    pub fn sized_file(name: &str, size: f64) -> web_sys::File;
    pub fn choose_file(input: &web_sys::HtmlInputElement, file: &web_sys::File);
    // portal.rs
    pub fn make_file(name: &str, size: f64) -> web_sys::File;
    pub fn choose_files(input: &web_sys::HtmlInputElement, files: &js_sys::Array);
    pub fn drop_files(target: &web_sys::HtmlElement, files: &js_sys::Array);
    // http_api.rs
    pub fn stub_fetch(answers_json: &str);
    pub fn unstub_fetch();
    pub fn sent_requests() -> String;
    // upload_http.rs
    pub fn stub_browser(session_json: &str, status: u16, body: &str);
    pub fn unstub_browser();
    pub fn sent_uploads() -> String;
    pub fn pdf(name: &str) -> web_sys::File;
}
