#!/bin/sh
# Engine throughput (ns per voice-sample, x real time) and worst 10 ms buffer at 256/1000 voices.
# Usage: bench/engine.sh   (uses CARGO_TARGET_DIR if set)
set -eu
cd "$(dirname "$0")/.."
exec cargo bench -p synth --bench engine
