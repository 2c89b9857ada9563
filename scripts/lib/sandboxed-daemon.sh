# Sourced by scripts that run the built `flowctl serve` in sandbox mode on a free loopback port
# (scripts/schemathesis.sh, scripts/console-test.sh). Needs FLOWCTL and WORK (a temporary
# directory, removed with the daemon) and a NAME for messages. Defines:
#   SANDBOXED          flowctl with no provider credentials or FLOW_* setting in its environment
#                      (`env` execs flowctl, so `"${SANDBOXED[@]}" serve &` leaves flowctl's pid in $!)
#   PORT, BASE         the free port and http://127.0.0.1:$PORT
#   DAEMON_SETTINGS    NAME=VALUE settings for `serve` (e.g. FLOW_RATE_LIMIT_PER_SECOND=1000); empty by default
#   start_daemon ARGS  `serve` on PORT with ARGS and DAEMON_SETTINGS, log in $WORK/serve.log; waits for /health (30 s)
#   stop_daemon        TERM, then KILL after 15 s (e.g. while its database is unreachable); removes WORK
#   daemon_crashed     true when the daemon died or logged a crash (its log's tail on stderr)

SANDBOXED=(env -u TWILIO_ACCOUNT_SID -u TWILIO_AUTH_TOKEN -u TWILIO_MESSAGING_SERVICE_SID -u AEROAPI_KEY
    -u OPENAI_API_KEY -u FLOW_DATABASE_URL -u FLOW_PORT -u FLOW_HOST -u FLOW_WORKFLOWS -u FLOW_FIXTURES
    -u FLOW_CORS_ORIGINS -u FLOW_LOG_FORMAT -u FLOW_LOG_LEVEL -u FLOW_MAX_BODY_BYTES -u FLOW_RATE_LIMIT
    -u FLOW_RATE_LIMIT_PER_SECOND -u FLOW_RATE_LIMIT_BURST "$FLOWCTL")
DAEMON_SETTINGS=()
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
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

start_daemon() {
    # `env -u … NAME=VALUE … flowctl`: the settings go after the unsets, before the command.
    "${SANDBOXED[@]:0:${#SANDBOXED[@]}-1}" "${DAEMON_SETTINGS[@]}" "$FLOWCTL" serve --host 127.0.0.1 --port "$PORT" \
        --log-format text --log-level warning "$@" >"$WORK/serve.log" 2>&1 &
    SERVE_PID=$!
    for _ in $(seq 1 300); do
        curl -fsS "$BASE/health" >/dev/null 2>&1 && return 0
        if ! kill -0 "$SERVE_PID" 2>/dev/null; then
            echo "$NAME: flowctl serve exited:" >&2
            cat "$WORK/serve.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "$NAME: /health did not answer in 30s" >&2
    exit 1
}

daemon_crashed() {
    if ! kill -0 "$SERVE_PID" 2>/dev/null || grep -q -E "critical|Fatal error" "$WORK/serve.log"; then
        echo "$NAME: the daemon crashed or logged a crash; its log:" >&2
        tail -40 "$WORK/serve.log" >&2
        return 0
    fi
    return 1
}
