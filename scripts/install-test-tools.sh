#!/usr/bin/env bash
# Installs what the test suite uses beyond Swift: the official `twilio` Python package, used by
# StepsTests to cross-check webhook signatures; `jsonschema`, the JSON Schema validator the
# FlowDaemonTests `flowctl schema` tests check the shipped flows with; and `schemathesis`, which
# scripts/schemathesis.sh runs against the API's OpenAPI document (pinned: its CLI changes between
# major versions). Idempotent: installs only what is not already importable (at the pinned version).
set -euo pipefail
if ! command -v python3 >/dev/null 2>&1; then
    echo "install-test-tools: python3 not found; the twilio cross-check and JSON Schema tests cannot run" >&2
    exit 0
fi
# install REQUIREMENT CHECK: pip-installs REQUIREMENT unless the Python statement CHECK runs.
install() {
    local requirement=$1 check=$2
    if python3 -c "$check" >/dev/null 2>&1; then
        echo "install-test-tools: $requirement already installed"
        return
    fi
    python3 -m pip install --quiet "$requirement"
    python3 -c "$check"
    echo "install-test-tools: $requirement installed"
}
install twilio "import twilio.request_validator"
install jsonschema "import jsonschema"
SCHEMATHESIS=4.32.5
install "schemathesis==$SCHEMATHESIS" \
    "import importlib.metadata as m; assert m.version('schemathesis') == '$SCHEMATHESIS'"
