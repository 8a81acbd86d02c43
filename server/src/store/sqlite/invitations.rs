//! New invitation links, in SQLite: which of a client's users have set a
//! password, and a new link for one who has not that replaces the last.

use super::SqliteStore;
use super::changes::insert_activity;
use super::clients::load_client;
use super::idempotency::{remember_answer, stored_answer};
use super::onboarding::insert_invitation;
use crate::store::{
    ActivityRow, InvitationOf, InvitationStore, Outcome, RenewInvitation, StoreError,
};
use clientele_core::onboarding::renew_invitation;
use clientele_core::wire::{ActivityAction, Invitation};
use clientele_core::{ClientId, PracticeId, Timestamp, UserId};
use rusqlite::{Connection, OptionalExtension};

impl InvitationStore for SqliteStore {
    fn invitations_of(
        &self,
        practice: PracticeId,
        client: ClientId,
    ) -> Result<Vec<InvitationOf>, StoreError> {
        self.read("reading a client's invitations", |db| {
            let client = load_client(db, practice, client)?;
            let mut invitations = Vec::new();
            for user in &client.users {
                let accepted = signed_up(db, user.id)?;
                let invited_at = match accepted {
                    true => None,
                    false => latest_invitation(db, user.id)?,
                };
                invitations.push(InvitationOf {
                    user: user.id,
                    accepted,
                    invited_at,
                });
            }
            Ok(invitations)
        })
    }

    fn renew_invitation(
        &self,
        renewal: RenewInvitation,
    ) -> Result<Outcome<Invitation>, StoreError> {
        self.write("renewing an invitation", |tx| {
            let idempotency = renewal.idempotency.as_ref();
            if let Some(answer) = stored_answer(tx, idempotency, renewal.at)? {
                return Ok(Outcome::Replayed(answer));
            }
            let client = load_client(tx, renewal.practice, renewal.client_id)?;
            let signed_up = signed_up(tx, renewal.user_id)?;
            let user = renew_invitation(&client, renewal.user_id, signed_up).map_err(|error| {
                StoreError::Refused {
                    error,
                    current: Box::new(client.clone()),
                    changed_by: None,
                }
            })?;
            tx.prepare_cached("DELETE FROM invitations WHERE user_id = ?1 AND used_at IS NULL")?
                .execute([user.id.0])?;
            insert_invitation(tx, renewal.invitation.key, user, renewal.at)?;
            let row = ActivityRow {
                user: Some(user.id),
                ..ActivityRow::default()
            };
            insert_activity(
                tx,
                client.id,
                renewal.at,
                &renewal.actor,
                ActivityAction::InvitationRenewed,
                row,
            )?;
            let answer = renewal.invitation.for_user(user, renewal.at);
            remember_answer(tx, idempotency, 201, &answer, renewal.at)?;
            Ok(Outcome::Done(answer))
        })
    }
}

/// Whether the user has set a password.
fn signed_up(db: &Connection, user: UserId) -> Result<bool, StoreError> {
    Ok(db
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM credentials WHERE user_id = ?1)")?
        .query_row([user.0], |row| row.get(0))?)
}

/// When the user's latest unused invitation was made, if they have one.
fn latest_invitation(db: &Connection, user: UserId) -> Result<Option<Timestamp>, StoreError> {
    let at: Option<i64> = db
        .prepare_cached(
            "SELECT MAX(created_at) FROM invitations WHERE user_id = ?1 AND used_at IS NULL",
        )?
        .query_row([user.0], |row| row.get(0))
        .optional()?
        .flatten();
    Ok(at.map(Timestamp))
}
