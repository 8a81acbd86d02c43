//! The demo practice, seeded only into an empty database. It is
//! deterministic (a fixed PRNG seed and fixed times), so every fresh start and
//! every test sees the same clients; `--seed-clients` sets its size.

use crate::store::StoreError;
use crate::store::sqlite::{reason_str, role_str};
use clientele_core::{
    Business, BusinessId, Client, ClientId, ClientUser, Extraction, Role, Status, UserId,
    extraction_for_new_document,
};
use rusqlite::{Transaction, params};

/// The demo practice's name, shown in the sidebar.
pub const PRACTICE_NAME: &str = "Harper & Lowe Bookkeeping";

/// Seed times start here: 2026-09-01T09:00:00Z, in milliseconds.
const START_MS: i64 = 1_788_253_200_000;
const HOUR_MS: i64 = 3_600_000;

const PLACES: &[&str] = &[
    "Acorn",
    "Bramble",
    "Copper Kettle",
    "Dovetail",
    "Elmwood",
    "Fenwick",
    "Greenway",
    "Harbour",
    "Ivybridge",
    "Juniper",
    "Kestrel",
    "Larchfield",
    "Meadowbank",
    "Northgate",
    "Oakridge",
    "Pennine",
    "Quayside",
    "Riverside",
    "Saltire",
    "Thistle",
    "Upland",
    "Valley",
    "Willowbrook",
    "Yewtree",
];
const TRADES: &[&str] = &[
    "Plumbing",
    "Bakery",
    "Joinery",
    "Design Studio",
    "Florists",
    "Electrical",
    "Catering",
    "Consulting",
    "Landscapes",
    "Motors",
    "Dental Care",
    "Photography",
    "Tailoring",
    "Cleaning",
    "Roofing",
    "Cycles",
    "Coffee House",
    "Physio",
    "Print Works",
    "Pet Grooming",
];
const FORMS: &[&str] = &["Ltd", "& Co", "LLP", "Services"];
const FIRST_NAMES: &[&str] = &[
    "Priya", "Ben", "Aisha", "Tom", "Chloe", "Rhys", "Fatima", "Oliver", "Siobhan", "Kwame",
    "Megan", "Arjun", "Isla", "Callum", "Zara", "Dylan", "Hannah", "Mateusz", "Grace", "Owen",
];
const SURNAMES: &[&str] = &[
    "Shah", "Carter", "Okafor", "Hughes", "Patel", "Murphy", "Evans", "Nowak", "Campbell", "Ahmed",
    "Taylor", "Brennan", "Clarke", "Mensah", "Lloyd", "Fraser", "Singh", "Walsh", "Morgan", "Reid",
];
const DOCUMENT_KINDS: &[&str] = &["receipt", "invoice", "bill", "statement", "expense"];

/// SplitMix64: tiny, fast and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

/// The `index`-th client: every third is a sole trader trading under their
/// own name ("Priya Shah Photography"), the rest are firms ("Acorn Plumbing
/// Ltd"). Returns the name and, for a sole trader, the proprietor, who is
/// then the account's first user.
fn client_identity(index: usize) -> (String, Option<String>) {
    if index % 3 == 1 {
        let (proprietor, trade) = sole_trader(index / 3);
        (format!("{proprietor} {trade}"), Some(proprietor))
    } else {
        // Firms before this index: all indices minus the sole traders.
        (firm_name(index - (index + 1) / 3), None)
    }
}

/// The `index`-th firm name: a place, a trade and a form of business,
/// walked in an order that never repeats; past the 1,920 combinations a
/// number keeps names distinct.
fn firm_name(index: usize) -> String {
    let combinations = PLACES.len() * TRADES.len() * FORMS.len();
    // 7 is coprime with the number of combinations, so this is a permutation.
    let spread = (index * 7) % combinations;
    let place = PLACES[spread % PLACES.len()];
    let trade = TRADES[(spread / PLACES.len()) % TRADES.len()];
    let form = FORMS[spread / (PLACES.len() * TRADES.len())];
    numbered(format!("{place} {trade} {form}"), index / combinations)
}

/// The `index`-th sole trader's name and trade, never repeating within the
/// 8,000 combinations, then numbered like firms.
fn sole_trader(index: usize) -> (String, String) {
    let combinations = FIRST_NAMES.len() * SURNAMES.len() * TRADES.len();
    // 7 is coprime with 8,000 too.
    let spread = (index * 7) % combinations;
    let first = FIRST_NAMES[spread % FIRST_NAMES.len()];
    let last = SURNAMES[(spread / FIRST_NAMES.len()) % SURNAMES.len()];
    let trade = TRADES[spread / (FIRST_NAMES.len() * SURNAMES.len())];
    (
        format!("{first} {last}"),
        numbered(trade.to_owned(), index / combinations),
    )
}

fn numbered(name: String, round: usize) -> String {
    match round {
        0 => name,
        round => format!("{name} {}", round + 1),
    }
}

