//! A change to one client in SQLite: the ids of what it adds, `core`'s
//! decision, the checks that need the whole practice (a code free in it, an
//! email not signing in anywhere), and the rows it writes, activity
//! included.

use super::clients::load_client;
use super::recorded;
use super::{is_unique_violation, role_str, to_sql_id};
use crate::store::ActivityRow;
use crate::store::{Actor, Change, StoreError};
use clientele_core::onboarding::{self, OnboardingError};
use clientele_core::search;
use clientele_core::wire::ActivityAction;
use clientele_core::{
    Business, BusinessId, Client, ClientId, ClientUser, Command, Event, PracticeId, RuleError,
    Timestamp, UserId, execute,
};
use rusqlite::{Connection, ToSql, params};

/// Applies a change inside `tx`: the store chooses the id of anything
/// added, `core` decides (`execute`), what only the practice can know is
/// checked (a code free in the practice, an email not signing in
/// elsewhere), and the result is written with its activity. A removed
/// user's access goes with them.
pub(super) fn apply_change(
    tx: &Connection,
    change: &Change,
) -> Result<(Client, Vec<Event>), StoreError> {
    let client = load_client(tx, change.practice, change.client_id)?;
    let command = with_new_ids(tx, &change.command)?;
    // An undo is decided on the change it undoes, as recorded.
    let command = recorded::fill_in(tx, change.client_id, change.expected_version, command)?;
    // The version check and every rule are core's; the store only
    // persists what `execute` decided, inside this one transaction.
    let refused = |error: RuleError, client: &Client| StoreError::Refused {
        error,
        current: Box::new(client.clone()),
        changed_by: None,
    };
    let (next, events) = match execute(&client, change.expected_version, &command) {
        Ok(done) => done,
        Err(error) => {
            // A stale change is told who changed the client first.
            let changed_by = match error {
                RuleError::StaleVersion { .. } => {
                    first_changer(tx, client.id, change.expected_version)?
                }
                _ => None,
            };
            return Err(StoreError::Refused {
                error,
                current: Box::new(client),
                changed_by,
            });
        }
    };
    for event in &events {
        match event {
            Event::ClientEdited {
                code: Some(code), ..
            } => {
                let others = practice_codes(tx, change.practice, Some(client.id))?;
                onboarding::code_is_free(code, others.iter().map(String::as_str))
                    .map_err(|error| refused(error.into(), &client))?;
            }
            Event::UserAdded { user } if email_is_taken(tx, &user.email)? => {
                return Err(refused(OnboardingError::EmailTaken.into(), &client));
            }
            _ => {}
        }
    }
    save_client(tx, &client, &next, change.at)?;
    if let [event] = events.as_slice() {
        recorded::insert(tx, client.id, next.version, event, change.at)?;
    }
    super::schedules::save(tx, &client, &next, &change.actor)?;
    for event in &events {
        if let Event::UserRemoved { user_id, .. } = event {
            revoke_access(tx, *user_id)?;
        }
        record_activity(
            tx,
            client.id,
            change.at,
            &change.actor,
            event,
            Some(next.version),
        )?;
    }
    Ok((next, events))
}

/// The command with the ids of what it adds chosen: the next free ones,
/// read inside the writing transaction, so no other write can take them.
fn with_new_ids(tx: &Connection, command: &Command) -> Result<Command, StoreError> {
    Ok(match command {
        Command::AddBusiness { name, .. } => Command::AddBusiness {
            business_id: BusinessId(next_id(tx, "businesses")?),
            name: name.clone(),
        },
        Command::AddUser {
            name, email, role, ..
        } => Command::AddUser {
            user_id: UserId(next_id(tx, "users")?),
            name: name.clone(),
            email: email.clone(),
            role: *role,
        },
        other => other.clone(),
    })
}

