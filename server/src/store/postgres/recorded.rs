//! Each change's recorded event, kept with the version of the client it
//! produced, so that `core` can compute its exact undo ([`clientele_core::undo`]).

use super::{Tx, execute, row_opt, sql_id};
use crate::store::StoreError;
use clientele_core::undo::Recorded;
use clientele_core::{ClientId, Command, Event, Timestamp};

/// Keeps the event of a change that produced `version` of `client`.
pub(super) async fn insert(
    tx: &Tx<'_>,
    client: ClientId,
    version: u64,
    event: &Event,
    at: Timestamp,
) -> Result<(), StoreError> {
    let event = serde_json::to_string(event)
        .map_err(|error| StoreError::Internal(format!("recording a change: {error}")))?;
    execute(
        tx,
        "INSERT INTO recorded_changes (client_id, version, event, at) VALUES ($1, $2, $3, $4)",
        &[&sql_id(client.0)?, &sql_id(version)?, &event, &at.0],
    )
    .await?;
    Ok(())
}

/// An undo with the change it undoes filled in: the one that produced
/// `version` of the client, if one is recorded (and still reads). Any other
/// command is left as it is.
pub(super) async fn fill_in(
    tx: &Tx<'_>,
    client: ClientId,
    version: u64,
    command: Command,
) -> Result<Command, StoreError> {
    let Command::UndoChange { at, .. } = command else {
        return Ok(command);
    };
    let Ok(sql_version) = i64::try_from(version) else {
        // No version this large was ever recorded.
        return Ok(Command::UndoChange { change: None, at });
    };
    let found = row_opt(
        tx,
        "SELECT event, at FROM recorded_changes WHERE client_id = $1 AND version = $2",
        &[&sql_id(client.0)?, &sql_version],
    )
    .await?;
    let change = match found {
        Some(row) => {
            let event: String = row.try_get(0)?;
            let made_at: i64 = row.try_get(1)?;
            // An event this build cannot read is one it cannot undo: `core`
            // then says there is nothing to undo.
            serde_json::from_str(&event).ok().map(|event| Recorded {
                version,
                event,
                at: Timestamp(made_at),
            })
        }
        None => None,
    };
    Ok(Command::UndoChange {
        change: change.map(Box::new),
        at,
    })
}
