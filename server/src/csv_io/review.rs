//! An import's rows checked against what the practice holds and against
//! each other, before anything is written (the preview) and again inside
//! the import's transaction.

use super::{ParsedFile, problem};
use crate::store::Taken;
use clientele_core::onboarding::{self, OnboardingError};
use clientele_core::wire::ImportPreview;
use std::collections::HashMap;

/// What an import of `file` would do, given what is `taken`: the rows it
/// would create, and every problem, in file order. A code must be free in
/// the practice and in the file (whatever its case, by `core`'s rule), and
/// an email must not sign in or be invited already, nor be on another row.
/// The import runs this again inside its transaction, so the two agree.
pub fn review(file: &ParsedFile, taken: &Taken) -> ImportPreview {
    let mut problems = file.problems.clone();
    let mut clients = Vec::with_capacity(file.rows.len());
    // An index by lower case, so each code is compared with its only
    // possible clash; `core` still decides whether it is one.
    let mut codes: HashMap<String, (String, Option<u64>)> = taken
        .codes
        .iter()
        .map(|code| (code.to_lowercase(), (code.clone(), None)))
        .collect();
    let mut emails: HashMap<&str, u64> = HashMap::new();
    for row in &file.rows {
        let mut fine = true;
        if let Some(code) = &row.code {
            let clash = codes.get(&code.to_lowercase());
            match onboarding::code_is_free(code, clash.map(|(other, _)| other.as_str())) {
                Ok(()) => {
                    codes.insert(code.to_lowercase(), (code.clone(), Some(row.line)));
                }
                Err(error) => {
                    fine = false;
                    let message = match clash {
                        Some((_, Some(other_line))) => {
                            format!("The code {code:?} is also on line {other_line}.")
                        }
                        _ => format!("{error} (found {code:?})"),
                    };
                    problems.push(problem(row.line, Some("code"), message));
                }
            }
        }
        let email = row.user_email.as_str();
        let email_problem = if taken.emails.contains(email) {
            Some(format!("{} (found {email:?})", OnboardingError::EmailTaken))
        } else if let Some(other_line) = emails.get(email) {
            Some(format!(
                "The email {email:?} is also on line {other_line}. Each person needs their own email."
            ))
        } else {
            emails.insert(email, row.line);
            None
        };
        if let Some(message) = email_problem {
            fine = false;
            problems.push(problem(row.line, Some("user_email"), message));
        }
        if fine {
            clients.push(row.clone());
        }
    }
    problems.sort_by_key(|problem| problem.line);
    ImportPreview { clients, problems }
}
