//! The servers a benchmark measures, started on loopback and stopped (by
//! process id) when dropped: Clientele's own, and json-server for comparison.

use crate::wrk::LoadResult;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server process.
pub struct Running {
    /// Its base URL.
    pub url: String,
    child: Child,
    _dir: Option<tempfile::TempDir>,
    /// Where its log goes (Clientele's: warnings and errors), if kept.
    log: Option<tempfile::NamedTempFile>,
}

impl Running {
    /// The last `lines` lines of the server's log, or a line saying there
    /// is none.
    pub fn log_tail(&self, lines: usize) -> String {
        let Some(log) = &self.log else {
            return "(no log kept)".into();
        };
        let text = std::fs::read_to_string(log.path()).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        if all.is_empty() {
            return "(nothing logged)".into();
        }
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

/// Says on the benchmark's output what `result`'s failures were, and how
/// the logs of the `servers` that answered them end, when there were any:
/// a failure in a recorded figure should come with its cause.
pub fn tell_failures(what: &str, result: &LoadResult, servers: &[&Running]) {
    if result.failures == 0 {
        return;
    }
    eprintln!(
        "bench: {what}: {} failed ({})",
        result.failures,
        result.failures_told()
    );
    for server in servers {
        eprintln!(
            "bench: the log of {} ends:\n{}",
            server.url,
            server.log_tail(20)
        );
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `clientele-server` with a fresh database seeded with the demo practices
/// (`--demo`), the first of them with `clients` clients, serving `dist`,
/// with the fault switch on. Sign in with [`crate::session::Session`].
pub fn clientele(binary: &Path, dist: &Path, clients: usize) -> Running {
    clientele_on(binary, dist, clients, "127.0.0.1")
}

/// [`clientele`] on another loopback address, such as `127.0.0.2`: a
/// browser keeps one session cookie per host, whatever the port, so two
/// servers signed in to from one browser need a host each.
pub fn clientele_on(binary: &Path, dist: &Path, clients: usize, host: &str) -> Running {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = dir.path().join("bench.db");
    let clients = clients.to_string();
    let mut running = start_clientele(
        binary,
        dist,
        host,
        &[
            "--demo".as_ref(),
            "--seed-clients".as_ref(),
            clients.as_ref(),
            "--db".as_ref(),
            db.as_os_str(),
        ],
    );
    running._dir = Some(dir);
    running
}

/// One of several `clientele-server` instances on the PostgreSQL database
/// at `url`, sharing the `files` folder; `seed` seeds the demo practices
/// (with that many clients in the first) when the database is empty.
pub fn clientele_postgres(
    binary: &Path,
    dist: &Path,
    url: &str,
    files: &Path,
    seed: Option<usize>,
) -> Running {
    let mut args: Vec<std::ffi::OsString> =
        vec!["--db".into(), url.into(), "--files".into(), files.into()];
    if let Some(clients) = seed {
        args.extend([
            "--demo".into(),
            "--seed-clients".into(),
            clients.to_string().into(),
        ]);
    }
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|arg| arg.as_os_str()).collect();
    start_clientele(binary, dist, "127.0.0.1", &args)
}

fn start_clientele(binary: &Path, dist: &Path, host: &str, args: &[&std::ffi::OsStr]) -> Running {
    let log = tempfile::NamedTempFile::new().expect("a file for the server's log");
    let stderr = log.reopen().expect("the server's log, for writing");
    let mut child = Command::new(binary)
        .arg("--addr")
        .arg(format!("{host}:0"))
        .arg("--fault-injection")
        .args(args)
        .arg("--dist")
        .arg(dist)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {}: {error}", binary.display()));
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    stdout
        .read_line(&mut line)
        .expect("the server's first line");
    // The rest (the demo accounts' line) is read and dropped, so the server
    // never writes into a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let url = line
        .trim()
        .strip_prefix("Clientele listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    wait_until_quiet(child.id());
    Running {
        url,
        child,
        _dir: None,
        log: Some(log),
    }
}

/// Waits, at most a minute, until the server has no child process and has
/// used under 2 % of a core for half a second. Right after it starts it
/// extracts the demo's documents (`pdftotext` and `tesseract`, about a core
/// for several seconds), and no measurement should share the machine with
/// that.
fn wait_until_quiet(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut before = cpu_ticks(pid);
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
        let now = cpu_ticks(pid);
        if now.saturating_sub(before) <= 1 && !has_children(pid) {
            return;
        }
        before = now;
    }
    eprintln!("bench: the server at pid {pid} was still busy after a minute; measuring anyway");
}

/// CPU time of `pid` and of its children that have ended, in clock ticks
/// (`/proc/<pid>/stat`: utime, stime, cutime, cstime).
fn cpu_ticks(pid: u32) -> u64 {
    let fields = stat_fields(Path::new(&format!("/proc/{pid}/stat")));
    (11..=14)
        .filter_map(|index| fields.get(index)?.parse::<u64>().ok())
        .sum()
}

/// Whether any process has `pid` as its parent.
fn has_children(pid: u32) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return false;
    };
    let pid = pid.to_string();
    entries
        .flatten()
        .any(|entry| stat_fields(&entry.path().join("stat")).get(1) == Some(&pid))
}

/// The fields of a `/proc/<pid>/stat` file from the third (the state) on,
/// none if it cannot be read. They follow the command name, which is in
/// parentheses and may hold spaces.
fn stat_fields(stat: &Path) -> Vec<String> {
    let stat = std::fs::read_to_string(stat).unwrap_or_default();
    stat.rsplit_once(") ").map_or(Vec::new(), |(_, rest)| {
        rest.split_whitespace().map(str::to_owned).collect()
    })
}

/// json-server 0.17 serving `db.json` on a free port.
pub fn json_server(binary: &Path, db: &Path) -> Running {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(binary)
        .args([
            "--quiet",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
        ])
        .arg(db)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {}: {error}", binary.display()));
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "json-server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Running {
        url: format!("http://127.0.0.1:{port}"),
        child,
        _dir: None,
        log: None,
    }
}

/// chromedriver on a free port.
pub fn chromedriver() -> Running {
    let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(&binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {binary}: {error}"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Running {
        url: format!("http://127.0.0.1:{port}"),
        child,
        _dir: None,
        log: None,
    }
}