/// The next id of `table` (one of ours, named in code, never from input).
pub(super) fn next_id(tx: &Connection, table: &'static str) -> Result<u64, StoreError> {
    Ok(tx.query_row(
        &format!("SELECT coalesce(max(id), 0) + 1 FROM {table}"),
        [],
        |row| row.get(0),
    )?)
}

/// The practice's client codes, but `except`'s.
pub(super) fn practice_codes(
    db: &Connection,
    practice: PracticeId,
    except: Option<ClientId>,
) -> Result<Vec<String>, StoreError> {
    let mut statement = db.prepare_cached(
        "SELECT code FROM clients WHERE practice_id = ?1 AND code IS NOT NULL AND id IS NOT ?2",
    )?;
    let codes = statement
        .query_map(
            params![to_sql_id(practice.0)?, except.map(|id| id.0)],
            |row| row.get(0),
        )?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(codes)
}

/// Whether a normalised email signs in to Clientele already, or has an
/// unused invitation: an email names one login.
pub(super) fn email_is_taken(db: &Connection, email: &str) -> Result<bool, StoreError> {
    Ok(db
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM credentials WHERE email = ?1)
             OR EXISTS (SELECT 1 FROM invitations WHERE email = ?1 AND used_at IS NULL)",
        )?
        .query_row([email], |row| row.get(0))?)
}

/// A removed user can no longer sign in: their login, sessions and
/// invitations go. Their row stays, for the activity log.
fn revoke_access(tx: &Connection, user: UserId) -> Result<(), StoreError> {
    for sql in [
        "DELETE FROM sessions WHERE user_id = ?1",
        "DELETE FROM credentials WHERE user_id = ?1",
        "DELETE FROM invitations WHERE user_id = ?1",
    ] {
        tx.prepare_cached(sql)?.execute([user.0])?;
    }
    Ok(())
}

/// Writes back everything a rule may have changed about the client, from
/// `before` to `after`: its own fields, users and businesses added, changed
/// or (users only) removed.
fn save_client(
    tx: &Connection,
    before: &Client,
    after: &Client,
    at: Timestamp,
) -> Result<(), StoreError> {
    update_client_row(tx, to_sql_id(after.id.0)?, before, after, at).map_err(|error| {
        // Only reached if `core`'s check was bypassed: the index's backstop.
        if is_unique_violation(&error) {
            StoreError::Onboarding(OnboardingError::CodeTaken)
        } else {
            error.into()
        }
    })?;
    // Only what changed is written: each write fires the data-version
    // trigger, and a deactivation leaves most users as they were.
    for user in &after.users {
        match before.user(user.id) {
            Some(was) if was == user => {}
            Some(_) => {
                tx.prepare_cached("UPDATE users SET name = ?2, role = ?3 WHERE id = ?1")?
                    .execute(params![user.id.0, user.name, role_str(user.role)])?;
            }
            None => insert_user(tx, after.id, user)?,
        }
    }
    for user in &before.users {
        if after.user(user.id).is_none() {
            tx.prepare_cached("UPDATE users SET removed_at = ?2 WHERE id = ?1")?
                .execute(params![user.id.0, at.0])?;
        }
    }
    for business in &after.businesses {
        match before.business(business.id) {
            Some(was) if was == business => {}
            Some(_) => {
                tx.prepare_cached(
                    "UPDATE businesses SET name = ?2, status = ?3, owner_id = ?4 WHERE id = ?1",
                )?
                .execute(params![
                    business.id.0,
                    business.name,
                    business.status.as_str(),
                    business.owner.0
                ])?;
            }
            None => insert_business(tx, after.id, business)?,
        }
    }
    Ok(())
}

