#!/usr/bin/env bash
# Fuzzes Flow's parsers with libFuzzer (docs/fuzzing.md).
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS]
#
# TARGET is one of: flow-yaml expressions dry-run-fixtures stored-state twilio-webhook sse-query
# (default all, one after the other); SECONDS is each target's run (wall time, -max_total_time;
# default 60). It builds the fuzz package (fuzz/) with the fuzzer and address sanitizers, replays
# the saved regressions (fuzz/regressions/TARGET), seeds each corpus from the shipped flows,
# examples, test fixtures and the curated seeds (fuzz/corpus/TARGET), runs the target, and prints
# per target: CPU seconds, executions, executions per CPU second, corpus size, crashes.
# Exits 1 when any target crashed (inputs in fuzz/work/crashes/TARGET/), 2 on a usage or build error.
#
# Environment:
#   FLOW_FUZZ_WORK        corpora, crash inputs and logs (default fuzz/work, git-ignored)
#   FLOW_FUZZ_SCRATCH     the build's scratch path (default fuzz/.build-fuzz)
#   FLOW_FUZZ_SKIP_BUILD  set to 1 to use the binaries already built
#   FLOW_FUZZ_BIN         where the built fuzz-TARGET binaries are (default: the build's debug directory)
#   FLOW_FUZZ_NICE        the fuzzers' niceness (default 19: they take only idle CPU)
#   FLOW_FUZZ_RSS_MB      libFuzzer's -rss_limit_mb (default 2048)
#   FLOW_FUZZ_TIMEOUT     libFuzzer's -timeout per input in wall seconds (default 60: a niced
#                         fuzzer on a busy machine may wait seconds for a CPU)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
all_targets=(flow-yaml expressions dry-run-fixtures stored-state twilio-webhook sse-query)
which=${1:-all}
seconds=${2:-60}
work=${FLOW_FUZZ_WORK:-$root/fuzz/work}
scratch=${FLOW_FUZZ_SCRATCH:-$root/fuzz/.build-fuzz}
niceness=${FLOW_FUZZ_NICE:-19}
rss_mb=${FLOW_FUZZ_RSS_MB:-2048}
timeout=${FLOW_FUZZ_TIMEOUT:-60}

usage() { echo "usage: scripts/fuzz.sh [all|${all_targets[*]// /|}] [SECONDS]" >&2; exit 2; }
if [[ $which == all ]]; then
    targets=("${all_targets[@]}")
elif [[ " ${all_targets[*]} " == *" $which "* ]]; then
    targets=("$which")
else
    usage
fi
[[ $seconds =~ ^[0-9]+$ ]] || usage

if [[ ${FLOW_FUZZ_SKIP_BUILD:-0} != 1 ]]; then
    echo "== building the fuzz targets (fuzzer + address sanitizers)"
    # swiftc keeps only the last of several -sanitize= options: SwiftPM's `--sanitize=fuzzer
    # --sanitize=address` (kept: it links libFuzzer's main and instruments the C targets) passes two,
    # which left the Swift code without coverage counters; the -sanitize=fuzzer,address after them wins.
    (cd "$root/fuzz" && swift build -c debug --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address --scratch-path "$scratch") \
        || { echo "error: the fuzz build failed" >&2; exit 2; }
fi
bin=${FLOW_FUZZ_BIN:-$scratch/debug}
[[ -d $bin ]] || bin=$scratch/$(uname -m)-unknown-linux-gnu/debug

# Copies files into a corpus under their content's hash, so seeding again adds nothing twice.
seed_files() {
    local corpus=$1; shift
    local file
    for file in "$@"; do
        [[ -f $file && -s $file ]] || continue
        cp "$file" "$corpus/seed-$(sha1sum "$file" | cut -c1-16)"
    done
}

# Writes each line of stdin as one seed.
seed_lines() {
    local corpus=$1 line
    while IFS= read -r line; do
        [[ -n $line ]] || continue
        printf '%s' "$line" > "$corpus/seed-$(printf '%s' "$line" | sha1sum | cut -c1-16)"
    done
}

