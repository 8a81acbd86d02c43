//! The data the tests start from and the fake server they run against: it
//! applies `core`'s rules like the real one, knows three people who can sign
//! in, answers 401 to every call without a session, and can be told to fail.
//! Given a [`script::Script`], it holds every client read and change until
//! the test says when and how each is answered. Its documents, uploads and
//! portal are in `documents`.

use clientele_app::api::{
    Api, ApiError, ApiFuture, Changed, DocumentScope, ListQuery, LiveEvent, LiveStream,
    OnLiveEvent, OnProgress, PageFrom,
};
use clientele_core::wire::{
    ActivityEntry, ClientPage, ClientRef, ClientSummary, DocumentView, ExtractNowRequest,
    ImpactView, ImportPreview, ImportResult, Invitation, InvitationView, NewClient,
    NewClientRequest, Portal, Session, SessionRole, SessionUser, StatusCounts, UserInvitation,
    UserKind,
};
use clientele_core::{
    Business, BusinessId, Client, ClientId, ClientUser, Command, DocumentId, Practice, PracticeId,
    Role, Status, Target, UserId, execute,
};
use send_wrapper::SendWrapper;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

pub mod documents;
pub mod onboarding;
pub mod reextract;
pub mod script;

/// Three clients: Acme (active, code AC-001, two businesses, two users), Birch (active)
/// and Cedar (deactivated, with both businesses deactivated).
pub fn demo() -> BTreeMap<ClientId, Client> {
    let user = |id: u64, name: &str, role| ClientUser {
        id: UserId(id),
        name: name.into(),
        email: format!("{}@example.com", name.to_lowercase().replace(' ', ".")),
        role,
    };
    let business = |id: u64, name: &str, status, owner: u64| Business {
        id: BusinessId(id),
        name: name.into(),
        status,
        owner: UserId(owner),
    };
    let client = |id: u64, name: &str, status, users, businesses| Client {
        id: ClientId(id),
        name: name.into(),
        code: (id == 1).then(|| "AC-001".to_owned()),
        status,
        version: 1,
        owner: UserId(id * 10),
        users,
        businesses,
        scheduled_deactivation: None,
        schedule_failure: None,
    };
    [
        client(
            1,
            "Acme Ltd",
            Status::Active,
            vec![
                user(10, "Priya Shah", Role::Admin),
                user(11, "Ben Carter", Role::Standard),
            ],
            vec![
                business(100, "Acme Shop", Status::Active, 10),
                business(101, "Acme Cafe", Status::Active, 10),
            ],
        ),
        client(
            2,
            "Birch & Co",
            Status::Active,
            vec![user(20, "Zoe Birch", Role::Admin)],
            vec![business(200, "Birch Joinery", Status::Active, 20)],
        ),
        client(
            3,
            "Cedar LLP",
            Status::Deactivated,
            vec![user(30, "Cal Cedar", Role::Admin)],
            vec![
                business(300, "Cedar North", Status::Deactivated, 30),
                business(301, "Cedar South", Status::Deactivated, 30),
            ],
        ),
    ]
    .into_iter()
    .map(|client| (client.id, client))
    .collect()
}

/// The practice everyone here belongs to.
pub const PRACTICE: &str = "Test Practice";
/// Everyone's password in the fake.
pub const PASSWORD: &str = "correct horse battery";

/// Pat, a practice admin: may do everything.
pub fn admin() -> Session {
    session(
        1,
        "Pat Admin",
        "pat@practice.test",
        UserKind::Staff,
        SessionRole::PracticeAdmin,
        None,
    )
}

/// Sam, practice staff: reads clients and adds documents, no more.
pub fn staff() -> Session {
    session(
        2,
        "Sam Staff",
        "sam@practice.test",
        UserKind::Staff,
        SessionRole::Staff,
        None,
    )
}

/// Priya, an admin of Acme Ltd's own account.
pub fn client_user() -> Session {
    let acme = ClientRef {
        id: ClientId(1),
        name: "Acme Ltd".into(),
    };
    session(
        10,
        "Priya Shah",
        "priya@acme.test",
        UserKind::Client,
        SessionRole::Admin,
        Some(acme),
    )
}

