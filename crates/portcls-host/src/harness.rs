//! The port's side of every miniport call, through the vtables only, at the IRQL the real port
//! uses. [`Harness`] is the low-level driver the tests use; [`crate::HostPort`] is built on it.

use crate::objects::{EventAllocator, FakePort, SimClock};
use crate::platform::{HostPlatform, raise_irql};
use miniport::platform::Irql;
use miniport::{HardwareSynth, SynthMode};
use portcls_sys::{
    DMUS_STREAM_MIDI_RENDER, DMUS_STREAM_TYPE, DMUS_STREAM_WAVE_SINK, GUID, IID_IMiniportDMus,
    IID_ISynthSinkDMus, IMiniportDMus, ISynthSinkDMus, IUnknown, KSDATAFORMAT, KSDATAFORMAT_PACKED,
    KSDATAFORMAT_SPECIFIER_WAVEFORMATEX, KSDATAFORMAT_SUBTYPE_DIRECTMUSIC, KSDATAFORMAT_SUBTYPE_IEEE_FLOAT,
    KSDATAFORMAT_SUBTYPE_PCM, KSDATAFORMAT_TYPE_AUDIO, KSDATAFORMAT_TYPE_MUSIC, KSDATAFORMAT_WAVEFORMATEX,
    KSDATARANGE_MUSIC, KSNODETYPE_SYNTHESIZER, KSPIN_COMMUNICATION_SINK, KSPIN_COMMUNICATION_SOURCE,
    KSPIN_DATAFLOW_IN, KSPIN_DATAFLOW_OUT, KSPROPERTY_SYNTH_DLS_UNLOAD, KSPROPERTY_TYPE_SET,
    KSPROPERTY_TYPE_TOPOLOGY, KSPROPSETID_Synth_Dls, KSSTATE, NTSTATUS, NonPagedPool, PCFILTER_DESCRIPTOR,
    PCFILTER_NODE, PCPROPERTY_ITEM, PCPROPERTY_REQUEST, PDMUS_KERNEL_EVENT, PMXF, PSERVICEGROUP, PUNKNOWN,
    STATUS_NOT_FOUND, WAVE_FORMAT_IEEE_FLOAT, WAVE_FORMAT_PCM, WAVEFORMATEX, nt_success,
};
use std::ffi::c_void;
use std::mem::size_of;
use std::ptr::{null, null_mut};

/// The output sample format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SampleFormat {
    /// 16-bit signed PCM.
    #[default]
    S16,
    /// 32-bit IEEE float.
    F32,
}

impl SampleFormat {
    /// Bytes per sample.
    pub fn bytes(self) -> usize {
        match self {
            Self::S16 => 2,
            Self::F32 => 4,
        }
    }
}

/// Which stream a property request is addressed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `MinorTarget` = the MIDI pin's stream (what DirectMusic uses).
    MidiStream,
    /// `MinorTarget` = the wave pin's stream.
    WaveStream,
    /// `MinorTarget` = NULL (a filter-level request; `MajorTarget` = the miniport).
    Filter,
    /// Both targets NULL (ReactOS).
    Nothing,
}

/// A failed miniport call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallFailed {
    /// The call.
    pub what: &'static str,
    /// Its status.
    pub status: NTSTATUS,
}

impl std::fmt::Display for CallFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} failed with NTSTATUS {:#010X}",
            self.what, self.status as u32
        )
    }
}

fn check(what: &'static str, status: NTSTATUS) -> Result<NTSTATUS, CallFailed> {
    if nt_success(status) {
        Ok(status)
    } else {
        Err(CallFailed { what, status })
    }
}

