//! The shapes of getting clients in and out: adding and editing clients,
//! their businesses and users, invitations, and importing a CSV file.

use crate::ids::{BusinessId, ClientId, UserId};
use crate::model::{Client, Role};
use serde::{Deserialize, Serialize};

/// Body of `POST /api/clients`: a new client with its first business and
/// its first user, who becomes the account owner and an admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewClientRequest {
    /// The client's name.
    pub name: String,
    /// The practice's code for the client; blank or absent means none.
    #[serde(default)]
    pub code: Option<String>,
    /// The first business's name.
    pub business_name: String,
    /// The first user's name.
    pub user_name: String,
    /// The first user's email.
    pub user_email: String,
}

/// An invitation to set a password: made for every user added, the
/// account owner of a new client included. The link works once, for seven
/// days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    /// The user invited.
    pub user_id: UserId,
    /// Their name.
    pub name: String,
    /// Their email.
    pub email: String,
    /// The secret token in the link.
    pub token: String,
    /// The link's path, `/invite/{token}`, to send to the person.
    pub link: String,
    /// When the link stops working (RFC 3339).
    pub expires_at: String,
}

/// A user of a client's account, and whether they have accepted their
/// invitation: an item of `GET /api/clients/{id}/invitations`. Someone who
/// has not can be sent a new link
/// (`POST /api/clients/{id}/users/{user_id}/invitation`), which replaces
/// their last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserInvitation {
    /// The user.
    pub user_id: UserId,
    /// Whether they have set a password and sign in.
    pub accepted: bool,
    /// When their latest unused link was made (RFC 3339); `null` once they
    /// have accepted, or if they have none.
    pub invited_at: Option<String>,
    /// When that link stops working (RFC 3339); `null` with `invited_at`.
    pub expires_at: Option<String>,
    /// Whether they have not accepted and have no link that works: it
    /// expired, or they have none. They cannot sign in until they are sent
    /// a new one.
    pub expired: bool,
}

/// The answer to `POST /api/clients` (201): the client as stored and its
/// owner's invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewClient {
    /// The client as stored.
    pub client: Client,
    /// The account owner's invitation.
    pub invitation: Invitation,
}

/// Body of `PATCH /api/clients/{id}`: the client's new name, its code, or
/// both. What is left out stays as it is; at least one is needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EditClientRequest {
    /// The new name; left out, the name stays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The new code; blank or `null` clears it, and left out it stays.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::commands::present"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub code: Option<Option<String>>,
    /// The client version the change is made against.
    pub expected_version: u64,
}

/// Body of `POST /api/clients/{id}/businesses`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddBusinessRequest {
    /// The business's name.
    pub name: String,
    /// The client version the change is made against.
    pub expected_version: u64,
}

/// Body of `PATCH /api/clients/{id}/businesses/{business_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenameBusinessRequest {
    /// The business's new name.
    pub name: String,
    /// The client version the change is made against.
    pub expected_version: u64,
}

/// Body of `POST /api/clients/{id}/users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddUserRequest {
    /// The person's name.
    pub name: String,
    /// Their email: unique in the account, and not already signing in to
    /// Clientele.
    pub email: String,
    /// `admin` or `standard`.
    pub role: Role,
    /// The client version the change is made against.
    pub expected_version: u64,
}

/// The answer to `POST /api/clients/{id}/users` (201).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddedUser {
    /// The client as stored, with the new user.
    pub client: Client,
    /// Their invitation.
    pub invitation: Invitation,
}

/// Body of `DELETE /api/clients/{id}/users/{user_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemoveUserRequest {
    /// The client version the change is made against.
    pub expected_version: u64,
}

/// `GET /api/invitations/{token}`: what the invitation page shows before
/// the person sets a password. Used, expired and unknown links answer 404
/// `invitation_not_found`, 410 `invitation_used` or 410
/// `invitation_expired`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationView {
    /// The person invited.
    pub name: String,
    /// The email they will sign in with.
    pub email: String,
    /// The client account's name.
    pub account: String,
    /// The practice's name.
    pub practice: String,
    /// When the link stops working (RFC 3339).
    pub expires_at: String,
}

/// Body of `POST /api/invitations/{token}`: the password chosen. Accepting
/// signs the person in and answers the session, like `POST /api/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationAccept {
    /// At least 12 characters.
    pub password: String,
}

/// One client an import will create (or created).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRow {
    /// The line of the file it came from (the header is line 1).
    pub line: u64,
    /// The client's name.
    pub name: String,
    /// Its code, if any.
    pub code: Option<String>,
    /// Its businesses' names (one, or several in an exported file).
    pub businesses: Vec<String>,
    /// The account owner's name.
    pub user_name: String,
    /// The account owner's email.
    pub user_email: String,
}

/// A row of an import that is wrong, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportProblem {
    /// The line of the file (the header is line 1); 0 for the whole file.
    pub line: u64,
    /// The column, if one is at fault.
    pub column: Option<String>,
    /// Why, for people.
    pub message: String,
}

/// How many rows of a file `problems` name, each once however many of its
/// values are wrong. Line 0 (the whole file) and line 1 (the header) are
/// not rows.
pub fn rows_wrong(problems: &[ImportProblem]) -> usize {
    let mut lines: Vec<u64> = problems
        .iter()
        .map(|problem| problem.line)
        .filter(|line| *line > 1)
        .collect();
    lines.sort_unstable();
    lines.dedup();
    lines.len()
}

/// `POST /api/clients/import/preview`: what `POST /api/clients/import`
/// would do with the same file, writing nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportPreview {
    /// The clients that would be created, in file order.
    pub clients: Vec<ImportRow>,
    /// The rows that are wrong. The import is refused while there are any.
    pub problems: Vec<ImportProblem>,
}

/// `POST /api/clients/import` (201): every client was created, in one
/// transaction, or none was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportResult {
    /// The clients created, in file order, with their ids.
    pub created: Vec<ImportedClient>,
}

/// One client an import created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportedClient {
    /// Its id.
    pub id: ClientId,
    /// Its first business's id.
    pub business_ids: Vec<BusinessId>,
    /// What was imported.
    pub row: ImportRow,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u64) -> ImportProblem {
        ImportProblem {
            line,
            column: None,
            message: String::new(),
        }
    }

    #[test]
    fn a_row_with_several_problems_is_one_row_wrong() {
        assert_eq!(rows_wrong(&[at(2), at(2), at(2), at(5)]), 2);
        assert_eq!(rows_wrong(&[at(7), at(3), at(7)]), 2);
    }

    #[test]
    fn the_whole_file_and_its_header_are_not_rows() {
        assert_eq!(rows_wrong(&[at(0)]), 0);
        assert_eq!(rows_wrong(&[at(1)]), 0);
        assert_eq!(rows_wrong(&[]), 0);
    }
}
