//! Creating practices, staff, clients and documents in one PostgreSQL
//! transaction, for callers outside the HTTP API: the demo seed and
//! `create-admin`.
//!
//! [`Provision`] is synchronous and its methods are called one by one from
//! the caller's closure, so the transaction is driven by hand: it is opened
//! with `BEGIN` on a connection of its own, each method runs its statements
//! with `block_on`, and it is committed or rolled back at the end.

use super::{PostgresStore, execute, id_at, is_unique_violation, row, row_opt, sql_id};
use crate::store::sqlite::{reason_str, role_str};
use crate::store::{
    Actor, DocumentRecord, NewClient, NewStaff, Provision, Provisioning, StoreError, Subject,
};
use clientele_core::search;
use clientele_core::{
    Business, BusinessId, Client, ClientId, ClientUser, DocumentId, Event, Practice, PracticeId,
    StaffId, Timestamp, UserId,
};

/// The advisory lock that provisioning transactions hold (any number, so
/// long as nothing else uses it: "CLIPROV" in ASCII).
const PROVISIONING_LOCK: i64 = 0x0043_4C49_5052_4F56;

impl Provisioning for PostgresStore {
    fn is_empty(&self) -> Result<bool, StoreError> {
        self.read("checking for data", async |db| {
            Ok(row(db, "SELECT NOT EXISTS (SELECT 1 FROM practice)", &[])
                .await?
                .try_get(0)?)
        })
    }

    fn provision(
        &self,
        work: &mut dyn FnMut(&mut dyn Provision) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let runtime = self
            .runtime
            .as_ref()
            .expect("the runtime lives as long as the store");
        let mut run = || {
            let mut connection = runtime.block_on(self.pool.get())?;
            let tx = runtime.block_on(connection.transaction())?;
            // Instances seeding an empty database at once take turns, so
            // the second sees the first's data and seeds nothing.
            runtime.block_on(execute(
                &tx,
                "SELECT pg_advisory_xact_lock($1)",
                &[&PROVISIONING_LOCK],
            ))?;
            let mut provision = InTransaction { tx: &tx, runtime };
            work(&mut provision)?;
            runtime.block_on(tx.commit())?;
            Ok(())
        };
        run().map_err(|error: StoreError| error.context("provisioning"))
    }
}

/// [`Provision`] inside one PostgreSQL transaction.
struct InTransaction<'a, 'conn> {
    tx: &'a super::Tx<'conn>,
    runtime: &'a tokio::runtime::Runtime,
}

impl Provision for InTransaction<'_, '_> {
    fn is_empty(&mut self) -> Result<bool, StoreError> {
        self.runtime.block_on(async {
            Ok(
                row(self.tx, "SELECT NOT EXISTS (SELECT 1 FROM practice)", &[])
                    .await?
                    .try_get(0)?,
            )
        })
    }

    fn record_activity(
        &mut self,
        client: ClientId,
        at: Timestamp,
        actor: &Actor,
        event: &Event,
    ) -> Result<(), StoreError> {
        self.runtime.block_on(super::changes::record_activity(
            self.tx, client, at, actor, event, None,
        ))
    }

    fn add_practice(&mut self, name: &str) -> Result<Practice, StoreError> {
        let tx = self.tx;
        self.runtime.block_on(async {
            let inserted = row(
                tx,
                "INSERT INTO practice (name) VALUES ($1) RETURNING id",
                &[&name],
            )
            .await?;
            Ok(Practice {
                id: PracticeId(id_at(&inserted, 0)?),
                name: name.to_owned(),
            })
        })
    }

    fn add_staff(&mut self, staff: NewStaff) -> Result<StaffId, StoreError> {
        let tx = self.tx;
        self.runtime.block_on(async {
            let inserted = row(
                tx,
                "INSERT INTO staff (practice_id, name, email, role) VALUES ($1, $2, $3, $4)
                 RETURNING id",
                &[
                    &sql_id(staff.practice.0)?,
                    &staff.name,
                    &staff.email,
                    &staff.role.as_str(),
                ],
            )
            .await?;
            let id = StaffId(id_at(&inserted, 0)?);
            add_credentials(tx, &staff.email, &staff.password_hash, Subject::Staff(id)).await?;
            Ok(id)
        })
    }

    fn practice_of_staff(&mut self, email: &str) -> Result<Option<Practice>, StoreError> {
        let tx = self.tx;
        self.runtime.block_on(async {
            let found = row_opt(
                tx,
                "SELECT p.id, p.name FROM staff s JOIN practice p ON p.id = s.practice_id
                 WHERE s.email = $1",
                &[&email],
            )
            .await?;
            found
                .map(|found| {
                    Ok(Practice {
                        id: PracticeId(id_at(&found, 0)?),
                        name: found.try_get(1)?,
                    })
                })
                .transpose()
        })
    }

