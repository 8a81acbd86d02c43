//! The practice's clients in SQLite: the list, a client whole, its
//! activity, and changes through `core`'s rules. Every query names the
//! practice, so another practice's ids are not found.

use super::{SqliteStore, parse_role, parse_status, role_str, to_sql_id};
use crate::domain::format_time;
use crate::store::{
    Change, ClientStore, IDEMPOTENCY_KEPT_MS, Idempotency, ListQuery, Outcome, Sort, StoreError,
    StoredAnswer,
};
use clientele_core::wire::{
    ActivityAction, ActivityEntry, BusinessRef, ClientPage, ClientSummary, StatusCounts, UserRef,
};
use clientele_core::{
    Business, BusinessId, Client, ClientId, ClientUser, Event, Practice, PracticeId, Timestamp,
    UserId, execute,
};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

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
            let client = load_client(tx, change.practice, change.client_id)?;
            // The version check and every rule are core's; the store only
            // persists what `execute` decided, inside this one transaction.
            let (next, events) = execute(&client, change.expected_version, &change.command)
                .map_err(|error| StoreError::Refused {
                    error,
                    current: Box::new(client),
                })?;
            save_client(tx, &next, change.at)?;
            for event in &events {
                record_activity(tx, &change, event)?;
            }
            remember_answer(tx, change.idempotency.as_ref(), 200, &next, change.at)?;
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

/// The answer stored under this request's key, if it is a retry. A key
/// reused for a different request is refused rather than replayed, since
/// replaying would answer a question that was not asked.
pub(super) fn stored_answer(
    tx: &Transaction<'_>,
    idempotency: Option<&Idempotency>,
    now: Timestamp,
) -> Result<Option<StoredAnswer>, StoreError> {
    let Some(idempotency) = idempotency else {
        return Ok(None);
    };
    // An answer past its time is forgotten: the key is free again.
    tx.execute(
        "DELETE FROM idempotency WHERE owner = ?1 AND key = ?2 AND created_at < ?3",
        params![
            idempotency.owner,
            idempotency.key.as_str(),
            now.0 - IDEMPOTENCY_KEPT_MS
        ],
    )?;
    let stored: Option<(String, u16, String)> = tx
        .query_row(
            "SELECT request, status, body FROM idempotency WHERE owner = ?1 AND key = ?2",
            [idempotency.owner.as_str(), idempotency.key.as_str()],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    match stored {
        None => Ok(None),
        Some((request, status, body)) if request == idempotency.request => {
            Ok(Some(StoredAnswer { status, body }))
        }
        Some(_) => Err(StoreError::IdempotencyKeyReused),
    }
}

/// Stores a successful answer under the request's key, in the same
/// transaction as the write it answers: either both are committed or
/// neither. Refusals are not stored; they changed nothing, so a retry is
/// simply decided again.
pub(super) fn remember_answer(
    tx: &Transaction<'_>,
    idempotency: Option<&Idempotency>,
    status: u16,
    answer: &impl serde::Serialize,
    at: Timestamp,
) -> Result<(), StoreError> {
    let Some(idempotency) = idempotency else {
        return Ok(());
    };
    let body = serde_json::to_string(answer)
        .map_err(|error| StoreError::Internal(format!("serialising an answer: {error}")))?;
    tx.execute(
        "INSERT INTO idempotency (owner, key, request, status, body, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            idempotency.owner,
            idempotency.key.as_str(),
            idempotency.request,
            status,
            body,
            at.0
        ],
    )?;
    Ok(())
}