/// `KSDATAFORMAT_WAVEFORMATEX` for the wave pin.
pub fn wave_format(rate: u32, channels: u16, format: SampleFormat) -> KSDATAFORMAT_WAVEFORMATEX {
    let bytes = format.bytes() as u16;
    let (tag, subformat) = match format {
        SampleFormat::S16 => (WAVE_FORMAT_PCM, KSDATAFORMAT_SUBTYPE_PCM),
        SampleFormat::F32 => (WAVE_FORMAT_IEEE_FLOAT, KSDATAFORMAT_SUBTYPE_IEEE_FLOAT),
    };
    KSDATAFORMAT_WAVEFORMATEX {
        DataFormat: KSDATAFORMAT_PACKED {
            FormatSize: size_of::<KSDATAFORMAT_WAVEFORMATEX>() as u32,
            Flags: 0,
            SampleSize: u32::from(channels * bytes),
            Reserved: 0,
            MajorFormat: KSDATAFORMAT_TYPE_AUDIO,
            SubFormat: subformat,
            Specifier: KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
        },
        WaveFormatEx: WAVEFORMATEX {
            wFormatTag: tag,
            nChannels: channels,
            nSamplesPerSec: rate,
            nAvgBytesPerSec: rate * u32::from(channels * bytes),
            nBlockAlign: channels * bytes,
            wBitsPerSample: bytes * 8,
            cbSize: 0,
        },
    }
}

/// The DirectMusic pin's connection format.
pub fn music_format() -> KSDATAFORMAT {
    KSDATAFORMAT {
        FormatSize: size_of::<KSDATAFORMAT>() as u32,
        Flags: 0,
        SampleSize: 0,
        Reserved: 0,
        MajorFormat: KSDATAFORMAT_TYPE_MUSIC,
        SubFormat: KSDATAFORMAT_SUBTYPE_DIRECTMUSIC,
        Specifier: portcls_sys::KSDATAFORMAT_SPECIFIER_NONE,
    }
}

/// Calls `IUnknown::Release` on any interface pointer.
///
/// # Safety
/// `object` is live and the caller owns the reference.
pub unsafe fn release<T>(object: *mut T) -> u32 {
    let unknown = object.cast::<IUnknown>();
    // SAFETY: live COM object.
    unsafe { ((*(*unknown).lpVtbl).Release)(unknown) }
}

/// Calls `IUnknown::QueryInterface`.
///
/// # Safety
/// `object` is live.
pub unsafe fn query_interface<T>(object: *mut T, iid: &GUID) -> (NTSTATUS, *mut c_void) {
    let unknown = object.cast::<IUnknown>();
    let mut out: *mut c_void = std::ptr::dangling_mut::<c_void>();
    // SAFETY: live COM object; `out` writable.
    let status = unsafe { ((*(*unknown).lpVtbl).QueryInterface)(unknown, iid, &mut out) };
    (status, out)
}

/// Calls `IUnknown::AddRef` then `Release` and returns the count (the object's current count).
///
/// # Safety
/// `object` is live.
pub unsafe fn reference_count<T>(object: *mut T) -> u32 {
    let unknown = object.cast::<IUnknown>();
    // SAFETY: live COM object.
    unsafe {
        ((*(*unknown).lpVtbl).AddRef)(unknown);
        ((*(*unknown).lpVtbl).Release)(unknown)
    }
}

/// The stand-in port: the miniport, its streams and the port-side objects.
pub struct Harness {
    /// The miniport (`IMiniportDMus*`), one reference (the port's).
    pub miniport: *mut IMiniportDMus,
    /// The port object given to Init.
    pub port: *mut FakePort,
    /// The allocator.
    pub allocator: *mut EventAllocator,
    /// The master clock.
    pub clock: *mut SimClock,
    /// The MIDI pin's stream.
    pub midi: PMXF,
    /// The wave pin's stream.
    pub wave: PMXF,
    /// The wave pin's stream as `ISynthSinkDMus` (a QI reference).
    pub sink: *mut ISynthSinkDMus,
    /// The descriptor from GetDescription.
    pub descriptor: *const PCFILTER_DESCRIPTOR,
    /// Hardware-synth mode: the adapter's handle on the synth (what its render thread renders
    /// through); `None` in classic mode.
    pub hardware: Option<HardwareSynth<HostPlatform>>,
}

