//! One change on its way to the server: sent with an idempotency key,
//! sent once more when its answer was lost, and, when no answer says what
//! became of it, checked by re-reading the client until the server answers.

use super::{RETRY_AFTER, Store, SyncState, backoff};
use crate::api::{ApiError, UNEXPECTED_ANSWER, new_idempotency_key};
use crate::toast::Toasts;
use clientele_core::wire::Invitation;
use clientele_core::{Client, ClientId, Command, Event};
use leptos::prelude::*;

/// Told how a change ended: saved (with the invitation of a user just
/// added, when the answer brought one), or not saved and why. It answers
/// whether it showed a refusal; if not (its dialog has closed), the toast
/// says it instead.
pub type Then = Box<dyn FnOnce(Result<Option<Invitation>, String>) -> bool>;

/// Tells `then` the outcome, or, for a refusal nobody showed, the toast.
pub(super) fn tell(
    toasts: &Toasts,
    then: Option<Then>,
    outcome: Result<Option<Invitation>, String>,
) {
    let shown = match then {
        Some(then) => then(outcome.clone()),
        None => false,
    };
    if let (Err(message), false) = (outcome, shown) {
        toasts.push(message);
    }
}

/// How a change ended, and so what the person is told.
enum Settled {
    /// The server applied it.
    Saved,
    /// The server did not apply it.
    NotSaved,
    /// The client has changed more than once since; what became of this
    /// change cannot be told.
    Unknown,
}

/// One change on its way to the server.
pub(super) struct Change {
    pub(super) store: Store,
    pub(super) session: u64,
    pub(super) before: Client,
    pub(super) optimistic: Client,
    pub(super) command: Command,
    pub(super) then: Option<Then>,
    /// What the change did here, when undo can be offered for it.
    pub(super) undo: Option<Event>,
}

impl Change {
    fn id(&self) -> ClientId {
        self.before.id
    }

    /// Whether the session the change was made in is still the store's.
    fn current(&self) -> bool {
        self.store.session() == self.session
    }

    /// Sends the change (twice at most, with one key) and settles it.
    pub(super) async fn sync(mut self) {
        let store = self.store;
        let api = store.api();
        let key = new_idempotency_key();
        let expected = self.before.version;
        let mut answer = api.change(self.id(), expected, &self.command, &key).await;
        // A lost answer is asked for again with the same key, after a moment
        // (a connection that just dropped often drops the next try too): the
        // server applies the change once, or replays its first answer.
        if matches!(answer, Err(ApiError::Network(_))) && self.current() {
            store.pause_for(RETRY_AFTER).await;
            if !self.current() {
                return;
            }
            answer = api.change(self.id(), expected, &self.command, &key).await;
        }
        if !self.current() {
            return;
        }
        match answer {
            Ok(changed) => {
                store.learn(&changed.client);
                store.settle(self.id(), true);
                // The server stored exactly what `core` made here, so the
                // event made here is the one it recorded: offer its undo.
                if let Some(event) = self.undo.take()
                    && changed.client == self.optimistic
                {
                    store.offer_undo(&changed.client, event);
                }
                if let Some(then) = self.then.take() {
                    then(Ok(changed.invitation));
                }
            }
            Err(ApiError::SessionEnded) => store.settle(self.id(), false),
            Err(error) if !says_nothing(&error) => {
                // The server decided, and a refused change changed nothing.
                // (Had a lost first try been applied, the retry would have
                // replayed its answer instead.)
                if let Some(current) = error.current_client() {
                    store.learn(current);
                }
                store.settle(self.id(), false);
                let message = format!(
                    "Your change to {} was not saved. {}{}",
                    self.before.name,
                    self.who_won(&error),
                    error.message()
                );
                tell(&store.toasts, self.then.take(), Err(message));
            }
            Err(error) => self.check(error).await,
        }
    }

    /// "Dana Lowe changed this client first. " when the change lost a race:
    /// to someone the live updates named, or else the refusal itself (from
    /// the activity log); nothing when neither knows.
    fn who_won(&self, error: &ApiError) -> String {
        match error {
            ApiError::Server {
                code, changed_by, ..
            } if code == "stale_version" => {
                self.store
                    .first_changer_note(self.id(), self.before.version, changed_by.as_deref())
            }
            _ => String::new(),
        }
    }

