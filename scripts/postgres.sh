#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, in a folder of its own.
#
#   scripts/postgres.sh start DIR   initdb into DIR, start on a free port on
#                                   127.0.0.1 (trust auth, local only), and
#                                   print its URL
#   scripts/postgres.sh stop DIR    stop it and remove DIR
#
# PostgreSQL refuses to run as root, so as root it runs as the unprivileged
# `postgres` user (Debian's package creates it). It is tuned for tests, not
# for data: fsync is off, since only the server processes are ever killed,
# never PostgreSQL itself. POSTGRES_DURABLE=1 leaves PostgreSQL's defaults
# (fsync on), for the benchmark's write figures.
set -euo pipefail

say() { printf 'postgres.sh: %s\n' "$*" >&2; }

# initdb and pg_ctl: on PATH, or where Debian's packages put them.
bin_dir() {
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(command -v pg_ctl)"
    return
  fi
  local newest
  newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then
    echo "$newest"
    return
  fi
  say "no initdb or pg_ctl: install Debian's postgresql (make setup does)"
  exit 1
}

# Runs a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  local dir="$1" bin port
  bin="$(bin_dir)"
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$dir"
  fi
  as_owner "$bin/initdb" --pgdata="$dir/data" --username=postgres --auth=trust \
    --encoding=UTF8 --no-instructions >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  port="$(free_port)"
  # POSTGRES_DURABLE=1 (the benchmark) keeps PostgreSQL's own durability.
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  if [ "${POSTGRES_DURABLE:-0}" = 1 ]; then durability=""; fi
  as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/postgres.log" --wait \
    --options="-p $port -c listen_addresses=127.0.0.1 -k $dir -c max_connections=300 \
      $durability" \
    start >/dev/null \
    || { cat "$dir/postgres.log" >&2; exit 1; }
  echo "postgres://postgres@127.0.0.1:$port/postgres"
}

stop() {
  local dir="$1" bin
  bin="$(bin_dir)"
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" --pgdata="$dir/data" --mode=immediate --wait stop >/dev/null || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "${2:?usage: $0 start DIR}" ;;
  stop) stop "${2:?usage: $0 stop DIR}" ;;
  *) say "usage: $0 start DIR | stop DIR"; exit 2 ;;
esac
