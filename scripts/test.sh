#!/usr/bin/env bash
# Runs every test. Starts a throwaway PostgreSQL cluster on loopback for the Postgres tests
# and stops it afterwards; after `swift test`, drives the web console in headless Chromium
# (scripts/console-test.sh) and fuzzes the API against its OpenAPI document (scripts/schemathesis.sh)
# on SQLite and on that cluster. Exits non-zero when any test fails, the Postgres tests did not run,
# a browser check failed or schemathesis found a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib/throwaway-postgres.sh

start_postgres() {
    start_throwaway_postgres -c fsync=off
    FLOW_TEST_POSTGRES_URL=$(createdb_throwaway flow_test)
    export FLOW_TEST_POSTGRES_URL
    # scripts/schemathesis.sh's daemon gets a database of its own, untouched by the tests.
    SCHEMATHESIS_POSTGRES_URL=$(createdb_throwaway flow_schemathesis)
    echo "test.sh: PostgreSQL on 127.0.0.1:$THROWAWAY_PG_PORT (data in $THROWAWAY_PG_DATA)"
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
