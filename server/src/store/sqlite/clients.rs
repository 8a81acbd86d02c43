//! The practice's clients in SQLite: the list, a client whole, its
//! activity, and changes through `core`'s rules. Every query names the
//! practice, so another practice's ids are not found.

use super::{SqliteStore, is_unique_violation, parse_role, parse_status, role_str, to_sql_id};
use crate::domain::format_time;
use crate::store::{
    Actor, Change, ClientStore, IDEMPOTENCY_KEPT_MS, Idempotency, ListQuery, Outcome, Sort,
    StoreError, StoredAnswer, status_of,
};
use clientele_core::onboarding::{self, OnboardingError};
use clientele_core::wire::{
    ActivityAction, ActivityEntry, BusinessRef, ClientPage, ClientSummary, StatusCounts, UserRef,
};
use clientele_core::{
    Business, BusinessId, Client, ClientId, ClientUser, Command, Event, Practice, PracticeId,
    RuleError, Timestamp, UserId, execute,
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
            let (next, _) = apply_change(tx, &change)?;
            let status = status_of(&change.command);
            remember_answer(tx, change.idempotency.as_ref(), status, &next, change.at)?;
            Ok(Outcome::Done(next))
        })
    }
}

/// Applies a change inside `tx`: the store chooses the id of anything
/// added, `core` decides (`execute`), what only the practice can know is
/// checked (a code free in the practice, an email not signing in
/// elsewhere), and the result is written with its activity. A removed
/// user's access goes with them.
pub(super) fn apply_change(
    tx: &Transaction<'_>,
    change: &Change,
) -> Result<(Client, Vec<Event>), StoreError> {
    let client = load_client(tx, change.practice, change.client_id)?;
    let command = with_new_ids(tx, &change.command)?;
    // The version check and every rule are core's; the store only
    // persists what `execute` decided, inside this one transaction.
    let refused = |error: RuleError, client: &Client| StoreError::Refused {
        error,
        current: Box::new(client.clone()),
    };
    let (next, events) = execute(&client, change.expected_version, &command)
        .map_err(|error| refused(error, &client))?;
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
    for event in &events {
        if let Event::UserRemoved { user_id, .. } = event {
            revoke_access(tx, *user_id)?;
        }
        record_activity(tx, client.id, change.at, &change.actor, event)?;
    }
    Ok((next, events))
}

