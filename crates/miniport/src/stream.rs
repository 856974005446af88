//! One synth instance: the [`Core`] shared by the MIDI render stream and the wave sink stream
//! (classic mode, one core per filter instance) or by every MIDI stream and the adapter's render
//! thread (hardware-synth mode, one core per miniport): PutMessage → pending ring → Render or
//! `render_into` → engine; downloads; parameters; the sample clock.
//!
//! `NewStream` is called once per pin; both calls land on the same [`Core`] (the miniport pairs
//! them). Each pin gets its own COM object ([`crate::pin::PinObject`]) so that `IMXF::SetState`
//! knows which pin it is about: a PAUSE on one pin never mutes the other (ddksynth's bug, §f.19).
//! Both pin objects lead to the same core; each holds one reference on the core, the core one on
//! the miniport.
//!
//! Locks (ADR 005; order: `synth` before `queue`):
//! * `queue`, a spin lock (raises to DISPATCH_LEVEL): the pending-event ring, the MIDI parsers,
//!   the sample clock, the allocator and master clock pointers and the pin states. `PutMessage`
//!   (DISPATCH_LEVEL) takes only this one, briefly. Nothing allocates or frees under it.
//! * `synth`, a non-raising mutex (PASSIVE_LEVEL only; kernel `KGUARDED_MUTEX`): the engine, the
//!   output format and the scratch buffers. `Render`, `render_into`, `SetState` and the property
//!   handlers take it; a render takes `queue` inside it to move pending events into the engine.
//!   Rendering therefore runs at PASSIVE_LEVEL, and a download that finds the bank full grows it
//!   under this mutex. Engines, parsers and downloads are still built before and dropped after it
//!   where that is easy, to keep renders from waiting.

use crate::clock::SampleClock;
use crate::com::{allocator_put_message, clock_get_time, com_add_ref, com_release, free_box, try_box};
use crate::descriptor::{MAX_CHANNELS, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE};
use crate::error::{MiniportError, Result};
use crate::log;
use crate::miniport::MiniportObject;
use crate::pin::Pin;
use crate::platform::{Mutex, Platform, SpinLock};
use alloc::collections::VecDeque;
use alloc::vec::Vec;
use core::mem::size_of;
use core::ptr::null_mut;
use core::sync::atomic::{AtomicU32, Ordering};
use portcls_sys::{
    DMUS_KERNEL_EVENT, GUID, KSDATAFORMAT, KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
    KSDATAFORMAT_SUBTYPE_IEEE_FLOAT, KSDATAFORMAT_SUBTYPE_PCM, KSDATAFORMAT_TYPE_AUDIO, KSSTATE, KSSTATE_RUN,
    KSSTATE_STOP, NTSTATUS, PAllocatorMXF, PDMUS_KERNEL_EVENT, PKSDATAFORMAT, PMASTERCLOCK, STATUS_SUCCESS,
    WAVE_FORMAT_EXTENSIBLE, WAVE_FORMAT_IEEE_FLOAT, WAVE_FORMAT_PCM, WAVEFORMATEX,
};
use synth::midi_stream::StreamParser;
use synth::{Download, Engine, EngineConfig, EngineError, Interpolation, MidiMessage, TimedEvent};

/// Capacity of the pending-event ring between `PutMessage` and `Render`.
pub const PENDING_CAPACITY: usize = 4096;
/// Frames rendered per engine call (scratch size).
pub const CHUNK_FRAMES: usize = 1024;
/// Most channel groups (`SYNTH_PORTPARAMS.ChannelGroups`).
pub const MAX_CHANNEL_GROUPS: u32 = 1000;
/// Most voices.
pub const MAX_VOICES: u32 = 1000;
/// Hardware-synth mode: a reported capture frame further than `rate / RESYNC_DIVISOR` frames
/// (50 ms) from the mapping's prediction restarts the mapping instead of being phase-locked.
pub const RESYNC_DIVISOR: u32 = 20;
/// Download slots added to each of the bank's tables when one is full.
pub const BANK_GROWTH: usize = 64;
/// Longest event chain walked in one `PutMessage` (a guard against a corrupt, cyclic chain).
pub const MAX_CHAIN: u32 = 1 << 20;

/// The sample type of the wave pin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SampleKind {
    /// 16-bit signed PCM.
    Pcm16,
    /// 32-bit IEEE float.
    Float32,
}

/// The wave pin's format (from `KSDATAFORMAT_WAVEFORMATEX`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaveFormat {
    /// Frames per second.
    pub rate: u32,
    /// 1 or 2.
    pub channels: u16,
    /// Sample type.
    pub kind: SampleKind,
}

impl WaveFormat {
    /// Bytes per frame.
    pub fn block_align(&self) -> u32 {
        let bytes = match self.kind {
            SampleKind::Pcm16 => 2,
            SampleKind::Float32 => 4,
        };
        u32::from(self.channels).saturating_mul(bytes)
    }

    /// `WAVEFORMATEX` describing this format.
    pub fn to_waveformatex(&self) -> WAVEFORMATEX {
        let (tag, bits) = match self.kind {
            SampleKind::Pcm16 => (WAVE_FORMAT_PCM, 16),
            SampleKind::Float32 => (WAVE_FORMAT_IEEE_FLOAT, 32),
        };
        WAVEFORMATEX {
            wFormatTag: tag,
            nChannels: self.channels,
            nSamplesPerSec: self.rate,
            nAvgBytesPerSec: self.rate.saturating_mul(self.block_align()),
            nBlockAlign: self.block_align() as u16,
            wBitsPerSample: bits,
            cbSize: 0,
        }
    }

