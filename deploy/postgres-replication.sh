#!/bin/sh
# docker-entrypoint-initdb.d of `db` (docker-compose.yml): the role the streaming replica of the
# `replicated` profile connects as, and the pg_hba.conf line that lets it. Runs once, when the
# image initialises an empty volume.
set -eu
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" \
    -c "CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '${REPLICATION_PASSWORD:-replicator}'"
echo "host replication replicator all scram-sha-256" >>"$PGDATA/pg_hba.conf"
