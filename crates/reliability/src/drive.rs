//! Drives the miniport through its C ABI, as the port does, for the fuzz targets, the
//! allocation-failure injection, the accounting tests and the soak.
//!
//! Every call into the miniport goes through [`Arm::call`], so a test can run exactly the
//! miniport's code under a failing allocator (the host's own allocations happen outside).

use crate::rng::Rng;
use dls::model::{Collection, LoopKind};
use miniport::properties::PROPERTY_ITEMS;
use portcls_host::harness::{Harness, Target, query_interface, release, wave_format};
use portcls_host::objects::{EventAllocator, FakePort, SimClock};
use portcls_host::{HostPlatform, SampleFormat, raise_irql};
use portcls_sys::{
    DMUS_KERNEL_EVENT, DMUS_STREAM_MIDI_RENDER, DMUS_STREAM_WAVE_SINK, GUID, GUID_DMUS_PROP_DLS1,
    GUID_DMUS_PROP_Effects, GUID_DMUS_PROP_WavesReverb, IID_IMiniportDMus, IID_ISynthSinkDMus, KSDATAFORMAT,
    KSDATAFORMAT_WAVEFORMATEX, KSPROPERTY_SYNTH_DLS_DOWNLOAD, KSPROPERTY_SYNTH_DLS_UNLOAD,
    KSPROPERTY_SYNTH_PORTPARAMETERS, KSPROPERTY_SYNTH_RUNNINGSTATS, KSPROPERTY_SYNTH_VOLUME,
    KSPROPERTY_TYPE_BASICSUPPORT, KSPROPERTY_TYPE_GET, KSPROPERTY_TYPE_SET, KSPROPERTY_TYPE_TOPOLOGY,
    KSPROPSETID_Synth, KSPROPSETID_Synth_Dls, KSSTATE, KSSTATE_RUN, KSSTATE_STOP, NTSTATUS, PCPROPERTY_ITEM,
    PDMUS_KERNEL_EVENT, STATUS_BUFFER_OVERFLOW, STATUS_BUFFER_TOO_SMALL, STATUS_INSUFFICIENT_RESOURCES,
    STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_DEVICE_STATE, STATUS_INVALID_HANDLE,
    STATUS_INVALID_PARAMETER, STATUS_NOT_ALL_ASSIGNED, STATUS_NOT_FOUND, STATUS_NOT_IMPLEMENTED,
    STATUS_SUCCESS, SYNTH_BUFFER, SYNTH_PORTPARAMS, SYNTH_PORTPARAMS_CHANNELGROUPS, SYNTH_PORTPARAMS_EFFECTS,
    SYNTH_PORTPARAMS_VOICES, SYNTH_STATS, SYNTHDOWNLOAD, nt_success,
};
use std::ffi::c_void;
use std::mem::size_of;
use std::ptr::{null, null_mut};
use synth::test_support::{looped, one_instrument};

/// Brackets every call into the miniport (the allocation-failure test arms its allocator there).
pub trait Arm {
    /// Runs `f` (one miniport call).
    fn call<R>(&self, f: impl FnOnce() -> R) -> R;
}

/// Calls straight through.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoArm;

impl Arm for NoArm {
    fn call<R>(&self, f: impl FnOnce() -> R) -> R {
        f()
    }
}

/// A failed step of a lifecycle: which call, and its status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepFailed {
    /// The step.
    pub step: &'static str,
    /// The NTSTATUS it returned.
    pub status: NTSTATUS,
}

fn step(step: &'static str, status: NTSTATUS) -> Result<NTSTATUS, StepFailed> {
    if nt_success(status) {
        Ok(status)
    } else {
        Err(StepFailed { step, status })
    }
}

/// Plain-data bytes of a value.
pub fn bytes_of<T: Copy>(value: &T) -> Vec<u8> {
    let mut bytes = vec![0u8; size_of::<T>()];
    // SAFETY: `bytes` is exactly one `T` long; callers pass plain-data types.
    unsafe {
        std::ptr::copy_nonoverlapping((value as *const T).cast::<u8>(), bytes.as_mut_ptr(), bytes.len())
    };
    bytes
}

/// Reads a plain-data value from the start of `bytes` (zero-padded when short).
pub fn from_bytes<T: Copy + Default>(bytes: &[u8]) -> T {
    let mut value = T::default();
    let count = bytes.len().min(size_of::<T>());
    // SAFETY: at most `size_of::<T>()` bytes into a `T` of plain data.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), (&mut value as *mut T).cast::<u8>(), count) };
    value
}

/// The harness with everything null: the port-side objects exist, the miniport not yet.
pub fn empty_harness(events: usize) -> Harness {
    Harness {
        miniport: null_mut(),
        port: FakePort::create(),
        allocator: EventAllocator::create(events, events.div_ceil(4).max(4), 4096),
        clock: SimClock::create(0),
        midi: null_mut(),
        wave: null_mut(),
        sink: null_mut(),
        descriptor: null(),
        hardware: None,
    }
}

/// The node's property item for (`set`, `id`), straight from the miniport's static table.
pub fn item(set: &GUID, id: u32) -> Option<&'static PCPROPERTY_ITEM> {
    PROPERTY_ITEMS.iter().find(|item| {
        // SAFETY: the table's GUIDs are statics.
        unsafe { *item.Set == *set && item.Id == id }
    })
}

/// One property request as PortCls builds it, through `item`'s handler. `instance` is copied into
/// an 8-aligned buffer (as KS's system buffer); `value` is passed as is with `value_size`
/// (≤ `value.len()`). Returns the status and the `ValueSize` the handler left.
#[allow(clippy::too_many_arguments)]
pub fn property_raw(
    arm: &impl Arm,
    harness: &Harness,
    target: Target,
    item: &PCPROPERTY_ITEM,
    verb: u32,
    instance: &[u8],
    value: &mut [u8],
    value_size: u32,
) -> (NTSTATUS, u32) {
    let Some(handler) = item.Handler else {
        return (STATUS_NOT_FOUND, 0);
    };
    // The harness builds the request as PortCls does (targets, 8-aligned instance copy, sizes).
    harness.property_request(target, item, verb, instance, value, value_size, |request| {
        // SAFETY: a request built as PortCls builds it: live targets (or null), buffers of the
        // stated sizes, an item of the miniport's table (or a copy of one with other fields).
        arm.call(|| unsafe { handler(request) })
    })
}

