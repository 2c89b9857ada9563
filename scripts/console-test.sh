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

NAME=console-test.sh
WORK=$(mktemp -d /tmp/flow-console.XXXXXX)
DATABASE="sqlite://$WORK/flow.sqlite"
source scripts/lib/sandboxed-daemon.sh
export FLOW_CONSOLE_ACME_KEY FLOW_CONSOLE_ACME_LEAD_KEY FLOW_CONSOLE_GLOBEX_KEY
FLOW_CONSOLE_ACME_KEY=$("${SANDBOXED[@]}" keys create --agency acme --name acme-ops --database "$DATABASE" 2>/dev/null)
FLOW_CONSOLE_ACME_LEAD_KEY=$("${SANDBOXED[@]}" keys create --agency acme --name acme-lead --database "$DATABASE" 2>/dev/null)
FLOW_CONSOLE_GLOBEX_KEY=$("${SANDBOXED[@]}" keys create --agency globex --name globex-ops --database "$DATABASE" 2>/dev/null)

start_daemon --workflows workflows --database "$DATABASE" --fixtures examples/trip-planning/fixtures.yaml

export FLOW_CONSOLE_BASE="$BASE"
export FLOW_CONSOLE_SCREENSHOTS=${FLOW_CONSOLE_SCREENSHOTS:-$WORK/screenshots}
mkdir -p "$FLOW_CONSOLE_SCREENSHOTS"
status=0
python3 scripts/console_test.py || status=$?
daemon_crashed && status=1
[ "$status" -eq 0 ] && echo "console-test.sh: passed (screenshots in $FLOW_CONSOLE_SCREENSHOTS)"
exit "$status"
