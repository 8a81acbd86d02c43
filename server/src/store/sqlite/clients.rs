//! The practice's clients in SQLite: the list (read in [`super::list`]), a
//! client whole, its activity, and changes through `core`'s rules. Every
//! query names the practice, so another practice's ids are not found.

use super::changes::apply_change;
use super::idempotency::{remember_answer, stored_answer};
use super::list::list_clients;
use super::{SqliteStore, parse_role, parse_status, to_sql_id};
use crate::domain::format_time;
use crate::store::{
    Change, ClientStore, DataVersion, HandedOver, ListQuery, Outcome, StoreError, Versioned,
    status_of,
};
use clientele_core::wire::{ActivityAction, ActivityEntry, BusinessRef, ClientPage, UserRef};
use clientele_core::{
    Business, BusinessId, Client, ClientId, ClientUser, Practice, PracticeId, Timestamp, UserId,
};
use rusqlite::{Connection, OptionalExtension};

impl ClientStore for SqliteStore {
    fn ping(&self) -> Result<(), StoreError> {
        self.read("checking the database", |db| {
            db.prepare_cached("SELECT COUNT(*) FROM practice")?
                .query_row([], |row| row.get::<_, i64>(0))?;
            Ok(())
        })
    }

    fn account(&self, id: ClientId) -> Result<(Client, Practice), StoreError> {
        self.read("loading an account", |db| {
            let practice: u64 = db
                .prepare_cached("SELECT practice_id FROM clients WHERE id = ?1")?
                .query_row([to_sql_id(id.0)?], |row| row.get(0))
                .optional()?
                .ok_or(StoreError::NotFound)?;
            let practice = load_practice(db, PracticeId(practice))?;
            Ok((load_client(db, practice.id, id)?, practice))
        })
    }

    fn forget_answers_before(&self, before: Timestamp) -> Result<usize, StoreError> {
        self.write("forgetting old idempotent answers", |tx| {
            Ok(tx
                .prepare_cached("DELETE FROM idempotency WHERE created_at < ?1")?
                .execute([before.0])?)
        })
    }

    fn practice(&self, practice: PracticeId) -> Result<Practice, StoreError> {
        self.read("reading the practice", |db| load_practice(db, practice))
    }

    fn data_version(&self, practice: PracticeId) -> Result<DataVersion, StoreError> {
        self.read("reading the data version", |db| data_version(db, practice))
    }

    fn list_clients(
        &self,
        practice: PracticeId,
        query: &ListQuery,
    ) -> Result<Versioned<ClientPage>, StoreError> {
        self.read("listing clients", |db| {
            // First, in the same read transaction: the page is then exactly
            // what this version shows.
            let version = data_version(db, practice)?;
            let value = list_clients(db, practice, query)?;
            Ok(Versioned { version, value })
        })
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
        self.write("changing a client", |tx| change_in(tx, &change))
    }

    fn hand_over_change(&self, change: Change) -> Result<HandedOver, Box<Change>> {
        Ok(self.hand_over("changing a client", move |tx| change_in(tx, &change)))
    }
}

/// A change in `tx`, or the answer already given to its idempotency key.
fn change_in(tx: &Connection, change: &Change) -> Result<Outcome<Client>, StoreError> {
    if let Some(answer) = stored_answer(tx, change.idempotency.as_ref(), change.at)? {
        return Ok(Outcome::Replayed(answer));
    }
    let (next, _) = apply_change(tx, change)?;
    let status = status_of(&change.command);
    remember_answer(tx, change.idempotency.as_ref(), status, &next, change.at)?;
    Ok(Outcome::Done(next))
}

pub(super) fn load_practice(db: &Connection, practice: PracticeId) -> Result<Practice, StoreError> {
    db.prepare_cached("SELECT id, name FROM practice WHERE id = ?1")?
        .query_row([to_sql_id(practice.0)?], |row| {
            Ok(Practice {
                id: PracticeId(row.get(0)?),
                name: row.get(1)?,
            })
        })
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// The practice's data version; 0 until something of it was written.
fn data_version(db: &Connection, practice: PracticeId) -> Result<DataVersion, StoreError> {
    let version = db
        .prepare_cached("SELECT version FROM practice_data_versions WHERE practice_id = ?1")?
        .query_row([to_sql_id(practice.0)?], |row| row.get(0))
        .optional()?;
    Ok(DataVersion(version.unwrap_or(0)))
}

fn require_client(db: &Connection, practice: PracticeId, id: ClientId) -> Result<(), StoreError> {
    let exists: bool = db
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM clients WHERE id = ?1 AND practice_id = ?2)")?
        .query_row([to_sql_id(id.0)?, to_sql_id(practice.0)?], |row| row.get(0))?;
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
    db.prepare_cached(
        "SELECT b.client_id FROM businesses b JOIN clients c ON c.id = b.client_id
         WHERE b.id = ?1 AND c.practice_id = ?2",
    )?
    .query_row([to_sql_id(id.0)?, to_sql_id(practice.0)?], |row| {
        Ok(ClientId(row.get(0)?))
    })
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
        .prepare_cached(
            "SELECT name, code, status, owner_id, version FROM clients
             WHERE id = ?1 AND practice_id = ?2",
        )?
        .query_row([sql_id, to_sql_id(practice.0)?], |row| row.try_into())
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
                a.actor_id, a.user_id, person.name, a.document_count
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
            row.get::<_, Option<u64>>(12)?,
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
            document_count,
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
            document_count,
        })
    })
    .collect()
}
