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
#![no_std]
#![cfg_attr(test, allow(clippy::arithmetic_side_effects))]

extern crate alloc;

pub use dls::model;

pub mod chorus;
pub mod midi_stream;
pub mod reverb;

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
    _private: (),
}

/// An instrument compiled for playback (articulation resolved), made outside any lock.
pub struct PreparedInstrument {
    _private: (),
}

/// Something [`Engine::install`] takes.
pub enum Download {
    /// A wave under its download id.
    Wave(u32, PreparedWave),
    /// An instrument under its download id.
    Instrument(u32, PreparedInstrument),
}

/// The engine.
pub struct Engine {
    config: EngineConfig,
}

impl Engine {
    /// Creates an engine, allocating everything it needs for `config`.
    pub fn new(config: &EngineConfig) -> Result<Self, EngineError> {
        Ok(Self { config: *config })
    }

    /// The configuration the engine runs with.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Converts a wave for playback (allocates; call outside any lock).
    pub fn prepare_wave(_wave: model::Wave) -> Result<PreparedWave, EngineError> {
        Ok(PreparedWave { _private: () })
    }

    /// Compiles an instrument for playback (allocates; call outside any lock).
    pub fn prepare_instrument(
        _instrument: model::Instrument,
    ) -> Result<PreparedInstrument, EngineError> {
        Ok(PreparedInstrument { _private: () })
    }

    /// Makes room for at least `additional` more downloads (allocates; call with the engine
    /// borrowed exclusively but outside the spin lock, e.g. by swapping tables).
    pub fn reserve_bank(&mut self, _additional: usize) -> Result<(), EngineError> {
        Ok(())
    }

    /// Installs a prepared download. No allocation. On failure the download is handed back.
    pub fn install(&mut self, download: Download) -> Result<(), (EngineError, Download)> {
        Err((EngineError::BankFull, download))
    }

    /// Removes a download by id, stopping voices that use it; hands it back to be dropped outside
    /// the lock. No allocation, no free.
    pub fn unload(&mut self, _id: u32) -> Result<Download, EngineError> {
        Err(EngineError::UnknownHandle)
    }

    /// Queues an event. No allocation.
    pub fn schedule(&mut self, _event: TimedEvent) -> Result<(), QueueFull> {
        Err(QueueFull)
    }

    /// Renders `out.len() / channels` frames of interleaved `f32`, overwriting `out`.
    pub fn render_f32(&mut self, out: &mut [f32]) {
        out.fill(0.0);
    }

    /// Renders `out.len() / channels` frames of interleaved saturating `i16`, overwriting `out`.
    pub fn render_i16(&mut self, out: &mut [i16]) {
        out.fill(0);
    }

    /// Frames rendered so far (the engine clock).
    pub fn position(&self) -> u64 {
        0
    }

    /// Restarts the engine clock at 0 (pending events are dropped, notes released).
    pub fn reset_clock(&mut self) {}

    /// Current statistics; peaks restart.
    pub fn take_stats(&mut self) -> Stats {
        Stats::default()
    }

    /// Master gain in 1/100 dB (`KSPROPERTY_SYNTH_VOLUME` + `VOLUMEBOOST`).
    pub fn set_master_gain_centibels(&mut self, _hundredths_db: i32) {}

    /// `SYNTHVOICEPRIORITY`: priority of one channel (group 1-based, channel 0..=15).
    pub fn set_channel_priority(&mut self, _group: u32, _channel: u32, _priority: u32) -> bool {
        false
    }

    /// The priority of one channel, `None` when out of range.
    pub fn channel_priority(&self, _group: u32, _channel: u32) -> Option<u32> {
        None
    }

    /// Silences everything immediately (short fade), keeps downloads.
    pub fn all_sound_off(&mut self) {}
}
