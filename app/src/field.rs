//! A labelled text field with its message beside it: the message names what
//! is wrong (in `core`'s words), and the field points at it with
//! `aria-describedby`, so screen readers read it with the field.

use clientele_core::reason::MAX_REASON_CHARS;
use leptos::prelude::*;

/// One labelled input bound to `value`, with `error` shown below it.
#[component]
pub fn TextField(
    /// The input's id; the message's is `{id}-error`.
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    error: RwSignal<Option<String>>,
    /// `text` unless given, such as `email` or `password`.
    #[prop(optional)]
    input_type: Option<&'static str>,
    /// What the browser may fill it with, such as `new-password`.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// A line under the label, such as "Optional".
    #[prop(optional)]
    hint: Option<&'static str>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {hint.map(|hint| view! { <span class="muted field-hint">{hint}</span> })}
            <input
                id=id
                type=input_type.unwrap_or("text")
                autocomplete=autocomplete.unwrap_or("off")
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=error_id.clone()
                prop:value=move || value.get()
                on:input=move |event| {
                    value.set(event_target_value(&event));
                    error.set(None);
                }
            />
            <p id=error_id class="field-error">{move || error.get()}</p>
        </div>
    }
}

/// Shows `checked`'s refusal on `error`; whether it passed.
pub fn checked<T, E: ToString>(
    checked: Result<T, E>,
    error: RwSignal<Option<String>>,
) -> Option<T> {
    match checked {
        Ok(value) => {
            error.set(None);
            Some(value)
        }
        Err(refusal) => {
            error.set(Some(refusal.to_string()));
            None
        }
    }
}

/// The optional reason of a deactivation, up to `core`'s
/// [`MAX_REASON_CHARS`] (as the server takes it), bound to `reason`.
#[component]
pub fn ReasonField(label: &'static str, reason: RwSignal<String>) -> impl IntoView {
    view! {
        <label class="field">
            <span>{label}</span>
            <textarea
                maxlength=MAX_REASON_CHARS
                rows="2"
                prop:value=move || reason.get()
                on:input=move |event| reason.set(event_target_value(&event))
            ></textarea>
        </label>
    }
}
