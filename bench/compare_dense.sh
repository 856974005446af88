#!/bin/sh
# Ours versus FluidSynth (Debian libfluidsynth, C API, cpu-cores=1, 48 kHz, blocks of 64) on the
# same dense file (15 GM programs of overlapping chords plus drums, 20 s) and the same FluidR3_GM
# samples (ours through the SF2 import), in ONE run: the engine benchmark's FluidR3 cases and
# worst-case buffers, then fsbench at 4-point (fx off and on) and linear, then the throughput
# ratios at equal interpolation order. Timings are thread CPU time on a shared machine: compare
# figures from the same run only.
# Usage: bench/compare_dense.sh   (uses CARGO_TARGET_DIR if set)
#        RUNS=3 bench/compare_dense.sh   repeats the whole comparison and ends with the median
#        of each ratio (the machine is shared: one run's ratio can be off by 10 %).
set -eu
cd "$(dirname "$0")/.."
BANK=${BANK:-/usr/share/sounds/sf2/FluidR3_GM.sf2}
MID=${TMPDIR:-/tmp}/dmksynth-dense.mid
OUT=${TMPDIR:-/tmp}/fsbench
cc -O2 bench/fsbench.c $(pkg-config --cflags --libs fluidsynth) -o "$OUT"
cargo bench -p synth --bench engine --no-run 2>/dev/null
RUNS=${RUNS:-1}
RATIOS=${TMPDIR:-/tmp}/dmksynth-ratios.$$
: > "$RATIOS"
ours() { echo "$OURS" | grep "$1" | sed 's/.* \([0-9.]*\) ns\/voice-sample.*/\1/'; }
theirs() { echo "$1" | sed 's/.*ns_per_voice_sample=\([0-9.]*\).*/\1/'; }
ratio() {
    awk -v f="$2" -v o="$3" -v l="$1" 'BEGIN { printf "%-28s FluidSynth %5.2f / ours %5.2f ns per voice-sample = %.2fx throughput\n", l, f, o, f / o }'
    awk -v f="$2" -v o="$3" -v l="$1" 'BEGIN { printf "%s|%.3f\n", l, f / o }' >> "$RATIOS"
}
run=1
while [ "$run" -le "$RUNS" ]; do
    [ "$RUNS" -gt 1 ] && echo "=== run $run of $RUNS ($(uptime | sed 's/.*load/load/')) ==="
    OURS=$(ENGINE_BENCH_ONLY="FluidR3|worst" cargo bench -q -p synth --bench engine 2>/dev/null)
    echo "$OURS"
    FS_CUBIC=$("$OUT" "$BANK" "$MID" --interp 4)
    FS_LINEAR=$("$OUT" "$BANK" "$MID" --interp 1)
    FS_FX=$("$OUT" "$BANK" "$MID" --interp 4 --fx)
    printf '%s\n%s\n%s\n' "$FS_CUBIC" "$FS_LINEAR" "$FS_FX"
    echo "--- throughput ratio (FluidSynth ns / our ns, same notes, same samples) ---"
    ratio "4-point, effects off" "$(theirs "$FS_CUBIC")" "$(ours 'FluidR3 cubic, fx off')"
    ratio "4-point, reverb+chorus on" "$(theirs "$FS_FX")" "$(ours 'FluidR3 cubic, reverb')"
    ratio "linear, effects off" "$(theirs "$FS_LINEAR")" "$(ours 'FluidR3 linear')"
    run=$((run + 1))
done
if [ "$RUNS" -gt 1 ]; then
    echo "--- median of $RUNS runs ---"
    for label in "4-point, effects off" "4-point, reverb+chorus on" "linear, effects off"; do
        grep "^$label|" "$RATIOS" | cut -d'|' -f2 | sort -n |
            awk -v l="$label" '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%-28s median %.2fx (runs:", l, m; for (i = 1; i <= NR; i++) printf " %.2f", v[i]; print ")" }'
    done
fi
rm -f "$RATIOS"
