//! The scheduler: runs each scheduled deactivation when its day comes.
//!
//! Every few seconds ([`DEFAULT_EVERY`], `--schedule-every`) each instance
//! asks the database which schedules are due by its [`Clock`] and runs
//! them one by one, each in its own transaction through `core`'s rules
//! ([`crate::store::ScheduleStore`]). The schedules live in the database,
//! so they survive restarts; a run clears its schedule in the transaction
//! that applies it, under the client's row lock, so with several instances
//! each runs exactly once. Tests call [`run_due`] with a manual clock.

use crate::clock::Clock;
use crate::events::{self, Events};
use crate::state::Store;
use crate::store::{Storage, StoreError};
use clientele_core::{Client, PracticeId, Timestamp};
use std::sync::Arc;
use std::time::Duration;

/// How often an instance looks for due schedules, unless told otherwise.
pub const DEFAULT_EVERY: Duration = Duration::from_secs(5);

/// One schedule that was run: the client as it is now (deactivated, or
/// active with the refusal kept), and who had scheduled it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ran {
    /// The client's practice.
    pub practice: PracticeId,
    /// The client after the run.
    pub client: Client,
    /// The admin who scheduled it, in whose name it ran.
    pub actor: String,
}

/// Runs every schedule due at `now`; answers those this call ran (not those
/// another instance ran first). One client's failure to run is logged and
/// does not stop the others. It blocks: call it off the async threads.
pub fn run_due(store: &dyn Storage, now: Timestamp) -> Result<Vec<Ran>, StoreError> {
    let mut ran = Vec::new();
    for due in store.due_deactivations(now)? {
        match store.run_scheduled_deactivation(due, now) {
            Ok(Some((client, actor))) => ran.push(Ran {
                practice: due.practice,
                client,
                actor: actor.name,
            }),
            Ok(None) => {}
            Err(error) => tracing::warn!(
                client = due.client.0,
                %error,
                "could not run a scheduled deactivation; it is tried again next time"
            ),
        }
    }
    Ok(ran)
}

/// Runs the due schedules once, then tells the live streams what changed.
pub async fn tick(store: &Store, clock: &dyn Clock, events: &Events) -> Vec<Ran> {
    let now = clock.now();
    let store = Arc::clone(store);
    let ran = tokio::task::spawn_blocking(move || run_due(store.as_ref(), now)).await;
    let ran = match ran {
        Ok(Ok(ran)) => ran,
        Ok(Err(error)) => {
            tracing::warn!(%error, "could not look for due scheduled deactivations");
            return Vec::new();
        }
        Err(error) => {
            tracing::warn!(%error, "the scheduler's task failed");
            return Vec::new();
        }
    };
    for run in &ran {
        if run.client.schedule_failure.is_some() {
            tracing::warn!(
                client = run.client.id.0,
                "a scheduled deactivation was refused"
            );
        } else {
            tracing::info!(client = run.client.id.0, "ran a scheduled deactivation");
        }
        events
            .publish(events::Change {
                practice: run.practice,
                client_id: run.client.id,
                version: run.client.version,
                actor: run.actor.clone(),
            })
            .await;
    }
    ran
}

/// Ticks every `every` until the process stops.
pub async fn run_every(store: Store, clock: Arc<dyn Clock>, events: Events, every: Duration) {
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        tick(&store, clock.as_ref(), &events).await;
    }
}
