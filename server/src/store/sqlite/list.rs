//! The client list in SQLite: one page of one view (tab, search and sort),
//! read by keyset or offset, with the view's total and each tab's count,
//! and the search, answered from the trigram index.

use super::{parse_status, to_sql_id};
use crate::domain::format_time;
use crate::store::{Cursor, ListQuery, Sort, StoreError};
use clientele_core::search;
use clientele_core::wire::{ClientPage, ClientSummary, StatusCounts, UserRef};
use clientele_core::{ClientId, PracticeId, Timestamp, UserId};
use rusqlite::{Connection, ToSql};

/// Up to this many matches, a search's page is read from the matches rather
/// than by walking the tab in order. Measured at 100,000 clients: 16,686
/// matches took 13 ms read this way against 4 ms walked, and one match
/// 2 ms against 23 ms (bench/README.md).
const FEW_MATCHES: u64 = 10_000;

pub(super) fn list_clients(
    db: &Connection,
    practice: PracticeId,
    query: &ListQuery,
) -> Result<ClientPage, StoreError> {
    let search = Search::new(&query.search);
    let (after, ordering) = keyset(query.sort);
    // The counts first: with a search, they say how many rows match.
    let counts = count_clients(db, practice, &search)?;
    // Few matches are read from the search's index and sorted (`+` keeps
    // SQLite from walking the tab's sorted index instead): that walk costs
    // what the tab numbers when the matches are few or all far down the
    // order, as a name typed from its start often is. Many are found soon
    // enough by the walk, and sorting them all would cost more.
    let lead = if search.indexed() && counts.active + counts.deactivated <= FEW_MATCHES {
        "+"
    } else {
        ""
    };
    // The page's ids first, from the index alone (so the rows an OFFSET
    // skips cost an index step each), then the details of those rows only.
    let sql = format!(
        "WITH page AS (
             SELECT c.id FROM clients c
             WHERE {lead}c.practice_id = :practice AND {lead}c.status = :status AND {} AND {}
             ORDER BY {ordering} LIMIT :limit OFFSET :offset
         )
         SELECT c.id, c.name, c.status, c.updated_at, c.owner_id, COALESCE(u.name, ''),
                (SELECT COUNT(*) FROM businesses b WHERE b.client_id = c.id), c.version, c.code,
                c.sort_name
         FROM page JOIN clients c ON c.id = page.id LEFT JOIN users u ON u.id = c.owner_id
         ORDER BY {ordering}",
        search.clause(),
        if query.after.is_some() { after } else { "1" },
    );
    // One row more than asked says whether there is a next page.
    let limit = i64::try_from(query.limit.saturating_add(1)).unwrap_or(i64::MAX);
    let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
    let practice_id = to_sql_id(practice.0)?;
    let status = query.status.as_str();
    let (cursor_key, cursor_id): (Box<dyn ToSql>, i64) = match &query.after {
        Some(Cursor::Name { key, id }) => (Box::new(key.clone()), to_sql_id(id.0)?),
        Some(Cursor::Updated { at, id }) => (Box::new(*at), to_sql_id(id.0)?),
        None => (Box::new(0), 0),
    };
    let mut params: Vec<(&str, &dyn ToSql)> = vec![
        (":practice", &practice_id),
        (":status", &status),
        (":limit", &limit),
        (":offset", &offset),
    ];
    if query.after.is_some() {
        params.push((":key", &*cursor_key));
        params.push((":id", &cursor_id));
    }
    search.bind(&mut params);
    let mut statement = db.prepare_cached(&sql)?;
    let mut found = statement
        .query_map(params.as_slice(), |row| {
            Ok((
                ClientSummaryRow {
                    id: row.get(0)?,
                    name: row.get(1)?,
                    status: row.get(2)?,
                    updated_at: row.get(3)?,
                    owner_id: row.get(4)?,
                    owner_name: row.get(5)?,
                    business_count: row.get(6)?,
                    version: row.get(7)?,
                    code: row.get(8)?,
                },
                row.get::<_, String>(9)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let more = found.len() as u64 > query.limit;
    found.truncate(usize::try_from(query.limit).unwrap_or(usize::MAX));
    let next = match found.last() {
        Some((last, sort_name)) if more => Some(
            match query.sort {
                Sort::NameAscending | Sort::NameDescending => Cursor::Name {
                    key: sort_name.clone(),
                    id: ClientId(last.id),
                },
                Sort::RecentlyUpdated | Sort::LeastRecentlyUpdated => Cursor::Updated {
                    at: last.updated_at,
                    id: ClientId(last.id),
                },
            }
            .encode(query.sort),
        ),
        _ => None,
    };
    let mut items = found
        .into_iter()
        .map(|(row, _)| row.into_summary())
        .collect::<Result<Vec<_>, StoreError>>()?;
    super::schedules::fill(db, practice, &mut items)?;
    Ok(ClientPage {
        items,
        total: counts.get(query.status),
        counts,
        next,
    })
}

/// A list row as read, before its status and time are parsed.
struct ClientSummaryRow {
    id: u64,
    name: String,
    status: String,
    updated_at: i64,
    owner_id: u64,
    owner_name: String,
    business_count: usize,
    version: u64,
    code: Option<String>,
}

impl ClientSummaryRow {
    fn into_summary(self) -> Result<ClientSummary, StoreError> {
        Ok(ClientSummary {
            id: ClientId(self.id),
            name: self.name,
            code: self.code,
            status: parse_status(&self.status)?,
            business_count: self.business_count,
            owner: UserRef {
                id: UserId(self.owner_id),
                name: self.owner_name,
            },
            updated_at: format_time(Timestamp(self.updated_at)),
            version: self.version,
            scheduled_deactivation: None,
            schedule_failure: None,
        })
    }
}

/// How many of the practice's clients each tab holds: without a search,
/// from the counts kept beside the clients (never a scan); with one, from
/// the search's index.
fn count_clients(
    db: &Connection,
    practice: PracticeId,
    search: &Search,
) -> Result<StatusCounts, StoreError> {
    let practice_id = to_sql_id(practice.0)?;
    let mut counts = StatusCounts::default();
    let sql = if search.is_empty() {
        "SELECT status, count FROM client_counts WHERE practice_id = :practice".to_owned()
    } else {
        // With the trigram index, the matches lead (`+` keeps SQLite from
        // walking the practice's whole index instead): counting them all
        // costs what they number, not what the practice does.
        format!(
            "SELECT c.status, COUNT(*) FROM clients c
             WHERE {}c.practice_id = :practice AND {} GROUP BY c.status",
            if search.indexed() { "+" } else { "" },
            search.clause()
        )
    };
    let mut params: Vec<(&str, &dyn ToSql)> = vec![(":practice", &practice_id)];
    search.bind(&mut params);
    let mut statement = db.prepare_cached(&sql)?;
    let rows = statement.query_map(params.as_slice(), |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, u64>(1)?))
    })?;
    for row in rows {
        let (status, count) = row?;
        *counts.get_mut(parse_status(&status)?) = count;
    }
    Ok(counts)
}

