#!/usr/bin/env bash
# Miri over the C ABI: the unsafe code the port calls (COM objects, vtables, event chains, the
# property dispatcher, the DMUS_KERNEL_EVENT union helpers). Exactly the subset that is clean and
# reasonably fast (about 10 minutes on 2 shared cores); results in the reliability note.
#
# * portcls-sys (unit tests; the layout test's host check) and miniport (unit tests): strict
#   provenance.
# * synth's unit tests, strict provenance: the engine's unsafe SSE2 code (interpolation kernels,
#   the filter's block step, the lane mix's pointer walk), each checked against its portable
#   twin. libm's portable code (`libm/force-soft-floats`: Miri cannot run inline asm).
# * portcls-host's ABI tests (through the vtables, as PortCls) and reliability's fuzz-driver
#   replays: default (permissive) provenance, because the host platform's capture turns the
#   caller's SYNTH_BUFFER address, carried as an integer in `CallerBuffer`, back into a pointer
#   (what the kernel does with a user address; Miri's strict mode refuses int-to-pointer casts).
#   The reliability replays read their inputs from fuzz/seeds (isolation off).
#   The engine uses libm's portable code there (`portcls-host/soft-float`: Miri cannot run
#   inline asm).
# * Not here: tests that spawn a compiler (portcls-sys layout against mingw headers) and the ones
#   rendering seconds of audio (hours under Miri).
set -euo pipefail
cd "$(dirname "$0")/.."
rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal
rustup component list --toolchain nightly --installed | grep -q '^miri' ||
    rustup component add --toolchain nightly miri rust-src
strict="-Zmiri-strict-provenance"
run() {
    echo "miri: $*"
    local start=$SECONDS
    "$@"
    echo "miri: ok in $((SECONDS - start)) s"
}
MIRIFLAGS="$strict" run cargo +nightly miri test -p portcls-sys --lib
MIRIFLAGS="$strict" run cargo +nightly miri test -p portcls-sys --test layout -- --exact host_is_a_faithful_stand_in_for_windows_x64
MIRIFLAGS="$strict" run cargo +nightly miri test -p miniport --lib
MIRIFLAGS="$strict" run cargo +nightly miri test -p synth --lib --features libm/force-soft-floats
MIRIFLAGS="" run cargo +nightly miri test -p portcls-host --features soft-float --test abi -- \
    query_interface new_stream_rejects every_event_returns data_range_intersection \
    stream_independent downloads_refuse two_filter
# Hardware-synth mode (issue 9): the bare miniport lifecycle, and the WaveRT COM objects through
# their C ABI (refusals; positions and buffer capture).
MIRIFLAGS="" run cargo +nightly miri test -p portcls-host --features soft-float --test hardware_synth_leaks
MIRIFLAGS="" run cargo +nightly miri test -p wavert-host --features portcls-host/soft-float --test refusals
MIRIFLAGS="" run cargo +nightly miri test -p wavert-host --features portcls-host/soft-float --test capture -- \
    positions with_only capture_takes
MIRIFLAGS="-Zmiri-disable-isolation" run cargo +nightly miri test -p reliability --features portcls-host/soft-float --test regressions -- \
    --exact miri_subset