/// `property_raw` for a (`set`, `id`) of the table, GET/SET with `KSPROPERTY_TYPE_TOPOLOGY`.
pub fn property(
    arm: &impl Arm,
    harness: &Harness,
    set: &GUID,
    id: u32,
    verb: u32,
    instance: &[u8],
    value: &mut [u8],
) -> (NTSTATUS, u32) {
    let Some(item) = item(set, id) else {
        return (STATUS_NOT_FOUND, 0);
    };
    let size = value.len() as u32;
    property_raw(
        arm,
        harness,
        Target::MidiStream,
        item,
        verb | KSPROPERTY_TYPE_TOPOLOGY,
        instance,
        value,
        size,
    )
}

/// A tiny collection: one looped 64-frame saw wave, one instrument (bank 0 program 0, every key).
pub fn tiny_collection() -> Collection {
    let saw = (0..64).map(|n| ((n * 1000) - 32_000) as i16).collect();
    one_instrument(looped(22_050, saw, 0, 64, LoopKind::Forward))
}

/// The download buffers of `collection` (DX8 INSTRUMENT2 form), ids from `first_id`.
pub fn download_buffers(collection: &Collection, first_id: u32) -> Vec<Vec<u8>> {
    let options = dls::download::build::BuildOptions {
        instrument2: true,
        first_id,
    };
    dls::download::build::build_downloads(collection, options)
        .map(|buffers| buffers.into_iter().map(|buffer| buffer.bytes).collect())
        .unwrap_or_default()
}

/// `KSPROPERTY_SYNTH_DLS_DOWNLOAD` of one buffer: the status and the handle.
pub fn download(arm: &impl Arm, harness: &Harness, buffer: &[u8]) -> (NTSTATUS, usize) {
    let instance = bytes_of(&SYNTH_BUFFER {
        BufferSize: buffer.len() as u32,
        BufferAddress: buffer.as_ptr() as *mut c_void,
    });
    let mut value = [0u8; size_of::<SYNTHDOWNLOAD>()];
    let (status, _) = property(
        arm,
        harness,
        &KSPROPSETID_Synth_Dls,
        KSPROPERTY_SYNTH_DLS_DOWNLOAD,
        KSPROPERTY_TYPE_GET,
        &instance,
        &mut value,
    );
    let handle = from_bytes::<usize>(&value);
    (status, handle)
}

/// `KSPROPERTY_SYNTH_DLS_UNLOAD` of `handle`.
pub fn unload(arm: &impl Arm, harness: &Harness, handle: usize) -> NTSTATUS {
    let mut value = handle.to_le_bytes();
    property(
        arm,
        harness,
        &KSPROPSETID_Synth_Dls,
        KSPROPERTY_SYNTH_DLS_UNLOAD,
        KSPROPERTY_TYPE_SET,
        &[],
        &mut value,
    )
    .0
}

/// A 4-byte SET request of property `id` of `set` (a volume in 1/100 dB, a flag, an enumeration)
/// on the MIDI stream. Returns the NTSTATUS.
pub fn set_value(arm: &impl Arm, harness: &Harness, set: &GUID, id: u32, value: i32) -> NTSTATUS {
    let mut bytes = value.to_le_bytes();
    property(arm, harness, set, id, KSPROPERTY_TYPE_SET, &[], &mut bytes).0
}

/// `KSPROPERTY_SYNTH_RUNNINGSTATS` (the query restarts the peaks); `None` if refused.
pub fn running_stats(arm: &impl Arm, harness: &Harness) -> Option<SYNTH_STATS> {
    let mut value = [0u8; size_of::<SYNTH_STATS>()];
    let (status, _) = property(
        arm,
        harness,
        &KSPROPSETID_Synth,
        KSPROPERTY_SYNTH_RUNNINGSTATS,
        KSPROPERTY_TYPE_GET,
        &[],
        &mut value,
    );
    nt_success(status).then(|| from_bytes(&value))
}

/// Peak voices since the last query (`KSPROPERTY_SYNTH_RUNNINGSTATS`; the query restarts it).
pub fn peak_voices(arm: &impl Arm, harness: &Harness) -> Option<u32> {
    running_stats(arm, harness).map(|stats| stats.Voices)
}

/// How [`Filter::open`] configures the filter.
#[derive(Clone, Copy, Debug)]
pub struct Setup {
    /// Events in the allocator's pool.
    pub pool: usize,
    /// Voices.
    pub voices: u32,
    /// Channel groups.
    pub channel_groups: u32,
    /// Reverb and chorus on.
    pub effects: bool,
    /// Output format.
    pub format: SampleFormat,
    /// Channels.
    pub channels: u16,
    /// Rate.
    pub rate: u32,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            pool: 512,
            voices: 24,
            channel_groups: 2,
            effects: false,
            format: SampleFormat::F32,
            channels: 2,
            rate: 48_000,
        }
    }
}

/// A filter opened through the ABI: miniport, both streams, running, clock started.
pub struct Filter {
    /// The port's side.
    pub harness: Harness,
    /// The setup.
    pub setup: Setup,
    /// Next render position (frames).
    pub position: i64,
    /// Download handles (in download order).
    pub handles: Vec<usize>,
    /// The render buffer.
    pub buffer: Vec<u8>,
    /// Worst absolute sample seen (F32 output only), and whether any was not finite.
    pub peak: f32,
    /// Non-finite samples seen.
    pub non_finite: u64,
}

impl Filter {
    /// Brings a filter up the way the port and dmusic.dll do, every miniport call through `arm`:
    /// factory, QI, Init, GetDescription, NewStream ×2, QI sink, PORTPARAMETERS, SetState RUN ×2,
    /// SyncToMaster(start). On failure everything created so far is released.
    pub fn open(arm: &impl Arm, setup: Setup) -> Result<Filter, StepFailed> {
        let mut filter = Filter::unopened(setup);
        filter.bring_up(arm)?;
        Ok(filter)
    }

    /// Brings up a hardware-synth filter (issue 9) the way the adapter and the port do, every
    /// miniport call through `arm`: `new_miniport_with_mode(HardwareSynth)` (the adapter keeps the
    /// synth handle), QI, Init, GetDescription, NewStream(MIDI), QI `ISynthSinkDMus` on the MIDI
    /// stream (for the time conversions), PORTPARAMETERS, SetState RUN. `setup` must be 48 kHz
    /// stereo float. On failure everything created so far is released.
    pub fn open_hardware(arm: &impl Arm, setup: Setup) -> Result<Filter, StepFailed> {
        let mut filter = Filter::unopened(setup);
        filter.bring_up_hardware(arm)?;
        Ok(filter)
    }

