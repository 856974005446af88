//! Reliability and security checks of dmksynth, driven through the miniport's C ABI exactly as
//! the host port stand-in (`portcls-host`) drives it.
//!
//! * [`drive`]: builds a ready filter, decodes fuzzer bytes into property requests
//!   ([`drive::property_input`]) and into kernel event chains ([`drive::event_chain_input`]),
//!   generates dense random MIDI, and checks the books ([`drive::Books`]). The fuzz targets under
//!   `fuzz/` and the regression tests of `tests/regressions.rs` call the same functions, so a
//!   crashing input replays here as a plain test.
//! * [`rng`]: a small deterministic PRNG (no dependency) for the soak and the generators.
//!
//! Tests: `tests/alloc_failure.rs` (low-resources simulation), `tests/accounting.rs`,
//! `tests/irql.rs`, `tests/regressions.rs`, `tests/loom_queue.rs` (with `--cfg loom`). The soak is
//! `src/bin/soak.rs`, run by `bench/soak.sh`. See `docs/threat-model.md`.

pub mod drive;
pub mod rng;
