#!/usr/bin/env bash
# Flow beside its peer, DBOS Transact, on one throwaway PostgreSQL in one run (docs/benchmarks.md).
#
#   scripts/bench-peer.sh [--workflows W] [--steps K] [--concurrency "1 16 64"]
#
# For each concurrency C: W instances of a flow of K no-op steps on Flow's InstanceWorker
# (`flow-bench peer flow`), W DBOS workflows of K no-op steps (scripts/bench/dbos_workload.py),
# and pgbench's minimal transition (`flow-bench peer pgbench`), each on a database of its own in
# the same cluster (fsync and synchronous_commit on, as in production). Both engines are verified
# from their tables (every workflow succeeded, exactly W×K step records) and the run fails if
# either is not. Prints steps/s, latency p50/p95/p99, commits and WAL bytes per workflow, and the
# ratios. Installs `dbos` from PyPI when missing; builds flow-bench in release.
set -euo pipefail
cd "$(dirname "$0")/.."

WORKFLOWS=2000
STEPS=5
CONCURRENCY="1 16 64"
while [ $# -gt 0 ]; do
    case "$1" in
        --workflows) WORKFLOWS="$2"; shift 2 ;;
        --steps) STEPS="$2"; shift 2 ;;
        --concurrency) CONCURRENCY="$2"; shift 2 ;;
        *) echo "usage: $0 [--workflows W] [--steps K] [--concurrency \"1 16 64\"]" >&2; exit 64 ;;
    esac
done

python3 -c 'import dbos' 2>/dev/null || python3 -m pip install --quiet 'dbos==3.4.0'
SCRATCH="${FLOW_BENCH_SCRATCH:-.build-release}"
swift build -c release --product flow-bench --scratch-path "$SCRATCH" 2>&1 | tail -1
BENCH="$SCRATCH/release/flow-bench"

source scripts/lib/throwaway-postgres.sh
start_throwaway_postgres -c fsync=on -c synchronous_commit=on -c shared_buffers=512MB -c max_wal_size=4GB
PSQL=(psql -h 127.0.0.1 -p "$THROWAWAY_PG_PORT" -U flow -At -v ON_ERROR_STOP=1)
RESULTS=$(mktemp /tmp/flow-bench-peer.XXXXXX)

# Commits of one database and the cluster's WAL position, as "commits lsn".
counters() {
    "${PSQL[@]}" -d postgres -c \
        "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = '$1'), pg_current_wal_lsn()" | tr '|' ' '
}

# Runs "$@" against database $1 (in FLOW_BENCH_POSTGRES_URL), appending its JSON lines, each with the
# database's commits and the cluster's WAL bytes over the whole run.
measure() {
    local database="$1"; shift
    local url; url=$(createdb_throwaway "$database")
    local before after lines
    before=$(counters "$database")
    lines=$(FLOW_BENCH_POSTGRES_URL="$url" DBOS_URL="${url/postgres:/postgresql:}" "$@" | grep '^{')
    sleep 1   # backends report their statistics when they end
    after=$(counters "$database")
    local wal
    wal=$("${PSQL[@]}" -d postgres -c "SELECT pg_wal_lsn_diff('${after#* }', '${before#* }')")
    while IFS= read -r line; do
        python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["db_commits"]=int(sys.argv[2]); d["wal_bytes"]=int(float(sys.argv[3])); d["database"]=sys.argv[4]; print(json.dumps(d))' \
            "$line" "$(( ${after%% *} - ${before%% *} ))" "$wal" "$database" >> "$RESULTS"
    done <<< "$lines"
}

# Counts read back from the tables after the run, as JSON fields.
verify_flow() {
    "${PSQL[@]}" -d "$1" -c "SELECT json_build_object(
        'succeeded', (SELECT count(*) FROM flow_instances WHERE flow = 'peer-steps' AND status = 'succeeded'),
        'step_records', (SELECT count(*) FROM instance_events e JOIN flow_instances i ON i.id = e.instance_id
                         WHERE i.flow = 'peer-steps' AND e.kind = 'step_succeeded'))"
}

echo "bench-peer: W=$WORKFLOWS workflows × K=$STEPS no-op steps, C in {$CONCURRENCY}; PostgreSQL $(postgres --version | awk '{print $3}') on 127.0.0.1:$THROWAWAY_PG_PORT, fsync=on synchronous_commit=on"
echo "bench-peer: load average before $(cut -d' ' -f1-3 /proc/loadavg)"
for c in $CONCURRENCY; do
    measure "flow_c$c" "$BENCH" peer flow "$WORKFLOWS" "$STEPS" "$c"
    python3 - "$RESULTS" "$(verify_flow "flow_c$c")" <<'PY'
import json, sys
path, counts = sys.argv[1], json.loads(sys.argv[2])
lines = open(path).read().splitlines()
last = json.loads(lines[-1]); last.update(counts)
last["verified"] = counts["succeeded"] == last["workflows"] and counts["step_records"] == last["workflows"] * last["steps"]
lines[-1] = json.dumps(last); open(path, "w").write("\n".join(lines) + "\n")
PY
    measure "dbos_c$c" sh -c 'exec python3 scripts/bench/dbos_workload.py --url "$DBOS_URL" --workflows "$1" --steps "$2" --concurrency "$3"' \
        dbos "$WORKFLOWS" "$STEPS" "$c"
    measure "pgbench_c$c" "$BENCH" peer pgbench "$c"
done
echo "bench-peer: load average after $(cut -d' ' -f1-3 /proc/loadavg)"
python3 scripts/bench/peer_report.py "$RESULTS"