    /// Reads and validates a `KSDATAFORMAT_WAVEFORMATEX` (or its `WAVEFORMATEXTENSIBLE` form).
    ///
    /// # Safety
    /// `format` is null or points at `FormatSize` readable bytes (at least a `KSDATAFORMAT`).
    pub unsafe fn from_ks(format: PKSDATAFORMAT) -> Result<Self> {
        if format.is_null() {
            return Err(MiniportError::InvalidParameter);
        }
        // SAFETY: non-null, at least a KSDATAFORMAT by the caller's contract; read unaligned.
        let header = unsafe { format.read_unaligned() };
        let size = header.FormatSize as usize;
        let wave_offset = size_of::<KSDATAFORMAT>();
        if size < wave_offset.saturating_add(size_of::<WAVEFORMATEX>())
            || header.MajorFormat != KSDATAFORMAT_TYPE_AUDIO
            || header.Specifier != KSDATAFORMAT_SPECIFIER_WAVEFORMATEX
        {
            return Err(MiniportError::InvalidParameter);
        }
        let base = format.cast::<u8>();
        // SAFETY: FormatSize covers the WAVEFORMATEX right after the KSDATAFORMAT.
        let wave = unsafe {
            base.wrapping_add(wave_offset)
                .cast::<WAVEFORMATEX>()
                .read_unaligned()
        };
        let mut subformat = header.SubFormat;
        let tag = wave.wFormatTag;
        if tag == WAVE_FORMAT_EXTENSIBLE {
            // WAVEFORMATEXTENSIBLE: 22 more bytes, SubFormat at offset 24 of the WAVEFORMATEX.
            if wave.cbSize < 22 || size < wave_offset.saturating_add(40) {
                return Err(MiniportError::InvalidParameter);
            }
            // SAFETY: FormatSize covers the 40-byte WAVEFORMATEXTENSIBLE.
            subformat = unsafe {
                base.wrapping_add(wave_offset.saturating_add(24))
                    .cast::<GUID>()
                    .read_unaligned()
            };
        } else if tag == WAVE_FORMAT_PCM {
            subformat = KSDATAFORMAT_SUBTYPE_PCM;
        } else if tag == WAVE_FORMAT_IEEE_FLOAT {
            subformat = KSDATAFORMAT_SUBTYPE_IEEE_FLOAT;
        }
        let bits = wave.wBitsPerSample;
        let kind = if subformat == KSDATAFORMAT_SUBTYPE_PCM && bits == 16 {
            SampleKind::Pcm16
        } else if subformat == KSDATAFORMAT_SUBTYPE_IEEE_FLOAT && bits == 32 {
            SampleKind::Float32
        } else {
            return Err(MiniportError::InvalidParameter);
        };
        let channels = wave.nChannels;
        let rate = wave.nSamplesPerSec;
        let format = Self { rate, channels, kind };
        if channels == 0
            || u32::from(channels) > MAX_CHANNELS
            || !(MIN_SAMPLE_RATE..=MAX_SAMPLE_RATE).contains(&rate)
            || u32::from(wave.nBlockAlign) != format.block_align()
        {
            return Err(MiniportError::InvalidParameter);
        }
        Ok(format)
    }
}

/// What the port and the properties set; the engine is built from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SynthParams {
    /// Voices.
    pub voices: u32,
    /// Channel groups.
    pub channel_groups: u32,
    /// Reverb on.
    pub reverb: bool,
    /// Chorus on.
    pub chorus: bool,
    /// Interpolation.
    pub interpolation: Interpolation,
    /// `KSPROPERTY_SYNTH_VOLUME`, 1/100 dB.
    pub volume: i32,
    /// `KSPROPERTY_SYNTH_VOLUMEBOOST`, 1/100 dB.
    pub boost: i32,
}

impl Default for SynthParams {
    fn default() -> Self {
        let engine = EngineConfig::default();
        Self {
            voices: engine.voices,
            channel_groups: 16,
            reverb: engine.reverb,
            chorus: engine.chorus,
            interpolation: engine.interpolation,
            volume: 0,
            boost: 0,
        }
    }
}

impl SynthParams {
    fn engine_config(&self, format: WaveFormat) -> EngineConfig {
        EngineConfig {
            sample_rate: format.rate,
            channels: format.channels,
            voices: self.voices,
            channel_groups: self.channel_groups,
            reverb: self.reverb,
            chorus: self.chorus,
            interpolation: self.interpolation,
            event_capacity: EngineConfig::default().event_capacity,
        }
    }
}

/// An event waiting for `Render` to hand it to the engine.
#[derive(Clone, Copy, Debug)]
struct PendingEvent {
    /// Presentation time (master clock, 100 ns), 0 = "now" (the first frame of the next render).
    /// Turned into a stream frame when the event moves into the engine, with the sample clock of
    /// that moment (after the latest phase correction, and after a restart of the stream axis).
    time: i64,
    /// The pin object that sent it (its address), so that a STOP drops only that pin's events.
    source: usize,
    channel_group: u16,
    message: MidiMessage,
}

/// Counters of everything the data path refused (never silently).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StreamCounters {
    /// Events received through `PutMessage` (package headers included).
    pub events: u64,
    /// MIDI messages put on the pending ring.
    pub messages: u64,
    /// Messages lost because the pending ring was full.
    pub ring_full: u32,
    /// Messages that waited because the engine's queue was full.
    pub engine_full: u32,
    /// Events for a channel group beyond the configured count.
    pub bad_group: u32,
    /// Long events without data.
    pub bad_event: u32,
    /// Chains longer than [`MAX_CHAIN`] (the rest was not returned!).
    pub chain_overflow: u32,
}

