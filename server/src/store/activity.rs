//! One entry of a client's activity log as both stores keep it: which
//! business, owner, user and reason an event names.

use clientele_core::{BusinessId, Event, UserId};

/// The columns of an activity entry beyond its client, time, actor and
/// action.
#[derive(Debug, Default)]
pub(crate) struct ActivityRow {
    /// The client version the change made, when it made one.
    pub(crate) version: Option<u64>,
    pub(crate) business: Option<BusinessId>,
    pub(crate) new_owner: Option<UserId>,
    pub(crate) user: Option<UserId>,
    pub(crate) reason: Option<String>,
}

impl ActivityRow {
    /// What `event` records beside its action.
    pub(crate) fn of(event: &Event) -> ActivityRow {
        match event {
            Event::ClientDeactivated {
                new_owner_id,
                reason,
                ..
            } => ActivityRow {
                new_owner: Some(*new_owner_id),
                reason: reason.clone(),
                ..ActivityRow::default()
            },
            Event::ClientReactivated | Event::ClientEdited { .. } => ActivityRow::default(),
            Event::BusinessDeactivated {
                business_id,
                new_owner_id,
                reason,
                ..
            } => ActivityRow {
                business: Some(*business_id),
                new_owner: Some(*new_owner_id),
                reason: reason.clone(),
                ..ActivityRow::default()
            },
            Event::BusinessReactivated { business_id }
            | Event::BusinessAdded { business_id, .. }
            | Event::BusinessRenamed { business_id, .. } => ActivityRow {
                business: Some(*business_id),
                ..ActivityRow::default()
            },
            Event::UserAdded { user } => ActivityRow {
                user: Some(user.id),
                ..ActivityRow::default()
            },
            Event::UserRemoved { user_id, .. } => ActivityRow {
                user: Some(*user_id),
                ..ActivityRow::default()
            },
            Event::ChangeUndone { restore, .. } => ActivityRow {
                business: restore.business(),
                new_owner: restore.owner_put_back(),
                ..ActivityRow::default()
            },
            Event::DeactivationScheduled { schedule } => ActivityRow {
                new_owner: Some(schedule.new_owner_id),
                reason: schedule.reason.clone(),
                ..ActivityRow::default()
            },
            Event::ScheduledDeactivationCancelled => ActivityRow::default(),
            // The refusal, in the rules' words, is the entry's reason.
            Event::ScheduledDeactivationFailed { message, .. } => ActivityRow {
                reason: Some(message.clone()),
                ..ActivityRow::default()
            },
        }
    }
}
