//! The only place that talks HTTP. Screens reach the server through the
//! [`Api`] trait, provided as context, so tests can hand them a fake; the real
//! implementation is [`HttpApi`], over gloo-net.
//!
//! The server knows who is asking from its session cookie, so every request
//! carries credentials (the API may live on another origin), and every change
//! carries the session's CSRF token as `X-CSRF-Token`. Files go up with
//! XMLHttpRequest instead of fetch, for their progress (see `upload`), and
//! the live updates come through an `EventSource` (see `live`).

mod changes;
mod documents;
mod error;
mod http;
mod list;
mod live;
mod onboarding;
mod reextract;
mod upload;

pub use changes::Changed;
pub use documents::{DocumentScope, OnProgress, Progress};
pub use error::{ApiError, UNEXPECTED_ANSWER};
pub use http::HttpApi;
pub(crate) use http::from_json;
use http::{parse, read, refused, succeeded};
pub use list::{ListQuery, PageFrom};
pub use live::{LiveEvent, LiveStream, OnLiveEvent, reopen_after};

use clientele_core::wire::{
    ActivityEntry, ClientPage, DocumentView, ExtractNowRequest, ImpactView, ImportPreview,
    ImportResult, Invitation, InvitationView, NewClient, NewClientRequest, Portal, Session,
    UserInvitation,
};
use clientele_core::{BusinessId, Client, ClientId, Command, DocumentId, Target, UserId};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A request in flight. gloo-net's futures are not `Send`, so neither is this.
pub type ApiFuture<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

/// Everything the screens ask of the server.
pub trait Api {
    /// Who is signed in; a 401 when nobody is.
    fn session(&self) -> ApiFuture<Session>;
    /// Signs in; a 401 `invalid_credentials` for a wrong email or password,
    /// a 429 `too_many_attempts` after too many of them.
    fn sign_in(&self, email: &str, password: &str) -> ApiFuture<Session>;
    /// Ends the session.
    fn sign_out(&self) -> ApiFuture<()>;
    /// Changes the signed-in person's own password; their other sessions
    /// end. A wrong current password is a 422 `wrong_password`.
    fn change_password(&self, current: &str, new: &str) -> ApiFuture<()>;
    /// A page of one view of the client list: `limit` rows from `from`,
    /// with the view's total and each tab's count.
    fn clients(&self, query: &ListQuery, from: &PageFrom, limit: u64) -> ApiFuture<ClientPage>;
    /// One client, whole.
    fn client(&self, id: ClientId) -> ApiFuture<Client>;
    /// A client's activity, newest first.
    fn activity(&self, id: ClientId) -> ApiFuture<Vec<ActivityEntry>>;
    /// A business's documents, newest first.
    fn documents(&self, business: BusinessId) -> ApiFuture<Vec<DocumentView>>;
    /// Sends a change made against `expected_version`; a retry must reuse
    /// `idempotency_key`, so the server applies it once.
    fn change(
        &self,
        client: ClientId,
        expected_version: u64,
        command: &Command,
        idempotency_key: &str,
    ) -> ApiFuture<Changed>;
    /// Adds a client with its first business and user; the client as
    /// stored and its owner's invitation.
    fn add_client(&self, request: &NewClientRequest, idempotency_key: &str)
    -> ApiFuture<NewClient>;
    /// What an invitation link is for; needs no session. Used, expired and
    /// unknown links answer 410 or 404 with the server's words.
    fn invitation(&self, token: &str) -> ApiFuture<InvitationView>;
    /// Sets the invited person's password and signs them in.
    fn accept_invitation(&self, token: &str, password: &str) -> ApiFuture<Session>;
    /// What importing this CSV file would create, and its wrong rows;
    /// writes nothing.
    fn preview_import(&self, file: web_sys::File) -> ApiFuture<ImportPreview>;
    /// Imports this CSV file, all or nothing, telling `on_progress` as it
    /// goes up.
    fn import_clients(
        &self,
        file: web_sys::File,
        on_progress: OnProgress,
    ) -> ApiFuture<ImportResult>;
    /// The client list as CSV, as `query` shows it.
    fn export_clients(&self, query: &ListQuery) -> ApiFuture<web_sys::Blob>;
    /// The signed-in client user's account: its practice, the user and the
    /// account's businesses, with the banners to show.
    fn portal(&self) -> ApiFuture<Portal>;
    /// A business of the signed-in client user's own account: its
    /// documents, newest first.
    fn portal_documents(&self, business: BusinessId) -> ApiFuture<Vec<DocumentView>>;
    /// Sends one file to become a document of `to`'s business, telling
    /// `on_progress` as it goes up; the stored document, with its extraction
    /// state, or why the server refused the file.
    fn upload(
        &self,
        to: DocumentScope,
        file: web_sys::File,
        on_progress: OnProgress,
    ) -> ApiFuture<DocumentView>;
    /// Where a document's original file is downloaded from. The session
    /// cookie goes with a plain link, so no script is needed to save it.
    fn file_url(&self, document: DocumentId) -> String;
    /// "Retry": queues a document whose extraction failed again.
    fn retry_extraction(&self, document: DocumentId) -> ApiFuture<DocumentView>;
    /// Follows the live updates of what the signed-in person may see,
    /// telling `on_event` each; until the stream is dropped.
    fn live_events(&self, on_event: OnLiveEvent) -> LiveStream;
    /// A client's documents added while it or their business was
    /// deactivated (`not_extracted`), newest first.
    fn added_while_deactivated(&self, client: ClientId) -> ApiFuture<Vec<DocumentView>>;
    /// "Extract now": queues some (or all) of those documents; the
    /// documents as queued. A retry must reuse `idempotency_key`.
    fn extract_now(
        &self,
        client: ClientId,
        request: &ExtractNowRequest,
        idempotency_key: &str,
    ) -> ApiFuture<Vec<DocumentView>>;
    /// What deactivating `target` of the client would change, counted by
    /// `core` on the server.
    fn impact(&self, client: ClientId, target: Target) -> ApiFuture<ImpactView>;
    /// The client's users, each with whether they have accepted their
    /// invitation and, if not, their latest link's dates.
    fn invitations_of(&self, client: ClientId) -> ApiFuture<Vec<UserInvitation>>;
    /// "New link": a new invitation for `user`, replacing their last. A
    /// retry must reuse `idempotency_key`, so the link answered first is
    /// the one that works.
    fn renew_invitation(
        &self,
        client: ClientId,
        user: UserId,
        idempotency_key: &str,
    ) -> ApiFuture<Invitation>;

    /// A business's documents, read from `scope`'s side.
    fn documents_in(&self, scope: DocumentScope) -> ApiFuture<Vec<DocumentView>> {
        match scope {
            DocumentScope::Practice(business) => self.documents(business),
            DocumentScope::Portal(business) => self.portal_documents(business),
        }
    }
}

/// The API as the screens hold it.
pub type SharedApi = Arc<dyn Api + Send + Sync>;

/// A fresh idempotency key for one user action.
pub fn new_idempotency_key() -> String {
    let random = (js_sys::Math::random() * 1e15) as u64;
    format!("{:x}-{random:x}", js_sys::Date::now() as u64)
}
