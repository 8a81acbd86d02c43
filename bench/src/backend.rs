//! Backend throughput (issue 13, section 3): Clientele against json-server,
//! both on this machine, for the app's own read (a page of the list), the
//! 1,000-row page of the earlier benchmark, and writes, each at 1, 8 and
//! 64 connections, sent by `wrk`.

use crate::session::Session;
use crate::{Args, LOAD_TIME, READ_PAGE, ROUNDS, answer, servers, wrk};
use clientele_core::Client;
use clientele_core::wire::ClientPage;
use serde_json::{Map, Value, json};
use std::time::Duration;

pub async fn measure(args: &Args, figures: &mut Map<String, Value>) {
    let ours = servers::clientele(&args.server, &args.dist, 1_000);
    let session = Session::sign_in(&ours.url).await;
    let (http, signed_in) = (session.http(), session.headers());
    let none = reqwest::header::HeaderMap::new();
    let mut all = Vec::new();
    for status in ["active", "deactivated"] {
        let page: ClientPage = answer(
            http.get(format!(
                "{}/api/clients?status={status}&limit=10000",
                ours.url
            )),
            "the list",
        )
        .await;
        all.extend(page.items);
    }
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = dir.path().join("db.json");
    std::fs::write(&db, json!({ "clients": all }).to_string()).expect("db.json");
    let theirs = servers::json_server(&args.json_server, &db);
    let writers: Vec<u64> = all
        .iter()
        .filter(|client| client.status == clientele_core::Status::Active)
        .take(64)
        .map(|client| client.id.0)
        .collect();

    // Reads by wrk: the page the app asks for, and the 1,000-row page of
    // earlier runs, for continuity; each from Clientele and json-server.
    let url = |base: &str, path: &str, limit: &str| format!("{base}{path}?status=active&{limit}");
    let page = format!("limit={READ_PAGE}");
    let reads = [
        (url(&ours.url, "/api/clients", &page), &signed_in),
        (url(&theirs.url, "/clients", &format!("_{page}")), &none),
        (url(&ours.url, "/api/clients", "limit=1000"), &signed_in),
        (url(&theirs.url, "/clients", "_limit=1000"), &none),
    ];
    // Both servers first answer each read for a second, not counted, so
    // that the first cell (one connection) does not time a cold start: a
    // page not yet cached, SQLite's pages not yet read, node's JIT cold.
    for (url, headers) in &reads {
        wrk::read(url, headers, 8, Duration::from_secs(1));
    }

    let (mut read_ratios, mut write_ratios) = (Vec::new(), Vec::new());
    for connections in [1usize, 8, 64] {
        // Each cell runs ROUNDS times, the servers in turn, and gives its
        // median: one run of either server moves by 10 to 15 % from the next.
        let mut runs: [Vec<wrk::LoadResult>; 6] = Default::default();
        for _ in 0..ROUNDS {
            for ((url, headers), runs) in reads.iter().zip(&mut runs) {
                runs.push(wrk::read(url, headers, connections, LOAD_TIME));
            }
            let owned = writable_clients(&http, &ours.url, &writers).await;
            let writes = [
                (&ours.url, wrk::Writes::Clientele(&owned), &signed_in),
                (&theirs.url, wrk::Writes::JsonServer(&writers), &none),
            ];
            for ((base, writes, headers), runs) in writes.iter().zip(&mut runs[reads.len()..]) {
                runs.push(wrk::write(base, writes, headers, connections, LOAD_TIME));
            }
        }
        let [
            read_ours,
            read_theirs,
            read_1000_ours,
            read_1000_theirs,
            write_ours,
            write_theirs,
        ] = runs.map(|runs| wrk::LoadResult::median(&runs));
        // wrk counts answers that were not 2xx without saying which: for
        // Clientele any at all may be a refused session, which would make
        // the figure meaningless.
        for (what, result) in [("page", read_ours), ("1,000-row page", read_1000_ours)] {
            servers::tell_failures(
                &format!("Clientele's {what} reads at {connections} connections"),
                &result,
                &[&ours],
            );
            assert_eq!(
                result.failures, 0,
                "Clientele's {what} reads at {connections} connections were not all 2xx"
            );
        }
        servers::tell_failures(
            &format!("Clientele's writes at {connections} connections"),
            &write_ours,
            &[&ours],
        );
        assert_eq!(
            write_ours.refused, 0,
            "Clientele refused the session or its CSRF token for writes at \
             {connections} connections"
        );
        for (name, result) in [
            ("read_clientele", read_ours),
            ("read_json_server", read_theirs),
            ("read_1000_clientele", read_1000_ours),
            ("read_1000_json_server", read_1000_theirs),
            ("write_clientele", write_ours),
            ("write_json_server", write_theirs),
        ] {
            result.record(figures, &format!("backend.{name}"), connections);
        }
        read_ratios.push(read_ours.per_second / read_theirs.per_second);
        write_ratios.push(write_ours.per_second / write_theirs.per_second);
        figures.insert(
            format!("backend.read_ratio_c{connections}"),
            json!(read_ratios.last()),
        );
        figures.insert(
            format!("backend.read_1000_ratio_c{connections}"),
            json!(read_1000_ours.per_second / read_1000_theirs.per_second),
        );
        figures.insert(
            format!("backend.write_ratio_c{connections}"),
            json!(write_ratios.last()),
        );
    }
    // The headline ratios are the worst over the connection counts.
    let worst = |ratios: &[f64]| ratios.iter().copied().fold(f64::INFINITY, f64::min);
    figures.insert(
        "backend.read_ratio_vs_json_server".into(),
        json!(worst(&read_ratios)),
    );
    figures.insert(
        "backend.write_ratio_vs_json_server".into(),
        json!(worst(&write_ratios)),
    );
}

/// Each writer's client made active again, with its owner and version, so
/// every write run starts with a deactivation at the right version. `http`
/// sends the session's cookie and CSRF token.
pub(crate) async fn writable_clients(
    http: &reqwest::Client,
    base: &str,
    ids: &[u64],
) -> Vec<(u64, u64, u64)> {
    let mut owned = Vec::new();
    for id in ids {
        let mut client: Client =
            answer(http.get(format!("{base}/api/clients/{id}")), "a client").await;
        if client.status == clientele_core::Status::Deactivated {
            client = answer(
                http.post(format!("{base}/api/clients/{id}/reactivate"))
                    .json(&json!({ "expected_version": client.version })),
                "a reactivation",
            )
            .await;
        }
        owned.push((client.id.0, client.owner.0, client.version));
    }
    owned
}
