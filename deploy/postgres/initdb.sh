#!/bin/sh
# The postgres image runs this once, on an empty data directory (compose.yaml mounts it in
# /docker-entrypoint-initdb.d/). Creates the database and roles from roles.sql.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v db="${KOMMISSORIUM_DB:-kommissorium}" \
    -v owner="${KOMMISSORIUM_DB_OWNER:-kommissorium_owner}" \
    -v owner_password="${KOMMISSORIUM_DB_OWNER_PASSWORD:?}" \
    -v app="${KOMMISSORIUM_DB_APP:-kommissorium_app}" \
    -v app_password="${KOMMISSORIUM_DB_APP_PASSWORD:?}" \
    -f /kommissorium/roles.sql
