//! Scheduled deactivations as the scheduler sees them: which are due, and
//! running one. Scheduling and cancelling are ordinary changes
//! ([`super::ClientStore::change`]); the schedule itself is part of the
//! client that `core` decides on.

use super::{Actor, StoreError};
use clientele_core::{Client, ClientId, PracticeId, Timestamp};

/// A client whose scheduled deactivation is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// The client's practice.
    pub practice: PracticeId,
    /// The client.
    pub client: ClientId,
}

/// What the scheduler needs from storage.
pub trait ScheduleStore: Send + Sync + 'static {
    /// The clients whose scheduled deactivation is due at `now`, the
    /// earliest first.
    fn due_deactivations(&self, now: Timestamp) -> Result<Vec<Due>, StoreError>;
    /// Runs `due`'s scheduled deactivation through `core`
    /// (`RunScheduledDeactivation`) in one transaction that also clears the
    /// schedule and records the activity, in the name of the admin who
    /// scheduled it. Answers the client as it is now and that admin, or
    /// `None` when nothing is due any more (another instance ran it first,
    /// or it was cancelled): so each schedule runs exactly once.
    fn run_scheduled_deactivation(
        &self,
        due: Due,
        now: Timestamp,
    ) -> Result<Option<(Client, Actor)>, StoreError>;
}
