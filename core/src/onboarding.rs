//! The rules of getting clients in: what a name, an email and a practice's
//! client code must be, which must be unique where, that a business can
//! only be added to an active client, that an invitation link works once,
//! for seven days, and who may be sent a new one; and what a new client is
//! made of.

use crate::error::RuleError;
use crate::identity::normalise_email;
use crate::ids::{BusinessId, ClientId, UserId};
use crate::model::{Business, Client, ClientUser, Role, Status, Timestamp};
use std::fmt;

/// The longest name of a client, a business or a person, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// The longest practice client code, in characters.
pub const MAX_CODE_CHARS: usize = 50;
/// How long an invitation link works: 7 days.
pub const INVITATION_LIFETIME_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// Why an onboarding value or step was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnboardingError {
    /// A name is blank or longer than [`MAX_NAME_CHARS`]; names the field.
    Name(&'static str),
    /// An email is not an email address.
    Email,
    /// The email is already a user of this client account.
    EmailInAccount,
    /// The email already signs in to Clientele (as staff, or a user of
    /// another account, or is invited already): an email names one login.
    EmailTaken,
    /// A client code is longer than [`MAX_CODE_CHARS`] or has control
    /// characters.
    Code,
    /// Another client of the practice has this code.
    CodeTaken,
    /// A business can only be added to an active client.
    ClientDeactivated,
    /// The invitation was used already.
    InvitationUsed,
    /// The invitation is more than seven days old.
    InvitationExpired,
    /// An edit of a client that names neither a new name nor a code.
    NothingToEdit,
    /// A new invitation link for someone who has set their password
    /// already: they sign in instead.
    SignedUpAlready,
}

impl OnboardingError {
    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            OnboardingError::Name(_) => "invalid_name",
            OnboardingError::Email => "invalid_email",
            OnboardingError::EmailInAccount => "email_in_account",
            OnboardingError::EmailTaken => "email_taken",
            OnboardingError::Code => "invalid_code",
            OnboardingError::CodeTaken => "code_taken",
            OnboardingError::ClientDeactivated => "client_deactivated",
            OnboardingError::InvitationUsed => "invitation_used",
            OnboardingError::InvitationExpired => "invitation_expired",
            OnboardingError::NothingToEdit => "nothing_to_edit",
            OnboardingError::SignedUpAlready => "signed_up_already",
        }
    }
}

impl fmt::Display for OnboardingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OnboardingError::Name(field) => write!(
                f,
                "The {field} must be 1 to {MAX_NAME_CHARS} characters long, with no control \
                 characters."
            ),
            OnboardingError::Email => {
                f.write_str("Enter an email address, such as name@example.com.")
            }
            OnboardingError::EmailInAccount => {
                f.write_str("Someone in this client's account already has this email.")
            }
            OnboardingError::EmailTaken => f.write_str(
                "Someone already signs in to Clientele with this email. Each person needs their own email.",
            ),
            OnboardingError::Code => write!(
                f,
                "A client code is at most {MAX_CODE_CHARS} characters, without control characters."
            ),
            OnboardingError::CodeTaken => {
                f.write_str("Another client of the practice already has this code.")
            }
            OnboardingError::ClientDeactivated => {
                f.write_str("This client is deactivated. Reactivate it before adding a business.")
            }
            OnboardingError::InvitationUsed => {
                f.write_str("This invitation has been used already. Sign in instead.")
            }
            OnboardingError::InvitationExpired => {
                f.write_str("This invitation has expired. Ask for a new one.")
            }
            OnboardingError::NothingToEdit => {
                f.write_str("Nothing to change: send the client's new name, its code, or both.")
            }
            OnboardingError::SignedUpAlready => f.write_str(
                "This person has set their password already: they sign in with their email and need no invitation.",
            ),
        }
    }
}

impl std::error::Error for OnboardingError {}

/// A name as kept: trimmed, 1 to [`MAX_NAME_CHARS`] characters. `field`
/// names it in the refusal ("client name", "business name", "name").
pub fn name(field: &'static str, raw: &str) -> Result<String, OnboardingError> {
    let trimmed = raw.trim();
    let length = trimmed.chars().count();
    if length == 0 || length > MAX_NAME_CHARS || trimmed.chars().any(char::is_control) {
        return Err(OnboardingError::Name(field));
    }
    Ok(trimmed.to_owned())
}

/// An email as kept: trimmed and lower-cased, with something either side of
/// one "@".
pub fn email(raw: &str) -> Result<String, OnboardingError> {
    let email = normalise_email(raw);
    let valid = email.chars().count() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.is_empty() && !domain.contains('@')
        });
    if valid {
        Ok(email)
    } else {
        Err(OnboardingError::Email)
    }
}

/// A practice's client code: blank means none; otherwise trimmed, at most
/// [`MAX_CODE_CHARS`] characters.
pub fn client_code(raw: &str) -> Result<Option<String>, OnboardingError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if trimmed.chars().count() > MAX_CODE_CHARS || trimmed.chars().any(char::is_control) {
        return Err(OnboardingError::Code);
    }
    Ok(Some(trimmed.to_owned()))
}

