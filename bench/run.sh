#!/usr/bin/env bash
# `make bench`: builds what is measured, measures the bundle variants, then
# runs clientele-bench for everything that needs a browser or a server.
# Writes bench/results.json and prints a table. Not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target="${CARGO_TARGET_DIR:-$root/target}"
work="$root/bench/.work"
rm -rf "$work" && mkdir -p "$work"

# What the benchmark needs beyond `make test`: brotli for sizes, wrk for the
# reads, and json-server 0.17 for comparison (pinned in
# bench/package-lock.json).
missing=()
command -v brotli >/dev/null || missing+=(brotli)
command -v wrk >/dev/null || missing+=(wrk)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "bench: install ${missing[*]} (sudo apt-get install ${missing[*]})" >&2; exit 1
  fi
fi
(cd bench && npm ci --no-audit --no-fund --silent)

# 1. Bundle: the build as shipped (scripts/trunk-release.sh: the
#    wasm-release profile that index.html names, over a standard library
#    built for size, with panics that abort at once), then plain `trunk build
#    --release` on the prebuilt standard library: the same profile at
#    opt-level z, s and 3 with panic=abort, and z with unwinding (lto and
#    codegen-units=1 come from the release profile).
measure() { # name dist-folder
  python3 - "$1" "$2" >>"$work/bundle.lines" <<'PY'
import glob, gzip, subprocess, sys
name, dist = sys.argv[1], sys.argv[2]
files = glob.glob(f"{dist}/*.wasm") + glob.glob(f"{dist}/*.js")
raw = sum(len(open(f, "rb").read()) for f in files)
gz = sum(len(gzip.compress(open(f, "rb").read(), 9)) for f in files)
br = sum(len(subprocess.run(["brotli", "-q", "11", "-c", f], capture_output=True, check=True).stdout) for f in files)
print(f"{name} {raw} {gz} {br}")
PY
}
echo "bench: building the app as shipped"
bash scripts/trunk-release.sh --dist "$work/dist-shipped" >/dev/null 2>&1
measure shipped "$work/dist-shipped"
# Then compressed as `make dist` does, so that what the server sends (and
# Lighthouse weighs) is what `make run` sends.
bash scripts/precompress.sh "$work/dist-shipped"
for variant in z-abort s-abort 3-abort z-unwind; do
  level=${variant%-*} panic=${variant#*-}
  echo "bench: building the app at opt-level $level with panic=$panic"
  CARGO_PROFILE_WASM_RELEASE_OPT_LEVEL=$level CARGO_PROFILE_WASM_RELEASE_PANIC=$panic \
    trunk build --release --dist "$work/dist-o$variant" >/dev/null 2>&1
  measure "o$variant" "$work/dist-o$variant"
done
# What Leptos, the standard library and the glue weigh before any of the
# app's screens: bench/floor, the smallest app built the same way, from the
# app's Cargo.lock, its glue minified as scripts/trunk-minify.sh does the
# app's.
echo "bench: building the framework's floor (bench/floor)"
cp Cargo.lock bench/floor/Cargo.lock
(cd bench/floor && bash ../../scripts/trunk-release.sh --dist "$work/dist-floor") >/dev/null 2>&1
esbuild="${CLIENTELE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/clientele}/esbuild/node_modules/.bin/esbuild"
for glue in "$work"/dist-floor/clientele-floor-*.js; do
  "$esbuild" "$glue" --minify --format=esm --target=es2020 --log-level=warning --outfile="$glue" --allow-overwrite
done
measure floor "$work/dist-floor"
python3 - "$work/bundle.lines" "$work/bundle.json" <<'PY'
import json, sys
figures = {}
for line in open(sys.argv[1]):
    name, raw, gz, br = line.split()
    figures[f"bundle.{name}.raw_bytes"] = int(raw)
    figures[f"bundle.{name}.gzip9_bytes"] = int(gz)
    figures[f"bundle.{name}.brotli11_bytes"] = int(br)
figures["bundle.brotli_total_bytes"] = figures["bundle.shipped.brotli11_bytes"]
json.dump(figures, open(sys.argv[2], "w"))
PY

# 2. Everything else runs against release builds of the server and the app
#    as shipped, and the plain-JS baseline.
echo "bench: building the server and the benchmark"
cargo build --release -q -p clientele-server -p clientele-bench
cp bench/baseline/index.html bench/baseline/baseline.js "$work/" && mkdir -p "$work/baseline" \
  && mv "$work/index.html" "$work/baseline.js" "$work/baseline/"
# Two instances on one throwaway PostgreSQL cluster (durable, as it would
# be deployed), removed afterwards.
cluster="$(mktemp -d)"
trap 'bash scripts/postgres.sh stop "$cluster"' EXIT
postgres_url="$(POSTGRES_DURABLE=1 bash scripts/postgres.sh start "$cluster")"
CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}" "$target/release/clientele-bench" \
  --server "$target/release/clientele-server" \
  --postgres "$postgres_url" \
  --dist "$work/dist-shipped" \
  --baseline "$work/baseline" \
  --json-server "$root/bench/node_modules/.bin/json-server" \
  --bundle "$work/bundle.json" \
  --out "$work/figures.json"

python3 - "$work/figures.json" "$root/bench/results.json" <<'PY'
import json, subprocess, sys
figures = json.load(open(sys.argv[1]))
commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
dirty = subprocess.run(["git", "status", "--porcelain", "--", ".", ":!bench/results.json"],
                       capture_output=True, text=True).stdout.strip()
figures["meta.commit_measured"] = commit + ("+uncommitted" if dirty else "")
figures["meta.machine"] = "2 cores, 24 GiB, headless Chromium, loopback only"
json.dump(dict(sorted(figures.items())), open(sys.argv[2], "w"), indent=1)
print(f"bench: wrote bench/results.json for {figures['meta.commit_measured']}")
PY
