//! Fixtures: a fresh app per test, either as a router driven with `oneshot`
//! or as the real binary on port 0, plus a snapshot of every table to prove
//! that a refused request changed nothing.
//!
//! A [`TestApp`] is signed in as the first demo practice's admin unless a
//! test says otherwise; its requests carry the session cookie and, for
//! changes, the CSRF token, as the app's would.

pub use crate::test_db::{TestDb, on_postgres};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use clientele_server::clock::ManualClock;
use clientele_server::events::Events;
use clientele_server::extraction::Workers;
use clientele_server::files::FileStore;
use clientele_server::{AppOptions, AppState, DEMO_PASSWORD, app, storage_slots};
use http_body_util::BodyExt;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use tower::ServiceExt;

/// The demo accounts tests sign in as.
pub const ADMIN: &str = "admin@harperlowe.example";
pub const STAFF: &str = "staff@harperlowe.example";
pub const OTHER_ADMIN: &str = "admin@northgate.example";

/// The demo's fixed start, 2026-12-01T00:00:00Z: the manual clock starts here.
pub const START: i64 = 1_796_083_200_000;

/// Who a request is sent as: a session cookie and its CSRF token.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

/// A router over a fresh demo database (40 + 12 clients) with the fault
/// switch on and a clock that moves only when told, signed in as [`ADMIN`].
pub struct TestApp {
    pub router: Router,
    /// The extraction workers, not running: tests take each step.
    pub workers: Workers,
    /// Its database: SQLite, or PostgreSQL with `CLIENTELE_TEST_DB`.
    pub db: TestDb,
    pub files_dir: PathBuf,
    /// The (tiny) built app it serves.
    pub dist_dir: PathBuf,
    pub clock: Arc<ManualClock>,
    pub session: Session,
    _dir: tempfile::TempDir,
}

/// What an endpoint answered.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub headers: axum::http::HeaderMap,
}

impl Answer {
    /// The error code of an error answer.
    pub fn code(&self) -> &str {
        self.body["error"]["code"]
            .as_str()
            .unwrap_or("<no error code>")
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

pub async fn spawn_app_with(cors_origins: &[&str]) -> TestApp {
    spawn_app_with_cookies(cors_origins, false).await
}

/// A test app whose session cookies are marked `Secure` or not.
pub async fn spawn_app_with_cookies(cors_origins: &[&str], secure_cookies: bool) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>Clientele</title>",
    )
    .unwrap();
    let db = TestDb::fresh(dir.path());
    let store = db.open();
    let files_dir = dir.path().join("files");
    let files = Arc::new(FileStore::open(&files_dir).unwrap());
    let (seeding, seeding_files) = (Arc::clone(&store), Arc::clone(&files));
    // Off the async thread: a store may block on a runtime of its own.
    tokio::task::spawn_blocking(move || {
        clientele_server::demo::seed_if_empty(seeding.as_ref(), &seeding_files, 40)
    })
    .await
    .unwrap()
    .unwrap();
    let options = AppOptions {
        dist: dist.clone(),
        cors_origins: cors_origins.iter().map(|o| o.to_string()).collect(),
        fault_injection: true,
    };
    let clock = Arc::new(ManualClock::at(clientele_core::Timestamp(START)));
    let workers = Workers::new(store.clone(), Arc::clone(&files), clock.clone());
    let events = match &db {
        TestDb::Sqlite(_) => Events::in_process(),
        TestDb::Postgres(postgres) => Events::postgres(&postgres.url).await.unwrap(),
    };
    let state = AppState {
        events,
        store,
        files,
        clock: clock.clone(),
        secure_cookies,
        extraction: Arc::clone(&workers.wake),
        storage_slots: storage_slots(),
        read_cache: Arc::default(),
    };
    let mut app = TestApp {
        router: app(state, &options).unwrap(),
        workers,
        db,
        files_dir,
        dist_dir: dist.clone(),
        clock,
        session: Session::default(),
        _dir: dir,
    };
    app.session = app.sign_in_as(ADMIN).await;
    app
}

