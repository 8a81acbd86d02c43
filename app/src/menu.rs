//! The menu button pattern: "Manage" opens a `role="menu"` whose items are
//! reached with the arrow keys; Escape closes it and returns focus, and a
//! press outside it closes it.

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A "Manage" button with a drop-down menu of actions.
#[component]
pub fn ManageMenu(
    /// Names what the menu manages, for screen readers.
    subject: String,
    /// The actions: label and what to do.
    items: Vec<(&'static str, Callback<()>)>,
    /// Whether the button is disabled (a change is syncing).
    #[prop(into)]
    disabled: Signal<bool>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let button: NodeRef<html::Button> = NodeRef::new();
    let menu: NodeRef<html::Div> = NodeRef::new();
    let close = move |refocus: bool| {
        open.set(false);
        if refocus && let Some(button) = button.get_untracked() {
            let _ = button.focus();
        }
    };
    // While open, a press anywhere outside closes it, so that one menu at
    // most is open and none is left over the rows below it.
    let wrap: NodeRef<html::Div> = NodeRef::new();
    let outside = StoredValue::new(None::<WindowListenerHandle>);
    let stop_listening = move || {
        if let Some(handle) = outside.try_update_value(Option::take).flatten() {
            handle.remove();
        }
    };
    Effect::new(move |_| {
        if open.get() {
            focus_item(&menu, 0, 0);
            let handle = window_event_listener(leptos::ev::pointerdown, move |event| {
                let target = event
                    .target()
                    .and_then(|target| target.dyn_into::<web_sys::Node>().ok());
                let inside = wrap
                    .get_untracked()
                    .is_some_and(|wrap| wrap.contains(target.as_ref()));
                if !inside {
                    open.set(false);
                }
            });
            stop_listening();
            outside.set_value(Some(handle));
        } else {
            stop_listening();
        }
    });
    on_cleanup(stop_listening);
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        let key = event.key();
        let step: i32 = match key.as_str() {
            "ArrowDown" => 1,
            "ArrowUp" => -1,
            "Escape" | "Tab" => {
                if key == "Escape" {
                    event.prevent_default();
                }
                close(key == "Escape");
                return;
            }
            _ => return,
        };
        event.prevent_default();
        focus_item(&menu, focused_index(&menu), step);
    };
    let menu_label = format!("Manage {subject}");
    view! {
        <div class="menu-wrap" node_ref=wrap on:keydown=on_keydown>
            <button
                type="button"
                class="button secondary"
                node_ref=button
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                aria-label=menu_label.clone()
                disabled=move || disabled.get()
                on:click=move |_| open.update(|open| *open = !*open)
            >
                "Manage"
            </button>
            <Show when=move || open.get()>
                <div class="menu" role="menu" node_ref=menu aria-label=menu_label.clone()>
                    {items
                        .iter()
                        .map(|(label, action)| {
                            let action = *action;
                            view! {
                                <button
                                    type="button"
                                    role="menuitem"
                                    tabindex="-1"
                                    class="menu-item"
                                    on:click=move |_| {
                                        // Focus goes back to "Manage" first, so a dialog the
                                        // action opens returns focus there when it closes.
                                        close(true);
                                        action.run(());
                                    }
                                >
                                    {*label}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            </Show>
        </div>
    }
}

fn items(menu: &NodeRef<html::Div>) -> Vec<web_sys::HtmlElement> {
    let Some(menu) = menu.get_untracked() else {
        return Vec::new();
    };
    let Ok(list) = menu.query_selector_all("[role=menuitem]") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|index| list.item(index))
        .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

fn focused_index(menu: &NodeRef<html::Div>) -> usize {
    let active = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.active_element());
    items(menu)
        .iter()
        .position(|item| active.as_ref() == Some(item.unchecked_ref()))
        .unwrap_or(0)
}

fn focus_item(menu: &NodeRef<html::Div>, from: usize, step: i32) {
    let items = items(menu);
    if items.is_empty() {
        return;
    }
    let count = items.len() as i32;
    let index = (from as i32 + step).rem_euclid(count) as usize;
    let _ = items[index].focus();
}