    /// A filter with nothing created yet (the harness's port-side objects only).
    fn unopened(setup: Setup) -> Filter {
        Filter {
            harness: empty_harness(setup.pool),
            setup,
            position: 0,
            handles: Vec::new(),
            buffer: vec![0; 4096 * 8],
            peak: 0.0,
            non_finite: 0,
        }
    }

    fn bring_up_hardware(&mut self, arm: &impl Arm) -> Result<(), StepFailed> {
        let harness = &mut self.harness;
        let created =
            arm.call(|| miniport::new_miniport_with_mode(HostPlatform, miniport::SynthMode::HardwareSynth));
        let (unknown, hardware) = created.map_err(|status| StepFailed {
            step: "new_miniport_with_mode",
            status,
        })?;
        harness.hardware = hardware;
        self.bring_up_midi(arm, unknown.as_ptr().cast())?;
        let harness = &mut self.harness;
        arm.call(|| harness.use_midi_stream_as_sink())
            .map_err(|failed| StepFailed {
                step: "QueryInterface(ISynthSinkDMus)",
                status: failed.status,
            })?;
        self.port_parameters(arm)?;
        self.set_state_both(arm, KSSTATE_RUN, KSSTATE_STOP)
    }

    fn port_parameters(&mut self, arm: &impl Arm) -> Result<(), StepFailed> {
        step(
            "PORTPARAMETERS",
            port_parameters(arm, &self.harness, &self.setup, self.setup.effects),
        )?;
        Ok(())
    }

    /// The port's side of a new miniport, in both modes: QueryInterface for `IMiniportDMus` (then
    /// the adapter's reference on `unknown` is dropped), Init, GetDescription, NewStream(MIDI).
    fn bring_up_midi(&mut self, arm: &impl Arm, unknown: *mut c_void) -> Result<(), StepFailed> {
        let harness = &mut self.harness;
        // SAFETY: a live miniport with the adapter's reference.
        let (status, miniport) = arm.call(|| unsafe { query_interface(unknown, &IID_IMiniportDMus) });
        // SAFETY: the adapter's reference.
        arm.call(|| unsafe { release(unknown) });
        step("QueryInterface(IMiniportDMus)", status)?;
        harness.miniport = miniport.cast();
        arm.call(|| harness.init()).map_err(|failed| StepFailed {
            step: "Init",
            status: failed.status,
        })?;
        arm.call(|| harness.describe()).map_err(|_| StepFailed {
            step: "GetDescription",
            status: STATUS_INVALID_PARAMETER,
        })?;
        let mut music = portcls_host::harness::music_format();
        // SAFETY: valid format, live port-side objects.
        let (status, midi, _) = arm.call(|| unsafe {
            harness.new_stream_raw(
                0,
                DMUS_STREAM_MIDI_RENDER,
                &mut music,
                harness.allocator.cast(),
                harness.clock.cast(),
            )
        });
        step("NewStream(MIDI)", status)?;
        harness.midi = midi;
        Ok(())
    }

    fn bring_up(&mut self, arm: &impl Arm) -> Result<(), StepFailed> {
        let mut unknown: *mut c_void = null_mut();
        let status = arm.call(|| {
            // SAFETY: `unknown` is writable.
            unsafe { miniport::create_miniport(HostPlatform, &mut unknown) }
        });
        step("create_miniport", status)?;
        self.bring_up_midi(arm, unknown)?;
        let harness = &mut self.harness;
        let mut ks: KSDATAFORMAT_WAVEFORMATEX =
            wave_format(self.setup.rate, self.setup.channels, self.setup.format);
        // SAFETY: a valid KSDATAFORMAT_WAVEFORMATEX.
        let (status, wave, _) = arm.call(|| unsafe {
            harness.new_stream_raw(
                1,
                DMUS_STREAM_WAVE_SINK,
                (&mut ks as *mut KSDATAFORMAT_WAVEFORMATEX).cast::<KSDATAFORMAT>(),
                null_mut(),
                null_mut(),
            )
        });
        step("NewStream(wave)", status)?;
        harness.wave = wave;
        // SAFETY: a live stream.
        let (status, sink) = arm.call(|| unsafe { query_interface(wave, &IID_ISynthSinkDMus) });
        step("QueryInterface(ISynthSinkDMus)", status)?;
        harness.sink = sink.cast();
        self.port_parameters(arm)?;
        self.set_state_both(arm, KSSTATE_RUN, KSSTATE_STOP)?;
        let harness = &self.harness;
        step(
            "SyncToMaster(start)",
            arm.call(|| harness.sync_to_master(0, true)),
        )?;
        Ok(())
    }

    /// Walks both pins from `from` to `to` (MIDI first going up, wave first going down).
    pub fn set_state_both(&self, arm: &impl Arm, to: KSSTATE, from: KSSTATE) -> Result<(), StepFailed> {
        let harness = &self.harness;
        let order = if to > from {
            [harness.midi, harness.wave]
        } else {
            [harness.wave, harness.midi]
        };
        for stream in order {
            if stream.is_null() {
                continue;
            }
            // SAFETY: a live stream of this harness.
            arm.call(|| unsafe { harness.transition(stream, to, from) })
                .map_err(|failed| StepFailed {
                    step: "SetState",
                    status: failed.status,
                })?;
        }
        Ok(())
    }

    /// Downloads every buffer; records the handles.
    pub fn download_all(&mut self, arm: &impl Arm, buffers: &[Vec<u8>]) -> Result<(), StepFailed> {
        for buffer in buffers {
            let (status, handle) = download(arm, &self.harness, buffer);
            step("DOWNLOAD", status)?;
            self.handles.push(handle);
        }
        Ok(())
    }

    /// Unloads every download (newest first).
    pub fn unload_all(&mut self, arm: &impl Arm) -> Result<(), StepFailed> {
        while let Some(handle) = self.handles.pop() {
            let status = unload(arm, &self.harness, handle);
            if !nt_success(status) {
                self.handles.push(handle);
                return Err(StepFailed {
                    step: "UNLOAD",
                    status,
                });
            }
        }
        Ok(())
    }

    /// Block align of the output.
    pub fn block_align(&self) -> usize {
        usize::from(self.setup.channels) * self.setup.format.bytes()
    }

