//! A small closed-loop load generator: N connections, each sending its next
//! request as soon as the last one was answered, for a fixed time, on
//! loopback only. It reports requests per second and the 99th percentile,
//! and names any answers that were not 2xx on stderr.

use reqwest::header::HeaderMap;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What each connection sends.
#[derive(Clone)]
pub enum Workload {
    /// GET this URL again and again.
    Read(String),
    /// Clientele: each connection owns one client (id, owner, version) and
    /// alternates deactivate and reactivate at the right version.
    ClienteleWrites(String, Vec<(u64, u64, u64)>),
    /// json-server: each connection owns one client and alternates its status.
    JsonServerWrites(String, Vec<u64>),
}

/// Throughput and tail latency of one run.
#[derive(Debug, Clone, Copy)]
pub struct LoadResult {
    /// Answered requests per second.
    pub per_second: f64,
    /// 99th-percentile latency in milliseconds.
    pub p99_ms: f64,
    /// Answers that were not 2xx, and requests that got no answer.
    pub failures: u64,
    /// Of those, answers 401 or 403: the session or its CSRF token was
    /// refused, so the run measured nothing real.
    pub refused: u64,
}

/// Runs `workload` on `connections` connections for `duration`, every
/// request sending `headers` (the session's cookie and CSRF token for
/// Clientele, none for json-server).
pub async fn run(
    workload: Workload,
    headers: &HeaderMap,
    connections: usize,
    duration: Duration,
) -> LoadResult {
    let label = workload.label();
    let workload = Arc::new(workload);
    let started = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|index| {
            let workload = Arc::clone(&workload);
            let headers = headers.clone();
            tokio::spawn(
                async move { connection(&workload, headers, index, started + duration).await },
            )
        })
        .collect();
    let mut latencies = Vec::new();
    // Not-2xx answers by status; 0 counts requests that got no answer.
    let mut failed = BTreeMap::<u16, u64>::new();
    for task in tasks {
        let (mut times, statuses) = task.await.expect("a load task");
        latencies.append(&mut times);
        for (status, count) in statuses {
            *failed.entry(status).or_default() += count;
        }
    }
    if !failed.is_empty() {
        let shown: Vec<String> = failed
            .iter()
            .map(|(status, count)| match status {
                0 => format!("{count} without an answer"),
                _ => format!("{count} × {status}"),
            })
            .collect();
        eprintln!(
            "bench: {label} at {connections} connections: not 2xx: {}",
            shown.join(", ")
        );
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    let p99 = latencies
        .get(((latencies.len() as f64) * 0.99) as usize)
        .or(latencies.last())
        .copied()
        .unwrap_or(f64::NAN);
    LoadResult {
        per_second: latencies.len() as f64 / elapsed,
        p99_ms: p99,
        failures: failed.values().sum(),
        refused: failed.get(&401).unwrap_or(&0) + failed.get(&403).unwrap_or(&0),
    }
}

impl Workload {
    /// What the workload is, for messages.
    fn label(&self) -> String {
        match self {
            Workload::Read(url) => format!("GET {url}"),
            Workload::ClienteleWrites(base, _) => format!("Clientele writes on {base}"),
            Workload::JsonServerWrites(base, _) => format!("json-server writes on {base}"),
        }
    }
}

/// One connection's loop: its latencies, and its not-2xx answers by status
/// (0 for no answer).
async fn connection(
    workload: &Workload,
    headers: HeaderMap,
    index: usize,
    until: Instant,
) -> (Vec<f64>, BTreeMap<u16, u64>) {
    // One client per connection, so each keeps its own keep-alive socket.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .default_headers(headers)
        .build()
        .expect("an HTTP client");
    let mut times = Vec::new();
    let mut failures = BTreeMap::<u16, u64>::new();
    let mut step = 0u64;
    while Instant::now() < until {
        let request = match workload {
            Workload::Read(url) => http.get(url),
            Workload::ClienteleWrites(base, clients) => {
                let (id, owner, first_version) = clients[index % clients.len()];
                let version = first_version + step;
                if step.is_multiple_of(2) {
                    http.post(format!("{base}/api/clients/{id}/deactivate")).json(
                        &serde_json::json!({ "new_owner_id": owner, "expected_version": version }),
                    )
                } else {
                    http.post(format!("{base}/api/clients/{id}/reactivate"))
                        .json(&serde_json::json!({ "expected_version": version }))
                }
            }
            Workload::JsonServerWrites(base, ids) => {
                let id = ids[index % ids.len()];
                let status = if step.is_multiple_of(2) {
                    "deactivated"
                } else {
                    "active"
                };
                http.patch(format!("{base}/clients/{id}"))
                    .json(&serde_json::json!({ "status": status }))
            }
        };
        let sent = Instant::now();
        match request.send().await {
            Ok(answer) => {
                let status = answer.status();
                let _ = answer.bytes().await;
                if status.is_success() {
                    times.push(sent.elapsed().as_secs_f64() * 1000.0);
                    step += 1;
                } else {
                    *failures.entry(status.as_u16()).or_default() += 1;
                }
            }
            Err(_) => *failures.entry(0).or_default() += 1,
        }
    }
    (times, failures)
}