    fn add_client(&mut self, new: NewClient) -> Result<Client, StoreError> {
        if new.users.is_empty() || new.owner >= new.users.len() {
            return Err(StoreError::Internal(
                "a client needs users and an owner among them".into(),
            ));
        }
        let tx = self.tx;
        self.runtime.block_on(async {
            // The owner column is filled once the users exist.
            let inserted = row(
                tx,
                "INSERT INTO clients (practice_id, name, code, status, owner_id, version,
                                      updated_at, sort_name, search_text)
                 VALUES ($1, $2, $3, $4, 0, 1, $5, $6, $7) RETURNING id",
                &[
                    &sql_id(new.practice.0)?,
                    &new.name,
                    &new.code,
                    &new.status.as_str(),
                    &new.updated_at.0,
                    &search::sort_key(&new.name),
                    &search::search_text(&new.name, new.code.as_deref()),
                ],
            )
            .await?;
            let id = ClientId(id_at(&inserted, 0)?);
            let mut users = Vec::with_capacity(new.users.len());
            for user in &new.users {
                let inserted = row(
                    tx,
                    "INSERT INTO users (client_id, name, email, role) VALUES ($1, $2, $3, $4)
                     RETURNING id",
                    &[
                        &sql_id(id.0)?,
                        &user.name,
                        &user.email,
                        &role_str(user.role),
                    ],
                )
                .await?;
                let user_id = UserId(id_at(&inserted, 0)?);
                if let Some(hash) = &user.password_hash {
                    add_credentials(tx, &user.email, hash, Subject::ClientUser(user_id)).await?;
                }
                users.push(ClientUser {
                    id: user_id,
                    name: user.name.clone(),
                    email: user.email.clone(),
                    role: user.role,
                });
            }
            let owner = users[new.owner].id;
            execute(
                tx,
                "UPDATE clients SET owner_id = $2 WHERE id = $1",
                &[&sql_id(id.0)?, &sql_id(owner.0)?],
            )
            .await?;
            let mut businesses = Vec::with_capacity(new.businesses.len());
            for business in &new.businesses {
                let business_owner = users
                    .get(business.owner)
                    .ok_or_else(|| StoreError::Internal("a business owner is not a user".into()))?
                    .id;
                let inserted = row(
                    tx,
                    "INSERT INTO businesses (client_id, name, status, owner_id)
                     VALUES ($1, $2, $3, $4) RETURNING id",
                    &[
                        &sql_id(id.0)?,
                        &business.name,
                        &business.status.as_str(),
                        &sql_id(business_owner.0)?,
                    ],
                )
                .await?;
                businesses.push(Business {
                    id: BusinessId(id_at(&inserted, 0)?),
                    name: business.name.clone(),
                    status: business.status,
                    owner: business_owner,
                });
            }
            Ok(Client {
                id,
                name: new.name.clone(),
                code: new.code.clone(),
                status: new.status,
                version: 1,
                owner,
                users,
                businesses,
                scheduled_deactivation: None,
                schedule_failure: None,
            })
        })
    }

    fn add_document(&mut self, document: DocumentRecord) -> Result<DocumentId, StoreError> {
        let tx = self.tx;
        self.runtime.block_on(async {
            let file = document.file.as_ref();
            let inserted = row(
                tx,
                "INSERT INTO documents (business_id, file_name, added_at, added_by, extraction,
                                        reason, size_bytes, content_type, sha256)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &[
                    &sql_id(document.business.0)?,
                    &document.file_name,
                    &document.added_at.0,
                    &document.added_by,
                    &document.extraction.as_str(),
                    &document.extraction.reason().map(reason_str),
                    &file.map(|file| sql_id(file.size_bytes)).transpose()?,
                    &file.map(|file| file.content_type.as_str()),
                    &file.map(|file| file.sha256.as_str()),
                ],
            )
            .await?;
            let id = DocumentId(id_at(&inserted, 0)?);
            if let Some((fields, raw_text)) = &document.read {
                super::extractions::record_fields(tx, id, fields, raw_text, document.added_at)
                    .await?;
            }
            Ok(id)
        })
    }
}

async fn add_credentials(
    tx: &super::Tx<'_>,
    email: &str,
    password_hash: &str,
    subject: Subject,
) -> Result<(), StoreError> {
    let (staff, user) = match subject {
        Subject::Staff(id) => (Some(sql_id(id.0)?), None),
        Subject::ClientUser(id) => (None, Some(sql_id(id.0)?)),
    };
    let statement = tx
        .prepare_cached(
            "INSERT INTO credentials (email, password_hash, staff_id, user_id)
             VALUES ($1, $2, $3, $4)",
        )
        .await?;
    match tx
        .execute(&statement, &[&email, &password_hash, &staff, &user])
        .await
    {
        Ok(_) => Ok(()),
        Err(error) if is_unique_violation(&error) => Err(StoreError::EmailTaken(email.to_owned())),
        Err(error) => Err(error.into()),
    }
}