    /// One wave-sink period: clock, SyncToMaster, Render (`frames` ≤ 4096). Checks F32 output.
    /// Hardware-synth filter: clock, `HardwareSynth::render_into` instead.
    pub fn render(&mut self, arm: &impl Arm, frames: u32) {
        let frames = frames.clamp(1, 4096);
        let rate = i64::from(self.setup.rate);
        let now = self.position * 10_000_000 / rate;
        self.harness.clock().set(now);
        if let Some(synth) = self.harness.hardware.as_ref() {
            let mut out = vec![0.0f32; frames as usize * 2];
            let position = self.position as u64;
            arm.call(|| synth.render_into(position, &mut out));
            for value in out {
                if value.is_finite() {
                    self.peak = self.peak.max(value.abs());
                } else {
                    self.non_finite += 1;
                }
            }
            self.position += i64::from(frames);
            return;
        }
        let harness = &self.harness;
        arm.call(|| harness.sync_to_master(now, false));
        let block_align = self.block_align();
        let bytes = frames as usize * block_align;
        let buffer = &mut self.buffer[..bytes];
        buffer.fill(0xA5);
        let position = self.position;
        arm.call(|| harness.render(buffer, frames, position, block_align));
        if self.setup.format == SampleFormat::F32 {
            for sample in buffer.chunks_exact(4) {
                let value = f32::from_le_bytes([sample[0], sample[1], sample[2], sample[3]]);
                if value.is_finite() {
                    self.peak = self.peak.max(value.abs());
                } else {
                    self.non_finite += 1;
                }
            }
        }
        self.position += i64::from(frames);
    }

    /// The master time at the current render position.
    pub fn now(&self) -> i64 {
        self.position * 10_000_000 / i64::from(self.setup.rate)
    }

    /// Sends MIDI messages (each `(time, group, bytes)`) as one chain at DISPATCH_LEVEL.
    pub fn send(&self, arm: &impl Arm, events: &[portcls_host::unpack::MidiEvent]) -> NTSTATUS {
        let (chain, _) = portcls_host::unpack::to_kernel_events(self.harness.allocator(), events);
        if chain.is_null() {
            return STATUS_SUCCESS;
        }
        let harness = &self.harness;
        // SAFETY: a chain of this harness's allocator's events, handed over.
        arm.call(|| unsafe { harness.put_message(chain) })
    }

    /// Stops, unloads, releases everything through `arm`, then checks the books.
    pub fn close(mut self, arm: &impl Arm) -> Books {
        let _ = self.set_state_both(arm, KSSTATE_STOP, KSSTATE_RUN);
        let unload = self.unload_all(arm);
        let harness = &mut self.harness;
        arm.call(|| harness.release_miniport_side());
        let mut books = Books::of(&self.harness);
        books.unload_failed = unload.err();
        books.non_finite = self.non_finite;
        books
    }
}

/// The accounting at the end of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Books {
    /// Events out of the allocator.
    pub events_out: u64,
    /// Events back.
    pub events_back: u64,
    /// Double or foreign returns.
    pub bad_returns: u64,
    /// References the miniport still holds on port, allocator, clock.
    pub foreign_references: (u32, u32, u32),
    /// An unload that failed at close.
    pub unload_failed: Option<StepFailed>,
    /// Non-finite output samples.
    pub non_finite: u64,
}

impl Books {
    /// Reads the books of `harness` (after `release_miniport_side`).
    pub fn of(harness: &Harness) -> Books {
        let counters = harness.allocator().counters();
        Books {
            events_out: counters.events_out,
            events_back: counters.events_back,
            bad_returns: counters.double_returns + counters.foreign_returns,
            foreign_references: harness.foreign_references(),
            unload_failed: None,
            non_finite: 0,
        }
    }

    /// Panics with the books when they do not balance.
    pub fn assert_balanced(&self) {
        assert_eq!(
            self.events_out, self.events_back,
            "events out != events back: {self:?}"
        );
        assert_eq!(self.bad_returns, 0, "bad returns: {self:?}");
        assert_eq!(
            self.foreign_references,
            (0, 0, 0),
            "references left on port objects: {self:?}"
        );
        assert_eq!(self.non_finite, 0, "non-finite output: {self:?}");
    }
}

// ------------------------------------------------------------------------------------------------
// Fuzz decoding.

/// Reads fuzzer bytes front to back; zeros once exhausted.
pub struct Cursor<'a> {
    data: &'a [u8],
}

impl<'a> Cursor<'a> {
    /// A cursor over `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Self { data }
    }
    /// Whether bytes remain.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
    /// One byte.
    pub fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&byte, rest)) => {
                self.data = rest;
                byte
            }
            None => 0,
        }
    }
    /// A little-endian u16.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }
    /// A little-endian u32.
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
    /// A little-endian u64.
    pub fn u64(&mut self) -> u64 {
        u64::from(self.u32()) | u64::from(self.u32()) << 32
    }
    /// Up to `count` bytes (fewer when exhausted).
    pub fn bytes(&mut self, count: usize) -> &'a [u8] {
        let (head, rest) = self.data.split_at(count.min(self.data.len()));
        self.data = rest;
        head
    }
}

/// Statuses a property request may legitimately return (anything else is a finding).
pub const PROPERTY_STATUSES: [NTSTATUS; 11] = [
    STATUS_SUCCESS,
    STATUS_NOT_ALL_ASSIGNED,
    STATUS_BUFFER_OVERFLOW,
    STATUS_BUFFER_TOO_SMALL,
    STATUS_INVALID_PARAMETER,
    STATUS_INVALID_DEVICE_REQUEST,
    STATUS_INVALID_DEVICE_STATE,
    STATUS_INVALID_HANDLE,
    STATUS_INSUFFICIENT_RESOURCES,
    STATUS_NOT_IMPLEMENTED,
    miniport::error::STATUS_ACCESS_VIOLATION,
];

fn is_download_status(status: NTSTATUS) -> bool {
    // The DLS crate's own table (DMUS_E_* or STATUS_*): any error code is acceptable for a refused
    // download as long as it is an error.
    !nt_success(status)
}

/// A setup small enough that a fuzz input can open a fresh filter each time.
pub fn fuzz_setup() -> Setup {
    Setup {
        pool: 256,
        voices: 8,
        channel_groups: 2,
        effects: false,
        format: SampleFormat::F32,
        channels: 2,
        rate: 22_050,
    }
}

/// Opens a fresh small filter with the tiny instrument downloaded (as the fuzz targets start).
pub fn fuzz_filter() -> Filter {
    let mut filter = Filter::open(&NoArm, fuzz_setup()).expect("open filter");
    let buffers = download_buffers(&tiny_collection(), 1);
    filter
        .download_all(&NoArm, &buffers)
        .expect("download the tiny collection");
    filter
}

