#!/usr/bin/env bash
# Long fuzz runs for the note: every target for FUZZ_SECONDS (default 600) each, printing executions
# and crashes per target. Usage: fuzz/run-long.sh [target ...]
set -uo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-600}"
targets=("$@")
((${#targets[@]})) || mapfile -t targets < <(cargo +nightly fuzz list)
cargo +nightly fuzz build -O || exit 1
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target"
    [[ -d "seeds/$target" ]] && cp -n "seeds/$target"/* "corpus/$target/" 2>/dev/null
    log=$(mktemp)
    cargo +nightly fuzz run -O "$target" "corpus/$target" -- -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1
    status=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    crashes=$(ls "artifacts/$target" 2>/dev/null | grep -c '^crash-' || true)
    timeouts=$(ls "artifacts/$target" 2>/dev/null | grep -c '^timeout-' || true)
    echo "$target: executions=${execs:-?} crashes=$crashes timeouts=$timeouts exit=$status"
    rm -f "$log"
done
