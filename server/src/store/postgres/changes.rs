//! A change to one client in PostgreSQL: the ids of what it adds, `core`'s
//! decision, the checks that need the whole practice (a code free in it, an
//! email not signing in anywhere), and the rows it writes, activity
//! included. The caller has locked the client's row.
//!
//! Several instances write at once, so what SQLite gets from its one writer
//! is asked for here: new ids come from the tables' sequences, a code is
//! kept unique by the index that folds it, and the writes that give an
//! email a login or an invitation take [`EMAILS_LOCK`] first.

use super::clients::load_client;
use super::recorded;
use super::{Tx, execute, is_unique_violation, row, row_opt, rows, sql_id};
use crate::store::ActivityRow;
use crate::store::sqlite::role_str;
use crate::store::{Actor, Change, StoreError};
use clientele_core::onboarding::{self, OnboardingError};
use clientele_core::search;
use clientele_core::wire::ActivityAction;
use clientele_core::{
    Business, BusinessId, Client, ClientId, ClientUser, Command, Event, PracticeId, RuleError,
    Timestamp, UserId, execute as decide,
};

/// The advisory lock (for the transaction) taken before deciding whether an
/// email is free: two instances inviting one email at once take turns, and
/// the second finds it taken. (The bytes spell "emails".)
const EMAILS_LOCK: i64 = 0x0000_656d_6169_6c73;