/// [`fuzz_filter`] in hardware-synth mode (48 kHz stereo float: the engine's fixed format).
pub fn fuzz_filter_hardware() -> Filter {
    let setup = Setup {
        rate: 48_000,
        ..fuzz_setup()
    };
    let mut filter = Filter::open_hardware(&NoArm, setup).expect("open hardware-synth filter");
    let buffers = download_buffers(&tiny_collection(), 1);
    filter
        .download_all(&NoArm, &buffers)
        .expect("download the tiny collection");
    filter
}

/// [`property_input`] on a hardware-synth filter (issue 9): the same requests, targets and
/// checks against the shared engine (no wave stream: wave-stream targets arrive without a
/// stream), audio through `render_into`.
pub fn property_hardware_input(data: &[u8]) -> InputStats {
    let mut filter = fuzz_filter_hardware();
    let stats = property_ops(&mut filter, data);
    filter.close(&NoArm).assert_balanced();
    stats
}

/// [`event_chain_input`] on a hardware-synth filter: every chain through the MIDI stream,
/// renders through `render_into`.
pub fn event_chain_hardware_input(data: &[u8]) -> InputStats {
    let mut filter = fuzz_filter_hardware();
    let stats = event_chain_ops(&mut filter, data);
    filter.close(&NoArm).assert_balanced();
    stats
}

const SETS: [GUID; 5] = [
    KSPROPSETID_Synth,
    KSPROPSETID_Synth_Dls,
    GUID_DMUS_PROP_Effects,
    GUID_DMUS_PROP_WavesReverb,
    GUID_DMUS_PROP_DLS1,
];

/// The property fuzz target: `data` is a sequence of property requests (any item of the table or
/// a forged item with any set/id/flags, any verb bits, any target, any instance and value sizes
/// and contents; DOWNLOAD instances point at fuzzer bytes), interleaved with renders and notes.
/// Checks after each request: a status from [`PROPERTY_STATUSES`] (or any error for DOWNLOAD), a
/// `ValueSize` within the buffer on success, 0 on failure other than a size query; at the end
/// the books balance and the output stayed finite.
pub fn property_input(data: &[u8]) -> InputStats {
    let mut filter = fuzz_filter();
    let stats = property_ops(&mut filter, data);
    let books = filter.close(&NoArm);
    books.assert_balanced();
    stats
}

/// [`property_input`] on a filter kept between inputs (reset after each, closed and checked every
/// [`PERSISTENT_INPUTS`] inputs): what the fuzz target runs, for speed.
pub fn property_input_persistent(data: &[u8]) -> InputStats {
    with_persistent(|filter| property_ops(filter, data))
}

/// [`event_chain_input`] on a kept filter, as [`property_input_persistent`].
pub fn event_chain_input_persistent(data: &[u8]) -> InputStats {
    with_persistent(|filter| event_chain_ops(filter, data))
}

/// Inputs served by one persistent filter before it is closed, its books checked, and reopened.
pub const PERSISTENT_INPUTS: u32 = 200;

thread_local! {
    static PERSISTENT: std::cell::RefCell<Option<(Filter, u32)>> = const { std::cell::RefCell::new(None) };
}

fn with_persistent(ops: impl FnOnce(&mut Filter) -> InputStats) -> InputStats {
    PERSISTENT.with(|cell| {
        let mut slot = cell.borrow_mut();
        let (filter, served) = slot.get_or_insert_with(|| (fuzz_filter(), 0));
        let stats = ops(filter);
        assert_eq!(filter.non_finite, 0, "non-finite output");
        let clean = reset(filter);
        *served += 1;
        if (*served >= PERSISTENT_INPUTS || !clean)
            && let Some((filter, _)) = slot.take()
        {
            filter.close(&NoArm).assert_balanced();
        }
        stats
    })
}

/// `KSPROPERTY_SYNTH_PORTPARAMETERS` (GET) asking for `setup`'s voices, channel groups, channels
/// and rate, with reverb and chorus when `effects`. Returns the NTSTATUS.
fn port_parameters(arm: &impl Arm, harness: &Harness, setup: &Setup, effects: bool) -> NTSTATUS {
    let requested = SYNTH_PORTPARAMS {
        ValidParams: SYNTH_PORTPARAMS_VOICES | SYNTH_PORTPARAMS_CHANNELGROUPS | SYNTH_PORTPARAMS_EFFECTS,
        Voices: setup.voices,
        ChannelGroups: setup.channel_groups,
        AudioChannels: u32::from(setup.channels),
        SampleRate: setup.rate,
        EffectsFlags: if effects { 3 } else { 0 },
        Share: 0,
    };
    let instance = bytes_of(&requested);
    let mut value = vec![0u8; size_of::<SYNTH_PORTPARAMS>()];
    property(
        arm,
        harness,
        &KSPROPSETID_Synth,
        KSPROPERTY_SYNTH_PORTPARAMETERS,
        KSPROPERTY_TYPE_GET,
        &instance,
        &mut value,
    )
    .0
}

/// Puts a kept filter back into the state [`fuzz_filter`] makes: both pins running, parameters
/// and volume as set up, only the tiny collection downloaded.
/// Returns false when the filter cannot be brought back (it is then replaced by a fresh one).
fn reset(filter: &mut Filter) -> bool {
    for handle in std::mem::take(&mut filter.handles) {
        // Inputs may have unloaded some already.
        unload(&NoArm, &filter.harness, handle);
    }
    let harness = &filter.harness;
    for stream in [harness.midi, harness.wave] {
        // SAFETY: live streams of this harness.
        unsafe {
            harness.set_state(stream, KSSTATE_STOP);
            harness.set_state(stream, KSSTATE_RUN);
        }
    }
    let setup = filter.setup;
    let status = port_parameters(&NoArm, harness, &setup, false);
    assert!(nt_success(status), "reset PORTPARAMETERS: {status:#x}");
    for id in [KSPROPERTY_SYNTH_VOLUME, portcls_sys::KSPROPERTY_SYNTH_VOLUMEBOOST] {
        let status = set_value(&NoArm, harness, &KSPROPSETID_Synth, id, 0);
        assert!(nt_success(status), "reset volume: {status:#x}");
    }
    // Cubic interpolation.
    set_value(
        &NoArm,
        harness,
        &miniport::properties::KSPROPSETID_DMKSYNTH,
        miniport::properties::KSPROPERTY_DMKSYNTH_INTERPOLATION,
        1,
    );
    assert_eq!(harness.sync_to_master(filter.now(), true), STATUS_SUCCESS);
    let buffers = download_buffers(&tiny_collection(), 1);
    filter.download_all(&NoArm, &buffers).is_ok()
}

