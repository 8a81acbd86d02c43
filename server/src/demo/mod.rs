//! The demo data, seeded by `--demo` into an empty database only: two
//! practices, "Harper & Lowe Bookkeeping" (`--seed-clients`, 40 by default)
//! and "Northgate Accounts" (12 clients), each with a practice admin and a
//! member of staff, and every client user able to sign in. Every demo
//! account's password is [`DEMO_PASSWORD`].
//!
//! It is deterministic (a fixed PRNG seed and fixed times), so every fresh
//! start and every test sees the same clients. It writes through the
//! storage traits, from outside them, the way an import would: storage knows
//! nothing of demo data.

mod names;

use crate::auth::password;
use crate::extraction::fields::read_fields;
use crate::files::FileStore;
use crate::receipt::Receipt;
use crate::store::{
    Actor, DocumentRecord, NewBusiness, NewClient, NewStaff, NewUser, Provision, Provisioning,
    StoreError,
};
use clientele_core::{
    Client, Event, Extraction, PracticeId, Role, StaffRole, Status, Timestamp,
    extraction_for_new_document,
};
use names::{
    DOCUMENT_KINDS, FIRST_NAMES, ITEMS, PLACES, Rng, SUPPLIERS, SURNAMES, business_name,
    client_identity,
};
use std::collections::HashSet;

/// The first demo practice's name.
pub const PRACTICE_NAME: &str = "Harper & Lowe Bookkeeping";
/// The second demo practice's name.
pub const SECOND_PRACTICE_NAME: &str = "Northgate Accounts";
/// How many clients the second practice has.
pub const SECOND_PRACTICE_CLIENTS: usize = 12;
/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "clientele-demo";

/// Each practice's staff: (name, email, role).
const STAFF: [[(&str, &str, StaffRole); 2]; 2] = [
    [
        (
            "Dana Lowe",
            "admin@harperlowe.example",
            StaffRole::PracticeAdmin,
        ),
        ("Sam Harper", "staff@harperlowe.example", StaffRole::Staff),
    ],
    [
        (
            "Nadia Okoro",
            "admin@northgate.example",
            StaffRole::PracticeAdmin,
        ),
        ("Theo Grant", "staff@northgate.example", StaffRole::Staff),
    ],
];

/// Seed times start here: 2026-09-01T09:00:00Z, in milliseconds.
const START_MS: i64 = 1_788_253_200_000;
const HOUR_MS: i64 = 3_600_000;

/// How many clients of each practice get documents (each a real PDF file).
/// A practice seeded with 100,000 clients to measure the list gets them on
/// its first clients only, so seeding takes seconds and a few megabytes
/// rather than hundreds of thousands of files.
const DOCUMENTED_CLIENTS: usize = 400;

/// Seeds the demo practices if the store is empty, with `client_count`
/// clients in the first; their documents are real receipt PDFs, kept in
/// `files`. Answers whether it seeded anything.
pub fn seed_if_empty(
    store: &dyn Provisioning,
    files: &FileStore,
    client_count: usize,
) -> Result<bool, StoreError> {
    if !store.is_empty()? {
        return Ok(false);
    }
    // One hash for every demo account: they share a published password, so
    // separate salts would protect nothing, and hashing is slow on purpose.
    let password_hash = password::hash(DEMO_PASSWORD).map_err(StoreError::Internal)?;
    let mut seeded = false;
    store.provision(&mut |tx| {
        // Another instance may have seeded it meanwhile; its transaction
        // has ended by now, as provisioning transactions take turns.
        if !tx.is_empty()? {
            return Ok(());
        }
        seeded = true;
        let mut seeder = Seeder {
            tx,
            files,
            rng: Rng(0x00C1_1E17_E1E5),
            emails: HashSet::new(),
            password_hash: password_hash.clone(),
        };
        let practices = [
            (PRACTICE_NAME, "HL", 0, client_count),
            (
                SECOND_PRACTICE_NAME,
                "NG",
                client_count,
                client_count + SECOND_PRACTICE_CLIENTS,
            ),
        ];
        for ((name, code_prefix, first, end), staff) in practices.into_iter().zip(STAFF) {
            let practice = seeder.tx.add_practice(name)?.id;
            let mut admin = None;
            for (name, email, role) in staff {
                seeder.emails.insert(email.to_owned());
                let id = seeder.tx.add_staff(NewStaff {
                    practice,
                    name: name.to_owned(),
                    email: email.to_owned(),
                    role,
                    password_hash: seeder.password_hash.clone(),
                })?;
                if role == StaffRole::PracticeAdmin {
                    admin = Some(Actor {
                        id,
                        name: name.to_owned(),
                    });
                }
            }
            let admin =
                admin.ok_or_else(|| StoreError::Internal("a practice without an admin".into()))?;
            for index in first..end {
                seeder.client(practice, &admin, code_prefix, index, index - first)?;
            }
        }
        Ok(())
    })?;
    Ok(seeded)
}

