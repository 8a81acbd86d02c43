//! Starts the app in the browser.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

fn main() {
    console_error_panic_hook::set_once();
    expose_memory_for_diagnostics();
    // Drawn in a task of its own: the browser compiles and starts the module
    // in one task, and drawing the first page right after would make that
    // one long task in which the page cannot answer input.
    let mount = Closure::once_into_js(|| {
        remove_page_loading();
        leptos::mount::mount_to_body(clientele_app::App)
    });
    web_sys::window()
        .and_then(|window| window.set_timeout_with_callback(mount.unchecked_ref()).ok())
        .expect("the app runs in a browser window");
}

/// Puts the app's wasm memory at `window.clienteleWasmMemory`, so its size
/// can be read from the console or by `make bench`; nothing else uses it.
fn expose_memory_for_diagnostics() {
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(
            &window,
            &"clienteleWasmMemory".into(),
            &wasm_bindgen::memory(),
        );
    }
}

/// Removes the loading state that `index.html` draws before the app has
/// loaded, in the task that draws the app's own, so the page is never blank
/// between the two nor shows both.
fn remove_page_loading() {
    if let Some(loading) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("page-loading"))
    {
        loading.remove();
    }
}
