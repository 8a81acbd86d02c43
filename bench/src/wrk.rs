//! Reads and writes measured by `wrk`, a standard load generator (a Debian
//! package that `bench/run.sh` installs), on N keep-alive connections for a
//! fixed time. Like any such tool it counts statuses and does not parse
//! bodies, so the figure is the server's, not a client's JSON parsing.
//! Reads run on one thread; writes on a thread per connection, each with a
//! client of its own (a Lua script, [`write_script`]).

use reqwest::header::HeaderMap;
use serde_json::{Map, Value, json};
use std::fmt::Write as _;
use std::process::Command;
use std::time::Duration;

/// Throughput and tail latency of one run.
#[derive(Debug, Clone, Copy)]
pub struct LoadResult {
    /// Answered requests per second.
    pub per_second: f64,
    /// 99th-percentile latency in milliseconds.
    pub p99_ms: f64,
    /// Answers that were not 2xx or 3xx, and socket errors.
    pub failures: u64,
    /// Of those, requests wrk gave up on: no answer within its timeout.
    pub timeouts: u64,
    /// Of those, answers 401 or 403, which only a writes' script tells
    /// apart: the session or its CSRF token was refused, so the run
    /// measured nothing real.
    pub refused: u64,
    /// Of those, answers 409 (writes' scripts only): the client was not at
    /// the version the connection expected, so an earlier write it counted
    /// as lost had been kept, or one it counted as kept had not.
    pub conflicts: u64,
    /// Of those, answers 5xx (writes' scripts only): the server's own
    /// failures, which its log explains.
    pub server_errors: u64,
}

impl LoadResult {
    /// Several runs of one cell as one: the median rate and the median p99
    /// (each on its own), and every run's failures (and each kind of them)
    /// summed, so that one failed answer in any run still shows.
    pub fn median(runs: &[LoadResult]) -> LoadResult {
        assert!(!runs.is_empty(), "a median of no runs");
        let middle =
            |figure: fn(&LoadResult) -> f64| crate::median(runs.iter().map(figure).collect());
        let sum = |count: fn(&LoadResult) -> u64| runs.iter().map(count).sum();
        LoadResult {
            per_second: middle(|run| run.per_second),
            p99_ms: middle(|run| run.p99_ms),
            failures: sum(|run| run.failures),
            timeouts: sum(|run| run.timeouts),
            refused: sum(|run| run.refused),
            conflicts: sum(|run| run.conflicts),
            server_errors: sum(|run| run.server_errors),
        }
    }

    /// Puts the rate, the p99 and the failures in `figures`, as
    /// `{key}_rps_c{connections}`, `{key}_p99_ms_c{connections}` and
    /// `{key}_failures_c{connections}`.
    pub fn record(&self, figures: &mut Map<String, Value>, key: &str, connections: usize) {
        for (figure, value) in [
            ("rps", json!(self.per_second)),
            ("p99_ms", json!(self.p99_ms)),
            ("failures", json!(self.failures)),
        ] {
            figures.insert(format!("{key}_{figure}_c{connections}"), value);
        }
    }

    /// Two loads run at once as one: requests per second summed, the worse
    /// p99, and the failures of each kind summed.
    pub fn together(self, other: LoadResult) -> LoadResult {
        LoadResult {
            per_second: self.per_second + other.per_second,
            p99_ms: self.p99_ms.max(other.p99_ms),
            failures: self.failures + other.failures,
            timeouts: self.timeouts + other.timeouts,
            refused: self.refused + other.refused,
            conflicts: self.conflicts + other.conflicts,
            server_errors: self.server_errors + other.server_errors,
        }
    }

    /// What the failures were, such as "2 timed out, 1 answered 409", for a
    /// message; empty if there were none.
    pub fn failures_told(&self) -> String {
        let kinds = [
            (self.timeouts, "timed out"),
            (self.refused, "answered 401 or 403"),
            (self.conflicts, "answered 409"),
            (self.server_errors, "answered 5xx"),
        ];
        let named: u64 = kinds.iter().map(|(count, _)| count).sum();
        let mut told: Vec<String> = (kinds.iter())
            .filter(|(count, _)| *count > 0)
            .map(|(count, what)| format!("{count} {what}"))
            .collect();
        if self.failures > named {
            told.push(format!("{} otherwise", self.failures - named));
        }
        told.join(", ")
    }
}