fn property_ops(filter: &mut Filter, data: &[u8]) -> InputStats {
    let mut stats = InputStats::default();
    let mut cursor = Cursor::new(data);
    let mut requests = 0;
    while !cursor.is_empty() && requests < 64 {
        requests += 1;
        let op = cursor.u8();
        match op % 16 {
            14 => {
                let frames = u32::from(cursor.u16() % 2048) + 1;
                filter.render(&NoArm, frames);
                continue;
            }
            15 => {
                let key = cursor.u8() & 0x7F;
                let channel = cursor.u8() & 0x0F;
                let event = portcls_host::unpack::MidiEvent {
                    time: 0,
                    channel_group: 1,
                    bytes: vec![0x90 | channel, key, 100],
                };
                assert_eq!(filter.send(&NoArm, &[event]), STATUS_SUCCESS);
                continue;
            }
            _ => {}
        }
        let selector = cursor.u8() as usize;
        let forged;
        let item: &PCPROPERTY_ITEM = if selector < PROPERTY_ITEMS.len() * 7 {
            &PROPERTY_ITEMS[selector % PROPERTY_ITEMS.len()]
        } else {
            // A forged item: the handler must not trust more than the port guarantees.
            let template = PROPERTY_ITEMS[selector % PROPERTY_ITEMS.len()];
            let set: &'static GUID = &SETS[usize::from(cursor.u8()) % SETS.len()];
            forged = PCPROPERTY_ITEM {
                Set: set,
                Id: cursor.u32() % 24,
                Flags: cursor.u32(),
                Handler: template.Handler,
            };
            &forged
        };
        let verb = match cursor.u8() % 8 {
            0 => cursor.u32(),
            1..=3 => KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_TOPOLOGY,
            4 | 5 => KSPROPERTY_TYPE_SET | KSPROPERTY_TYPE_TOPOLOGY,
            6 => KSPROPERTY_TYPE_BASICSUPPORT | KSPROPERTY_TYPE_TOPOLOGY,
            _ => KSPROPERTY_TYPE_GET,
        };
        let target = match cursor.u8() % 8 {
            0 => Target::WaveStream,
            1 => Target::Filter,
            2 => Target::Nothing,
            _ => Target::MidiStream,
        };
        let instance_size = usize::from(cursor.u8() % 64);
        let mut instance = cursor.bytes(instance_size).to_vec();
        instance.resize(instance_size, 0);
        let value_size = usize::from(cursor.u16() % 600);
        let mut value = cursor.bytes(value_size).to_vec();
        value.resize(value_size, 0);
        // SAFETY: the item's set pointer is a static GUID.
        let set = unsafe { *item.Set };
        let is_download = set == KSPROPSETID_Synth_Dls && item.Id == KSPROPERTY_SYNTH_DLS_DOWNLOAD;
        let payload;
        if is_download {
            // The kernel captures the caller's buffer after probing it; here the buffer is always
            // readable and its size truthful, its contents arbitrary.
            let length = usize::from(cursor.u16()) % 8192;
            payload = cursor.bytes(length).to_vec();
            if instance.len() >= size_of::<SYNTH_BUFFER>() {
                let buffer = SYNTH_BUFFER {
                    BufferSize: payload.len() as u32,
                    BufferAddress: if payload.is_empty() || instance[0] & 0x80 != 0 {
                        null_mut()
                    } else {
                        payload.as_ptr() as *mut c_void
                    },
                };
                instance[..size_of::<SYNTH_BUFFER>()].copy_from_slice(&bytes_of(&buffer));
            } else if instance.len() >= 8 {
                // The 32-bit layout: no 32-bit address is readable in this process; 0 is refused.
                instance[4..8].fill(0);
            }
        }
        let (status, written) = property_raw(
            &NoArm,
            &filter.harness,
            target,
            item,
            verb,
            &instance,
            &mut value,
            value_size as u32,
        );
        let download_error = is_download && is_download_status(status);
        assert!(
            PROPERTY_STATUSES.contains(&status) || download_error,
            "unexpected status {status:#x} for set {set:?} id {} verb {verb:#x}",
            item.Id
        );
        if nt_success(status) {
            assert!(
                written as usize <= value_size,
                "ValueSize {written} beyond the buffer {value_size}"
            );
        } else if status != STATUS_BUFFER_OVERFLOW {
            assert_eq!(written, 0, "failure {status:#x} left ValueSize {written}");
        }
        stats.requests += 1;
        if nt_success(status) {
            stats.successes += 1;
        }
        if is_download && nt_success(status) {
            stats.downloads += 1;
            // The 32-bit layouts (instance shorter than SYNTH_BUFFER) answer a 4-byte handle.
            let handle = if instance.len() >= size_of::<SYNTH_BUFFER>() {
                from_bytes::<usize>(&value)
            } else {
                from_bytes::<u32>(&value) as usize
            };
            filter.handles.push(handle);
        }
        if set == KSPROPSETID_Synth && item.Id == KSPROPERTY_SYNTH_VOLUME && nt_success(status) {
            // Gain changes must never produce non-finite output: render a little right away.
            filter.render(&NoArm, 64);
        }
    }
    filter.render(&NoArm, 256);
    assert_eq!(filter.non_finite, 0, "non-finite output");
    stats
}

/// What a fuzz input did (for the seed checks).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct InputStats {
    /// Property requests made.
    pub requests: u32,
    /// Of which succeeded.
    pub successes: u32,
    /// Downloads that succeeded.
    pub downloads: u32,
    /// Events handed to PutMessage.
    pub events: u64,
    /// Peak absolute output sample.
    pub peak: f32,
}