// SAFETY: a shared `&Harness` only reads the pointers above and calls through them, and every
// object they point to may be called from any thread at once: the miniport, its streams and
// their property handlers by PortCls's contract, which the tests mirror (`PutMessage` from the
// sequencer's DPC, `Render` from the sink thread, property requests from user threads; the
// miniport keeps its engine behind a mutex and its queues behind spin locks), and the port-side
// objects by construction (the allocator's pool behind a spin lock, the clock and every counter
// atomic). Changing the harness's own fields takes `&mut Harness`.
unsafe impl Sync for Harness {}

impl Harness {
    /// Creates the miniport through the factory, as StartDevice does, and hands it to the port
    /// (QI for IMiniportDMus, release the adapter's reference). Also creates the port-side
    /// objects (allocator of `events` events, clock at `start_time`).
    pub fn create(events: usize, start_time: i64) -> Result<Self, CallFailed> {
        Self::create_with_mode(events, start_time, SynthMode::Classic)
    }

    /// [`Harness::create`] in `mode`, through `miniport::new_miniport_with_mode` (the factory
    /// `StartDevice` uses); in hardware-synth mode the harness keeps the synth handle the
    /// adapter would keep.
    pub fn create_with_mode(events: usize, start_time: i64, mode: SynthMode) -> Result<Self, CallFailed> {
        let (unknown, hardware) =
            miniport::new_miniport_with_mode(HostPlatform, mode).map_err(|status| CallFailed {
                what: "new_miniport_with_mode",
                status,
            })?;
        let unknown: *mut c_void = unknown.as_ptr().cast();
        // SAFETY: a live miniport with the adapter's reference.
        let (status, miniport) = unsafe { query_interface(unknown, &IID_IMiniportDMus) };
        // SAFETY: the adapter's reference.
        unsafe { release(unknown) };
        check("QueryInterface(IID_IMiniportDMus)", status)?;
        Ok(Self {
            miniport: miniport.cast(),
            port: FakePort::create(),
            allocator: EventAllocator::create(events, events.div_ceil(4).max(4), 4096),
            clock: SimClock::create(start_time),
            midi: null_mut(),
            wave: null_mut(),
            sink: null_mut(),
            descriptor: null(),
            hardware,
        })
    }

    /// Hardware-synth mode: QI the MIDI stream for `ISynthSinkDMus` (every pin object answers
    /// it) into [`Harness::sink`], for `SampleToRefTime`/`RefTimeToSample`; nothing calls
    /// `Render` or `SyncToMaster` in that mode.
    pub fn use_midi_stream_as_sink(&mut self) -> Result<(), CallFailed> {
        // SAFETY: a live stream.
        let (status, sink) = unsafe { query_interface(self.midi, &IID_ISynthSinkDMus) };
        check("QueryInterface(IID_ISynthSinkDMus) on the MIDI stream", status)?;
        self.sink = sink.cast();
        Ok(())
    }

    fn vtable(&self) -> &portcls_sys::IMiniportDMusVtbl {
        // SAFETY: a live miniport.
        unsafe { &*(*self.miniport).lpVtbl }
    }

    /// The allocator.
    pub fn allocator(&self) -> &EventAllocator {
        // SAFETY: owned by the harness until drop.
        unsafe { &*self.allocator }
    }

    /// The clock.
    pub fn clock(&self) -> &SimClock {
        // SAFETY: owned by the harness until drop.
        unsafe { &*self.clock }
    }

    /// `IMiniportDMus::Init` at PASSIVE_LEVEL.
    pub fn init(&mut self) -> Result<(), CallFailed> {
        let mut group: PSERVICEGROUP = std::ptr::dangling_mut();
        // SAFETY: live miniport, live port, writable out-pointer.
        let status = unsafe {
            (self.vtable().Init)(
                self.miniport,
                null_mut(),
                null_mut(),
                self.port.cast(),
                &mut group,
            )
        };
        check("IMiniportDMus::Init", status)?;
        assert!(group.is_null(), "Init must return no service group");
        Ok(())
    }

