#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the central-store tests (tests/journal/test_central.py).
#
#   eval "$(bash scripts/postgres.sh start)"   # installs the Debian package if it is missing,
#                                              # starts a cluster in a new temp folder, prints
#                                              # export LUXCHECK_TEST_PG=... LUXCHECK_TEST_PG_DIR=...
#   bash scripts/postgres.sh stop "$LUXCHECK_TEST_PG_DIR"   # stops it and removes the folder
#
# The cluster listens on a unix socket inside its own folder only (no TCP port, so it cannot
# collide with another cluster or a second run), trusts local connections (nothing in it is
# kept), and is owned by the 'postgres' system user when run as root (initdb refuses root).
# Safe to run twice: each start makes its own folder; stop removes only the folder it is given.
set -euo pipefail

action=${1:-}

pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [[ -n $dir && -x $dir/initdb ]] || return 1
  echo "$dir"
}

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $action in
  start)
    if ! bindir=$(pg_bindir); then
      if [[ $(id -u) -ne 0 ]]; then
        echo "postgres.sh: PostgreSQL is not installed and installing it needs root" >&2
        exit 2
      fi
      echo "postgres.sh: installing the Debian package postgresql" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2
      apt-get install -y -qq --no-install-recommends postgresql >/dev/null
      bindir=$(pg_bindir)
    fi
    dir=$(mktemp -d "${TMPDIR:-/tmp}/luxcheck-pg.XXXXXX")
    chmod 755 "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
    # max_connections: the concurrency tests open a connection per pushing process
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -s start \
      -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=40 -c fsync=off" >&2
    as_owner "$bindir/createdb" -h "$dir" -U postgres luxcheck_test
    echo "export LUXCHECK_TEST_PG='postgresql://postgres@/luxcheck_test?host=$dir'"
    echo "export LUXCHECK_TEST_PG_DIR='$dir'"
    ;;
  stop)
    dir=${2:-${LUXCHECK_TEST_PG_DIR:-}}
    [[ -n $dir && -d $dir/data ]] || { echo "postgres.sh: no cluster folder given" >&2; exit 2; }
    bindir=$(pg_bindir)
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -s stop >&2 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: bash scripts/postgres.sh start | stop DIR" >&2
    exit 2
    ;;
esac
