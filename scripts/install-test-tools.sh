#!/usr/bin/env bash
# Installs what the test suite uses beyond Swift: the official `twilio` Python package, used by
# StepsTests to cross-check webhook signatures, and `jsonschema`, the JSON Schema validator the
# FlowDaemonTests `flowctl schema` tests check the shipped flows with. Idempotent: installs only
# what is not already importable.
set -euo pipefail
if ! command -v python3 >/dev/null 2>&1; then
    echo "install-test-tools: python3 not found; the twilio cross-check and JSON Schema tests cannot run" >&2
    exit 0
fi
install() {
    local package=$1 module=$2
    if python3 -c "import $module" >/dev/null 2>&1; then
        echo "install-test-tools: $package already installed"
        return
    fi
    python3 -m pip install --quiet "$package"
    python3 -c "import $module"
    echo "install-test-tools: $package installed"
}
install twilio twilio.request_validator
install jsonschema jsonschema
