//! Adding a client: its row shows at once under a provisional id, marked
//! as syncing, and is replaced by the server's client when it answers, or
//! taken away when the server refuses.

use super::known::row_of;
use super::{ChangedJustNow, Store, SyncState};
use crate::api::{ApiError, new_idempotency_key};
use clientele_core::onboarding::{Draft, NewIds, new_client};
use clientele_core::wire::{NewClient, NewClientRequest};
use clientele_core::{BusinessId, ClientId, UserId};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Told how adding a client ended: the client and its owner's invitation,
/// or why it was not added and the error code, if the server gave one.
pub type Added = Box<dyn FnOnce(Result<NewClient, AddRefused>)>;

/// Why a client was not added.
#[derive(Debug, Clone, PartialEq)]
pub struct AddRefused {
    /// The server's code, such as `code_taken`; `None` when no answer said.
    pub code: Option<String>,
    /// For people.
    pub message: String,
}

impl Store {
    /// Adds a client: shows it at once, sends it, and tells `then` how it
    /// ended. A request `core` refuses is refused here, before anything is
    /// shown or sent.
    pub fn add_client(&self, request: NewClientRequest, then: Added) -> Result<(), AddRefused> {
        let ids = NewIds {
            client: ClientId(self.provisional_id()),
            user: UserId(self.provisional_id()),
            businesses: vec![BusinessId(self.provisional_id())],
        };
        let businesses = [request.business_name.clone()];
        let draft = Draft {
            name: &request.name,
            code: request.code.as_deref(),
            businesses: &businesses,
            user_name: &request.user_name,
            user_email: &request.user_email,
        };
        let shown = new_client(&ids, &draft).map_err(|refusal| AddRefused {
            code: Some(refusal.code().to_owned()),
            message: refusal.to_string(),
        })?;
        let provisional = shown.id;
        self.adding.update_value(|adding| {
            adding.insert(provisional, row_of(&shown));
        });
        self.syncing.update(|syncing| {
            syncing.insert(provisional, SyncState::Syncing);
        });
        self.mark_just_now(provisional, shown.version);
        self.rows.update(|rows| {
            rows.insert(provisional, row_of(&shown));
        });
        let store = *self;
        let session = self.session();
        spawn_local(async move {
            let answer = store
                .api()
                .add_client(&request, &new_idempotency_key())
                .await;
            if store.session() != session {
                return;
            }
            store.forget_provisional(provisional);
            match answer {
                Ok(added) => {
                    let client = &added.client;
                    store.known.update_value(|known| {
                        known.learn_client(client);
                        known.learn_row(row_of(client));
                    });
                    store.mark_just_now(client.id, client.version);
                    store.show(client.id);
                    store.refresh_list();
                    then(Ok(added));
                }
                Err(ApiError::SessionEnded) => {}
                Err(error) => then(Err(store.not_added(&request.name, error))),
            }
        });
        Ok(())
    }

    /// Why a client was not added, in words; when no answer said, the list
    /// is read again, so that it shows the client if it was added after all.
    fn not_added(&self, name: &str, error: ApiError) -> AddRefused {
        match error {
            ApiError::Server {
                status,
                code,
                message,
                ..
            } if status < 500 && code != crate::api::UNEXPECTED_ANSWER => AddRefused {
                code: Some(code),
                message,
            },
            _ => {
                self.load_list();
                AddRefused {
                    code: None,
                    message: format!(
                        "No answer came from the server, so whether {name} was added cannot be \
                         told. The list has been read again: if {name} is in it, it was added."
                    ),
                }
            }
        }
    }

    /// Takes a provisional row away.
    fn forget_provisional(&self, provisional: ClientId) {
        self.adding.update_value(|adding| {
            adding.remove(&provisional);
        });
        self.rows.update(|rows| {
            rows.remove(&provisional);
        });
        self.syncing.update(|syncing| {
            syncing.remove(&provisional);
        });
        self.changed.update(|changed| {
            changed.remove(&provisional);
        });
    }

    /// Marks the client as changed "just now", at `version`.
    pub(super) fn mark_just_now(&self, id: ClientId, version: u64) {
        self.changes.update_value(|changes| *changes += 1);
        let mark = ChangedJustNow {
            order: self.changes.get_value(),
            version,
        };
        self.changed.update(|changed| {
            changed.insert(id, mark);
        });
    }
}
