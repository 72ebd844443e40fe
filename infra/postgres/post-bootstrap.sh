#!/bin/bash
# Run once by Patroni on the member that initialises the cluster: creates the application role
# and database. The schema itself belongs to the services (migrations), not to this image.
set -euo pipefail
conn="$1"
psql -v ON_ERROR_STOP=1 -v user="$APP_DB_USER" -v pass="$APP_DB_PASSWORD" -v db="$APP_DB_NAME" "$conn" <<'SQL'
CREATE ROLE :"user" LOGIN PASSWORD :'pass';
CREATE DATABASE :"db" OWNER :"user";
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE ROLE metrics LOGIN IN ROLE pg_monitor PASSWORD :'pass';
SQL
