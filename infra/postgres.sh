#!/usr/bin/env bash
# Manages the local Debian PostgreSQL cluster used by promptevo: start | stop | status | provision.
# Does nothing when DATABASE_URL points at a server you bring yourself.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

as_postgres() { if [[ "$(id -u)" == "0" ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cluster_online() { pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {print $4}' | grep -q online; }

# The least-privilege role workers may log in as (DML on promptevo's tables, no DDL; the grants are
# made per schema by infra/migrate.ts with PROMPTEVO_WORKER_DB_ROLE). Local only, like the owner's
# password: set PROMPTEVO_WORKER_DB_PASSWORD before the first provision to choose another.
WORKER_ROLE=promptevo_worker
ensure_worker_role() {
  as_postgres psql -p "$PG_PORT" -qtAc "SELECT 1 FROM pg_roles WHERE rolname='$WORKER_ROLE'" | grep -q 1 && return
  local password="${PROMPTEVO_WORKER_DB_PASSWORD:-promptevo_worker}"
  as_postgres psql -p "$PG_PORT" -q -v password="$password" <<<"CREATE ROLE $WORKER_ROLE LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE"
  log "postgres: role '$WORKER_ROLE' (workers' least-privilege login) created"
}

# The read-only role services' runtimes may log in as (SELECT on the registry tables only; granted
# per schema by infra/migrate.ts with PROMPTEVO_READER_DB_ROLE). Password: PROMPTEVO_READER_DB_PASSWORD.
READER_ROLE=promptevo_reader
ensure_reader_role() {
  as_postgres psql -p "$PG_PORT" -qtAc "SELECT 1 FROM pg_roles WHERE rolname='$READER_ROLE'" | grep -q 1 && return
  local password="${PROMPTEVO_READER_DB_PASSWORD:-promptevo_reader}"
  as_postgres psql -p "$PG_PORT" -q -v password="$password" <<<"CREATE ROLE $READER_ROLE LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE"
  log "postgres: role '$READER_ROLE' (services' read-only registry login) created"
}

cmd="${1:-status}"
if ! uses_own_postgres; then
  [[ "$cmd" == "status" ]] && echo "postgres: external (DATABASE_URL)"
  exit 0
fi
case "$cmd" in
  start)
    if cluster_online; then log "postgres: already running"; else
      log "postgres: starting cluster $PG_VERSION/$PG_CLUSTER"
      pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
    fi
    wait_for "PostgreSQL" 60 pg_isready -h 127.0.0.1 -p "$PG_PORT" -q
    ensure_worker_role || log "postgres: cannot check role '$WORKER_ROLE' (run: sudo bash infra/postgres.sh provision)"
    ensure_reader_role || log "postgres: cannot check role '$READER_ROLE' (run: sudo bash infra/postgres.sh provision)"
    ;;
  stop)
    if cluster_online; then pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop; log "postgres: stopped"; fi
    ;;
  provision)
    # Role and database for the default DATABASE_URL; password auth over TCP.
    as_postgres psql -p "$PG_PORT" -qtAc "SELECT 1 FROM pg_roles WHERE rolname='promptevo'" | grep -q 1 ||
      as_postgres psql -p "$PG_PORT" -qc "CREATE ROLE promptevo LOGIN PASSWORD 'promptevo' CREATEDB"
    as_postgres psql -p "$PG_PORT" -qtAc "SELECT 1 FROM pg_database WHERE datname='promptevo'" | grep -q 1 ||
      as_postgres psql -p "$PG_PORT" -qc "CREATE DATABASE promptevo OWNER promptevo"
    ensure_worker_role
    ensure_reader_role
    log "postgres: role and database 'promptevo' ready"
    ;;
  status)
    if cluster_online; then echo "postgres: running on 127.0.0.1:$PG_PORT ($DEFAULT_DATABASE_URL)"; else echo "postgres: stopped"; exit 1; fi
    ;;
  *) die "usage: infra/postgres.sh start|stop|status|provision" ;;
esac
