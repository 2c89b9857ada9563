#!/usr/bin/env bash
# Installs what the test suite uses beyond Swift: the official `twilio` Python package, used by
# StepsTests to cross-check webhook signatures. Idempotent: does nothing when already importable.
set -euo pipefail
if ! command -v python3 >/dev/null 2>&1; then
    echo "install-test-tools: python3 not found; the twilio cross-check tests will be skipped" >&2
    exit 0
fi
if python3 -c "import twilio.request_validator" >/dev/null 2>&1; then
    echo "install-test-tools: twilio already installed"
    exit 0
fi
python3 -m pip install --quiet twilio
python3 -c "import twilio.request_validator"
echo "install-test-tools: twilio installed"