    /// `IMiniport::GetDescription`, then validates the descriptor; returns it.
    pub fn describe(&mut self) -> Result<&'static PCFILTER_DESCRIPTOR, String> {
        let mut descriptor: *mut PCFILTER_DESCRIPTOR = null_mut();
        // SAFETY: live miniport, writable out-pointer.
        let status = unsafe { (self.vtable().GetDescription)(self.miniport, &mut descriptor) };
        if !nt_success(status) || descriptor.is_null() {
            return Err(format!("GetDescription failed: {status:#x}"));
        }
        self.descriptor = descriptor;
        // SAFETY: the miniport returns static data.
        let descriptor: &'static PCFILTER_DESCRIPTOR = unsafe { &*descriptor };
        if self.hardware.is_some() {
            validate_hardware_synth_descriptor(descriptor)?;
        } else {
            validate_descriptor(descriptor)?;
        }
        Ok(descriptor)
    }

    /// `IMiniportDMus::NewStream` at PASSIVE_LEVEL, raw.
    ///
    /// # Safety
    /// `format` null or a valid format; `allocator`/`clock` null or live.
    #[allow(clippy::too_many_arguments)]
    pub unsafe fn new_stream_raw(
        &self,
        pin: u32,
        stream_type: DMUS_STREAM_TYPE,
        format: *mut KSDATAFORMAT,
        allocator: *mut c_void,
        clock: *mut c_void,
    ) -> (NTSTATUS, PMXF, u64) {
        let mut mxf: PMXF = std::ptr::dangling_mut();
        let mut group: PSERVICEGROUP = std::ptr::dangling_mut();
        let mut prefetch = 0u64;
        // SAFETY: forwarded contract; out-pointers writable.
        let status = unsafe {
            (self.vtable().NewStream)(
                self.miniport,
                &mut mxf,
                null_mut(),
                NonPagedPool,
                pin,
                stream_type,
                format,
                &mut group,
                allocator.cast(),
                clock.cast(),
                &mut prefetch,
            )
        };
        assert!(group.is_null(), "NewStream must return no service group");
        (status, mxf, prefetch)
    }

    /// NewStream for the MIDI render pin (pin 0) with the allocator and clock.
    pub fn open_midi(&mut self) -> Result<(), CallFailed> {
        let mut format = music_format();
        // SAFETY: valid format, live objects.
        let (status, mxf, prefetch) = unsafe {
            self.new_stream_raw(
                0,
                DMUS_STREAM_MIDI_RENDER,
                &mut format,
                self.allocator.cast(),
                self.clock.cast(),
            )
        };
        check("NewStream(MIDI render)", status)?;
        assert_eq!(prefetch, portcls_sys::DONT_HOLD_FOR_SEQUENCING);
        self.midi = mxf;
        Ok(())
    }

    /// NewStream for the wave pin (pin 1), then QI for `ISynthSinkDMus`.
    pub fn open_wave(&mut self, rate: u32, channels: u16, format: SampleFormat) -> Result<(), CallFailed> {
        let mut ks = wave_format(rate, channels, format);
        // SAFETY: a valid KSDATAFORMAT_WAVEFORMATEX (packed, read unaligned by the miniport).
        let (status, mxf, _) = unsafe {
            self.new_stream_raw(
                1,
                DMUS_STREAM_WAVE_SINK,
                (&mut ks as *mut KSDATAFORMAT_WAVEFORMATEX).cast(),
                null_mut(),
                null_mut(),
            )
        };
        check("NewStream(wave sink)", status)?;
        self.wave = mxf;
        // SAFETY: a live stream.
        let (status, sink) = unsafe { query_interface(mxf, &IID_ISynthSinkDMus) };
        check("QueryInterface(IID_ISynthSinkDMus)", status)?;
        self.sink = sink.cast();
        Ok(())
    }

    /// `IMXF::SetState` on one stream (PASSIVE_LEVEL).
    ///
    /// # Safety
    /// `stream` is a live stream of this harness.
    pub unsafe fn set_state(&self, stream: PMXF, state: KSSTATE) -> NTSTATUS {
        // SAFETY: a live stream.
        unsafe { ((*(*stream).lpVtbl).SetState)(stream, state) }
    }

    /// Walks a stream through ACQUIRE, PAUSE and RUN (or back down to STOP).
    ///
    /// # Safety
    /// `stream` is a live stream of this harness.
    pub unsafe fn transition(&self, stream: PMXF, to: KSSTATE, from: KSSTATE) -> Result<(), CallFailed> {
        let mut state = from;
        while state != to {
            state = if to > state { state + 1 } else { state - 1 };
            // SAFETY: forwarded contract.
            check("IMXF::SetState", unsafe { self.set_state(stream, state) })?;
        }
        Ok(())
    }

    /// `IMXF::PutMessage` on the MIDI stream at DISPATCH_LEVEL (as the port's sequencer DPC).
    ///
    /// # Safety
    /// `chain` is a chain of this harness's allocator's events, handed over.
    pub unsafe fn put_message(&self, chain: PDMUS_KERNEL_EVENT) -> NTSTATUS {
        let _dispatch = raise_irql(Irql::DISPATCH);
        // SAFETY: a live stream; the chain is handed over.
        unsafe { ((*(*self.midi).lpVtbl).PutMessage)(self.midi, chain) }
    }

    /// `ISynthSinkDMus::SyncToMaster` (PASSIVE_LEVEL).
    pub fn sync_to_master(&self, time: i64, start: bool) -> NTSTATUS {
        // SAFETY: a live sink.
        unsafe { ((*(*self.sink).lpVtbl).SyncToMaster)(self.sink, time, i32::from(start)) }
    }

    /// `ISynthSinkDMus::Render` (PASSIVE_LEVEL) into `buffer` (`frames · block align` bytes).
    pub fn render(&self, buffer: &mut [u8], frames: u32, position: i64, block_align: usize) {
        assert!(buffer.len() >= frames as usize * block_align);
        // SAFETY: a live sink; `buffer` holds the bytes Render writes (frames · block align).
        unsafe { ((*(*self.sink).lpVtbl).Render)(self.sink, buffer.as_mut_ptr(), frames, position) }
    }

    /// `SampleToRefTime`.
    pub fn sample_to_ref_time(&self, frame: i64) -> i64 {
        let mut time = 0;
        // SAFETY: a live sink, writable out.
        unsafe { ((*(*self.sink).lpVtbl).SampleToRefTime)(self.sink, frame, &mut time) };
        time
    }

    /// `RefTimeToSample`.
    pub fn ref_time_to_sample(&self, time: i64) -> i64 {
        let mut frame = 0;
        // SAFETY: a live sink, writable out.
        unsafe { ((*(*self.sink).lpVtbl).RefTimeToSample)(self.sink, time, &mut frame) };
        frame
    }

    /// The node's property item for (`set`, `id`), as the port looks it up.
    pub fn property_item(&self, set: &GUID, id: u32) -> Option<&'static PCPROPERTY_ITEM> {
        // SAFETY: the descriptor is static data.
        let descriptor = unsafe { self.descriptor.as_ref()? };
        // SAFETY: NodeCount nodes.
        let nodes = unsafe { std::slice::from_raw_parts(descriptor.Nodes, descriptor.NodeCount as usize) };
        for node in nodes {
            // SAFETY: static table.
            let Some(table) = (unsafe { node.AutomationTable.as_ref() }) else {
                continue;
            };
            for index in 0..table.PropertyCount as usize {
                // SAFETY: PropertyCount items of PropertyItemSize bytes.
                let item = unsafe {
                    &*table
                        .Properties
                        .cast::<u8>()
                        .add(index * table.PropertyItemSize as usize)
                        .cast::<PCPROPERTY_ITEM>()
                };
                // SAFETY: static GUID.
                if unsafe { *item.Set } == *set && item.Id == id {
                    return Some(item);
                }
            }
        }
        None
    }

    /// A property request on node 0 through the automation table's handler (PASSIVE_LEVEL),
    /// `Verb` with `KSPROPERTY_TYPE_TOPOLOGY` set as KS passes it. Returns the status and the
    /// `ValueSize` the handler left.
    pub fn property(
        &self,
        target: Target,
        set: &GUID,
        id: u32,
        verb: u32,
        instance: &[u8],
        value: &mut [u8],
    ) -> (NTSTATUS, u32) {
        self.property_sized(target, set, id, verb, instance, value, value.len() as u32)
    }

    /// `KSPROPERTY_SYNTH_DLS_UNLOAD` (SET) of download `handle` on the MIDI stream, the value the
    /// pointer-sized handle as dmusic.dll sends it. Returns the NTSTATUS.
    pub fn unload(&self, handle: usize) -> NTSTATUS {
        let mut value = handle.to_le_bytes();
        let (status, _) = self.property(
            Target::MidiStream,
            &KSPROPSETID_Synth_Dls,
            KSPROPERTY_SYNTH_DLS_UNLOAD,
            KSPROPERTY_TYPE_SET,
            &[],
            &mut value,
        );
        status
    }

    /// As [`Harness::property`] with an explicit `ValueSize` (which may be smaller than the buffer).
    #[allow(clippy::too_many_arguments)]
    pub fn property_sized(
        &self,
        target: Target,
        set: &GUID,
        id: u32,
        verb: u32,
        instance: &[u8],
        value: &mut [u8],
        value_size: u32,
    ) -> (NTSTATUS, u32) {
        let Some(item) = self.property_item(set, id) else {
            return (STATUS_NOT_FOUND, 0);
        };
        let Some(handler) = item.Handler else {
            return (STATUS_NOT_FOUND, 0);
        };
        self.property_request(
            target,
            item,
            verb | KSPROPERTY_TYPE_TOPOLOGY,
            instance,
            value,
            value_size,
            // SAFETY: a request built as PortCls builds it, with live targets and buffers.
            |request| unsafe { handler(request) },
        )
    }

    /// Builds the `PCPROPERTY_REQUEST` PortCls would build for `item` on `target` (node 0, `verb`
    /// as given, `instance` copied into an 8-aligned buffer as KS's system buffer, `value` passed
    /// as is with `value_size`) and hands it to `invoke`, which calls the handler (directly, or
    /// under whatever the caller wants to arm around it). Returns `invoke`'s status and the
    /// `ValueSize` the handler left.
    ///
    /// # Panics
    /// If `value_size` is larger than `value`.
    #[allow(clippy::too_many_arguments)]
    pub fn property_request(
        &self,
        target: Target,
        item: &PCPROPERTY_ITEM,
        verb: u32,
        instance: &[u8],
        value: &mut [u8],
        value_size: u32,
        invoke: impl FnOnce(&mut PCPROPERTY_REQUEST) -> NTSTATUS,
    ) -> (NTSTATUS, u32) {
        assert!(
            value_size as usize <= value.len(),
            "ValueSize beyond the value buffer"
        );
        let (major, minor): (PUNKNOWN, PUNKNOWN) = match target {
            Target::MidiStream => (self.miniport.cast(), self.midi.cast()),
            Target::WaveStream => (self.miniport.cast(), self.wave.cast()),
            Target::Filter => (self.miniport.cast(), null_mut()),
            Target::Nothing => (null_mut(), null_mut()),
        };
        // KS copies the instance into its own (8-aligned) system buffer.
        let mut instance_copy: Vec<u64> = vec![0; instance.len().div_ceil(8)];
        // SAFETY: the copy is at least `instance.len()` bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(
                instance.as_ptr(),
                instance_copy.as_mut_ptr().cast(),
                instance.len(),
            )
        };
        let mut request = PCPROPERTY_REQUEST {
            MajorTarget: major,
            MinorTarget: minor,
            Node: 0,
            PropertyItem: item,
            Verb: verb,
            InstanceSize: instance.len() as u32,
            Instance: if instance.is_empty() {
                null_mut()
            } else {
                instance_copy.as_mut_ptr().cast()
            },
            ValueSize: value_size,
            Value: if value.is_empty() {
                null_mut()
            } else {
                value.as_mut_ptr().cast()
            },
            Irp: null_mut(),
        };
        let status = invoke(&mut request);
        (status, request.ValueSize)
    }

    /// Releases everything the port holds on the miniport side (streams, sink, miniport), in the
    /// order the port does: sink QI reference, wave stream, MIDI stream, miniport.
    pub fn release_miniport_side(&mut self) {
        // SAFETY: each pointer is a live reference the harness owns, released once.
        unsafe {
            if !self.sink.is_null() {
                release(self.sink);
                self.sink = null_mut();
            }
            if !self.wave.is_null() {
                release(self.wave);
                self.wave = null_mut();
            }
            if !self.midi.is_null() {
                release(self.midi);
                self.midi = null_mut();
            }
            if !self.miniport.is_null() {
                release(self.miniport);
                self.miniport = null_mut();
            }
        }
        // The adapter's handle goes last (device teardown).
        self.hardware = None;
    }

    /// References the miniport still holds on the port-side objects (port, allocator, clock).
    pub fn foreign_references(&self) -> (u32, u32, u32) {
        // SAFETY: owned by the harness.
        let port = unsafe { FakePort::references(self.port) } - 1;
        (
            port,
            self.allocator().references() - 1,
            self.clock().references() - 1,
        )
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.release_miniport_side();
        let (port, allocator, clock) = self.foreign_references();
        if port == 0 && allocator == 0 && clock == 0 {
            // SAFETY: nobody else references them any more.
            unsafe {
                drop(Box::from_raw(self.port));
                EventAllocator::destroy(self.allocator);
                drop(Box::from_raw(self.clock));
            }
        }
        // Otherwise leak them rather than free objects the miniport still points at.
    }
}