fn session(
    id: u64,
    name: &str,
    email: &str,
    kind: UserKind,
    role: SessionRole,
    client: Option<ClientRef>,
) -> Session {
    Session {
        user: SessionUser {
            id,
            name: name.into(),
            email: email.into(),
            kind,
            role,
            practice: Practice {
                id: PracticeId(1),
                name: PRACTICE.into(),
            },
            client,
        },
        csrf_token: format!("csrf-{id}"),
    }
}

/// The server, as far as the screens can tell.
pub struct FakeServer {
    /// Every client, changed by the change calls.
    pub clients: Mutex<BTreeMap<ClientId, Client>>,
    /// When set, every change fails with this.
    pub failure: Mutex<Option<ApiError>>,
    /// The changes asked for, in order.
    pub changes: Mutex<Vec<Command>>,
    /// Who the server's session cookie names; `None` answers 401.
    pub session: Mutex<Option<Session>>,
    /// When set, signing in fails with this whatever the password.
    pub sign_in_refusal: Mutex<Option<ApiError>>,
    /// How long signing in takes.
    pub sign_in_delay_ms: i32,
    /// How many times the app signed out.
    pub sign_outs: Mutex<u32>,
    /// When set, client reads and changes wait for the script to answer.
    pub script: Option<Arc<script::Script>>,
    /// Documents, and the uploads that add to them.
    pub documents: documents::FakeDocuments,
    /// Invitations, imports and exports.
    pub onboarding: onboarding::FakeOnboarding,
    /// The live updates the app follows; the test sends their events.
    pub live: FakeLive,
    /// How many pages of the list were read.
    pub page_reads: std::sync::atomic::AtomicU32,
    /// When set, "Extract now" fails with this.
    pub extract_failure: Mutex<Option<ApiError>>,
    /// How many of the next "Extract now" answers are lost, after the
    /// documents were queued.
    pub extract_lost_answers: Mutex<u32>,
    /// "Extract now"'s answers by idempotency key, replayed to a retry.
    pub extract_replies: Mutex<HashMap<String, Vec<DocumentView>>>,
    /// When set, reading a deactivation's impact fails with this.
    pub impact_failure: Mutex<Option<ApiError>>,
    /// The new passwords asked for, in order.
    pub password_changes: Mutex<Vec<String>>,
}

/// The live updates: the app's listener while its stream is open, which a
/// test hands events to as the server would send them.
#[derive(Default, Clone)]
pub struct FakeLive(Arc<Mutex<Option<SendWrapper<OnLiveEvent>>>>);

impl FakeLive {
    /// Whether the app has the stream open.
    pub fn is_open(&self) -> bool {
        self.0.lock().unwrap().is_some()
    }

    /// Sends `event` to the app, as the server would.
    pub fn send(&self, event: LiveEvent) {
        let listener = self
            .0
            .lock()
            .unwrap()
            .as_ref()
            .map(|listener| Rc::clone(listener));
        listener.expect("the app does not follow the live updates")(event);
    }
}

impl Default for FakeServer {
    /// The demo clients, with Pat (a practice admin) signed in.
    fn default() -> Self {
        FakeServer {
            clients: Mutex::new(demo()),
            failure: Mutex::new(None),
            changes: Mutex::new(Vec::new()),
            session: Mutex::new(Some(admin())),
            sign_in_refusal: Mutex::new(None),
            sign_in_delay_ms: 0,
            sign_outs: Mutex::new(0),
            script: None,
            documents: Default::default(),
            onboarding: Default::default(),
            live: Default::default(),
            page_reads: Default::default(),
            extract_failure: Mutex::new(None),
            extract_lost_answers: Mutex::new(0),
            extract_replies: Mutex::new(HashMap::new()),
            impact_failure: Mutex::new(None),
            password_changes: Mutex::new(Vec::new()),
        }
    }
}

