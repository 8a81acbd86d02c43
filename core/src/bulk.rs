//! Deactivating or reactivating several clients at once, from the list's
//! check boxes. A bulk change is only a way of making many single changes:
//! each client gets its own command, decided by the same rules against its
//! own version, so one refusal never holds back the others. What this
//! module adds is the part that spans the selection: the implications
//! summed over every selected client, the owner preselected for each, and
//! whether every client has an owner yet.

use crate::commands::Command;
use crate::error::RuleError;
use crate::ids::{ClientId, UserId};
use crate::implications::{Target, eligible_owners, implications, plural};
use crate::model::{Client, Status};
use crate::rules::decide;
use std::collections::BTreeMap;

/// Which way a bulk change goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkAction {
    /// Deactivate every selected client (R1), each with an owner.
    Deactivate,
    /// Reactivate every selected client (R2).
    Reactivate,
}

/// A selected client that the change cannot be made to, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excluded {
    /// The client.
    pub id: ClientId,
    /// Its name, to show.
    pub name: String,
    /// Why the rules refuse it.
    pub refusal: RuleError,
}

/// Step 1 of a bulk change: what it will do to all the selected clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkSummary {
    /// A heading, such as "Deactivate 3 clients?".
    pub title: String,
    /// One sentence per consequence, in the order shown.
    pub points: Vec<String>,
    /// How many selected clients the change can be made to.
    pub clients: usize,
    /// How many businesses change status, over all of them.
    pub affected_businesses: usize,
    /// How many users those clients have, over all of them.
    pub affected_users: usize,
    /// Selected clients the change cannot be made to; they are left alone.
    pub excluded: Vec<Excluded>,
}

/// The implications of `action` for every one of `clients`, summed. A
/// client the rules would refuse is listed in [`BulkSummary::excluded`]
/// rather than counted.
pub fn bulk_summary(clients: &[Client], action: BulkAction) -> BulkSummary {
    let mut included = 0;
    let mut businesses = 0;
    let mut users = 0;
    let mut excluded = Vec::new();
    for client in clients {
        let counted = match action {
            BulkAction::Deactivate => implications(client, Target::Client)
                .map(|shown| (shown.affected_businesses, shown.affected_users)),
            BulkAction::Reactivate => decide(client, client.version, &Command::ReactivateClient)
                .map(|_| (client.businesses.len(), client.users.len())),
        };
        match counted {
            Ok((client_businesses, client_users)) => {
                included += 1;
                businesses += client_businesses;
                users += client_users;
            }
            Err(refusal) => excluded.push(Excluded {
                id: client.id,
                name: client.name.clone(),
                refusal,
            }),
        }
    }
    let clients_text = plural(included, "client", "clients");
    let businesses_text = plural(businesses, "business", "businesses");
    let users_text = plural(users, "user", "users");
    let (title, points) = match action {
        BulkAction::Deactivate => (
            format!("Deactivate {clients_text}?"),
            vec![
                format!("{clients_text} and their {businesses_text} will be deactivated."),
                "You will still be able to access their accounts from your 'Deactivated \
                 clients' tab, however documents you add to them won't be extracted."
                    .to_owned(),
                format!(
                    "Their {users_text} will still be able to log in and view their \
                     documents, however if they add any new documents they will not be \
                     extracted."
                ),
                "Each client is deactivated on its own: if one cannot be, the others still are."
                    .to_owned(),
                "Next, you will choose the account owner and admin user of each client.".to_owned(),
            ],
        ),
        BulkAction::Reactivate => (
            format!("Reactivate {clients_text}?"),
            vec![
                format!("{clients_text} and their {businesses_text} will be reactivated."),
                format!(
                    "New documents from their {users_text} will be extracted again. \
                     Documents added while they were deactivated stay as they are."
                ),
                "Each client is reactivated on its own: if one cannot be, the others still are."
                    .to_owned(),
            ],
        ),
    };
    BulkSummary {
        title,
        points,
        clients: included,
        affected_businesses: businesses,
        affected_users: users,
        excluded,
    }
}

/// The owner each client starts with in the owner step: its current account
/// owner, the first user [`eligible_owners`] offers.
pub fn preselected_owners(clients: &[Client]) -> BTreeMap<ClientId, UserId> {
    clients
        .iter()
        .filter_map(|client| {
            eligible_owners(client, Target::Client)
                .first()
                .map(|user| (client.id, user.id))
        })
        .collect()
}

/// Why a bulk change cannot be confirmed yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// Nothing selected can be changed.
    NothingToChange,
    /// These clients have no owner chosen from their own users yet.
    OwnersMissing(Vec<ClientId>),
}

/// The commands a confirmed bulk change sends: one per client the rules
/// accept, each against that client's own version. Deactivation needs an
/// owner from each client's own users (`owners`); until every client has
/// one, it answers which do not, so "Confirm" stays disabled. Clients the
/// rules refuse ([`BulkSummary::excluded`]) get no command.
pub fn bulk_commands(
    clients: &[Client],
    action: BulkAction,
    owners: &BTreeMap<ClientId, UserId>,
    reason: Option<&str>,
) -> Result<Vec<(ClientId, u64, Command)>, NotReady> {
    let mut commands = Vec::new();
    let mut missing = Vec::new();
    for client in clients {
        let command = match action {
            BulkAction::Reactivate => Command::ReactivateClient,
            BulkAction::Deactivate => {
                if implications(client, Target::Client).is_err() {
                    continue;
                }
                match owners.get(&client.id) {
                    Some(owner) if client.user(*owner).is_some() => Command::DeactivateClient {
                        new_owner_id: *owner,
                        reason: reason
                            .map(str::trim)
                            .filter(|reason| !reason.is_empty())
                            .map(str::to_owned),
                    },
                    _ => {
                        missing.push(client.id);
                        continue;
                    }
                }
            }
        };
        if decide(client, client.version, &command).is_ok() {
            commands.push((client.id, client.version, command));
        }
    }
    if !missing.is_empty() {
        return Err(NotReady::OwnersMissing(missing));
    }
    if commands.is_empty() {
        return Err(NotReady::NothingToChange);
    }
    Ok(commands)
}

/// The status a bulk change leaves its clients in.
pub fn target_status(action: BulkAction) -> Status {
    match action {
        BulkAction::Deactivate => Status::Deactivated,
        BulkAction::Reactivate => Status::Active,
    }
}
