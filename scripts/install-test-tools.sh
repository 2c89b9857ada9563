#!/usr/bin/env bash
# Installs what the test suite uses beyond Swift: the official `twilio` Python package, used by
# StepsTests to cross-check webhook signatures; `jsonschema`, the JSON Schema validator the
# FlowDaemonTests `flowctl schema` tests check the shipped flows with; and `schemathesis`, which
# scripts/schemathesis.sh runs against the API's OpenAPI document (pinned: its CLI changes between
# major versions). With --browser, what scripts/console-test.sh drives the web console with: Debian's
# `chromium` and `chromium-driver` (and `graphviz`, the console's optional graph renderer) through
# apt-get as root (or sudo without a password), and `selenium`. Idempotent: installs only what is not
# already there (at the pinned version).
set -euo pipefail
if [ "${1:-}" = "--browser" ]; then
    missing=()
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
    command -v dot >/dev/null 2>&1 || missing+=(graphviz)
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" = "0" ]; then SUDO=(); elif sudo -n true 2>/dev/null; then SUDO=(sudo -n); else
            echo "install-test-tools: ${missing[*]} missing and neither root nor sudo is available" >&2
            exit 1
        fi
        "${SUDO[@]}" apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -q "${missing[@]}" >/dev/null
        echo "install-test-tools: ${missing[*]} installed"
    fi
    SELENIUM=4.51.0
fi
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
if [ -n "${SELENIUM:-}" ]; then
    install "selenium==$SELENIUM" "import importlib.metadata as m; assert m.version('selenium') == '$SELENIUM'"
fi
