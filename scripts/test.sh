#!/usr/bin/env bash
# Runs every test. Starts a throwaway PostgreSQL cluster on loopback for the Postgres tests
# and stops it afterwards; after `swift test`, drives the web console in headless Chromium
# (scripts/console-test.sh) and fuzzes the API against its OpenAPI document (scripts/schemathesis.sh)
# on SQLite and on that cluster. Exits non-zero when any test fails, the Postgres tests did not run,
# a browser check failed or schemathesis found a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

PGDATA_DIR=""
cleanup() {
    if [ -n "$PGDATA_DIR" ] && [ -d "$PGDATA_DIR" ]; then
        run_as_pg pg_ctl -D "$PGDATA_DIR" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$PGDATA_DIR"
    fi
}
trap cleanup EXIT

run_as_pg() {
    # initdb and postgres refuse to run as root; use the postgres account when we are root.
    if [ "$(id -u)" = "0" ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start_postgres() {
    command -v initdb >/dev/null || { echo "test.sh: initdb not found; install PostgreSQL server binaries" >&2; exit 1; }
    PGDATA_DIR=$(mktemp -d /tmp/flow-pg.XXXXXX)
    chmod 700 "$PGDATA_DIR"
    [ "$(id -u)" = "0" ] && chown postgres "$PGDATA_DIR"
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    run_as_pg initdb -D "$PGDATA_DIR" -U flow --auth=trust -E UTF8 >/dev/null
    run_as_pg pg_ctl -D "$PGDATA_DIR" -w -l "$PGDATA_DIR/server.log" \
        -o "-h 127.0.0.1 -p $port -k $PGDATA_DIR -c fsync=off -c max_connections=300" start >/dev/null
    run_as_pg createdb -h 127.0.0.1 -p "$port" -U flow flow_test
    export FLOW_TEST_POSTGRES_URL="postgres://flow@127.0.0.1:$port/flow_test"
    # scripts/schemathesis.sh's daemon gets a database of its own, untouched by the tests.
    run_as_pg createdb -h 127.0.0.1 -p "$port" -U flow flow_schemathesis
    SCHEMATHESIS_POSTGRES_URL="postgres://flow@127.0.0.1:$port/flow_schemathesis"
    # For the restart test (Tests/FlowDaemonTests): `pg_ctl -D "$FLOW_TEST_POSTGRES_DATA" restart`,
    # run through `runuser -u postgres --` when the tests run as root.
    export FLOW_TEST_POSTGRES_DATA="$PGDATA_DIR"
    echo "test.sh: PostgreSQL on 127.0.0.1:$port (data in $PGDATA_DIR)"
}

scripts/install-test-tools.sh --browser
start_postgres
swift build --build-tests
OUTPUT=$(mktemp /tmp/flow-test-output.XXXXXX)
set +e
swift test --skip-build 2>&1 | tee "$OUTPUT"
status=${PIPESTATUS[0]}
# The web console in a real browser (docs/console.md).
CONSOLE_OUTPUT=$(mktemp /tmp/flow-console-output.XXXXXX)
scripts/console-test.sh 2>&1 | tee "$CONSOLE_OUTPUT"
console_status=${PIPESTATUS[0]}
# The API against its OpenAPI document (docs/api.md), on SQLite and on the throwaway PostgreSQL.
FUZZ_OUTPUT=$(mktemp /tmp/flow-schemathesis-output.XXXXXX)
fuzz_failed=""
scripts/schemathesis.sh 2>&1 | tee "$FUZZ_OUTPUT"
[ "${PIPESTATUS[0]}" -eq 0 ] || fuzz_failed="SQLite"
FLOW_SCHEMATHESIS_DATABASE="$SCHEMATHESIS_POSTGRES_URL" scripts/schemathesis.sh 2>&1 | tee -a "$FUZZ_OUTPUT"
[ "${PIPESTATUS[0]}" -eq 0 ] || fuzz_failed="${fuzz_failed:+$fuzz_failed and }PostgreSQL"
set -e
if [ "$status" -ne 0 ]; then
    # Repeat what failed at the end, where a truncated CI log still shows it.
    echo "test.sh: swift test exited $status; the failures (whole output in $OUTPUT):"
    grep -E "^✘ Test .*(recorded an issue|failed after)|error: |Fatal error|Test .* crashed" "$OUTPUT" | head -40 || true
fi
if [ "$console_status" -ne 0 ]; then
    echo "test.sh: scripts/console-test.sh failed (whole output in $CONSOLE_OUTPUT):"
    grep -E "FAILED|timed out|Error|crashed" "$CONSOLE_OUTPUT" | head -20 || true
    [ "$status" -ne 0 ] || status=1
fi
if [ -n "$fuzz_failed" ]; then
    echo "test.sh: scripts/schemathesis.sh failed on $fuzz_failed; the failures (whole output in $FUZZ_OUTPUT):"
    grep -E "^_{3,} .* _{3,}$|^- [A-Z]+[0-9]* |^\[[0-9]{3}\]|^    curl |FAILED|crashed" "$FUZZ_OUTPUT" \
        | head -60 || true
    [ "$status" -ne 0 ] || status=1
fi
exit "$status"