/// The state of one seeding run.
struct Seeder<'a> {
    tx: &'a mut dyn Provision,
    files: &'a FileStore,
    rng: Rng,
    emails: HashSet<String>,
    password_hash: String,
}

impl Seeder<'_> {
    /// The `index`-th demo client, the `position`-th of its practice: about
    /// one in eight starts deactivated, and some businesses of active
    /// clients are deactivated one by one, each by the practice's `admin`,
    /// as its activity says.
    /// Each has the practice's code for it, such as `HL-0001`.
    fn client(
        &mut self,
        practice: PracticeId,
        admin: &Actor,
        code_prefix: &str,
        index: usize,
        position: usize,
    ) -> Result<(), StoreError> {
        let (name, proprietor) = client_identity(index);
        let domain: String = name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_lowercase();
        let users: Vec<NewUser> = (0..self.rng.between(1, 4))
            .map(|n| {
                let person = match (&proprietor, n) {
                    (Some(proprietor), 0) => proprietor.clone(),
                    _ => format!("{} {}", self.rng.pick(FIRST_NAMES), self.rng.pick(SURNAMES)),
                };
                let role = if n == 0 || self.rng.between(0, 2) == 0 {
                    Role::Admin
                } else {
                    Role::Standard
                };
                NewUser {
                    email: self.unique_email(&person, &domain),
                    name: person,
                    role,
                    password_hash: Some(self.password_hash.clone()),
                }
            })
            .collect();
        let deactivated = position % 8 == 3;
        let business_total = self.rng.between(1, 4);
        let user_count = users.len();
        let businesses: Vec<NewBusiness> = (0..business_total)
            .map(|n| {
                let one_by_one = !deactivated && business_total > 1 && n == 1 && position % 5 == 1;
                NewBusiness {
                    name: business_name(&name, n, &mut self.rng),
                    status: if deactivated || one_by_one {
                        Status::Deactivated
                    } else {
                        Status::Active
                    },
                    // R3: whoever a business was handed to when it was
                    // deactivated is an admin; the first user always is.
                    owner: if one_by_one {
                        0
                    } else {
                        (n as usize) % user_count
                    },
                }
            })
            .collect();
        let updated_at = Timestamp(START_MS + position as i64 * HOUR_MS);
        let client = self.tx.add_client(NewClient {
            practice,
            name,
            code: Some(format!("{code_prefix}-{:04}", position + 1)),
            status: if deactivated {
                Status::Deactivated
            } else {
                Status::Active
            },
            owner: 0,
            users,
            businesses,
            updated_at,
        })?;
        self.deactivations(&client, admin, updated_at)?;
        if position < DOCUMENTED_CLIENTS {
            self.documents(&client, updated_at)?;
        }
        Ok(())
    }

    /// What the activity of a client seeded deactivated, or with businesses
    /// deactivated one by one, says: who deactivated them, and when (as the
    /// client's last change, `at`). The owner stays, as the account was the
    /// owner's already.
    fn deactivations(
        &mut self,
        client: &Client,
        admin: &Actor,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        if client.status == Status::Deactivated {
            let event = Event::ClientDeactivated {
                new_owner_id: client.owner,
                reason: None,
                previous_owner_id: Some(client.owner),
                granted_admin: false,
                deactivated_businesses: Some(client.businesses.iter().map(|b| b.id).collect()),
            };
            return self.tx.record_activity(client.id, at, admin, &event);
        }
        for business in &client.businesses {
            if business.status == Status::Deactivated {
                let event = Event::BusinessDeactivated {
                    business_id: business.id,
                    new_owner_id: business.owner,
                    previous_owner_id: Some(business.owner),
                    granted_admin: false,
                    reason: None,
                };
                self.tx.record_activity(client.id, at, admin, &event)?;
            }
        }
        Ok(())
    }

    /// `first.last@domain.co.uk`, numbered if someone has it already: every
    /// email names one login.
    fn unique_email(&mut self, person: &str, domain: &str) -> String {
        let local = person.replace(' ', ".").to_lowercase();
        let mut email = format!("{local}@{domain}.co.uk");
        let mut n = 2;
        while !self.emails.insert(email.clone()) {
            email = format!("{local}{n}@{domain}.co.uk");
            n += 1;
        }
        email
    }

    /// Older documents were extracted (their fields read from their text by
    /// the same reader the worker uses); the newest of each business is
    /// whatever R5 says for the business as it is now: queued, for the
    /// extraction worker to read once the server runs, or not extracted.
    /// A deactivated business's extracted documents were added before its
    /// deactivation (at `deactivated_at`), and its newest one after.
    fn documents(&mut self, client: &Client, deactivated_at: Timestamp) -> Result<(), StoreError> {
        for business in &client.businesses {
            let deactivated = business.status == Status::Deactivated;
            let count = self.rng.between(1, 4);
            for n in 0..count {
                let newest = n + 1 == count;
                let extraction = if newest {
                    extraction_for_new_document(client, business.id)
                        .map_err(|error| StoreError::Internal(error.to_string()))?
                } else {
                    Extraction::Extracted
                };
                let hours = self.rng.between(0, 24 * 60) as i64;
                let added_at = match (deactivated, newest) {
                    (false, _) => START_MS + hours * HOUR_MS,
                    (true, false) => deactivated_at.0 - (hours + 1) * HOUR_MS,
                    (true, true) => deactivated_at.0 + (hours + 1) * HOUR_MS,
                };
                let file_name = format!(
                    "{}-{:04}.pdf",
                    self.rng.pick(DOCUMENT_KINDS),
                    self.rng.between(1, 9999)
                );
                let added_by = client.users[(n as usize) % client.users.len()].name.clone();
                let receipt = self.receipt(added_at);
                let file = self
                    .files
                    .store_bytes(&receipt.to_pdf())
                    .map_err(|error| StoreError::Internal(format!("a demo file: {error}")))?;
                let read = (extraction == Extraction::Extracted).then(|| {
                    let text = receipt.lines().join("\n");
                    (read_fields(&text), text)
                });
                self.tx.add_document(DocumentRecord {
                    business: business.id,
                    file_name,
                    added_at: Timestamp(added_at + n as i64),
                    added_by,
                    extraction,
                    file: Some(file),
                    read,
                })?;
            }
        }
        Ok(())
    }
}

impl Seeder<'_> {
    /// A supplier's receipt dated on the day of `added_at`.
    fn receipt(&mut self, added_at: i64) -> Receipt {
        let date = time::OffsetDateTime::from_unix_timestamp(added_at / 1000)
            .map(|at| at.date())
            .unwrap_or(time::Date::MIN);
        let items = (0..self.rng.between(1, 4))
            .map(|_| {
                let item = self.rng.pick(ITEMS).to_owned();
                (item, self.rng.between(150, 9_999))
            })
            .collect();
        Receipt {
            supplier: self.rng.pick(SUPPLIERS).to_owned(),
            address: format!(
                "{} {} Street",
                self.rng.between(1, 200),
                self.rng.pick(PLACES)
            ),
            date: format!(
                "{:02}/{:02}/{}",
                date.day(),
                u8::from(date.month()),
                date.year()
            ),
            items,
            symbol: "£".to_owned(),
        }
    }
}
