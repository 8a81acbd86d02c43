//! Sign-in and sessions in SQLite: credentials by email, failed sign-ins,
//! and sessions known only by the hash of their id.

use super::clients::load_practice;
use super::{SqliteStore, parse_role, parse_staff_role, to_sql_id};
use crate::store::{
    AccountStore, Credentials, NewSession, SessionKey, SessionRecord, StoreError, Subject,
};
use clientele_core::identity::{Throttled, sign_in_allowed};
use clientele_core::wire::{ClientRef, SessionRole, SessionUser, UserKind};
use clientele_core::{ClientId, PracticeId, Principal, StaffId, Timestamp, UserId};
use rusqlite::{Connection, OptionalExtension, params};

impl AccountStore for SqliteStore {
    fn credentials(&self, email: &str) -> Result<Option<Credentials>, StoreError> {
        self.read("reading credentials", |db| {
            let row: Option<(String, Option<u64>, Option<u64>)> = db
                .prepare_cached(
                    "SELECT password_hash, staff_id, user_id FROM credentials WHERE email = ?1",
                )?
                .query_row([email], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
                .optional()?;
            row.map(|(password_hash, staff, user)| {
                Ok(Credentials {
                    password_hash,
                    subject: subject(staff, user)?,
                })
            })
            .transpose()
        })
    }

    fn claim_sign_in_attempt(
        &self,
        email: &str,
        at: Timestamp,
        forget_before: Timestamp,
    ) -> Result<Result<(), Throttled>, StoreError> {
        // The writer's transactions run one at a time, so no other attempt
        // counts between the read and the insert.
        self.write("counting a sign-in attempt", |tx| {
            tx.prepare_cached("DELETE FROM sign_in_failures WHERE at < ?1")?
                .execute([forget_before.0])?;
            let failures = tx
                .prepare_cached("SELECT at FROM sign_in_failures WHERE email = ?1")?
                .query_map([email], |row| Ok(Timestamp(row.get(0)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            if let Err(throttled) = sign_in_allowed(&failures, at) {
                return Ok(Err(throttled));
            }
            tx.prepare_cached("INSERT INTO sign_in_failures (email, at) VALUES (?1, ?2)")?
                .execute(params![email, at.0])?;
            Ok(Ok(()))
        })
    }

    fn clear_sign_in_failures(&self, email: &str) -> Result<(), StoreError> {
        self.write("clearing failed sign-ins", |tx| {
            tx.prepare_cached("DELETE FROM sign_in_failures WHERE email = ?1")?
                .execute([email])?;
            Ok(())
        })
    }

    fn start_session(
        &self,
        session: NewSession,
        replacing: Option<SessionKey>,
    ) -> Result<(), StoreError> {
        self.write("starting a session", |tx| {
            if let Some(old) = replacing {
                tx.prepare_cached("DELETE FROM sessions WHERE id_hash = ?1")?.execute([&old.0[..]])?;
            }
            let (staff, user) = match session.subject {
                Subject::Staff(id) => (Some(id.0), None),
                Subject::ClientUser(id) => (None, Some(id.0)),
            };
            tx.prepare_cached("INSERT INTO sessions (id_hash, csrf_token, staff_id, user_id, created_at, last_seen_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)")?.execute(params![&session.key.0[..], session.csrf_token, staff, user, session.at.0],
            )?;
            Ok(())
        })
    }

    fn session(&self, key: SessionKey) -> Result<Option<SessionRecord>, StoreError> {
        self.read("reading a session", |db| session(db, key))
    }

    fn session_now(&self, key: SessionKey) -> Option<Result<Option<SessionRecord>, StoreError>> {
        self.read_now("reading a session", |db| session(db, key))
    }

    fn touch_session(&self, key: SessionKey, at: Timestamp) -> Result<(), StoreError> {
        self.write("touching a session", |tx| {
            tx.prepare_cached("UPDATE sessions SET last_seen_at = ?2 WHERE id_hash = ?1")?
                .execute(params![&key.0[..], at.0])?;
            Ok(())
        })
    }

    fn end_session(&self, key: SessionKey) -> Result<(), StoreError> {
        self.write("ending a session", |tx| {
            tx.prepare_cached("DELETE FROM sessions WHERE id_hash = ?1")?
                .execute([&key.0[..]])?;
            Ok(())
        })
    }

    fn set_password(
        &self,
        email: &str,
        password_hash: &str,
        keep: Option<SessionKey>,
    ) -> Result<bool, StoreError> {
        self.write("setting a password", |tx| {
            let changed = tx
                .prepare_cached("UPDATE credentials SET password_hash = ?2 WHERE email = ?1")?
                .execute([email, password_hash])?;
            tx.prepare_cached(
                "DELETE FROM sessions WHERE id_hash IS NOT ?2
                 AND (staff_id IN (SELECT staff_id FROM credentials WHERE email = ?1)
                      OR user_id IN (SELECT user_id FROM credentials WHERE email = ?1))",
            )?
            .execute(rusqlite::params![
                email,
                keep.as_ref().map(|key| &key.0[..])
            ])?;
            tx.prepare_cached("DELETE FROM sign_in_failures WHERE email = ?1")?
                .execute([email])?;
            Ok(changed == 1)
        })
    }
}

/// A session's row: CSRF token, staff id, user id, created, last seen.
type SessionRow = (String, Option<u64>, Option<u64>, i64, i64);

fn subject(staff: Option<u64>, user: Option<u64>) -> Result<Subject, StoreError> {
    match (staff, user) {
        (Some(staff), None) => Ok(Subject::Staff(StaffId(staff))),
        (None, Some(user)) => Ok(Subject::ClientUser(UserId(user))),
        _ => Err(StoreError::Internal(
            "a login belongs to neither or both of a staff member and a user".into(),
        )),
    }
}

/// The person a subject names, as the API shows them and as the rules see
/// them.
fn person(db: &Connection, subject: Subject) -> Result<(SessionUser, Principal), StoreError> {
    match subject {
        Subject::Staff(id) => {
            let (name, email, role, practice): (String, String, String, u64) = db
                .prepare_cached("SELECT name, email, role, practice_id FROM staff WHERE id = ?1")?
                .query_row([to_sql_id(id.0)?], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })?;
            let role = parse_staff_role(&role)?;
            let practice = load_practice(db, PracticeId(practice))?;
            let principal = Principal::Staff {
                id,
                practice: practice.id,
                role,
            };
            let user = SessionUser {
                id: id.0,
                name,
                email,
                kind: UserKind::Staff,
                role: SessionRole::from(role),
                practice,
                client: None,
            };
            Ok((user, principal))
        }
        Subject::ClientUser(id) => {
            let (name, email, role, client_id, client_name, practice): (
                String,
                String,
                String,
                u64,
                String,
                u64,
            ) = db
                .prepare_cached(
                    "SELECT u.name, u.email, u.role, c.id, c.name, c.practice_id
                 FROM users u JOIN clients c ON c.id = u.client_id WHERE u.id = ?1",
                )?
                .query_row([to_sql_id(id.0)?], |row| row.try_into())?;
            let practice = load_practice(db, PracticeId(practice))?;
            let principal = Principal::ClientUser {
                id,
                practice: practice.id,
                client: ClientId(client_id),
            };
            let user = SessionUser {
                id: id.0,
                name,
                email,
                kind: UserKind::Client,
                role: SessionRole::from(parse_role(&role)?),
                practice,
                client: Some(ClientRef {
                    id: ClientId(client_id),
                    name: client_name,
                }),
            };
            Ok((user, principal))
        }
    }
}

/// The session with this key, and who it is for.
fn session(db: &Connection, key: SessionKey) -> Result<Option<SessionRecord>, StoreError> {
    let row: Option<SessionRow> = db
        .prepare_cached(
            "SELECT csrf_token, staff_id, user_id, created_at, last_seen_at
             FROM sessions WHERE id_hash = ?1",
        )?
        .query_row([&key.0[..]], |row| row.try_into())
        .optional()?;
    let Some((csrf_token, staff, user, created_at, last_seen_at)) = row else {
        return Ok(None);
    };
    let (user, principal) = person(db, subject(staff, user)?)?;
    Ok(Some(SessionRecord {
        user,
        principal,
        csrf_token,
        created_at: Timestamp(created_at),
        last_seen_at: Timestamp(last_seen_at),
    }))
}
