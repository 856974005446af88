//! [`WaveRtHost`]: PortWaveRT + PortTopology as the host sees them. It creates the two miniports
//! through `wavert`'s factories and then calls them **only through their C vtables**, in the order
//! and at the (simulated) IRQL the real ports do: `QueryInterface(IID_IMiniportWaveRT)`, `Init`,
//! `GetDescription`, `DataRangeIntersection` (size query, then the format), `NewStream`,
//! `QueryInterface(IID_IMiniportWaveRTStreamNotification)`, `AllocateBufferWithNotification` (or
//! `AllocateAudioBuffer`), `RegisterNotificationEvent`, `SetState`, `GetPosition` at
//! DISPATCH_LEVEL, and the teardown in reverse.

use crate::platform::{FakeEvent, HostRtPlatform};
use crate::port::{FakePort, FakePortStream};
use miniport::platform::Irql;
use portcls_host::harness::{query_interface, release};
use portcls_host::platform::raise_irql;
use portcls_sys::{
    GUID, IID_IMiniportTopology, IID_IMiniportWaveRT, IID_IMiniportWaveRTStreamNotification,
    IMiniportTopology, IMiniportWaveRT, IMiniportWaveRTStreamNotification, IUnknown, KSAUDIO_POSITION,
    KSDATARANGE, KSDATARANGE_AUDIO, KSRTAUDIO_HWLATENCY, KSSTATE, MEMORY_CACHING_TYPE, NTSTATUS,
    PCFILTER_DESCRIPTOR, PMDL, PPCFILTER_DESCRIPTOR, PVOID, STATUS_SUCCESS,
};
use std::ptr::{NonNull, null_mut};
use wavert::format::SampleFormat;
use wavert::{Pump, PumpConfig, SharedSynth};

/// A failed call: which, and its status (the DMus harness's type).
pub use portcls_host::harness::CallFailed as Failed;

/// `Ok` for exactly `STATUS_SUCCESS` (the WaveRT objects return no other success code).
fn check(what: &'static str, status: NTSTATUS) -> Result<(), Failed> {
    if status == STATUS_SUCCESS {
        Ok(())
    } else {
        Err(Failed { what, status })
    }
}

/// The cyclic buffer the miniport handed over.
#[derive(Clone, Copy, Debug)]
pub struct HostBuffer {
    /// Its MDL.
    pub mdl: PMDL,
    /// `ActualSize`.
    pub bytes: u32,
    /// `OffsetFromFirstPage`.
    pub offset: u32,
    /// `CacheType`.
    pub cache: MEMORY_CACHING_TYPE,
    /// The mapped address (what the audio engine reads; the port maps the same pages).
    pub base: *const u8,
    /// Notification count asked (0: polled).
    pub notifications: u32,
}

/// References the miniports still hold on host objects, and leftovers, at teardown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Accounting {
    /// `IPortWaveRT` references beyond the host's own.
    pub port_references: u32,
    /// `IPortTopology` references beyond the host's own.
    pub topology_port_references: u32,
    /// `IPortWaveRTStream` references beyond the host's own.
    pub port_stream_references: u32,
    /// MDLs never freed.
    pub live_mdls: usize,
    /// `Release` results of the miniports' last references (0 = freed).
    pub wave_remaining: u32,
    /// As above, topology.
    pub topology_remaining: u32,
    /// Contract breaches: the port stream's (MDL calls) and the platform's (`KeSetEvent` on a
    /// null event or above DISPATCH_LEVEL).
    pub breaches: u64,
}

/// The host stand-in for PortWaveRT + PortTopology (see the module doc).
pub struct WaveRtHost<S: SharedSynth + Send + 'static> {
    /// The platform (simulated interrupt time).
    pub platform: HostRtPlatform,
    /// The adapter's render loop body (the kernel thread's).
    pub pump: Option<Pump<HostRtPlatform, S>>,
    wave: *mut IMiniportWaveRT,
    topology: *mut IMiniportTopology,
    port: *mut FakePort,
    topology_port: *mut FakePort,
    /// The port-side stream object.
    pub port_stream: *mut FakePortStream,
    stream: *mut IMiniportWaveRTStreamNotification,
    /// The notification event the audio engine registers (heap, freed at teardown: a raw pointer,
    /// so that moving the host does not invalidate the address the miniport keeps).
    event: NonNull<FakeEvent>,
    /// The buffer, once allocated.
    pub buffer: Option<HostBuffer>,
    /// The stream's format, once open.
    pub format: Option<SampleFormat>,
}

