//! dmksynth's hardware-synth mode, portable core (issue 9).
//!
//! On Vista and later nothing consumes a DMus wave-sink pin, and Windows MIDI Services opens only
//! the MIDI pin; so in this mode the driver renders the synth on its own clock into a **WaveRT
//! capture endpoint** ("dmksynth output") registered by the same adapter, and users hear it with
//! "Listen to this device" or by recording it. docs/adr/002-two-output-modes.md has the why.
//!
//! | module | what |
//! |---|---|
//! | [`buffer`] | buffer sizing (≥ requested, whole periods, ≤ 500 ms) and notification events |
//! | [`clock`] | stream position as a pure function of interrupt time (no drift, pause-aware) |
//! | [`writer`] | the cyclic-buffer writer: renders ahead of the audio engine's position, wrap, jitter, underruns, `KSAUDIO_POSITION` |
//! | [`format`] | the capture formats (48 kHz stereo PCM16 / float32) and conversion |
//! | [`stream`] | the capture stream's state: KS states, buffer, position, one render tick |
//! | [`intersect`] | `DataRangeIntersection` and `NewStream` format checks, from one list |
//! | [`shared`] | [`shared::SharedSynth`]: one engine per adapter, for the MIDI and the WaveRT stream |
//! | [`descriptor`] | the WaveRT and topology filter descriptors and their physical connection |
//! | [`dmus_filter`] | the DMus filter of this mode: MIDI pin only, MIDI range first, AUDIO+RENDER+SYNTHESIZER |
//! | [`collection`] | the default collection: gm.dls if valid, else the embedded GM bank |
//!
//! Kernel rules apply: `no_std` + `alloc`, nothing here panics, the writer never allocates.
#![no_std]
#![cfg_attr(test, allow(clippy::arithmetic_side_effects, clippy::indexing_slicing))]

extern crate alloc;

pub mod buffer;
pub mod clock;
pub mod collection;
pub mod descriptor;
pub mod dmus_filter;
pub mod format;
pub mod intersect;
pub mod shared;
pub mod stream;
pub mod writer;

pub use clock::{INTERRUPT_TIME_HZ, StreamClock};
pub use collection::{default_collection, default_collection_with_source};
pub use format::SampleFormat;
pub use shared::SharedSynth;
pub use writer::{
    BufferPosition, CyclicWriter, DEFAULT_LEAD_FRAMES, DEFAULT_TICK_100NS, FillReport, WriterConfig,
    WriterStats,
};
