//! The activation rules R1 to R6 from the help article "Deactivating a Dext
//! Solo Client", and the everyday edits of a client (its name and code, its
//! businesses and users), as one decision function and one fold.
//! What may be asked and what happens are in `commands`.

use crate::commands::{Command, Event};
use crate::error::RuleError;
use crate::ids::{BusinessId, UserId};
use crate::model::{Client, ClientUser, Extraction, NotExtractedReason, Role, Status};
use crate::onboarding::{self, OnboardingError};
use crate::schedule;

/// Checks `command` against `client` at `expected_version` (R6) and returns
/// the events it causes, or why it is refused. Never changes anything.
pub fn decide(
    client: &Client,
    expected_version: u64,
    command: &Command,
) -> Result<Vec<Event>, RuleError> {
    // Undo checks the version itself, against the change it undoes first,
    // to say "someone changed the client in between" rather than "stale".
    let undo = matches!(command, Command::UndoChange { .. });
    if !undo && expected_version != client.version {
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
                previous_owner_id: Some(client.owner),
                granted_admin: grants_admin(client, *new_owner_id),
                deactivated_businesses: Some(
                    client
                        .businesses_with(Status::Active)
                        .map(|business| business.id)
                        .collect(),
                ),
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
            reason,
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
                previous_owner_id: Some(business.owner),
                granted_admin: grants_admin(client, *new_owner_id),
                reason: reason.clone(),
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
        Command::EditClient { name, code } => {
            if name.is_none() && code.is_none() {
                return Err(OnboardingError::NothingToEdit.into());
            }
            Event::ClientEdited {
                name: onboarding::name("client name", name.as_deref().unwrap_or(&client.name))?,
                code: match code {
                    Some(Some(code)) => onboarding::client_code(code)?,
                    Some(None) => None,
                    None => client.code.clone(),
                },
            }
        }
        Command::AddBusiness { business_id, name } => {
            onboarding::can_add_business(client)?;
            Event::BusinessAdded {
                business_id: *business_id,
                name: onboarding::name("business name", name)?,
                owner: client.owner,
            }
        }
        Command::RenameBusiness { business_id, name } => {
            require_business(client, *business_id)?;
            Event::BusinessRenamed {
                business_id: *business_id,
                name: onboarding::name("business name", name)?,
            }
        }
        Command::AddUser {
            user_id,
            name,
            email,
            role,
        } => {
            let name = onboarding::name("name", name)?;
            let email = onboarding::email(email)?;
            onboarding::email_is_free_in(client, &email)?;
            Event::UserAdded {
                user: ClientUser {
                    id: *user_id,
                    name,
                    email,
                    role: *role,
                },
            }
        }
        Command::RemoveUser { user_id } => {
            client
                .user(*user_id)
                .ok_or(RuleError::UserNotFound(*user_id))?;
            if *user_id == client.owner {
                return Err(RuleError::CannotRemoveOwner);
            }
            Event::UserRemoved {
                user_id: *user_id,
                businesses_to_owner: client
                    .businesses
                    .iter()
                    .filter(|business| business.owner == *user_id)
                    .map(|business| business.id)
                    .collect(),
            }
        }
        Command::UndoChange { change, at } => {
            crate::undo::decide(client, expected_version, change.as_deref(), *at)?
        }
        Command::ScheduleDeactivation { .. }
        | Command::CancelScheduledDeactivation
        | Command::RunScheduledDeactivation { .. } => schedule::decide(client, command)?,
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
            // Deactivated now, by hand or on schedule: nothing is pending.
            client.scheduled_deactivation = None;
            client.schedule_failure = None;
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
            ..
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
        Event::ClientEdited { name, code } => {
            client.name = name.clone();
            client.code = code.clone();
        }
        Event::BusinessAdded {
            business_id,
            name,
            owner,
        } => client.businesses.push(crate::model::Business {
            id: *business_id,
            name: name.clone(),
            status: Status::Active,
            owner: *owner,
        }),
        Event::BusinessRenamed { business_id, name } => {
            if let Some(business) = business_mut(client, *business_id) {
                business.name = name.clone();
            }
        }
        Event::UserAdded { user } => client.users.push(user.clone()),
        Event::UserRemoved {
            user_id,
            businesses_to_owner,
        } => {
            client.users.retain(|user| user.id != *user_id);
            let owner = client.owner;
            for business in &mut client.businesses {
                if businesses_to_owner.contains(&business.id) {
                    business.owner = owner;
                }
            }
        }
        Event::ChangeUndone { restore, .. } => crate::undo::restore(client, restore),
        Event::DeactivationScheduled { .. }
        | Event::ScheduledDeactivationCancelled
        | Event::ScheduledDeactivationFailed { .. } => schedule::apply(client, event),
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

/// Whether making `user_id` an admin changes their role.
fn grants_admin(client: &Client, user_id: UserId) -> bool {
    client
        .user(user_id)
        .is_some_and(|user| user.role != Role::Admin)
}

fn make_admin(client: &mut Client, user_id: UserId) {
    if let Some(user) = client.users.iter_mut().find(|user| user.id == user_id) {
        user.role = Role::Admin;
    }
}
