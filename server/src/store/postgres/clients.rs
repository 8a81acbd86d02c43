//! The practice's clients in PostgreSQL: the list (read in
//! [`super::list`]), a client whole, its activity, and changes through
//! `core`'s rules. Every query names the practice, so another practice's ids
//! are not found. A change locks its client's row before reading it, so
//! concurrent changes to one client, from any instance, are decided one
//! after the other.

use super::changes::apply_change;
use super::idempotency::{remember_answer, stored_answer};
use super::list::list_clients;
use super::{PostgresStore, Tx, execute, id_at, optional_id_at, row, row_opt, rows, sql_id};
use crate::domain::format_time;
use crate::store::sqlite::{parse_role, parse_status};
use crate::store::{
    Change, ClientStore, DataVersion, ListQuery, Outcome, StoreError, Versioned, status_of,
};
use clientele_core::wire::{ActivityAction, ActivityEntry, BusinessRef, ClientPage, UserRef};
use clientele_core::{
    Business, BusinessId, Client, ClientId, ClientUser, Practice, PracticeId, Timestamp, UserId,
};

impl ClientStore for PostgresStore {
    fn ping(&self) -> Result<(), StoreError> {
        self.read("checking the database", async |db| {
            row(db, "SELECT COUNT(*) FROM practice", &[]).await?;
            Ok(())
        })
    }

    fn account(&self, id: ClientId) -> Result<(Client, Practice), StoreError> {
        self.read("loading an account", async |db| {
            let found = row_opt(
                db,
                "SELECT practice_id FROM clients WHERE id = $1",
                &[&sql_id(id.0)?],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
            let practice = load_practice(db, PracticeId(id_at(&found, 0)?)).await?;
            Ok((load_client(db, practice.id, id).await?, practice))
        })
    }

    fn forget_answers_before(&self, before: Timestamp) -> Result<usize, StoreError> {
        self.write("forgetting old idempotent answers", async |tx| {
            let forgotten = execute(
                tx,
                "DELETE FROM idempotency WHERE created_at < $1",
                &[&before.0],
            )
            .await?;
            Ok(forgotten as usize)
        })
    }

    fn practice(&self, practice: PracticeId) -> Result<Practice, StoreError> {
        self.read("reading the practice", async |db| {
            load_practice(db, practice).await
        })
    }

    fn data_version(&self, practice: PracticeId) -> Result<DataVersion, StoreError> {
        self.read("reading the data version", async |db| {
            data_version(db, practice).await
        })
    }

    fn list_clients(
        &self,
        practice: PracticeId,
        query: &ListQuery,
    ) -> Result<Versioned<ClientPage>, StoreError> {
        self.read("listing clients", async |db| {
            // In the same REPEATABLE READ transaction: the page is then
            // exactly what this version shows.
            let version = data_version(db, practice).await?;
            let value = list_clients(db, practice, query).await?;
            Ok(Versioned { version, value })
        })
    }

    fn client(&self, practice: PracticeId, id: ClientId) -> Result<Client, StoreError> {
        self.read("loading a client", async |db| {
            load_client(db, practice, id).await
        })
    }

    fn activity(
        &self,
        practice: PracticeId,
        id: ClientId,
    ) -> Result<Vec<ActivityEntry>, StoreError> {
        self.read("loading activity", async |db| {
            lock_client(db, practice, id, Lock::None)
                .await?
                .ok_or(StoreError::NotFound)?;
            load_activity(db, id).await
        })
    }

    fn change(&self, change: Change) -> Result<Outcome<Client>, StoreError> {
        self.write("changing a client", async |tx| {
            // Lock first, then look for a stored answer: a retry racing its
            // own first attempt waits for it and then replays its answer.
            let exists = lock_client(tx, change.practice, change.client_id, Lock::Update).await?;
            if let Some(answer) = stored_answer(tx, change.idempotency.as_ref(), change.at).await? {
                return Ok(Outcome::Replayed(answer));
            }
            exists.ok_or(StoreError::NotFound)?;
            let (next, _) = apply_change(tx, &change).await?;
            let status = status_of(&change.command);
            remember_answer(tx, change.idempotency.as_ref(), status, &next, change.at).await?;
            Ok(Outcome::Done(next))
        })
    }
}

/// How a client's row is read before deciding from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lock {
    /// Not locked: a read.
    None,
    /// `FOR UPDATE`: the client is about to change.
    Update,
    /// `FOR SHARE`: a decision depends on the client (R5 for a document),
    /// which must not change until it is committed.
    Share,
}

/// Whether the client exists in the practice, locking its row as asked
/// until the transaction ends.
pub(super) async fn lock_client(
    db: &Tx<'_>,
    practice: PracticeId,
    id: ClientId,
    lock: Lock,
) -> Result<Option<()>, StoreError> {
    let sql = match lock {
        Lock::None => "SELECT 1 FROM clients WHERE id = $1 AND practice_id = $2",
        Lock::Update => "SELECT 1 FROM clients WHERE id = $1 AND practice_id = $2 FOR UPDATE",
        Lock::Share => "SELECT 1 FROM clients WHERE id = $1 AND practice_id = $2 FOR SHARE",
    };
    let found = row_opt(db, sql, &[&sql_id(id.0)?, &sql_id(practice.0)?]).await?;
    Ok(found.map(|_| ()))
}