impl FakeServer {
    /// The demo clients and nobody signed in.
    pub fn signed_out() -> FakeServer {
        FakeServer {
            session: Mutex::new(None),
            ..Default::default()
        }
    }

    /// The demo clients with `session` signed in.
    pub fn signed_in(session: Session) -> FakeServer {
        FakeServer {
            session: Mutex::new(Some(session)),
            ..Default::default()
        }
    }

    /// Forgets the session, as when it expires on the server.
    pub fn end_session(&self) {
        *self.session.lock().unwrap() = None;
    }

    fn unauthenticated<T: 'static>(&self) -> Option<ApiFuture<T>> {
        self.session
            .lock()
            .unwrap()
            .is_none()
            .then(|| ready(Err(refusal(401, "unauthenticated", "Sign in to carry on."))))
    }
}

/// An error answer from the server.
pub fn refusal(status: u16, code: &str, message: &str) -> ApiError {
    ApiError::Server {
        status,
        code: code.into(),
        message: message.into(),
        current: None,
        changed_by: None,
    }
}

pub(crate) fn ready<T: 'static>(value: Result<T, ApiError>) -> ApiFuture<T> {
    Box::pin(async move { value })
}

impl Api for FakeServer {
    fn session(&self) -> ApiFuture<Session> {
        let session = self.session.lock().unwrap().clone();
        ready(session.ok_or_else(|| refusal(401, "unauthenticated", "Sign in to carry on.")))
    }

    fn sign_in(&self, email: &str, password: &str) -> ApiFuture<Session> {
        let known = [admin(), staff(), client_user()]
            .into_iter()
            .find(|session| session.user.email == email && password == PASSWORD);
        let answer = match (self.sign_in_refusal.lock().unwrap().clone(), known) {
            (Some(refused), _) => Err(refused),
            (None, Some(session)) => {
                *self.session.lock().unwrap() = Some(session.clone());
                Ok(session)
            }
            (None, None) => Err(refusal(
                401,
                "invalid_credentials",
                "That email and password do not match an account.",
            )),
        };
        let delay = self.sign_in_delay_ms;
        Box::pin(async move {
            crate::sleep(delay).await;
            answer
        })
    }

    fn change_password(&self, current: &str, new: &str) -> ApiFuture<()> {
        if let Some(refused) = self.unauthenticated() {
            return refused;
        }
        self.password_changes.lock().unwrap().push(new.to_owned());
        ready(if current == PASSWORD {
            Ok(())
        } else {
            Err(refusal(
                422,
                "wrong_password",
                "The current password is not right.",
            ))
        })
    }

    fn sign_out(&self) -> ApiFuture<()> {
        if let Some(refused) = self.unauthenticated() {
            return refused;
        }
        *self.sign_outs.lock().unwrap() += 1;
        self.end_session();
        ready(Ok(()))
    }

    fn clients(&self, query: &ListQuery, from: &PageFrom, limit: u64) -> ApiFuture<ClientPage> {
        if let Some(refused) = self.unauthenticated() {
            return refused;
        }
        self.page_reads
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if let Some(script) = &self.script {
            return script.hold_page(self, query, from, limit);
        }
        ready(Ok(self.page(query, from, limit)))
    }

    fn client(&self, id: ClientId) -> ApiFuture<Client> {
        if let Some(refused) = self.unauthenticated() {
            return refused;
        }
        if let Some(script) = &self.script {
            return script.hold_client(self, id);
        }
        ready(self.read_client(id))
    }

    fn activity(&self, _id: ClientId) -> ApiFuture<Vec<ActivityEntry>> {
        if let Some(refused) = self.unauthenticated() {
            return refused;
        }
        ready(Ok(Vec::new()))
    }

    fn documents(&self, business: BusinessId) -> ApiFuture<Vec<DocumentView>> {
        if let Some(refused) = self.unauthenticated() {
            return refused;
        }
        self.documents.list(business)
    }

