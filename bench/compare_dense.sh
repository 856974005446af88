#!/bin/sh
# FluidSynth (Debian libfluidsynth, C API, cpu-cores=1, 48 kHz) on the dense file the engine
# benchmark writes (same notes, same FluidR3_GM samples), for the ns-per-voice-sample ratio.
# Run `bench/engine.sh` first (it writes $TMPDIR/dmksynth-dense.mid).
set -eu
cd "$(dirname "$0")/.."
BANK=${BANK:-/usr/share/sounds/sf2/FluidR3_GM.sf2}
MID=${1:-${TMPDIR:-/tmp}/dmksynth-dense.mid}
OUT=${TMPDIR:-/tmp}/fsbench
cc -O2 bench/fsbench.c $(pkg-config --cflags --libs fluidsynth) -o "$OUT"
for interp in 4 1; do "$OUT" "$BANK" "$MID" --interp "$interp"; done
"$OUT" "$BANK" "$MID" --interp 4 --fx
