//! Sign-in and sessions in PostgreSQL: credentials by email, failed
//! sign-ins, and sessions known only by the hash of their id. Sessions live
//! in the database, so a session started on one instance works on any.

use super::clients::load_practice;
use super::{PostgresStore, Tx, execute, id_at, optional_id_at, row, row_opt, rows, sql_id};
use crate::store::sqlite::{parse_role, parse_staff_role};
use crate::store::{
    AccountStore, Credentials, NewSession, SessionKey, SessionRecord, StoreError, Subject,
};
use clientele_core::identity::{Throttled, sign_in_allowed};
use clientele_core::wire::{ClientRef, SessionRole, SessionUser, UserKind};
use clientele_core::{ClientId, PracticeId, Principal, StaffId, Timestamp, UserId};

impl AccountStore for PostgresStore {
    fn credentials(&self, email: &str) -> Result<Option<Credentials>, StoreError> {
        self.read("reading credentials", async |db| {
            let found = row_opt(
                db,
                "SELECT password_hash, staff_id, user_id FROM credentials WHERE email = $1",
                &[&email],
            )
            .await?;
            found
                .map(|found| {
                    Ok(Credentials {
                        password_hash: found.try_get(0)?,
                        subject: subject(optional_id_at(&found, 1)?, optional_id_at(&found, 2)?)?,
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
        self.write("counting a sign-in attempt", async |tx| {
            // Attempts for one email, from any instance, take turns: the
            // lock is held until this transaction ends. A lock of two keys
            // (the first spells "sign") cannot meet the one-key locks.
            execute(
                tx,
                "SELECT pg_advisory_xact_lock(1936287598, hashtext($1))",
                &[&email],
            )
            .await?;
            execute(
                tx,
                "DELETE FROM sign_in_failures WHERE at < $1",
                &[&forget_before.0],
            )
            .await?;
            let failures = rows(
                tx,
                "SELECT at FROM sign_in_failures WHERE email = $1",
                &[&email],
            )
            .await?
            .iter()
            .map(|row| Ok(Timestamp(row.try_get(0)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
            if let Err(throttled) = sign_in_allowed(&failures, at) {
                return Ok(Err(throttled));
            }
            execute(
                tx,
                "INSERT INTO sign_in_failures (email, at) VALUES ($1, $2)",
                &[&email, &at.0],
            )
            .await?;
            Ok(Ok(()))
        })
    }

    fn clear_sign_in_failures(&self, email: &str) -> Result<(), StoreError> {
        self.write("clearing failed sign-ins", async |tx| {
            execute(
                tx,
                "DELETE FROM sign_in_failures WHERE email = $1",
                &[&email],
            )
            .await?;
            Ok(())
        })
    }

    fn start_session(
        &self,
        session: NewSession,
        replacing: Option<SessionKey>,
    ) -> Result<(), StoreError> {
        self.write("starting a session", async |tx| {
            if let Some(old) = replacing {
                execute(
                    tx,
                    "DELETE FROM sessions WHERE id_hash = $1",
                    &[&&old.0[..]],
                )
                .await?;
            }
            let (staff, user) = match session.subject {
                Subject::Staff(id) => (Some(sql_id(id.0)?), None),
                Subject::ClientUser(id) => (None, Some(sql_id(id.0)?)),
            };
            execute(
                tx,
                "INSERT INTO sessions (id_hash, csrf_token, staff_id, user_id, created_at,
                                       last_seen_at)
                 VALUES ($1, $2, $3, $4, $5, $5)",
                &[
                    &&session.key.0[..],
                    &session.csrf_token,
                    &staff,
                    &user,
                    &session.at.0,
                ],
            )
            .await?;
            Ok(())
        })
    }

    fn session(&self, key: SessionKey) -> Result<Option<SessionRecord>, StoreError> {
        self.read("reading a session", async |db| {
            let found = row_opt(
                db,
                "SELECT csrf_token, staff_id, user_id, created_at, last_seen_at
                 FROM sessions WHERE id_hash = $1",
                &[&&key.0[..]],
            )
            .await?;
            let Some(found) = found else {
                return Ok(None);
            };
            let who = subject(optional_id_at(&found, 1)?, optional_id_at(&found, 2)?)?;
            let (user, principal) = person(db, who).await?;
            Ok(Some(SessionRecord {
                user,
                principal,
                csrf_token: found.try_get(0)?,
                created_at: Timestamp(found.try_get(3)?),
                last_seen_at: Timestamp(found.try_get(4)?),
            }))
        })
    }

    fn touch_session(&self, key: SessionKey, at: Timestamp) -> Result<(), StoreError> {
        self.write("touching a session", async |tx| {
            execute(
                tx,
                "UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1",
                &[&&key.0[..], &at.0],
            )
            .await?;
            Ok(())
        })
    }

    fn end_session(&self, key: SessionKey) -> Result<(), StoreError> {
        self.write("ending a session", async |tx| {
            execute(
                tx,
                "DELETE FROM sessions WHERE id_hash = $1",
                &[&&key.0[..]],
            )
            .await?;
            Ok(())
        })
    }

    fn set_password(
        &self,
        email: &str,
        password_hash: &str,
        keep: Option<SessionKey>,
    ) -> Result<bool, StoreError> {
        self.write("setting a password", async |tx| {
            let changed = execute(
                tx,
                "UPDATE credentials SET password_hash = $2 WHERE email = $1",
                &[&email, &password_hash],
            )
            .await?;
            let keep = keep.as_ref().map(|key| &key.0[..]);
            execute(
                tx,
                "DELETE FROM sessions WHERE id_hash IS DISTINCT FROM $2
                 AND (staff_id IN (SELECT staff_id FROM credentials WHERE email = $1)
                      OR user_id IN (SELECT user_id FROM credentials WHERE email = $1))",
                &[&email, &keep],
            )
            .await?;
            execute(
                tx,
                "DELETE FROM sign_in_failures WHERE email = $1",
                &[&email],
            )
            .await?;
            Ok(changed == 1)
        })
    }
}

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
async fn person(db: &Tx<'_>, subject: Subject) -> Result<(SessionUser, Principal), StoreError> {
    match subject {
        Subject::Staff(id) => {
            let found = row(
                db,
                "SELECT name, email, role, practice_id FROM staff WHERE id = $1",
                &[&sql_id(id.0)?],
            )
            .await?;
            let role: String = found.try_get(2)?;
            let role = parse_staff_role(&role)?;
            let practice = load_practice(db, PracticeId(id_at(&found, 3)?)).await?;
            let principal = Principal::Staff {
                id,
                practice: practice.id,
                role,
            };
            let user = SessionUser {
                id: id.0,
                name: found.try_get(0)?,
                email: found.try_get(1)?,
                kind: UserKind::Staff,
                role: SessionRole::from(role),
                practice,
                client: None,
            };
            Ok((user, principal))
        }
        Subject::ClientUser(id) => {
            let found = row(
                db,
                "SELECT u.name, u.email, u.role, c.id, c.name, c.practice_id
                 FROM users u JOIN clients c ON c.id = u.client_id WHERE u.id = $1",
                &[&sql_id(id.0)?],
            )
            .await?;
            let role: String = found.try_get(2)?;
            let client_id = ClientId(id_at(&found, 3)?);
            let practice = load_practice(db, PracticeId(id_at(&found, 5)?)).await?;
            let principal = Principal::ClientUser {
                id,
                practice: practice.id,
                client: client_id,
            };
            let user = SessionUser {
                id: id.0,
                name: found.try_get(0)?,
                email: found.try_get(1)?,
                kind: UserKind::Client,
                role: SessionRole::from(parse_role(&role)?),
                practice,
                client: Some(ClientRef {
                    id: client_id,
                    name: found.try_get(4)?,
                }),
            };
            Ok((user, principal))
        }
    }
}