    /// Re-reads the client until the server answers, then says what became
    /// of the change and shows what the server holds.
    async fn check(mut self, error: ApiError) {
        let store = self.store;
        let id = self.id();
        store.syncing.update(|syncing| {
            syncing.insert(id, SyncState::Checking);
        });
        let why = match &error {
            ApiError::Server { message, code, .. } if code != UNEXPECTED_ANSWER => {
                format!("The server failed: {}.", message.trim_end_matches('.'))
            }
            ApiError::Server { status, .. } => format!("The server answered {status}."),
            _ => "Could not reach the server.".to_owned(),
        };
        let mut attempt = 0;
        loop {
            if attempt > 0 {
                store.pause_for(backoff(attempt)).await;
                if !self.current() {
                    return;
                }
            }
            attempt += 1;
            let read = store.api().client(id).await;
            if !self.current() {
                return;
            }
            match read {
                Ok(client) => {
                    store.learn(&client);
                    let newest = store
                        .known
                        .with_value(|known| known.clients.get(&id).cloned())
                        .unwrap_or(client);
                    let name = &self.before.name;
                    let (message, saved) = match self.judge(&newest) {
                        Settled::Saved => {
                            store.settle(id, true);
                            let message = format!(
                                "{why} The server was asked again: your change to {name} was saved."
                            );
                            (message, true)
                        }
                        Settled::NotSaved => {
                            store.settle(id, false);
                            let message = format!(
                                "{why} The server was asked again: your change to {name} was not \
                                 saved."
                            );
                            (message, false)
                        }
                        Settled::Unknown => {
                            store.settle(id, true);
                            let message = format!(
                                "{why} {name} has been changed more than once since, so whether \
                                 your change was saved cannot be told. It is shown as the server \
                                 holds it now."
                            );
                            (message, false)
                        }
                    };
                    if saved {
                        // The answer, and any invitation in it, was lost.
                        store.toasts.push(message);
                        if let Some(then) = self.then.take() {
                            then(Ok(None));
                        }
                    } else {
                        tell(&store.toasts, self.then.take(), Err(message));
                    }
                    return;
                }
                Err(ApiError::SessionEnded) => {
                    store.settle(id, false);
                    return;
                }
                Err(read_error) if says_nothing(&read_error) => continue,
                Err(read_error) => {
                    store.settle(id, false);
                    let message = format!(
                        "{why} Whether your change to {} was saved could not be checked. {}",
                        self.before.name,
                        read_error.message()
                    );
                    tell(&store.toasts, self.then.take(), Err(message));
                    return;
                }
            }
        }
    }

    /// What became of the change, from the newest client the server sent:
    /// at the same version nothing was applied; one version on, it was
    /// applied if it is exactly what `core` made of it (the only change the
    /// server could apply against `before`'s version); further on, which
    /// changes were applied cannot be told.
    fn judge(&self, newest: &Client) -> Settled {
        let version = self.before.version;
        if newest.version == version {
            Settled::NotSaved
        } else if newest.version == version + 1 {
            let same = |client: &Client| Client {
                version: 0,
                ..client.clone()
            };
            if same(&self.as_made_here(newest)) == same(&self.optimistic) {
                Settled::Saved
            } else {
                Settled::NotSaved
            }
        } else {
            Settled::Unknown
        }
    }
}

impl Change {
    /// `newest` with the business or user this change added under the
    /// provisional id it has here, instead of the one the server gave it,
    /// so the two can be compared.
    fn as_made_here(&self, newest: &Client) -> Client {
        let mut newest = newest.clone();
        match &self.command {
            Command::AddBusiness { business_id, .. } => {
                let before = &self.before;
                if let Some(added) = newest
                    .businesses
                    .iter_mut()
                    .find(|business| before.business(business.id).is_none())
                {
                    added.id = *business_id;
                }
            }
            Command::AddUser { user_id, .. } => {
                let before = &self.before;
                if let Some(added) = newest
                    .users
                    .iter_mut()
                    .find(|user| before.user(user.id).is_none())
                {
                    added.id = *user_id;
                }
            }
            _ => {}
        }
        newest
    }
}

/// Whether a failed request's answer leaves open whether it was applied: it
/// was lost, the server (or a proxy before it) failed, or the server reports
/// a key it has already stored, which it only does for an applied change.
pub fn says_nothing(error: &ApiError) -> bool {
    match error {
        ApiError::Network(_) => true,
        ApiError::Server { status, code, .. } => {
            *status >= 500 || code == UNEXPECTED_ANSWER || code == "idempotency_key_reused"
        }
        ApiError::SessionEnded => false,
    }
}
