#!/usr/bin/env bash
# Writes the dry-run text and JSON of every example under every agency choice (none and each
# file of workflows/agencies/) into DIR, one file per combination, so two builds' outputs can be
# compared with `diff -r`:
#   scripts/dry-run-outputs.sh /tmp/before   # on the old commit
#   scripts/dry-run-outputs.sh /tmp/after    # on the new one
#   diff -r /tmp/before /tmp/after && echo identical
# FLOWCTL names the binary (default: the debug build's flowctl).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/dry-run-outputs.sh DIR}
flowctl=${FLOWCTL:-$(swift build --show-bin-path)/flowctl}
mkdir -p "$out"
agencies=("")
for file in workflows/agencies/*.yaml; do agencies+=("$(basename "$file" .yaml)"); done
for example in examples/*/; do
    name=$(basename "$example")
    if [ -f "$example/trip.json" ]; then
        flow=workflows/flight-notifications.yaml input="$example/trip.json" start=(--start 2026-07-06T10:00:00Z)
        # an example whose trip is booked at another time says when in its `start` file (late bookings, DST)
        [ -f "$example/start" ] && start=(--start "$(tr -d '[:space:]' <"$example/start")")
    else
        flow=workflows/trip-planning.yaml input="$example/input.json" start=(--start 2026-08-01T12:00:00Z)
    fi
    for agency in "${agencies[@]}"; do
        args=("$flow" --input "$input" --fixtures "$example/fixtures.yaml" "${start[@]}")
        [ -n "$agency" ] && args+=(--agency "$agency")
        tag="$name${agency:+-$agency}"
        "$flowctl" dry-run "${args[@]}" >"$out/$tag.txt" 2>&1 || echo "exit $?" >>"$out/$tag.txt"
        "$flowctl" dry-run "${args[@]}" --format json >"$out/$tag.json" 2>&1 || echo "exit $?" >>"$out/$tag.json"
    done
done
ls "$out" | wc -l | xargs echo "dry-run-outputs.sh: files written:"
