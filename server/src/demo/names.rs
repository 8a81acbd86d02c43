//! The demo's made-up names: clients (firms and sole traders, distinct up
//! to 100,000 and beyond), their businesses, and the suppliers and items on
//! their receipts, drawn from word lists by a seeded generator so that every
//! seed is the same.

pub(super) const PLACES: &[&str] = &[
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
pub(super) const FIRST_NAMES: &[&str] = &[
    "Priya", "Ben", "Aisha", "Tom", "Chloe", "Rhys", "Fatima", "Oliver", "Siobhan", "Kwame",
    "Megan", "Arjun", "Isla", "Callum", "Zara", "Dylan", "Hannah", "Mateusz", "Grace", "Owen",
];
pub(super) const SURNAMES: &[&str] = &[
    "Shah", "Carter", "Okafor", "Hughes", "Patel", "Murphy", "Evans", "Nowak", "Campbell", "Ahmed",
    "Taylor", "Brennan", "Clarke", "Mensah", "Lloyd", "Fraser", "Singh", "Walsh", "Morgan", "Reid",
];
pub(super) const DOCUMENT_KINDS: &[&str] = &["receipt", "invoice", "bill", "statement", "expense"];

/// SplitMix64: tiny, fast and the same on every platform.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    pub(super) fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }

    pub(super) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

/// The `index`-th client: every third is a sole trader trading under their
/// own name ("Priya Shah Photography"), the rest are firms ("Acorn Plumbing
/// Ltd"). Returns the name and, for a sole trader, the proprietor, who is
/// then the account's first user.
pub(super) fn client_identity(index: usize) -> (String, Option<String>) {
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

/// Where the demo clients' receipts come from.
pub(super) const SUPPLIERS: &[&str] = &[
    "Harbour Hardware",
    "Greenway Fuel",
    "Oakridge Office Supplies",
    "Pennine Print Works",
    "Riverside Stationers",
    "Kestrel Cycles",
    "Saltire Cafe",
    "Thistle Telecom",
    "Upland Timber Merchants",
    "Valley Van Hire",
];
pub(super) const ITEMS: &[&str] = &[
    "Printer paper",
    "Diesel",
    "Timber",
    "Coffee",
    "Phone bill",
    "Van hire",
    "Screws",
    "Toner",
    "Lunch meeting",
    "Parking",
];

pub(super) fn business_name(client_name: &str, n: u64, rng: &mut Rng) -> String {
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