struct QueueState {
    pending: VecDeque<PendingEvent>,
    parsers: Vec<StreamParser>,
    clock: SampleClock,
    /// Stream frame after the last `Render` (= the next frame to be rendered).
    render_end: i64,
    /// The latest MIDI stream's allocator: where `PutMessage` on a pin without its own (the wave
    /// pin) returns events.
    allocator: PAllocatorMXF,
    master_clock: PMASTERCLOCK,
    /// MIDI pins in `KSSTATE_RUN` (hardware-synth mode may have several).
    midi_running: u32,
    /// Hardware-synth mode: the renderer reports the frame being captured now
    /// ([`Core::sync_position`]); then `render_into` leaves the sample clock alone.
    positions_reported: bool,
    /// The last frame reported.
    last_reported: i64,
    counters: StreamCounters,
}

// SAFETY: the COM pointers are the port's allocator and clock, which the port allows to be called
// from any thread at IRQL <= DISPATCH_LEVEL; the rest is plain data.
unsafe impl Send for QueueState {}

struct SynthState {
    engine: Option<Engine>,
    format: Option<WaveFormat>,
    params: SynthParams,
    scratch_f32: Vec<f32>,
    scratch_i16: Vec<i16>,
    downloads: u32,
    reverb_params: portcls_sys::SYNTH_REVERB_PARAMS,
}

/// The shared synth instance of one filter.
pub struct Core<P: Platform> {
    references: AtomicU32,
    pub(crate) platform: P,
    pub(crate) miniport: *const MiniportObject<P>,
    mode: crate::SynthMode,
    queue: SpinLock<P::Lock, QueueState>,
    synth: Mutex<P::Mutex, SynthState>,
}

fn new_parsers(channel_groups: u32) -> Result<Vec<StreamParser>> {
    let count = usize::try_from(channel_groups)
        .map_err(|_| MiniportError::InvalidParameter)?
        .saturating_add(1);
    let mut parsers = Vec::new();
    parsers
        .try_reserve_exact(count)
        .map_err(|_| MiniportError::OutOfMemory)?;
    parsers.resize_with(count, StreamParser::new);
    Ok(parsers)
}

fn zeroed_vec<T: Copy + Default>(count: usize) -> Result<Vec<T>> {
    let mut vec = Vec::new();
    vec.try_reserve_exact(count)
        .map_err(|_| MiniportError::OutOfMemory)?;
    vec.resize(count, T::default());
    Ok(vec)
}

impl<P: Platform> Core<P> {
    /// A core with no pin attached. Holds one reference (the caller's) and one on `miniport`.
    pub(crate) fn create(
        platform: P,
        miniport: *const MiniportObject<P>,
        mode: crate::SynthMode,
    ) -> Result<*mut Self> {
        let params = SynthParams::default();
        let parsers = new_parsers(params.channel_groups)?;
        let mut pending = VecDeque::new();
        pending
            .try_reserve_exact(PENDING_CAPACITY)
            .map_err(|_| MiniportError::OutOfMemory)?;
        let core = Self {
            references: AtomicU32::new(1),
            platform: platform.clone(),
            miniport,
            mode,
            queue: SpinLock::new(QueueState {
                pending,
                parsers,
                clock: SampleClock::new(48_000),
                render_end: 0,
                allocator: null_mut(),
                master_clock: null_mut(),
                midi_running: 0,
                positions_reported: false,
                last_reported: 0,
                counters: StreamCounters::default(),
            }),
            synth: Mutex::new(SynthState {
                engine: None,
                format: None,
                params,
                scratch_f32: Vec::new(),
                scratch_i16: Vec::new(),
                downloads: 0,
                reverb_params: portcls_sys::SYNTH_REVERB_PARAMS {
                    fInGain: 0.0,
                    fReverbMix: -10.0,
                    fReverbTime: 1000.0,
                    fHighFreqRTRatio: 0.001,
                },
            }),
        };
        let core = try_box(core)?;
        // SAFETY: the miniport is alive (the caller is inside one of its methods).
        unsafe { (*miniport).header.add_ref() };
        Ok(core)
    }

    pub(crate) fn add_ref(&self) {
        self.references.fetch_add(1, Ordering::Relaxed);
    }

    /// Takes a reference unless the core is already being destroyed (count 0): the miniport's
    /// registry holds cores weakly, so a lookup may race with the last release.
    pub(crate) fn try_add_ref(&self) -> bool {
        self.references
            .fetch_update(Ordering::Acquire, Ordering::Relaxed, |count| {
                if count == 0 { None } else { count.checked_add(1) }
            })
            .is_ok()
    }

    /// Drops one reference; destroys the core on the last.
    ///
    /// # Safety
    /// `core` came from [`Core::create`] and the caller owns one reference.
    pub(crate) unsafe fn release(core: *const Self) {
        // SAFETY: the caller owns a reference, so the core is alive.
        let previous = unsafe { &*core }.references.fetch_sub(1, Ordering::Release);
        if previous != 1 {
            return;
        }
        core::sync::atomic::fence(Ordering::Acquire);
        // SAFETY: last reference: nobody else can reach the core.
        let this = unsafe { &*core };
        let (allocator, master_clock) = {
            let queue = this.queue.lock();
            (queue.allocator, queue.master_clock)
        };
        let miniport = this.miniport;
        // SAFETY: the miniport is alive: this core holds a reference on it until below.
        unsafe { (*miniport).forget_core(core) };
        if !allocator.is_null() {
            // SAFETY: AddRef'ed in attach_midi; a valid COM object.
            unsafe { com_release(allocator) };
        }
        if !master_clock.is_null() {
            // SAFETY: AddRef'ed in attach_midi.
            unsafe { com_release(master_clock) };
        }
        // SAFETY: made by try_box in `create`; this was the last reference.
        unsafe { free_box(core.cast_mut()) };
        // SAFETY: the reference taken in `create`.
        unsafe { MiniportObject::release_raw(miniport) };
    }