fn list_clients(
    db: &Connection,
    practice: PracticeId,
    query: &ListQuery,
) -> Result<ClientPage, StoreError> {
    let pattern = like_pattern(&query.search);
    let order = match query.sort {
        Sort::NameAscending => "c.name COLLATE NOCASE ASC, c.id ASC",
        Sort::NameDescending => "c.name COLLATE NOCASE DESC, c.id DESC",
        Sort::RecentlyUpdated => "c.updated_at DESC, c.id DESC",
        Sort::LeastRecentlyUpdated => "c.updated_at ASC, c.id ASC",
    };
    let sql = format!(
        "SELECT c.id, c.name, c.status, c.updated_at, c.owner_id, COALESCE(u.name, ''),
                (SELECT COUNT(*) FROM businesses b WHERE b.client_id = c.id), c.version
         FROM clients c LEFT JOIN users u ON u.id = c.owner_id
         WHERE c.practice_id = ?5 AND c.status = ?1 AND c.name LIKE ?2 ESCAPE '\\'
         ORDER BY {order} LIMIT ?3 OFFSET ?4"
    );
    let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
    let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
    let mut statement = db.prepare_cached(&sql)?;
    let items = statement
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
                ))
            },
        )?
        .map(|row| {
            let (id, name, status, updated_at, owner_id, owner_name, business_count, version) =
                row?;
            Ok(ClientSummary {
                id: ClientId(id),
                name,
                code: None,
                status: parse_status(&status)?,
                business_count,
                owner: UserRef {
                    id: UserId(owner_id),
                    name: owner_name,
                },
                updated_at: format_time(Timestamp(updated_at)),
                version,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let mut counts = StatusCounts::default();
    let mut statement = db.prepare_cached(
        "SELECT status, COUNT(*) FROM clients
         WHERE practice_id = ?2 AND name LIKE ?1 ESCAPE '\\' GROUP BY status",
    )?;
    let rows = statement.query_map(params![pattern, to_sql_id(practice.0)?], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, u64>(1)?))
    })?;
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

/// A LIKE pattern matching names that contain `search`, with LIKE's own
/// wildcards in the search taken literally.
fn like_pattern(search: &str) -> String {
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
    let (name, status, owner, version): (String, String, u64, u64) = db
        .query_row(
            "SELECT name, status, owner_id, version FROM clients WHERE id = ?1 AND practice_id = ?2",
            [sql_id, to_sql_id(practice.0)?],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?
        .ok_or(StoreError::NotFound)?;
    let users = db
        .prepare_cached("SELECT id, name, email, role FROM users WHERE client_id = ?1 ORDER BY id")?
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
    Ok(Client {
        id,
        name,
        code: None,
        status: parse_status(&status)?,
        version,
        owner: UserId(owner),
        users,
        businesses,
    })
}

/// Writes back everything a rule may have changed about the client.
fn save_client(tx: &Transaction<'_>, client: &Client, at: Timestamp) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE clients SET status = ?2, owner_id = ?3, version = ?4, updated_at = ?5 WHERE id = ?1",
        params![
            to_sql_id(client.id.0)?,
            client.status.as_str(),
            client.owner.0,
            client.version,
            at.0
        ],
    )?;
    for user in &client.users {
        tx.prepare_cached("UPDATE users SET role = ?2 WHERE id = ?1")?
            .execute(params![user.id.0, role_str(user.role)])?;
    }
    for business in &client.businesses {
        tx.prepare_cached("UPDATE businesses SET status = ?2, owner_id = ?3 WHERE id = ?1")?
            .execute(params![
                business.id.0,
                business.status.as_str(),
                business.owner.0
            ])?;
    }
    Ok(())
}

fn record_activity(tx: &Transaction<'_>, change: &Change, event: &Event) -> Result<(), StoreError> {
    let (business, new_owner, reason) = match event {
        Event::ClientDeactivated {
            new_owner_id,
            reason,
        } => (None, Some(new_owner_id.0), reason.clone()),
        Event::ClientReactivated => (None, None, None),
        Event::BusinessDeactivated {
            business_id,
            new_owner_id,
        } => (Some(business_id.0), Some(new_owner_id.0), None),
        Event::BusinessReactivated { business_id } => (Some(business_id.0), None, None),
        // The onboarding edits are stored by the onboarding store (issue 12).
        _ => (None, None, None),
    };
    tx.prepare_cached(
        "INSERT INTO activity (client_id, at, actor, actor_id, action, business_id, new_owner_id, reason)
         VALUES (?1, ?2, ?3, ?8, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        change.client_id.0,
        change.at.0,
        change.actor.name,
        ActivityAction::of(event).as_str(),
        business,
        new_owner,
        reason,
        change.actor.id.0
    ])?;
    Ok(())
}

fn load_activity(db: &Connection, id: ClientId) -> Result<Vec<ActivityEntry>, StoreError> {
    let mut statement = db.prepare_cached(
        "SELECT a.id, a.at, a.actor, a.action, a.business_id, b.name, a.new_owner_id, u.name, a.reason,
                a.actor_id
         FROM activity a
         LEFT JOIN businesses b ON b.id = a.business_id
         LEFT JOIN users u ON u.id = a.new_owner_id
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
            reason,
            user: None,
        })
    })
    .collect()
}
