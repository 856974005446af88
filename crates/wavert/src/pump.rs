//! The adapter's render loop body ([`Pump`]) and the state it shares with the WaveRT objects
//! (`Renderer`, crate-private).
//!
//! One `Renderer` per adapter, reference counted, owned jointly by the [`Pump`] the kernel's
//! render thread holds, the WaveRT miniport object and its capture stream object. It holds:
//!
//! * the shared synth ([`SharedSynth`], the miniport's `HardwareSynth`);
//! * behind the platform's **non-raising mutex** ([`miniport::Platform::Mutex`], kernel:
//!   `KGUARDED_MUTEX`): the one capture stream's state ([`CaptureStream`]: KS state, clock,
//!   writer, notifier), its mapped cyclic buffer and notification events, the scratch buffer (allocated
//!   here, at creation, never in a tick) and the "discard" clock. Lock order: this mutex, then the
//!   engine's (inside `render_into`);
//! * behind a **spin lock**: the [`PositionSource`] copy `GetPosition` reads at DISPATCH_LEVEL,
//!   republished after every state or buffer change.
//!
//! Each tick ([`Pump::tick`], PASSIVE_LEVEL, every ~2 ms from the real-time thread):
//!
//! 1. the capture stream is in RUN with a buffer: fill its cyclic buffer `lead` frames ahead of
//!    the position ([`CyclicWriter`](crate::CyclicWriter)), signal the notification events at period
//!    boundaries;
//! 2. else, while the MIDI pin runs ([`SharedSynth::midi_running`]): render into scratch and
//!    discard, on a [`StreamClock`] started at the first such tick (at most
//!    [`PumpConfig::max_discard_frames`] per tick; a longer stall is skipped, counted), so that
//!    voices end and queued events drain while nobody records;
//! 3. else nothing.
//!
//! It returns whether the thread should keep ticking (1 or 2 applies); when it returns `false`
//! the thread may sleep until [`crate::WaveRtPlatform::wake_renderer`].
//!
//! The kernel's render thread (the `winglue` glue), in outline:
//!
//! ```text
//! loop {
//!     KeWaitForMultipleObjects([wake_event, timer_event, stop_event], WaitAny)   // PASSIVE
//!     if stop_event signalled { break }
//!     let report = pump.tick(KeQueryInterruptTimePrecise());
//!     if report.keep_ticking { arm the 2 ms high-resolution timer if not armed }
//!     else { ExCancelTimer }                      // sleep until wake_renderer sets wake_event
//! }
//! ```
//!
//! `wake_renderer` (called by the stream's `SetState`, buffer and `Release` methods at PASSIVE
//! level) only sets `wake_event`. The MIDI pin's RUN does not call it (the DMus miniport knows
//! nothing of the pump), so while idle the thread also wakes on a timeout (50 ms) and ticks
//! (`src/render_loop.rs`; an idle tick renders nothing): a MIDI client that starts while nobody
//! records then gets its discard ticks within 50 ms (the discard clock starts at the first tick
//! that sees MIDI running). [`Pump::keep_ticking`] asks the same question without ticking.

use alloc::vec::Vec;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicU32, Ordering, fence};

use miniport::platform::{Mutex, SpinLock};
use portcls_sys::{PKEVENT, PMDL};

use crate::buffer::MAX_BUFFER_FRAMES;
use crate::clock::{INTERRUPT_TIME_HZ, StreamClock};
use crate::error::WaveRtError;
use crate::format::SAMPLE_RATE;
use crate::platform::WaveRtPlatform;
use crate::shared::SharedSynth;
use crate::stream::{CaptureStream, PositionSource, TickOutcome};
use crate::writer::DEFAULT_LEAD_FRAMES;

/// Most notification events one stream keeps (PortCls registers one per client).
pub const MAX_NOTIFICATION_EVENTS: usize = 4;

/// The render loop's tunables (registry `WaveRtLeadMs` → `lead_frames`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PumpConfig {
    /// Write-ahead of the capture writer, frames (capped per buffer by
    /// [`crate::WriterConfig::for_buffer`]); also sizes the scratch buffer.
    pub lead_frames: u32,
    /// Most frames one tick renders and discards while only MIDI runs; a longer stall is skipped.
    pub max_discard_frames: u32,
}

