//! Getting clients in and out, in SQLite: a new client with its owner's
//! invitation, a user invited, an invitation accepted, an import of many
//! clients in one transaction, and the rows of an export. The rules are
//! `core`'s (`onboarding`); this file chooses ids and writes rows.

use super::changes::{
    apply_change, email_is_taken, insert_activity, insert_business, insert_user, next_id,
    practice_codes,
};
use super::idempotency::{remember_answer, stored_answer};
use super::{SqliteStore, is_unique_violation, to_sql_id};
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
use rusqlite::{Connection, OptionalExtension, params};

impl OnboardingStore for SqliteStore {
    fn add_client(&self, new: AddClient) -> Result<Outcome<NewClient>, StoreError> {
        self.write("adding a client", |tx| {
            if let Some(answer) = stored_answer(tx, new.idempotency.as_ref(), new.at)? {
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
                new_client(&NextIds::read(tx)?.take(1), &draft).map_err(StoreError::Onboarding)?;
            if let Some(code) = &client.code {
                let taken = practice_codes(tx, new.practice, None)?;
                onboarding::code_is_free(code, taken.iter().map(String::as_str))
                    .map_err(StoreError::Onboarding)?;
            }
            let owner = owner_of(&client)?;
            if email_is_taken(tx, &owner.email)? {
                return Err(StoreError::Onboarding(OnboardingError::EmailTaken));
            }
            store_new_client(
                tx,
                new.practice,
                &client,
                &new.invitation,
                &new.actor,
                new.at,
            )?;
            let answer = NewClient {
                invitation: new.invitation.for_user(owner, new.at),
                client,
            };
            remember_answer(tx, new.idempotency.as_ref(), 201, &answer, new.at)?;
            Ok(Outcome::Done(answer))
        })
    }

    fn add_user(
        &self,
        change: Change,
        invitation: NewInvitation,
    ) -> Result<Outcome<AddedUser>, StoreError> {
        self.write("adding a user", |tx| {
            if let Some(answer) = stored_answer(tx, change.idempotency.as_ref(), change.at)? {
                return Ok(Outcome::Replayed(answer));
            }
            let (client, events) = apply_change(tx, &change)?;
            let user = events
                .iter()
                .find_map(|event| match event {
                    Event::UserAdded { user } => Some(user),
                    _ => None,
                })
                .ok_or_else(|| StoreError::Internal("adding a user added nobody".into()))?;
            insert_invitation(tx, invitation.key, user, change.at)?;
            let answer = AddedUser {
                invitation: invitation.for_user(user, change.at),
                client,
            };
            remember_answer(tx, change.idempotency.as_ref(), 201, &answer, change.at)?;
            Ok(Outcome::Done(answer))
        })
    }

    fn invitation(&self, key: InvitationKey) -> Result<Option<InvitationRecord>, StoreError> {
        self.read("reading an invitation", |db| {
            let row: Option<(String, String, String, String, i64, bool)> = db
                .prepare_cached(
                    "SELECT u.name, i.email, c.name, p.name, i.created_at, i.used_at IS NOT NULL
                     FROM invitations i
                     JOIN users u ON u.id = i.user_id
                     JOIN clients c ON c.id = u.client_id
                     JOIN practice p ON p.id = c.practice_id
                     WHERE i.token_hash = ?1",
                )?
                .query_row([&key.0[..]], |row| row.try_into())
                .optional()?;
            Ok(row.map(
                |(name, email, account, practice, created_at, used)| InvitationRecord {
                    view: InvitationView {
                        name,
                        email,
                        account,
                        practice,
                        expires_at: crate::domain::format_time(link_expires_at(Timestamp(
                            created_at,
                        ))),
                    },
                    created_at: Timestamp(created_at),
                    used,
                },
            ))
        })
    }

    fn accept_invitation(
        &self,
        key: InvitationKey,
        password_hash: String,
        now: Timestamp,
    ) -> Result<Subject, StoreError> {
        self.write("accepting an invitation", |tx| {
            let (user, email, created_at, used): (u64, String, i64, bool) = tx
                .prepare_cached(
                    "SELECT user_id, email, created_at, used_at IS NOT NULL
                     FROM invitations WHERE token_hash = ?1",
                )?
                .query_row([&key.0[..]], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })
                .optional()?
                .ok_or(StoreError::InvitationNotFound)?;
            onboarding::accept_invitation(Timestamp(created_at), used, now)
                .map_err(StoreError::Onboarding)?;
            tx.prepare_cached(
                "INSERT INTO credentials (email, password_hash, user_id) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![email, password_hash, user])
            .map_err(|error| {
                if is_unique_violation(&error) {
                    StoreError::EmailTaken(email.clone())
                } else {
                    error.into()
                }
            })?;
            tx.prepare_cached("UPDATE invitations SET used_at = ?2 WHERE token_hash = ?1")?
                .execute(params![&key.0[..], now.0])?;
            Ok(Subject::ClientUser(UserId(user)))
        })
    }

    fn taken(&self, practice: PracticeId) -> Result<Taken, StoreError> {
        self.read("reading what an import must not take", |db| {
            taken(db, practice)
        })
    }

    fn import_clients(
        &self,
        batch: ImportBatch,
        review: &dyn Fn(&Taken) -> ImportPreview,
    ) -> Result<Vec<ImportedClient>, StoreError> {
        self.write("importing clients", |tx| {
            // Reviewed against what is taken as this transaction sees it, so
            // nothing committed since the preview can slip past.
            let preview = review(&taken(tx, batch.practice)?);
            if !preview.problems.is_empty() {
                return Err(StoreError::ImportInvalid(preview.problems));
            }
            if batch.invitations.len() < preview.clients.len() {
                return Err(StoreError::Internal(
                    "an import has fewer invitations than clients".into(),
                ));
            }
            let mut ids = NextIds::read(tx)?;
            let mut created = Vec::with_capacity(preview.clients.len());
            for (row, invitation) in preview.clients.into_iter().zip(&batch.invitations) {
                let draft = Draft {
                    name: &row.name,
                    code: row.code.as_deref(),
                    businesses: &row.businesses,
                    user_name: &row.user_name,
                    user_email: &row.user_email,
                };
                let client = new_client(&ids.take(row.businesses.len()), &draft)
                    .map_err(StoreError::Onboarding)?;
                store_new_client(
                    tx,
                    batch.practice,
                    &client,
                    invitation,
                    &batch.actor,
                    batch.at,
                )?;
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
        self.read("exporting clients", |db| {
            super::export::export(db, practice, query)
        })
    }
}

/// The next free ids, read once inside the writing transaction and then
/// counted on, so a whole import takes consecutive ids.
struct NextIds {
    client: u64,
    user: u64,
    business: u64,
}

impl NextIds {
    fn read(tx: &Connection) -> Result<NextIds, StoreError> {
        Ok(NextIds {
            client: next_id(tx, "clients")?,
            user: next_id(tx, "users")?,
            business: next_id(tx, "businesses")?,
        })
    }

    /// The ids of one new client with one user and `businesses` businesses.
    fn take(&mut self, businesses: usize) -> NewIds {
        let ids = NewIds {
            client: ClientId(self.client),
            user: UserId(self.user),
            businesses: (0..businesses as u64)
                .map(|n| BusinessId(self.business + n))
                .collect(),
        };
        self.client += 1;
        self.user += 1;
        self.business += businesses as u64;
        ids
    }
}

fn owner_of(client: &Client) -> Result<&ClientUser, StoreError> {
    client
        .user(client.owner)
        .ok_or_else(|| StoreError::Internal("a new client has no owner".into()))
}

/// Writes a new client as `core` made it, its owner's invitation, and the
/// activity entry that says who added it.
fn store_new_client(
    tx: &Connection,
    practice: PracticeId,
    client: &Client,
    invitation: &NewInvitation,
    actor: &Actor,
    at: Timestamp,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO clients (id, practice_id, name, code, status, owner_id, version, updated_at,
                              sort_name, search_text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        to_sql_id(client.id.0)?,
        to_sql_id(practice.0)?,
        client.name,
        client.code,
        client.status.as_str(),
        client.owner.0,
        client.version,
        at.0,
        search::sort_key(&client.name),
        search::search_text(&client.name, client.code.as_deref())
    ])
    .map_err(|error| {
        if is_unique_violation(&error) {
            StoreError::Onboarding(OnboardingError::CodeTaken)
        } else {
            error.into()
        }
    })?;
    for user in &client.users {
        insert_user(tx, client.id, user)?;
    }
    for business in &client.businesses {
        insert_business(tx, client.id, business)?;
    }
    let owner = owner_of(client)?;
    insert_invitation(tx, invitation.key, owner, at)?;
    let row = ActivityRow {
        user: Some(owner.id),
        ..ActivityRow::default()
    };
    insert_activity(tx, client.id, at, actor, ActivityAction::ClientAdded, row)
}

pub(super) fn insert_invitation(
    tx: &Connection,
    key: InvitationKey,
    user: &ClientUser,
    at: Timestamp,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO invitations (token_hash, user_id, email, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![&key.0[..], user.id.0, user.email, at.0])?;
    Ok(())
}

fn taken(db: &Connection, practice: PracticeId) -> Result<Taken, StoreError> {
    let mut statement = db.prepare_cached(
        "SELECT email FROM credentials
         UNION SELECT email FROM invitations WHERE used_at IS NULL",
    )?;
    let emails = statement
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(Taken {
        codes: practice_codes(db, practice, None)?,
        emails,
    })
}