    /// `NewStream(DMUS_STREAM_MIDI_RENDER)`: takes (AddRefs) the allocator (the fallback for
    /// pins without their own; each MIDI pin object keeps its stream's) and the port's master
    /// clock, the time base of the events' presentation times. Every MIDI stream of a port brings
    /// the same clock; a different one replaces the old and, in the hardware-synth mode, restarts
    /// the mapping of reference time to stream frames.
    ///
    /// # Safety
    /// Both pointers are valid COM objects.
    pub(crate) unsafe fn attach_midi(&self, allocator: PAllocatorMXF, master_clock: PMASTERCLOCK) {
        // SAFETY: valid COM objects by the caller's contract.
        unsafe { com_add_ref(allocator) };
        // SAFETY: as above.
        unsafe { com_add_ref(master_clock) };
        let (old_allocator, old_clock) = {
            let mut queue = self.queue.lock();
            let old_allocator = core::mem::replace(&mut queue.allocator, allocator);
            let old_clock = core::mem::replace(&mut queue.master_clock, master_clock);
            if self.mode == crate::SynthMode::HardwareSynth && old_clock != master_clock {
                // A new master clock: the next render_into maps its frame to this clock afresh.
                queue.clock.reset();
            }
            (old_allocator, old_clock)
        };
        if !old_allocator.is_null() {
            // SAFETY: the reference this core held.
            unsafe { com_release(old_allocator) };
        }
        if !old_clock.is_null() {
            // SAFETY: the reference this core held.
            unsafe { com_release(old_clock) };
        }
    }

    /// A MIDI pin object with `allocator` is gone: if the core's fallback allocator is that one,
    /// the core lets it go too (in the hardware-synth mode the core outlives its streams, and must
    /// not keep a closed stream's allocator). PASSIVE_LEVEL.
    pub(crate) fn detach_midi(&self, allocator: PAllocatorMXF) {
        let released = {
            let mut queue = self.queue.lock();
            if !allocator.is_null() && queue.allocator == allocator {
                core::mem::replace(&mut queue.allocator, null_mut())
            } else {
                null_mut()
            }
        };
        if !released.is_null() {
            // SAFETY: the reference this core took in attach_midi.
            unsafe { com_release(released) };
        }
    }

    /// `NewStream(DMUS_STREAM_WAVE_SINK)`: builds the engine for `format`.
    pub(crate) fn attach_wave(&self, format: WaveFormat) -> Result<()> {
        {
            let mut synth = self.synth.lock();
            if synth.downloads != 0 {
                return Err(MiniportError::InvalidState);
            }
            synth.format = Some(format);
        }
        {
            let mut queue = self.queue.lock();
            queue.clock = SampleClock::new(format.rate);
        }
        self.rebuild_engine()
    }

    /// Builds a new engine from the current parameters and format and swaps it in (PASSIVE_LEVEL).
    /// Refused with `InvalidState` once downloads are installed (they would be lost).
    pub(crate) fn rebuild_engine(&self) -> Result<()> {
        let (config, params) = {
            let synth = self.synth.lock();
            let Some(format) = synth.format else {
                return Ok(());
            };
            (synth.params.engine_config(format), synth.params)
        };
        let mut engine = Engine::new(&config)?;
        engine.set_master_gain_centibels(params.volume.saturating_add(params.boost));
        let samples = CHUNK_FRAMES.saturating_mul(usize::from(config.channels));
        let mut scratch_f32 = zeroed_vec::<f32>(samples)?;
        let mut scratch_i16 = zeroed_vec::<i16>(samples)?;
        let mut parsers = new_parsers(params.channel_groups)?;
        let old_engine = {
            let mut synth = self.synth.lock();
            if synth.downloads != 0 {
                None
            } else {
                core::mem::swap(&mut synth.scratch_f32, &mut scratch_f32);
                core::mem::swap(&mut synth.scratch_i16, &mut scratch_i16);
                Some(synth.engine.replace(engine))
            }
        };
        let Some(old_engine) = old_engine else {
            return Err(MiniportError::InvalidState);
        };
        {
            let mut queue = self.queue.lock();
            core::mem::swap(&mut queue.parsers, &mut parsers);
        }
        drop(old_engine);
        drop(parsers);
        drop(scratch_f32);
        drop(scratch_i16);
        Ok(())
    }

    /// Reads the parameters.
    pub(crate) fn params(&self) -> SynthParams {
        self.synth.lock().params
    }

    /// The wave format, once the wave sink exists.
    pub(crate) fn format(&self) -> Option<WaveFormat> {
        self.synth.lock().format
    }

    /// Hardware-synth mode: the engine's voice and channel-group counts are fixed at creation.
    /// The engine is shared by every client and holds the adapter's default collection (installed
    /// through `with_engine`, which the download count does not see): a rebuild requested by one
    /// client would silently drop it and everyone's downloads.
    pub(crate) fn engine_is_fixed(&self) -> bool {
        self.mode == crate::SynthMode::HardwareSynth
    }