impl<S: SharedSynth + Send + 'static> WaveRtHost<S> {
    /// `StartDevice` for the two subdevices: the factories, then as each port's `Init` does:
    /// QueryInterface for the miniport interface, the miniport's `Init`, `GetDescription`; the
    /// adapter then drops its factory references. Interrupt time starts at `start`.
    pub fn create(synth: S, config: PumpConfig, start: u64) -> Result<Self, Failed> {
        let platform = HostRtPlatform::new(start);
        let (unknown, pump) = wavert::new_wavert_miniport_with_config(platform.clone(), synth, config)
            .map_err(|status| Failed {
                what: "new_wavert_miniport",
                status,
            })?;
        let topology_unknown = wavert::new_topology_miniport(platform.clone()).map_err(|status| Failed {
            what: "new_topology_miniport",
            status,
        })?;
        Self::adopt(platform, unknown, pump, topology_unknown)
    }

    /// The rest of [`Self::create`] for miniports the caller made with the factories (taking over
    /// their references): QueryInterface, the factories' references dropped, `Init` of both.
    pub fn adopt(
        platform: HostRtPlatform,
        unknown: NonNull<IUnknown>,
        pump: Pump<HostRtPlatform, S>,
        topology_unknown: NonNull<IUnknown>,
    ) -> Result<Self, Failed> {
        let mut host = Self {
            platform,
            pump: Some(pump),
            wave: null_mut(),
            topology: null_mut(),
            port: FakePort::create(),
            topology_port: FakePort::create(),
            port_stream: FakePortStream::create(),
            stream: null_mut(),
            event: NonNull::from(Box::leak(Box::<FakeEvent>::default())),
            buffer: None,
            format: None,
        };
        // SAFETY: live objects from the factories.
        let (status, wave) = unsafe { query_interface(unknown.as_ptr(), &IID_IMiniportWaveRT) };
        check("QueryInterface(IMiniportWaveRT)", status)?;
        host.wave = wave.cast();
        // SAFETY: as above.
        let (status, topology) =
            unsafe { query_interface(topology_unknown.as_ptr(), &IID_IMiniportTopology) };
        check("QueryInterface(IMiniportTopology)", status)?;
        host.topology = topology.cast();
        // SAFETY: the factories' references, given up (the ports keep theirs).
        unsafe {
            release(unknown.as_ptr());
        }
        // SAFETY: as above.
        unsafe {
            release(topology_unknown.as_ptr());
        }
        // SAFETY: live miniport; a live port.
        let status =
            unsafe { ((*(*host.wave).lpVtbl).Init)(host.wave, null_mut(), null_mut(), host.port.cast()) };
        check("IMiniportWaveRT::Init", status)?;
        // SAFETY: as above.
        let status = unsafe {
            ((*(*host.topology).lpVtbl).Init)(
                host.topology,
                null_mut(),
                null_mut(),
                host.topology_port.cast(),
            )
        };
        check("IMiniportTopology::Init", status)?;
        Ok(host)
    }

    /// The notification event.
    pub fn event(&self) -> &FakeEvent {
        // SAFETY: allocated in `create`, freed only by `teardown`.
        unsafe { self.event.as_ref() }
    }

    /// The pump.
    pub fn pump(&self) -> &Pump<HostRtPlatform, S> {
        self.pump.as_ref().unwrap()
    }

    /// The wave miniport's `IMiniportWaveRT*` (the port's reference).
    pub fn wave(&self) -> *mut IMiniportWaveRT {
        self.wave
    }

    /// The topology miniport's `IMiniportTopology*`.
    pub fn topology(&self) -> *mut IMiniportTopology {
        self.topology
    }

    /// The stream's `IMiniportWaveRTStreamNotification*` (null before `new_stream`).
    pub fn stream(&self) -> *mut IMiniportWaveRTStreamNotification {
        self.stream
    }

    /// `GetDescription` of the wave (`true`) or topology filter.
    pub fn description(&self, wave: bool) -> Result<&'static PCFILTER_DESCRIPTOR, Failed> {
        let mut out: PPCFILTER_DESCRIPTOR = null_mut();
        // SAFETY: live miniports; `out` writable.
        let status = unsafe {
            if wave {
                ((*(*self.wave).lpVtbl).GetDescription)(self.wave, &mut out)
            } else {
                ((*(*self.topology).lpVtbl).GetDescription)(self.topology, &mut out)
            }
        };
        check("GetDescription", status)?;
        // SAFETY: a static descriptor.
        Ok(unsafe { &*out })
    }

    /// `DataRangeIntersection` as the port does it: a size query (length 0, expecting
    /// `STATUS_BUFFER_OVERFLOW`), then the call with a buffer of that size; the format's bytes.
    /// `client` is the client's range bytes; `matching` one of the pin's ranges.
    pub fn intersect(
        &self,
        wave: bool,
        pin: u32,
        client: &[u8],
        matching: *const KSDATARANGE,
    ) -> Result<Vec<u8>, Failed> {
        let call = |length: u32, result: PVOID, written: &mut u32| -> NTSTATUS {
            // SAFETY: live miniports; the ranges are readable for their FormatSize (the test
            // builds `client` with a consistent FormatSize), the outputs writable.
            unsafe {
                if wave {
                    ((*(*self.wave).lpVtbl).DataRangeIntersection)(
                        self.wave,
                        pin,
                        client.as_ptr().cast_mut().cast(),
                        matching.cast_mut(),
                        length,
                        result,
                        written,
                    )
                } else {
                    ((*(*self.topology).lpVtbl).DataRangeIntersection)(
                        self.topology,
                        pin,
                        client.as_ptr().cast_mut().cast(),
                        matching.cast_mut(),
                        length,
                        result,
                        written,
                    )
                }
            }
        };
        let mut size = 0u32;
        let status = call(0, null_mut(), &mut size);
        if status != portcls_sys::STATUS_BUFFER_OVERFLOW {
            return Err(Failed {
                what: "DataRangeIntersection(size query)",
                status,
            });
        }
        let mut format = vec![0u8; size as usize];
        let mut written = 0u32;
        let status = call(size, format.as_mut_ptr().cast(), &mut written);
        check("DataRangeIntersection", status)?;
        format.truncate(written as usize);
        Ok(format)
    }

    /// `NewStream(pin, capture, format)` alone: its status and the stream it wrote (the caller
    /// owns that reference).
    pub fn new_stream_raw(
        &self,
        pin: u32,
        capture: bool,
        format: &[u8],
    ) -> (NTSTATUS, *mut portcls_sys::IMiniportWaveRTStream) {
        let mut stream = null_mut();
        // SAFETY: live miniport; `format` readable for its FormatSize; a live port stream.
        let status = unsafe {
            ((*(*self.wave).lpVtbl).NewStream)(
                self.wave,
                &mut stream,
                self.port_stream.cast(),
                pin,
                u8::from(capture),
                format.as_ptr().cast_mut().cast(),
            )
        };
        (status, stream)
    }

    /// `NewStream(pin, capture, format)`, then `QueryInterface` of the stream for
    /// `IMiniportWaveRTStreamNotification` (PortCls's test for notification support), keeping
    /// that reference and dropping `NewStream`'s.
    pub fn new_stream(&mut self, pin: u32, capture: bool, format: &[u8]) -> Result<(), Failed> {
        let (status, stream) = self.new_stream_raw(pin, capture, format);
        if status != STATUS_SUCCESS {
            assert!(stream.is_null(), "a refused NewStream must write NULL");
            return Err(Failed {
                what: "NewStream",
                status,
            });
        }
        // SAFETY: the new stream.
        let (status, notification) =
            unsafe { query_interface(stream, &IID_IMiniportWaveRTStreamNotification) };
        check("QueryInterface(IMiniportWaveRTStreamNotification)", status)?;
        // SAFETY: NewStream's reference.
        unsafe { release(stream) };
        self.stream = notification.cast();
        // The format as the miniport read it, with its reader.
        // SAFETY: NewStream accepted `format`, so it is readable for its FormatSize (the caller
        // passes a buffer that holds its own FormatSize).
        self.format = unsafe { wavert::wave::read_format(format.as_ptr().cast_mut().cast()) }.ok();
        Ok(())
    }

    fn stream_vtable(&self) -> &portcls_sys::IMiniportWaveRTStreamNotificationVtbl {
        assert!(!self.stream.is_null(), "no stream");
        // SAFETY: a live stream object.
        unsafe { &*(*self.stream).lpVtbl }
    }

    /// `AllocateBufferWithNotification(count, requested)` or, for `count` 0,
    /// `AllocateAudioBuffer(requested)`; maps the returned MDL's address for reading.
    pub fn allocate(&mut self, count: u32, requested: u32) -> Result<HostBuffer, Failed> {
        let vtable = self.stream_vtable();
        let (mut mdl, mut bytes, mut offset, mut cache) = (null_mut(), 0u32, 0u32, 0);
        // SAFETY: a live stream; the outputs writable.
        let status = unsafe {
            if count == 0 {
                (vtable.AllocateAudioBuffer)(
                    self.stream,
                    requested,
                    &mut mdl,
                    &mut bytes,
                    &mut offset,
                    &mut cache,
                )
            } else {
                (vtable.AllocateBufferWithNotification)(
                    self.stream,
                    count,
                    requested,
                    &mut mdl,
                    &mut bytes,
                    &mut offset,
                    &mut cache,
                )
            }
        };
        check("AllocateBuffer", status)?;
        // SAFETY: the host's own port stream.
        let port_stream = unsafe { &*self.port_stream };
        assert!(
            port_stream.is_mapped(mdl),
            "the buffer's MDL is not mapped MmCached"
        );
        let base = self.mapped_base(mdl);
        let buffer = HostBuffer {
            mdl,
            bytes,
            offset,
            cache,
            base,
            notifications: count,
        };
        self.buffer = Some(buffer);
        Ok(buffer)
    }

    /// The address the miniport mapped `mdl` at (as the port would map it for the engine).
    fn mapped_base(&self, mdl: PMDL) -> *const u8 {
        // The fake port maps an MDL at its pages' address; ask it again through its vtable would
        // count a second mapping, so read it back from the fake directly.
        // SAFETY: the host's own port stream.
        let port_stream = unsafe { &*self.port_stream };
        port_stream.base_of(mdl)
    }

    /// `FreeBufferWithNotification` / `FreeAudioBuffer` of the current buffer.
    pub fn free_buffer(&mut self) {
        let Some(buffer) = self.buffer.take() else {
            return;
        };
        let vtable = self.stream_vtable();
        // SAFETY: a live stream; its own MDL.
        unsafe {
            if buffer.notifications == 0 {
                (vtable.FreeAudioBuffer)(self.stream, buffer.mdl, buffer.bytes);
            } else {
                (vtable.FreeBufferWithNotification)(self.stream, buffer.mdl, buffer.bytes);
            }
        }
    }

    /// The cyclic buffer's bytes as the audio engine sees them.
    pub fn buffer_bytes(&self) -> &[u8] {
        let buffer = self.buffer.as_ref().expect("no buffer");
        // SAFETY: mapped for `bytes` bytes until freed (the host frees it only through
        // `free_buffer`, which drops `self.buffer` first).
        unsafe { std::slice::from_raw_parts(buffer.base, buffer.bytes as usize) }
    }

    /// `RegisterNotificationEvent` of the host's event.
    pub fn register_event(&self) -> NTSTATUS {
        // SAFETY: a live stream; the event lives as long as the host.
        unsafe { (self.stream_vtable().RegisterNotificationEvent)(self.stream, self.event().as_kevent()) }
    }

    /// `UnregisterNotificationEvent` of the host's event.
    pub fn unregister_event(&self) -> NTSTATUS {
        // SAFETY: as above.
        unsafe { (self.stream_vtable().UnregisterNotificationEvent)(self.stream, self.event().as_kevent()) }
    }

    /// `SetState` (PASSIVE_LEVEL).
    pub fn set_state(&self, state: KSSTATE) -> NTSTATUS {
        // SAFETY: a live stream.
        unsafe { (self.stream_vtable().SetState)(self.stream, state) }
    }

    /// `SetFormat` (PASSIVE_LEVEL).
    pub fn set_format(&self, format: &[u8]) -> NTSTATUS {
        // SAFETY: a live stream; `format` readable for its FormatSize.
        unsafe { (self.stream_vtable().SetFormat)(self.stream, format.as_ptr().cast_mut().cast()) }
    }

    /// `GetPosition` at DISPATCH_LEVEL (as the port's position property may call it).
    pub fn position(&self) -> KSAUDIO_POSITION {
        let vtable = self.stream_vtable();
        let mut position = KSAUDIO_POSITION::default();
        let _dispatch = raise_irql(Irql::DISPATCH);
        // SAFETY: a live stream; `position` writable.
        let status = unsafe { (vtable.GetPosition)(self.stream, &mut position) };
        assert_eq!(status, STATUS_SUCCESS);
        position
    }

    /// `GetHWLatency`.
    pub fn hw_latency(&self) -> KSRTAUDIO_HWLATENCY {
        let mut latency = KSRTAUDIO_HWLATENCY {
            FifoSize: 7,
            ChipsetDelay: 7,
            CodecDelay: 7,
        };
        // SAFETY: a live stream; writable.
        unsafe { (self.stream_vtable().GetHWLatency)(self.stream, &mut latency) };
        latency
    }

    /// `GetPositionRegister` and `GetClockRegister` statuses.
    pub fn registers(&self) -> (NTSTATUS, NTSTATUS) {
        let vtable = self.stream_vtable();
        // SAFETY: a live stream; the register pointer is never written by a virtual device,
        // a dangling-but-aligned pointer is enough to see the refusal.
        unsafe {
            (
                (vtable.GetPositionRegister)(self.stream, NonNull::dangling().as_ptr()),
                (vtable.GetClockRegister)(self.stream, NonNull::dangling().as_ptr()),
            )
        }
    }

    /// Releases the stream (the port's last reference on it).
    pub fn close_stream(&mut self) -> u32 {
        if self.stream.is_null() {
            return 0;
        }
        self.buffer = None;
        // SAFETY: the host's reference.
        let remaining = unsafe { release(self.stream) };
        self.stream = null_mut();
        remaining
    }

    /// Tears everything down as PortCls does at `StopDevice`: the stream (if still open), the
    /// miniports (the ports' references), the pump (the adapter's), then accounts for what came
    /// back.
    pub fn teardown(mut self) -> Accounting {
        self.close_stream();
        // SAFETY: the ports' references.
        let wave_remaining = unsafe { release(self.wave) };
        // SAFETY: as above.
        let topology_remaining = unsafe { release(self.topology) };
        drop(self.pump.take());
        // SAFETY: the host's own objects, alive until destroyed below.
        let (port, topology_port, port_stream) =
            unsafe { (&*self.port, &*self.topology_port, &*self.port_stream) };
        let accounting = Accounting {
            port_references: port.references() - 1,
            topology_port_references: topology_port.references() - 1,
            port_stream_references: port_stream.references() - 1,
            live_mdls: port_stream.live_mdls(),
            wave_remaining,
            topology_remaining,
            breaches: port_stream.counters().breaches
                + self
                    .platform
                    .sim
                    .bad_signals
                    .load(std::sync::atomic::Ordering::SeqCst),
        };
        // SAFETY: made by `create`; the stream that could signal it is gone.
        drop(unsafe { Box::from_raw(self.event.as_ptr()) });
        // SAFETY: made by `create`, no longer referenced by anything that will use them.
        unsafe {
            FakePort::destroy(self.port);
            FakePort::destroy(self.topology_port);
            FakePortStream::destroy(self.port_stream);
        }
        accounting
    }
}

/// A client's `KSDATARANGE_AUDIO` as bytes (the audio engine's range).
pub fn client_range(subformat: GUID, channels: u32, bits: (u32, u32), rates: (u32, u32)) -> Vec<u8> {
    let range = KSDATARANGE_AUDIO {
        DataRange: KSDATARANGE {
            SubFormat: subformat,
            ..wavert::descriptor::RANGE_PCM16.DataRange
        },
        MaximumChannels: channels,
        MinimumBitsPerSample: bits.0,
        MaximumBitsPerSample: bits.1,
        MinimumSampleFrequency: rates.0,
        MaximumSampleFrequency: rates.1,
    };
    as_bytes(&range).to_vec()
}

/// The bytes of a plain-data value.
pub fn as_bytes<T: Copy>(value: &T) -> &[u8] {
    // SAFETY: any initialised `Copy` value of these repr(C) KS types is readable as bytes.
    unsafe { std::slice::from_raw_parts((value as *const T).cast::<u8>(), std::mem::size_of::<T>()) }
}

/// A stream format's bytes for `format` (`KSDATAFORMAT_WAVEFORMATEX`).
pub fn format_bytes(format: SampleFormat) -> Vec<u8> {
    as_bytes(&format.ks_format()).to_vec()
}
