//! One engine per adapter, shared by the MIDI stream and the WaveRT stream.
//!
//! The miniport owns the adapter's [`synth::Engine`] behind its DISPATCH_LEVEL spin lock; the
//! MIDI pin (`IMXF::PutMessage`, DISPATCH_LEVEL) schedules events into it and the WaveRT writer
//! pulls audio out of it through this trait. The implementation takes the lock only for the
//! duration of one `render_into` call (no allocation, no wait beyond the spin lock), so the lock
//! order is: stream lock (if any) is *not* held while rendering — the writer renders into its own
//! scratch buffer first and copies into the cyclic buffer afterwards.

/// A synthesizer shared between threads; rendering takes `&self`.
pub trait SharedSynth: Sync {
    /// Renders `out.len() / 2` interleaved stereo frames (48 kHz, f32, every sample finite),
    /// advancing the engine's sample clock by that many frames. Callable at DISPATCH_LEVEL:
    /// must not allocate, block or panic.
    fn render_into(&self, out: &mut [f32]);
}

/// Silence: what the capture endpoint records when no engine is attached.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silence;

impl SharedSynth for Silence {
    fn render_into(&self, out: &mut [f32]) {
        out.fill(0.0);
    }
}
