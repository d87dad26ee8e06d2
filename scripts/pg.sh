#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback, for the tests and
# `make load-cluster` (never the system's cluster):
#
#   scripts/pg.sh start DIR PORT   # initdb DIR (once), start it; prints its URL
#   scripts/pg.sh stop DIR         # fast shutdown (in-flight sessions are cut)
#   scripts/pg.sh restart DIR      # stop + start (a PostgreSQL restart under load)
#
# The server runs as an unprivileged user: the caller, or `postgres` when the
# caller is root (initdb refuses root). It listens on 127.0.0.1:PORT only,
# its socket in DIR, with `trust` auth for the local test user (nothing but
# loopback can reach it, and the cluster is deleted after the run).
set -euo pipefail
cmd=${1:?start|stop|restart}
dir=${2:?data directory}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "pg.sh: no PostgreSQL under /usr/lib/postgresql (scripts/setup.sh installs it)" >&2; exit 1; }

as_user=()
owner=$(id -un)
if [ "$(id -u)" = 0 ]; then
  owner=postgres
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  as_user=(runuser -u postgres --)
fi

case "$cmd" in
  start)
    port=${3:?port}
    if [ ! -f "$dir/PG_VERSION" ]; then
      mkdir -p "$dir"
      # The server's user must reach DIR (a mktemp -d parent is 0700).
      [ -z "${as_user[*]}" ] || chmod o+x "$(dirname "$dir")"
      chown "$owner" "$dir"
      chmod 700 "$dir"
      "${as_user[@]}" "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
      cat >> "$dir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    fi
    "${as_user[@]}" "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    [ -f "$dir/postmaster.pid" ] && "${as_user[@]}" "$bin/pg_ctl" -D "$dir" -m fast -w -t 30 stop >/dev/null
    true
    ;;
  restart)
    "${as_user[@]}" "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -m fast -w -t 30 restart >/dev/null
    ;;
  *) echo "pg.sh: unknown command $cmd" >&2; exit 2 ;;
esac
