//! What a client's own users are told about their account: whether the
//! practice still manages it (and each business), in plain words, and what
//! they are in it. It sits beside R5, whose consequence it explains: new
//! documents of a deactivated account or business are kept but not extracted.

use crate::ids::UserId;
use crate::model::{Business, Client, Role, Status};

/// The banner over a deactivated account, or `None` while it is managed.
pub fn account_banner(practice_name: &str, client: &Client) -> Option<String> {
    (client.status == Status::Deactivated).then(|| {
        format!(
            "{practice_name} no longer manages this account. You can still sign in and view \
             your documents. New documents will not be extracted."
        )
    })
}

/// The banner over one deactivated business of a managed account, or
/// `None`. A deactivated account's banner already covers its businesses.
pub fn business_banner(
    practice_name: &str,
    client: &Client,
    business: &Business,
) -> Option<String> {
    (client.status == Status::Active && business.status == Status::Deactivated).then(|| {
        format!(
            "{practice_name} no longer manages {}. You can still view its documents. New \
             documents added to it will not be extracted.",
            business.name
        )
    })
}

/// What `user` is in the account: "Account owner", "Admin" or "Standard".
pub fn account_role_label(client: &Client, user: UserId) -> &'static str {
    if client.owner == user {
        return "Account owner";
    }
    match client.user(user).map(|user| user.role) {
        Some(Role::Admin) => "Admin",
        _ => "Standard",
    }
}
