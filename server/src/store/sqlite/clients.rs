//! The practice's clients in SQLite: the list, a client whole, its
//! activity, and changes through `core`'s rules. Every query names the
//! practice, so another practice's ids are not found.

use super::changes::apply_change;
use super::idempotency::{remember_answer, stored_answer};
use super::{SqliteStore, parse_role, parse_status, to_sql_id};
use crate::domain::format_time;
use crate::store::{Change, ClientStore, ListQuery, Outcome, Sort, StoreError, status_of};
use clientele_core::wire::{
    ActivityAction, ActivityEntry, BusinessRef, ClientPage, ClientSummary, StatusCounts, UserRef,
};
use clientele_core::{
    Business, BusinessId, Client, ClientId, ClientUser, Practice, PracticeId, Timestamp, UserId,
};
use rusqlite::{Connection, OptionalExtension, params};

impl ClientStore for SqliteStore {
    fn ping(&self) -> Result<(), StoreError> {
        self.read("checking the database", |db| {
            db.query_row("SELECT COUNT(*) FROM practice", [], |row| {
                row.get::<_, i64>(0)
            })?;
            Ok(())
        })
    }

    fn account(&self, id: ClientId) -> Result<(Client, Practice), StoreError> {
        self.read("loading an account", |db| {
            let practice: u64 = db
                .query_row(
                    "SELECT practice_id FROM clients WHERE id = ?1",
                    [to_sql_id(id.0)?],
                    |row| row.get(0),
                )
                .optional()?
                .ok_or(StoreError::NotFound)?;
            let practice = load_practice(db, PracticeId(practice))?;
            Ok((load_client(db, practice.id, id)?, practice))
        })
    }

    fn forget_answers_before(&self, before: Timestamp) -> Result<usize, StoreError> {
        self.write("forgetting old idempotent answers", |tx| {
            Ok(tx.execute("DELETE FROM idempotency WHERE created_at < ?1", [before.0])?)
        })
    }

    fn practice(&self, practice: PracticeId) -> Result<Practice, StoreError> {
        self.read("reading the practice", |db| load_practice(db, practice))
    }

    fn list_clients(
        &self,
        practice: PracticeId,
        query: &ListQuery,
    ) -> Result<ClientPage, StoreError> {
        self.read("listing clients", |db| list_clients(db, practice, query))
    }

    fn client(&self, practice: PracticeId, id: ClientId) -> Result<Client, StoreError> {
        self.read("loading a client", |db| load_client(db, practice, id))
    }

    fn activity(
        &self,
        practice: PracticeId,
        id: ClientId,
    ) -> Result<Vec<ActivityEntry>, StoreError> {
        self.read("loading activity", |db| {
            require_client(db, practice, id)?;
            load_activity(db, id)
        })
    }

    fn change(&self, change: Change) -> Result<Outcome<Client>, StoreError> {
        self.write("changing a client", |tx| {
            if let Some(answer) = stored_answer(tx, change.idempotency.as_ref(), change.at)? {
                return Ok(Outcome::Replayed(answer));
            }
            let (next, _) = apply_change(tx, &change)?;
            let status = status_of(&change.command);
            remember_answer(tx, change.idempotency.as_ref(), status, &next, change.at)?;
            Ok(Outcome::Done(next))
        })
    }
}

pub(super) fn load_practice(db: &Connection, practice: PracticeId) -> Result<Practice, StoreError> {
    db.query_row(
        "SELECT id, name FROM practice WHERE id = ?1",
        [to_sql_id(practice.0)?],
        |row| {
            Ok(Practice {
                id: PracticeId(row.get(0)?),
                name: row.get(1)?,
            })
        },
    )
    .optional()?
    .ok_or(StoreError::NotFound)
}

