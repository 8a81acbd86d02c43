//! Reads measured by `wrk`, a standard load generator (a Debian package that
//! `bench/run.sh` installs): one thread, N keep-alive connections, for a
//! fixed time. Like any such tool it counts statuses and does not parse
//! bodies, so the figure is the server's, not a client's JSON parsing.

use crate::load::LoadResult;
use reqwest::header::HeaderMap;
use std::process::Command;
use std::time::Duration;

/// GETs `url` on `connections` connections for `duration`, each request
/// carrying `headers` (the session cookie for Clientele, none for
/// json-server).
pub fn read(url: &str, headers: &HeaderMap, connections: usize, duration: Duration) -> LoadResult {
    let mut command = Command::new("wrk");
    command
        .arg("--threads=1")
        .arg(format!("--connections={connections}"))
        .arg(format!("--duration={}s", duration.as_secs().max(1)))
        .arg("--timeout=10s")
        .arg("--latency");
    for (name, value) in headers {
        let value = value.to_str().expect("a header wrk can send");
        command.arg("--header").arg(format!("{name}: {value}"));
    }
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

/// Requests per second, the 99th percentile and the failures (answers
/// not 2xx or 3xx, and socket errors) from wrk's `--latency` report.
fn parse(report: &str) -> Option<LoadResult> {
    let mut per_second = None;
    let mut p99_ms = None;
    let mut failures = 0;
    for line in report.lines().map(str::trim) {
        if let Some(rate) = line.strip_prefix("Requests/sec:") {
            per_second = rate.trim().parse().ok();
        } else if let Some(time) = line.strip_prefix("99%") {
            p99_ms = milliseconds(time.trim());
        } else if let Some(count) = line.strip_prefix("Non-2xx or 3xx responses:") {
            failures += count.trim().parse::<u64>().ok()?;
        } else if let Some(errors) = line.strip_prefix("Socket errors:") {
            // "connect 0, read 0, write 0, timeout 0"
            for part in errors.split(',') {
                failures += part.split_whitespace().last()?.parse::<u64>().ok()?;
            }
        }
    }
    Some(LoadResult {
        per_second: per_second?,
        p99_ms: p99_ms?,
        failures,
        // wrk does not say which statuses; the caller checks the session
        // with one request first.
        refused: 0,
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
        assert_eq!(result.failures, 7);
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
