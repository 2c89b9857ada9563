#!/usr/bin/env bash
# The chaos run (docs/reliability.md): `flow-bench chaos` on a throwaway PostgreSQL cluster, which
# it restarts once mid-run. Builds flowctl and flow-bench in release.
#
#   scripts/chaos.sh [flow-bench chaos options]      # default: 3,000 instances, 3 daemons, 100 SIGKILLs, 30 % faults
#   scripts/chaos.sh --instances 60 --daemons 2 --kills 5
#
# Exits 1 when an instance was lost, a message was sent twice, or fewer than 99.9 % of the sends
# were delivered within the retry budget.
set -euo pipefail
cd "$(dirname "$0")/.."

SCRATCH="${FLOW_BENCH_SCRATCH:-.build-release}"
CONFIGURATION="${FLOW_BENCH_CONFIGURATION:-release}"
# FLOW_BENCH_SKIP_BUILD=1: use the flowctl and flow-bench already built in $SCRATCH/$CONFIGURATION.
if [ "${FLOW_BENCH_SKIP_BUILD:-0}" != "1" ]; then
    swift build -c "$CONFIGURATION" --product flowctl --scratch-path "$SCRATCH" 2>&1 | tail -1
    swift build -c "$CONFIGURATION" --product flow-bench --scratch-path "$SCRATCH" 2>&1 | tail -1
fi

source scripts/lib/throwaway-postgres.sh
start_throwaway_postgres
FLOW_BENCH_POSTGRES_URL=$(createdb_throwaway flow_chaos) \
    "$SCRATCH/$CONFIGURATION/flow-bench" chaos --pg-data "$THROWAWAY_PG_DATA" "$@"
