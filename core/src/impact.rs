//! The impact of a deactivation, shown in step 1 of the wizard before it is
//! confirmed: how many businesses will be deactivated, how many documents
//! are queued and will not be extracted (R5 at pick-up), which users lose
//! practice-managed access, and when each business was last active.
//!
//! The documents are not part of a [`Client`], so the caller reads them and
//! passes what is needed as plain [`Facts`]; nothing here does I/O. An
//! [`Impact`] adds up, so a bulk deactivation shows the sum over every
//! selected client ([`bulk_impact`]).

use crate::error::RuleError;
use crate::ids::BusinessId;
use crate::implications::{Target, plural};
use crate::model::{Client, Status, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the caller knows about a client's documents, per business.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// How many of each business's documents are `queued` now.
    pub queued_documents: BTreeMap<BusinessId, u64>,
    /// When each business's latest document was added; a business with no
    /// documents is absent.
    pub last_document_at: BTreeMap<BusinessId, Timestamp>,
}

/// When one business to be deactivated was last active.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LastActive {
    /// The business.
    pub business_id: BusinessId,
    /// Its name.
    pub business_name: String,
    /// The day its latest document was added (`2026-03-12`, UTC); `null`
    /// when it has no documents yet.
    pub last_document_on: Option<String>,
}

/// What a deactivation will change, in numbers, with a sentence for each.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Impact {
    /// How many active businesses will be deactivated.
    pub businesses: usize,
    /// How many documents are queued now and will not be extracted.
    pub queued_documents: u64,
    /// The names of the users who lose practice-managed access.
    pub users_losing_access: Vec<String>,
    /// When each business to be deactivated was last active.
    pub last_active: Vec<LastActive>,
}

/// Two impacts together, as a bulk deactivation of both would have.
impl std::ops::Add for Impact {
    type Output = Impact;

    fn add(mut self, other: Impact) -> Impact {
        self.businesses += other.businesses;
        self.queued_documents += other.queued_documents;
        self.users_losing_access.extend(other.users_losing_access);
        self.last_active.extend(other.last_active);
        self
    }
}

/// The sum of several impacts; nothing for none.
impl std::iter::Sum for Impact {
    fn sum<I: Iterator<Item = Impact>>(impacts: I) -> Impact {
        impacts.fold(Impact::default(), std::ops::Add::add)
    }
}

impl Impact {
    /// One sentence per fact, in the order step 1 shows them.
    pub fn points(&self) -> Vec<String> {
        let mut points = vec![
            format!(
                "{} will be deactivated.",
                plural(self.businesses, "business", "businesses")
            ),
            match self.queued_documents {
                0 => "No documents are queued for extraction.".to_owned(),
                1 => "1 document is queued and will not be extracted.".to_owned(),
                n => format!("{n} documents are queued and will not be extracted."),
            },
            match self.users_losing_access.as_slice() {
                [] => "No users lose practice-managed access.".to_owned(),
                names => format!("{} will lose practice-managed access.", and_list(names)),
            },
        ];
        points.extend(
            self.last_active
                .iter()
                .map(|last| match &last.last_document_on {
                    Some(day) => format!(
                        "{} was last active on {} (its latest document).",
                        last.business_name,
                        long_date(day)
                    ),
                    None => format!("{} has no documents yet.", last.business_name),
                }),
        );
        points
    }
}

/// The impact of deactivating `target` of `client`, given `facts` about its
/// documents. Refuses exactly when the deactivation itself would be refused.
pub fn impact(client: &Client, target: Target, facts: &Facts) -> Result<Impact, RuleError> {
    // The refusals are the wizard's own: one rule, one place.
    crate::implications::implications(client, target)?;
    let businesses: Vec<_> = match target {
        Target::Client => client.businesses_with(Status::Active).collect(),
        Target::Business(id) => client.business(id).into_iter().collect(),
    };
    Ok(Impact {
        businesses: businesses.len(),
        queued_documents: businesses
            .iter()
            .map(|business| {
                facts
                    .queued_documents
                    .get(&business.id)
                    .copied()
                    .unwrap_or(0)
            })
            .sum(),
        // Every user of the account sees every business of it, so each one
        // loses the practice's management of what is deactivated.
        users_losing_access: client.users.iter().map(|user| user.name.clone()).collect(),
        last_active: businesses
            .iter()
            .map(|business| LastActive {
                business_id: business.id,
                business_name: business.name.clone(),
                last_document_on: facts
                    .last_document_at
                    .get(&business.id)
                    .map(|at| iso_date(*at)),
            })
            .collect(),
    })
}

/// The summed impact of deactivating every one of `clients` whole, as a
/// bulk deactivation shows it; refused if any one of them would be.
pub fn bulk_impact(clients: &[(Client, Facts)]) -> Result<Impact, RuleError> {
    clients
        .iter()
        .map(|(client, facts)| impact(client, Target::Client, facts))
        .sum()
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The UTC day of `at`, as `2026-03-12`.
pub fn iso_date(at: Timestamp) -> String {
    let days = at.0.div_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `2026-03-12` as `12 March 2026`; anything else as it is.
fn long_date(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let mut parts = iso.splitn(3, '-');
    let (Some(year), Some(month), Some(day)) = (parts.next(), parts.next(), parts.next()) else {
        return iso.to_owned();
    };
    match (month.parse::<usize>(), day.parse::<u32>()) {
        (Ok(month @ 1..=12), Ok(day)) => format!("{day} {} {year}", MONTHS[month - 1]),
        _ => iso.to_owned(),
    }
}

/// Howard Hinnant's days-to-civil: the proleptic Gregorian date `days`
/// after 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}
