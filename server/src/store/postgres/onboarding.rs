//! Getting clients in and out, in PostgreSQL: a new client with its owner's
//! invitation, a user invited, an invitation accepted, an import of many
//! clients in one transaction, and the rows of an export. The rules are
//! `core`'s (`onboarding`); this file chooses ids and writes rows.

use super::changes::{
    apply_change, email_is_taken, insert_activity, insert_business, insert_user, lock_emails,
    next_id, practice_codes,
};
use super::clients::{Lock, lock_client};
use super::idempotency::{remember_answer, stored_answer};
use super::{PostgresStore, Tx, execute, id_at, is_unique_violation, row_opt, rows, sql_id};
use crate::store::ActivityRow;
use crate::store::{
    Actor, AddClient, Change, ExportRow, ImportBatch, InvitationKey, InvitationRecord, ListQuery,
    NewInvitation, OnboardingStore, Outcome, StoreError, Subject, Taken,
};
use clientele_core::onboarding::{
    self, Draft, NewIds, OnboardingError, link_expires_at, new_client,
};
use clientele_core::search;
use clientele_core::wire::{
    ActivityAction, AddedUser, ImportPreview, ImportedClient, InvitationView, NewClient,
};
use clientele_core::{
    BusinessId, Client, ClientId, ClientUser, Event, PracticeId, Timestamp, UserId,
};

impl OnboardingStore for PostgresStore {
    fn add_client(&self, new: AddClient) -> Result<Outcome<NewClient>, StoreError> {
        self.write("adding a client", async |tx| {
            // Before the stored answer: a retry racing its first attempt
            // waits for it, then replays its answer.
            lock_emails(tx).await?;
            if let Some(answer) = stored_answer(tx, new.idempotency.as_ref(), new.at).await? {
                return Ok(Outcome::Replayed(answer));
            }
            let request = &new.request;
            let businesses = [request.business_name.clone()];
            let draft = Draft {
                name: &request.name,
                code: request.code.as_deref(),
                businesses: &businesses,
                user_name: &request.user_name,
                user_email: &request.user_email,
            };
            let client =
                new_client(&new_ids(tx, 1).await?, &draft).map_err(StoreError::Onboarding)?;
            if let Some(code) = &client.code {
                let taken = practice_codes(tx, new.practice, None).await?;
                onboarding::code_is_free(code, taken.iter().map(String::as_str))
                    .map_err(StoreError::Onboarding)?;
            }
            let owner = owner_of(&client)?;
            if email_is_taken(tx, &owner.email).await? {
                return Err(StoreError::Onboarding(OnboardingError::EmailTaken));
            }
            store_new_client(
                tx,
                new.practice,
                &client,
                &new.invitation,
                &new.actor,
                new.at,
            )
            .await?;
            let answer = NewClient {
                invitation: new.invitation.for_user(owner, new.at),
                client,
            };
            remember_answer(tx, new.idempotency.as_ref(), 201, &answer, new.at).await?;
            Ok(Outcome::Done(answer))
        })
    }

    fn add_user(
        &self,
        change: Change,
        invitation: NewInvitation,
    ) -> Result<Outcome<AddedUser>, StoreError> {
        self.write("adding a user", async |tx| {
            let exists = lock_client(tx, change.practice, change.client_id, Lock::Update).await?;
            if let Some(answer) = stored_answer(tx, change.idempotency.as_ref(), change.at).await? {
                return Ok(Outcome::Replayed(answer));
            }
            exists.ok_or(StoreError::NotFound)?;
            let (client, events) = apply_change(tx, &change).await?;
            let user = events
                .iter()
                .find_map(|event| match event {
                    Event::UserAdded { user } => Some(user),
                    _ => None,
                })
                .ok_or_else(|| StoreError::Internal("adding a user added nobody".into()))?;
            insert_invitation(tx, invitation.key, user, change.at).await?;
            let answer = AddedUser {
                invitation: invitation.for_user(user, change.at),
                client,
            };
            remember_answer(tx, change.idempotency.as_ref(), 201, &answer, change.at).await?;
            Ok(Outcome::Done(answer))
        })
    }