seed() {
    local target=$1 corpus=$2
    shopt -s nullglob globstar
    seed_files "$corpus" "$root"/fuzz/corpus/"$target"/*
    case $target in
        flow-yaml)
            seed_files "$corpus" "$root"/workflows/*.yaml "$root"/workflows/agencies/*.yaml \
                "$root"/Tests/FlowEngineTests/Fixtures/**/*.yaml "$root"/examples/*/*.yaml ;;
        expressions)
            # The bodies of every `${{ … }}` in the shipped flows and the test fixtures.
            cat "$root"/workflows/*.yaml "$root"/workflows/agencies/*.yaml "$root"/Tests/FlowEngineTests/Fixtures/**/*.yaml \
                | grep -o '\${{[^}]*}}' | sed 's/^\${{ *//; s/ *}}$//' | sort -u | seed_lines "$corpus" ;;
        dry-run-fixtures)
            seed_files "$corpus" "$root"/examples/*/*.yaml "$root"/examples/*/*.json ;;
        stored-state)
            seed_files "$corpus" "$root"/examples/*/*.json ;;
        twilio-webhook | sse-query) ;;  # hand-written requests only (fuzz/corpus/TARGET)
    esac
    shopt -u nullglob globstar
}

# The value of one of libFuzzer's final stats (`stat::NAME: VALUE`) in a log.
stat() { grep -o "stat::$1: *[0-9]*" "$2" | tail -1 | grep -o '[0-9]*$' || echo 0; }

crashed=0
summary=()
for target in "${targets[@]}"; do
    binary=$bin/fuzz-$target
    [[ -x $binary ]] || { echo "error: $binary is not built" >&2; exit 2; }
    corpus=$work/corpus/$target
    crashes=$work/crashes/$target
    logs=$work/logs
    mkdir -p "$corpus" "$crashes" "$logs"
    export FLOW_FUZZ_WORKFLOWS=$root/workflows
    # No leak checks: the Swift runtime's metadata caches and the parsers' shared caches live for
    # the whole process, which LeakSanitizer reports at exit.
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}

    regressions=("$root"/fuzz/regressions/"$target"/*)
    if [[ -e ${regressions[0]} ]]; then
        echo "== $target: replaying ${#regressions[@]} saved regression input(s)"
        "$binary" -detect_leaks=0 -rss_limit_mb="$rss_mb" -timeout="$timeout" "${regressions[@]}" \
            > "$logs/$target-regressions.log" 2>&1 \
            || { echo "   FAILED: see $logs/$target-regressions.log"; crashed=1; }
    fi

    seed "$target" "$corpus"
    stamp=$(date -u +%Y%m%dT%H%M%SZ)
    log=$logs/$target-$stamp.log
    marker=$(mktemp)
    echo "== $target: fuzzing for ${seconds}s (nice $niceness), corpus $(ls "$corpus" | wc -l) inputs, log $log"
    set +e
    /usr/bin/time -f '%U %S' -o "$logs/$target-$stamp.time" nice -n "$niceness" "$binary" \
        -max_total_time="$seconds" -rss_limit_mb="$rss_mb" -timeout="$timeout" -detect_leaks=0 \
        -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" > "$log" 2>&1
    rc=$?
    set -e
    read -r user system < <(tail -n 1 "$logs/$target-$stamp.time") || { user=0; system=0; }
    cpu=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.1f", u + s }')
    runs=$(stat number_of_executed_units "$log")
    rate=$(awk -v r="$runs" -v c="$cpu" 'BEGIN { printf "%.0f", (c > 0 ? r / c : 0) }')
    size=$(ls "$corpus" | wc -l)
    bytes=$(du -sk "$corpus" | cut -f1)
    found=$(find "$crashes" -type f -newer "$marker" \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' \) | wc -l)
    rm -f "$marker"
    if [[ $rc != 0 || $found != 0 ]]; then
        crashed=1
        [[ $found != 0 ]] || found="1 (exit $rc, see the log)"
    fi
    line=$(printf '%-17s cpu %8ss  execs %10s  exec/cpu-s %6s  corpus %5s inputs (%s KiB)  crashes %s' \
        "$target" "$cpu" "$runs" "$rate" "$size" "$bytes" "$found")
    echo "$line"
    summary+=("$line")
done

echo
echo "== summary ($(date -u +%Y-%m-%dT%H:%M:%SZ), $seconds s per target)"
printf '%s\n' "${summary[@]}"
if [[ $crashed != 0 ]]; then
    echo "crashes: inputs are in $work/crashes/" >&2
    exit 1
fi
