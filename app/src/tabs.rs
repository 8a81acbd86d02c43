//! The ARIA tabs pattern: a tablist whose selected tab is the one tab stop,
//! with Left/Right/Home/End moving selection and focus.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// One tab: its element id, and its label (which may carry a count).
#[derive(Clone)]
pub struct TabSpec {
    /// The tab element's id; the panel is labelled by it.
    pub id: &'static str,
    /// The visible label.
    pub label: Signal<String>,
}

/// A row of tabs; `selected` is the index shown, `on_select` asks for another.
#[component]
pub fn Tabs(
    label: &'static str,
    tabs: Vec<TabSpec>,
    panel_id: &'static str,
    #[prop(into)] selected: Signal<usize>,
    on_select: Callback<usize>,
) -> impl IntoView {
    let count = tabs.len();
    let ids: Vec<&'static str> = tabs.iter().map(|tab| tab.id).collect();
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        let current = selected.get_untracked();
        let next = match event.key().as_str() {
            "ArrowRight" => (current + 1) % count,
            "ArrowLeft" => (current + count - 1) % count,
            "Home" => 0,
            "End" => count - 1,
            _ => return,
        };
        event.prevent_default();
        on_select.run(next);
        focus_by_id(ids[next]);
    };
    view! {
        <div class="tabs" role="tablist" aria-label=label on:keydown=on_keydown>
            {tabs
                .into_iter()
                .enumerate()
                .map(|(index, tab)| {
                    let is_selected = move || selected.get() == index;
                    view! {
                        <button
                            type="button"
                            role="tab"
                            id=tab.id
                            class="tab"
                            aria-controls=panel_id
                            aria-selected=move || is_selected().to_string()
                            tabindex=move || if is_selected() { "0" } else { "-1" }
                            on:click=move |_| on_select.run(index)
                        >
                            {move || tab.label.get()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// Focuses the element with this id, if it is on the page.
pub fn focus_by_id(id: &str) {
    let element = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id(id))
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}
