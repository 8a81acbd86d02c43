//! Scheduled deactivations in PostgreSQL, as [`crate::store::sqlite`] keeps
//! them: the `deactivation_schedules` row read into the client and the
//! list, written after every change, and run when due.
//!
//! Several instances look for due schedules at once. A run locks the
//! client's row (`FOR UPDATE`) and only then re-reads the schedule, so the
//! second instance waits for the first to commit, finds the schedule gone,
//! and does nothing: each schedule runs exactly once.

use super::changes::apply_change;
use super::clients::{Lock, load_client, lock_client};
use super::{PostgresStore, Tx, execute, id_at, optional_id_at, row_opt, rows, sql_id};
use crate::store::{Actor, Change, Due, ScheduleStore, StoreError};
use clientele_core::schedule::{self, Date, ScheduleFailure, ScheduledDeactivation};
use clientele_core::wire::ClientSummary;
use clientele_core::{Client, ClientId, Command, PracticeId, StaffId, Timestamp, UserId};
use std::collections::HashMap;
use tokio_postgres::Row;

impl ScheduleStore for PostgresStore {
    fn due_deactivations(&self, now: Timestamp) -> Result<Vec<Due>, StoreError> {
        self.read("finding due scheduled deactivations", async |db| {
            rows(
                db,
                "SELECT c.practice_id, s.client_id FROM deactivation_schedules s
                 JOIN clients c ON c.id = s.client_id
                 WHERE s.failure IS NULL AND s.due_at <= $1
                 ORDER BY s.due_at, s.client_id",
                &[&now.0],
            )
            .await?
            .iter()
            .map(|row| {
                Ok(Due {
                    practice: PracticeId(id_at(row, 0)?),
                    client: ClientId(id_at(row, 1)?),
                })
            })
            .collect()
        })
    }

    fn run_scheduled_deactivation(
        &self,
        due: Due,
        now: Timestamp,
    ) -> Result<Option<(Client, Actor)>, StoreError> {
        self.write("running a scheduled deactivation", async |tx| {
            if lock_client(tx, due.practice, due.client, Lock::Update)
                .await?
                .is_none()
            {
                return Ok(None);
            }
            // Read under the lock: an instance that got here second sees
            // the first one's commit, with the schedule gone.
            let client = load_client(tx, due.practice, due.client).await?;
            if schedule::due(&client, now).is_none() {
                return Ok(None);
            }
            let actor = scheduled_by(tx, client.id).await?;
            let change = Change {
                practice: due.practice,
                client_id: client.id,
                expected_version: client.version,
                command: Command::RunScheduledDeactivation { now },
                actor: actor.clone(),
                at: now,
                idempotency: None,
            };
            let (next, _) = apply_change(tx, &change).await?;
            Ok(Some((next, actor)))
        })
    }
}

async fn scheduled_by(tx: &Tx<'_>, client: ClientId) -> Result<Actor, StoreError> {
    let found = row_opt(
        tx,
        "SELECT scheduled_by_id, scheduled_by_name FROM deactivation_schedules
         WHERE client_id = $1",
        &[&sql_id(client.0)?],
    )
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(Actor {
        id: StaffId(id_at(&found, 0)?),
        name: found.try_get(1)?,
    })
}

/// A stored row (`on_date, new_owner_id, reason, failure`) as the client's
/// two schedule fields.
fn parse_stored(
    row: &Row,
) -> Result<(Option<ScheduledDeactivation>, Option<ScheduleFailure>), StoreError> {
    let on: String = row.try_get(0)?;
    let on = Date::parse(&on)
        .map_err(|_| StoreError::Internal(format!("stored schedule date {on:?} is not a date")))?;
    let failure: Option<String> = row.try_get(3)?;
    Ok(match (failure, optional_id_at(row, 1)?) {
        (Some(message), _) => (None, Some(ScheduleFailure { on, message })),
        (None, Some(new_owner)) => (
            Some(ScheduledDeactivation {
                on,
                new_owner_id: UserId(new_owner),
                reason: row.try_get(2)?,
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
pub(super) async fn load_into(db: &Tx<'_>, client: &mut Client) -> Result<(), StoreError> {
    let found = row_opt(
        db,
        "SELECT on_date, new_owner_id, reason, failure FROM deactivation_schedules
         WHERE client_id = $1",
        &[&sql_id(client.id.0)?],
    )
    .await?;
    if let Some(found) = found {
        (client.scheduled_deactivation, client.schedule_failure) = parse_stored(&found)?;
    }
    Ok(())
}

/// Fills in the schedules of a page of the list, in one query.
pub(super) async fn fill(
    db: &Tx<'_>,
    practice: PracticeId,
    items: &mut [ClientSummary],
) -> Result<(), StoreError> {
    let found = rows(
        db,
        "SELECT s.on_date, s.new_owner_id, s.reason, s.failure, s.client_id
         FROM deactivation_schedules s JOIN clients c ON c.id = s.client_id
         WHERE c.practice_id = $1",
        &[&sql_id(practice.0)?],
    )
    .await?;
    let mut by_client = HashMap::new();
    for row in &found {
        by_client.insert(id_at(row, 4)?, parse_stored(row)?);
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
pub(super) async fn save(
    tx: &Tx<'_>,
    before: &Client,
    after: &Client,
    actor: &Actor,
) -> Result<(), StoreError> {
    if before.scheduled_deactivation == after.scheduled_deactivation
        && before.schedule_failure == after.schedule_failure
    {
        return Ok(());
    }
    let client = sql_id(after.id.0)?;
    // A refusal keeps who scheduled it; only a new schedule changes hands.
    let mut by = (sql_id(actor.id.0)?, actor.name.clone());
    if after.scheduled_deactivation.is_none() {
        let kept = row_opt(
            tx,
            "SELECT scheduled_by_id, scheduled_by_name FROM deactivation_schedules
             WHERE client_id = $1",
            &[&client],
        )
        .await?;
        if let Some(kept) = kept {
            by = (kept.try_get(0)?, kept.try_get(1)?);
        }
    }
    execute(
        tx,
        "DELETE FROM deactivation_schedules WHERE client_id = $1",
        &[&client],
    )
    .await?;
    let insert = "INSERT INTO deactivation_schedules
         (client_id, on_date, due_at, new_owner_id, reason, scheduled_by_id, scheduled_by_name,
          failure)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    if let Some(scheduled) = &after.scheduled_deactivation {
        let new_owner = Some(sql_id(scheduled.new_owner_id.0)?);
        execute(
            tx,
            insert,
            &[
                &client,
                &scheduled.on.to_string(),
                &scheduled.on.starts_at().0,
                &new_owner,
                &scheduled.reason,
                &by.0,
                &by.1,
                &None::<String>,
            ],
        )
        .await?;
    } else if let Some(failure) = &after.schedule_failure {
        execute(
            tx,
            insert,
            &[
                &client,
                &failure.on.to_string(),
                &failure.on.starts_at().0,
                &None::<i64>,
                &None::<String>,
                &by.0,
                &by.1,
                &Some(failure.message.clone()),
            ],
        )
        .await?;
    }
    Ok(())
}
