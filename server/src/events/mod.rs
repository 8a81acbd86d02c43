//! Live updates: every accepted change to a client becomes a [`Change`]
//! that reaches the streams of `GET /api/events` on every instance.
//!
//! Two parts. The [`EventBus`] carries a change from the instance that made
//! it to every instance: in-process with SQLite ([`InProcessBus`]), through
//! PostgreSQL's `LISTEN`/`NOTIFY` with several instances
//! ([`postgres::PostgresBus`]). The [`Hub`] of each instance numbers what
//! arrives, keeps the last [`KEPT`] in a ring for reconnects, and hands each
//! change to the streams open on it.
//!
//! Event ids are the instance's: `<instance>-<n>`, `n` counting up from 1
//! since it started. A reconnect's `Last-Event-ID` is answered from the ring
//! when it can be; otherwise (another instance's id, or older than the ring
//! keeps) the stream says `resync`, and the app reads again what it shows.

pub mod postgres;

use clientele_core::{ClientId, PracticeId};
use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{broadcast, watch};

/// How many events each instance keeps for reconnects.
pub const KEPT: usize = 1024;

/// One accepted change, as it travels between instances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The practice whose client changed: only its people hear of it.
    pub practice: PracticeId,
    /// The client.
    pub client_id: ClientId,
    /// Its version after the change.
    pub version: u64,
    /// Who made the change.
    pub actor: String,
}

/// What a stream receives from its instance's hub.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// A change, with its event id's number.
    Change(u64, Arc<Change>),
    /// Events may have been lost (the bus's connection to PostgreSQL broke):
    /// every stream must say `resync`. The number is the last id before it.
    Lost(u64),
}

/// Carries changes from the instance that made them to every instance's
/// [`Hub`], this one's included.
pub trait EventBus: Send + Sync {
    /// Sends `change` on. A failure is logged, not returned: the change
    /// itself is committed, and the apps re-read after a resync.
    fn publish(&self, change: Change) -> BoxFuture<'_, ()>;

    /// Sends several changes on at once, in order (an import's), in one
    /// round trip where the bus can.
    fn publish_all(&self, changes: Vec<Change>) -> BoxFuture<'_, ()>;
}

/// The bus of a single instance (SQLite): straight to its own hub.
pub struct InProcessBus {
    hub: Arc<Hub>,
}

impl EventBus for InProcessBus {
    fn publish(&self, change: Change) -> BoxFuture<'_, ()> {
        self.hub.deliver(change);
        Box::pin(std::future::ready(()))
    }

    fn publish_all(&self, changes: Vec<Change>) -> BoxFuture<'_, ()> {
        for change in changes {
            self.hub.deliver(change);
        }
        Box::pin(std::future::ready(()))
    }
}

/// An instance's live updates: the bus it publishes on and the hub its
/// streams subscribe to.
#[derive(Clone)]
pub struct Events {
    hub: Arc<Hub>,
    bus: Arc<dyn EventBus>,
}

impl Events {
    /// Live updates within this process (one instance on SQLite).
    pub fn in_process() -> Events {
        let hub = Arc::new(Hub::new());
        let bus = Arc::new(InProcessBus {
            hub: Arc::clone(&hub),
        });
        Events { hub, bus }
    }

    /// Live updates across every instance on the PostgreSQL database at
    /// `url`: listening before this returns, so nothing published after it
    /// is missed.
    pub async fn postgres(url: &str) -> Result<Events, String> {
        let hub = Arc::new(Hub::new());
        let bus = postgres::PostgresBus::start(url, Arc::clone(&hub)).await?;
        Ok(Events {
            hub,
            bus: Arc::new(bus),
        })
    }

    /// Publishes an accepted change.
    pub async fn publish(&self, change: Change) {
        self.bus.publish(change).await;
    }

    /// Publishes several changes at once, in order.
    pub async fn publish_all(&self, changes: Vec<Change>) {
        self.bus.publish_all(changes).await;
    }

    /// This instance's hub.
    pub fn hub(&self) -> &Hub {
        &self.hub
    }
}

/// Where a reconnecting stream takes up.
#[derive(Debug, PartialEq, Eq)]
pub enum Resume {
    /// Nothing to replay: a first connection.
    Fresh,
    /// The events after `Last-Event-ID`, from the ring.
    Replay(Vec<(u64, Arc<Change>)>),
    /// `Last-Event-ID` cannot be answered: another instance's, or older
    /// than the ring keeps.
    Resync,
}

/// A stream's start: what to send first, the id it ends on, and the
/// receiver of everything after.
pub struct Subscription {
    /// What to send before the live events.
    pub resume: Resume,
    /// The number of the hub's last event when subscribing.
    pub latest: u64,
    /// The live events.
    pub receiver: broadcast::Receiver<Delivered>,
}

/// An instance's events: numbered, kept in a ring, and broadcast.
pub struct Hub {
    /// This instance's part of every event id, different at each start.
    instance: String,
    sender: broadcast::Sender<Delivered>,
    state: Mutex<Ring>,
    /// Set when the server stops: every stream ends, so that a graceful
    /// shutdown does not wait for streams that never end by themselves.
    closing: watch::Sender<bool>,
}

