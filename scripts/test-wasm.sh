#!/usr/bin/env bash
# The app's component tests in headless Chromium (wasm-bindgen-test).
# The runner has sometimes hung before any test ran ("Failed to detect test
# as having been run", the renderer silent for 300 s): its small HTTP server
# (tiny_http) can leave a request unread while its threads sit on Chromium's
# idle keep-alive connections, which happened when the page fetched several
# JS snippets at once. The tests' JS is one module now (tests/web/browser.js);
# should the hang still come, that start-up hang alone is tried once more,
# and said so. A test that fails fails the run.
# The test module is built without debug info: with it, it had grown past
# 300 MB, and Chromium often stalled loading it before any test ran.
export CARGO_PROFILE_DEV_DEBUG=0
set -uo pipefail
log="$(mktemp)"
# Chromium leaves its temporary profile behind when the runner kills it;
# keep those in a folder of this run's own, removed at the end.
browser_tmp="$(mktemp -d)"
trap 'rm -f "$log"; rm -rf "$browser_tmp"' EXIT
for attempt in 1 2; do
  TMPDIR="$browser_tmp" cargo test -p clientele-app --target wasm32-unknown-unknown 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  if [ "$status" -eq 0 ]; then exit 0; fi
  if [ "$attempt" -eq 1 ] && grep -q "Failed to detect test as having been run" "$log" \
     && ! grep -q "^test .* \(ok\|FAILED\)$" "$log"; then
    echo "test-wasm: the browser hung before any test ran; trying once more" >&2
    continue
  fi
  # Say what failed last, where a CI log's tail shows it.
  echo "test-wasm: failed (exit $status)" >&2
  grep -E "^test .* FAILED$|^Failed to detect|panicked at" "$log" | head -20 >&2
  exit "$status"
done