/// GETs `url` on `connections` connections for `duration`, each request
/// carrying `headers` (the session cookie for Clientele, none for
/// json-server).
pub fn read(url: &str, headers: &HeaderMap, connections: usize, duration: Duration) -> LoadResult {
    let mut command = wrk(1, connections, duration);
    for (name, value) in headers {
        let value = value.to_str().expect("a header wrk can send");
        command.arg("--header").arg(format!("{name}: {value}"));
    }
    run(command, url)
}

/// The writes of [`write()`]: what each connection changes, again and again.
pub enum Writes<'a> {
    /// Clientele: each connection owns one client (id, owner, version) and
    /// deactivates and reactivates it, each time at the version its last
    /// change left (one more per change).
    Clientele(&'a [(u64, u64, u64)]),
    /// json-server: each connection owns one client (its id) and toggles
    /// its status.
    JsonServer(&'a [u64]),
}

/// Sends `writes` to the server at `base` on `connections` connections (a
/// thread each) for `duration`, each request carrying `headers` (the
/// session's cookie and CSRF token for Clientele, none for json-server).
/// The result tells the failed answers apart (401 or 403, 409, 5xx).
pub fn write(
    base: &str,
    writes: &Writes,
    headers: &HeaderMap,
    connections: usize,
    duration: Duration,
) -> LoadResult {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let script = dir.path().join("writes.lua");
    std::fs::write(&script, write_script(writes, headers)).expect("the writes' script");
    let mut command = wrk(connections, connections, duration);
    command.arg("--script").arg(&script);
    run(command, base)
}

/// wrk with `threads` threads and `connections` connections for `duration`,
/// reporting its latency distribution.
fn wrk(threads: usize, connections: usize, duration: Duration) -> Command {
    let mut command = Command::new("wrk");
    command
        .arg(format!("--threads={threads}"))
        .arg(format!("--connections={connections}"))
        .arg(format!("--duration={}s", duration.as_secs().max(1)))
        .arg("--timeout=10s")
        .arg("--latency");
    command
}

/// Runs `command` against `url` and reads its report.
fn run(mut command: Command, url: &str) -> LoadResult {
    let output = command.arg(url).output().unwrap_or_else(|error| {
        panic!("bench: cannot run wrk ({error}); bench/run.sh installs it")
    });
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "bench: wrk failed on {url}: {}{report}",
        String::from_utf8_lossy(&output.stderr)
    );
    parse(&report).unwrap_or_else(|| panic!("bench: cannot read wrk's report:\n{report}"))
}

/// The Lua script of [`write()`]. wrk runs it in each thread: `setup` gives
/// each thread (one connection) the next client of the list, `request`
/// sends that client's next change, and `response` counts the changes
/// made, so the next one expects the version they left. `done` reports the
/// answers 401 or 403, 409 and 5xx, each summed over the threads.
fn write_script(writes: &Writes, headers: &HeaderMap) -> String {
    let mut script =
        String::from("-- Written by clientele-bench (bench/src/wrk.rs).\nlocal clients = {\n");
    let (rows, request) = match writes {
        Writes::Clientele(clients) => (
            clients
                .iter()
                .map(|(id, owner, version)| format!("{{ {id}, {owner}, {version} }}"))
                .collect::<Vec<_>>(),
            CLIENTELE_REQUEST,
        ),
        Writes::JsonServer(ids) => (
            ids.iter().map(|id| format!("{{ {id}, 0, 0 }}")).collect(),
            JSON_SERVER_REQUEST,
        ),
    };
    assert!(!rows.is_empty(), "writes need a client to change");
    for row in rows {
        let _ = writeln!(script, "  {row},");
    }
    script.push_str("}\nlocal headers = {\n  [\"Content-Type\"] = \"application/json\",\n");
    for (name, value) in headers {
        let value = value.to_str().expect("a header wrk can send");
        // Lua's long brackets take the value as it is.
        let _ = writeln!(script, "  [\"{name}\"] = [==[{value}]==],");
    }
    script.push_str("}\n");
    script.push_str(COMMON);
    script.push_str(request);
    script
}

