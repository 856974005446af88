//! The dmksynth engine: a DLS Level 2 wavetable synthesizer for kernel mode.
//!
//! # Contract (relied on by `crates/miniport` and the tools; extend it, don't break it)
//!
//! * [`Engine::new`] allocates everything the engine will ever need for a configuration
//!   (voices, event queue, effect delay lines). Nothing else allocates or frees except
//!   [`Engine::prepare_wave`] / [`Engine::prepare_instrument`] (static, run at PASSIVE_LEVEL outside
//!   any lock), [`Engine::reserve_bank`] and dropping what [`Engine::unload`] hands back.
//! * [`Engine::install`], [`Engine::unload`], [`Engine::schedule`], [`Engine::render_f32`],
//!   [`Engine::render_i16`] and every setter never allocate, never free, never block and never
//!   panic: the miniport calls them under a spin lock (DISPATCH_LEVEL).
//! * Time is the engine's own sample clock: frames rendered since creation (or since
//!   [`Engine::reset_clock`]). An event scheduled for a frame inside the next render call takes
//!   effect at exactly that frame; a late event takes effect at the first frame of the next call.
//! * Output is interleaved, `channels` wide, every sample finite.
//!
//! # Where things live
//!
//! `engine.rs` (voices, bank, queue, render loop) → `midi.rs` (MIDI semantics, allocation and
//! stealing) → `voice.rs` (one note: oscillator, control updates, mixing) with `envelope.rs`,
//! `lfo.rs`, `filter.rs`, `interp.rs`; `articulation.rs` compiles a region's DLS connections
//! (merged by [`dls::articulation::effective_connections`]); `bank.rs` holds downloads;
//! `channel.rs` per-channel MIDI state; `events.rs` the time-ordered queue; `math.rs` the
//! control-rate exponentials and DLS curves. `test_support` (hidden) serves tests and benches.
//!
//! # Decisions (what a newcomer would question)
//!
//! * **Channel groups** are 1-based; **group 0 broadcasts** to every group (DDKSynth's reading);
//!   groups above the configured count are ignored. Each group keeps its own GM/GS/XG state and
//!   master volume; downloads are shared.
//! * **Voices**: `config.voices` may play; a reserve of `max(voices/4, 4)` more lets stolen or
//!   cut notes fade with EG1's shutdown time (default 15 ms) instead of clicking. Stealing picks
//!   the lowest channel priority at or below the new note's (`SYNTHVOICEPRIORITY`, DAUD
//!   defaults: channel 10 highest), then released before held, then quietest, then oldest;
//!   every stolen note and every note with no voice counts in [`Stats::lost_notes`]. A released
//!   voice ends once its whole gain is below −100 dB.
//! * **Timing**: events apply at their exact frames; a voice is rendered up to an event's frame
//!   only when the event concerns it (its channel; every voice for SysEx and stealing note-ons). Voices update their controls
//!   every 64 samples at 48 kHz (32 at ≤ 24 kHz, 16 at ≤ 12 kHz), at every envelope stage
//!   boundary, and at the exact frame of any event that concerns them; gains ramp linearly per
//!   sample between updates (no zipper noise, onsets and note-offs on their exact sample).
//! * **Levels**: velocity, CC7 and CC11 follow the DLS concave curve, `40·log10(v/127)` dB each;
//!   pan is constant-power square-root (`left = √(1 − x)`, `right = √x`, −3 dB at the centre)
//!   with the DLS default CC10 block (±50.8 %); mono output is `(L + R)/√2`; no automatic gain
//!   limit (a full-scale sample at velocity 127, CC7 127, centre pan peaks at −3 dBFS).
//!   Universal master volume is 14-bit with the same square law; `set_master_gain_centibels`
//!   scales on top.
//! * **Envelopes**: DLS2 DAHDSR; attack linear in amplitude, decay and release linear in dB over
//!   96 dB full scale (sustain is a position on that scale); shortest release 1 ms.
//! * **LFOs** (modulation and vibrato) are triangles starting at 0 after their delay.
//! * **Filter**: 2-pole resonant low-pass (TPT state-variable), cutoff in absolute cents, Q in
//!   dB with 0 dB = Butterworth (−3 dB at the cutoff) and `Q(lin) = 10^(dB/20)/√2`; bypassed
//!   when the initial cutoff is DLS "off" (`0x7FFFFFFF`) or it is wide open (≥ 13500 cents, no
//!   resonance).
//! * **Interpolation**: linear (14-bit fraction) or 4-point Catmull-Rom (default, 256-phase
//!   table), both exact integer dot products of the i16 taps with Q14 weights, or 8-tap
//!   Blackman-Harris windowed sinc (1024-phase table), chosen per voice at note-on.
//! * **DSP hygiene**: f32, scalar/SSE2 code only, MXCSR untouched; filter states flush below
//!   1e-15, envelopes stop at exact zero, every output sample is checked finite.
#![no_std]
#![cfg_attr(test, allow(clippy::arithmetic_side_effects))]

