//! Several instances on PostgreSQL (issue 14): two `clientele-server`
//! processes on one throwaway PostgreSQL cluster (`bench/run.sh` starts it
//! with `scripts/postgres.sh`), sharing one files folder, loaded at 64
//! connections in all, half on each instance, with the same load generator
//! and the same reads and writes as the SQLite figures: a 1,000-row page of
//! the active list, and deactivate/reactivate at the right version.

use crate::load::{self, LoadResult, Workload};
use crate::session::Session;
use crate::{LOAD_TIME, answer, servers, writable_clients};
use clientele_core::wire::ClientPage;
use serde_json::{Map, Value, json};
use std::path::Path;

/// Connections in all, split evenly over the two instances.
const CONNECTIONS: usize = 64;

/// Measures two instances on the PostgreSQL database at `url`.
pub async fn measure(server: &Path, dist: &Path, url: &str, figures: &mut Map<String, Value>) {
    let files = tempfile::tempdir().expect("a temporary folder");
    // The first seeds the empty database; the second starts on it after.
    let first = servers::clientele_postgres(server, dist, url, files.path(), Some(1_000));
    let second = servers::clientele_postgres(server, dist, url, files.path(), None);
    let session = Session::sign_in(&first.url).await;
    let (http, signed_in) = (session.http(), session.headers());
    let page: ClientPage = answer(
        http.get(format!("{}/api/clients?status=active&limit=64", first.url)),
        "the list",
    )
    .await;
    let writers: Vec<u64> = page.items.iter().map(|client| client.id.0).collect();
    assert_eq!(writers.len(), CONNECTIONS, "the demo has 64 active clients");
    let bases = [first.url.clone(), second.url.clone()];

    let reads = both(
        bases
            .clone()
            .map(|base| Workload::Read(format!("{base}/api/clients?status=active&limit=1000"))),
        &signed_in,
    )
    .await;
    let owned = writable_clients(&http, &first.url, &writers).await;
    let (one, other) = owned.split_at(CONNECTIONS / 2);
    let writes = both(
        [
            Workload::ClienteleWrites(bases[0].clone(), one.to_vec()),
            Workload::ClienteleWrites(bases[1].clone(), other.to_vec()),
        ],
        &signed_in,
    )
    .await;
    for (name, result) in [("read", reads), ("write", writes)] {
        assert_eq!(
            result.refused, 0,
            "an instance refused the session or its CSRF token ({name}s)"
        );
        figures.insert(
            format!("backend.postgres.{name}_rps_c{CONNECTIONS}"),
            json!(result.per_second),
        );
        figures.insert(
            format!("backend.postgres.{name}_p99_ms_c{CONNECTIONS}"),
            json!(result.p99_ms),
        );
        figures.insert(
            format!("backend.postgres.{name}_failures_c{CONNECTIONS}"),
            json!(result.failures),
        );
    }
}

/// Runs the two workloads at once, half the connections each, and adds
/// them up: requests per second summed, the worse p99, failures summed.
async fn both(workloads: [Workload; 2], headers: &reqwest::header::HeaderMap) -> LoadResult {
    let [one, other] = workloads;
    let (one, other) = tokio::join!(
        load::run(one, headers, CONNECTIONS / 2, LOAD_TIME),
        load::run(other, headers, CONNECTIONS / 2, LOAD_TIME),
    );
    LoadResult {
        per_second: one.per_second + other.per_second,
        p99_ms: one.p99_ms.max(other.p99_ms),
        failures: one.failures + other.failures,
        refused: one.refused + other.refused,
    }
}