struct Ring {
    last: u64,
    kept: VecDeque<(u64, Arc<Change>)>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

impl Hub {
    /// An empty hub with a fresh instance id.
    pub fn new() -> Hub {
        use rand::Rng;
        let instance: u32 = rand::thread_rng().r#gen();
        let (sender, _) = broadcast::channel(KEPT);
        Hub {
            instance: format!("{instance:08x}"),
            sender,
            state: Mutex::new(Ring {
                last: 0,
                kept: VecDeque::with_capacity(KEPT),
            }),
            closing: watch::Sender::new(false),
        }
    }

    fn ring(&self) -> MutexGuard<'_, Ring> {
        // A panic while holding the lock leaves the ring whole: every
        // mutation is one push and one pop.
        self.state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Numbers `change`, keeps it and hands it to every stream. Under the
    /// ring's lock, so the ring, the numbering and the broadcast agree.
    pub fn deliver(&self, change: Change) {
        let mut ring = self.ring();
        ring.last += 1;
        let number = ring.last;
        let change = Arc::new(change);
        if ring.kept.len() == KEPT {
            ring.kept.pop_front();
        }
        ring.kept.push_back((number, Arc::clone(&change)));
        // No receivers is no error: nobody is watching.
        let _ = self.sender.send(Delivered::Change(number, change));
    }

    /// Tells every stream that events may have been lost.
    pub fn lost_events(&self) {
        let ring = self.ring();
        let _ = self.sender.send(Delivered::Lost(ring.last));
    }

    /// Ends every stream: the server is stopping.
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Told when the server is stopping.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// The number of the last event delivered.
    pub fn latest(&self) -> u64 {
        self.ring().last
    }

    /// The event id of number `number`.
    pub fn event_id(&self, number: u64) -> String {
        format!("{}-{number}", self.instance)
    }

    /// Starts a stream after `last_event_id` (the `Last-Event-ID` header),
    /// if any.
    pub fn subscribe(&self, last_event_id: Option<&str>) -> Subscription {
        let ring = self.ring();
        let receiver = self.sender.subscribe();
        let resume = match last_event_id {
            None => Resume::Fresh,
            Some(id) => self.resume_after(&ring, id),
        };
        Subscription {
            resume,
            latest: ring.last,
            receiver,
        }
    }

    fn resume_after(&self, ring: &Ring, last_event_id: &str) -> Resume {
        let Some((instance, number)) = last_event_id.trim().rsplit_once('-') else {
            return Resume::Resync;
        };
        let Ok(number) = number.parse::<u64>() else {
            return Resume::Resync;
        };
        if instance != self.instance || number > ring.last {
            return Resume::Resync;
        }
        // The ring holds every event after `oldest - 1`.
        let oldest = ring.kept.front().map_or(ring.last + 1, |(first, _)| *first);
        if number + 1 < oldest {
            return Resume::Resync;
        }
        Resume::Replay(
            ring.kept
                .iter()
                .filter(|(kept, _)| *kept > number)
                .cloned()
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(client: u64) -> Change {
        Change {
            practice: PracticeId(1),
            client_id: ClientId(client),
            version: 2,
            actor: "Dana Lowe".into(),
        }
    }

    fn replayed(resume: Resume) -> Vec<u64> {
        match resume {
            Resume::Replay(events) => events.iter().map(|(n, _)| *n).collect(),
            other => panic!("expected a replay, got {other:?}"),
        }
    }

    #[test]
    fn a_reconnect_replays_what_came_after_its_last_event() {
        let hub = Hub::new();
        for client in 1..=3 {
            hub.deliver(change(client));
        }
        let last = hub.event_id(1);
        assert_eq!(replayed(hub.subscribe(Some(&last)).resume), vec![2, 3]);
        let latest = hub.event_id(3);
        assert_eq!(
            replayed(hub.subscribe(Some(&latest)).resume),
            Vec::<u64>::new()
        );
    }

    #[test]
    fn a_reconnect_older_than_the_ring_resyncs() {
        let hub = Hub::new();
        for client in 0..(KEPT as u64 + 2) {
            hub.deliver(change(client));
        }
        assert_eq!(hub.subscribe(Some(&hub.event_id(1))).resume, Resume::Resync);
        assert_eq!(
            replayed(hub.subscribe(Some(&hub.event_id(2))).resume).len(),
            KEPT
        );
    }

    #[test]
    fn another_instances_id_resyncs() {
        let (hub, other) = (Hub::new(), Hub::new());
        hub.deliver(change(1));
        other.deliver(change(1));
        assert_eq!(
            hub.subscribe(Some(&other.event_id(1))).resume,
            Resume::Resync
        );
        assert_eq!(hub.subscribe(Some("nonsense")).resume, Resume::Resync);
        assert_eq!(hub.subscribe(Some(&hub.event_id(9))).resume, Resume::Resync);
    }

    #[test]
    fn a_first_connection_replays_nothing() {
        let hub = Hub::new();
        hub.deliver(change(1));
        let subscription = hub.subscribe(None);
        assert_eq!(subscription.resume, Resume::Fresh);
        assert_eq!(subscription.latest, 1);
    }
}
