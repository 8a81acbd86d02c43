//! A small closed-loop load generator: N connections, each sending its next
//! request as soon as the last one was answered, for a fixed time, on
//! loopback only. It reports requests per second and the 99th percentile.

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
    /// Answers that were not 2xx.
    pub failures: u64,
}

/// Runs `workload` on `connections` connections for `duration`.
pub async fn run(workload: Workload, connections: usize, duration: Duration) -> LoadResult {
    let workload = Arc::new(workload);
    let started = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|index| {
            let workload = Arc::clone(&workload);
            tokio::spawn(async move { connection(&workload, index, started + duration).await })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut failures = 0;
    for task in tasks {
        let (mut times, failed) = task.await.expect("a load task");
        latencies.append(&mut times);
        failures += failed;
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
        failures,
    }
}

async fn connection(workload: &Workload, index: usize, until: Instant) -> (Vec<f64>, u64) {
    // One client per connection, so each keeps its own keep-alive socket.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .build()
        .expect("an HTTP client");
    let mut times = Vec::new();
    let mut failures = 0;
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
                let ok = answer.status().is_success();
                let _ = answer.bytes().await;
                if ok {
                    times.push(sent.elapsed().as_secs_f64() * 1000.0);
                    step += 1;
                } else {
                    failures += 1;
                }
            }
            Err(_) => failures += 1,
        }
    }
    (times, failures)
}
