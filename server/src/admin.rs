//! `clientele-server create-admin`: creates a practice and its first
//! practice admin in a database, for a real start without demo data; and
//! `add-staff`, which adds another member of staff (or admin) to the
//! practice of someone already in it; and `set-password`, which gives
//! anyone who signs in a new password. The password comes from
//! `CLIENTELE_ADMIN_PASSWORD`, or is asked for on the terminal, and must
//! pass `core`'s password rule.

use crate::auth::password;
use crate::store::{AccountStore, NewStaff, Provisioning, StoreError};
use clientele_core::StaffRole;
use clientele_core::identity::{check_new_password, normalise_email};
use std::io::IsTerminal;

/// The environment variable the password may come from.
pub const PASSWORD_VARIABLE: &str = "CLIENTELE_ADMIN_PASSWORD";

/// What `create-admin` was asked to create.
#[derive(Debug, Clone)]
pub struct NewAdmin {
    /// The practice's name.
    pub practice: String,
    /// The admin's email.
    pub email: String,
    /// The admin's name.
    pub name: String,
}

/// Creates the practice and its admin; answers a sentence for the person
/// who ran it, or why not.
pub fn create_admin(store: &dyn Provisioning, admin: NewAdmin) -> Result<String, String> {
    let practice_name = admin.practice.trim().to_owned();
    if practice_name.is_empty() || practice_name.chars().count() > 200 {
        return Err("--practice must be 1 to 200 characters".into());
    }
    let (email, name) = person(&admin.email, &admin.name)?;
    let password_hash = new_password("create-admin", "the new admin")?;
    store
        .provision(&mut |tx| {
            let practice = tx.add_practice(&practice_name)?;
            tx.add_staff(NewStaff {
                practice: practice.id,
                name: name.clone(),
                email: email.clone(),
                role: StaffRole::PracticeAdmin,
                password_hash: password_hash.clone(),
            })?;
            Ok(())
        })
        .map_err(|error| refused("the admin", error))?;
    Ok(format!(
        "Created the practice {practice_name:?} and its practice admin {email}. \
         Start the server and sign in."
    ))
}

/// What `add-staff` was asked to add.
#[derive(Debug, Clone)]
pub struct NewColleague {
    /// The email of someone already on the practice's staff: the new
    /// member joins their practice.
    pub practice_of: String,
    /// The new member's email.
    pub email: String,
    /// Their name.
    pub name: String,
    /// What they may do.
    pub role: StaffRole,
}

/// Adds a member of staff to the practice of `colleague.practice_of`;
/// answers a sentence for the person who ran it, or why not.
pub fn add_staff(store: &dyn Provisioning, colleague: NewColleague) -> Result<String, String> {
    let practice_of = normalise_email(&colleague.practice_of);
    let (email, name) = person(&colleague.email, &colleague.name)?;
    let password_hash = new_password("add-staff", "the new member of staff")?;
    let mut joined = None;
    store
        .provision(&mut |tx| {
            let Some(practice) = tx.practice_of_staff(&practice_of)? else {
                return Err(StoreError::NotFound);
            };
            tx.add_staff(NewStaff {
                practice: practice.id,
                name: name.clone(),
                email: email.clone(),
                role: colleague.role,
                password_hash: password_hash.clone(),
            })?;
            joined = Some(practice.name);
            Ok(())
        })
        .map_err(|error| match error {
            StoreError::NotFound => format!(
                "--practice-of {:?} is not the email of anyone on a practice's staff",
                colleague.practice_of
            ),
            other => refused("the member of staff", other),
        })?;
    let practice = joined.unwrap_or_default();
    let role = match colleague.role {
        StaffRole::PracticeAdmin => "practice admin",
        StaffRole::Staff => "member of staff",
    };
    Ok(format!(
        "Added {email} to {practice:?} as a {role}. They sign in with the password you gave."
    ))
}

/// Gives the person who signs in with `email` (staff or a client's user) a
/// new password, ending their sessions; answers a sentence for the person
/// who ran it, or why not.
pub fn set_password(store: &dyn AccountStore, email: &str) -> Result<String, String> {
    let normalised = normalise_email(email);
    let password_hash = new_password("set-password", &normalised)?;
    let found = store
        .set_password(&normalised, &password_hash, None)
        .map_err(|error| format!("could not set the password: {error}"))?;
    if !found {
        return Err(format!("nobody signs in with {email:?}"));
    }
    Ok(format!(
        "Set a new password for {normalised}; they were signed out everywhere."
    ))
}

/// The email, normalised, and the name (default: the part of the email
/// before "@") of a new member of staff.
fn person(email: &str, name: &str) -> Result<(String, String), String> {
    let normalised = normalise_email(email);
    if !normalised.contains('@') || normalised.chars().count() > 254 {
        return Err(format!("--email {email:?} is not an email address"));
    }
    let name = match name.trim() {
        "" => normalised
            .split('@')
            .next()
            .unwrap_or(&normalised)
            .to_owned(),
        name => name.to_owned(),
    };
    if name.chars().count() > 200 {
        return Err("--name must be at most 200 characters".into());
    }
    Ok((normalised, name))
}

/// The new person's password, read and checked by `core`'s rule, hashed.
fn new_password(command: &str, whose: &str) -> Result<String, String> {
    let password = read_password(command, whose)?;
    check_new_password(&password).map_err(|weak| weak.to_string())?;
    password::hash(&password)
}

/// Why provisioning `what` failed, for the person who ran the command.
fn refused(what: &str, error: StoreError) -> String {
    match error {
        StoreError::EmailTaken(email) => format!("someone already signs in with {email}"),
        other => format!("could not create {what}: {other}"),
    }
}

fn read_password(command: &str, whose: &str) -> Result<String, String> {
    if let Ok(password) = std::env::var(PASSWORD_VARIABLE) {
        return Ok(password);
    }
    if !std::io::stdin().is_terminal() {
        return Err(format!(
            "set {PASSWORD_VARIABLE}, or run {command} on a terminal to be asked for the password"
        ));
    }
    let first = rpassword::prompt_password(format!("Password for {whose}: "))
        .map_err(|error| format!("could not read the password: {error}"))?;
    let again = rpassword::prompt_password("The same password again: ")
        .map_err(|error| format!("could not read the password: {error}"))?;
    if first != again {
        return Err("the two passwords differ".into());
    }
    Ok(first)
}