impl TestApp {
    /// Signs in with a demo account, answering its session.
    pub async fn sign_in_as(&self, email: &str) -> Session {
        let answer = self.sign_in(email, DEMO_PASSWORD).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "signing in as {email}: {:?}",
            answer.body
        );
        session_of(&answer)
    }

    /// `POST /api/session`, without any session.
    pub async fn sign_in(&self, email: &str, password: &str) -> Answer {
        let body = serde_json::json!({ "email": email, "password": password }).to_string();
        self.send_as(
            &Session::default(),
            Request::post("/api/session")
                .header("content-type", "application/json")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// `GET` as `session`.
    pub async fn get_as(&self, session: &Session, path: &str) -> Answer {
        self.send_as(session, Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    /// The email of the first user of a client of the first practice, who
    /// signs in as a client user.
    pub async fn client_user_email(&self, client_id: u64) -> String {
        self.client(client_id).await["users"][0]["email"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Uploads `bytes` as the one `file` part of a multipart form, as this
    /// app's session.
    pub async fn upload(&self, path: &str, file_name: &str, bytes: &[u8]) -> Answer {
        let session = self.session.clone();
        self.upload_as(&session, path, file_name, bytes, None).await
    }

    /// Uploads as `session`, with an idempotency key if given.
    pub async fn upload_as(
        &self,
        session: &Session,
        path: &str,
        file_name: &str,
        bytes: &[u8],
        key: Option<&str>,
    ) -> Answer {
        let mut request = Request::post(path).header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        );
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        let body = multipart_body(file_name, bytes);
        self.send_as(session, request.body(Body::from(body)).unwrap())
            .await
    }

    /// Sends as this app's signed-in session.
    pub async fn send(&self, request: Request<Body>) -> Answer {
        let session = self.session.clone();
        self.send_as(&session, request).await
    }

    /// Sends with `session`'s cookie and, for a change, its CSRF token,
    /// unless the request already has them.
    pub async fn send_as(&self, session: &Session, mut request: Request<Body>) -> Answer {
        let headers = request.headers_mut();
        if let Some(cookie) = &session.cookie
            && !headers.contains_key("cookie")
        {
            headers.insert("cookie", cookie.parse().unwrap());
        }
        let is_change = !matches!(request.method().as_str(), "GET" | "HEAD" | "OPTIONS");
        if let Some(csrf) = &session.csrf
            && is_change
            && !request.headers().contains_key("x-csrf-token")
        {
            request
                .headers_mut()
                .insert("x-csrf-token", csrf.parse().unwrap());
        }
        self.send_raw(request).await
    }

    /// Sends exactly the request given.
    pub async fn send_raw(&self, request: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        // A stream of events never ends: its status and headers are the
        // answer (`events_as` reads one).
        if is_event_stream(&headers) {
            return Answer {
                status,
                body: Value::Null,
                headers,
            };
        }
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Answer {
            status,
            body,
            headers,
        }
    }

    /// Opens `GET /api/events` as `session`, after `last_event_id` if given.
    pub async fn events_as(&self, session: &Session, last_event_id: Option<&str>) -> EventStream {
        let mut request = Request::get("/api/events");
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        if let Some(cookie) = &session.cookie {
            request = request.header("cookie", cookie.as_str());
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(is_event_stream(response.headers()));
        EventStream {
            body: response.into_body(),
            buffer: String::new(),
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.post_raw(path, &body.to_string(), &[]).await
    }

    pub async fn post_with_key(&self, path: &str, body: Value, key: &str) -> Answer {
        self.post_raw(path, &body.to_string(), &[("idempotency-key", key)])
            .await
    }

    pub async fn post_raw(&self, path: &str, body: &str, headers: &[(&str, &str)]) -> Answer {
        let mut request = Request::post(path).header("content-type", "application/json");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::from(body.to_owned())).unwrap())
            .await
    }

    /// Sends `body` as JSON with any method, as this app's session.
    pub async fn send_json(&self, method: &str, path: &str, body: Value) -> Answer {
        let session = self.session.clone();
        self.send_json_as(&session, method, path, body).await
    }

    /// Sends `body` as JSON with any method, as `session`.
    pub async fn send_json_as(
        &self,
        session: &Session,
        method: &str,
        path: &str,
        body: Value,
    ) -> Answer {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send_as(session, request).await
    }

    /// Posts a CSV file, as this app's session.
    pub async fn post_csv(&self, path: &str, csv: impl Into<Vec<u8>>) -> Answer {
        let session = self.session.clone();
        self.post_csv_as(&session, path, csv).await
    }

    /// Posts a CSV file as `session`.
    pub async fn post_csv_as(
        &self,
        session: &Session,
        path: &str,
        csv: impl Into<Vec<u8>>,
    ) -> Answer {
        let request = Request::post(path)
            .header("content-type", "text/csv")
            .body(Body::from(csv.into()))
            .unwrap();
        self.send_as(session, request).await
    }

    /// The client as JSON.
    pub async fn client(&self, id: u64) -> Value {
        let answer = self.get(&format!("/api/clients/{id}")).await;
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
        answer.body
    }

    /// The first client (by name) in a tab that has at least `businesses`
    /// businesses and `users` users.
    pub async fn pick(&self, status: &str, businesses: usize, users: usize) -> Value {
        self.pick_matching(status, |client| {
            client["businesses"].as_array().unwrap().len() >= businesses
                && client["users"].as_array().unwrap().len() >= users
        })
        .await
    }

    /// The first client (by name) in a tab for which `wanted` holds.
    pub async fn pick_matching(&self, status: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let page = self
            .get(&format!("/api/clients?status={status}&limit=100"))
            .await;
        for item in page.body["items"].as_array().unwrap() {
            let client = self.client(item["id"].as_u64().unwrap()).await;
            if wanted(&client) {
                return client;
            }
        }
        panic!("the demo data has no such {status} client");
    }

    /// Every row of every table, to compare before and after.
    pub fn snapshot(&self) -> String {
        self.db.snapshot()
    }

    /// The snapshot without what is random by design: sessions, and the
    /// salted password hashes.
    pub fn data_snapshot(&self) -> String {
        self.snapshot()
            .lines()
            .filter(|line| !line.starts_with("sessions:") && !line.starts_with("credentials:"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The multipart boundary the tests' uploads use.
pub const BOUNDARY: &str = "clientele-test-boundary";

/// A multipart form with one part named `file`.
pub fn multipart_body(file_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A small PDF's bytes, as a scanner or an accounts package writes them.
pub fn pdf_bytes(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% Clientele test receipt\n1 0 obj << /Title ({text}) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
        .into_bytes()
}

/// A real one-page PDF whose text layer has these lines.
pub use clientele_server::receipt::text_pdf;

/// A PNG's first bytes, enough for any reader to know it is a PNG.
pub fn png_bytes() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0".to_vec();
    bytes.extend_from_slice(&[0u8; 32]);
    bytes
}

/// The session a sign-in answer gives: its cookie and CSRF token.
pub fn session_of(answer: &Answer) -> Session {
    let set_cookie = answer
        .headers
        .get("set-cookie")
        .expect("a sign-in sets a cookie")
        .to_str()
        .unwrap();
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    Session {
        cookie: Some(cookie),
        csrf: answer.body["csrf_token"].as_str().map(str::to_owned),
    }
}

/// Helpers to read ids from JSON.
pub fn id(value: &Value) -> u64 {
    value["id"].as_u64().unwrap()
}

pub fn version(client: &Value) -> u64 {
    client["version"].as_u64().unwrap()
}

pub fn user_id(client: &Value, index: usize) -> u64 {
    client["users"][index]["id"].as_u64().unwrap()
}

/// The real `clientele-server` binary on port 0 with a test database.
pub struct RunningServer {
    pub url: String,
    pub child: Child,
}

impl RunningServer {
    pub fn start(db: &TestDb, extra: &[&str]) -> RunningServer {
        let mut args = vec!["--demo"];
        args.extend_from_slice(extra);
        RunningServer::start_without_demo(db, &args)
    }

    /// The binary without `--demo`: an empty database stays empty.
    pub fn start_without_demo(db: &TestDb, extra: &[&str]) -> RunningServer {
        let mut child = Command::new(env!("CARGO_BIN_EXE_clientele-server"))
            .args(["--addr", "127.0.0.1:0", "--dist", "/nonexistent"])
            .args(db.server_args())
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(log_file(&db.log_path()))
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("Clientele listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        RunningServer { url, child }
    }

    /// An HTTP client signed in as a demo account, sending its CSRF token
    /// with every request.
    pub async fn client_as(&self, email: &str) -> reqwest::Client {
        self.client_as_with(email, DEMO_PASSWORD).await
    }

    /// An HTTP client signed in with any email and password.
    pub async fn client_as_with(&self, email: &str, password: &str) -> reqwest::Client {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let signing_in = reqwest::Client::builder()
            .cookie_provider(Arc::clone(&jar))
            .build()
            .unwrap();
        let session: Value = signing_in
            .post(format!("{}/api/session", self.url))
            .json(&serde_json::json!({ "email": email, "password": password }))
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap();
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            "x-csrf-token",
            session["csrf_token"].as_str().unwrap().parse().unwrap(),
        );
        reqwest::Client::builder()
            .cookie_provider(jar)
            .default_headers(headers)
            .build()
            .unwrap()
    }

    /// Sends SIGKILL: no shutdown code runs.
    pub fn kill_hard(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// The server's log goes next to its database, for tests to read and for
/// people to look at when a test fails; nowhere if that folder does not exist
/// yet (a test of the server creating it). Appended to, so a restart's log
/// follows the first run's.
fn log_file(path: &std::path::Path) -> Stdio {
    let opened = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path);
    match opened {
        Ok(file) => file.into(),
        Err(_) => Stdio::null(),
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn is_event_stream(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/event-stream"))
}

/// One Server-Sent Event: its name, id and data.
#[derive(Debug, Clone, PartialEq)]
pub struct SseEvent {
    pub name: String,
    pub id: String,
    pub data: Value,
}

/// An open `GET /api/events`, read event by event.
pub struct EventStream {
    body: Body,
    buffer: String,
}

impl EventStream {
    /// The next event (comments skipped), or `None` if none comes within
    /// `wait`.
    pub async fn next_within(&mut self, wait: std::time::Duration) -> Option<SseEvent> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                if let Some(event) = parse_event(&block) {
                    return Some(event);
                }
                continue;
            }
            let frame = tokio::time::timeout_at(deadline, self.body.frame())
                .await
                .ok()?
                .expect("the stream of events ended")
                .unwrap();
            if let Ok(data) = frame.into_data() {
                self.buffer.push_str(std::str::from_utf8(&data).unwrap());
            }
        }
    }

    /// The next event, which must come within two seconds.
    pub async fn next(&mut self) -> SseEvent {
        self.next_within(std::time::Duration::from_secs(2))
            .await
            .expect("no event came within 2 s")
    }
}

/// An event from one block of the stream; `None` for a comment.
pub fn parse_event(block: &str) -> Option<SseEvent> {
    let (mut name, mut id, mut data) = (String::new(), String::new(), String::new());
    for line in block.lines() {
        if let Some(value) = line.strip_prefix("event:") {
            name = value.trim().to_owned();
        } else if let Some(value) = line.strip_prefix("id:") {
            id = value.trim().to_owned();
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push_str(value.trim());
        }
    }
    if name.is_empty() {
        return None;
    }
    Some(SseEvent {
        name,
        id,
        data: serde_json::from_str(&data).unwrap_or(Value::Null),
    })
}