impl Default for PumpConfig {
    /// 5 ms lead, at most 100 ms discarded per tick.
    fn default() -> Self {
        Self {
            lead_frames: DEFAULT_LEAD_FRAMES,
            max_discard_frames: SAMPLE_RATE / 10,
        }
    }
}

impl PumpConfig {
    /// The configuration with both values clamped to `1..=MAX_BUFFER_FRAMES`.
    pub fn clamped(self) -> Self {
        Self {
            lead_frames: self.lead_frames.clamp(1, MAX_BUFFER_FRAMES),
            max_discard_frames: self.max_discard_frames.clamp(1, MAX_BUFFER_FRAMES),
        }
    }
}

/// What a tick rendered for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PumpMode {
    /// Nothing runs.
    #[default]
    Idle,
    /// The capture stream runs: its cyclic buffer was filled.
    Capture,
    /// Only the MIDI pin runs: rendered into scratch and discarded.
    Discard,
}

/// What one [`Pump::tick`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PumpReport {
    /// The thread should tick again (capture in RUN with a buffer, or MIDI running).
    pub keep_ticking: bool,
    /// What the tick rendered for.
    pub mode: PumpMode,
    /// Frames rendered (into the cyclic buffer, or discarded).
    pub frames: u32,
    /// Capture: frames the audio engine read stale (an underrun, see [`crate::writer`]);
    /// discard: frames skipped over a stall longer than `max_discard_frames`.
    pub skipped: u64,
    /// The notification events were signalled.
    pub signalled: bool,
}

/// Counters over the adapter's life.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PumpStats {
    /// Capture fills (ticks and the fill at RUN).
    pub capture_ticks: u64,
    /// Frames rendered into cyclic buffers.
    pub capture_frames: u64,
    /// Underruns (fills that found the audio engine past the cursor).
    pub underruns: u64,
    /// Frames read stale because of them.
    pub skipped_frames: u64,
    /// Times the notification events were signalled.
    pub signals: u64,
    /// Discard ticks.
    pub discard_ticks: u64,
    /// Frames rendered and discarded.
    pub discard_frames: u64,
    /// Frames skipped by discard ticks after a stall.
    pub discard_skipped: u64,
}

/// A cyclic buffer mapped by `MapAllocatedPages`.
pub(crate) struct MappedBuffer {
    /// The MDL `AllocatePagesForMdl` returned.
    pub(crate) mdl: PMDL,
    /// The kernel address `MapAllocatedPages` returned.
    pub(crate) base: NonNull<u8>,
    /// Bytes of the buffer (≤ the MDL's pages).
    pub(crate) bytes: usize,
}

/// The capture stream's half of [`RenderState`].
pub(crate) struct CaptureSlot {
    pub(crate) stream: CaptureStream,
    pub(crate) buffer: Option<MappedBuffer>,
    pub(crate) events: [PKEVENT; MAX_NOTIFICATION_EVENTS],
}

/// The render-only clock used while only the MIDI pin runs.
struct Discard {
    clock: StreamClock,
    cursor: u64,
}

/// Everything behind the non-raising mutex.
pub(crate) struct RenderState {
    pub(crate) capture: Option<CaptureSlot>,
    scratch: Vec<f32>,
    discard: Discard,
    stats: PumpStats,
}

// SAFETY: the raw pointers (MDL, mapped buffer, events) are kernel objects usable from any thread;
// they are only dereferenced under the mutex, while the stream that owns them is alive.
unsafe impl Send for RenderState {}

impl RenderState {
    /// The capture stream is in RUN with a buffer: the audio engine is recording.
    fn capturing(&self) -> bool {
        self.capture
            .as_ref()
            .is_some_and(|slot| slot.stream.needs_timer())
    }
}

/// The per-adapter state shared by the [`Pump`] and the WaveRT objects (see the module doc).
pub(crate) struct Renderer<P: WaveRtPlatform, S: SharedSynth + Send + 'static> {
    references: AtomicU32,
    pub(crate) platform: P,
    pub(crate) synth: S,
    pub(crate) config: PumpConfig,
    pub(crate) render: Mutex<P::Mutex, RenderState>,
    pub(crate) position: SpinLock<P::Lock, Option<PositionSource>>,
}