    fn change(
        &self,
        id: ClientId,
        expected: u64,
        command: &Command,
        key: &str,
    ) -> ApiFuture<Changed> {
        if let Some(refused) = self.unauthenticated() {
            return refused;
        }
        self.changes.lock().unwrap().push(command.clone());
        if let Some(script) = &self.script {
            let held = script.hold_change(id, expected, command, key);
            return Box::pin(async move { held.await.map(Changed::from) });
        }
        if let Some(failure) = self.failure.lock().unwrap().clone() {
            return ready(Err(failure));
        }
        ready(self.decide_change(id, expected, command))
    }

    fn add_client(&self, request: &NewClientRequest, _key: &str) -> ApiFuture<NewClient> {
        if let Some(refused) = self.unauthenticated() {
            return refused;
        }
        let answer = self.add(request);
        let delay = *self.onboarding.add_delay_ms.lock().unwrap();
        Box::pin(async move {
            crate::sleep(delay).await;
            answer
        })
    }

    fn invitation(&self, token: &str) -> ApiFuture<InvitationView> {
        ready(self.onboarding.view(token))
    }

    fn accept_invitation(&self, token: &str, password: &str) -> ApiFuture<Session> {
        let answer = self.onboarding.accept(token, password);
        if let Ok(session) = &answer {
            *self.session.lock().unwrap() = Some(session.clone());
        }
        ready(answer)
    }

    fn preview_import(&self, file: web_sys::File) -> ApiFuture<ImportPreview> {
        if let Some(refused) = self.unauthenticated() {
            return refused;
        }
        let clients = self.clients.lock().unwrap().clone();
        Box::pin(async move {
            let text = onboarding::read_text(&file).await;
            Ok(onboarding::preview(&clients, &text))
        })
    }

    fn import_clients(
        &self,
        file: web_sys::File,
        on_progress: OnProgress,
    ) -> ApiFuture<ImportResult> {
        if let Some(refused) = self.unauthenticated() {
            return refused;
        }
        self.onboarding.import(self, file, on_progress)
    }

    fn export_clients(&self, query: &ListQuery) -> ApiFuture<web_sys::Blob> {
        if let Some(refused) = self.unauthenticated() {
            return refused;
        }
        self.onboarding
            .exports
            .lock()
            .unwrap()
            .push(query.export_path());
        ready(Ok(onboarding::csv_blob("name,code\n")))
    }

    fn portal(&self) -> ApiFuture<Portal> {
        if let Some(refused) = self.unauthenticated() {
            return refused;
        }
        let session = self.session.lock().unwrap().clone().unwrap();
        let clients = self.clients.lock().unwrap();
        ready(documents::portal(&session, &clients))
    }

    fn portal_documents(&self, business: BusinessId) -> ApiFuture<Vec<DocumentView>> {
        if let Some(refused) = self.unauthenticated() {
            return refused;
        }
        self.documents.list(business)
    }

    fn upload(
        &self,
        to: DocumentScope,
        file: web_sys::File,
        on_progress: OnProgress,
    ) -> ApiFuture<DocumentView> {
        if let Some(refused) = self.unauthenticated() {
            return refused;
        }
        let session = self.session.lock().unwrap().clone().unwrap();
        let client = self
            .clients
            .lock()
            .unwrap()
            .values()
            .find(|client| client.business(to.business()).is_some())
            .cloned()
            .unwrap();
        self.documents.receive(
            &client,
            to.business(),
            &session.user.name,
            file,
            on_progress,
        )
    }

    fn file_url(&self, document: DocumentId) -> String {
        format!("/api/documents/{document}/file")
    }

    fn retry_extraction(&self, document: DocumentId) -> ApiFuture<DocumentView> {
        self.documents.retry(document)
    }

    fn live_events(&self, on_event: OnLiveEvent) -> LiveStream {
        *self.live.0.lock().unwrap() = Some(SendWrapper::new(on_event));
        let slot = Arc::clone(&self.live.0);
        LiveStream::new(move || *slot.lock().unwrap() = None)
    }

    fn added_while_deactivated(&self, client: ClientId) -> ApiFuture<Vec<DocumentView>> {
        if let Some(refused) = self.unauthenticated() {
            return refused;
        }
        self.fake_added_while_deactivated(client)
    }

