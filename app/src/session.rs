//! Who is signed in, for the whole app. The session is asked for once at
//! start, set by signing in, and ended by signing out or by a 401 from any
//! call: `EndsOn401` wraps the API so that no screen has to watch for it.
//! What a person may do comes from `core`'s [`allows`], the same function
//! the server enforces.

use crate::api::{
    Api, ApiError, ApiFuture, Changed, DocumentScope, ListQuery, LiveStream, OnLiveEvent,
    OnProgress, PageFrom, SharedApi, UNEXPECTED_ANSWER,
};
use clientele_core::wire::{
    ActivityEntry, ClientPage, DocumentView, ExtractNowRequest, ImpactView, ImportPreview,
    ImportResult, Invitation, InvitationView, NewClient, NewClientRequest, Portal, Session,
    SessionUser, UserInvitation,
};
use clientele_core::{
    Action, BusinessId, Client, ClientId, Command, DocumentId, Principal, Target, UserId, allows,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;

/// How a session ended, which decides where sign-in leads back to and what
/// the sign-in page says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedOutBy {
    /// There was no session when the app started.
    NoSession,
    /// The server stopped knowing the session (it expired, or was ended
    /// elsewhere) while the person was using the app.
    Expired,
    /// The person signed out.
    SigningOut,
}

/// The session as the app knows it.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthState {
    /// Asking the server who is signed in.
    Checking,
    /// The server could not be asked; the message says why.
    Unreachable(String),
    /// Someone is signed in.
    SignedIn(Session),
    /// Nobody is signed in.
    SignedOut(SignedOutBy),
}

/// The part of the app a person may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Only the sign-in page: nobody is signed in.
    SignIn(SignedOutBy),
    /// The practice's Solo Clients.
    Practice,
    /// A client user's own account.
    Portal,
}

/// The session, shared as context.
#[derive(Clone, Copy)]
pub struct Auth {
    state: RwSignal<AuthState>,
}

impl Auth {
    /// Before the server has been asked.
    pub fn new() -> Auth {
        Auth {
            state: RwSignal::new(AuthState::Checking),
        }
    }

    /// The session as it is now.
    pub fn state(&self) -> AuthState {
        self.state.get()
    }

    /// Asks the server who is signed in.
    pub fn check(&self, api: SharedApi) {
        let auth = *self;
        auth.state.set(AuthState::Checking);
        spawn_local(async move {
            let state = match api.session().await {
                Ok(session) => AuthState::SignedIn(session),
                Err(error) if error.is_unauthenticated() => {
                    AuthState::SignedOut(SignedOutBy::NoSession)
                }
                Err(ApiError::Network(_)) => AuthState::Unreachable(
                    "Could not reach the server. Check your connection and try again.".into(),
                ),
                Err(ApiError::Server { status, code, .. }) if code == UNEXPECTED_ANSWER => {
                    AuthState::Unreachable(format!(
                        "The server answered {status}. Try again in a moment."
                    ))
                }
                Err(error) => AuthState::Unreachable(error.message()),
            };
            // The page the answer leads to is drawn in a task of its own.
            crate::store::next_task().await;
            auth.state.set(state);
        });
    }

    /// Someone signed in.
    pub fn signed_in(&self, session: Session) {
        self.state.set(AuthState::SignedIn(session));
    }

    /// Nobody is signed in any more.
    pub fn signed_out(&self, by: SignedOutBy) {
        self.state.set(AuthState::SignedOut(by));
    }

    /// The server answered 401: the session it knew has gone. Only a live
    /// session expires; a late answer after signing out changes nothing.
    pub fn expired(&self) {
        if self.is_signed_in_untracked() {
            self.signed_out(SignedOutBy::Expired);
        }
    }

    fn is_signed_in_untracked(&self) -> bool {
        self.state
            .with_untracked(|state| matches!(state, AuthState::SignedIn(_)))
    }

    /// How the last session ended, if nobody is signed in.
    pub fn signed_out_by(&self) -> Option<SignedOutBy> {
        self.state.with_untracked(|state| match state {
            AuthState::SignedOut(by) => Some(*by),
            _ => None,
        })
    }

    /// Whether nobody is signed in (known, not just not checked yet).
    pub fn is_signed_out(&self) -> bool {
        self.state
            .with(|state| matches!(state, AuthState::SignedOut(_)))
    }

    // `user`, `principal` and `may` do not track the session: the screens
    // that ask live inside one session, and a new session mounts them anew
    // (see `access`), so they never need to follow a change.

    /// The signed-in person.
    pub fn user(&self) -> Option<SessionUser> {
        self.state.with_untracked(|state| match state {
            AuthState::SignedIn(session) => Some(session.user.clone()),
            _ => None,
        })
    }

    /// The signed-in person, as `core` names who is asking.
    pub fn principal(&self) -> Option<Principal> {
        self.state.with_untracked(|state| match state {
            AuthState::SignedIn(session) => session.user.principal(),
            _ => None,
        })
    }

    /// Whether the signed-in person may take `action`, by `core`'s rule.
    pub fn may(&self, action: Action) -> bool {
        self.principal()
            .is_some_and(|principal| allows(&principal, action).is_ok())
    }

    /// The part of the app the person may use. While the session is still
    /// being checked, that is only the sign-in page.
    pub fn area(&self) -> Area {
        match self.state.get() {
            AuthState::SignedIn(_) if self.may(Action::ReadClients) => Area::Practice,
            AuthState::SignedIn(_) => Area::Portal,
            AuthState::SignedOut(by) => Area::SignIn(by),
            AuthState::Checking | AuthState::Unreachable(_) => Area::SignIn(SignedOutBy::NoSession),
        }
    }
}

