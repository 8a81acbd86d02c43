//! Scheduled deactivations in SQLite: the `deactivation_schedules` row that
//! holds a client's schedule (or the refusal of its last one), read into
//! the client and the list, written after every change, and run when due.
//! The one writer serialises runs, and a run re-reads the schedule inside
//! its transaction, so a schedule runs once even with two stores on one
//! file.

use super::changes::apply_change;
use super::clients::load_client;
use super::{SqliteStore, to_sql_id};
use crate::store::{Actor, Change, Due, ScheduleStore, StoreError};
use clientele_core::schedule::{self, Date, ScheduleFailure, ScheduledDeactivation};
use clientele_core::wire::ClientSummary;
use clientele_core::{Client, ClientId, Command, PracticeId, StaffId, Timestamp, UserId};
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::collections::HashMap;

impl ScheduleStore for SqliteStore {
    fn due_deactivations(&self, now: Timestamp) -> Result<Vec<Due>, StoreError> {
        self.read("finding due scheduled deactivations", |db| {
            let mut statement = db.prepare_cached(
                "SELECT c.practice_id, s.client_id FROM deactivation_schedules s
                 JOIN clients c ON c.id = s.client_id
                 WHERE s.failure IS NULL AND s.due_at <= ?1
                 ORDER BY s.due_at, s.client_id",
            )?;
            let due = statement
                .query_map([now.0], |row| {
                    Ok(Due {
                        practice: PracticeId(row.get(0)?),
                        client: ClientId(row.get(1)?),
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(due)
        })
    }

    fn run_scheduled_deactivation(
        &self,
        due: Due,
        now: Timestamp,
    ) -> Result<Option<(Client, Actor)>, StoreError> {
        self.write("running a scheduled deactivation", |tx| {
            let client = match load_client(tx, due.practice, due.client) {
                Err(StoreError::NotFound) => return Ok(None),
                loaded => loaded?,
            };
            // Read again inside the writing transaction: a run that got here
            // second finds the schedule gone and does nothing.
            if schedule::due(&client, now).is_none() {
                return Ok(None);
            }
            let actor = scheduled_by(tx, client.id)?;
            let change = Change {
                practice: due.practice,
                client_id: client.id,
                expected_version: client.version,
                command: Command::RunScheduledDeactivation { now },
                actor: actor.clone(),
                at: now,
                idempotency: None,
            };
            let (next, _) = apply_change(tx, &change)?;
            Ok(Some((next, actor)))
        })
    }
}

fn scheduled_by(tx: &Connection, client: ClientId) -> Result<Actor, StoreError> {
    Ok(tx
        .prepare_cached(
            "SELECT scheduled_by_id, scheduled_by_name FROM deactivation_schedules
         WHERE client_id = ?1",
        )?
        .query_row([to_sql_id(client.0)?], |row| {
            Ok(Actor {
                id: StaffId(row.get(0)?),
                name: row.get(1)?,
            })
        })?)
}

/// A stored row as the client's two schedule fields.
type Stored = (Option<ScheduledDeactivation>, Option<ScheduleFailure>);

/// A stored row as read: `on_date, new_owner_id, reason, failure`.
type Columns = (String, Option<u64>, Option<String>, Option<String>);

fn stored(row: &Row<'_>) -> rusqlite::Result<Columns> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
}

fn parse_stored((on, new_owner, reason, failure): Columns) -> Result<Stored, StoreError> {
    let on = Date::parse(&on)
        .map_err(|_| StoreError::Internal(format!("stored schedule date {on:?} is not a date")))?;
    Ok(match (failure, new_owner) {
        (Some(message), _) => (None, Some(ScheduleFailure { on, message })),
        (None, Some(new_owner)) => (
            Some(ScheduledDeactivation {
                on,
                new_owner_id: UserId(new_owner),
                reason,
            }),
            None,
        ),
        (None, None) => {
            return Err(StoreError::Internal(
                "a pending schedule without a new owner".into(),
            ));
        }
    })
}

/// Fills in the client's schedule, or the refusal of its last one.
pub(super) fn load_into(db: &Connection, client: &mut Client) -> Result<(), StoreError> {
    let found = db
        .prepare_cached(
            "SELECT on_date, new_owner_id, reason, failure FROM deactivation_schedules
             WHERE client_id = ?1",
        )?
        .query_row([to_sql_id(client.id.0)?], stored)
        .optional()?;
    if let Some(found) = found {
        (client.scheduled_deactivation, client.schedule_failure) = parse_stored(found)?;
    }
    Ok(())
}

/// Fills in the schedules of a page of the list, in one query.
pub(super) fn fill(
    db: &Connection,
    practice: PracticeId,
    items: &mut [ClientSummary],
) -> Result<(), StoreError> {
    let mut statement = db.prepare_cached(
        "SELECT s.on_date, s.new_owner_id, s.reason, s.failure, s.client_id
         FROM deactivation_schedules s JOIN clients c ON c.id = s.client_id
         WHERE c.practice_id = ?1",
    )?;
    let mut by_client = HashMap::new();
    let rows = statement.query_map([to_sql_id(practice.0)?], |row| {
        Ok((row.get::<_, u64>(4)?, stored(row)?))
    })?;
    for row in rows {
        let (client, found) = row?;
        by_client.insert(client, parse_stored(found)?);
    }
    for item in items {
        if let Some((scheduled, failure)) = by_client.remove(&item.id.0) {
            item.scheduled_deactivation = scheduled;
            item.schedule_failure = failure;
        }
    }
    Ok(())
}

/// Writes the client's schedule as `after` has it, if a change touched it;
/// a new schedule is recorded as `actor`'s.
pub(super) fn save(
    tx: &Connection,
    before: &Client,
    after: &Client,
    actor: &Actor,
) -> Result<(), StoreError> {
    if before.scheduled_deactivation == after.scheduled_deactivation
        && before.schedule_failure == after.schedule_failure
    {
        return Ok(());
    }
    let client = to_sql_id(after.id.0)?;
    // A refusal keeps who scheduled it; only a new schedule changes hands.
    let (by_id, by_name): (u64, String) = match &after.scheduled_deactivation {
        Some(_) => (actor.id.0, actor.name.clone()),
        None => tx
            .prepare_cached(
                "SELECT scheduled_by_id, scheduled_by_name FROM deactivation_schedules
                 WHERE client_id = ?1",
            )?
            .query_row([client], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?
            .unwrap_or((actor.id.0, actor.name.clone())),
    };
    tx.prepare_cached("DELETE FROM deactivation_schedules WHERE client_id = ?1")?
        .execute([client])?;
    let insert = "INSERT INTO deactivation_schedules
         (client_id, on_date, due_at, new_owner_id, reason, scheduled_by_id, scheduled_by_name,
          failure)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    if let Some(scheduled) = &after.scheduled_deactivation {
        tx.prepare_cached(insert)?.execute(params![
            client,
            scheduled.on.to_string(),
            scheduled.on.starts_at().0,
            scheduled.new_owner_id.0,
            scheduled.reason,
            by_id,
            by_name,
            None::<String>
        ])?;
    } else if let Some(failure) = &after.schedule_failure {
        tx.prepare_cached(insert)?.execute(params![
            client,
            failure.on.to_string(),
            failure.on.starts_at().0,
            None::<u64>,
            None::<String>,
            by_id,
            by_name,
            failure.message
        ])?;
    }
    Ok(())
}
