#!/bin/sh
# One-shot (temporalio/admin-tools): creates the Temporal and visibility databases in PostgreSQL
# and brings both schemas up to the version this admin-tools image ships. Safe to run on every
# `docker compose up`: existing databases and schemas are kept, update-schema applies only newer
# versions.
set -eu
host=${POSTGRES_SEEDS:-postgresql}
port=${DB_PORT:-5432}
schemas=/etc/temporal/schema/postgresql/v12

sql() {
  temporal-sql-tool --plugin postgres12 --ep "$host" -p "$port" -u "$POSTGRES_USER" "$@"
}

until nc -z "$host" "$port"; do
  echo "waiting for PostgreSQL at $host:$port"
  sleep 1
done

for db in temporal:temporal temporal_visibility:visibility; do
  name=${db%%:*}
  dir=$schemas/${db##*:}/versioned
  sql --db "$name" create-database 2>/dev/null || echo "database $name already exists"
  sql --db "$name" setup-schema -v 0.0 2>/dev/null || echo "schema of $name already initialised"
  sql --db "$name" update-schema -d "$dir"
done
echo "Temporal schemas ready"
