#!/bin/sh
# Creates the Temporal cluster's two PostgreSQL databases (persistence and visibility) on first use and brings their
# schemas up to the version the schema tool embeds (the server's own, same release). Safe to run on every start: an
# existing database is kept and an up-to-date schema is left alone. Run by `npm run start:cluster` with the tool it
# built (TEMPORAL_SQL_TOOL) and by docker-compose.yml's temporal-schema service (admin-tools' temporal-sql-tool).
set -eu
tool="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"

sql() {
  "$tool" --plugin postgres12 --endpoint "${POSTGRES_SEEDS:-127.0.0.1}" --port "${DB_PORT:-5432}" \
    --user "${POSTGRES_USER:?set POSTGRES_USER}" --password "${POSTGRES_PWD:-}" "$@"
}

for pair in "${TEMPORAL_DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
  db="${pair%%:*}"
  schema="${pair#*:}"
  # create-database fails on an existing database; any other failure (no server, no rights) is reported.
  if ! out=$(sql --database "$db" create-database 2>&1); then
    case "$out" in
      *"already exists"*) ;;
      *) printf '%s\n' "$out" >&2; exit 1 ;;
    esac
  fi
  sql --database "$db" setup-schema --version 0.0
  sql --database "$db" update-schema --schema-name "postgresql/v12/$schema"
done
