//! Exact undo in the app. When a deactivation or reactivation (of a client
//! or a business) is saved, the toast says so and offers "Undo" for 10
//! seconds. Clicking it submits `core`'s undo of the change like any other
//! change: made at once by `core` (which puts back exactly what the change
//! replaced), synced, and on refusal (someone changed the client in
//! between, or it is too late) rolled back exactly, with the reason.
//! The server undoes the change it recorded and answers the client as
//! stored, which the app then shows, so both end in the same state.

use super::Store;
use clientele_core::undo::{Recorded, can_be_undone};
use clientele_core::{Client, ClientId, Command, Event, Timestamp};

/// The label of the toast's button.
pub const UNDO: &str = "Undo";

impl Store {
    /// Says that `event` made `saved` (the client as the server stored it)
    /// and offers to undo it.
    pub(super) fn offer_undo(&self, saved: &Client, event: Event) {
        let message = done_message(saved, &event);
        let change = Recorded {
            version: saved.version,
            event,
            at: now(),
        };
        let store = *self;
        let id = saved.id;
        self.toasts
            .push_offer(message, UNDO, move || store.undo(id, change.clone()));
    }

    /// Undoes `change`, which made client `id`'s current version.
    pub fn undo(&self, id: ClientId, change: Recorded) {
        let command = Command::UndoChange {
            change: Some(Box::new(change)),
            at: now(),
        };
        self.submit(id, command);
    }
}

/// The event a change made here, if undo can be offered for it.
pub(super) fn undoable(events: &[Event]) -> Option<Event> {
    match events {
        [event] if can_be_undone(event) => Some(event.clone()),
        _ => None,
    }
}

fn now() -> Timestamp {
    Timestamp(js_sys::Date::now() as i64)
}

/// "Acme Ltd was deactivated.", or the business's name for a business.
fn done_message(client: &Client, event: &Event) -> String {
    let business = |id| {
        client
            .business(id)
            .map_or("The business", |business| business.name.as_str())
    };
    match event {
        Event::ClientDeactivated { .. } => format!("{} was deactivated.", client.name),
        Event::ClientReactivated => format!("{} was reactivated.", client.name),
        Event::BusinessDeactivated { business_id, .. } => {
            format!("{} was deactivated.", business(*business_id))
        }
        Event::BusinessReactivated { business_id } => {
            format!("{} was reactivated.", business(*business_id))
        }
        _ => format!("{} was changed.", client.name),
    }
}
