#!/usr/bin/env bash
# The API contract, checked by a tool that did not write it: Schemathesis
# (installed by scripts/setup.sh) runs against the real server binary with a
# fresh demo database, signed in as the first demo practice's admin, through
# every phase including its stateful tests. It fails on any 5xx, on an answer
# whose status, headers or body the OpenAPI document does not describe, and
# on a schema-valid request that is refused.
#
# Usage: scripts/schemathesis.sh path/to/clientele-server
set -euo pipefail
server_bin="${1:?usage: $0 path/to/clientele-server}"
venv="${CLIENTELE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/clientele}/schemathesis"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$server_bin" --addr 127.0.0.1:0 --db "$work/clientele.db" --dist /nonexistent --demo \
  >"$work/stdout" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do
  grep -q '^Clientele listening on ' "$work/stdout" 2>/dev/null && break
  sleep 0.1
done
base="$(sed -n 's/^Clientele listening on //p' "$work/stdout")"
[ -n "$base" ] || { echo "schemathesis: the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }

# Sign in as the admin: every operation is then open to the run.
curl -sf -c "$work/cookies" -H 'content-type: application/json' \
  -d '{"email":"admin@harperlowe.example","password":"clientele-demo"}' \
  "$base/api/session" >"$work/session.json"
cookie="$(awk '$6 == "clientele_session" { print $7 }' "$work/cookies")"
csrf="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$work/session.json")"

# Signing out would end the run's own session; signing in is covered by the
# server's tests (it would rotate the session away from under the run), and
# so is accepting an invitation, which signs its person in the same way.
# The stream of live updates never ends, so it has no answer to check: its
# own tests (server/tests/api/live.rs) cover it.
config="$(cd "$(dirname "$0")" && pwd)/schemathesis.toml"
# Schemathesis keeps a cache in the folder it runs in: keep it out of the clone.
cd "$work"
"$venv/bin/st" --config-file "$config" --no-color run "$base/api/openapi.json" \
  --header "Cookie: clientele_session=$cookie" \
  --header "X-CSRF-Token: $csrf" \
  --exclude-operation-id sign_in \
  --exclude-operation-id sign_out \
  --exclude-operation-id accept_invitation \
  --exclude-operation-id events \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,positive_data_acceptance \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples "${SCHEMATHESIS_EXAMPLES:-60}" \
  --seed 1 \
  --workers 1 \
  --warnings off 2>&1 | tee "$work/report.txt"
status=${PIPESTATUS[0]}
if grep -q 'panicked' "$work/server.log"; then
  echo "schemathesis: the server panicked" >&2
  exit 1
fi
exit "$status"
