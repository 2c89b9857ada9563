#!/usr/bin/env bash
# The web console in a real browser: starts the built `flowctl serve` in sandbox mode (providers
# answered from examples/trip-planning/fixtures.yaml) over a throwaway SQLite database, creates keys
# of two agencies, starts planning jobs that stop at their booking approval, and drives headless
# Chromium through the console with Selenium (scripts/console_test.py): sign in, the pending
# approval with its countdown, approve it, the instance resuming live in its timeline, a decision by
# another operator reaching the open inbox, another agency's key seeing none of it, an invalid
# override shown at its line and not saved. Fails (non-zero) on the first check that does not hold.
#
# Environment:
#   FLOW_BUILD_DIR               build directory holding debug/flowctl (default .build)
#   FLOW_FLOWCTL                 the flowctl binary (default $FLOW_BUILD_DIR/debug/flowctl)
#   FLOW_CONSOLE_SCREENSHOTS     a directory to save a screenshot of each page in (docs/console to
#                                refresh the committed ones); default: the run's temporary directory
set -euo pipefail
cd "$(dirname "$0")/.."

FLOWCTL=${FLOW_FLOWCTL:-${FLOW_BUILD_DIR:-.build}/debug/flowctl}
if [ ! -x "$FLOWCTL" ]; then
    echo "console-test.sh: no flowctl at $FLOWCTL (build first, or set FLOW_BUILD_DIR or FLOW_FLOWCTL)" >&2
    exit 1
fi
scripts/install-test-tools.sh --browser >/dev/null

WORK=$(mktemp -d /tmp/flow-console.XXXXXX)
DATABASE="sqlite://$WORK/flow.sqlite"
SERVE_PID=""
stop_daemon() {
    if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
        kill -TERM "$SERVE_PID" 2>/dev/null || true
        for _ in $(seq 1 150); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVE_PID" 2>/dev/null || true
        wait "$SERVE_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap stop_daemon EXIT

SANDBOXED=(env -u TWILIO_ACCOUNT_SID -u TWILIO_AUTH_TOKEN -u TWILIO_MESSAGING_SERVICE_SID -u AEROAPI_KEY
    -u OPENAI_API_KEY -u FLOW_DATABASE_URL -u FLOW_PORT -u FLOW_HOST -u FLOW_WORKFLOWS -u FLOW_FIXTURES
    -u FLOW_CORS_ORIGINS -u FLOW_LOG_FORMAT -u FLOW_LOG_LEVEL "$FLOWCTL")
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
export FLOW_CONSOLE_ACME_KEY FLOW_CONSOLE_ACME_LEAD_KEY FLOW_CONSOLE_GLOBEX_KEY
FLOW_CONSOLE_ACME_KEY=$("${SANDBOXED[@]}" keys create --agency acme --name acme-ops --database "$DATABASE" 2>/dev/null)
FLOW_CONSOLE_ACME_LEAD_KEY=$("${SANDBOXED[@]}" keys create --agency acme --name acme-lead --database "$DATABASE" 2>/dev/null)
FLOW_CONSOLE_GLOBEX_KEY=$("${SANDBOXED[@]}" keys create --agency globex --name globex-ops --database "$DATABASE" 2>/dev/null)

"${SANDBOXED[@]}" serve --host 127.0.0.1 --port "$PORT" --workflows workflows --database "$DATABASE" \
    --fixtures examples/trip-planning/fixtures.yaml --log-format text --log-level warning >"$WORK/serve.log" 2>&1 &
SERVE_PID=$!
for _ in $(seq 1 300); do
    curl -fsS "$BASE/health" >/dev/null 2>&1 && break
    if ! kill -0 "$SERVE_PID" 2>/dev/null; then
        echo "console-test.sh: flowctl serve exited:" >&2
        cat "$WORK/serve.log" >&2
        exit 1
    fi
    sleep 0.1
done

export FLOW_CONSOLE_BASE="$BASE"
export FLOW_CONSOLE_SCREENSHOTS=${FLOW_CONSOLE_SCREENSHOTS:-$WORK/screenshots}
mkdir -p "$FLOW_CONSOLE_SCREENSHOTS"
status=0
python3 scripts/console_test.py || status=$?
if ! kill -0 "$SERVE_PID" 2>/dev/null || grep -q -E "critical|Fatal error" "$WORK/serve.log"; then
    echo "console-test.sh: the daemon crashed or logged a crash; its log:" >&2
    tail -40 "$WORK/serve.log" >&2
    status=1
fi
[ "$status" -eq 0 ] && echo "console-test.sh: passed (screenshots in $FLOW_CONSOLE_SCREENSHOTS)"
exit "$status"
