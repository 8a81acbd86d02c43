//! Several instances on PostgreSQL (issue 14): two `clientele-server`
//! processes on one throwaway PostgreSQL cluster (`bench/run.sh` starts it
//! with `scripts/postgres.sh`), sharing one files folder, loaded at 64
//! connections in all, half on each instance, with the same load generator
//! (`wrk`) and the same reads and writes as the SQLite figures: a 1,000-row
//! page of the active list, and deactivate/reactivate at the right version.

use crate::backend::writable_clients;
use crate::session::Session;
use crate::wrk::{self, LoadResult, Writes};
use crate::{LOAD_TIME, answer, servers};
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

    let half = CONNECTIONS / 2;
    let reads = both(bases.each_ref().map(|base| {
        let url = format!("{base}/api/clients?status=active&limit=1000");
        let headers = &signed_in;
        move || wrk::read(&url, headers, half, LOAD_TIME)
    }));
    assert_eq!(reads.failures, 0, "an instance's reads were not all 2xx");
    let owned = writable_clients(&http, &first.url, &writers).await;
    let (one, other) = owned.split_at(half);
    let writes = both(
        [(&bases[0], one), (&bases[1], other)].map(|(base, clients)| {
            let headers = &signed_in;
            move || wrk::write(base, &Writes::Clientele(clients), headers, half, LOAD_TIME)
        }),
    );
    for (name, result) in [("read", reads), ("write", writes)] {
        servers::tell_failures(
            &format!("PostgreSQL {name}s at {CONNECTIONS} connections"),
            &result,
            &[&first, &second],
        );
        assert_eq!(
            result.refused, 0,
            "an instance refused the session or its CSRF token ({name}s)"
        );
        result.record(figures, &format!("backend.postgres.{name}"), CONNECTIONS);
        figures.insert(
            format!("backend.postgres.{name}_timeouts_c{CONNECTIONS}"),
            json!(result.timeouts),
        );
    }
    for (kind, count) in [
        ("conflicts", writes.conflicts),
        ("server_errors", writes.server_errors),
    ] {
        figures.insert(
            format!("backend.postgres.write_{kind}_c{CONNECTIONS}"),
            json!(count),
        );
    }
}

/// Runs the two loads at once (a wrk each) and adds them up
/// ([`LoadResult::together`]).
fn both(loads: [impl FnOnce() -> LoadResult + Send; 2]) -> LoadResult {
    let [one, other] = loads;
    let (one, other) = std::thread::scope(|scope| {
        let one = scope.spawn(one);
        (other(), one.join().expect("a wrk run"))
    });
    one.together(other)
}