pub(super) async fn load_practice(
    db: &Tx<'_>,
    practice: PracticeId,
) -> Result<Practice, StoreError> {
    let found = row_opt(
        db,
        "SELECT id, name FROM practice WHERE id = $1",
        &[&sql_id(practice.0)?],
    )
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(Practice {
        id: PracticeId(id_at(&found, 0)?),
        name: found.try_get(1)?,
    })
}

/// The practice's data version; 0 until something of it was written.
async fn data_version(db: &Tx<'_>, practice: PracticeId) -> Result<DataVersion, StoreError> {
    let found = row_opt(
        db,
        "SELECT version FROM practice_data_versions WHERE practice_id = $1",
        &[&sql_id(practice.0)?],
    )
    .await?;
    Ok(DataVersion(match found {
        Some(row) => row.try_get(0)?,
        None => 0,
    }))
}

pub(super) async fn client_of_business(
    db: &Tx<'_>,
    practice: PracticeId,
    id: BusinessId,
) -> Result<ClientId, StoreError> {
    let found = row_opt(
        db,
        "SELECT b.client_id FROM businesses b JOIN clients c ON c.id = b.client_id
         WHERE b.id = $1 AND c.practice_id = $2",
        &[&sql_id(id.0)?, &sql_id(practice.0)?],
    )
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(ClientId(id_at(&found, 0)?))
}

pub(super) async fn load_client(
    db: &Tx<'_>,
    practice: PracticeId,
    id: ClientId,
) -> Result<Client, StoreError> {
    let client_id = sql_id(id.0)?;
    let found = row_opt(
        db,
        "SELECT name, status, owner_id, version, code FROM clients
         WHERE id = $1 AND practice_id = $2",
        &[&client_id, &sql_id(practice.0)?],
    )
    .await?
    .ok_or(StoreError::NotFound)?;
    let users = rows(
        db,
        "SELECT id, name, email, role FROM users
         WHERE client_id = $1 AND removed_at IS NULL ORDER BY id",
        &[&client_id],
    )
    .await?
    .iter()
    .map(|row| {
        let role: String = row.try_get(3)?;
        Ok(ClientUser {
            id: UserId(id_at(row, 0)?),
            name: row.try_get(1)?,
            email: row.try_get(2)?,
            role: parse_role(&role)?,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    let businesses = rows(
        db,
        "SELECT id, name, status, owner_id FROM businesses WHERE client_id = $1 ORDER BY id",
        &[&client_id],
    )
    .await?
    .iter()
    .map(|row| {
        let status: String = row.try_get(2)?;
        Ok(Business {
            id: BusinessId(id_at(row, 0)?),
            name: row.try_get(1)?,
            status: parse_status(&status)?,
            owner: UserId(id_at(row, 3)?),
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    let status: String = found.try_get(1)?;
    let version: i64 = found.try_get(3)?;
    let mut client = Client {
        id,
        name: found.try_get(0)?,
        code: found.try_get(4)?,
        status: parse_status(&status)?,
        version: version as u64,
        owner: UserId(id_at(&found, 2)?),
        users,
        businesses,
        scheduled_deactivation: None,
        schedule_failure: None,
    };
    super::schedules::load_into(db, &mut client).await?;
    Ok(client)
}

async fn load_activity(db: &Tx<'_>, id: ClientId) -> Result<Vec<ActivityEntry>, StoreError> {
    let found = rows(
        db,
        "SELECT a.id, a.at, a.actor, a.action, a.business_id, b.name, a.new_owner_id, u.name,
                a.reason, a.actor_id, a.user_id, person.name, a.document_count
         FROM activity a
         LEFT JOIN businesses b ON b.id = a.business_id
         LEFT JOIN users u ON u.id = a.new_owner_id
         LEFT JOIN users person ON person.id = a.user_id
         WHERE a.client_id = $1 ORDER BY a.id DESC",
        &[&sql_id(id.0)?],
    )
    .await?;
    found
        .iter()
        .map(|row| {
            let action: String = row.try_get(3)?;
            let action = ActivityAction::parse(&action).ok_or_else(|| {
                StoreError::Internal(format!("unknown activity action {action:?}"))
            })?;
            let business_name: Option<String> = row.try_get(5)?;
            let owner_name: Option<String> = row.try_get(7)?;
            let user_name: Option<String> = row.try_get(11)?;
            Ok(ActivityEntry {
                id: id_at(row, 0)?,
                at: format_time(Timestamp(row.try_get(1)?)),
                actor: row.try_get(2)?,
                actor_id: optional_id_at(row, 9)?,
                action,
                summary: action.summary().to_owned(),
                business: optional_id_at(row, 4)?
                    .zip(business_name)
                    .map(|(id, name)| BusinessRef {
                        id: BusinessId(id),
                        name,
                    }),
                new_owner: optional_id_at(row, 6)?
                    .zip(owner_name)
                    .map(|(id, name)| UserRef {
                        id: UserId(id),
                        name,
                    }),
                reason: row.try_get(8)?,
                user: optional_id_at(row, 10)?
                    .zip(user_name)
                    .map(|(id, name)| UserRef {
                        id: UserId(id),
                        name,
                    }),
                document_count: optional_id_at(row, 12)?,
            })
        })
        .collect()
}
