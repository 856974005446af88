//! Reliability and security checks of dmksynth, driven through the miniport's C ABI exactly as
//! the host port stand-in (`portcls-host`) drives it.
//!
//! * [`drive`]: builds a filter, decodes fuzzer bytes into property requests
//!   ([`drive::property_input`]), kernel event chains ([`drive::event_chain_input`]) and client
//!   data ranges ([`drive::data_intersection_input`]), generates dense random MIDI, and checks the
//!   books ([`drive::Books`]); [`drive::Filter::open_hardware`] builds the hardware-synth filter
//!   (issue 9) and [`drive::property_hardware_input`] / [`drive::event_chain_hardware_input`]
//!   drive it. The fuzz targets under `fuzz/` and `tests/regressions.rs` call the
//!   same functions, so a crashing input replays here as a plain test (drop it under
//!   `tests/regressions/<target>/`).
//! * [`rng`]: a small deterministic PRNG for the soak and the generators.
//!
//! One command each:
//!
//! | What | Command |
//! |---|---|
//! | Regressions, allocation-failure injection (both modes), accounting, IRQL discipline, bank growth under the engine mutex, the hardware-synth engine under concurrency, loom model, ddksynth §f checks (CI, seconds) | `cargo test -p reliability` |
//! | The hardware-synth concurrency test as a soak | `RELIABILITY_HW_SECONDS=60 cargo test --release -p reliability --test hardware_synth_concurrency` |
//! | Fuzz smoke of every target (CI, ~12 s each) | `fuzz/smoke.sh` |
//! | Long fuzz runs (10 M executions or 15 min per target) | `fuzz/run-long.sh [target…]` |
//! | Miri over the ABI (~10 min) | `scripts/miri.sh` |
//! | Concurrent soak (default 10 min) | `bench/soak.sh [seconds] [seed]`; hardware-synth mode: `cargo run --release -p reliability --bin soak -- [seconds] [seed] hardware-synth` |
//! | Regenerate the ABI fuzz seeds | `cargo run -p reliability --bin fuzz-seeds -- fuzz/seeds` |
//!
//! See `docs/threat-model.md` for what each check defends.

pub mod drive;
pub use portcls_host::rng;
