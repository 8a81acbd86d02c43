#!/usr/bin/env bash
# Development loop: the API server on :8080 and `trunk serve` on :8081, which
# rebuilds the app on every change and proxies /api to the server
# (see Trunk.toml). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build -p clientele-server
"${CARGO_TARGET_DIR:-target}/debug/clientele-server" --addr 127.0.0.1:8080 --db data/dev.db --demo &
server=$!
trap 'kill "$server" 2>/dev/null' EXIT INT TERM

echo "dev: open http://127.0.0.1:8081 (the app, rebuilt on save)"
trunk serve --port 8081
