//! The app's local state and its optimistic changes. A change is applied at
//! once with `core`'s rules, marked as syncing, sent with an idempotency key,
//! and then either replaced by the server's answer or rolled back exactly,
//! with the server's message shown.
//!
//! The store belongs to one session: [`Store::clear`] forgets everything when
//! it ends, and answers to requests made before that are dropped, so nothing
//! of one person's session reaches the next.

use crate::api::{ApiError, SharedApi, new_idempotency_key};
use crate::toast::Toasts;
use clientele_core::wire::{ClientSummary, StatusCounts};
use clientele_core::{Client, ClientId, Command, Status, execute};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::{HashMap, HashSet};

/// The most rows asked for in one request.
const PAGE: u64 = 10_000;

/// Whether the client list has arrived.
#[derive(Debug, Clone, PartialEq)]
pub enum ListState {
    /// Waiting for the server.
    Loading,
    /// Loaded into [`Store::rows`].
    Ready,
    /// The server could not be asked; the message says why.
    Failed(String),
}

/// Everything the screens show, shared as context.
#[derive(Clone, Copy)]
pub struct Store {
    /// Every client of the practice, in both tabs.
    pub rows: RwSignal<Vec<ClientSummary>>,
    /// Whether `rows` has loaded.
    pub list: RwSignal<ListState>,
    /// Clients loaded whole, by id.
    pub clients: RwSignal<HashMap<ClientId, Client>>,
    /// Clients with a change in flight.
    pub syncing: RwSignal<HashSet<ClientId>>,
    /// Counts the sessions this store has served; an answer that arrives
    /// after its session ended is dropped.
    session: StoredValue<u64>,
    api: StoredValue<SharedApi>,
    toasts: Toasts,
}

impl Store {
    /// An empty store over `api`.
    pub fn new(api: SharedApi, toasts: Toasts) -> Store {
        Store {
            rows: RwSignal::new(Vec::new()),
            list: RwSignal::new(ListState::Loading),
            clients: RwSignal::new(HashMap::new()),
            syncing: RwSignal::new(HashSet::new()),
            session: StoredValue::new(0),
            api: StoredValue::new(api),
            toasts,
        }
    }

    /// Forgets everything: the session it was loaded for has ended.
    pub fn clear(&self) {
        self.session.update_value(|session| *session += 1);
        self.rows.set(Vec::new());
        self.list.set(ListState::Loading);
        self.clients.set(HashMap::new());
        self.syncing.set(HashSet::new());
    }

    fn session(&self) -> u64 {
        self.session.get_value()
    }

    /// The API, for screens that read more than the store keeps.
    pub fn api(&self) -> SharedApi {
        self.api.get_value()
    }

    /// Loads every client of both tabs, page by page.
    pub fn load_list(&self) {
        let store = *self;
        store.list.set(ListState::Loading);
        let session = store.session();
        spawn_local(async move {
            let mut rows = Vec::new();
            for status in [Status::Active, Status::Deactivated] {
                let mut offset = 0;
                loop {
                    let answer = store.api().clients(status, offset, PAGE).await;
                    if store.session() != session {
                        return;
                    }
                    match answer {
                        Ok(page) => {
                            let fetched = page.items.len() as u64;
                            rows.extend(page.items);
                            offset += fetched;
                            if fetched == 0 || offset >= page.total {
                                break;
                            }
                        }
                        Err(error) => {
                            store.list.set(ListState::Failed(error.message()));
                            return;
                        }
                    }
                }
            }
            store.rows.set(rows);
            store.list.set(ListState::Ready);
        });
    }

    /// How many clients each tab holds.
    pub fn counts(&self) -> StatusCounts {
        self.rows.with(|rows| {
            let mut counts = StatusCounts::default();
            for row in rows {
                *counts.get_mut(row.status) += 1;
            }
            counts
        })
    }

    /// Whether a change to this client is in flight.
    pub fn is_syncing(&self, id: ClientId) -> bool {
        self.syncing.with(|syncing| syncing.contains(&id))
    }

    /// Fetches a client whole (to act on its current version) and keeps it,
    /// unless a change to it is in flight, whose local state wins until the
    /// server answers.
    pub async fn fetch_client(&self, id: ClientId) -> Result<Client, ApiError> {
        let session = self.session();
        let client = self.api().client(id).await?;
        if self.session() != session {
            return Err(ApiError::SessionEnded);
        }
        if self.syncing.with_untracked(|syncing| syncing.contains(&id)) {
            return self
                .clients
                .with_untracked(|clients| clients.get(&id).cloned())
                .ok_or(ApiError::Network("the client is syncing".into()));
        }
        self.put(&client);
        Ok(client)
    }

    /// Keeps `client` and brings its list row up to date.
    fn put(&self, client: &Client) {
        self.clients.update(|clients| {
            clients.insert(client.id, client.clone());
        });
        self.rows.update(|rows| {
            if let Some(row) = rows.iter_mut().find(|row| row.id == client.id) {
                *row = row.refreshed(client);
            }
        });
    }

    /// Puts back exactly what was there before a failed change.
    fn restore(&self, client: Client, row: Option<ClientSummary>) {
        self.clients.update(|clients| {
            clients.insert(client.id, client);
        });
        if let Some(row) = row {
            self.rows.update(|rows| {
                if let Some(slot) = rows.iter_mut().find(|slot| slot.id == row.id) {
                    *slot = row;
                }
            });
        }
    }

    /// Applies `command` to the client at once, then syncs it. Refused
    /// locally (by `core`) or while the client is syncing, nothing changes
    /// and the person is told why.
    pub fn submit(&self, id: ClientId, command: Command) {
        if self.syncing.with_untracked(|syncing| syncing.contains(&id)) {
            self.toasts
                .push("A change to this client is still syncing. Try again in a moment.");
            return;
        }
        let Some(before) = self
            .clients
            .with_untracked(|clients| clients.get(&id).cloned())
        else {
            self.toasts
                .push("This client is still loading. Try again in a moment.");
            return;
        };
        let next = match execute(&before, before.version, &command) {
            Ok((next, _events)) => next,
            Err(refusal) => {
                self.toasts.push(refusal.to_string());
                return;
            }
        };
        let row_before = self
            .rows
            .with_untracked(|rows| rows.iter().find(|row| row.id == id).cloned());
        self.put(&next);
        self.syncing.update(|syncing| {
            syncing.insert(id);
        });
        let store = *self;
        let session = store.session();
        spawn_local(async move {
            let key = new_idempotency_key();
            let api = store.api();
            let mut outcome = api.change(id, before.version, &command, &key).await;
            // An answer lost on the way back may still have been applied:
            // one retry with the same key either applies it or replays it.
            if matches!(outcome, Err(ApiError::Network(_))) {
                outcome = api.change(id, before.version, &command, &key).await;
            }
            if store.session() != session {
                return;
            }
            match outcome {
                Ok(client) => {
                    store.put(&client);
                    store.touch(id);
                }
                Err(error) => {
                    store.restore(before, row_before);
                    if let Some(current) = error.current_client() {
                        store.put(current);
                    }
                    store.toasts.push_error(&error);
                }
            }
            store.syncing.update(|syncing| {
                syncing.remove(&id);
            });
        });
    }

    /// Marks a client's row as changed just now, for "sort by last change".
    fn touch(&self, id: ClientId) {
        let now = js_sys::Date::new_0().to_iso_string().as_string();
        if let Some(now) = now {
            self.rows.update(|rows| {
                if let Some(row) = rows.iter_mut().find(|row| row.id == id) {
                    row.updated_at = now;
                }
            });
        }
    }
}