fn list_clients(
    db: &Connection,
    practice: PracticeId,
    query: &ListQuery,
) -> Result<ClientPage, StoreError> {
    let pattern = like_pattern(&query.search);
    let order = order_by(query.sort);
    let sql = format!(
        "SELECT c.id, c.name, c.status, c.updated_at, c.owner_id, COALESCE(u.name, ''),
                (SELECT COUNT(*) FROM businesses b WHERE b.client_id = c.id), c.version, c.code
         FROM clients c LEFT JOIN users u ON u.id = c.owner_id
         WHERE c.practice_id = ?5 AND c.status = ?1 AND {SEARCH}
         ORDER BY {order} LIMIT ?3 OFFSET ?4"
    );
    let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
    let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
    let mut statement = db.prepare_cached(&sql)?;
    let mut items =
        statement
            .query_map(
                params![
                    query.status.as_str(),
                    pattern,
                    limit,
                    offset,
                    to_sql_id(practice.0)?
                ],
                |row| {
                    Ok((
                        row.get::<_, u64>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, i64>(3)?,
                        row.get::<_, u64>(4)?,
                        row.get::<_, String>(5)?,
                        row.get::<_, usize>(6)?,
                        row.get::<_, u64>(7)?,
                        row.get::<_, Option<String>>(8)?,
                    ))
                },
            )?
            .map(|row| {
                let (
                    id,
                    name,
                    status,
                    updated_at,
                    owner_id,
                    owner_name,
                    business_count,
                    version,
                    code,
                ) = row?;
                Ok(ClientSummary {
                    id: ClientId(id),
                    name,
                    code,
                    status: parse_status(&status)?,
                    business_count,
                    owner: UserRef {
                        id: UserId(owner_id),
                        name: owner_name,
                    },
                    updated_at: format_time(Timestamp(updated_at)),
                    version,
                    scheduled_deactivation: None,
                    schedule_failure: None,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
    super::schedules::fill(db, practice, &mut items)?;
    let mut counts = StatusCounts::default();
    let mut statement = db.prepare_cached(&format!(
        "SELECT c.status, COUNT(*) FROM clients c
         WHERE c.practice_id = ?5 AND {SEARCH} GROUP BY c.status"
    ))?;
    // Numbered like the page's query, so both share the search's text.
    let rows = statement.query_map(
        rusqlite::named_params! { "?2": pattern, "?5": to_sql_id(practice.0)? },
        |row| Ok((row.get::<_, String>(0)?, row.get::<_, u64>(1)?)),
    )?;
    for row in rows {
        let (status, count) = row?;
        *counts.get_mut(parse_status(&status)?) = count;
    }
    Ok(ClientPage {
        items,
        total: counts.get(query.status),
        counts,
    })
}

/// The list's search, `?2` being [`like_pattern`]'s: a part of the name or
/// of the code. SQLite's LIKE ignores case (for ASCII letters).
pub(super) const SEARCH: &str =
    "(c.name LIKE ?2 ESCAPE '\\' OR coalesce(c.code, '') LIKE ?2 ESCAPE '\\')";

/// The list's order, ties broken by id so it is total.
pub(super) fn order_by(sort: Sort) -> &'static str {
    match sort {
        Sort::NameAscending => "c.name COLLATE NOCASE ASC, c.id ASC",
        Sort::NameDescending => "c.name COLLATE NOCASE DESC, c.id DESC",
        Sort::RecentlyUpdated => "c.updated_at DESC, c.id DESC",
        Sort::LeastRecentlyUpdated => "c.updated_at ASC, c.id ASC",
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

fn require_client(db: &Connection, practice: PracticeId, id: ClientId) -> Result<(), StoreError> {
    let exists: bool = db.query_row(
        "SELECT EXISTS (SELECT 1 FROM clients WHERE id = ?1 AND practice_id = ?2)",
        [to_sql_id(id.0)?, to_sql_id(practice.0)?],
        |row| row.get(0),
    )?;
    if exists {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

pub(super) fn client_of_business(
    db: &Connection,
    practice: PracticeId,
    id: BusinessId,
) -> Result<ClientId, StoreError> {
    db.query_row(
        "SELECT b.client_id FROM businesses b JOIN clients c ON c.id = b.client_id
         WHERE b.id = ?1 AND c.practice_id = ?2",
        [to_sql_id(id.0)?, to_sql_id(practice.0)?],
        |row| Ok(ClientId(row.get(0)?)),
    )
    .optional()?
    .ok_or(StoreError::NotFound)
}

pub(super) fn load_client(
    db: &Connection,
    practice: PracticeId,
    id: ClientId,
) -> Result<Client, StoreError> {
    let sql_id = to_sql_id(id.0)?;
    let (name, code, status, owner, version): (String, Option<String>, String, u64, u64) = db
        .query_row(
            "SELECT name, code, status, owner_id, version FROM clients
             WHERE id = ?1 AND practice_id = ?2",
            [sql_id, to_sql_id(practice.0)?],
            |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                ))
            },
        )
        .optional()?
        .ok_or(StoreError::NotFound)?;
    let users = db
        .prepare_cached(
            "SELECT id, name, email, role FROM users
             WHERE client_id = ?1 AND removed_at IS NULL ORDER BY id",
        )?
        .query_map([sql_id], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get::<_, String>(3)?,
            ))
        })?
        .map(|row| {
            let (id, name, email, role) = row?;
            Ok(ClientUser {
                id: UserId(id),
                name,
                email,
                role: parse_role(&role)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let businesses = db
        .prepare_cached(
            "SELECT id, name, status, owner_id FROM businesses WHERE client_id = ?1 ORDER BY id",
        )?
        .query_map([sql_id], |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get::<_, String>(2)?,
                row.get(3)?,
            ))
        })?
        .map(|row| {
            let (id, name, status, owner) = row?;
            Ok(Business {
                id: BusinessId(id),
                name,
                status: parse_status(&status)?,
                owner: UserId(owner),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let mut client = Client {
        id,
        name,
        code,
        status: parse_status(&status)?,
        version,
        owner: UserId(owner),
        users,
        businesses,
        scheduled_deactivation: None,
        schedule_failure: None,
    };
    super::schedules::load_into(db, &mut client)?;
    Ok(client)
}

fn load_activity(db: &Connection, id: ClientId) -> Result<Vec<ActivityEntry>, StoreError> {
    let mut statement = db.prepare_cached(
        "SELECT a.id, a.at, a.actor, a.action, a.business_id, b.name, a.new_owner_id, u.name, a.reason,
                a.actor_id, a.user_id, person.name
         FROM activity a
         LEFT JOIN businesses b ON b.id = a.business_id
         LEFT JOIN users u ON u.id = a.new_owner_id
         LEFT JOIN users person ON person.id = a.user_id
         WHERE a.client_id = ?1 ORDER BY a.id DESC",
    )?;
    let rows = statement.query_map([to_sql_id(id.0)?], |row| {
        Ok((
            row.get::<_, u64>(0)?,
            row.get::<_, i64>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, Option<u64>>(4)?,
            row.get::<_, Option<String>>(5)?,
            row.get::<_, Option<u64>>(6)?,
            row.get::<_, Option<String>>(7)?,
            row.get::<_, Option<String>>(8)?,
            row.get::<_, Option<u64>>(9)?,
            row.get::<_, Option<u64>>(10)?,
            row.get::<_, Option<String>>(11)?,
        ))
    })?;
    rows.map(|row| {
        let (
            id,
            at,
            actor,
            action,
            business_id,
            business_name,
            owner_id,
            owner_name,
            reason,
            actor_id,
            user_id,
            user_name,
        ) = row?;
        let action = ActivityAction::parse(&action)
            .ok_or_else(|| StoreError::Internal(format!("unknown activity action {action:?}")))?;
        Ok(ActivityEntry {
            id,
            at: format_time(Timestamp(at)),
            actor,
            actor_id,
            action,
            summary: action.summary().to_owned(),
            business: business_id
                .zip(business_name)
                .map(|(id, name)| BusinessRef {
                    id: BusinessId(id),
                    name,
                }),
            new_owner: owner_id.zip(owner_name).map(|(id, name)| UserRef {
                id: UserId(id),
                name,
            }),
            user: user_id.zip(user_name).map(|(id, name)| UserRef {
                id: UserId(id),
                name,
            }),
            reason,
        })
    })
    .collect()
}