extern crate alloc;

pub use dls::model;

pub mod chorus;
pub mod midi_stream;
pub mod reverb;

mod articulation;
mod bank;
mod channel;
mod engine;
mod envelope;
mod events;
mod filter;
mod interp;
mod lfo;
mod math;
mod midi;
mod voice;

#[doc(hidden)]
pub mod test_support;

/// Interpolation order of the sample oscillator, chosen per voice at note-on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Interpolation {
    /// 2-point linear.
    Linear,
    /// 4-point cubic (the default).
    #[default]
    Cubic,
    /// Windowed sinc.
    Sinc,
}

/// What the port opens the synth with (`SYNTH_PORTPARAMS` + the wave pin's format).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineConfig {
    /// Output rate, 8_000..=192_000 Hz.
    pub sample_rate: u32,
    /// 1 (mono) or 2 (interleaved stereo).
    pub channels: u16,
    /// Voices, 1..=1000 (a reserve of extra voices for fading stolen notes comes on top).
    pub voices: u32,
    /// Channel groups, 1..=1000.
    pub channel_groups: u32,
    /// Reverb on.
    pub reverb: bool,
    /// Chorus on.
    pub chorus: bool,
    /// Default interpolation for new voices.
    pub interpolation: Interpolation,
    /// Capacity of the event queue between `schedule` and `render`.
    pub event_capacity: u32,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            sample_rate: 48_000,
            channels: 2,
            voices: 256,
            channel_groups: 1,
            reverb: true,
            chorus: true,
            interpolation: Interpolation::Cubic,
            event_capacity: 4096,
        }
    }
}

/// Errors of the engine's non-real-time entry points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineError {
    /// An allocation failed (maps to `STATUS_INSUFFICIENT_RESOURCES`).
    OutOfMemory,
    /// A configuration value is out of range (maps to `STATUS_INVALID_PARAMETER`).
    InvalidConfig,
    /// The bank has no free slot; call [`Engine::reserve_bank`] outside the lock and retry.
    BankFull,
    /// The download id is already in use (maps to `STATUS_INVALID_PARAMETER`).
    DuplicateId,
    /// No download has this handle.
    UnknownHandle,
}

/// Maximum length of a System Exclusive message the engine interprets (F0 … F7 inclusive).
pub const SYSEX_MAX: usize = 64;

/// One MIDI message, complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MidiMessage {
    /// A channel voice/mode message (status 0x80..=0xEF); `data2` is 0 for two-byte messages.
    Channel {
        /// Status byte.
        status: u8,
        /// First data byte.
        data1: u8,
        /// Second data byte (0 when the message has one).
        data2: u8,
    },
    /// A complete System Exclusive message, `F0 … F7`, at most [`SYSEX_MAX`] bytes.
    SysEx {
        /// Valid bytes in `bytes`.
        len: u8,
        /// The message.
        bytes: [u8; SYSEX_MAX],
    },
}

/// A message with its time and channel group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimedEvent {
    /// Frame on the engine's clock.
    pub time: u64,
    /// Channel group (`DMUS_KERNEL_EVENT.usChannelGroup`; 1-based, 0 = all groups).
    pub channel_group: u16,
    /// The message.
    pub message: MidiMessage,
}

/// The event queue is full; the event was not taken (the caller counts and logs it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueFull;

/// What `KSPROPERTY_SYNTH_RUNNINGSTATS` reports.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Stats {
    /// Voices sounding at the end of the last render.
    pub active_voices: u32,
    /// Most voices sounding at once since the last [`Engine::take_stats`].
    pub peak_voices: u32,
    /// Notes that could not sound or were stolen.
    pub lost_notes: u32,
    /// Events refused because the queue was full.
    pub dropped_events: u32,
    /// Peak absolute output sample since the last [`Engine::take_stats`], 0.0..=1.0 (clipped).
    pub peak_level: f32,
    /// Frames rendered since creation.
    pub frames_rendered: u64,
}

/// A wave converted for playback, made outside any lock. Its storage is allocated with
/// `try_reserve` so that an allocation failure is an error, never an abort.
pub struct PreparedWave {
    pub(crate) data: bank::WaveData,
}

/// An instrument compiled for playback (articulation resolved), made outside any lock.
pub struct PreparedInstrument {
    pub(crate) data: bank::InstrumentData,
}

/// Something [`Engine::install`] takes.
pub enum Download {
    /// A wave under its download id.
    Wave(u32, PreparedWave),
    /// An instrument under its download id.
    Instrument(u32, PreparedInstrument),
}

pub use engine::{Engine, VoiceInfo};