    /// Changes parameters. Volume, effects and interpolation apply to the running engine; a new
    /// voice or channel-group count rebuilds it (refused with `InvalidState` once downloads are
    /// installed, which a rebuild would lose). Hardware-synth mode ([`Core::engine_is_fixed`]):
    /// the voice count stays; fewer channel groups than the engine has are accepted (the engine
    /// serves them all), more are refused with `InvalidState`.
    pub(crate) fn set_params(&self, params: SynthParams) -> Result<()> {
        let rebuild = {
            let mut synth = self.synth.lock();
            let old = synth.params;
            let mut params = params;
            if self.engine_is_fixed() {
                if params.channel_groups > old.channel_groups {
                    return Err(MiniportError::InvalidState);
                }
                params.voices = old.voices;
                params.channel_groups = old.channel_groups;
            }
            let rebuild = old.voices != params.voices || old.channel_groups != params.channel_groups;
            if rebuild && synth.downloads != 0 {
                return Err(MiniportError::InvalidState);
            }
            synth.params = params;
            if let Some(engine) = synth.engine.as_mut() {
                engine.set_master_gain_centibels(params.volume.saturating_add(params.boost));
                engine.set_effects(params.reverb, params.chorus);
                engine.set_interpolation(params.interpolation);
            }
            rebuild.then_some(old)
        };
        let Some(old) = rebuild else {
            return Ok(());
        };
        let result = if self.format().is_some() {
            self.rebuild_engine()
        } else {
            new_parsers(params.channel_groups).map(|mut parsers| {
                let mut queue = self.queue.lock();
                core::mem::swap(&mut queue.parsers, &mut parsers);
                drop(queue);
                drop(parsers);
            })
        };
        if let Err(error) = result {
            // Keep the parameters consistent with the engine that still runs.
            let mut synth = self.synth.lock();
            synth.params.voices = old.voices;
            synth.params.channel_groups = old.channel_groups;
            drop(synth);
            return Err(error);
        }
        Ok(())
    }

    /// Runs `f` on the engine under the synth lock (no allocation inside `f`).
    pub(crate) fn with_engine<T>(&self, f: impl FnOnce(&mut Engine) -> T) -> Option<T> {
        let mut synth = self.synth.lock();
        synth.engine.as_mut().map(f)
    }

    /// Stored Waves-reverb parameters.
    pub(crate) fn reverb_params(&self) -> portcls_sys::SYNTH_REVERB_PARAMS {
        self.synth.lock().reverb_params
    }

    /// Stores Waves-reverb parameters and applies them to the engine.
    pub(crate) fn set_reverb_params(&self, value: portcls_sys::SYNTH_REVERB_PARAMS) {
        let mut synth = self.synth.lock();
        synth.reverb_params = value;
        if let Some(engine) = synth.engine.as_mut() {
            engine.set_reverb_params(synth::reverb::ReverbParams {
                in_gain_db: value.fInGain,
                mix_db: value.fReverbMix,
                time_ms: value.fReverbTime,
                hf_rt_ratio: value.fHighFreqRTRatio,
            });
        }
    }

    /// Data-path counters.
    pub fn counters(&self) -> StreamCounters {
        let queue = self.queue.lock();
        let mut counters = queue.counters;
        let dropped: u32 = queue
            .parsers
            .iter()
            .fold(0u32, |sum, parser| sum.saturating_add(parser.dropped()));
        counters.bad_event = counters.bad_event.saturating_add(dropped);
        counters
    }

    /// Master time now (the port's clock, or the platform's when there is none).
    pub(crate) fn master_time(&self) -> i64 {
        let queue = self.queue.lock();
        self.master_time_locked(&queue)
    }

    /// [`Self::master_time`] for a caller holding the queue lock: the clock is called under the
    /// lock, because [`Self::attach_midi`] replaces it, and releases the old one, under the same
    /// lock; read and called outside, a replaced clock could be gone before `GetTime`.
    fn master_time_locked(&self, queue: &QueueState) -> i64 {
        let clock = queue.master_clock;
        if clock.is_null() {
            return self.platform.now_100ns();
        }
        // SAFETY: the clock is AddRef'ed by this core and cannot be released while the caller
        // holds the queue lock (see above); GetTime is callable at any IRQL.
        match unsafe { clock_get_time(clock) } {
            Some(time) => time,
            None => self.platform.now_100ns(),
        }
    }

    /// `KSPROPERTY_SYNTH_LATENCYCLOCK`: master time of the end of the last rendered buffer (never
    /// earlier than now).
    pub(crate) fn latency_clock(&self) -> i64 {
        let now = self.master_time();
        let queue = self.queue.lock();
        queue.clock.sample_to_ref_time(queue.render_end).max(now)
    }

    /// Installs a captured download buffer; returns the download id.
    pub(crate) fn download(&self, bytes: &[u8]) -> Result<u32> {
        let parsed = dls::download::parse(bytes)?;
        // Handles are id + 1 (properties.rs): the one id whose handle would not fit a 32-bit
        // caller's SYNTHDOWNLOAD (and would saturate on a 32-bit kernel) is refused.
        if parsed.id() == u32::MAX {
            return Err(MiniportError::InvalidParameter);
        }
        let download = match parsed {
            dls::download::Parsed::Wave { id, wave } => Download::Wave(id, Engine::prepare_wave(wave)?),
            dls::download::Parsed::Instrument { id, instrument } => {
                Download::Instrument(id, Engine::prepare_instrument(instrument)?)
            }
        };
        let id = match &download {
            Download::Wave(id, _) | Download::Instrument(id, _) => *id,
        };
        let outcome = {
            let mut guard = self.synth.lock();
            let synth = &mut *guard;
            let result = match synth.engine.as_mut() {
                None => Err((MiniportError::InvalidState, Some(download))),
                Some(engine) => Self::install(engine, download),
            };
            if result.is_ok() {
                synth.downloads = synth.downloads.saturating_add(1);
            }
            result
        };
        match outcome {
            Ok(()) => Ok(id),
            Err((error, back)) => {
                // A download handed back is freed here, outside the lock.
                drop(back);
                Err(error)
            }
        }
    }