/// What both filters share (`label` names the filter in errors): `pins` pins of
/// `PCPIN_DESCRIPTOR` size, pin 0 the MIDI pin (IN/SINK), one synthesizer node with an automation
/// table, fed by pin 0. Returns the pins.
fn validate_midi_filter<'a>(
    descriptor: &'a PCFILTER_DESCRIPTOR,
    pins: usize,
    label: &str,
) -> Result<&'a [portcls_sys::PCPIN_DESCRIPTOR], String> {
    let fail = |what: &str| Err(format!("{label}: {what}"));
    if descriptor.PinCount as usize != pins
        || descriptor.PinSize as usize != size_of::<portcls_sys::PCPIN_DESCRIPTOR>()
    {
        return fail(&format!("expected {pins} pin(s) of PCPIN_DESCRIPTOR size"));
    }
    // SAFETY: PinCount pins.
    let all = unsafe { std::slice::from_raw_parts(descriptor.Pins, pins) };
    let midi = &all[0].KsPinDescriptor;
    if midi.DataFlow != KSPIN_DATAFLOW_IN || midi.Communication != KSPIN_COMMUNICATION_SINK {
        return fail("pin 0 must be IN/SINK");
    }
    if descriptor.NodeCount != 1 {
        return fail("expected one node");
    }
    // SAFETY: one node.
    let node = unsafe { &*descriptor.Nodes };
    if node.Type.is_null() || node.AutomationTable.is_null() {
        return fail("node 0 must have a type and an automation table");
    }
    // SAFETY: non-null static GUID.
    if unsafe { *node.Type } != KSNODETYPE_SYNTHESIZER {
        return fail("node 0 must be a synthesizer");
    }
    if !connections(descriptor)
        .iter()
        .any(|c| c.FromNode == PCFILTER_NODE && c.FromNodePin == 0 && c.ToNode == 0)
    {
        return fail("pin 0 must feed node 0");
    }
    Ok(all)
}