/// The list's search: a part of the name or of the code, after Unicode
/// case folding (`core::search`). Three characters or more are looked up
/// in the trigram index; shorter ones are checked row by row, within the
/// practice and tab.
pub(super) struct Search {
    /// The folded search.
    needle: String,
    /// The same as one FTS5 phrase: a quoted string, quotes doubled.
    phrase: String,
}

impl Search {
    /// The search for `text` as typed.
    pub(super) fn new(text: &str) -> Search {
        let needle = search::needle(text);
        let phrase = format!("\"{}\"", needle.replace('"', "\"\""));
        Search { needle, phrase }
    }

    fn is_empty(&self) -> bool {
        self.needle.is_empty()
    }

    fn indexed(&self) -> bool {
        self.needle.chars().count() >= 3
    }

    /// The condition on `c`, with the parameters [`Search::bind`] adds.
    pub(super) fn clause(&self) -> &'static str {
        if self.is_empty() {
            "1"
        } else if self.indexed() {
            // The index narrows; instr keeps exactly core's folding.
            "c.id IN (SELECT rowid FROM clients_search WHERE clients_search MATCH :phrase)
             AND instr(c.search_text, :needle) > 0"
        } else {
            "instr(c.search_text, :needle) > 0"
        }
    }

    /// Adds the parameters [`Search::clause`] uses.
    pub(super) fn bind<'a>(&'a self, params: &mut Vec<(&'a str, &'a dyn ToSql)>) {
        if !self.is_empty() {
            params.push((":needle", &self.needle));
        }
        if self.indexed() {
            params.push((":phrase", &self.phrase));
        }
    }
}

/// The condition that starts a page after the cursor's row (`:key`,
/// `:id`), and the list's order, ties broken by id so it is total.
pub(super) fn keyset(sort: Sort) -> (&'static str, &'static str) {
    match sort {
        Sort::NameAscending => (
            "(c.sort_name, c.id) > (:key, :id)",
            "c.sort_name ASC, c.id ASC",
        ),
        Sort::NameDescending => (
            "(c.sort_name, c.id) < (:key, :id)",
            "c.sort_name DESC, c.id DESC",
        ),
        Sort::RecentlyUpdated => (
            "(c.updated_at, c.id) < (:key, :id)",
            "c.updated_at DESC, c.id DESC",
        ),
        Sort::LeastRecentlyUpdated => (
            "(c.updated_at, c.id) > (:key, :id)",
            "c.updated_at ASC, c.id ASC",
        ),
    }
}
