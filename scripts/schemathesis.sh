#!/usr/bin/env bash
# Fuzzes the control-plane API against its own contract: starts the built `flowctl serve` in sandbox
# mode (no provider credentials) on a free loopback port over a throwaway database, creates an
# agency key and an admin key, and runs schemathesis against GET /openapi.json once with each key,
# with valid and invalid data (`--mode all`: the negative cases break the document's types, bounds,
# patterns, required and closed fields, and must be refused with a 4xx). Fails (non-zero) when
# schemathesis finds a 5xx, invalid data accepted, or a response the document does not describe.
#
# Environment:
#   FLOW_BUILD_DIR                  build directory holding debug/flowctl (default .build)
#   FLOW_FLOWCTL                    the flowctl binary (default $FLOW_BUILD_DIR/debug/flowctl)
#   FLOW_SCHEMATHESIS_DATABASE      database URL for the daemon (default: a temporary SQLite file);
#                                   a postgres:// URL should name a database used for nothing else
#   FLOW_SCHEMATHESIS_EXAMPLES      test cases per operation and phase (default 50)
#   FLOW_SCHEMATHESIS_SEED          schemathesis' random seed (default: a random one, printed)
set -euo pipefail
cd "$(dirname "$0")/.."

FLOWCTL=${FLOW_FLOWCTL:-${FLOW_BUILD_DIR:-.build}/debug/flowctl}
EXAMPLES=${FLOW_SCHEMATHESIS_EXAMPLES:-50}
SEED=${FLOW_SCHEMATHESIS_SEED:-$RANDOM$RANDOM}
if [ ! -x "$FLOWCTL" ]; then
    echo "schemathesis.sh: no flowctl at $FLOWCTL (build first, or set FLOW_BUILD_DIR or FLOW_FLOWCTL)" >&2
    exit 1
fi

scripts/install-test-tools.sh >/dev/null
NAME=schemathesis.sh
WORK=$(mktemp -d /tmp/flow-schemathesis.XXXXXX)
DATABASE=${FLOW_SCHEMATHESIS_DATABASE:-sqlite://$WORK/flow.sqlite}
source scripts/lib/sandboxed-daemon.sh
# Keys first: `keys create` migrates a fresh database. Each is printed once on stdout and kept in
# a variable only (schemathesis masks Authorization in what it prints).
AGENCY_KEY=$("${SANDBOXED[@]}" keys create --agency schemathesis --name schemathesis --database "$DATABASE" 2>/dev/null)
ADMIN_KEY=$("${SANDBOXED[@]}" keys create --admin --name schemathesis-admin --database "$DATABASE" 2>/dev/null)

# schemathesis sends a few hundred requests a second with one key: a rate limit far above it, so a
# 429 never stands in for the answer under test (RequestLimitsTests covers the limit itself).
DAEMON_SETTINGS=(FLOW_RATE_LIMIT_PER_SECOND=1000 FLOW_RATE_LIMIT_BURST=100000)
start_daemon --workflows workflows --database "$DATABASE"

# One instance of the agency, so lists and timelines answer with entries, not only empty pages; the
# agency key's run uses its id for every `{id}`, reaching the instance routes past their 404.
SEEDED=$(curl -fsS -X POST "$BASE/instances" -H "Authorization: Bearer $AGENCY_KEY" \
    -H 'Content-Type: application/json' -H 'Idempotency-Key: schemathesis-seed' \
    -d '{"flow":"concierge","input":{"from":"+5491155550000","body":"hola","message_sid":"SMschemathesis"}}' \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
printf '[parameters]\n"path.id" = "%s"\n' "$SEEDED" >"$WORK/agency.toml"
: >"$WORK/admin.toml"

# Every check but positive_data_acceptance (docs/api.md, "Fuzzing the API against the document"): a
# request the document allows is rightly refused when it names an object that does not exist (404),
# carries a cursor the daemon did not issue (400) or an input the named flow does not take (422).
CHECKS_EXCLUDED=positive_data_acceptance
echo "schemathesis.sh: $FLOWCTL serve on $BASE ($DATABASE), seed $SEED, $EXAMPLES examples"
status=0
for role in agency admin; do
    if [ "$role" = agency ]; then key=$AGENCY_KEY; else key=$ADMIN_KEY; fi
    echo "schemathesis.sh: --- with the $role key ---"
    # One worker: Python 3.11 before 3.11.8 can fail parsing in threads (hypothesis' lambda sources).
    # Run from $WORK: schemathesis keeps a cache of past failures in ./.schemathesis.
    if ! (cd "$WORK" && python3 -m schemathesis.cli --config-file "$role.toml" run "$BASE/openapi.json" \
        --header "Authorization: Bearer $key" \
        --mode all --checks all --exclude-checks "$CHECKS_EXCLUDED" --max-examples "$EXAMPLES" --seed "$SEED" \
        --workers 1 --request-timeout 10 --suppress-health-check all --generation-database none --no-color \
        --phases examples,coverage,fuzzing,stateful); then
        status=1
        echo "schemathesis.sh: FAILED with the $role key (seed $SEED)" >&2
    fi
done
daemon_crashed && status=1
[ "$status" -eq 0 ] && echo "schemathesis.sh: passed with both keys (seed $SEED)"
exit "$status"