impl<P: WaveRtPlatform, S: SharedSynth + Send + 'static> Renderer<P, S> {
    /// A renderer with one reference; allocates the scratch buffer (`2 × lead` samples, at least
    /// `2 × max_discard / 4`). PASSIVE_LEVEL.
    pub(crate) fn create(platform: P, synth: S, config: PumpConfig) -> Result<NonNull<Self>, WaveRtError> {
        let config = config.clamped();
        let frames = config.lead_frames.max(config.max_discard_frames / 4).max(48) as usize;
        let samples = frames.saturating_mul(2);
        let mut scratch = Vec::new();
        scratch
            .try_reserve_exact(samples)
            .map_err(|_| WaveRtError::OutOfMemory)?;
        scratch.resize(samples, 0.0);
        let object = miniport::com::try_box(Self {
            references: AtomicU32::new(1),
            platform,
            synth,
            config,
            render: Mutex::new(RenderState {
                capture: None,
                scratch,
                discard: Discard {
                    clock: StreamClock::new(SAMPLE_RATE, INTERRUPT_TIME_HZ),
                    cursor: 0,
                },
                stats: PumpStats::default(),
            }),
            position: SpinLock::new(None),
        })?;
        NonNull::new(object).ok_or(WaveRtError::OutOfMemory)
    }

    /// Takes a reference.
    pub(crate) fn add_ref(&self) {
        self.references.fetch_add(1, Ordering::Relaxed);
    }

    /// Drops a reference; frees the renderer on the last one (PASSIVE_LEVEL).
    ///
    /// # Safety
    /// `this` is live and the caller owns the reference it gives up.
    pub(crate) unsafe fn release(this: NonNull<Self>) {
        // SAFETY: live by the caller's contract.
        let previous = unsafe { this.as_ref() }
            .references
            .fetch_sub(1, Ordering::Release);
        if previous == 1 {
            fence(Ordering::Acquire);
            // SAFETY: made by try_box in `create`; the last reference is gone.
            unsafe { miniport::com::free_box(this.as_ptr()) };
        }
    }

    /// Republishes the copy `GetPosition` reads (call with the mutex held, after any change).
    pub(crate) fn publish_position(&self, state: &RenderState) {
        let source = state.capture.as_ref().map(|slot| slot.stream.position_source());
        *self.position.lock() = source;
    }

    /// Fills the capture stream's buffer if it is in RUN with a buffer; `None` otherwise.
    pub(crate) fn fill_capture(&self, state: &mut RenderState, now: u64) -> Option<TickOutcome> {
        let RenderState {
            capture,
            scratch,
            stats,
            ..
        } = state;
        let slot = capture.as_mut()?;
        if !slot.stream.needs_timer() {
            return None;
        }
        let buffer = slot.buffer.as_ref()?;
        // SAFETY: the buffer is mapped for `bytes` bytes until FreeAudioBuffer, which removes it
        // from the slot under this same mutex (held by our caller) before unmapping it; nothing
        // else writes it (the audio engine only reads).
        let bytes = unsafe { core::slice::from_raw_parts_mut(buffer.base.as_ptr(), buffer.bytes) };
        let outcome = slot.stream.tick(now, &self.synth, bytes, scratch).ok()?;
        stats.capture_ticks = stats.capture_ticks.saturating_add(1);
        stats.capture_frames = stats.capture_frames.saturating_add(u64::from(outcome.frames));
        if outcome.skipped > 0 {
            stats.underruns = stats.underruns.saturating_add(1);
            stats.skipped_frames = stats.skipped_frames.saturating_add(outcome.skipped);
        }
        if outcome.signal {
            stats.signals = stats.signals.saturating_add(1);
            for &event in slot.events.iter().filter(|event| !event.is_null()) {
                // SAFETY: registered and not unregistered (unregistering takes this mutex).
                unsafe { self.platform.signal_event(event) };
            }
        }
        Some(outcome)
    }

    /// Renders and discards up to the discard clock's position at `now`.
    fn discard(&self, state: &mut RenderState, now: u64) -> (u32, u64) {
        let RenderState {
            scratch,
            discard,
            stats,
            ..
        } = state;
        if !discard.clock.is_running() {
            discard.clock.run(now);
            discard.cursor = 0;
        }
        let target = discard.clock.frames_at(now);
        self.synth.sync_position(target);
        let mut due = target.saturating_sub(discard.cursor);
        let mut skipped = 0;
        let most = u64::from(self.config.max_discard_frames);
        if due > most {
            skipped = due.saturating_sub(most);
            discard.cursor = target.saturating_sub(most);
            due = most;
        }
        let chunk_frames = (scratch.len() / 2).max(1) as u64;
        let mut rendered = 0u64;
        while rendered < due {
            let frames = due.saturating_sub(rendered).min(chunk_frames);
            let samples = (frames as usize).saturating_mul(2);
            let Some(chunk) = scratch.get_mut(..samples) else {
                break;
            };
            self.synth.render_into(discard.cursor, chunk);
            discard.cursor = discard.cursor.saturating_add(frames);
            rendered = rendered.saturating_add(frames);
        }
        stats.discard_ticks = stats.discard_ticks.saturating_add(1);
        stats.discard_frames = stats.discard_frames.saturating_add(rendered);
        stats.discard_skipped = stats.discard_skipped.saturating_add(skipped);
        (u32::try_from(rendered).unwrap_or(u32::MAX), skipped)
    }

    fn tick(&self, now: u64) -> PumpReport {
        let mut state = self.render.lock();
        let state = &mut *state;
        if let Some(outcome) = self.fill_capture(state, now) {
            state.discard.clock.stop();
            return PumpReport {
                keep_ticking: true,
                mode: PumpMode::Capture,
                frames: outcome.frames,
                skipped: outcome.skipped,
                signalled: outcome.signal,
            };
        }
        let capturing = state.capturing();
        if !capturing && self.synth.midi_running() {
            let (frames, skipped) = self.discard(state, now);
            return PumpReport {
                keep_ticking: true,
                mode: PumpMode::Discard,
                frames,
                skipped,
                signalled: false,
            };
        }
        state.discard.clock.stop();
        PumpReport {
            keep_ticking: capturing,
            ..PumpReport::default()
        }
    }
}