    fn invitation(&self, key: InvitationKey) -> Result<Option<InvitationRecord>, StoreError> {
        self.read("reading an invitation", async |db| {
            let found = row_opt(
                db,
                "SELECT u.name, i.email, c.name, p.name, i.created_at, i.used_at IS NOT NULL
                 FROM invitations i
                 JOIN users u ON u.id = i.user_id
                 JOIN clients c ON c.id = u.client_id
                 JOIN practice p ON p.id = c.practice_id
                 WHERE i.token_hash = $1",
                &[&&key.0[..]],
            )
            .await?;
            found
                .map(|row| {
                    let created_at: i64 = row.try_get(4)?;
                    Ok(InvitationRecord {
                        view: InvitationView {
                            name: row.try_get(0)?,
                            email: row.try_get(1)?,
                            account: row.try_get(2)?,
                            practice: row.try_get(3)?,
                            expires_at: crate::domain::format_time(link_expires_at(Timestamp(
                                created_at,
                            ))),
                        },
                        created_at: Timestamp(created_at),
                        used: row.try_get(5)?,
                    })
                })
                .transpose()
        })
    }

    fn accept_invitation(
        &self,
        key: InvitationKey,
        password_hash: String,
        now: Timestamp,
    ) -> Result<Subject, StoreError> {
        self.write("accepting an invitation", async |tx| {
            // Locked: the same link opened twice at once is used once.
            let found = row_opt(
                tx,
                "SELECT user_id, email, created_at, used_at IS NOT NULL
                 FROM invitations WHERE token_hash = $1 FOR UPDATE",
                &[&&key.0[..]],
            )
            .await?
            .ok_or(StoreError::InvitationNotFound)?;
            let user = id_at(&found, 0)?;
            let email: String = found.try_get(1)?;
            onboarding::accept_invitation(Timestamp(found.try_get(2)?), found.try_get(3)?, now)
                .map_err(StoreError::Onboarding)?;
            let statement = tx
                .prepare_cached(
                    "INSERT INTO credentials (email, password_hash, user_id) VALUES ($1, $2, $3)",
                )
                .await?;
            match tx
                .execute(&statement, &[&email, &password_hash, &sql_id(user)?])
                .await
            {
                Ok(_) => {}
                Err(error) if is_unique_violation(&error) => {
                    return Err(StoreError::EmailTaken(email));
                }
                Err(error) => return Err(error.into()),
            }
            execute(
                tx,
                "UPDATE invitations SET used_at = $2 WHERE token_hash = $1",
                &[&&key.0[..], &now.0],
            )
            .await?;
            Ok(Subject::ClientUser(UserId(user)))
        })
    }

    fn taken(&self, practice: PracticeId) -> Result<Taken, StoreError> {
        self.read("reading what an import must not take", async |db| {
            taken(db, practice).await
        })
    }

    fn import_clients(
        &self,
        batch: ImportBatch,
        review: &dyn Fn(&Taken) -> ImportPreview,
    ) -> Result<Vec<ImportedClient>, StoreError> {
        self.write("importing clients", async |tx| {
            // Reviewed against what is taken as this transaction sees it,
            // with no other instance giving out an email meanwhile.
            lock_emails(tx).await?;
            let preview = review(&taken(tx, batch.practice).await?);
            if !preview.problems.is_empty() {
                return Err(StoreError::ImportInvalid(preview.problems));
            }
            if batch.invitations.len() < preview.clients.len() {
                return Err(StoreError::Internal(
                    "an import has fewer invitations than clients".into(),
                ));
            }
            let mut created = Vec::with_capacity(preview.clients.len());
            for (row, invitation) in preview.clients.into_iter().zip(&batch.invitations) {
                let draft = Draft {
                    name: &row.name,
                    code: row.code.as_deref(),
                    businesses: &row.businesses,
                    user_name: &row.user_name,
                    user_email: &row.user_email,
                };
                let client = new_client(&new_ids(tx, row.businesses.len()).await?, &draft)
                    .map_err(StoreError::Onboarding)?;
                store_new_client(
                    tx,
                    batch.practice,
                    &client,
                    invitation,
                    &batch.actor,
                    batch.at,
                )
                .await?;
                created.push(ImportedClient {
                    id: client.id,
                    business_ids: client.businesses.iter().map(|b| b.id).collect(),
                    row,
                });
            }
            Ok(created)
        })
    }

