#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster, then stop and remove it.
#   scripts/with-postgres.sh COMMAND ARGS...
# The command sees DATABASE_URL. As root the server runs as the `postgres` user
# (PostgreSQL refuses root); otherwise as the current user.
set -euo pipefail

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
  echo "PostgreSQL server binaries not found (install postgresql, or set PG_BIN)" >&2
  exit 1
fi

dir=$(mktemp -d /tmp/portal-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
cleanup() {
  (cd "$dir" && "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1) || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

port=${PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
(
  cd "$dir"
  "${as_pg[@]}" "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
) || { cat "$dir/log" 2>/dev/null >&2; exit 1; }

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
export PGDATA_DIR="$dir/data" PG_BIN_DIR="$PG_BIN" PG_PORT="$port"
"$@"