/// The render loop body, one per adapter: the kernel's real-time render thread calls
/// [`Pump::tick`] every period. Cloning takes a reference on the shared state; dropping releases it.
pub struct Pump<P: WaveRtPlatform, S: SharedSynth + Send + 'static> {
    renderer: NonNull<Renderer<P, S>>,
}

// SAFETY: the renderer is reference counted with atomics and all its mutable state sits behind
// its locks; the platform and the synth are Send + Sync.
unsafe impl<P: WaveRtPlatform, S: SharedSynth + Send + 'static> Send for Pump<P, S> {}
// SAFETY: as above; every method takes `&self` and locks.
unsafe impl<P: WaveRtPlatform, S: SharedSynth + Send + 'static> Sync for Pump<P, S> {}

impl<P: WaveRtPlatform, S: SharedSynth + Send + 'static> Pump<P, S> {
    /// Wraps a renderer reference the caller hands over.
    pub(crate) fn from_reference(renderer: NonNull<Renderer<P, S>>) -> Self {
        Self { renderer }
    }

    fn renderer(&self) -> &Renderer<P, S> {
        // SAFETY: this pump holds a reference.
        unsafe { self.renderer.as_ref() }
    }

    /// One render period at interrupt time `now_100ns` (see the module doc). PASSIVE_LEVEL only
    /// (takes the non-raising mutex, then the engine's); never allocates.
    pub fn tick(&self, now_100ns: u64) -> PumpReport {
        self.renderer().tick(now_100ns)
    }

    /// Whether the thread should be ticking now (without rendering). PASSIVE_LEVEL.
    pub fn keep_ticking(&self) -> bool {
        let renderer = self.renderer();
        let capturing = renderer.render.lock().capturing();
        capturing || renderer.synth.midi_running()
    }

    /// The counters. PASSIVE_LEVEL.
    pub fn stats(&self) -> PumpStats {
        self.renderer().render.lock().stats
    }

    /// The configuration in use (clamped).
    pub fn config(&self) -> PumpConfig {
        self.renderer().config
    }

    /// The shared synth.
    pub fn synth(&self) -> &S {
        &self.renderer().synth
    }
}

impl<P: WaveRtPlatform, S: SharedSynth + Send + 'static> Clone for Pump<P, S> {
    fn clone(&self) -> Self {
        self.renderer().add_ref();
        Self {
            renderer: self.renderer,
        }
    }
}

impl<P: WaveRtPlatform, S: SharedSynth + Send + 'static> Drop for Pump<P, S> {
    /// Releases the pump's reference (PASSIVE_LEVEL: the last one frees the scratch buffer).
    fn drop(&mut self) {
        // SAFETY: this pump's reference, given up here.
        unsafe { Renderer::release(self.renderer) };
    }
}
