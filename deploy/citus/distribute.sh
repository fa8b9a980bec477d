#!/bin/sh
# Distribute Kommissorium's tenant-scoped tables by tenant_id on a Citus coordinator.
#
#   DATABASE_URL=postgresql://owner@coordinator/kommissorium deploy/citus/distribute.sh [--dry-run]
#
# Run once, as the schema owner, on a database migrated to head (`kommissorium db upgrade`)
# with the citus extension created, while the web and workers are stopped. --dry-run prints
# the SQL and changes nothing. See deploy/citus/README.md.
set -eu

plan="$(mktemp)"
trap 'rm -f "$plan"' EXIT
kommissorium ops citus-plan >"$plan"

if [ "${1:-}" = "--dry-run" ]; then
    cat "$plan"
    exit 0
fi

url="${DATABASE_URL:?set DATABASE_URL to the Citus coordinator (as the schema owner)}"
url="$(printf '%s' "$url" | sed 's|^postgresql+psycopg://|postgresql://|')"
psql "$url" -v ON_ERROR_STOP=1 -c "SELECT extversion FROM pg_extension WHERE extname = 'citus'" -tA \
    | grep -q . || { echo "citus extension missing: CREATE EXTENSION citus; first" >&2; exit 1; }
psql "$url" -v ON_ERROR_STOP=1 -f "$plan"
echo "distributed; check with: SELECT * FROM citus_tables;"