    /// Installs `download`, growing the bank's slot tables first if they are full. Runs under the
    /// engine mutex at PASSIVE_LEVEL, where allocating is legal: a render waits for the growth
    /// (microseconds to a millisecond) instead of finding no engine, and no UNLOAD, property SET
    /// or other download can run between the growth and the install.
    fn install(
        engine: &mut Engine,
        download: Download,
    ) -> core::result::Result<(), (MiniportError, Option<Download>)> {
        match engine.install(download) {
            Ok(()) => Ok(()),
            Err((EngineError::BankFull, back)) => match engine.reserve_bank(BANK_GROWTH) {
                Ok(()) => engine
                    .install(back)
                    .map_err(|(error, back)| (MiniportError::Engine(error), Some(back))),
                Err(error) => Err((MiniportError::Engine(error), Some(back))),
            },
            Err((error, back)) => Err((MiniportError::Engine(error), Some(back))),
        }
    }

    /// Unloads a download by id.
    pub(crate) fn unload(&self, id: u32) -> Result<()> {
        let result = {
            let mut synth = self.synth.lock();
            let result = match synth.engine.as_mut() {
                None => Err(MiniportError::InvalidHandle),
                Some(engine) => engine.unload(id).map_err(MiniportError::Engine),
            };
            if result.is_ok() {
                synth.downloads = synth.downloads.saturating_sub(1);
            }
            result
        };
        // The download handed back is dropped here, outside the lock.
        result.map(drop)
    }

    /// The core's data path: `IMXF::PutMessage` (DISPATCH_LEVEL) of the pin object `source`.
    /// Returns the whole chain to `allocator` (the pin's), or when that is null to the latest MIDI
    /// stream's.
    ///
    /// # Safety
    /// `head` is null or a chain of events the port owns and hands over (valid until returned);
    /// `allocator` is null or the pin's live allocator.
    pub(crate) unsafe fn put_message(
        &self,
        head: PDMUS_KERNEL_EVENT,
        allocator: PAllocatorMXF,
        source: usize,
    ) -> NTSTATUS {
        if head.is_null() {
            return STATUS_SUCCESS;
        }
        let platform = &self.platform;
        let allocator = {
            let mut guard = self.queue.lock();
            let queue = &mut *guard;
            let before = queue.counters;
            let mut event = head;
            let mut walked = 0u32;
            while !event.is_null() {
                walked = walked.saturating_add(1);
                if walked > MAX_CHAIN {
                    queue.counters.chain_overflow = queue.counters.chain_overflow.saturating_add(1);
                    log!(
                        platform,
                        Error,
                        "PutMessage: chain longer than {} events, rest not processed",
                        MAX_CHAIN
                    );
                    break;
                }
                // SAFETY: a live event of the chain the port handed over.
                let current = unsafe { &mut *event };
                queue.counters.events = queue.counters.events.saturating_add(1);
                // SAFETY: the port fills the union truthfully (flags say which member is live).
                if let Some(package) = unsafe { current.package_event() } {
                    // Splice the package's sub-chain in right after its header, so that it is
                    // processed next and returned to the allocator with the rest of the chain.
                    current.clear_package();
                    current.cbEvent = 0;
                    current.uData.pPackageEvt = null_mut();
                    if !package.is_null() {
                        let mut tail = package;
                        let mut steps = 0u32;
                        // SAFETY: events of the sub-chain are live port events.
                        while unsafe { !(*tail).pNextEvt.is_null() } && steps < MAX_CHAIN {
                            // SAFETY: as above.
                            tail = unsafe { (*tail).pNextEvt };
                            steps = steps.saturating_add(1);
                        }
                        // SAFETY: `tail` is the sub-chain's last event (live).
                        unsafe { (*tail).pNextEvt = current.pNextEvt };
                        current.pNextEvt = package;
                    }
                } else {
                    Self::record(queue, current, source);
                }
                event = current.pNextEvt;
            }
            let after = queue.counters;
            if after.ring_full != before.ring_full {
                log!(
                    platform,
                    Warning,
                    "PutMessage: pending queue full, {} messages lost",
                    after.ring_full.saturating_sub(before.ring_full)
                );
            }
            if after.bad_group != before.bad_group {
                log!(
                    platform,
                    Warning,
                    "PutMessage: {} events for channel groups beyond the configured count dropped",
                    after.bad_group.saturating_sub(before.bad_group)
                );
            }
            if allocator.is_null() {
                queue.allocator
            } else {
                allocator
            }
        };
        if allocator.is_null() {
            log!(
                platform,
                Error,
                "PutMessage without an allocator: events cannot be returned"
            );
            return MiniportError::InvalidParameter.ntstatus();
        }
        // SAFETY: the allocator is AddRef'ed by the pin or this core; PutMessage on it takes the chain back
        // (the allocator is always the last destination).
        unsafe { allocator_put_message(allocator, head) }
    }

