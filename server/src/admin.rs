//! `clientele-server create-admin`: creates a practice and its first
//! practice admin in a database, for a real start without demo data. The
//! password comes from `CLIENTELE_ADMIN_PASSWORD`, or is asked for on the
//! terminal, and must pass `core`'s password rule.

use crate::auth::password;
use crate::store::{NewStaff, Provisioning, StoreError};
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
    let email = normalise_email(&admin.email);
    if !email.contains('@') || email.chars().count() > 254 {
        return Err(format!("--email {:?} is not an email address", admin.email));
    }
    let name = match admin.name.trim() {
        "" => email.split('@').next().unwrap_or(&email).to_owned(),
        name => name.to_owned(),
    };
    let password = read_password()?;
    check_new_password(&password).map_err(|weak| weak.to_string())?;
    let password_hash = password::hash(&password)?;
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
        .map_err(|error| match error {
            StoreError::EmailTaken(email) => format!("someone already signs in with {email}"),
            other => format!("could not create the admin: {other}"),
        })?;
    Ok(format!(
        "Created the practice {practice_name:?} and its practice admin {email}. \
         Start the server and sign in."
    ))
}

fn read_password() -> Result<String, String> {
    if let Ok(password) = std::env::var(PASSWORD_VARIABLE) {
        return Ok(password);
    }
    if !std::io::stdin().is_terminal() {
        return Err(format!(
            "set {PASSWORD_VARIABLE}, or run create-admin on a terminal to be asked for the password"
        ));
    }
    let first = rpassword::prompt_password("Password for the new admin: ")
        .map_err(|error| format!("could not read the password: {error}"))?;
    let again = rpassword::prompt_password("The same password again: ")
        .map_err(|error| format!("could not read the password: {error}"))?;
    if first != again {
        return Err("the two passwords differ".into());
    }
    Ok(first)
}