/// The command with the ids of what it adds chosen: the next free ones,
/// read inside the writing transaction, so no other write can take them.
fn with_new_ids(tx: &Transaction<'_>, command: &Command) -> Result<Command, StoreError> {
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
pub(super) fn next_id(tx: &Transaction<'_>, table: &'static str) -> Result<u64, StoreError> {
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
    Ok(db.query_row(
        "SELECT EXISTS (SELECT 1 FROM credentials WHERE email = ?1)
             OR EXISTS (SELECT 1 FROM invitations WHERE email = ?1 AND used_at IS NULL)",
        [email],
        |row| row.get(0),
    )?)
}

/// A removed user can no longer sign in: their login, sessions and
/// invitations go. Their row stays, for the activity log.
fn revoke_access(tx: &Transaction<'_>, user: UserId) -> Result<(), StoreError> {
    for sql in [
        "DELETE FROM sessions WHERE user_id = ?1",
        "DELETE FROM credentials WHERE user_id = ?1",
        "DELETE FROM invitations WHERE user_id = ?1",
    ] {
        tx.prepare_cached(sql)?.execute([user.0])?;
    }
    Ok(())
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
    let items =
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
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
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
    Ok(Client {
        id,
        name,
        code,
        status: parse_status(&status)?,
        version,
        owner: UserId(owner),
        users,
        businesses,
    })
}

/// Writes back everything a rule may have changed about the client, from
/// `before` to `after`: its own fields, users and businesses added, changed
/// or (users only) removed.
fn save_client(
    tx: &Transaction<'_>,
    before: &Client,
    after: &Client,
    at: Timestamp,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "UPDATE clients SET name = ?2, code = ?3, status = ?4, owner_id = ?5, version = ?6,
                            updated_at = ?7
         WHERE id = ?1",
    )?
    .execute(params![
        to_sql_id(after.id.0)?,
        after.name,
        after.code,
        after.status.as_str(),
        after.owner.0,
        after.version,
        at.0
    ])
    .map_err(|error| {
        // Only reached if `core`'s check was bypassed: the index's backstop.
        if is_unique_violation(&error) {
            StoreError::Onboarding(OnboardingError::CodeTaken)
        } else {
            error.into()
        }
    })?;
    for user in &after.users {
        if before.user(user.id).is_some() {
            tx.prepare_cached("UPDATE users SET name = ?2, role = ?3 WHERE id = ?1")?
                .execute(params![user.id.0, user.name, role_str(user.role)])?;
        } else {
            insert_user(tx, after.id, user)?;
        }
    }
    for user in &before.users {
        if after.user(user.id).is_none() {
            tx.prepare_cached("UPDATE users SET removed_at = ?2 WHERE id = ?1")?
                .execute(params![user.id.0, at.0])?;
        }
    }
    for business in &after.businesses {
        if before.business(business.id).is_some() {
            tx.prepare_cached(
                "UPDATE businesses SET name = ?2, status = ?3, owner_id = ?4 WHERE id = ?1",
            )?
            .execute(params![
                business.id.0,
                business.name,
                business.status.as_str(),
                business.owner.0
            ])?;
        } else {
            insert_business(tx, after.id, business)?;
        }
    }
    Ok(())
}

/// Stores a new user of a client under the id already chosen for them.
pub(super) fn insert_user(
    tx: &Transaction<'_>,
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
    tx: &Transaction<'_>,
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

/// One entry of the activity log, as stored.
#[derive(Debug, Default)]
pub(super) struct ActivityRow {
    pub business: Option<BusinessId>,
    pub new_owner: Option<UserId>,
    pub user: Option<UserId>,
    pub reason: Option<String>,
}

fn record_activity(
    tx: &Transaction<'_>,
    client: ClientId,
    at: Timestamp,
    actor: &Actor,
    event: &Event,
) -> Result<(), StoreError> {
    let row = match event {
        Event::ClientDeactivated {
            new_owner_id,
            reason,
        } => ActivityRow {
            new_owner: Some(*new_owner_id),
            reason: reason.clone(),
            ..ActivityRow::default()
        },
        Event::ClientReactivated | Event::ClientEdited { .. } => ActivityRow::default(),
        Event::BusinessDeactivated {
            business_id,
            new_owner_id,
        } => ActivityRow {
            business: Some(*business_id),
            new_owner: Some(*new_owner_id),
            ..ActivityRow::default()
        },
        Event::BusinessReactivated { business_id }
        | Event::BusinessAdded { business_id, .. }
        | Event::BusinessRenamed { business_id, .. } => ActivityRow {
            business: Some(*business_id),
            ..ActivityRow::default()
        },
        Event::UserAdded { user } => ActivityRow {
            user: Some(user.id),
            ..ActivityRow::default()
        },
        Event::UserRemoved { user_id, .. } => ActivityRow {
            user: Some(*user_id),
            ..ActivityRow::default()
        },
    };
    insert_activity(tx, client, at, actor, ActivityAction::of(event), row)
}

/// Records one entry of a client's activity.
pub(super) fn insert_activity(
    tx: &Transaction<'_>,
    client: ClientId,
    at: Timestamp,
    actor: &Actor,
    action: ActivityAction,
    row: ActivityRow,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO activity (client_id, at, actor, actor_id, action, business_id, new_owner_id,
                               reason, user_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
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
        row.user.map(|id| id.0)
    ])?;
    Ok(())
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