/// Writes the client's row as `after` has it: its version and time always,
/// and otherwise only the columns that differ from `before`. SQLite
/// rewrites the index entries of every column a statement sets, changed or
/// not, so a deactivation that set them all also rewrote the name's and the
/// code's entries.
fn update_client_row(
    tx: &Connection,
    id: i64,
    before: &Client,
    after: &Client,
    at: Timestamp,
) -> rusqlite::Result<usize> {
    let status = after.status.as_str();
    let renamed = after.name != before.name;
    let recoded = after.code != before.code;
    // Made only when the name or the code changes, which is all they are
    // made from; a deactivation, the common write, needs neither.
    let sort_name: String;
    let search_text: String;
    let mut set: Vec<(&str, &dyn ToSql)> = vec![("version", &after.version), ("updated_at", &at.0)];
    if renamed {
        sort_name = search::sort_key(&after.name);
        set.extend([
            ("name", &after.name as &dyn ToSql),
            ("sort_name", &sort_name),
        ]);
    }
    if recoded {
        set.push(("code", &after.code));
    }
    if renamed || recoded {
        search_text = search::search_text(&after.name, after.code.as_deref());
        set.push(("search_text", &search_text));
    }
    if after.status != before.status {
        set.push(("status", &status));
    }
    if after.owner != before.owner {
        set.push(("owner_id", &after.owner.0));
    }
    let assignments: Vec<String> = (set.iter().enumerate())
        .map(|(index, (column, _))| format!("{column} = ?{}", index + 2))
        .collect();
    let sql = format!(
        "UPDATE clients SET {} WHERE id = ?1",
        assignments.join(", ")
    );
    let values: Vec<&dyn ToSql> = std::iter::once(&id as &dyn ToSql)
        .chain(set.iter().map(|(_, value)| *value))
        .collect();
    tx.prepare_cached(&sql)?.execute(values.as_slice())
}

/// Stores a new user of a client under the id already chosen for them.
pub(super) fn insert_user(
    tx: &Connection,
    client: ClientId,
    user: &ClientUser,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO users (id, client_id, name, email, role) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        user.id.0,
        client.0,
        user.name,
        user.email,
        role_str(user.role)
    ])?;
    Ok(())
}

/// Stores a new business of a client under the id already chosen for it.
pub(super) fn insert_business(
    tx: &Connection,
    client: ClientId,
    business: &Business,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO businesses (id, client_id, name, status, owner_id) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        business.id.0,
        client.0,
        business.name,
        business.status.as_str(),
        business.owner.0
    ])?;
    Ok(())
}

pub(super) fn record_activity(
    tx: &Connection,
    client: ClientId,
    at: Timestamp,
    actor: &Actor,
    event: &Event,
    version: Option<u64>,
) -> Result<(), StoreError> {
    let row = ActivityRow {
        version,
        ..ActivityRow::of(event)
    };
    insert_activity(tx, client, at, actor, ActivityAction::of(event), row)
}

/// Who made the first change to `client` after `version`, as its activity
/// recorded it (entries from before versions were kept have none).
fn first_changer(
    tx: &Connection,
    client: ClientId,
    version: u64,
) -> Result<Option<String>, StoreError> {
    use rusqlite::OptionalExtension;
    // No version is after one past what SQL can hold.
    let Ok(version) = i64::try_from(version) else {
        return Ok(None);
    };
    Ok(tx
        .prepare_cached(
            "SELECT actor FROM activity WHERE client_id = ?1 AND version > ?2
             ORDER BY version, id LIMIT 1",
        )?
        .query_row(params![to_sql_id(client.0)?, version], |row| row.get(0))
        .optional()?)
}

/// Records one entry of a client's activity.
pub(super) fn insert_activity(
    tx: &Connection,
    client: ClientId,
    at: Timestamp,
    actor: &Actor,
    action: ActivityAction,
    row: ActivityRow,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO activity (client_id, at, actor, actor_id, action, business_id, new_owner_id,
                               reason, user_id, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        client.0,
        at.0,
        actor.name,
        actor.id.0,
        action.as_str(),
        row.business.map(|id| id.0),
        row.new_owner.map(|id| id.0),
        row.reason,
        row.user.map(|id| id.0),
        row.version.map(to_sql_id).transpose()?
    ])?;
    Ok(())
}
