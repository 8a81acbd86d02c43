//! The last step of a bulk change: each selected client's own outcome as
//! its change settles, and a running total, so one that failed is named
//! with its reason while the others stay done.

use clientele_core::ClientId;
use clientele_core::bulk::BulkAction;
use leptos::prelude::*;

/// How one client's change ended, or that it has not yet.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Sent; no answer yet.
    Pending,
    /// Made.
    Done,
    /// Not made, and why.
    NotDone(String),
}

/// After confirming: each client's own outcome, and a total.
pub fn sent_step(
    action: BulkAction,
    outcomes: RwSignal<Vec<(ClientId, String, Outcome)>>,
    on_close: Callback<()>,
) -> impl IntoView {
    let (doing, done, not_done) = match action {
        BulkAction::Deactivate => ("Deactivating…", "Deactivated", "Not deactivated"),
        BulkAction::Reactivate => ("Reactivating…", "Reactivated", "Not reactivated"),
    };
    let tally = move || {
        outcomes.with(|rows| {
            let count =
                |wanted: fn(&Outcome) -> bool| rows.iter().filter(|row| wanted(&row.2)).count();
            let pending = count(|outcome| *outcome == Outcome::Pending);
            let succeeded = count(|outcome| *outcome == Outcome::Done);
            let total = rows.len();
            if pending > 0 {
                format!("{doing} {} of {total} done.", total - pending)
            } else if succeeded == total {
                format!(
                    "{done} {} {}.",
                    total,
                    if total == 1 { "client" } else { "clients" }
                )
            } else {
                format!(
                    "{done} {succeeded} of {total} clients. {} could not be changed.",
                    total - succeeded
                )
            }
        })
    };
    let rows = move || {
        outcomes
            .get()
            .into_iter()
            .map(|(_, name, outcome)| {
                let (class, text) = match outcome {
                    Outcome::Pending => ("pending", doing.to_owned()),
                    Outcome::Done => ("done", done.to_owned()),
                    Outcome::NotDone(message) => ("failed", format!("{not_done}: {message}")),
                };
                view! { <tr class=class><td>{name}</td><td>{text}</td></tr> }
            })
            .collect_view()
    };
    view! {
        <h2 id="bulk-title">{match action {
            BulkAction::Deactivate => "Deactivating the selected clients",
            BulkAction::Reactivate => "Reactivating the selected clients",
        }}</h2>
        <p role="status" class="bulk-tally">{tally}</p>
        <div class="bulk-owners">
            <table class="table bulk-outcomes">
                <thead><tr><th scope="col">"Client"</th><th scope="col">"Outcome"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <div class="dialog-actions">
            <button type="button" class="button primary" on:click=move |_| on_close.run(())>"Close"</button>
        </div>
    }
}
