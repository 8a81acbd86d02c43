//! The app's local state and its optimistic changes.
//!
//! The store keeps two things apart: what the server is known to hold (the
//! newest version of each client and list row that any answer brought), and
//! the changes in flight. The screens show what the server holds, except for
//! a client with a change in flight, which shows the change already made by
//! `core`'s rules. So an answer that arrives late, after newer ones, changes
//! nothing: a client or row is never replaced by one of a lower version.
//!
//! A change is sent with an idempotency key. When its answer was lost, it is
//! sent once more, after a moment, with the same key, which either applies
//! it or replays the first answer. When no answer says what became of it
//! (both were lost, or the server failed), the app claims neither outcome:
//! the row says it is checking, the client is re-read (with backoff) until
//! the server answers, and then the person is told whether the change was
//! saved, and the screen shows what the server holds.
//!
//! The store belongs to one session: [`Store::clear`] forgets everything when
//! it ends, and answers to requests made before that are dropped, so nothing
//! of one person's session reaches the next.

mod adding;
mod change;
mod counted;
mod known;
mod list;
mod live;
mod pause;
mod undo;
mod window;

pub use adding::{AddRefused, Added};
pub use change::{Then, says_nothing};
pub use list::ListRow;
pub use pause::{Pause, RETRY_AFTER, backoff, next_task};
pub use undo::UNDO;
pub use window::{ListState, PAGE_ROWS};

use crate::api::{ApiError, SharedApi};
use crate::toast::Toasts;
use change::Change;
use clientele_core::wire::ClientSummary;
use clientele_core::{Client, ClientId, Command, RuleError, decide, execute};
use counted::Counted;
use known::Known;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pause::clock_pause;
use std::collections::HashMap;
use window::Window;

/// A quiet re-read of the list (see [`Store::refresh_list`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refresh {
    /// None is running.
    Idle,
    /// One is running.
    Running,
    /// One is running, and another was asked for meanwhile.
    Again,
}

/// Where a change to a client stands until it settles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncState {
    /// Sent; the server has not answered yet.
    Syncing,
    /// No answer said what became of it, so the client is being re-read.
    Checking,
}

impl SyncState {
    /// The mark its row shows.
    pub fn label(self) -> &'static str {
        match self {
            SyncState::Syncing => "Syncing…",
            SyncState::Checking => "Checking…",
        }
    }
}

/// A client changed in this session whose row does not have the server's
/// time of that change yet: it shows "just now" and sorts first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangedJustNow {
    /// Later changes have higher numbers, to sort by.
    pub order: u64,
    /// The version the change made; a list row of this version or newer
    /// carries the server's time of it.
    pub version: u64,
}

/// Everything the screens show, shared as context.
#[derive(Clone, Copy)]
pub struct Store {
    /// The rows of the list's pages held, and of clients being added, as
    /// shown.
    pub rows: RwSignal<HashMap<ClientId, ClientSummary>>,
    /// The view of the list shown and the pages of it held.
    window: RwSignal<Window>,
    /// Clients loaded whole, by id, as shown.
    pub clients: RwSignal<HashMap<ClientId, Client>>,
    /// Clients with a change that has not settled.
    pub syncing: RwSignal<HashMap<ClientId, SyncState>>,
    /// Clients changed "just now" (see [`ChangedJustNow`]).
    pub changed: RwSignal<HashMap<ClientId, ChangedJustNow>>,
    known: StoredValue<Known>,
    /// Rows of clients being added, under provisional ids, until the server
    /// answers.
    adding: StoredValue<HashMap<ClientId, ClientSummary>>,
    /// The last provisional id handed out; they count down from the top,
    /// where the server's never reach.
    provisional: StoredValue<u64>,
    /// The client each change in flight shows meanwhile.
    pending: StoredValue<HashMap<ClientId, Client>>,
    /// How the counts held count the clients changed here.
    counted: StoredValue<Counted>,
    /// Counts the sessions this store has served; an answer that arrives
    /// after its session ended is dropped.
    session: StoredValue<u64>,
    /// Whether a quiet re-read of the list is running.
    list_refresh: StoredValue<Refresh>,
    /// Counts changes, for [`ChangedJustNow::order`].
    changes: StoredValue<u64>,
    api: StoredValue<SharedApi>,
    /// The live updates, while someone is signed in.
    live: StoredValue<Option<crate::api::LiveStream>, LocalStorage>,
    /// Who made recent versions of each client, from the live updates.
    actors: StoredValue<live::Actors>,
    /// Counts live events for the portal's account.
    account_changes: RwSignal<u64>,
    pause: StoredValue<Pause>,
    toasts: Toasts,
}

