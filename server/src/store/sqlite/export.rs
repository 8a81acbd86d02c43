//! The client list for an export, in SQLite: every client of a tab that
//! matches the search, in the list's order, with its businesses' names and
//! its latest deactivation.

use super::list::{Search, keyset};
use super::{parse_status, to_sql_id};
use crate::store::{ExportRow, ListQuery, StoreError};
use clientele_core::{PracticeId, Status, Timestamp};
use rusqlite::{Connection, ToSql};

/// A row of the export as read, before its businesses.
type ExportHead = (u64, ExportRow);

pub(super) fn export(
    db: &Connection,
    practice: PracticeId,
    query: &ListQuery,
) -> Result<Vec<ExportRow>, StoreError> {
    // The latest deactivation of each client, for deactivated ones.
    let last_deactivation = |column: &str| {
        format!(
            "(SELECT a.{column} FROM activity a
              WHERE a.client_id = c.id AND a.action = 'client_deactivated'
              ORDER BY a.id DESC LIMIT 1)"
        )
    };
    let search = Search::new(&query.search);
    let sql = format!(
        "SELECT c.id, c.name, c.code, c.status, coalesce(u.name, ''), coalesce(u.email, ''),
                {}, {}
         FROM clients c LEFT JOIN users u ON u.id = c.owner_id
         WHERE c.practice_id = :practice AND c.status = :status AND {}
         ORDER BY {}",
        last_deactivation("at"),
        last_deactivation("actor"),
        search.clause(),
        keyset(query.sort).1
    );
    let practice_id = to_sql_id(practice.0)?;
    let status = query.status.as_str();
    let mut params: Vec<(&str, &dyn ToSql)> =
        vec![(":practice", &practice_id), (":status", &status)];
    search.bind(&mut params);
    let mut statement = db.prepare(&sql)?;
    let heads = statement
        .query_map(params.as_slice(), |row| {
            Ok((
                row.get::<_, u64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Option<String>>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, Option<i64>>(6)?,
                row.get::<_, Option<String>>(7)?,
            ))
        })?
        .map(|row| {
            let (id, name, code, status, owner, owner_email, at, by) = row?;
            let status = parse_status(&status)?;
            let deactivated = status == Status::Deactivated;
            Ok((
                id,
                ExportRow {
                    name,
                    code,
                    status,
                    businesses: Vec::new(),
                    owner,
                    owner_email,
                    deactivated_at: at.filter(|_| deactivated).map(Timestamp),
                    deactivated_by: by.filter(|_| deactivated),
                },
            ))
        })
        .collect::<Result<Vec<ExportHead>, StoreError>>()?;
    let mut businesses =
        db.prepare_cached("SELECT name FROM businesses WHERE client_id = ?1 ORDER BY id")?;
    heads
        .into_iter()
        .map(|(id, mut row)| {
            row.businesses = businesses
                .query_map([to_sql_id(id)?], |row| row.get(0))?
                .collect::<Result<_, _>>()?;
            Ok(row)
        })
        .collect()
}
