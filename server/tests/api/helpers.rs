//! Fixtures: a fresh app per test, either as a router driven with `oneshot`
//! or as the real binary on port 0, plus a snapshot of every table to prove
//! that a refused request changed nothing.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use clientele_server::store::SqliteStore;
use clientele_server::{AppOptions, app};
use http_body_util::BodyExt;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use tower::ServiceExt;

/// A router over a fresh demo database (40 clients) with the fault switch on.
pub struct TestApp {
    pub router: Router,
    pub db_path: PathBuf,
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

pub fn spawn_app() -> TestApp {
    spawn_app_with(&[])
}

pub fn spawn_app_with(cors_origins: &[&str]) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("clientele.db");
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>Clientele</title>",
    )
    .unwrap();
    let store = SqliteStore::open(&db_path, 40).unwrap();
    let options = AppOptions {
        dist,
        cors_origins: cors_origins.iter().map(|o| o.to_string()).collect(),
        fault_injection: true,
    };
    TestApp {
        router: app(Arc::new(store), &options).unwrap(),
        db_path,
        _dir: dir,
    }
}

impl TestApp {
    pub async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
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
        database_snapshot(&self.db_path)
    }
}

pub fn database_snapshot(path: &std::path::Path) -> String {
    let db = rusqlite::Connection::open(path).unwrap();
    let mut out = String::new();
    for table in [
        "practice",
        "clients",
        "users",
        "businesses",
        "documents",
        "activity",
        "idempotency",
    ] {
        let mut statement = db
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1"))
            .unwrap();
        let columns = statement.column_count();
        let rows = statement
            .query_map([], |row| {
                let values: Vec<String> = (0..columns)
                    .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                    .collect();
                Ok(values.join("|"))
            })
            .unwrap();
        for row in rows {
            out.push_str(table);
            out.push(':');
            out.push_str(&row.unwrap());
            out.push('\n');
        }
    }
    out
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

/// The real `clientele-server` binary on port 0 with a database in `dir`.
pub struct RunningServer {
    pub url: String,
    pub child: Child,
}

impl RunningServer {
    pub fn start(db_path: &std::path::Path, extra: &[&str]) -> RunningServer {
        let mut child = Command::new(env!("CARGO_BIN_EXE_clientele-server"))
            .args(["--addr", "127.0.0.1:0", "--dist", "/nonexistent"])
            .arg("--db")
            .arg(db_path)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(log_file(db_path))
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

    /// Sends SIGKILL: no shutdown code runs.
    pub fn kill_hard(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// The server's log goes next to its database, for tests to read and for
/// people to look at when a test fails; nowhere if that folder does not exist
/// yet (a test of the server creating it).
fn log_file(db_path: &std::path::Path) -> Stdio {
    match std::fs::File::create(db_path.with_extension("log")) {
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
