//! The activation rules R1 to R6 from the help article "Deactivating a Dext
//! Solo Client", as one decision function and one fold.

use crate::error::RuleError;
use crate::ids::{BusinessId, UserId};
use crate::model::{Client, Extraction, NotExtractedReason, Role, Status};
use serde::{Deserialize, Serialize};

/// A change a practice asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// R1: deactivate the client and hand its account to one of its users.
    DeactivateClient {
        /// The user who becomes account owner and admin.
        new_owner_id: UserId,
        /// Why, for the activity log.
        reason: Option<String>,
    },
    /// R2: reactivate the client and all of its businesses.
    ReactivateClient,
    /// R3: deactivate one business and hand it to one of the client's users.
    DeactivateBusiness {
        /// The business to deactivate.
        business_id: BusinessId,
        /// The user who becomes owner and admin of the business.
        new_owner_id: UserId,
    },
    /// R4: reactivate one business.
    ReactivateBusiness {
        /// The business to reactivate.
        business_id: BusinessId,
    },
}

/// What happened, as a result of an accepted [`Command`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// The client and every one of its businesses were deactivated.
    ClientDeactivated {
        /// The new account owner and admin.
        new_owner_id: UserId,
        /// Why, if given.
        reason: Option<String>,
    },
    /// The client and every one of its businesses were reactivated.
    ClientReactivated,
    /// One business was deactivated.
    BusinessDeactivated {
        /// The business.
        business_id: BusinessId,
        /// Its new owner and admin.
        new_owner_id: UserId,
    },
    /// One business was reactivated.
    BusinessReactivated {
        /// The business.
        business_id: BusinessId,
    },
}

/// Checks `command` against `client` at `expected_version` (R6) and returns
/// the events it causes, or why it is refused. Never changes anything.
pub fn decide(
    client: &Client,
    expected_version: u64,
    command: &Command,
) -> Result<Vec<Event>, RuleError> {
    if expected_version != client.version {
        return Err(RuleError::StaleVersion {
            expected: expected_version,
            actual: client.version,
        });
    }
    let event = match command {
        Command::DeactivateClient {
            new_owner_id,
            reason,
        } => {
            if client.status == Status::Deactivated {
                return Err(RuleError::ClientAlreadyDeactivated);
            }
            require_user(client, *new_owner_id)?;
            Event::ClientDeactivated {
                new_owner_id: *new_owner_id,
                reason: reason.clone(),
            }
        }
        Command::ReactivateClient => {
            if client.status == Status::Active {
                return Err(RuleError::ClientAlreadyActive);
            }
            Event::ClientReactivated
        }
        Command::DeactivateBusiness {
            business_id,
            new_owner_id,
        } => {
            let business = require_business(client, *business_id)?;
            if client.status == Status::Deactivated {
                return Err(RuleError::ClientDeactivated);
            }
            if business.status == Status::Deactivated {
                return Err(RuleError::BusinessAlreadyDeactivated);
            }
            require_user(client, *new_owner_id)?;
            Event::BusinessDeactivated {
                business_id: *business_id,
                new_owner_id: *new_owner_id,
            }
        }
        Command::ReactivateBusiness { business_id } => {
            let business = require_business(client, *business_id)?;
            if client.status == Status::Deactivated {
                return Err(RuleError::ReactivateClientFirst);
            }
            if business.status == Status::Active {
                return Err(RuleError::BusinessAlreadyActive);
            }
            Event::BusinessReactivated {
                business_id: *business_id,
            }
        }
    };
    Ok(vec![event])
}

/// Folds one event into the client. Does not touch the version: that is
/// [`execute`]'s job, once per accepted command.
pub fn apply(client: &mut Client, event: &Event) {
    match event {
        Event::ClientDeactivated { new_owner_id, .. } => {
            client.status = Status::Deactivated;
            client.owner = *new_owner_id;
            make_admin(client, *new_owner_id);
            for business in &mut client.businesses {
                business.status = Status::Deactivated;
            }
        }
        Event::ClientReactivated => {
            client.status = Status::Active;
            for business in &mut client.businesses {
                business.status = Status::Active;
            }
        }
        Event::BusinessDeactivated {
            business_id,
            new_owner_id,
        } => {
            make_admin(client, *new_owner_id);
            if let Some(business) = business_mut(client, *business_id) {
                business.status = Status::Deactivated;
                business.owner = *new_owner_id;
            }
        }
        Event::BusinessReactivated { business_id } => {
            if let Some(business) = business_mut(client, *business_id) {
                business.status = Status::Active;
            }
        }
    }
}

/// Decides and applies `command`, raising the version by exactly one (R6).
/// Returns the changed client and the events; on refusal the input is left
/// as it was, because it is only borrowed.
pub fn execute(
    client: &Client,
    expected_version: u64,
    command: &Command,
) -> Result<(Client, Vec<Event>), RuleError> {
    let events = decide(client, expected_version, command)?;
    let mut next = client.clone();
    for event in &events {
        apply(&mut next, event);
    }
    next.version += 1;
    Ok((next, events))
}

/// R5: the extraction state for a document added now to `business_id`.
/// It is queued only when both the business and its client are active.
pub fn extraction_for_new_document(
    client: &Client,
    business_id: BusinessId,
) -> Result<Extraction, RuleError> {
    let business = require_business(client, business_id)?;
    Ok(if client.status == Status::Deactivated {
        Extraction::NotExtracted(NotExtractedReason::ClientDeactivated)
    } else if business.status == Status::Deactivated {
        Extraction::NotExtracted(NotExtractedReason::BusinessDeactivated)
    } else {
        Extraction::Queued
    })
}

fn require_user(client: &Client, user_id: UserId) -> Result<(), RuleError> {
    client
        .user(user_id)
        .map(|_| ())
        .ok_or(RuleError::OwnerNotInAccount(user_id))
}

fn require_business(
    client: &Client,
    business_id: BusinessId,
) -> Result<&crate::model::Business, RuleError> {
    client
        .business(business_id)
        .ok_or(RuleError::BusinessNotFound(business_id))
}

fn business_mut(
    client: &mut Client,
    business_id: BusinessId,
) -> Option<&mut crate::model::Business> {
    client
        .businesses
        .iter_mut()
        .find(|business| business.id == business_id)
}

fn make_admin(client: &mut Client, user_id: UserId) {
    if let Some(user) = client.users.iter_mut().find(|user| user.id == user_id) {
        user.role = Role::Admin;
    }
}
