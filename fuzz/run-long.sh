#!/usr/bin/env bash
# Long fuzz runs for the reliability note: every target (or the ones named) until FUZZ_RUNS
# executions (default 10 000 000) or FUZZ_SECONDS (default 900) per target, whichever comes first.
# Prints one line per target: executions, executions/s, corpus size, crashes, timeouts, OOMs.
# Logs stay under fuzz/logs/<target>.log. One libFuzzer process at a time (the machine is shared).
#
# Usage: fuzz/run-long.sh [target ...]
#   FUZZ_RUNS=100000000 FUZZ_SECONDS=3600 fuzz/run-long.sh download_parse
set -uo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-900}"
runs="${FUZZ_RUNS:-10000000}"
targets=("$@")
((${#targets[@]})) || mapfile -t targets < <(cargo +nightly fuzz list)
cargo +nightly fuzz build -O || exit 1
mkdir -p logs
overall=0
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target" "artifacts/$target"
    [[ -d "seeds/$target" ]] && cp -n "seeds/$target"/* "corpus/$target/" 2>/dev/null
    before_crashes=$(find "artifacts/$target" -name 'crash-*' | wc -l)
    before_timeouts=$(find "artifacts/$target" -name 'timeout-*' | wc -l)
    before_ooms=$(find "artifacts/$target" -name 'oom-*' | wc -l)
    log="logs/$target.log"
    start=$(date +%s)
    # -fork=0: one process; crashes stop the run (the artifact is the regression input).
    cargo +nightly fuzz run -O "$target" "corpus/$target" -- -max_total_time="$seconds" -runs="$runs" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1
    status=$?
    elapsed=$(($(date +%s) - start))
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n1)
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n1)
    crashes=$(($(find "artifacts/$target" -name 'crash-*' | wc -l) - before_crashes))
    timeouts=$(($(find "artifacts/$target" -name 'timeout-*' | wc -l) - before_timeouts))
    ooms=$(($(find "artifacts/$target" -name 'oom-*' | wc -l) - before_ooms))
    corpus=$(find "corpus/$target" -type f | wc -l)
    echo "$target: executions=${execs:-?} exec/s=${rate:-?} seconds=$elapsed corpus=$corpus" \
        "crashes=$crashes timeouts=$timeouts ooms=$ooms exit=$status"
    ((status == 0)) || overall=1
done
exit $overall
