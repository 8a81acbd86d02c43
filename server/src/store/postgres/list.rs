//! The client list in PostgreSQL: one page of one view (tab, search and
//! sort), read by keyset or offset, with the view's total and each tab's
//! count, and the search, answered from the trigram index.

use super::{Tx, id_at, rows, sql_id};
use crate::domain::format_time;
use crate::store::sqlite::parse_status;
use crate::store::{Cursor, ListQuery, Sort, StoreError};
use clientele_core::search;
use clientele_core::wire::{ClientPage, ClientSummary, StatusCounts, UserRef};
use clientele_core::{ClientId, PracticeId, Timestamp, UserId};

pub(super) async fn list_clients(
    db: &Tx<'_>,
    practice: PracticeId,
    query: &ListQuery,
) -> Result<ClientPage, StoreError> {
    let pattern = like_pattern(&search::needle(&query.search));
    let (after, ordering) = keyset(query.sort);
    let sql = format!(
        // The page's ids first, from the index alone, then the details of
        // those rows only: the rows an OFFSET skips are not built.
        "WITH page AS (
             SELECT c.id FROM clients c
             WHERE c.practice_id = $5 AND c.status = $1 AND {SEARCH} AND {}
             ORDER BY {ordering} LIMIT $3 OFFSET $4
         )
         SELECT c.id, c.name, c.status, c.updated_at, c.owner_id, COALESCE(u.name, ''),
                (SELECT COUNT(*) FROM businesses b WHERE b.client_id = c.id), c.version, c.code,
                c.sort_name
         FROM page JOIN clients c ON c.id = page.id LEFT JOIN users u ON u.id = c.owner_id
         ORDER BY {ordering}",
        if query.after.is_some() { after } else { "TRUE" },
    );
    // One row more than asked says whether there is a next page.
    let limit = i64::try_from(query.limit.saturating_add(1)).unwrap_or(i64::MAX);
    let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
    let practice_id = sql_id(practice.0)?;
    let status = query.status.as_str();
    let found = match &query.after {
        Some(Cursor::Name { key, id }) => {
            let id = sql_id(id.0)?;
            rows(
                db,
                &sql,
                &[&status, &pattern, &limit, &offset, &practice_id, key, &id],
            )
            .await?
        }
        Some(Cursor::Updated { at, id }) => {
            let id = sql_id(id.0)?;
            rows(
                db,
                &sql,
                &[&status, &pattern, &limit, &offset, &practice_id, at, &id],
            )
            .await?
        }
        None => {
            rows(
                db,
                &sql,
                &[&status, &pattern, &limit, &offset, &practice_id],
            )
            .await?
        }
    };
    let more = found.len() as u64 > query.limit;
    let kept = &found[..found
        .len()
        .min(usize::try_from(query.limit).unwrap_or(usize::MAX))];
    let next = match kept.last() {
        Some(last) if more => {
            let id = ClientId(id_at(last, 0)?);
            Some(
                match query.sort {
                    Sort::NameAscending | Sort::NameDescending => Cursor::Name {
                        key: last.try_get(9)?,
                        id,
                    },
                    Sort::RecentlyUpdated | Sort::LeastRecentlyUpdated => Cursor::Updated {
                        at: last.try_get(3)?,
                        id,
                    },
                }
                .encode(query.sort),
            )
        }
        _ => None,
    };
    let mut items = kept
        .iter()
        .map(|row| {
            let status: String = row.try_get(2)?;
            let business_count: i64 = row.try_get(6)?;
            let version: i64 = row.try_get(7)?;
            Ok(ClientSummary {
                id: ClientId(id_at(row, 0)?),
                name: row.try_get(1)?,
                code: row.try_get(8)?,
                status: parse_status(&status)?,
                business_count: business_count as usize,
                owner: UserRef {
                    id: UserId(id_at(row, 4)?),
                    name: row.try_get(5)?,
                },
                updated_at: format_time(Timestamp(row.try_get(3)?)),
                version: version as u64,
                scheduled_deactivation: None,
                schedule_failure: None,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    super::schedules::fill(db, practice, &mut items).await?;
    let counts = count_clients(db, practice_id, &query.search, &pattern).await?;
    Ok(ClientPage {
        items,
        total: counts.get(query.status),
        counts,
        next,
    })
}

/// How many of the practice's clients each tab holds: without a search,
/// from the counts kept beside the clients (never a scan); with one, from
/// the search's index.
async fn count_clients(
    db: &Tx<'_>,
    practice_id: i64,
    search_text: &str,
    pattern: &str,
) -> Result<StatusCounts, StoreError> {
    let counted = if search::needle(search_text).is_empty() {
        rows(
            db,
            "SELECT status, count FROM client_counts WHERE practice_id = $1",
            &[&practice_id],
        )
        .await?
    } else {
        rows(
            db,
            &format!(
                "SELECT c.status, COUNT(*) FROM clients c
                 WHERE c.practice_id = $1 AND {SEARCH}
                 GROUP BY c.status"
            ),
            &[&practice_id, &pattern],
        )
        .await?
    };
    let mut counts = StatusCounts::default();
    for row in counted {
        let status: String = row.try_get(0)?;
        let count: i64 = row.try_get(1)?;
        *counts.get_mut(parse_status(&status)?) = count as u64;
    }
    Ok(counts)
}

/// The list's search, `$2` being the [`like_pattern`] of the folded search
/// (`core::search`): a part of the folded name or code. The trigram index
/// answers it for three characters or more.
pub(super) const SEARCH: &str = "c.search_text LIKE $2 ESCAPE '\\'";

/// The condition that starts a page after the cursor's row (`$6`, `$7`),
/// and the list's order, ties broken by id so it is total. Names compare
/// folded, byte by byte, as in SQLite.
pub(super) fn keyset(sort: Sort) -> (&'static str, &'static str) {
    match sort {
        Sort::NameAscending => (
            "(c.sort_name, c.id) > ($6, $7)",
            "c.sort_name ASC, c.id ASC",
        ),
        Sort::NameDescending => (
            "(c.sort_name, c.id) < ($6, $7)",
            "c.sort_name DESC, c.id DESC",
        ),
        Sort::RecentlyUpdated => (
            "(c.updated_at, c.id) < ($6, $7)",
            "c.updated_at DESC, c.id DESC",
        ),
        Sort::LeastRecentlyUpdated => (
            "(c.updated_at, c.id) > ($6, $7)",
            "c.updated_at ASC, c.id ASC",
        ),
    }
}

/// A LIKE pattern matching text that contains `search`, with LIKE's own
/// wildcards in the search taken literally.
pub(super) fn like_pattern(search: &str) -> String {
    let escaped = search
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}
