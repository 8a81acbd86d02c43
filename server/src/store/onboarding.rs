//! Getting clients in and out, as storage sees it: adding a client with its
//! owner's invitation, inviting a user, accepting an invitation, importing
//! many clients in one transaction, and the rows of an export.

use super::{Actor, Change, Idempotency, ListQuery, Outcome, StoreError, Subject};
use crate::domain::format_time;
use clientele_core::onboarding::link_expires_at;
use clientele_core::wire::{
    AddedUser, ImportPreview, ImportedClient, Invitation, InvitationView, NewClient,
    NewClientRequest,
};
use clientele_core::{ClientUser, Command, PracticeId, Status, Timestamp};
use std::collections::HashSet;

/// The SHA-256 of an invitation's token: all the store keeps of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InvitationKey(pub [u8; 32]);

/// A fresh invitation: the token for the link, and the key it is stored
/// under. Made by the caller, since randomness is not the store's to choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvitation {
    /// The secret in the link.
    pub token: String,
    /// Its SHA-256.
    pub key: InvitationKey,
}

impl NewInvitation {
    /// The link's path, for the app's invitation page.
    pub fn link(&self) -> String {
        format!("/invite/{}", self.token)
    }

    /// The invitation of `user`, made at `at`, as the API answers it.
    pub fn for_user(&self, user: &ClientUser, at: Timestamp) -> Invitation {
        Invitation {
            user_id: user.id,
            name: user.name.clone(),
            email: user.email.clone(),
            token: self.token.clone(),
            link: self.link(),
            expires_at: format_time(link_expires_at(at)),
        }
    }
}

/// The HTTP status a successful change answers: 201 for one that adds
/// something (a business, a user), 200 otherwise. The store keeps it with
/// an idempotent answer, so a retry answers the same.
pub fn status_of(command: &Command) -> u16 {
    match command {
        Command::AddBusiness { .. } | Command::AddUser { .. } => 201,
        _ => 200,
    }
}

/// `POST /api/clients`: a client to add, with its owner's invitation.
#[derive(Debug, Clone)]
pub struct AddClient {
    /// The practice it joins.
    pub practice: PracticeId,
    /// What was asked for.
    pub request: NewClientRequest,
    /// Who asked.
    pub actor: Actor,
    /// When.
    pub at: Timestamp,
    /// The owner's invitation.
    pub invitation: NewInvitation,
    /// The request's idempotency key, if it had one.
    pub idempotency: Option<Idempotency>,
}

/// An invitation as stored, with what its page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRecord {
    /// What the page shows.
    pub view: InvitationView,
    /// When it was made.
    pub created_at: Timestamp,
    /// Whether it was used already.
    pub used: bool,
}

/// What is already taken, which an import's rows must not take again: the
/// practice's client codes, and every email that signs in or is invited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Taken {
    /// The practice's client codes, as stored.
    pub codes: Vec<String>,
    /// Emails that sign in to Clientele or have an unused invitation,
    /// normalised.
    pub emails: HashSet<String>,
}

/// An import's writes, but for the clients themselves, which the review
/// decides inside the transaction.
#[derive(Debug, Clone)]
pub struct ImportBatch {
    /// The practice the clients join.
    pub practice: PracticeId,
    /// Who imports.
    pub actor: Actor,
    /// When.
    pub at: Timestamp,
    /// One invitation per client, at least: the owners' invitations, in
    /// order.
    pub invitations: Vec<NewInvitation>,
}

/// One row of the exported client list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    /// The client's name.
    pub name: String,
    /// Its code, if any.
    pub code: Option<String>,
    /// Active or deactivated.
    pub status: Status,
    /// Its businesses' names, in the order they were added.
    pub businesses: Vec<String>,
    /// The account owner's name.
    pub owner: String,
    /// The account owner's email.
    pub owner_email: String,
    /// When it was last deactivated, if it is deactivated.
    pub deactivated_at: Option<Timestamp>,
    /// Who deactivated it then.
    pub deactivated_by: Option<String>,
}

/// Adding, inviting, importing and exporting clients; every method is
/// scoped to one practice, but the invitations, which are found by their
/// token alone.
pub trait OnboardingStore: Send + Sync + 'static {
    /// Adds a client at version 1 with its first business and its owner,
    /// invited, in one transaction. The code must be free in the practice
    /// and the email must not sign in or be invited anywhere.
    fn add_client(&self, new: AddClient) -> Result<Outcome<NewClient>, StoreError>;
    /// Applies `change` (an `AddUser`, whose id the store chooses) and
    /// invites the new user, in one transaction.
    fn add_user(
        &self,
        change: Change,
        invitation: NewInvitation,
    ) -> Result<Outcome<AddedUser>, StoreError>;
    /// The invitation with this key, if there is one.
    fn invitation(&self, key: InvitationKey) -> Result<Option<InvitationRecord>, StoreError>;
    /// Accepts an invitation at `now`, by `core`'s rule: the person's login
    /// is created with this password hash and the invitation is used, in
    /// one transaction. Answers who can now sign in.
    fn accept_invitation(
        &self,
        key: InvitationKey,
        password_hash: String,
        now: Timestamp,
    ) -> Result<Subject, StoreError>;
    /// What an import must not take again.
    fn taken(&self, practice: PracticeId) -> Result<Taken, StoreError>;
    /// Imports the clients `review` accepts, given what is taken as read
    /// inside the same transaction: all of them, or none if it found any
    /// problem ([`StoreError::ImportInvalid`]).
    fn import_clients(
        &self,
        batch: ImportBatch,
        review: &dyn Fn(&Taken) -> ImportPreview,
    ) -> Result<Vec<ImportedClient>, StoreError>;
    /// Every client the list shows for `query`'s tab and search, in its
    /// order (offset and limit are ignored).
    fn export_clients(
        &self,
        practice: PracticeId,
        query: &ListQuery,
    ) -> Result<Vec<ExportRow>, StoreError>;
}
