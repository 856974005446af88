#!/usr/bin/env bash
# dmksynth's one test command: installs what a fresh Debian machine lacks, then runs every check CI
# runs. Usage: scripts/test.sh [--quick]   (--quick skips the Windows-target checks and fuzz smoke)
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
[[ "${1:-}" == "--quick" ]] && quick=1

step() { printf '\n==> [%4ds] %s\n' "$SECONDS" "$*"; }

# ---- what the tests need from Debian --------------------------------------------------------
# mingw-w64: the ABI layout proof compiles C probes against independent Windows headers.
# nodejs/npm: the spessasynth_core DLS interop test. fluid-soundfont-gm: FluidR3_GM (MIT) for the
# SoundFont import test. g++: the C++ caller test of the miniport vtables.
apt_packages=(gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev g++ fluid-soundfont-gm)
missing=()
for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node may come from Debian (nodejs + npm) or from an image's own nodejs that bundles npm.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
    step "installing Debian packages: ${missing[*]}"
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- Rust toolchain pieces ---------------------------------------------------------------------
step "rustup components and Windows targets"
rustup component add clippy rustfmt >/dev/null 2>&1 || true
rustup target add x86_64-pc-windows-msvc aarch64-pc-windows-msvc i686-pc-windows-msvc >/dev/null

# The spessasynth_core interop tests (crates/dls/tests/js) need the pinned npm package.
step "npm ci (spessasynth_core for the DLS interop tests)"
(cd crates/dls/tests/js && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

# Tests that need an installed peer (mingw, node, FluidR3_GM) fail instead of skipping.
export CI=true

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (workspace, all targets, -D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

if ((quick == 0)); then
    # Kernel crates must not depend on std: check each for both Windows targets.
    for target in x86_64-pc-windows-msvc aarch64-pc-windows-msvc; do
        step "no_std kernel crates on $target"
        cargo check --locked --target "$target" -p portcls-sys -p dls -p synth -p miniport -p gm-bank -p wavert
    done
    # x86 layouts are asserted at compile time from the golden layout table.
    step "portcls-sys on i686-pc-windows-msvc"
    cargo check --locked --target i686-pc-windows-msvc -p portcls-sys
    # The user-mode winmm player runs only on Windows; lint it for its real target.
    step "winmm-play on x86_64-pc-windows-msvc"
    cargo clippy --locked --target x86_64-pc-windows-msvc -p winmm-play -- -D warnings
fi

step "cargo test --workspace"
cargo test --workspace --locked

if ((quick == 0)) && [[ -x fuzz/smoke.sh ]]; then
    step "fuzz smoke"
    fuzz/smoke.sh
fi

step "all checks passed"
