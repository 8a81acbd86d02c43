//! Following the live updates: a client changed by someone else is read
//! again when it is shown and the event's version is newer than the one
//! held, so its row, its page and the portal catch up within a moment; an
//! older or equal version is ignored. `resync` reads again all that is
//! shown. Who made each recent version is kept, so that a change that lost
//! the race can say who changed the client first.

use super::Store;
use crate::api::{LiveEvent, LiveStream};
use clientele_core::ClientId;
use clientele_core::wire::ClientChanged;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;
use std::rc::Rc;

/// How many recent versions of each client remember who made them.
const ACTORS_KEPT: usize = 8;

/// Who made recent versions of each client, oldest first.
pub(super) type Actors = HashMap<ClientId, Vec<(u64, String)>>;

impl Store {
    /// Opens the live updates for this session, unless they are open.
    pub fn follow_live(&self) {
        if self.live.with_value(Option::is_some) {
            return;
        }
        let store = *self;
        let session = self.session();
        let stream: LiveStream = self.api().live_events(Rc::new(move |event| {
            // Events of an ended session change nothing.
            if store.session() == session {
                store.on_live_event(event);
            }
        }));
        self.live.set_value(Some(stream));
    }

    /// Closes the live updates (the session ended).
    pub fn stop_live(&self) {
        self.live.set_value(None);
    }

    /// Counts the events the portal reads its account again for.
    pub fn account_changes(&self) -> u64 {
        self.account_changes.get()
    }

    /// Acts on one live event.
    pub fn on_live_event(&self, event: LiveEvent) {
        match event {
            LiveEvent::ClientChanged(changed) => self.client_changed(changed),
            LiveEvent::Resync => self.read_shown_again(),
        }
    }

    fn client_changed(&self, changed: ClientChanged) {
        let id = changed.client_id;
        self.actors.update_value(|actors| {
            let versions = actors.entry(id).or_default();
            versions.push((changed.version, changed.actor));
            versions.sort_by_key(|(version, _)| *version);
            if versions.len() > ACTORS_KEPT {
                versions.remove(0);
            }
        });
        // A client user hears only of their own account, which the portal
        // shows whole.
        self.account_changes.update(|changes| *changes += 1);
        let held = self.known.with_value(|known| {
            let client = known.clients.get(&id).map(|client| client.version);
            let row = known.rows.get(&id).map(|row| row.version);
            client.max(row)
        });
        match held {
            Some(version) if version >= changed.version => {}
            Some(_) => {
                self.read_again(id);
                // The counts, and where the list sorts it, may have moved.
                self.refresh_list();
            }
            // A client the list has not got: added by someone else.
            None => self.refresh_list(),
        }
    }

    /// Reads client `id` again; what arrives is kept by the version rules.
    fn read_again(&self, id: ClientId) {
        let store = *self;
        spawn_local(async move {
            // A failure leaves what is shown; the next event or resync
            // tries again.
            let _ = store.fetch_client(id).await;
        });
    }

    /// Reads again all that is shown: the list (if it was loaded), every
    /// client loaded whole, and the portal's account.
    fn read_shown_again(&self) {
        self.refresh_list();
        let shown: Vec<ClientId> = self
            .clients
            .with_untracked(|clients| clients.keys().copied().collect());
        for id in shown {
            self.read_again(id);
        }
        self.account_changes.update(|changes| *changes += 1);
    }

    /// "Dana Lowe changed this client first. " when the live updates named
    /// who changed client `id` first after `version`, or else the refusal
    /// did; nothing when neither knows.
    pub(super) fn first_changer_note(
        &self,
        id: ClientId,
        version: u64,
        refusal_says: Option<&str>,
    ) -> String {
        self.first_changer_after(id, version)
            .or_else(|| refusal_says.map(str::to_owned))
            .map(|actor| format!("{actor} changed this client first. "))
            .unwrap_or_default()
    }

    /// Who changed client `id` first after `version`: the actor of the
    /// next version, as far as the live updates told.
    fn first_changer_after(&self, id: ClientId, version: u64) -> Option<String> {
        self.actors.with_value(|actors| {
            actors.get(&id).and_then(|versions| {
                versions
                    .iter()
                    .find(|(made, _)| *made > version)
                    .map(|(_, actor)| actor.clone())
            })
        })
    }
}
