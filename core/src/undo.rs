//! Exact undo of a deactivation or reactivation, of a client or a business.
//!
//! Undo is a new change with a version of its own: the history is never
//! rewritten. Its inverse is computed from the change's recorded [`Event`],
//! which carries what the change replaced (the previous owner, whether it
//! made someone an admin, which businesses it deactivated), and it is only
//! allowed while the client is still exactly as that change left it: at the
//! version the change produced. Anything else means someone changed the
//! client in between, and undo is refused with that reason.

use crate::commands::Event;
use crate::error::RuleError;
use crate::ids::{BusinessId, UserId};
use crate::model::{Client, Role, Status, Timestamp};
use serde::{Deserialize, Serialize};

/// How long the app offers "Undo" after a change, in milliseconds.
pub const UNDO_OFFERED_MS: i64 = 10_000;

/// How long after a change the server still accepts its undo: the time it is
/// offered plus a little for the request to arrive.
pub const UNDO_ACCEPTED_MS: i64 = UNDO_OFFERED_MS + 5_000;

/// A change as recorded: its event, the version it produced and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    /// The version of the client the change produced.
    pub version: u64,
    /// What the change did.
    pub event: Event,
    /// When it was made.
    pub at: Timestamp,
}

/// What an undo puts back. Only what the undone change touched is named;
/// everything else is left as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restore {
    /// The client's status before, if the change set it.
    #[serde(default)]
    pub status: Option<Status>,
    /// The account owner before, if the change replaced them.
    #[serde(default)]
    pub owner: Option<UserId>,
    /// The businesses the change touched, as they were.
    #[serde(default)]
    pub businesses: Vec<BusinessRestore>,
    /// The roles the change granted, as they were.
    #[serde(default)]
    pub roles: Vec<RoleRestore>,
}

impl Restore {
    /// The business, when the undone change was to one business.
    pub fn business(&self) -> Option<BusinessId> {
        match (self.status, self.businesses.as_slice()) {
            (None, [business]) => Some(business.business_id),
            _ => None,
        }
    }

    /// The owner put back: the account's, or the business's.
    pub fn owner_put_back(&self) -> Option<UserId> {
        self.owner
            .or_else(|| self.businesses.iter().find_map(|business| business.owner))
    }
}

/// One business as it was before the undone change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessRestore {
    /// The business.
    pub business_id: BusinessId,
    /// Its status before.
    pub status: Status,
    /// Its owner before, if the change replaced them.
    #[serde(default)]
    pub owner: Option<UserId>,
}

/// One user's role as it was before the undone change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRestore {
    /// The user.
    pub user_id: UserId,
    /// Their role before.
    pub role: Role,
}

/// What putting the client back before `event` takes, on `client` as that
/// event left it; `None` for an event that cannot be undone (not one of the
/// four activation changes, or recorded before events carried enough).
pub fn inverse(client: &Client, event: &Event) -> Option<Restore> {
    let demote = |granted: bool, user_id: UserId| {
        granted
            .then_some(RoleRestore {
                user_id,
                role: Role::Standard,
            })
            .into_iter()
            .collect()
    };
    Some(match event {
        Event::ClientDeactivated {
            new_owner_id,
            previous_owner_id,
            granted_admin,
            deactivated_businesses,
            ..
        } => Restore {
            status: Some(Status::Active),
            owner: Some((*previous_owner_id)?),
            businesses: deactivated_businesses
                .as_ref()?
                .iter()
                .map(|business_id| BusinessRestore {
                    business_id: *business_id,
                    status: Status::Active,
                    owner: None,
                })
                .collect(),
            roles: demote(*granted_admin, *new_owner_id),
        },
        // Reactivation turns every business of a deactivated client active,
        // and a deactivated client has no active business, so all of them
        // were deactivated before.
        Event::ClientReactivated => Restore {
            status: Some(Status::Deactivated),
            owner: None,
            businesses: client
                .businesses
                .iter()
                .map(|business| BusinessRestore {
                    business_id: business.id,
                    status: Status::Deactivated,
                    owner: None,
                })
                .collect(),
            roles: Vec::new(),
        },
        Event::BusinessDeactivated {
            business_id,
            new_owner_id,
            previous_owner_id,
            granted_admin,
            ..
        } => Restore {
            status: None,
            owner: None,
            businesses: vec![BusinessRestore {
                business_id: *business_id,
                status: Status::Active,
                owner: Some((*previous_owner_id)?),
            }],
            roles: demote(*granted_admin, *new_owner_id),
        },
        Event::BusinessReactivated { business_id } => Restore {
            status: None,
            owner: None,
            businesses: vec![BusinessRestore {
                business_id: *business_id,
                status: Status::Deactivated,
                owner: None,
            }],
            roles: Vec::new(),
        },
        _ => return None,
    })
}

/// Decides an undo of `change` on `client` at `expected_version`, at time
/// `at`: refused when there is no undoable change, when someone changed the
/// client since it, or when it is too late.
pub(crate) fn decide(
    client: &Client,
    expected_version: u64,
    change: Option<&Recorded>,
    at: Timestamp,
) -> Result<Event, RuleError> {
    let change = change.ok_or(RuleError::NothingToUndo)?;
    if client.version != change.version {
        return Err(RuleError::ChangedSince {
            undone: change.version,
            actual: client.version,
        });
    }
    if expected_version != client.version {
        return Err(RuleError::StaleVersion {
            expected: expected_version,
            actual: client.version,
        });
    }
    if at.0.saturating_sub(change.at.0) > UNDO_ACCEPTED_MS {
        return Err(RuleError::UndoExpired);
    }
    let restore = inverse(client, &change.event).ok_or(RuleError::NothingToUndo)?;
    Ok(Event::ChangeUndone {
        undone_version: change.version,
        restore,
    })
}

/// Folds a [`Restore`] into the client.
pub(crate) fn restore(client: &mut Client, restore: &Restore) {
    if let Some(status) = restore.status {
        client.status = status;
    }
    if let Some(owner) = restore.owner {
        client.owner = owner;
    }
    for put_back in &restore.businesses {
        if let Some(business) = client
            .businesses
            .iter_mut()
            .find(|business| business.id == put_back.business_id)
        {
            business.status = put_back.status;
            if let Some(owner) = put_back.owner {
                business.owner = owner;
            }
        }
    }
    for put_back in &restore.roles {
        if let Some(user) = client
            .users
            .iter_mut()
            .find(|user| user.id == put_back.user_id)
        {
            user.role = put_back.role;
        }
    }
}

/// Whether `event` is one an undo can be offered for.
pub fn can_be_undone(event: &Event) -> bool {
    matches!(
        event,
        Event::ClientDeactivated {
            previous_owner_id: Some(_),
            deactivated_businesses: Some(_),
            ..
        } | Event::ClientReactivated
            | Event::BusinessDeactivated {
                previous_owner_id: Some(_),
                ..
            }
            | Event::BusinessReactivated { .. }
    )
}