/// A client code is unique within its practice, whatever its case.
pub fn code_is_free<'a>(
    code: &str,
    taken: impl IntoIterator<Item = &'a str>,
) -> Result<(), OnboardingError> {
    let wanted = code.to_lowercase();
    if taken
        .into_iter()
        .any(|other| other.to_lowercase() == wanted)
    {
        return Err(OnboardingError::CodeTaken);
    }
    Ok(())
}

/// An email is unique within one client account.
pub fn email_is_free_in(client: &Client, email: &str) -> Result<(), OnboardingError> {
    let wanted = normalise_email(email);
    if client
        .users
        .iter()
        .any(|user| normalise_email(&user.email) == wanted)
    {
        return Err(OnboardingError::EmailInAccount);
    }
    Ok(())
}

/// A business can only be added to an active client.
pub fn can_add_business(client: &Client) -> Result<(), OnboardingError> {
    match client.status {
        Status::Active => Ok(()),
        Status::Deactivated => Err(OnboardingError::ClientDeactivated),
    }
}

/// Whether an invitation made at `created_at`, and used already or not, may
/// be accepted at `now`: once, within [`INVITATION_LIFETIME_MS`].
pub fn accept_invitation(
    created_at: Timestamp,
    used: bool,
    now: Timestamp,
) -> Result<(), OnboardingError> {
    if used {
        return Err(OnboardingError::InvitationUsed);
    }
    if link_expired(created_at, now) {
        return Err(OnboardingError::InvitationExpired);
    }
    Ok(())
}

/// When the link of an invitation made at `created_at` stops working:
/// [`INVITATION_LIFETIME_MS`] after it was made.
pub fn link_expires_at(created_at: Timestamp) -> Timestamp {
    Timestamp(created_at.0 + INVITATION_LIFETIME_MS)
}

/// Whether the link of an invitation made at `created_at` has stopped
/// working by `now`.
pub fn link_expired(created_at: Timestamp, now: Timestamp) -> bool {
    now.0 >= link_expires_at(created_at).0
}

/// Whether a user cannot get in until they are sent a new link: they have
/// not set a password (`accepted`), and their latest unused invitation,
/// made at `invited_at`, has expired, or they have none.
pub fn needs_new_link(accepted: bool, invited_at: Option<Timestamp>, now: Timestamp) -> bool {
    !accepted && invited_at.is_none_or(|at| link_expired(at, now))
}

/// Whether `user` of `client` may be sent a new invitation link, which
/// replaces any they had: they must be a user of the account who has not
/// set a password yet (`signed_up`), whatever the client's status (a
/// deactivated client's users still sign in). The user, if so.
pub fn renew_invitation(
    client: &Client,
    user: UserId,
    signed_up: bool,
) -> Result<&ClientUser, RuleError> {
    let user = client.user(user).ok_or(RuleError::UserNotFound(user))?;
    if signed_up {
        return Err(OnboardingError::SignedUpAlready.into());
    }
    Ok(user)
}

/// What a new client is made of, as typed into "Add client" or read from a
/// row of an imported file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft<'a> {
    /// The client's name.
    pub name: &'a str,
    /// The practice's code for it; blank or `None` means none.
    pub code: Option<&'a str>,
    /// Its businesses' names: one at least.
    pub businesses: &'a [String],
    /// The first user's name: the account owner and an admin.
    pub user_name: &'a str,
    /// The first user's email.
    pub user_email: &'a str,
}

/// The ids a new client's parts are stored under, chosen by whoever stores
/// them (the app uses provisional ones until the server answers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIds {
    /// The client's.
    pub client: ClientId,
    /// The first user's.
    pub user: UserId,
    /// One per business, in order.
    pub businesses: Vec<BusinessId>,
}

/// A new, active client at version 1: its first user is the account owner
/// and an admin, and owns every business. Checks every name, the email and
/// the code's form; whether the code is free in the practice is
/// [`code_is_free`]'s to say, with the practice's other codes.
pub fn new_client(ids: &NewIds, draft: &Draft<'_>) -> Result<Client, OnboardingError> {
    let name = name("client name", draft.name)?;
    let code = match draft.code {
        Some(code) => client_code(code)?,
        None => None,
    };
    if draft.businesses.is_empty() || draft.businesses.len() != ids.businesses.len() {
        return Err(OnboardingError::Name("business name"));
    }
    let owner = ClientUser {
        id: ids.user,
        name: self::name("user's name", draft.user_name)?,
        email: email(draft.user_email)?,
        role: Role::Admin,
    };
    let businesses = draft
        .businesses
        .iter()
        .zip(&ids.businesses)
        .map(|(business, id)| {
            Ok(Business {
                id: *id,
                name: self::name("business name", business)?,
                status: Status::Active,
                owner: owner.id,
            })
        })
        .collect::<Result<Vec<_>, OnboardingError>>()?;
    Ok(Client {
        id: ids.client,
        name,
        code,
        status: Status::Active,
        version: 1,
        owner: owner.id,
        users: vec![owner],
        businesses,
        scheduled_deactivation: None,
        schedule_failure: None,
    })
}