    /// Parses one (non-package) event's bytes into the pending ring.
    fn record(queue: &mut QueueState, event: &DMUS_KERNEL_EVENT, source: usize) {
        // SAFETY: the port fills the union truthfully: inline bytes for short events, a pointer
        // to `cbEvent` bytes for long ones, valid until the event goes back to the allocator.
        let bytes = if event.is_short() {
            // SAFETY: as above (inline bytes).
            unsafe { event.short_data() }
        } else {
            // SAFETY: as above (a pointer to `cbEvent` bytes).
            unsafe { event.long_data() }
        };
        let Some(bytes) = bytes else {
            if event.cbEvent != 0 {
                queue.counters.bad_event = queue.counters.bad_event.saturating_add(1);
            }
            return;
        };
        let group = event.usChannelGroup;
        let time = event.ullPresTime100ns;
        let QueueState {
            pending,
            parsers,
            counters,
            ..
        } = queue;
        let Some(parser) = parsers.get_mut(usize::from(group)) else {
            counters.bad_group = counters.bad_group.saturating_add(1);
            return;
        };
        parser.feed(bytes, |message| {
            if pending.len() < pending.capacity() {
                pending.push_back(PendingEvent {
                    time,
                    source,
                    channel_group: group,
                    message,
                });
                counters.messages = counters.messages.saturating_add(1);
            } else {
                counters.ring_full = counters.ring_full.saturating_add(1);
            }
        });
    }

    /// `ISynthSinkDMus::Render`: `frames` frames at stream position `position` into `buffer`
    /// (ignored, buffer untouched, in hardware-synth mode).
    ///
    /// # Safety
    /// `buffer` points at `frames · block_align` writable bytes.
    pub(crate) unsafe fn render(&self, buffer: *mut u8, frames: u32, position: i64) {
        if buffer.is_null() {
            return;
        }
        if self.engine_is_fixed() {
            // Hardware-synth mode has no wave sink: its audio leaves through `render_into` only.
            // Rendering here too would take frames from the render thread (and the caller's
            // block align is unknown): the buffer is left untouched.
            log!(
                self.platform,
                Warning,
                "Render on the hardware-synth filter ignored ({} frames)",
                frames
            );
            return;
        }
        let mut synth = self.synth.lock();
        let Some(format) = synth.format else {
            drop(synth);
            log!(self.platform, Error, "Render before the wave sink has a format");
            return;
        };
        let block_align = format.block_align() as usize;
        let total_bytes = (frames as usize).saturating_mul(block_align);
        let SynthState {
            engine,
            scratch_f32,
            scratch_i16,
            ..
        } = &mut *synth;
        let Some(engine) = engine.as_mut() else {
            // SAFETY: `total_bytes` writable by the caller's contract.
            unsafe { core::ptr::write_bytes(buffer, 0, total_bytes) };
            return;
        };
        {
            let mut queue = self.queue.lock();
            Self::move_pending(&mut queue, engine, position, frames);
        }
        let channels = usize::from(format.channels);
        let mut written = 0usize;
        let mut remaining = frames as usize;
        while remaining > 0 {
            let chunk = remaining.min(CHUNK_FRAMES);
            let samples = chunk.saturating_mul(channels);
            let bytes = chunk.saturating_mul(block_align);
            let source: *const u8 = match format.kind {
                SampleKind::Float32 => {
                    let Some(out) = scratch_f32.get_mut(..samples) else {
                        break;
                    };
                    engine.render_f32(out);
                    out.as_ptr().cast()
                }
                SampleKind::Pcm16 => {
                    let Some(out) = scratch_i16.get_mut(..samples) else {
                        break;
                    };
                    engine.render_i16(out);
                    out.as_ptr().cast()
                }
            };
            // SAFETY: `source` holds `bytes` bytes of rendered samples; the destination range
            // `written..written + bytes` lies within the caller's `total_bytes`.
            unsafe { core::ptr::copy_nonoverlapping(source, buffer.wrapping_add(written), bytes) };
            written = written.saturating_add(bytes);
            remaining = remaining.saturating_sub(chunk);
        }
        if written < total_bytes {
            // SAFETY: the rest of the caller's buffer.
            unsafe {
                core::ptr::write_bytes(
                    buffer.wrapping_add(written),
                    0,
                    total_bytes.saturating_sub(written),
                )
            };
        }
    }

    /// Moves every pending event into the engine (stream frames from the sample clock; "now"
    /// events at `position`) and records `position + frames` as the end of this render. Called
    /// with the engine lock held, under the queue lock.
    fn move_pending(queue: &mut QueueState, engine: &mut Engine, position: i64, frames: u32) {
        // Stream frame ↔ engine frame.
        let offset = position.saturating_sub(engine.position() as i64);
        while let Some(event) = queue.pending.front().copied() {
            let frame = if event.time == 0 {
                position
            } else {
                queue.clock.ref_time_to_sample(event.time)
            };
            let time = frame.saturating_sub(offset).max(0) as u64;
            let timed = TimedEvent {
                time,
                channel_group: event.channel_group,
                message: event.message,
            };
            if engine.schedule(timed).is_err() {
                queue.counters.engine_full = queue.counters.engine_full.saturating_add(1);
                break;
            }
            queue.pending.pop_front();
        }
        queue.render_end = position.saturating_add(i64::from(frames));
    }