/// The descriptor's topology connections.
fn connections(descriptor: &PCFILTER_DESCRIPTOR) -> &[portcls_sys::KSTOPOLOGY_CONNECTION] {
    // SAFETY: ConnectionCount static connections.
    unsafe { std::slice::from_raw_parts(descriptor.Connections, descriptor.ConnectionCount as usize) }
}

/// The descriptor's categories.
fn categories(descriptor: &PCFILTER_DESCRIPTOR) -> &[GUID] {
    // SAFETY: CategoryCount static GUIDs.
    unsafe { std::slice::from_raw_parts(descriptor.Categories, descriptor.CategoryCount as usize) }
}

/// The hardware-synth filter (ADR 002): one MIDI render pin (IN/SINK) with the legacy MIDI range
/// first and DirectMusic too, the synth node fed by it, categories AUDIO, RENDER, SYNTHESIZER.
fn validate_hardware_synth_descriptor(descriptor: &PCFILTER_DESCRIPTOR) -> Result<(), String> {
    let label = "hardware-synth descriptor";
    let fail = |what: &str| Err(format!("{label}: {what}"));
    let pins = validate_midi_filter(descriptor, 1, label)?;
    let midi = &pins[0].KsPinDescriptor;
    // SAFETY: DataRangesCount pointers to static ranges.
    let ranges = unsafe { std::slice::from_raw_parts(midi.DataRanges, midi.DataRangesCount as usize) };
    let expected = [
        portcls_sys::KSDATAFORMAT_SUBTYPE_MIDI,
        KSDATAFORMAT_SUBTYPE_DIRECTMUSIC,
    ];
    // (No allocation here: the allocation-failure sweep runs GetDescription armed.)
    // SAFETY: static ranges.
    let subformats = ranges.iter().map(|range| unsafe { (**range).SubFormat });
    if ranges.len() != expected.len() || !subformats.eq(expected) {
        return fail("pin 0 must list the MIDI range first, then DirectMusic");
    }
    if categories(descriptor)
        != [
            portcls_sys::KSCATEGORY_AUDIO,
            portcls_sys::KSCATEGORY_RENDER,
            portcls_sys::KSCATEGORY_SYNTHESIZER,
        ]
    {
        return fail("categories must be AUDIO, RENDER, SYNTHESIZER in that order");
    }
    Ok(())
}