/// Applies a change inside `tx`: the store chooses the id of anything
/// added, `core` decides, what only the practice can know is checked, and
/// the result is written with its activity. A removed user's access goes
/// with them.
pub(super) async fn apply_change(
    tx: &Tx<'_>,
    change: &Change,
) -> Result<(Client, Vec<Event>), StoreError> {
    let client = load_client(tx, change.practice, change.client_id).await?;
    let command = with_new_ids(tx, &change.command).await?;
    // An undo is decided on the change it undoes, as recorded.
    let command = recorded::fill_in(tx, change.client_id, change.expected_version, command).await?;
    // The version check and every rule are core's; the store only
    // persists what `execute` decided, inside this one transaction.
    let refused = |error: RuleError, client: &Client| StoreError::Refused {
        error,
        current: Box::new(client.clone()),
        changed_by: None,
    };
    let (next, events) = match decide(&client, change.expected_version, &command) {
        Ok(done) => done,
        Err(error) => {
            // A stale change is told who changed the client first.
            let changed_by = match error {
                RuleError::StaleVersion { .. } => {
                    first_changer(tx, client.id, change.expected_version).await?
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
                let others = practice_codes(tx, change.practice, Some(client.id)).await?;
                onboarding::code_is_free(code, others.iter().map(String::as_str))
                    .map_err(|error| refused(error.into(), &client))?;
            }
            Event::UserAdded { user } if email_is_taken(tx, &user.email).await? => {
                return Err(refused(OnboardingError::EmailTaken.into(), &client));
            }
            _ => {}
        }
    }
    save_client(tx, &client, &next, change.at).await?;
    if let [event] = events.as_slice() {
        recorded::insert(tx, client.id, next.version, event, change.at).await?;
    }
    super::schedules::save(tx, &client, &next, &change.actor).await?;
    for event in &events {
        if let Event::UserRemoved { user_id, .. } = event {
            revoke_access(tx, *user_id).await?;
        }
        record_activity(
            tx,
            client.id,
            change.at,
            &change.actor,
            event,
            Some(next.version),
        )
        .await?;
    }
    Ok((next, events))
}

/// The command with the ids of what it adds chosen from the sequences.
async fn with_new_ids(tx: &Tx<'_>, command: &Command) -> Result<Command, StoreError> {
    Ok(match command {
        Command::AddBusiness { name, .. } => Command::AddBusiness {
            business_id: BusinessId(next_id(tx, "businesses").await?),
            name: name.clone(),
        },
        Command::AddUser {
            name, email, role, ..
        } => Command::AddUser {
            user_id: UserId(next_id(tx, "users").await?),
            name: name.clone(),
            email: email.clone(),
            role: *role,
        },
        other => other.clone(),
    })
}

/// A new id of `table` (one of ours, named in code, never from input), from
/// its sequence: never handed out twice, whichever instance asks.
pub(super) async fn next_id(tx: &Tx<'_>, table: &'static str) -> Result<u64, StoreError> {
    let next = row(
        tx,
        &format!("SELECT nextval(pg_get_serial_sequence('{table}', 'id'))"),
        &[],
    )
    .await?;
    super::id_at(&next, 0)
}

/// The practice's client codes, but `except`'s.
pub(super) async fn practice_codes(
    db: &Tx<'_>,
    practice: PracticeId,
    except: Option<ClientId>,
) -> Result<Vec<String>, StoreError> {
    let except = except.map(|id| sql_id(id.0)).transpose()?;
    rows(
        db,
        "SELECT code FROM clients
         WHERE practice_id = $1 AND code IS NOT NULL AND id IS DISTINCT FROM $2",
        &[&sql_id(practice.0)?, &except],
    )
    .await?
    .iter()
    .map(|row| Ok(row.try_get(0)?))
    .collect()
}

/// Waits for [`EMAILS_LOCK`], held until the transaction ends.
pub(super) async fn lock_emails(tx: &Tx<'_>) -> Result<(), StoreError> {
    execute(tx, "SELECT pg_advisory_xact_lock($1)", &[&EMAILS_LOCK]).await?;
    Ok(())
}

/// Whether a normalised email signs in to Clientele already, or has an
/// unused invitation: an email names one login. Takes [`EMAILS_LOCK`], so
/// the answer holds until the transaction commits.
pub(super) async fn email_is_taken(tx: &Tx<'_>, email: &str) -> Result<bool, StoreError> {
    lock_emails(tx).await?;
    Ok(row(
        tx,
        "SELECT EXISTS (SELECT 1 FROM credentials WHERE email = $1)
             OR EXISTS (SELECT 1 FROM invitations WHERE email = $1 AND used_at IS NULL)",
        &[&email],
    )
    .await?
    .try_get(0)?)
}

/// A removed user can no longer sign in: their login, sessions and
/// invitations go. Their row stays, for the activity log.
async fn revoke_access(tx: &Tx<'_>, user: UserId) -> Result<(), StoreError> {
    for sql in [
        "DELETE FROM sessions WHERE user_id = $1",
        "DELETE FROM credentials WHERE user_id = $1",
        "DELETE FROM invitations WHERE user_id = $1",
    ] {
        execute(tx, sql, &[&sql_id(user.0)?]).await?;
    }
    Ok(())
}

/// Writes back everything a rule may have changed about the client, from
/// `before` to `after`: its own fields, users and businesses added, changed
/// or (users only) removed.
async fn save_client(
    tx: &Tx<'_>,
    before: &Client,
    after: &Client,
    at: Timestamp,
) -> Result<(), StoreError> {
    let statement = tx
        .prepare_cached(
            "UPDATE clients SET name = $2, code = $3, status = $4, owner_id = $5, version = $6,
                                updated_at = $7, sort_name = $8, search_text = $9
             WHERE id = $1",
        )
        .await?;
    let updated = tx
        .execute(
            &statement,
            &[
                &sql_id(after.id.0)?,
                &after.name,
                &after.code,
                &after.status.as_str(),
                &sql_id(after.owner.0)?,
                &sql_id(after.version)?,
                &at.0,
                &search::sort_key(&after.name),
                &search::search_text(&after.name, after.code.as_deref()),
            ],
        )
        .await;
    match updated {
        Ok(_) => {}
        // Two instances giving two clients one code at once: the index's
        // backstop refuses the second.
        Err(error) if is_unique_violation(&error) => {
            return Err(StoreError::Onboarding(OnboardingError::CodeTaken));
        }
        Err(error) => return Err(error.into()),
    }
    for user in &after.users {
        if before.user(user.id).is_some() {
            execute(
                tx,
                "UPDATE users SET name = $2, role = $3 WHERE id = $1",
                &[&sql_id(user.id.0)?, &user.name, &role_str(user.role)],
            )
            .await?;
        } else {
            insert_user(tx, after.id, user).await?;
        }
    }
    for user in &before.users {
        if after.user(user.id).is_none() {
            execute(
                tx,
                "UPDATE users SET removed_at = $2 WHERE id = $1",
                &[&sql_id(user.id.0)?, &at.0],
            )
            .await?;
        }
    }
    for business in &after.businesses {
        if before.business(business.id).is_some() {
            execute(
                tx,
                "UPDATE businesses SET name = $2, status = $3, owner_id = $4 WHERE id = $1",
                &[
                    &sql_id(business.id.0)?,
                    &business.name,
                    &business.status.as_str(),
                    &sql_id(business.owner.0)?,
                ],
            )
            .await?;
        } else {
            insert_business(tx, after.id, business).await?;
        }
    }
    Ok(())
}

/// Stores a new user of a client under the id already chosen for them.
pub(super) async fn insert_user(
    tx: &Tx<'_>,
    client: ClientId,
    user: &ClientUser,
) -> Result<(), StoreError> {
    execute(
        tx,
        "INSERT INTO users (id, client_id, name, email, role) VALUES ($1, $2, $3, $4, $5)",
        &[
            &sql_id(user.id.0)?,
            &sql_id(client.0)?,
            &user.name,
            &user.email,
            &role_str(user.role),
        ],
    )
    .await?;
    Ok(())
}

/// Stores a new business of a client under the id already chosen for it.
pub(super) async fn insert_business(
    tx: &Tx<'_>,
    client: ClientId,
    business: &Business,
) -> Result<(), StoreError> {
    execute(
        tx,
        "INSERT INTO businesses (id, client_id, name, status, owner_id)
         VALUES ($1, $2, $3, $4, $5)",
        &[
            &sql_id(business.id.0)?,
            &sql_id(client.0)?,
            &business.name,
            &business.status.as_str(),
            &sql_id(business.owner.0)?,
        ],
    )
    .await?;
    Ok(())
}

pub(super) async fn record_activity(
    tx: &Tx<'_>,
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
    insert_activity(tx, client, at, actor, ActivityAction::of(event), row).await
}

/// Who made the first change to `client` after `version`, as its activity
/// recorded it (entries from before versions were kept have none).
async fn first_changer(
    tx: &Tx<'_>,
    client: ClientId,
    version: u64,
) -> Result<Option<String>, StoreError> {
    // No version is after one past what SQL can hold.
    let Ok(version) = i64::try_from(version) else {
        return Ok(None);
    };
    let first = row_opt(
        tx,
        "SELECT actor FROM activity WHERE client_id = $1 AND version > $2
         ORDER BY version, id LIMIT 1",
        &[&sql_id(client.0)?, &version],
    )
    .await?;
    Ok(first.map(|row| row.try_get(0)).transpose()?)
}

/// Records one entry of a client's activity.
pub(super) async fn insert_activity(
    tx: &Tx<'_>,
    client: ClientId,
    at: Timestamp,
    actor: &Actor,
    action: ActivityAction,
    row: ActivityRow,
) -> Result<(), StoreError> {
    let optional = |id: Option<u64>| id.map(sql_id).transpose();
    execute(
        tx,
        "INSERT INTO activity (client_id, at, actor, actor_id, action, business_id,
                               new_owner_id, reason, user_id, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            &sql_id(client.0)?,
            &at.0,
            &actor.name,
            &sql_id(actor.id.0)?,
            &action.as_str(),
            &optional(row.business.map(|id| id.0))?,
            &optional(row.new_owner.map(|id| id.0))?,
            &row.reason,
            &optional(row.user.map(|id| id.0))?,
            &optional(row.version)?,
        ],
    )
    .await?;
    Ok(())
}
