//! [`HardwareSynth`]: the adapter's handle on the one synth instance of a miniport created in
//! [`SynthMode::HardwareSynth`](crate::SynthMode::HardwareSynth) (issue 9, ADR 002).
//!
//! In that mode nothing calls `ISynthSinkDMus::Render` or `SyncToMaster`: the adapter's render
//! thread (crate `wavert`, its `Pump`) calls [`HardwareSynth::render_into`] with the capture
//! stream's frame position, and that call both renders and drives the MIDI stream's mapping
//! between reference time (the master clock the events are stamped with) and stream frames.
//! Every MIDI stream the port opens on the filter feeds this same instance.

use crate::platform::Platform;
use crate::stream::Core;
use core::ptr::NonNull;
use synth::Engine;

/// Sample rate of the hardware-synth engine (and of [`HardwareSynth::render_into`]'s output).
pub const SAMPLE_RATE: u32 = 48_000;
/// Channels of [`HardwareSynth::render_into`]'s output (interleaved left, right).
pub const CHANNELS: u16 = 2;

/// A counted handle on the miniport's synth instance: `Clone` takes a reference, `Drop` releases
/// it. The instance (and the miniport object, which it references) lives while any handle or
/// stream does; the adapter drops its handles when it tears the device down.
pub struct HardwareSynth<P: Platform> {
    core: NonNull<Core<P>>,
}

// SAFETY: the core is reference-counted with atomics and all its state is behind its locks; its
// methods are callable from any thread (each documents its IRQL).
unsafe impl<P: Platform> Send for HardwareSynth<P> {}
// SAFETY: as above: `&HardwareSynth` only reaches the core's lock-protected methods.
unsafe impl<P: Platform> Sync for HardwareSynth<P> {}

impl<P: Platform> HardwareSynth<P> {
    /// Wraps `core`, taking over one reference the caller owns.
    ///
    /// # Safety
    /// `core` is a live core and the caller hands over one of its references.
    pub(crate) unsafe fn from_reference(core: NonNull<Core<P>>) -> Self {
        Self { core }
    }

    fn core(&self) -> &Core<P> {
        // SAFETY: this handle owns a reference, so the core is alive.
        unsafe { self.core.as_ref() }
    }

    /// Renders `out.len() / 2` frames of 48 kHz interleaved stereo `f32` (an odd last sample is
    /// zeroed). `position` is the stream frame of `out`'s first frame: the axis MIDI is timed on.
    /// Before rendering it moves the pending MIDI events into the engine at their frames. Unless
    /// the renderer reports the capture position with [`sync_position`](Self::sync_position),
    /// it first maps `position` to the master clock's time now (the phase lock of
    /// `SyncToMaster`, 1/32 of the error per call, so the stream's reference time follows the
    /// renderer's frames; a renderer that renders ahead of the capture then places notes that
    /// much later, with its jitter smoothed), and a `position` that does not continue the
    /// previous call's end (a capture stream that restarted, skipped frames) restarts the mapping
    /// at `position`.
    ///
    /// PASSIVE_LEVEL (the render thread): takes the engine mutex, and the queue spin lock only
    /// for the moment it moves events. No allocation, no free.
    pub fn render_into(&self, position: u64, out: &mut [f32]) {
        self.core().render_into(position, out);
    }

    /// Optional, for a renderer that knows it (the WaveRT pump does: its `StreamClock`): stream
    /// frame `frame` (on the same axis as `render_into`'s `position`) is being captured **now**.
    /// Call it once per tick, before `render_into`. From the first call on, these reports — not
    /// `render_into`'s positions, which run ahead of the capture by the renderer's lead and
    /// jitter with its ticks — phase-lock the MIDI stream's reference time to stream frames, so a
    /// note stamped at reference time `t` lands on the frame the capture stream records at `t`.
    /// A frame earlier than the previous report (the stream axis restarted) or more than 50 ms
    /// away from where the mapping expects the capture now (the axis jumped, e.g. the pump
    /// switched between its discard clock and the capture stream) restarts the mapping.
    ///
    /// Any IRQL ≤ DISPATCH_LEVEL (takes the queue spin lock and reads the master clock only).
    pub fn sync_position(&self, frame: u64) {
        self.core().sync_position(frame);
    }

    /// Whether a MIDI pin on this synth is in `KSSTATE_RUN`: the renderer must keep ticking then,
    /// even if nobody records the capture endpoint (so that notes end and time moves on).
    /// Any IRQL ≤ DISPATCH_LEVEL (takes only the queue spin lock).
    pub fn midi_running(&self) -> bool {
        self.core().midi_running()
    }

    /// Runs `f` on the engine under the engine mutex; `None` if the engine is gone (never, in this
    /// mode, unless a rebuild failed). PASSIVE_LEVEL. `f` may allocate (the mutex does not raise
    /// the IRQL) but blocks rendering while it runs, and must do **no I/O**: in the kernel the
    /// mutex is a `KGUARDED_MUTEX`, whose guarded region disables APCs, so a file read inside `f`
    /// could never complete. The adapter uses it once at start to install the default collection
    /// (`wavert::collection::install`), after reading and parsing gm.dls outside it.
    pub fn with_engine<R>(&self, f: impl FnOnce(&mut Engine) -> R) -> Option<R> {
        self.core().with_engine(f)
    }
}

impl<P: Platform> Clone for HardwareSynth<P> {
    fn clone(&self) -> Self {
        self.core().add_ref();
        Self { core: self.core }
    }
}

impl<P: Platform> Drop for HardwareSynth<P> {
    fn drop(&mut self) {
        // SAFETY: this handle owns one reference, given up here.
        unsafe { Core::release(self.core.as_ptr()) };
    }
}

impl<P: Platform> core::fmt::Debug for HardwareSynth<P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HardwareSynth").field("core", &self.core).finish()
    }
}
