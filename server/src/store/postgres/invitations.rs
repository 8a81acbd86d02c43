//! New invitation links, in PostgreSQL: which of a client's users have set
//! a password, and a new link for one who has not that replaces the last.

use super::changes::insert_activity;
use super::clients::{Lock, load_client, lock_client};
use super::idempotency::{remember_answer, stored_answer};
use super::onboarding::insert_invitation;
use super::{PostgresStore, Tx, execute, row, sql_id};
use crate::store::{
    ActivityRow, InvitationOf, InvitationStore, Outcome, RenewInvitation, StoreError,
};
use clientele_core::onboarding::renew_invitation;
use clientele_core::wire::{ActivityAction, Invitation};
use clientele_core::{ClientId, PracticeId, Timestamp, UserId};

impl InvitationStore for PostgresStore {
    fn invitations_of(
        &self,
        practice: PracticeId,
        client: ClientId,
    ) -> Result<Vec<InvitationOf>, StoreError> {
        self.read("reading a client's invitations", async |db| {
            let client = load_client(db, practice, client).await?;
            let mut invitations = Vec::new();
            for user in &client.users {
                let accepted = signed_up(db, user.id).await?;
                let invited_at = match accepted {
                    true => None,
                    false => latest_invitation(db, user.id).await?,
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
        self.write("renewing an invitation", async |tx| {
            // The client locked, as for any change to it (a user removed at
            // once waits), and the user's links, so that one accepted at
            // once is either used before this looks (and the person has
            // signed up) or gone after it.
            let exists = lock_client(tx, renewal.practice, renewal.client_id, Lock::Update).await?;
            // After the lock: a retry racing its first attempt waits for
            // it, then replays its answer.
            let idempotency = renewal.idempotency.as_ref();
            if let Some(answer) = stored_answer(tx, idempotency, renewal.at).await? {
                return Ok(Outcome::Replayed(answer));
            }
            exists.ok_or(StoreError::NotFound)?;
            let user_id = sql_id(renewal.user_id.0)?;
            execute(
                tx,
                "SELECT 1 FROM invitations WHERE user_id = $1 FOR UPDATE",
                &[&user_id],
            )
            .await?;
            let client = load_client(tx, renewal.practice, renewal.client_id).await?;
            let signed_up = signed_up(tx, renewal.user_id).await?;
            let user = renew_invitation(&client, renewal.user_id, signed_up).map_err(|error| {
                StoreError::Refused {
                    error,
                    current: Box::new(client.clone()),
                    changed_by: None,
                }
            })?;
            execute(
                tx,
                "DELETE FROM invitations WHERE user_id = $1 AND used_at IS NULL",
                &[&user_id],
            )
            .await?;
            insert_invitation(tx, renewal.invitation.key, user, renewal.at).await?;
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
            )
            .await?;
            let answer = renewal.invitation.for_user(user, renewal.at);
            remember_answer(tx, idempotency, 201, &answer, renewal.at).await?;
            Ok(Outcome::Done(answer))
        })
    }
}

/// Whether the user has set a password.
async fn signed_up(db: &Tx<'_>, user: UserId) -> Result<bool, StoreError> {
    let found = row(
        db,
        "SELECT EXISTS (SELECT 1 FROM credentials WHERE user_id = $1)",
        &[&sql_id(user.0)?],
    )
    .await?;
    Ok(found.try_get(0)?)
}

/// When the user's latest unused invitation was made, if they have one.
async fn latest_invitation(db: &Tx<'_>, user: UserId) -> Result<Option<Timestamp>, StoreError> {
    let found = row(
        db,
        "SELECT MAX(created_at) FROM invitations WHERE user_id = $1 AND used_at IS NULL",
        &[&sql_id(user.0)?],
    )
    .await?;
    let at: Option<i64> = found.try_get(0)?;
    Ok(at.map(Timestamp))
}
