#!/usr/bin/env bash
# Starts this machine's PostgreSQL (Debian's postgresql package) and creates the test role and database,
# then prints the URL for CANCELMATE_TEST_DATABASE_URL on stdout. Prints nothing (and exits 0) when no
# PostgreSQL server can be had: the PostgreSQL tests then skip and say how to run them.
# Used by .ci/run; a developer can run it too:  export CANCELMATE_TEST_DATABASE_URL=$(bash .ci/postgres.sh)
set -uo pipefail

ROLE=cancelmate_test
PASSWORD=cancelmate_test
DB=cancelmate_test
PORT=${CANCELMATE_TEST_PG_PORT:-5432}

log() { echo "postgres: $*" >&2; }

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "no PostgreSQL server here; installing Debian's postgresql package"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2 || true
  fi
fi
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  log "no PostgreSQL server (pg_ctlcluster) on this machine; the PostgreSQL tests will be skipped"
  exit 0
fi

VERSION=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
if [ -z "$VERSION" ]; then
  log "no PostgreSQL version under /usr/lib/postgresql; the PostgreSQL tests will be skipped"
  exit 0
fi
if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$VERSION main"; then
  log "creating cluster $VERSION/main"
  pg_createcluster "$VERSION" main >&2 || { log "could not create a cluster"; exit 0; }
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $4}' | grep -q online; then
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" main start >&2 || { log "could not start $VERSION/main"; exit 0; }
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$PORT" && break
  sleep 1
done
if ! pg_isready -q -h 127.0.0.1 -p "$PORT"; then
  log "PostgreSQL $VERSION/main does not answer on 127.0.0.1:$PORT; the PostgreSQL tests will be skipped"
  exit 0
fi

as_postgres() { runuser -u postgres -- "$@"; }
as_postgres psql -q -p "$PORT" -v ON_ERROR_STOP=1 -d postgres >&2 <<SQL || { log "could not create the test role"; exit 0; }
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
  END IF;
END \$\$;
SQL
if ! as_postgres psql -p "$PORT" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" -d postgres | grep -q 1; then
  as_postgres createdb -p "$PORT" -O "$ROLE" "$DB" >&2 || { log "could not create database $DB"; exit 0; }
fi
log "PostgreSQL $VERSION ready on 127.0.0.1:$PORT (role $ROLE, database $DB)"
echo "postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DB"
