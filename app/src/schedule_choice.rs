//! Step 1's choice in the client deactivation wizard: "Deactivate now" or
//! "Deactivate on a date". A date schedules the deactivation instead (see
//! `clientele_core::schedule`): the day is checked by `core`'s rule before
//! the wizard goes on, and the error says what is wrong under the input.

use clientele_core::schedule::{self, Date};
use clientele_core::{Command, Timestamp, UserId};
use leptos::prelude::*;

/// Today by the browser's clock, as a UTC day: days are counted as the
/// server counts them, a schedule taking effect at 00:00 UTC.
pub fn today() -> Date {
    Date::of(Timestamp(js_sys::Date::now() as i64))
}

/// When to deactivate, as chosen in step 1.
#[derive(Debug, Clone, Copy)]
pub struct When {
    /// "Deactivate on a date" is chosen.
    later: RwSignal<bool>,
    /// The date input's value, `YYYY-MM-DD` (or what was typed).
    day: RwSignal<String>,
    /// Why the day cannot be used, once "Next" was pressed with it.
    error: RwSignal<Option<String>>,
}

impl When {
    /// "Deactivate now", until the person chooses otherwise.
    pub fn new() -> When {
        When {
            later: RwSignal::new(false),
            day: RwSignal::new(String::new()),
            error: RwSignal::new(None),
        }
    }

    /// Whether the wizard may go on to step 2; if not, says why under the
    /// date input.
    pub fn ready(&self) -> bool {
        let refusal = self
            .later
            .get_untracked()
            .then(|| schedule::parse_day_after(&self.day.get_untracked(), today()).err())
            .flatten();
        let ready = refusal.is_none();
        self.error.set(refusal.map(|refusal| refusal.to_string()));
        ready
    }

    /// The command "Confirm" sends: deactivate now, or schedule it for the
    /// chosen day (which `core` checks again, against today). `None` if the
    /// day is not a date at all, which [`When::ready`] has said.
    pub fn command(&self, new_owner_id: UserId, reason: Option<String>) -> Option<Command> {
        if !self.later.get_untracked() {
            return Some(Command::DeactivateClient {
                new_owner_id,
                reason,
            });
        }
        let on = Date::parse(&self.day.get_untracked()).ok()?;
        Some(Command::ScheduleDeactivation {
            on,
            today: today(),
            new_owner_id,
            reason,
        })
    }
}

impl Default for When {
    fn default() -> When {
        When::new()
    }
}

/// The two choices and, for a date, a date input (typed or picked; the
/// browser's date field is keyboard usable).
#[component]
pub fn ScheduleChoice(when: When) -> impl IntoView {
    let tomorrow = today().next().to_string();
    let date_input = move || {
        when.later.get().then(|| {
            view! {
                <label class="field">
                    <span>"Deactivation date (takes effect at 00:00 UTC)"</span>
                    <input
                        type="date"
                        id="deactivation-date"
                        name="deactivation-date"
                        min=tomorrow.clone()
                        required
                        aria-invalid=move || when.error.get().is_some().to_string()
                        aria-describedby="deactivation-date-error"
                        prop:value=move || when.day.get()
                        on:input=move |event| {
                            when.day.set(event_target_value(&event));
                            when.error.set(None);
                        }
                    />
                </label>
                <p id="deactivation-date-error" class="field-error" role="alert">
                    {move || when.error.get()}
                </p>
            }
        })
    };
    view! {
        <fieldset class="owners schedule-choice">
            <legend>"When should the client be deactivated?"</legend>
            <label class="owner-choice">
                <input
                    type="radio"
                    name="deactivate-when"
                    value="now"
                    prop:checked=move || !when.later.get()
                    on:change=move |_| {
                        when.later.set(false);
                        when.error.set(None);
                    }
                />
                <span>"Deactivate now"</span>
            </label>
            <label class="owner-choice">
                <input
                    type="radio"
                    name="deactivate-when"
                    value="later"
                    prop:checked=move || when.later.get()
                    on:change=move |_| when.later.set(true)
                />
                <span>"Deactivate on a date"</span>
            </label>
            {date_input}
        </fieldset>
    }
}
