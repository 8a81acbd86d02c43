//! The client list for an export, in PostgreSQL: every client of a tab that
//! matches the search, in the list's order, with its businesses' names and
//! its latest deactivation.

use super::list::{SEARCH, keyset, like_pattern};
use super::{Tx, id_at, rows, sql_id};
use crate::store::sqlite::parse_status;
use crate::store::{ExportRow, ListQuery, StoreError};
use clientele_core::{PracticeId, Status, Timestamp};

pub(super) async fn export(
    db: &Tx<'_>,
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
    let sql = format!(
        "SELECT c.id, c.name, c.code, c.status, coalesce(u.name, ''), coalesce(u.email, ''),
                {}, {}
         FROM clients c LEFT JOIN users u ON u.id = c.owner_id
         WHERE c.practice_id = $1 AND c.status = $3 AND {SEARCH}
         ORDER BY {}",
        last_deactivation("at"),
        last_deactivation("actor"),
        keyset(query.sort).1
    );
    let heads = rows(
        db,
        &sql,
        &[
            &sql_id(practice.0)?,
            &like_pattern(&clientele_core::search::needle(&query.search)),
            &query.status.as_str(),
        ],
    )
    .await?;
    let mut exported = Vec::with_capacity(heads.len());
    for head in &heads {
        let status: String = head.try_get(3)?;
        let status = parse_status(&status)?;
        let deactivated = status == Status::Deactivated;
        let at: Option<i64> = head.try_get(6)?;
        let by: Option<String> = head.try_get(7)?;
        let businesses = rows(
            db,
            "SELECT name FROM businesses WHERE client_id = $1 ORDER BY id",
            &[&sql_id(id_at(head, 0)?)?],
        )
        .await?
        .iter()
        .map(|row| Ok(row.try_get(0)?))
        .collect::<Result<Vec<String>, StoreError>>()?;
        exported.push(ExportRow {
            name: head.try_get(1)?,
            code: head.try_get(2)?,
            status,
            businesses,
            owner: head.try_get(4)?,
            owner_email: head.try_get(5)?,
            deactivated_at: at.filter(|_| deactivated).map(Timestamp),
            deactivated_by: by.filter(|_| deactivated),
        });
    }
    Ok(exported)
}
