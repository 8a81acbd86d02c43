//! The activation rules R1 to R6 from the help article "Deactivating a Dext
//! Solo Client", and the everyday edits of a client (its name and code, its
//! businesses and users), as one decision function and one fold.

use crate::error::RuleError;
use crate::ids::{BusinessId, UserId};
use crate::model::{Client, ClientUser, Extraction, NotExtractedReason, Role, Status, Timestamp};
use crate::onboarding;
use crate::schedule::{self, Date, ScheduledDeactivation};
use crate::undo::{Recorded, Restore};
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
    /// Rename the client and set, change or clear its practice code.
    /// Whether the code is free in the practice is checked by whoever holds
    /// the practice's other clients ([`crate::onboarding::code_is_free`]).
    EditClient {
        /// The new name (trimmed, 1 to 200 characters).
        name: String,
        /// The code; blank or `None` clears it.
        code: Option<String>,
    },
    /// Add a business to an active client, owned by the account owner.
    AddBusiness {
        /// The new business's id, chosen by whoever stores it (the app
        /// uses a provisional one until the server answers).
        business_id: BusinessId,
        /// Its name.
        name: String,
    },
    /// Rename a business.
    RenameBusiness {
        /// The business.
        business_id: BusinessId,
        /// Its new name.
        name: String,
    },
    /// Add a user to the account; they are invited to set a password.
    AddUser {
        /// The new user's id, chosen by whoever stores it.
        user_id: UserId,
        /// Their name.
        name: String,
        /// Their email, unique in the account.
        email: String,
        /// Admin or standard.
        role: Role,
    },
    /// Remove a user who is not the account owner. The businesses they
    /// owned pass to the account owner.
    RemoveUser {
        /// The user.
        user_id: UserId,
    },
    /// Undo a deactivation or reactivation exactly, as a new change
    /// ([`crate::undo`]).
    UndoChange {
        /// The change to undo as recorded; `None` when the client's change
        /// at the expected version has no record (the store found none).
        change: Option<Box<Recorded>>,
        /// Now, to bound undo in time.
        at: Timestamp,
    },
    /// Plan R1 for a later day ([`crate::schedule`]).
    ScheduleDeactivation {
        /// The day; it must come after `today`.
        on: Date,
        /// Today, as the caller's clock says (core reads no clock).
        today: Date,
        /// Who is to become account owner and admin.
        new_owner_id: UserId,
        /// Why, for the activity log.
        reason: Option<String>,
    },
    /// Drop the client's scheduled deactivation.
    CancelScheduledDeactivation,
    /// Apply the client's scheduled deactivation, due at `now`, through R1;
    /// a refusal is recorded on the client instead. Run by the server.
    RunScheduledDeactivation {
        /// Now, as the server's clock says.
        now: Timestamp,
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
        /// The account owner before, for undo; `None` in events recorded
        /// before undo existed.
        #[serde(default)]
        previous_owner_id: Option<UserId>,
        /// Whether the change made the new owner an admin (they were not).
        #[serde(default)]
        granted_admin: bool,
        /// The businesses the change deactivated: those active before.
        #[serde(default)]
        deactivated_businesses: Option<Vec<BusinessId>>,
    },
    /// The client and every one of its businesses were reactivated.
    ClientReactivated,
    /// One business was deactivated.
    BusinessDeactivated {
        /// The business.
        business_id: BusinessId,
        /// Its new owner and admin.
        new_owner_id: UserId,
        /// Its owner before, for undo; `None` in events recorded before
        /// undo existed.
        #[serde(default)]
        previous_owner_id: Option<UserId>,
        /// Whether the change made the new owner an admin (they were not).
        #[serde(default)]
        granted_admin: bool,
    },
    /// One business was reactivated.
    BusinessReactivated {
        /// The business.
        business_id: BusinessId,
    },
    /// The client's name or code changed.
    ClientEdited {
        /// The name now.
        name: String,
        /// The code now.
        code: Option<String>,
    },
    /// A business was added.
    BusinessAdded {
        /// The business.
        business_id: BusinessId,
        /// Its name.
        name: String,
        /// Its owner: the account owner.
        owner: UserId,
    },
    /// A business was renamed.
    BusinessRenamed {
        /// The business.
        business_id: BusinessId,
        /// Its name now.
        name: String,
    },
    /// A user was added (and invited).
    UserAdded {
        /// The user as added.
        user: ClientUser,
    },
    /// A user was removed; `businesses_to_owner` passed to the account owner.
    UserRemoved {
        /// The user.
        user_id: UserId,
        /// The businesses they owned.
        businesses_to_owner: Vec<BusinessId>,
    },
    /// A deactivation or reactivation was undone: what it changed is as it
    /// was before it.
    ChangeUndone {
        /// The version the undone change produced.
        undone_version: u64,
        /// What is put back.
        restore: Restore,
    },
    /// A deactivation was scheduled.
    DeactivationScheduled {
        /// The schedule.
        schedule: ScheduledDeactivation,
    },
    /// The scheduled deactivation was cancelled.
    ScheduledDeactivationCancelled,
    /// The scheduled deactivation fell due and R1 refused it; the schedule
    /// is cleared.
    ScheduledDeactivationFailed {
        /// The day it was scheduled for.
        on: Date,
        /// The refusal, in words.
        message: String,
    },
}

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
        Command::EditClient { name, code } => Event::ClientEdited {
            name: onboarding::name("client name", name)?,
            code: match code {
                Some(code) => onboarding::client_code(code)?,
                None => None,
            },
        },
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