    fn export_clients(
        &self,
        practice: PracticeId,
        query: &ListQuery,
    ) -> Result<Vec<ExportRow>, StoreError> {
        self.read("exporting clients", async |db| {
            super::export::export(db, practice, query).await
        })
    }
}

/// The ids of one new client with one user and `businesses` businesses,
/// from the sequences.
async fn new_ids(tx: &Tx<'_>, businesses: usize) -> Result<NewIds, StoreError> {
    let mut business_ids = Vec::with_capacity(businesses);
    for _ in 0..businesses {
        business_ids.push(BusinessId(next_id(tx, "businesses").await?));
    }
    Ok(NewIds {
        client: ClientId(next_id(tx, "clients").await?),
        user: UserId(next_id(tx, "users").await?),
        businesses: business_ids,
    })
}

fn owner_of(client: &Client) -> Result<&ClientUser, StoreError> {
    client
        .user(client.owner)
        .ok_or_else(|| StoreError::Internal("a new client has no owner".into()))
}

/// Writes a new client as `core` made it, its owner's invitation, and the
/// activity entry that says who added it.
async fn store_new_client(
    tx: &Tx<'_>,
    practice: PracticeId,
    client: &Client,
    invitation: &NewInvitation,
    actor: &Actor,
    at: Timestamp,
) -> Result<(), StoreError> {
    let statement = tx
        .prepare_cached(
            "INSERT INTO clients (id, practice_id, name, code, status, owner_id, version,
                                  updated_at, sort_name, search_text)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .await?;
    let inserted = tx
        .execute(
            &statement,
            &[
                &sql_id(client.id.0)?,
                &sql_id(practice.0)?,
                &client.name,
                &client.code,
                &client.status.as_str(),
                &sql_id(client.owner.0)?,
                &sql_id(client.version)?,
                &at.0,
                &search::sort_key(&client.name),
                &search::search_text(&client.name, client.code.as_deref()),
            ],
        )
        .await;
    match inserted {
        Ok(_) => {}
        Err(error) if is_unique_violation(&error) => {
            return Err(StoreError::Onboarding(OnboardingError::CodeTaken));
        }
        Err(error) => return Err(error.into()),
    }
    for user in &client.users {
        insert_user(tx, client.id, user).await?;
    }
    for business in &client.businesses {
        insert_business(tx, client.id, business).await?;
    }
    let owner = owner_of(client)?;
    insert_invitation(tx, invitation.key, owner, at).await?;
    let row = ActivityRow {
        user: Some(owner.id),
        ..ActivityRow::default()
    };
    insert_activity(tx, client.id, at, actor, ActivityAction::ClientAdded, row).await
}

pub(super) async fn insert_invitation(
    tx: &Tx<'_>,
    key: InvitationKey,
    user: &ClientUser,
    at: Timestamp,
) -> Result<(), StoreError> {
    execute(
        tx,
        "INSERT INTO invitations (token_hash, user_id, email, created_at) VALUES ($1, $2, $3, $4)",
        &[&&key.0[..], &sql_id(user.id.0)?, &user.email, &at.0],
    )
    .await?;
    Ok(())
}

async fn taken(db: &Tx<'_>, practice: PracticeId) -> Result<Taken, StoreError> {
    let emails = rows(
        db,
        "SELECT email FROM credentials
         UNION SELECT email FROM invitations WHERE used_at IS NULL",
        &[],
    )
    .await?
    .iter()
    .map(|row| Ok(row.try_get(0)?))
    .collect::<Result<_, StoreError>>()?;
    Ok(Taken {
        codes: practice_codes(db, practice, None).await?,
        emails,
    })
}
