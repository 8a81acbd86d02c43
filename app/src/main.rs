//! Starts the app in the browser.

fn main() {
    console_error_panic_hook::set_once();
    expose_memory_for_diagnostics();
    leptos::mount::mount_to_body(clientele_app::App);
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
