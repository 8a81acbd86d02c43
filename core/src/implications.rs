//! What the deactivation wizard shows: the implications of a deactivation,
//! with the numbers filled in (step 1), and the users who may become owner,
//! in the order they are offered (step 2).

use crate::error::RuleError;
use crate::ids::BusinessId;
use crate::model::{Client, ClientUser, Role, Status};
use serde::{Deserialize, Serialize};

/// What is being deactivated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    /// The whole client, with every business.
    Client,
    /// One business of the client.
    Business(BusinessId),
}

/// Step 1 of the wizard: what deactivating will do, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Implications {
    /// A heading, such as "Deactivate Acme Ltd?".
    pub title: String,
    /// One sentence per consequence, in the order shown.
    pub points: Vec<String>,
    /// How many active businesses will become deactivated.
    pub affected_businesses: usize,
    /// How many users of the account keep their login but lose extraction.
    pub affected_users: usize,
}

/// The implications of deactivating `target`. Refuses exactly when the
/// deactivation itself would be refused for the target's state, so the
/// wizard never opens on a change that cannot be made.
pub fn implications(client: &Client, target: Target) -> Result<Implications, RuleError> {
    let users = client.users.len();
    match target {
        Target::Client => {
            if client.status == Status::Deactivated {
                return Err(RuleError::ClientAlreadyDeactivated);
            }
            let businesses = client.count_businesses(Status::Active);
            Ok(Implications {
                title: format!("Deactivate {}?", client.name),
                points: vec![
                    format!(
                        "{} of {} will be deactivated.",
                        plural(businesses, "business", "businesses"),
                        client.name
                    ),
                    "You will still be able to access their account from your \
                     'Deactivated clients' tab, however documents you add to this \
                     account won't be extracted."
                        .to_owned(),
                    format!(
                        "The client's {} will still be able to log in and view their \
                         documents, however if they add any new documents they will \
                         not be extracted.",
                        plural(users, "user", "users")
                    ),
                    "Next, you will choose the user who becomes the account owner and \
                     admin user."
                        .to_owned(),
                ],
                affected_businesses: businesses,
                affected_users: users,
            })
        }
        Target::Business(business_id) => {
            let business = client
                .business(business_id)
                .ok_or(RuleError::BusinessNotFound(business_id))?;
            if client.status == Status::Deactivated {
                return Err(RuleError::ClientDeactivated);
            }
            if business.status == Status::Deactivated {
                return Err(RuleError::BusinessAlreadyDeactivated);
            }
            Ok(Implications {
                title: format!("Deactivate {}?", business.name),
                points: vec![
                    format!(
                        "{} will be deactivated. {}'s other {} stay as they are.",
                        business.name,
                        client.name,
                        plural(client.businesses.len() - 1, "business", "businesses")
                    ),
                    "You will still be able to access the business from the \
                     'Deactivated businesses' tab, however documents added to it \
                     won't be extracted."
                        .to_owned(),
                    format!(
                        "The client's {} will still be able to view the business's \
                         documents, however new documents will not be extracted.",
                        plural(users, "user", "users")
                    ),
                    "Next, you will choose the user who becomes the owner and admin \
                     user of the business."
                        .to_owned(),
                ],
                affected_businesses: 1,
                affected_users: users,
            })
        }
    }
}

/// The users who may become owner of `target`, in the order the wizard
/// offers them: the current owner first, then admins, then everyone else,
/// each group by name.
pub fn eligible_owners(client: &Client, target: Target) -> Vec<&ClientUser> {
    let current_owner = match target {
        Target::Client => Some(client.owner),
        Target::Business(id) => client.business(id).map(|business| business.owner),
    };
    let mut users: Vec<&ClientUser> = client.users.iter().collect();
    users.sort_by_key(|user| {
        (
            Some(user.id) != current_owner,
            user.role != Role::Admin,
            user.name.to_lowercase(),
            user.id,
        )
    });
    users
}

pub(crate) fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}