/// The classic filter: the MIDI pin with a DirectMusic range, the wave pin (OUT/SOURCE, audio
/// ranges only), pin 0 → synth node → pin 1, categories DATATRANSFORM, AUDIO, SYNTHESIZER.
fn validate_descriptor(descriptor: &PCFILTER_DESCRIPTOR) -> Result<(), String> {
    let fail = |what: &str| Err(format!("descriptor: {what}"));
    let pins = validate_midi_filter(descriptor, 2, "descriptor")?;
    let midi = &pins[0].KsPinDescriptor;
    let wave = &pins[1].KsPinDescriptor;
    if wave.DataFlow != KSPIN_DATAFLOW_OUT || wave.Communication != KSPIN_COMMUNICATION_SOURCE {
        return fail("pin 1 must be OUT/SOURCE");
    }
    // SAFETY: DataRangesCount pointers to ranges.
    let midi_ranges = unsafe { std::slice::from_raw_parts(midi.DataRanges, midi.DataRangesCount as usize) };
    let has_directmusic = midi_ranges.iter().any(|range| {
        // SAFETY: static ranges.
        let range = unsafe { &**range };
        range.MajorFormat == KSDATAFORMAT_TYPE_MUSIC
            && range.SubFormat == KSDATAFORMAT_SUBTYPE_DIRECTMUSIC
            && range.FormatSize as usize >= size_of::<KSDATARANGE_MUSIC>()
    });
    if !has_directmusic {
        return fail("pin 0 has no DirectMusic range");
    }
    // SAFETY: as above.
    let wave_ranges = unsafe { std::slice::from_raw_parts(wave.DataRanges, wave.DataRangesCount as usize) };
    if wave_ranges.is_empty()
        // SAFETY: static ranges.
        || wave_ranges.iter().any(|range| unsafe { (**range).MajorFormat } != KSDATAFORMAT_TYPE_AUDIO)
    {
        return fail("pin 1 must have audio ranges only");
    }
    if !connections(descriptor)
        .iter()
        .any(|c| c.FromNode == 0 && c.ToNode == PCFILTER_NODE && c.ToNodePin == 1)
    {
        return fail("connections must join pin 0 → node 0 → pin 1");
    }
    if categories(descriptor)
        != [
            portcls_sys::KSCATEGORY_DATATRANSFORM,
            portcls_sys::KSCATEGORY_AUDIO,
            portcls_sys::KSCATEGORY_SYNTHESIZER,
        ]
    {
        return fail("categories must be DATATRANSFORM, AUDIO, SYNTHESIZER in that order");
    }
    Ok(())
}