/// Builds one arbitrary kernel event from the allocator (the union filled truthfully, everything
/// else arbitrary), with a package sub-chain up to `depth` levels. Returns null when the pool is dry.
fn fuzz_event(
    allocator: &EventAllocator,
    cursor: &mut Cursor<'_>,
    depth: u32,
    budget: &mut u32,
) -> PDMUS_KERNEL_EVENT {
    if *budget == 0 {
        return null_mut();
    }
    *budget -= 1;
    let event = allocator.get_message();
    if event.is_null() {
        return null_mut();
    }
    // SAFETY: a fresh event from the pool, exclusively ours until handed over.
    let kernel: &mut DMUS_KERNEL_EVENT = unsafe { &mut *event };
    let kind = cursor.u8();
    kernel.cbStruct = cursor.u8();
    kernel.usFlags = cursor.u16() & !portcls_sys::DMUS_KEF_PACKAGE_EVENT;
    kernel.usChannelGroup = match cursor.u8() % 4 {
        0 => cursor.u16(),
        1 => 0,
        2 => 2,
        _ => 1,
    };
    kernel.ullPresTime100ns = match cursor.u8() % 4 {
        0 => cursor.u64() as i64,
        1 => i64::from(cursor.u16()) * 1000,
        _ => 0,
    };
    kernel.ullBytePosition = cursor.u64();
    match kind % 8 {
        // A package (depth permitting): a nested chain.
        0 | 1 if depth > 0 => {
            let count = cursor.u8() % 6;
            let mut head: PDMUS_KERNEL_EVENT = null_mut();
            let mut tail: PDMUS_KERNEL_EVENT = null_mut();
            for _ in 0..count {
                let sub = fuzz_event(allocator, cursor, depth - 1, budget);
                if sub.is_null() {
                    break;
                }
                if tail.is_null() {
                    head = sub;
                } else {
                    // SAFETY: `tail` is one of ours.
                    unsafe { (*tail).pNextEvt = sub };
                }
                tail = sub;
            }
            kernel.set_package();
            kernel.uData.pPackageEvt = head;
            kernel.cbEvent = cursor.u16();
        }
        // A long event: a buffer of the pool, `cbEvent` ≤ its size.
        2 | 3 => {
            let size = usize::from(cursor.u16()) % (allocator.buffer_size() + 1);
            let buffer = allocator.get_buffer();
            if buffer.is_null() {
                kernel.cbEvent = 0;
            } else {
                let bytes = cursor.bytes(size);
                // SAFETY: the buffer holds `buffer_size` ≥ size bytes.
                unsafe {
                    std::ptr::write_bytes(buffer, 0xF7, size);
                    std::ptr::copy_nonoverlapping(bytes.as_ptr(), buffer, bytes.len());
                }
                kernel.cbEvent = size as u16;
                if size <= size_of::<usize>() {
                    // Declared short: the port would have put the bytes inline.
                    let count = bytes.len().min(size);
                    kernel.short_data_mut()[..count].copy_from_slice(&bytes[..count]);
                    allocator_put_buffer(allocator, buffer);
                } else {
                    kernel.uData.pbData = buffer;
                    allocator.attach_buffer(event, buffer);
                }
            }
        }
        // A long event whose pointer is null (the miniport must count it, not read it).
        4 if depth > 0 => {
            kernel.cbEvent = cursor.u16().max(9);
            kernel.uData.pbData = null_mut();
        }
        // A short event: up to 8 inline bytes.
        _ => {
            let size = usize::from(cursor.u8()) % (size_of::<usize>() + 1);
            let bytes = cursor.bytes(size);
            kernel.short_data_mut()[..bytes.len()].copy_from_slice(bytes);
            kernel.cbEvent = size as u16;
        }
    }
    event
}

fn allocator_ptr(allocator: &EventAllocator) -> *mut portcls_sys::IAllocatorMXF {
    (allocator as *const EventAllocator).cast_mut().cast()
}

fn allocator_put_buffer(allocator: &EventAllocator, buffer: *mut u8) {
    let object = allocator_ptr(allocator);
    // SAFETY: the host allocator's own PutBuffer on a buffer it handed out.
    unsafe { ((*(*object).lpVtbl).PutBuffer)(object, buffer) };
}

/// The event-chain fuzz target: `data` is a sequence of chains (any flags, sizes, channel groups,
/// times; packages nested up to 4 deep; long events of any length up to the buffer; SysEx split
/// anywhere) handed to `PutMessage` at DISPATCH_LEVEL, interleaved with renders, state changes and
/// SyncToMaster. Checks: PutMessage succeeds and returns every event at once (nothing outstanding
/// after the call), no allocation at DISPATCH_LEVEL (when the guarded allocator is installed, the
/// count must not move), output finite, books balanced at the end.
pub fn event_chain_input(data: &[u8]) -> InputStats {
    let mut filter = fuzz_filter();
    let stats = event_chain_ops(&mut filter, data);
    let books = filter.close(&NoArm);
    books.assert_balanced();
    stats
}

fn event_chain_ops(filter: &mut Filter, data: &[u8]) -> InputStats {
    let mut stats = InputStats::default();
    let mut cursor = Cursor::new(data);
    let mut chains = 0;
    let dispatch_before = portcls_host::platform::dispatch_allocations();
    while !cursor.is_empty() && chains < 48 {
        chains += 1;
        match cursor.u8() % 10 {
            0 => {
                let frames = u32::from(cursor.u16() % 2048) + 1;
                filter.render(&NoArm, frames);
            }
            1 => {
                let to = KSSTATE::from(cursor.u8() % 4);
                // (A hardware-synth filter has no wave stream: the MIDI one then.)
                let stream = if cursor.u8() & 1 == 0 || filter.harness.wave.is_null() {
                    filter.harness.midi
                } else {
                    filter.harness.wave
                };
                // SAFETY: a live stream; any KSSTATE value.
                let status = unsafe { filter.harness.set_state(stream, to) };
                assert_eq!(status, STATUS_SUCCESS);
            }
            2 => {
                let time = cursor.u64() as i64 % 10_000_000_000;
                assert_eq!(
                    filter.harness.sync_to_master(time, cursor.u8() & 1 == 0),
                    STATUS_SUCCESS
                );
            }
            _ => {
                let count = cursor.u8() % 24 + 1;
                let mut budget = 200u32;
                let allocator = filter.harness.allocator();
                let mut head: PDMUS_KERNEL_EVENT = null_mut();
                let mut tail: PDMUS_KERNEL_EVENT = null_mut();
                for _ in 0..count {
                    let event = fuzz_event(allocator, &mut cursor, 4, &mut budget);
                    if event.is_null() {
                        break;
                    }
                    if tail.is_null() {
                        head = event;
                    } else {
                        // SAFETY: `tail` is one of ours.
                        unsafe { (*tail).pNextEvt = event };
                    }
                    tail = event;
                }
                if head.is_null() {
                    continue;
                }
                let stream = if cursor.u8().is_multiple_of(8) && !filter.harness.wave.is_null() {
                    filter.harness.wave
                } else {
                    filter.harness.midi
                };
                let status = {
                    let _dispatch = raise_irql(miniport::Irql::DISPATCH);
                    // SAFETY: a live stream; the chain is ours to hand over.
                    unsafe { ((*(*stream).lpVtbl).PutMessage)(stream, head) }
                };
                assert_eq!(status, STATUS_SUCCESS);
                let counters = filter.harness.allocator().counters();
                assert_eq!(counters.outstanding, 0, "PutMessage kept events: {counters:?}");
                stats.events = counters.events_back;
            }
        }
    }
    filter.render(&NoArm, 512);
    assert_eq!(
        portcls_host::platform::dispatch_allocations(),
        dispatch_before,
        "allocation at DISPATCH_LEVEL"
    );
    stats.peak = filter.peak;
    stats
}

