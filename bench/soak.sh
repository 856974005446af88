#!/usr/bin/env bash
# Concurrent soak of one filter (PutMessage as the port's DPC, Render as the sink thread,
# downloads/unloads/properties/SetState as user mode, all at once with dense random MIDI).
# Usage: bench/soak.sh [seconds (default 600)] [seed (default 1)] [hardware-synth]
# (the third argument soaks the hardware-synth mode: one shared engine, audio by render_into)
# Exit 0 = PASS (no crash, deadlock, NaN, stuck voice; books balanced); prints the worst-case
# render time. A few seconds is enough for a smoke: bench/soak.sh 5
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
seed="${2:-1}"
mode="${3:-}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo build --release -p reliability --bin soak
exec "$CARGO_TARGET_DIR/release/soak" "$seconds" "$seed" ${mode:+"$mode"}