/// Seeds a practice of `client_count` clients; about one in eight starts
/// deactivated, and some businesses of active clients are deactivated one by
/// one.
pub fn demo_practice(tx: &Transaction<'_>, client_count: usize) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO practice (id, name) VALUES (1, ?1)",
        [PRACTICE_NAME],
    )?;
    let mut rng = Rng(0x00C1_1E17_E1E5);
    let mut next_user = 1u64;
    let mut next_business = 1u64;
    for index in 0..client_count {
        let id = ClientId(index as u64 + 1);
        let (name, proprietor) = client_identity(index);
        let domain: String = name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_lowercase();
        let users: Vec<ClientUser> = (0..rng.between(1, 4))
            .map(|n| {
                let person = match (&proprietor, n) {
                    (Some(proprietor), 0) => proprietor.clone(),
                    _ => format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(SURNAMES)),
                };
                next_user += 1;
                ClientUser {
                    id: UserId(next_user - 1),
                    email: format!("{}@{domain}.co.uk", person.replace(' ', ".")).to_lowercase(),
                    name: person,
                    role: if n == 0 || rng.between(0, 2) == 0 {
                        Role::Admin
                    } else {
                        Role::Standard
                    },
                }
            })
            .collect();
        let deactivated = index % 8 == 3;
        let business_total = rng.between(1, 4);
        let businesses: Vec<Business> = (0..business_total)
            .map(|n| {
                next_business += 1;
                let one_by_one = !deactivated && business_total > 1 && n == 1 && index % 5 == 1;
                Business {
                    id: BusinessId(next_business - 1),
                    name: business_name(&name, n, &mut rng),
                    status: if deactivated || one_by_one {
                        Status::Deactivated
                    } else {
                        Status::Active
                    },
                    owner: users[(n as usize) % users.len()].id,
                }
            })
            .collect();
        let client = Client {
            id,
            name,
            status: if deactivated {
                Status::Deactivated
            } else {
                Status::Active
            },
            version: 1,
            owner: users[0].id,
            users,
            businesses,
        };
        insert_client(tx, &client, START_MS + index as i64 * HOUR_MS)?;
        insert_documents(tx, &client, &mut rng)?;
    }
    Ok(())
}

fn business_name(client_name: &str, n: u64, rng: &mut Rng) -> String {
    let stem = client_name
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ')
        .trim_end_matches(" Ltd")
        .trim_end_matches(" & Co")
        .trim_end_matches(" LLP")
        .trim_end_matches(" Services");
    match n {
        0 => stem.to_owned(),
        _ => {
            format!(
                "{stem} {}",
                rng.pick(&["North", "South", "Online", "Trade", "Events"])
            ) + &format!(" {}", n + 1)
        }
    }
}

fn insert_client(tx: &Transaction<'_>, client: &Client, updated_at: i64) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO clients (id, practice_id, name, status, owner_id, version, updated_at)
         VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        client.id.0,
        client.name,
        client.status.as_str(),
        client.owner.0,
        client.version,
        updated_at
    ])?;
    for user in &client.users {
        tx.prepare_cached(
            "INSERT INTO users (id, client_id, name, email, role) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            user.id.0,
            client.id.0,
            user.name,
            user.email,
            role_str(user.role)
        ])?;
    }
    for business in &client.businesses {
        tx.prepare_cached(
            "INSERT INTO businesses (id, client_id, name, status, owner_id) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            business.id.0,
            client.id.0,
            business.name,
            business.status.as_str(),
            business.owner.0
        ])?;
    }
    Ok(())
}

/// Older documents were extracted; the newest of each business is whatever
/// R5 says for the business as it is now (queued, or not extracted).
fn insert_documents(
    tx: &Transaction<'_>,
    client: &Client,
    rng: &mut Rng,
) -> Result<(), StoreError> {
    for business in &client.businesses {
        let count = rng.between(1, 4);
        for n in 0..count {
            let newest = n + 1 == count;
            let extraction = if newest {
                extraction_for_new_document(client, business.id)
                    .map_err(|error| StoreError::Internal(error.to_string()))?
            } else {
                Extraction::Extracted
            };
            let added_at = START_MS + (rng.between(0, 24 * 60) as i64) * HOUR_MS;
            let file_name = format!(
                "{}-{:04}.pdf",
                rng.pick(DOCUMENT_KINDS),
                rng.between(1, 9999)
            );
            let added_by = &client.users[(n as usize) % client.users.len()].name;
            tx.prepare_cached(
                "INSERT INTO documents (business_id, file_name, added_at, added_by, extraction, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                business.id.0,
                file_name,
                added_at + n as i64,
                added_by,
                extraction.as_str(),
                extraction.reason().map(reason_str)
            ])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::client_identity;
    use std::collections::HashSet;

    #[test]
    fn a_hundred_thousand_client_names_are_all_distinct() {
        let names: HashSet<String> = (0..100_000).map(|i| client_identity(i).0).collect();
        assert_eq!(names.len(), 100_000);
    }

    #[test]
    fn every_third_client_is_a_sole_trader_trading_under_their_own_name() {
        let (name, proprietor) = client_identity(1);
        let proprietor = proprietor.expect("a sole trader");
        assert!(name.starts_with(&proprietor), "{name}");
        assert_eq!(client_identity(0).1, None);
        assert_eq!(client_identity(2).1, None);
    }
}