impl Store {
    /// An empty store over `api`.
    pub fn new(api: SharedApi, toasts: Toasts) -> Store {
        Store {
            rows: RwSignal::new(HashMap::new()),
            window: RwSignal::new(Window::default()),
            clients: RwSignal::new(HashMap::new()),
            syncing: RwSignal::new(HashMap::new()),
            changed: RwSignal::new(HashMap::new()),
            known: StoredValue::new(Known::default()),
            adding: StoredValue::new(HashMap::new()),
            provisional: StoredValue::new(u64::MAX),
            pending: StoredValue::new(HashMap::new()),
            counted: StoredValue::new(Counted::default()),
            session: StoredValue::new(0),
            list_refresh: StoredValue::new(Refresh::Idle),
            changes: StoredValue::new(0),
            api: StoredValue::new(api),
            live: StoredValue::new_local(None),
            actors: StoredValue::new(HashMap::new()),
            account_changes: RwSignal::new(0),
            pause: StoredValue::new(clock_pause()),
            toasts,
        }
    }

    /// Waits with `pause` instead of the clock between re-reads.
    pub fn pause_with(&self, pause: Pause) {
        self.pause.set_value(pause);
    }

    /// Waits `duration` with the store's pause: the browser's clock, or a
    /// test's.
    pub async fn pause_for(&self, duration: std::time::Duration) {
        let pause = self.pause.get_value();
        pause(duration).await;
    }

    /// Forgets everything: the session it was loaded for has ended.
    pub fn clear(&self) {
        self.session.update_value(|session| *session += 1);
        self.known.set_value(Known::default());
        self.adding.set_value(HashMap::new());
        self.pending.set_value(HashMap::new());
        self.counted.set_value(Counted::default());
        self.actors.set_value(HashMap::new());
        self.list_refresh.set_value(Refresh::Idle);
        self.rows.set(HashMap::new());
        self.window.set(Window::default());
        self.clients.set(HashMap::new());
        self.syncing.set(HashMap::new());
        self.changed.set(HashMap::new());
    }

    fn session(&self) -> u64 {
        self.session.get_value()
    }

    /// The API, for screens that read more than the store keeps.
    pub fn api(&self) -> SharedApi {
        self.api.get_value()
    }

    /// Whether a change to this client has not settled yet.
    pub fn is_syncing(&self, id: ClientId) -> bool {
        self.syncing.with(|syncing| syncing.contains_key(&id))
    }

    /// Where a change to this client stands, if one has not settled.
    pub fn sync_state(&self, id: ClientId) -> Option<SyncState> {
        self.syncing.with(|syncing| syncing.get(&id).copied())
    }

    /// Whether this client's row shows "just now", and where it sorts.
    pub fn changed_just_now(&self, id: ClientId) -> Option<ChangedJustNow> {
        self.changed.with(|changed| changed.get(&id).copied())
    }

    /// Fetches a client whole (to act on its current version) and keeps it
    /// unless a newer version is held. Returns the client as shown: with a
    /// change in flight, that change.
    pub async fn fetch_client(&self, id: ClientId) -> Result<Client, ApiError> {
        let session = self.session();
        let client = self.api().client(id).await?;
        if self.session() != session {
            return Err(ApiError::SessionEnded);
        }
        self.learn(&client);
        Ok(self
            .clients
            .with_untracked(|clients| clients.get(&id).cloned())
            .unwrap_or(client))
    }

    /// Keeps what the server sent about `client` (unless a newer version is
    /// held) and shows it.
    fn learn(&self, client: &Client) {
        self.known.update_value(|known| known.learn_client(client));
        self.show(client.id);
    }

    /// A row as shown: with a change in flight, that change.
    fn shown_row(&self, row: &ClientSummary) -> ClientSummary {
        self.pending
            .with_value(|pending| match pending.get(&row.id) {
                Some(client) => row.refreshed(client),
                None => row.clone(),
            })
    }

    /// Shows client `id` and its row as they now are: the change in flight,
    /// or else the newest the server sent. Signals change only if the
    /// shown value does.
    fn show(&self, id: ClientId) {
        let client = self
            .pending
            .with_value(|pending| pending.get(&id).cloned())
            .or_else(|| {
                self.known
                    .with_value(|known| known.clients.get(&id).cloned())
            });
        if let Some(client) = client {
            self.clients.maybe_update(|clients| {
                let differs = clients.get(&id) != Some(&client);
                if differs {
                    clients.insert(id, client);
                }
                differs
            });
        }
        let row = self
            .known
            .with_value(|known| {
                known.rows.get(&id).cloned().or_else(|| {
                    // A client changed here that no page held still
                    // shows, where its view lists it.
                    let changing = self.pending.with_value(|pending| pending.contains_key(&id));
                    changing
                        .then(|| known.clients.get(&id).map(known::row_of))
                        .flatten()
                })
            })
            .map(|row| self.shown_row(&row));
        if let Some(row) = row {
            self.rows.maybe_update(|rows| {
                let differs = rows.get(&id) != Some(&row);
                if differs {
                    rows.insert(id, row);
                }
                differs
            });
        }
    }