/// The part of every writes' script that is not the request.
const COMMON: &str = r#"local threads = {}
function setup(thread)
  local client = clients[#threads % #clients + 1]
  thread:set("id", client[1])
  thread:set("owner", client[2])
  thread:set("version", client[3])
  table.insert(threads, thread)
end
changes, refused, conflicts, server_errors = 0, 0, 0, 0
function response(status)
  if status >= 200 and status < 300 then
    changes = changes + 1
  elseif status == 401 or status == 403 then
    refused = refused + 1
  elseif status == 409 then
    conflicts = conflicts + 1
  elseif status >= 500 then
    server_errors = server_errors + 1
  end
end
function done()
  for _, count in ipairs({ { "Refused", "refused" }, { "Conflicts", "conflicts" },
                           { "Server errors", "server_errors" } }) do
    local total = 0
    for _, thread in ipairs(threads) do
      total = total + thread:get(count[2])
    end
    io.write(string.format("%s: %d\n", count[1], total))
  end
end
"#;

/// Clientele's change: a deactivation that keeps the owner, then a
/// reactivation, each at the version the last change left.
const CLIENTELE_REQUEST: &str = r#"function request()
  local expected = string.format("%d", version + changes)
  if changes % 2 == 0 then
    return wrk.format("POST", "/api/clients/" .. id .. "/deactivate", headers,
      '{"new_owner_id":' .. owner .. ',"expected_version":' .. expected .. '}')
  end
  return wrk.format("POST", "/api/clients/" .. id .. "/reactivate", headers,
    '{"expected_version":' .. expected .. '}')
end
"#;

/// json-server's change: the status, toggled.
const JSON_SERVER_REQUEST: &str = r#"function request()
  local status = changes % 2 == 0 and "deactivated" or "active"
  return wrk.format("PATCH", "/clients/" .. id, headers, '{"status":"' .. status .. '"}')
end
"#;

/// Requests per second, the 99th percentile and the failures (answers
/// not 2xx or 3xx, and socket errors) from wrk's `--latency` report, and
/// the refusals a writes' script reports.
fn parse(report: &str) -> Option<LoadResult> {
    let mut per_second = None;
    let mut p99_ms = None;
    let (mut failures, mut timeouts) = (0, 0);
    let (mut refused, mut conflicts, mut server_errors) = (0, 0, 0);
    for line in report.lines().map(str::trim) {
        let count = |prefix: &str| line.strip_prefix(prefix).map(|n| n.trim().parse().ok());
        if let Some(count) = count("Refused:") {
            refused = count?;
        } else if let Some(count) = count("Conflicts:") {
            conflicts = count?;
        } else if let Some(count) = count("Server errors:") {
            server_errors = count?;
        } else if let Some(rate) = line.strip_prefix("Requests/sec:") {
            per_second = rate.trim().parse().ok();
        } else if let Some(time) = line.strip_prefix("99%") {
            p99_ms = milliseconds(time.trim());
        } else if let Some(count) = line.strip_prefix("Non-2xx or 3xx responses:") {
            failures += count.trim().parse::<u64>().ok()?;
        } else if let Some(errors) = line.strip_prefix("Socket errors:") {
            // "connect 0, read 0, write 0, timeout 0"
            for part in errors.split(',') {
                let (kind, count) = part.trim().split_once(' ')?;
                let count: u64 = count.parse().ok()?;
                failures += count;
                if kind == "timeout" {
                    timeouts = count;
                }
            }
        }
    }
    Some(LoadResult {
        per_second: per_second?,
        p99_ms: p99_ms?,
        failures,
        timeouts,
        refused,
        conflicts,
        server_errors,
    })
}

/// "812.00us", "1.42ms" or "2.50s" in milliseconds.
fn milliseconds(time: &str) -> Option<f64> {
    let split = time.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = time.split_at(split);
    let number: f64 = number.parse().ok()?;
    match unit {
        "us" => Some(number / 1000.0),
        "ms" => Some(number),
        "s" => Some(number * 1000.0),
        "m" => Some(number * 60_000.0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = "Running 5s test @ http://127.0.0.1:8090/api/clients?limit=100
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.62ms    1.62ms  23.29ms   75.92%
    Req/Sec     2.25k   120.00     2.50k    70.00%
  Latency Distribution
     50%    3.40ms
     75%    4.20ms
     90%    5.50ms
     99%  812.00us
  11167 requests in 5.00s, 255.81MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   2233.46
Transfer/sec:     51.16MB
";

    #[test]
    fn a_report_gives_its_rate_tail_and_failures() {
        let result = parse(REPORT).unwrap();
        assert_eq!(result.per_second, 2233.46);
        assert_eq!(result.p99_ms, 0.812);
        assert_eq!((result.failures, result.timeouts), (7, 1));
        assert_eq!(result.failures_told(), "1 timed out, 6 otherwise");
    }

    #[test]
    fn runs_of_one_cell_give_their_medians_and_every_failure() {
        let run = |per_second, p99_ms, failures, refused| LoadResult {
            per_second,
            p99_ms,
            failures,
            timeouts: 0,
            refused,
            conflicts: failures,
            server_errors: 0,
        };
        let median = LoadResult::median(&[
            run(300.0, 9.0, 0, 0),
            run(100.0, 1.0, 2, 0),
            run(200.0, 4.0, 0, 1),
        ]);
        assert_eq!((median.per_second, median.p99_ms), (200.0, 4.0));
        assert_eq!((median.failures, median.refused), (2, 1));
        assert_eq!(median.conflicts, 2);
        assert_eq!(LoadResult::median(&[run(5.0, 6.0, 7, 8)]).per_second, 5.0);
    }

    #[test]
    fn a_writes_report_tells_its_failed_answers_apart() {
        let report = format!("{REPORT}Refused: 3\nConflicts: 2\nServer errors: 1\n");
        let result = parse(&report).unwrap();
        assert_eq!(
            (result.refused, result.conflicts, result.server_errors),
            (3, 2, 1)
        );
        assert_eq!(
            result.failures_told(),
            "1 timed out, 3 answered 401 or 403, 2 answered 409, 1 answered 5xx"
        );
        let plain = parse(REPORT).unwrap();
        assert_eq!(
            (plain.refused, plain.conflicts, plain.server_errors),
            (0, 0, 0)
        );
        let unread = format!("{REPORT}Conflicts: many\n");
        assert!(parse(&unread).is_none(), "a count that is not a number");
    }

    #[test]
    fn a_result_is_recorded_under_the_benchmarks_keys() {
        let mut figures = Map::new();
        parse(REPORT)
            .unwrap()
            .record(&mut figures, "backend.read_clientele", 8);
        assert_eq!(
            Value::Object(figures),
            json!({
                "backend.read_clientele_rps_c8": 2233.46,
                "backend.read_clientele_p99_ms_c8": 0.812,
                "backend.read_clientele_failures_c8": 7,
            })
        );
    }

    #[test]
    fn loads_run_together_add_up() {
        let one = parse(REPORT).unwrap();
        let both = one.together(parse(&format!("{REPORT}Conflicts: 2\n")).unwrap());
        assert_eq!(both.per_second, 2233.46 * 2.0);
        assert_eq!((both.failures, both.timeouts, both.conflicts), (14, 2, 2));
    }

    #[test]
    fn a_writes_script_gives_each_connection_its_client_and_sends_the_session() {
        let mut headers = HeaderMap::new();
        headers.insert("cookie", "clientele_session=a]b".parse().unwrap());
        headers.insert("x-csrf-token", "c0ffee".parse().unwrap());
        let script = write_script(&Writes::Clientele(&[(7, 70, 3), (8, 80, 5)]), &headers);
        assert!(
            script.contains("  { 7, 70, 3 },\n  { 8, 80, 5 },\n}"),
            "{script}"
        );
        assert!(
            script.contains(r#"["cookie"] = [==[clientele_session=a]b]==],"#),
            "{script}"
        );
        assert!(
            script.contains(r#"["x-csrf-token"] = [==[c0ffee]==],"#),
            "{script}"
        );
        assert!(script.contains("/deactivate") && script.contains("/reactivate"));
        let theirs = write_script(&Writes::JsonServer(&[9]), &HeaderMap::new());
        assert!(theirs.contains("  { 9, 0, 0 },") && theirs.contains(r#""PATCH", "/clients/""#));
    }

    #[test]
    fn a_report_without_a_rate_is_not_read() {
        assert!(parse("Latency Distribution\n     99%    1.00ms\n").is_none());
    }

    #[test]
    fn times_come_in_wrk_units() {
        assert_eq!(milliseconds("1.42ms"), Some(1.42));
        assert_eq!(milliseconds("2.5s"), Some(2500.0));
        assert_eq!(milliseconds("5"), None);
    }
}