impl Default for Auth {
    fn default() -> Self {
        Auth::new()
    }
}

/// `api`, except that a 401 from any call ends the session in `auth`, so
/// every screen returns to sign-in the same way, and the call fails with
/// [`ApiError::SessionEnded`].
pub fn ending_on_401(api: SharedApi, auth: Auth) -> SharedApi {
    Arc::new(EndsOn401 { inner: api, auth })
}

/// The API wrapper that [`ending_on_401`] makes.
struct EndsOn401 {
    inner: SharedApi,
    auth: Auth,
}

impl EndsOn401 {
    fn watch<T: 'static>(&self, call: ApiFuture<T>) -> ApiFuture<T> {
        let auth = self.auth;
        Box::pin(async move {
            match call.await {
                Err(error) if error.is_unauthenticated() => {
                    auth.expired();
                    Err(ApiError::SessionEnded)
                }
                answer => answer,
            }
        })
    }
}

impl Api for EndsOn401 {
    // The start-up check and signing in and out answer 401 as part of what
    // they do (no session, wrong password, already out), so they pass
    // through; their callers decide.
    fn session(&self) -> ApiFuture<Session> {
        self.inner.session()
    }

    fn sign_in(&self, email: &str, password: &str) -> ApiFuture<Session> {
        self.inner.sign_in(email, password)
    }

    fn sign_out(&self) -> ApiFuture<()> {
        self.inner.sign_out()
    }

    fn change_password(&self, current: &str, new: &str) -> ApiFuture<()> {
        self.watch(self.inner.change_password(current, new))
    }

    fn clients(&self, query: &ListQuery, from: &PageFrom, limit: u64) -> ApiFuture<ClientPage> {
        self.watch(self.inner.clients(query, from, limit))
    }

    fn client(&self, id: ClientId) -> ApiFuture<Client> {
        self.watch(self.inner.client(id))
    }

    fn activity(&self, id: ClientId) -> ApiFuture<Vec<ActivityEntry>> {
        self.watch(self.inner.activity(id))
    }

    fn documents(&self, business: BusinessId) -> ApiFuture<Vec<DocumentView>> {
        self.watch(self.inner.documents(business))
    }

    fn change(
        &self,
        client: ClientId,
        expected_version: u64,
        command: &Command,
        idempotency_key: &str,
    ) -> ApiFuture<Changed> {
        self.watch(
            self.inner
                .change(client, expected_version, command, idempotency_key),
        )
    }

    fn add_client(
        &self,
        request: &NewClientRequest,
        idempotency_key: &str,
    ) -> ApiFuture<NewClient> {
        self.watch(self.inner.add_client(request, idempotency_key))
    }

    // An invitation is opened and accepted without a session: a 401 there
    // ends nothing.
    fn invitation(&self, token: &str) -> ApiFuture<InvitationView> {
        self.inner.invitation(token)
    }

    fn accept_invitation(&self, token: &str, password: &str) -> ApiFuture<Session> {
        self.inner.accept_invitation(token, password)
    }

    fn preview_import(&self, file: web_sys::File) -> ApiFuture<ImportPreview> {
        self.watch(self.inner.preview_import(file))
    }

    fn import_clients(
        &self,
        file: web_sys::File,
        on_progress: OnProgress,
    ) -> ApiFuture<ImportResult> {
        self.watch(self.inner.import_clients(file, on_progress))
    }

    fn export_clients(&self, query: &ListQuery) -> ApiFuture<web_sys::Blob> {
        self.watch(self.inner.export_clients(query))
    }

    fn portal(&self) -> ApiFuture<Portal> {
        self.watch(self.inner.portal())
    }

    fn portal_documents(&self, business: BusinessId) -> ApiFuture<Vec<DocumentView>> {
        self.watch(self.inner.portal_documents(business))
    }

    fn upload(
        &self,
        to: DocumentScope,
        file: web_sys::File,
        on_progress: OnProgress,
    ) -> ApiFuture<DocumentView> {
        self.watch(self.inner.upload(to, file, on_progress))
    }

    fn file_url(&self, document: DocumentId) -> String {
        self.inner.file_url(document)
    }

    fn retry_extraction(&self, document: DocumentId) -> ApiFuture<DocumentView> {
        self.watch(self.inner.retry_extraction(document))
    }

    // A stream refused with 401 just stops: the next call notices.
    fn live_events(&self, on_event: OnLiveEvent) -> LiveStream {
        self.inner.live_events(on_event)
    }

    fn added_while_deactivated(&self, client: ClientId) -> ApiFuture<Vec<DocumentView>> {
        self.watch(self.inner.added_while_deactivated(client))
    }

    fn extract_now(
        &self,
        client: ClientId,
        request: &ExtractNowRequest,
        idempotency_key: &str,
    ) -> ApiFuture<Vec<DocumentView>> {
        self.watch(self.inner.extract_now(client, request, idempotency_key))
    }

    fn impact(&self, client: ClientId, target: Target) -> ApiFuture<ImpactView> {
        self.watch(self.inner.impact(client, target))
    }

    fn invitations_of(&self, client: ClientId) -> ApiFuture<Vec<UserInvitation>> {
        self.watch(self.inner.invitations_of(client))
    }

    fn renew_invitation(
        &self,
        client: ClientId,
        user: UserId,
        idempotency_key: &str,
    ) -> ApiFuture<Invitation> {
        self.watch(self.inner.renew_invitation(client, user, idempotency_key))
    }
}