/// Dense random MIDI for the soak: notes on and off, controllers, pitch bends, program changes,
/// pressure, occasional SysEx (GM on, master volume), spread over `groups` channel groups.
pub fn random_midi(
    rng: &mut Rng,
    count: usize,
    groups: u32,
    time: i64,
) -> Vec<portcls_host::unpack::MidiEvent> {
    (0..count)
        .map(|_| {
            let channel = rng.byte() & 0x0F;
            let bytes = match rng.below(20) {
                0..=7 => vec![0x90 | channel, rng.byte() & 0x7F, rng.byte() & 0x7F],
                8..=12 => vec![0x80 | channel, rng.byte() & 0x7F, rng.byte() & 0x7F],
                13 | 14 => vec![0xB0 | channel, rng.byte() & 0x7F, rng.byte() & 0x7F],
                15 => vec![0xE0 | channel, rng.byte() & 0x7F, rng.byte() & 0x7F],
                16 => vec![0xC0 | channel, rng.byte() & 0x7F],
                17 => vec![0xD0 | channel, rng.byte() & 0x7F],
                18 => vec![0xF0, 0x7F, 0x7F, 0x04, 0x01, 0x00, rng.byte() & 0x7F, 0xF7],
                _ => vec![0xF0, 0x7E, 0x7F, 0x09, 0x01, 0xF7],
            };
            portcls_host::unpack::MidiEvent {
                time: time + rng.below(200_000) as i64,
                channel_group: 1 + rng.below(u64::from(groups.max(1))) as u32,
                bytes,
            }
        })
        .collect()
}

/// All notes off (CC 123) and all sound off (CC 120) on every channel of every group.
pub fn all_notes_off(groups: u32) -> Vec<portcls_host::unpack::MidiEvent> {
    let mut events = Vec::new();
    for group in 1..=groups {
        for channel in 0..16u8 {
            for controller in [64u8, 123] {
                events.push(portcls_host::unpack::MidiEvent {
                    time: 0,
                    channel_group: group,
                    bytes: vec![0xB0 | channel, controller, 0],
                });
            }
        }
    }
    events
}

/// The data-intersection fuzz target (`KSPROPERTY_PIN_DATAINTERSECTION` reaches
/// `IMiniport::DataRangeIntersection` with the client's data range): any pin, a client range of
/// any size ≥ `KSDATARANGE` (KS checks that much) with arbitrary contents, each of our ranges as
/// the matching one, any output length. Checks: a status of the documented set; on success the
/// result fits the output buffer, says its own size, and is a format `NewStream` accepts (wave
/// pin: `WaveFormat::from_ks`).
pub fn data_intersection_input(data: &[u8]) -> NTSTATUS {
    use miniport::descriptor::{RANGE_DIRECTMUSIC, RANGE_FLOAT32, RANGE_MIDI, RANGE_PCM16};
    use portcls_sys::{KSDATARANGE, KSDATARANGE_AUDIO};
    let mut cursor = Cursor::new(data);
    let pin = u32::from(cursor.u8() % 3);
    let which = cursor.u8() % 2;
    let output_length = u32::from(cursor.u16() % 200);
    let size = (size_of::<KSDATARANGE>() + usize::from(cursor.u8() % 64)).max(size_of::<KSDATARANGE>());
    let mut client = vec![0u64; size.div_ceil(8)];
    let bytes = cursor.bytes(size);
    // SAFETY: `client` holds at least `size` bytes.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), client.as_mut_ptr().cast::<u8>(), bytes.len()) };
    // KS validated FormatSize against the buffer: make it truthful.
    // SAFETY: the first field of KSDATARANGE is the u32 FormatSize.
    unsafe { client.as_mut_ptr().cast::<u32>().write(size as u32) };
    let matching: *const KSDATARANGE = match (pin, which) {
        (0, 0) => (&RANGE_DIRECTMUSIC as *const portcls_sys::KSDATARANGE_MUSIC).cast(),
        (0, _) => (&RANGE_MIDI as *const portcls_sys::KSDATARANGE_MUSIC).cast(),
        (_, 0) => (&RANGE_PCM16 as *const KSDATARANGE_AUDIO).cast(),
        _ => (&RANGE_FLOAT32 as *const KSDATARANGE_AUDIO).cast(),
    };
    let mut result = vec![0u64; (output_length as usize).div_ceil(8).max(1)];
    let mut result_length = 0xDEAD_BEEFu32;
    // SAFETY: the client range is readable for its FormatSize, the matching one is ours, the
    // result is writable for `output_length` bytes.
    let status = unsafe {
        miniport::intersect::data_range_intersection(
            pin,
            client.as_mut_ptr().cast(),
            matching.cast_mut(),
            output_length,
            result.as_mut_ptr().cast(),
            &mut result_length,
        )
    };
    let allowed = [
        STATUS_SUCCESS,
        STATUS_BUFFER_OVERFLOW,
        STATUS_BUFFER_TOO_SMALL,
        STATUS_INVALID_PARAMETER,
        miniport::error::STATUS_NO_MATCH,
    ];
    assert!(
        allowed.contains(&status),
        "DataRangeIntersection returned {status:#x}"
    );
    if status == STATUS_SUCCESS {
        assert!(
            result_length <= output_length,
            "{result_length} > {output_length}"
        );
        // SAFETY: the result holds a KSDATAFORMAT at least.
        let format = unsafe { result.as_ptr().cast::<KSDATAFORMAT>().read_unaligned() };
        assert_eq!(format.FormatSize, result_length, "the format's own size");
        if pin == 1 {
            // SAFETY: the result is a whole KSDATAFORMAT_WAVEFORMATEX.
            let accepted = unsafe { miniport::stream::WaveFormat::from_ks(result.as_mut_ptr().cast()) };
            assert!(
                accepted.is_ok(),
                "NewStream would refuse the intersection's own format"
            );
        }
    }
    status
}
