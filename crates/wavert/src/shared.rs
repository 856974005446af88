//! One engine per adapter, shared by the MIDI stream and the WaveRT stream.
//!
//! The miniport owns the adapter's [`synth::Engine`]; the MIDI pin (`IMXF::PutMessage`,
//! DISPATCH_LEVEL) only queues events under its `queue` spin lock (ADR 005), and the WaveRT render
//! thread pulls audio out through this trait at PASSIVE_LEVEL. Rendering 1000 voices takes
//! milliseconds, so in the hardware-synth mode the engine's lock is a non-raising one (guarded
//! mutex), held for one `render_into` call; the implementation moves due events from the queue
//! (briefly taking the spin lock) and renders. The stream's spin lock is *not* held while
//! rendering: the writer renders into its own scratch buffer and copies afterwards
//! (docs/adr/002-two-output-modes.md).

/// A synthesizer shared between threads; rendering takes `&self`.
pub trait SharedSynth: Sync {
    /// Renders `out.len() / 2` interleaved stereo frames, the first of which is stream frame
    /// `position` (the capture stream's absolute frame: the axis MIDI events are timed on; after an
    /// underrun it jumps ahead of the engine's own clock, and the implementation keeps events on
    /// the stream axis — the miniport's `Core::render` already does, with
    /// `offset = position − engine.position()`).
    ///
    /// Samples are 48 kHz f32, every one finite; the engine's sample clock advances by the frames
    /// rendered. Called at PASSIVE_LEVEL from the
    /// render thread (the host tests call it from any thread): must not allocate or panic; may wait
    /// for the engine's (non-raising) lock.
    fn render_into(&self, position: u64, out: &mut [f32]);

    /// Whether the MIDI pin is in KSSTATE_RUN: then the render thread must keep the engine moving
    /// even when nobody records the capture endpoint (it renders into scratch and discards, so
    /// that voices end and queued events drain; [`crate::pump::Pump::tick`]). Callable at
    /// PASSIVE_LEVEL with the capture stream's mutex held; must not block for long. Default:
    /// never (a synth without a MIDI pin).
    fn midi_running(&self) -> bool {
        false
    }

    /// Stream frame `frame` (the axis of `render_into`'s `position`) is being captured **now**:
    /// the pump reports it once per tick, before rendering, so that the implementation can
    /// phase-lock MIDI reference time to the frames the audio engine records (rather than to
    /// `render_into`'s positions, which run ahead by the lead). Same context as `render_into`.
    /// Default: ignored.
    fn sync_position(&self, frame: u64) {
        let _ = frame;
    }
}

/// Silence: what the capture endpoint records when no engine is attached.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silence;

impl SharedSynth for Silence {
    fn render_into(&self, _position: u64, out: &mut [f32]) {
        out.fill(0.0);
    }
}

/// The miniport's hardware-synth instance: the synth the adapter hands to
/// [`crate::new_wavert_miniport`] in hardware-synth mode.
impl<P: miniport::Platform> SharedSynth for miniport::HardwareSynth<P> {
    fn render_into(&self, position: u64, out: &mut [f32]) {
        miniport::HardwareSynth::render_into(self, position, out);
    }

    fn midi_running(&self) -> bool {
        miniport::HardwareSynth::midi_running(self)
    }

    fn sync_position(&self, frame: u64) {
        miniport::HardwareSynth::sync_position(self, frame);
    }
}
