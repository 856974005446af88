#!/usr/bin/env bash
# Short fuzz smoke of every target (CI). Each target runs for FUZZ_SECONDS (default 12) from its
# seed corpus; any crash, timeout or leak fails the run. Long runs: fuzz/run-long.sh.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-12}"
rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
targets=$(cargo +nightly fuzz list)
cargo +nightly fuzz build -O
for target in $targets; do
    mkdir -p "corpus/$target"
    [[ -d "seeds/$target" ]] && cp -n "seeds/$target"/* "corpus/$target/" 2>/dev/null || true
    echo "fuzz smoke: $target (${seconds}s)"
    log=$(mktemp)
    if ! cargo +nightly fuzz run -O "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
        tail -n 40 "$log"
        echo "fuzz smoke: $target FAILED (artifact under fuzz/artifacts/$target)"
        exit 1
    fi
    grep -E 'stat::number_of_executed_units' "$log" || true
    rm -f "$log"
done
