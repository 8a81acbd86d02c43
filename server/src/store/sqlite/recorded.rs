//! Each change's recorded event, kept with the version of the client it
//! produced, so that `core` can compute its exact undo ([`clientele_core::undo`]).

use super::to_sql_id;
use crate::store::StoreError;
use clientele_core::undo::Recorded;
use clientele_core::{ClientId, Command, Event, Timestamp};
use rusqlite::{Connection, OptionalExtension, params};

/// Keeps the event of a change that produced `version` of `client`.
pub(super) fn insert(
    tx: &Connection,
    client: ClientId,
    version: u64,
    event: &Event,
    at: Timestamp,
) -> Result<(), StoreError> {
    let event = serde_json::to_string(event)
        .map_err(|error| StoreError::Internal(format!("recording a change: {error}")))?;
    tx.prepare_cached(
        "INSERT INTO recorded_changes (client_id, version, event, at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![to_sql_id(client.0)?, version, event, at.0])?;
    Ok(())
}

/// An undo with the change it undoes filled in: the one that produced
/// `version` of the client, if one is recorded (and still reads). Any other
/// command is left as it is.
pub(super) fn fill_in(
    tx: &Connection,
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
    let found: Option<(String, i64)> = tx
        .prepare_cached(
            "SELECT event, at FROM recorded_changes WHERE client_id = ?1 AND version = ?2",
        )?
        .query_row(params![to_sql_id(client.0)?, sql_version], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    // An event this build cannot read is one it cannot undo: `core` then
    // says there is nothing to undo.
    let change = found.and_then(|(event, made_at)| {
        serde_json::from_str(&event).ok().map(|event| Recorded {
            version,
            event,
            at: Timestamp(made_at),
        })
    });
    Ok(Command::UndoChange {
        change: change.map(Box::new),
        at,
    })
}