    /// [`crate::HardwareSynth::render_into`]: 48 kHz interleaved stereo `f32` at stream frame
    /// `position`; drives the sample clock from `position` and the master clock (no
    /// `SyncToMaster` in the hardware-synth mode). PASSIVE_LEVEL.
    pub(crate) fn render_into(&self, position: u64, out: &mut [f32]) {
        let position = i64::try_from(position).unwrap_or(i64::MAX);
        let mut synth = self.synth.lock();
        let channels = synth
            .format
            .map_or(usize::from(crate::hardware::CHANNELS), |format| {
                usize::from(format.channels)
            })
            .max(1);
        let frames = out.len().checked_div(channels).unwrap_or(0);
        let samples = frames.saturating_mul(channels);
        let (body, tail) = out.split_at_mut(samples.min(out.len()));
        tail.fill(0.0);
        let Some(engine) = synth.engine.as_mut() else {
            body.fill(0.0);
            return;
        };
        let frames = u32::try_from(frames).unwrap_or(u32::MAX);
        {
            let mut queue = self.queue.lock();
            // Read once the engine mutex is held: a download or state change holding it would
            // otherwise leave this time stale by however long it waited.
            let master_now = self.master_time_locked(&queue);
            if queue.positions_reported {
                if !queue.clock.started() {
                    // A new master clock since the last report: start from the last reported
                    // capture frame (off by less than one tick until the next report).
                    let frame = queue.last_reported;
                    queue.clock.sync_frame(master_now, frame);
                }
            } else {
                if queue.clock.started() && position != queue.render_end {
                    // The stream axis restarted or skipped: map `position` to now afresh.
                    queue.clock.reset();
                }
                queue.clock.sync_frame(master_now, position);
            }
            Self::move_pending(&mut queue, engine, position, frames);
        }
        engine.render_f32(body);
    }

    /// [`crate::HardwareSynth::sync_position`]: stream frame `frame` is being captured now. From
    /// the first call on, these reports (not `render_into`'s positions) drive the sample clock:
    /// an exact anchor, free of the renderer's lead and tick jitter. A frame earlier than the last
    /// report (the stream axis restarted), or more than 1/[`RESYNC_DIVISOR`] s away from where
    /// the mapping puts the master clock's now (the axis jumped), restarts the mapping. Any IRQL ≤ DISPATCH_LEVEL (queue
    /// spin lock and `IMasterClock::GetTime` only).
    pub(crate) fn sync_position(&self, frame: u64) {
        let frame = i64::try_from(frame).unwrap_or(i64::MAX);
        let mut queue = self.queue.lock();
        let master_now = self.master_time_locked(&queue);
        let predicted = queue.clock.ref_time_to_sample(master_now);
        let limit = i64::from(queue.clock.rate() / RESYNC_DIVISOR);
        if queue.positions_reported
            && (frame < queue.last_reported || frame.saturating_sub(predicted).saturating_abs() > limit)
        {
            // The reported axis restarted or jumped (another stream clock): map it afresh rather
            // than phase-lock across the jump.
            queue.clock.reset();
        }
        queue.positions_reported = true;
        queue.last_reported = frame;
        queue.clock.sync_frame(master_now, frame);
    }

    /// Whether a MIDI pin is in `KSSTATE_RUN`.
    pub(crate) fn midi_running(&self) -> bool {
        self.queue.lock().midi_running != 0
    }

    /// `ISynthSinkDMus::SyncToMaster` (ignored in hardware-synth mode).
    pub(crate) fn sync_to_master(&self, sink_time: i64, start: bool) {
        if self.engine_is_fixed() {
            // Hardware-synth mode: the mapping follows the render thread (`render_into`,
            // `sync_position`); a sink time from elsewhere would only disturb it.
            return;
        }
        let now = self.master_time();
        let mut queue = self.queue.lock();
        if start {
            let frame = queue.render_end;
            queue.clock.start(now, sink_time, frame);
        } else {
            queue.clock.sync(now, sink_time);
        }
    }

    /// `SampleToRefTime`.
    pub(crate) fn sample_to_ref_time(&self, frame: i64) -> i64 {
        self.queue.lock().clock.sample_to_ref_time(frame)
    }

    /// `RefTimeToSample`.
    pub(crate) fn ref_time_to_sample(&self, time: i64) -> i64 {
        self.queue.lock().clock.ref_time_to_sample(time)
    }

    /// `IMXF::SetState` of the pin object `source` (a `pin`), from `previous` to `state` (both
    /// valid KS states; the pin object keeps its own state). PASSIVE_LEVEL.
    pub(crate) fn set_state(&self, pin: Pin, source: usize, previous: KSSTATE, state: KSSTATE) -> NTSTATUS {
        let mut synth = self.synth.lock();
        let mut queue = self.queue.lock();
        if pin == Pin::Midi {
            if previous != KSSTATE_RUN && state == KSSTATE_RUN {
                queue.midi_running = queue.midi_running.saturating_add(1);
            } else if previous == KSSTATE_RUN && state != KSSTATE_RUN {
                queue.midi_running = queue.midi_running.saturating_sub(1);
            }
        }
        if state == KSSTATE_STOP && previous != KSSTATE_STOP {
            match pin {
                Pin::Midi => {
                    // The client stopped: nothing it sent may keep sounding or stay queued. Other
                    // MIDI pins' queued events stay (hardware-synth mode); the engine's notes are
                    // all silenced, as a MIDI reset on a shared hardware synth would.
                    queue.pending.retain(|event| event.source != source);
                    queue.parsers.iter_mut().for_each(StreamParser::reset);
                    if let Some(engine) = synth.engine.as_mut() {
                        engine.all_sound_off();
                    }
                }
                Pin::Wave => {
                    // The sink restarts at position 0 and with a new SyncToMaster(fStart).
                    queue.pending.clear();
                    queue.render_end = 0;
                    queue.clock.reset();
                    if let Some(engine) = synth.engine.as_mut() {
                        engine.reset_clock();
                    }
                }
            }
        }
        drop(queue);
        drop(synth);
        log!(
            self.platform,
            Info,
            "SetState {:?}: {} -> {}",
            pin,
            previous,
            state
        );
        STATUS_SUCCESS
    }
}