    /// Applies `command` to the client at once, then syncs it. Refused
    /// locally (by `core`) or while the client is syncing, nothing changes
    /// and the person is told why.
    pub fn submit(&self, id: ClientId, command: Command) {
        self.submit_then(id, command, None);
    }

    /// [`Store::submit`] for a change decided on the client as it was at
    /// `seen` (a dialog opened on that version). If the client has changed
    /// since (live updates brought someone else's change), nothing is sent:
    /// the person is told who changed it first, as for a lost race.
    pub fn submit_seen(&self, id: ClientId, seen: u64, command: Command) {
        self.submit_seen_then(id, seen, command, None);
    }

    /// [`Store::submit_seen`], telling `then` how the change ended (see
    /// [`Then`]); a change refused because the client changed since it was
    /// seen is told to `then` too.
    pub fn submit_seen_then(&self, id: ClientId, seen: u64, command: Command, then: Option<Then>) {
        // core decides staleness (R6), as the server would have.
        let stale = self.clients.with_untracked(|clients| {
            clients
                .get(&id)
                .and_then(|client| decide(client, seen, &command).err())
                .filter(|refusal| matches!(refusal, RuleError::StaleVersion { .. }))
        });
        match stale {
            Some(stale) => {
                let who = self.first_changer_note(id, seen, None);
                change::tell(&self.toasts, then, Err(format!("{who}{stale}")));
            }
            None => self.submit_then(id, command, then),
        }
    }

    /// [`Store::submit`], telling `then` how the change ended (see
    /// [`Then`]), for a dialog that stays open until it knows.
    pub fn submit_then(&self, id: ClientId, command: Command, then: Option<Then>) {
        let toasts = self.toasts;
        let refuse = move |then, message: String| change::tell(&toasts, then, Err(message));
        if self
            .syncing
            .with_untracked(|syncing| syncing.contains_key(&id))
        {
            refuse(
                then,
                "A change to this client is still syncing. Try again in a moment.".into(),
            );
            return;
        }
        let Some(before) = self
            .clients
            .with_untracked(|clients| clients.get(&id).cloned())
        else {
            refuse(
                then,
                "This client is still loading. Try again in a moment.".into(),
            );
            return;
        };
        let (optimistic, undo) = match execute(&before, before.version, &command) {
            // A change told to a dialog that follows it to the end (a bulk
            // change reports each client's outcome on its own row) offers
            // no "Undo" toast per client.
            Ok((next, events)) => (next, undo::undoable(&events).filter(|_| then.is_none())),
            Err(refusal) => {
                refuse(then, refusal.to_string());
                return;
            }
        };
        self.pending.update_value(|pending| {
            pending.insert(id, optimistic.clone());
        });
        let counted_in = self
            .known
            .with_value(|known| known.clients.get(&id).map(|held| held.status))
            .unwrap_or(before.status);
        self.counted
            .update_value(|counted| counted.started(id, counted_in));
        self.syncing.update(|syncing| {
            syncing.insert(id, SyncState::Syncing);
        });
        self.mark_just_now(id, optimistic.version);
        self.show(id);
        let change = Change {
            store: *self,
            session: self.session(),
            before,
            optimistic,
            command,
            then,
            undo,
        };
        spawn_local(change.sync());
    }

    /// An id for something not stored yet (a business or user being added),
    /// that no id the server gives can equal.
    pub fn provisional_id(&self) -> u64 {
        self.provisional.update_value(|last| *last -= 1);
        self.provisional.get_value()
    }

    /// Whether `id` is provisional: its client is still being added.
    pub fn is_provisional(&self, id: ClientId) -> bool {
        self.adding.with_value(|adding| adding.contains_key(&id))
    }

    /// Ends a change: the client shows what the server holds again. The
    /// "just now" mark stays only if the change may have been made.
    fn settle(&self, id: ClientId, keep_mark: bool) {
        self.pending.update_value(|pending| {
            pending.remove(&id);
        });
        let last_read = self.window.with_untracked(Window::last_read);
        self.counted
            .update_value(|counted| counted.ended(id, last_read));
        if !keep_mark {
            self.changed.update(|changed| {
                changed.remove(&id);
            });
        }
        self.show(id);
        self.syncing.update(|syncing| {
            syncing.remove(&id);
        });
        // The server now sorts and counts the list with the change, or
        // without it: the pages held are read again to show which.
        self.refresh_list();
    }
}
