//! The deactivation wizard, for a client or one business: step 1 shows the
//! implications (from `core`), the impact in numbers (see `impact`) and,
//! for a client, whether to deactivate now or on a date
//! ([`ScheduleChoice`]); step 2 asks who becomes owner and admin (in
//! `core`'s order), then "Confirm" hands the command back.

use crate::dialog::Dialog;
use crate::field::ReasonField;
use crate::impact::DeactivationImpact;
use crate::schedule_choice::{ScheduleChoice, When};
use clientele_core::{Client, Command, Target, UserId, eligible_owners, implications};
use leptos::prelude::*;

/// Which step the wizard is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Implications,
    ChooseOwner,
}

/// The wizard for deactivating `target` of `client`.
#[component]
pub fn DeactivateWizard(
    client: Client,
    target: Target,
    on_cancel: Callback<()>,
    on_confirm: Callback<Command>,
) -> impl IntoView {
    let step = RwSignal::new(Step::Implications);
    let chosen = RwSignal::new(None::<UserId>);
    let reason = RwSignal::new(String::new());
    let when = When::new();
    let confirm = move |_| {
        let Some(new_owner_id) = chosen.get_untracked() else {
            return;
        };
        let reason = Some(reason.get_untracked()).filter(|r| !r.trim().is_empty());
        on_confirm.run(match target {
            Target::Client => {
                let Some(command) = when.command(new_owner_id, reason) else {
                    return;
                };
                command
            }
            Target::Business(business_id) => Command::DeactivateBusiness {
                business_id,
                new_owner_id,
                reason,
            },
        });
    };
    // Moving between steps replaces the dialog's content; put focus on the
    // new step's first control so keyboard users are not left stranded.
    Effect::new(move |previous: Option<Step>| {
        let current = step.get();
        if previous.is_some_and(|previous| previous != current) {
            request_animation_frame(crate::dialog::focus_first_control);
        }
        current
    });
    let client = StoredValue::new(client);
    let body = move || {
        client.with_value(|client| match step.get() {
            Step::Implications => implications_step(client, target, step, when, on_cancel),
            Step::ChooseOwner => owner_step(client, target, chosen, reason),
        })
    };
    view! {
        <Dialog title_id="wizard-title" on_close=on_cancel>
            {body}
            <Show when=move || step.get() == Step::ChooseOwner>
                <div class="dialog-actions">
                    <button type="button" class="button secondary" on:click=move |_| step.set(Step::Implications)>
                        "Back"
                    </button>
                    <button
                        type="button"
                        class="button primary"
                        disabled=move || chosen.get().is_none()
                        on:click=confirm
                    >
                        "Confirm"
                    </button>
                </div>
            </Show>
        </Dialog>
    }
}

/// Step 1, or why the deactivation cannot be made at all.
fn implications_step(
    client: &Client,
    target: Target,
    step: RwSignal<Step>,
    when: When,
    on_cancel: Callback<()>,
) -> AnyView {
    match implications(client, target) {
        Ok(shown) => view! {
            <h2 id="wizard-title">{shown.title}</h2>
            <p class="muted">"Review what deactivating will do:"</p>
            <ul class="implications">
                {shown.points.into_iter().map(|point| view! { <li>{point}</li> }).collect_view()}
            </ul>
            <DeactivationImpact client_id=client.id target=target />
            {matches!(target, Target::Client).then(|| view! { <ScheduleChoice when=when /> })}
            <div class="dialog-actions">
                <button type="button" class="button secondary" on:click=move |_| on_cancel.run(())>
                    "Cancel"
                </button>
                <button type="button" class="button primary" on:click=move |_| {
                    if when.ready() {
                        step.set(Step::ChooseOwner);
                    }
                }>
                    "Next"
                </button>
            </div>
        }
        .into_any(),
        Err(refusal) => view! {
            <h2 id="wizard-title">"This cannot be deactivated"</h2>
            <p>{refusal.to_string()}</p>
            <div class="dialog-actions">
                <button type="button" class="button secondary" on:click=move |_| on_cancel.run(())>
                    "Cancel"
                </button>
            </div>
        }
        .into_any(),
    }
}

/// Step 2: the users of the account, as radio buttons, and a reason.
fn owner_step(
    client: &Client,
    target: Target,
    chosen: RwSignal<Option<UserId>>,
    reason: RwSignal<String>,
) -> AnyView {
    let question = match target {
        Target::Client => "Select the user who will become the account owner and admin user.",
        Target::Business(_) => {
            "Select the user who will become the owner and admin user of the business."
        }
    };
    let choices = eligible_owners(client, target)
        .into_iter()
        .map(|user| {
            let id = user.id;
            let current = match target {
                Target::Client => client.owner == id,
                Target::Business(business) => {
                    client.business(business).is_some_and(|b| b.owner == id)
                }
            };
            view! {
                <label class="owner-choice">
                    <input
                        type="radio"
                        name="new-owner"
                        value=id.0
                        prop:checked=move || chosen.get() == Some(id)
                        on:change=move |_| chosen.set(Some(id))
                    />
                    <span class="owner-name">{user.name.clone()}</span>
                    <span class="muted">{user.email.clone()}</span>
                    {current.then(|| view! { <span class="badge">"Current owner"</span> })}
                </label>
            }
        })
        .collect_view();
    view! {
        <h2 id="wizard-title">"Choose the new owner"</h2>
        <fieldset class="owners">
            <legend>{question}</legend>
            {choices}
        </fieldset>
        <ReasonField label="Reason (optional, shown in the activity log)" reason=reason />
    }
    .into_any()
}