    fn extract_now(
        &self,
        client: ClientId,
        request: &ExtractNowRequest,
        idempotency_key: &str,
    ) -> ApiFuture<Vec<DocumentView>> {
        if let Some(refused) = self.unauthenticated() {
            return refused;
        }
        self.fake_extract_now(client, request, idempotency_key)
    }

    fn impact(&self, client: ClientId, target: Target) -> ApiFuture<ImpactView> {
        if let Some(refused) = self.unauthenticated() {
            return refused;
        }
        self.fake_impact(client, target)
    }

    fn invitations_of(&self, client: ClientId) -> ApiFuture<Vec<UserInvitation>> {
        if let Some(refused) = self.unauthenticated() {
            return refused;
        }
        ready(
            self.read_client(client)
                .map(|client| self.onboarding.invitations_of(&client)),
        )
    }

    fn renew_invitation(
        &self,
        client: ClientId,
        user: UserId,
        idempotency_key: &str,
    ) -> ApiFuture<Invitation> {
        if let Some(refused) = self.unauthenticated() {
            return refused;
        }
        ready(
            self.read_client(client)
                .and_then(|client| self.onboarding.renew(&client, user, idempotency_key)),
        )
    }
}

impl FakeServer {
    /// A page of one view of the client list, as it is now, searched,
    /// sorted and counted as the server does.
    pub fn page(&self, query: &ListQuery, from: &PageFrom, limit: u64) -> ClientPage {
        let mut clients = self.clients.lock().unwrap();
        self.onboarding.land(&mut clients);
        let mut matching: Vec<ClientSummary> = clients
            .values()
            .map(|client| {
                // Each change a second later than the one before.
                let updated_at = format!("2026-11-01T09:00:{:02}Z", client.version.min(59) - 1);
                ClientSummary::of(client, updated_at)
            })
            .filter(|row| row.matches(&query.search))
            .collect();
        if query.by_update {
            matching.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(a.id.cmp(&b.id)));
        } else {
            matching.sort_by_key(|row| (row.name.to_lowercase(), row.id));
        }
        let count = |status| matching.iter().filter(|row| row.status == status).count() as u64;
        let counts = StatusCounts {
            active: count(Status::Active),
            deactivated: count(Status::Deactivated),
        };
        matching.retain(|row| row.status == query.status);
        let PageFrom::Offset(offset) = from else {
            panic!("the fake server hands out no cursors, so none comes back");
        };
        ClientPage {
            total: matching.len() as u64,
            items: matching
                .into_iter()
                .skip(*offset as usize)
                .take(limit as usize)
                .collect(),
            counts,
            next: None,
        }
    }

    /// One client, as it is now.
    pub fn read_client(&self, id: ClientId) -> Result<Client, ApiError> {
        let found = self.clients.lock().unwrap().get(&id).cloned();
        found.ok_or_else(|| refusal(404, "not_found", "No such client."))
    }

    /// Decides a change by `core`'s rules and keeps it if they allow it; a
    /// refusal answers 409 with the current client.
    pub fn decide(
        &self,
        id: ClientId,
        expected: u64,
        command: &Command,
    ) -> Result<Client, ApiError> {
        let mut clients = self.clients.lock().unwrap();
        let current = clients.get(&id).cloned().unwrap();
        // Like the server: `core` first (a stale version is a conflict),
        // then what only the whole practice can tell (a code or an email in
        // use elsewhere), with the ids the server gives what is added.
        let command = match execute(&current, expected, command) {
            Ok(_) => onboarding::as_stored(&clients, id, command)?,
            // Refused just below, with the current client.
            Err(_) => command.clone(),
        };
        match execute(&current, expected, &command) {
            Ok((next, _)) => {
                clients.insert(id, next.clone());
                Ok(next)
            }
            Err(refusal) => Err(ApiError::Server {
                status: 409,
                code: refusal.code().into(),
                message: refusal.to_string(),
                current: Some(Box::new(current)),
                changed_by: None,
            }),
        }
    }
}
