#!/usr/bin/env bash
# Run once by the postgres image when it initialises an empty data directory
# (/docker-entrypoint-initdb.d): creates the workers' least-privilege login role. The migrate
# service grants it DML on promptevo's tables (PROMPTEVO_WORKER_DB_ROLE); it owns nothing. With
# PROMPTEVO_READER_DB_PASSWORD set, also the services' read-only registry role (PROMPTEVO_READER_DB_ROLE).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v password="$PROMPTEVO_WORKER_DB_PASSWORD" <<'SQL'
CREATE ROLE promptevo_worker LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
SQL
if [[ -n "${PROMPTEVO_READER_DB_PASSWORD:-}" ]]; then
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v password="$PROMPTEVO_READER_DB_PASSWORD" <<'SQL'
CREATE ROLE promptevo_reader LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
SQL
fi
