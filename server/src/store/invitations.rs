//! New invitation links, as storage sees them: which of a client's users
//! have set a password, the latest link of those who have not, and a new
//! link for one of them that replaces the last. `core` decides who may have one
//! ([`clientele_core::onboarding::renew_invitation`]) and when a link stops
//! working ([`clientele_core::onboarding::link_expires_at`]).

use super::{Actor, Idempotency, NewInvitation, Outcome, StoreError};
use crate::domain::format_time;
use clientele_core::onboarding::{link_expires_at, needs_new_link};
use clientele_core::wire::{Invitation, UserInvitation};
use clientele_core::{ClientId, PracticeId, Timestamp, UserId};

/// A user of a client's account and their invitation, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvitationOf {
    /// The user.
    pub user: UserId,
    /// Whether they have set a password.
    pub accepted: bool,
    /// When their latest unused invitation was made, if they have one.
    pub invited_at: Option<Timestamp>,
}

impl InvitationOf {
    /// As the API answers it at `now`.
    pub fn view(self, now: Timestamp) -> UserInvitation {
        UserInvitation {
            user_id: self.user,
            accepted: self.accepted,
            invited_at: self.invited_at.map(format_time),
            expires_at: self.invited_at.map(|at| format_time(link_expires_at(at))),
            expired: needs_new_link(self.accepted, self.invited_at, now),
        }
    }
}

/// `POST /api/clients/{id}/users/{user_id}/invitation`: a new link for a
/// user who has not set a password.
#[derive(Debug, Clone)]
pub struct RenewInvitation {
    /// The caller's practice.
    pub practice: PracticeId,
    /// The client.
    pub client_id: ClientId,
    /// The user to send the link to.
    pub user_id: UserId,
    /// Who asked.
    pub actor: Actor,
    /// When.
    pub at: Timestamp,
    /// The new link, made by the caller.
    pub invitation: NewInvitation,
    /// The request's idempotency key, if it had one.
    pub idempotency: Option<Idempotency>,
}

/// New invitation links for a practice's clients' users.
pub trait InvitationStore: Send + Sync + 'static {
    /// The users of the practice's client, in the account's order, each
    /// with whether they have set a password and, if not, their latest
    /// unused invitation. [`StoreError::NotFound`] for a client outside the
    /// practice.
    fn invitations_of(
        &self,
        practice: PracticeId,
        client: ClientId,
    ) -> Result<Vec<InvitationOf>, StoreError>;

    /// Makes `renewal`'s link the user's only one, in one transaction: the
    /// user's unused invitations go (their links stop working), the new one
    /// is stored, and the client's activity records it. Refused by `core`
    /// for someone not in the account (404) or who has set a password
    /// (409). A retry with the request's idempotency key answers the first
    /// answer again.
    fn renew_invitation(&self, renewal: RenewInvitation)
    -> Result<Outcome<Invitation>, StoreError>;
}
