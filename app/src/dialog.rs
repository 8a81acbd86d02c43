//! The modal dialog pattern: `role="dialog"` with `aria-modal`, focus moved
//! in on open, trapped while open, Escape to close, and focus handed back to
//! whatever opened it (or, if what it confirmed took that away, to the tab
//! on show).

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

const FOCUSABLE: &str = "button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href]";

/// A modal dialog titled by the element with id `title_id` inside it.
#[component]
pub fn Dialog(title_id: &'static str, on_close: Callback<()>, children: Children) -> impl IntoView {
    let dialog: NodeRef<html::Div> = NodeRef::new();
    // Cleanup closures must be Send; the app is single-threaded in the
    // browser, so wrapping the element is sound.
    let opener = send_wrapper::SendWrapper::new(active_element());
    on_cleanup(move || {
        let opener = opener.take();
        let Some(opener) = opener.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) else {
            return;
        };
        let _ = opener.focus();
        // What the dialog confirmed may take the opener's row away (to the
        // other tab) just after; focus then goes to the tab on show, not
        // to the page's body.
        request_animation_frame(move || {
            if !opener.is_connected() {
                focus_selected_tab();
            }
        });
    });
    Effect::new(move |_| {
        if let Some(first) = focusable(&dialog).into_iter().next() {
            let _ = first.focus();
        }
    });
    // Keys are heard on the whole window, not only inside the dialog, so
    // Escape and the trap still work after a click on the backdrop has
    // taken focus from the dialog. Only the topmost dialog answers.
    let keys = window_event_listener(leptos::ev::keydown, move |event| {
        if !is_topmost(&dialog) {
            return;
        }
        match event.key().as_str() {
            "Escape" => {
                event.prevent_default();
                on_close.run(());
            }
            "Tab" => trap_focus(&dialog, &event),
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    view! {
        <div class="backdrop">
            <div
                class="dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby=title_id
                tabindex="-1"
                node_ref=dialog
            >
                {children()}
            </div>
        </div>
    }
}

/// Whether `dialog` is the last dialog in the page, the one on top.
fn is_topmost(dialog: &NodeRef<html::Div>) -> bool {
    let Some(dialog) = dialog.get_untracked() else {
        return false;
    };
    let last = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.query_selector_all("[role=dialog]").ok())
        .and_then(|all| all.item(all.length().checked_sub(1)?));
    let dialog: &web_sys::Node = dialog.as_ref();
    last.is_some_and(|last| &last == dialog)
}

fn active_element() -> Option<web_sys::Element> {
    web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.active_element())
}

fn focusable(dialog: &NodeRef<html::Div>) -> Vec<web_sys::HtmlElement> {
    let Some(dialog) = dialog.get_untracked() else {
        return Vec::new();
    };
    let Ok(list) = dialog.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|index| list.item(index))
        .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

/// Tab from the last control goes to the first, Shift+Tab from the first to
/// the last, so focus never leaves the dialog.
fn trap_focus(dialog: &NodeRef<html::Div>, event: &leptos::ev::KeyboardEvent) {
    let controls = focusable(dialog);
    let (Some(first), Some(last)) = (controls.first(), controls.last()) else {
        event.prevent_default();
        return;
    };
    let active = active_element();
    let at = |element: &web_sys::HtmlElement| active.as_ref() == Some(element.unchecked_ref());
    let inside = controls.iter().any(at);
    if event.shift_key() && (at(first) || !inside) {
        event.prevent_default();
        let _ = last.focus();
    } else if !event.shift_key() && (at(last) || !inside) {
        event.prevent_default();
        let _ = first.focus();
    }
}

/// Focuses the tab on show, if the page has tabs.
fn focus_selected_tab() {
    let tab = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| {
            document
                .query_selector("[role=tab][aria-selected=true]")
                .ok()
                .flatten()
        })
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(tab) = tab {
        let _ = tab.focus();
    }
}

/// Focuses the first control of the open dialog.
pub fn focus_first_control() {
    let first = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| {
            document
                .query_selector(&format!("[role=dialog] :is({FOCUSABLE})"))
                .ok()
                .flatten()
        })
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(first) = first {
        let _ = first.focus();
    }
}
