//! Creating practices, staff, clients and documents in one transaction, for
//! callers outside the HTTP API: the demo seed and `create-admin`.

use super::{SqliteStore, is_unique_violation, reason_str, role_str, to_sql_id};
use crate::store::{
    Actor, DocumentRecord, NewClient, NewStaff, Provision, Provisioning, StoreError, Subject,
};
use clientele_core::search;
use clientele_core::{
    Business, BusinessId, Client, ClientId, ClientUser, DocumentId, Event, Practice, PracticeId,
    StaffId, Timestamp, UserId,
};
use rusqlite::{Connection, params};

impl Provisioning for SqliteStore {
    fn is_empty(&self) -> Result<bool, StoreError> {
        self.read("checking for data", |db| {
            Ok(db
                .prepare_cached("SELECT NOT EXISTS (SELECT 1 FROM practice)")?
                .query_row([], |row| row.get(0))?)
        })
    }

    fn provision(
        &self,
        work: &mut dyn FnMut(&mut dyn Provision) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.write("provisioning", |tx| work(&mut InTransaction(tx)))
    }
}

/// [`Provision`] inside one SQLite transaction.
struct InTransaction<'a>(&'a Connection);

impl Provision for InTransaction<'_> {
    fn is_empty(&mut self) -> Result<bool, StoreError> {
        Ok(self
            .0
            .prepare_cached("SELECT NOT EXISTS (SELECT 1 FROM practice)")?
            .query_row([], |row| row.get(0))?)
    }

    fn record_activity(
        &mut self,
        client: ClientId,
        at: Timestamp,
        actor: &Actor,
        event: &Event,
    ) -> Result<(), StoreError> {
        super::changes::record_activity(self.0, client, at, actor, event, None)
    }

    fn add_practice(&mut self, name: &str) -> Result<Practice, StoreError> {
        self.0
            .prepare_cached("INSERT INTO practice (name) VALUES (?1)")?
            .execute([name])?;
        Ok(Practice {
            id: PracticeId(self.0.last_insert_rowid() as u64),
            name: name.to_owned(),
        })
    }

    fn add_staff(&mut self, staff: NewStaff) -> Result<StaffId, StoreError> {
        self.0
            .prepare_cached(
                "INSERT INTO staff (practice_id, name, email, role) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                to_sql_id(staff.practice.0)?,
                staff.name,
                staff.email,
                staff.role.as_str()
            ])?;
        let id = StaffId(self.0.last_insert_rowid() as u64);
        add_credentials(
            self.0,
            &staff.email,
            &staff.password_hash,
            Subject::Staff(id),
        )?;
        Ok(id)
    }

    fn practice_of_staff(&mut self, email: &str) -> Result<Option<Practice>, StoreError> {
        use rusqlite::OptionalExtension;
        let found: Option<(u64, String)> = self
            .0
            .prepare_cached(
                "SELECT p.id, p.name FROM staff s JOIN practice p ON p.id = s.practice_id
                 WHERE s.email = ?1",
            )?
            .query_row([email], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?;
        Ok(found.map(|(id, name)| Practice {
            id: PracticeId(id),
            name,
        }))
    }

    fn add_client(&mut self, new: NewClient) -> Result<Client, StoreError> {
        if new.users.is_empty() || new.owner >= new.users.len() {
            return Err(StoreError::Internal(
                "a client needs users and an owner among them".into(),
            ));
        }
        // The owner column is filled once the users exist.
        self.0
            .prepare_cached(
                "INSERT INTO clients (practice_id, name, code, status, owner_id, version, updated_at,
                                      sort_name, search_text)
                 VALUES (?1, ?2, ?3, ?4, 0, 1, ?5, ?6, ?7)",
            )?
            .execute(params![
                to_sql_id(new.practice.0)?,
                new.name,
                new.code,
                new.status.as_str(),
                new.updated_at.0,
                search::sort_key(&new.name),
                search::search_text(&new.name, new.code.as_deref())
            ])?;
        let id = ClientId(self.0.last_insert_rowid() as u64);
        let mut users = Vec::with_capacity(new.users.len());
        for user in &new.users {
            self.0
                .prepare_cached(
                    "INSERT INTO users (client_id, name, email, role) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![id.0, user.name, user.email, role_str(user.role)])?;
            let user_id = UserId(self.0.last_insert_rowid() as u64);
            if let Some(hash) = &user.password_hash {
                add_credentials(self.0, &user.email, hash, Subject::ClientUser(user_id))?;
            }
            users.push(ClientUser {
                id: user_id,
                name: user.name.clone(),
                email: user.email.clone(),
                role: user.role,
            });
        }
        let owner = users[new.owner].id;
        self.0
            .prepare_cached("UPDATE clients SET owner_id = ?2 WHERE id = ?1")?
            .execute(params![id.0, owner.0])?;
        let mut businesses = Vec::with_capacity(new.businesses.len());
        for business in &new.businesses {
            let business_owner = users
                .get(business.owner)
                .ok_or_else(|| StoreError::Internal("a business owner is not a user".into()))?
                .id;
            self.0
                .prepare_cached(
                    "INSERT INTO businesses (client_id, name, status, owner_id)
                     VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![
                    id.0,
                    business.name,
                    business.status.as_str(),
                    business_owner.0
                ])?;
            businesses.push(Business {
                id: BusinessId(self.0.last_insert_rowid() as u64),
                name: business.name.clone(),
                status: business.status,
                owner: business_owner,
            });
        }
        Ok(Client {
            id,
            name: new.name,
            code: new.code,
            status: new.status,
            version: 1,
            owner,
            users,
            businesses,
            scheduled_deactivation: None,
            schedule_failure: None,
        })
    }

    fn add_document(&mut self, document: DocumentRecord) -> Result<DocumentId, StoreError> {
        let file = document.file.as_ref();
        self.0
            .prepare_cached(
                "INSERT INTO documents (business_id, file_name, added_at, added_by, extraction,
                                        reason, size_bytes, content_type, sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                to_sql_id(document.business.0)?,
                document.file_name,
                document.added_at.0,
                document.added_by,
                document.extraction.as_str(),
                document.extraction.reason().map(reason_str),
                file.map(|file| file.size_bytes),
                file.map(|file| file.content_type.clone()),
                file.map(|file| file.sha256.clone()),
            ])?;
        let id = DocumentId(self.0.last_insert_rowid() as u64);
        if let Some((fields, raw_text)) = document.read {
            super::extractions::record_fields(self.0, id, &fields, &raw_text, document.added_at)?;
        }
        Ok(id)
    }
}

fn add_credentials(
    tx: &Connection,
    email: &str,
    password_hash: &str,
    subject: Subject,
) -> Result<(), StoreError> {
    let (staff, user) = match subject {
        Subject::Staff(id) => (Some(id.0), None),
        Subject::ClientUser(id) => (None, Some(id.0)),
    };
    tx.prepare_cached(
        "INSERT INTO credentials (email, password_hash, staff_id, user_id) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![email, password_hash, staff, user])
    .map_err(|error| {
        if is_unique_violation(&error) {
            StoreError::EmailTaken(email.to_owned())
        } else {
            StoreError::from(error)
        }
    })?;
    Ok(())
}
