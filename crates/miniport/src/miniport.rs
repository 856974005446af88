//! The miniport object: `IUnknown`, `IMiniport`, `IMiniportDMus` (one vtable; each interface's
//! vtable is a prefix of the next).
//!
//! It owns no synth itself: every pair of streams (`NewStream` for the MIDI render pin and for
//! the wave sink) shares one [`Core`], so two filter instances are two independent synths. The
//! miniport only remembers, weakly, which cores still miss a half (for pairing) and which exist
//! (for property requests that arrive without a stream).

use crate::SynthMode;
use crate::com::{ComObject, MAGIC_MINIPORT, ObjectHeader, add_ref, free_box, query_interface, try_box};
use crate::error::{MiniportError, Result};
use crate::hardware::HardwareSynth;
use crate::intersect::data_range_intersection;
use crate::log;
use crate::pin::{Pin, PinObject};
use crate::platform::{Platform, SpinLock};
use crate::properties::PropertyCall;
use crate::stream::{Core, WaveFormat};
use core::ptr::{null, null_mut};
use portcls_sys::{
    DMUS_STREAM_MIDI_RENDER, DMUS_STREAM_TYPE, DMUS_STREAM_WAVE_SINK, DONT_HOLD_FOR_SEQUENCING, GUID,
    IID_IMiniport, IID_IMiniportDMus, IID_IUnknown, IMiniportDMus, IMiniportDMusVtbl, NTSTATUS,
    PAllocatorMXF, PKSDATAFORMAT, PKSDATARANGE, PMASTERCLOCK, PMXF, POOL_TYPE, PPCFILTER_DESCRIPTOR,
    PPORTDMUS, PRESOURCELIST, PSERVICEGROUP, PULONG, PULONGLONG, PUNKNOWN, PVOID, STATUS_SUCCESS, ULONG,
};

/// Most synth instances (filter instances) one miniport serves at once.
pub const MAX_CORES: usize = 64;

struct Slot<P: Platform> {
    core: *const Core<P>,
    midi: bool,
    wave: bool,
}

impl<P: Platform> Clone for Slot<P> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P: Platform> Copy for Slot<P> {}

impl<P: Platform> Slot<P> {
    const EMPTY: Self = Self {
        core: null(),
        midi: false,
        wave: false,
    };
}

struct MiniportState<P: Platform> {
    port: PPORTDMUS,
    /// Registered cores (weak: their streams, and in hardware-synth mode the [`HardwareSynth`]
    /// handles, hold them). In hardware-synth mode the first slot holds the one core.
    slots: [Slot<P>; MAX_CORES],
}

// SAFETY: the port pointer is a COM object usable from any thread; the core pointers are only
// dereferenced while the core is alive (a core removes itself before it is freed).
unsafe impl<P: Platform> Send for MiniportState<P> {}

/// The miniport COM object.
#[repr(C)]
pub struct MiniportObject<P: Platform> {
    pub(crate) header: ObjectHeader,
    platform: P,
    mode: SynthMode,
    state: SpinLock<P::Lock, MiniportState<P>>,
}

// SAFETY: `#[repr(C)]` with the header as its first field.
unsafe impl<P: Platform> ComObject for MiniportObject<P> {
    /// IUnknown, IMiniport, IMiniportDMus (IPowerNotify is not offered: PortCls never calls it).
    const INTERFACES: &'static [GUID] = &[IID_IUnknown, IID_IMiniport, IID_IMiniportDMus];
}

impl<P: Platform> MiniportObject<P> {
    const VTABLE: IMiniportDMusVtbl = IMiniportDMusVtbl {
        QueryInterface: query_interface::<Self, IMiniportDMus>,
        AddRef: add_ref::<Self, IMiniportDMus>,
        Release: Self::release,
        GetDescription: Self::get_description,
        DataRangeIntersection: Self::data_range_intersection,
        Init: Self::init,
        Service: Self::service,
        NewStream: Self::new_stream,
    };

    /// A new classic miniport with one reference; its address is its `IUnknown*` and
    /// `IMiniportDMus*`.
    pub fn create(platform: P) -> Result<*mut Self> {
        Self::allocate(platform, SynthMode::Classic)
    }

    fn allocate(platform: P, mode: SynthMode) -> Result<*mut Self> {
        try_box(Self {
            header: ObjectHeader::new(
                (&Self::VTABLE as *const IMiniportDMusVtbl).cast(),
                MAGIC_MINIPORT,
                Self::property_entry,
            ),
            platform,
            mode,
            state: SpinLock::new(MiniportState {
                port: null_mut(),
                slots: [Slot::EMPTY; MAX_CORES],
            }),
        })
    }

    /// A new miniport in `mode` with one reference; in hardware-synth mode also its one core
    /// (48 kHz stereo float engine built now) and the handle on it. On failure nothing is left
    /// allocated.
    pub fn create_with_mode(platform: P, mode: SynthMode) -> Result<(*mut Self, Option<HardwareSynth<P>>)> {
        let object = Self::allocate(platform.clone(), mode)?;
        if mode == SynthMode::Classic {
            return Ok((object, None));
        }
        // (`Core::create` never returns null; were it to, there would be nothing to release.)
        let created = Core::create(platform, object, mode)
            .and_then(|core| core::ptr::NonNull::new(core).ok_or(MiniportError::OutOfMemory));
        let core = match created {
            Ok(core) => core,
            Err(error) => {
                // SAFETY: the creation reference; nothing else knows the object.
                unsafe { Self::release_raw(object) };
                return Err(error);
            }
        };
        {
            // SAFETY: `object` is live (we hold its creation reference).
            let mut state = unsafe { (*object).state.lock() };
            // The slot makes property requests without a stream find the core; `wave` marks the
            // missing wave half as taken so that nothing ever pairs with it.
            if let Some(slot) = state.slots.first_mut() {
                *slot = Slot {
                    core: core.as_ptr(),
                    midi: false,
                    wave: true,
                };
            }
        }
        // SAFETY: `core` is live: we hold its creation reference.
        let built = unsafe { core.as_ref() }.attach_wave(crate::stream::WaveFormat {
            rate: crate::hardware::SAMPLE_RATE,
            channels: crate::hardware::CHANNELS,
            kind: crate::stream::SampleKind::Float32,
        });
        // SAFETY: the creation reference of a live core, handed to the handle (or dropped below).
        let handle = unsafe { HardwareSynth::from_reference(core) };
        match built {
            Ok(()) => Ok((object, Some(handle))),
            Err(error) => {
                // Releases the core, which releases its reference on the miniport.
                drop(handle);
                // SAFETY: the creation reference; the core that knew the object is gone.
                unsafe { Self::release_raw(object) };
                Err(error)
            }
        }
    }

    /// Drops one reference; frees the object on the last.
    ///
    /// # Safety
    /// `this` is live and the caller owns a reference.
    pub(crate) unsafe fn release_raw(this: *const Self) -> u32 {
        // SAFETY: live, caller's reference.
        let remaining = unsafe { (*this).header.release() };
        if remaining == 0 {
            // SAFETY: last reference.
            let port = unsafe { (*this).state.lock().port };
            if !port.is_null() {
                // SAFETY: AddRef'ed in Init.
                unsafe { crate::com::com_release(port) };
            }
            // SAFETY: made by try_box in `create`; last reference.
            unsafe { free_box(this.cast_mut()) };
        }
        remaining
    }

    /// Called by a core about to be freed.
    pub(crate) fn forget_core(&self, core: *const Core<P>) {
        let mut state = self.state.lock();
        for slot in state.slots.iter_mut().filter(|slot| slot.core == core) {
            *slot = Slot::EMPTY;
        }
    }

    /// The first live core, with a reference the caller must drop with `Core::release`.
    fn any_core(&self) -> Option<*const Core<P>> {
        let state = self.state.lock();
        state
            .slots
            .iter()
            .filter(|slot| !slot.core.is_null())
            // SAFETY: registered cores are not freed yet (they unregister, under this lock, before
            // being freed); `try_add_ref` refuses one whose last reference is already gone.
            .find(|slot| unsafe { (*slot.core).try_add_ref() })
            .map(|slot| slot.core)
    }

    unsafe fn property_entry(
        object: *const crate::com::ObjectHeader,
        call: &mut PropertyCall<'_>,
    ) -> NTSTATUS {
        // SAFETY: the handler calls this only for a MAGIC_MINIPORT header: a live MiniportObject<P>.
        let this = unsafe { &*object.cast::<Self>() };
        match this.any_core() {
            Some(core) => {
                // SAFETY: referenced by `any_core`.
                let status = crate::properties::serve(Some(unsafe { &*core }), call);
                // SAFETY: drops the reference `any_core` took.
                unsafe { Core::release(core) };
                status
            }
            None => crate::properties::serve::<P>(None, call),
        }
    }

    /// `IUnknown::Release`: frees the miniport (and releases the port) on the last reference.
    ///
    /// # Safety
    /// `this` is live and the caller owns a reference. PASSIVE_LEVEL.
    unsafe extern "system" fn release(this: *mut IMiniportDMus) -> ULONG {
        // SAFETY: the caller's contract.
        unsafe { Self::release_raw(this.cast::<Self>()) }
    }

    /// `IMiniport::GetDescription` (PASSIVE_LEVEL): the static filter descriptor of the mode
    /// (`descriptor::FILTER` or `descriptor::hardware_synth::FILTER`).
    ///
    /// # Safety
    /// `this` is a live miniport; `out` null or writable.
    unsafe extern "system" fn get_description(
        this: *mut IMiniportDMus,
        out: *mut PPCFILTER_DESCRIPTOR,
    ) -> NTSTATUS {
        if out.is_null() {
            return MiniportError::InvalidParameter.ntstatus();
        }
        // SAFETY: live object.
        let mode = unsafe { (*this.cast::<Self>()).mode };
        let filter = crate::descriptor::filter(mode);
        // SAFETY: writable by contract; the descriptor is static and never written through.
        unsafe { out.write(filter as *const _ as PPCFILTER_DESCRIPTOR) };
        STATUS_SUCCESS
    }

    /// `IMiniport::DataRangeIntersection` (PASSIVE_LEVEL): implemented for both pins (ReactOS has no
    /// default handler for music ranges).
    ///
    /// # Safety
    /// `data_range` readable (`FormatSize` bytes), `result` writable for `output_length` bytes,
    /// `result_length` writable.
    unsafe extern "system" fn data_range_intersection(
        _this: *mut IMiniportDMus,
        pin: ULONG,
        data_range: PKSDATARANGE,
        matching: PKSDATARANGE,
        output_length: ULONG,
        result: PVOID,
        result_length: PULONG,
    ) -> NTSTATUS {
        // SAFETY: forwarded contract.
        unsafe { data_range_intersection(pin, data_range, matching, output_length, result, result_length) }
    }

    /// `IMiniportDMus::Init` (PASSIVE_LEVEL): keeps (AddRefs) the port; no service group.
    ///
    /// # Safety
    /// `port` null or a live `IPortDMus`; `service_group` null or writable.
    unsafe extern "system" fn init(
        this: *mut IMiniportDMus,
        _adapter: PUNKNOWN,
        _resources: PRESOURCELIST,
        port: PPORTDMUS,
        service_group: *mut PSERVICEGROUP,
    ) -> NTSTATUS {
        // SAFETY: live object.
        let object = unsafe { &*this.cast::<Self>() };
        if !service_group.is_null() {
            // SAFETY: writable by contract.
            unsafe { service_group.write(null_mut()) };
        }
        if port.is_null() {
            return MiniportError::InvalidParameter.ntstatus();
        }
        // SAFETY: live COM object by contract.
        unsafe { crate::com::com_add_ref(port) };
        let old = core::mem::replace(&mut object.state.lock().port, port);
        if !old.is_null() {
            // SAFETY: the reference a previous Init took.
            unsafe { crate::com::com_release(old) };
        }
        log!(object.platform, Info, "IMiniportDMus::Init");
        STATUS_SUCCESS
    }

    /// `IMiniportDMus::Service` (DISPATCH_LEVEL): nothing to do (no capture, no hardware).
    ///
    /// # Safety
    /// None.
    unsafe extern "system" fn service(_this: *mut IMiniportDMus) {}

    /// `IMiniportDMus::NewStream` (PASSIVE_LEVEL). MIDI render: needs the allocator and master clock.
    /// Wave sink: needs a `KSDATAFORMAT_WAVEFORMATEX`. Capture and anything else:
    /// `STATUS_INVALID_DEVICE_REQUEST`. Always sets `*SchedulePreFetch = DONT_HOLD_FOR_SEQUENCING`
    /// (the synth schedules by timestamp) and `*ServiceGroup = NULL`.
    ///
    /// # Safety
    /// Out-pointers null or writable; `allocator`/`master_clock` null or live COM objects;
    /// `format` null or `FormatSize` readable bytes.
    #[allow(clippy::too_many_arguments)]
    unsafe extern "system" fn new_stream(
        this: *mut IMiniportDMus,
        out: *mut PMXF,
        _outer: PUNKNOWN,
        _pool: POOL_TYPE,
        _pin: ULONG,
        stream_type: DMUS_STREAM_TYPE,
        format: PKSDATAFORMAT,
        service_group: *mut PSERVICEGROUP,
        allocator: PAllocatorMXF,
        master_clock: PMASTERCLOCK,
        prefetch: PULONGLONG,
    ) -> NTSTATUS {
        if out.is_null() {
            return MiniportError::InvalidParameter.ntstatus();
        }
        // SAFETY: writable by contract.
        unsafe { out.write(null_mut()) };
        if !service_group.is_null() {
            // SAFETY: writable by contract.
            unsafe { service_group.write(null_mut()) };
        }
        if !prefetch.is_null() {
            // SAFETY: writable by contract.
            unsafe { prefetch.write(DONT_HOLD_FOR_SEQUENCING) };
        }
        // SAFETY: live object.
        let object = unsafe { &*this.cast::<Self>() };
        // SAFETY: forwarded contract.
        match unsafe { object.open_stream(stream_type, format, allocator, master_clock) } {
            Ok(pin) => {
                // SAFETY: writable by contract.
                unsafe { out.write(pin.cast()) };
                STATUS_SUCCESS
            }
            Err(error) => {
                log!(
                    object.platform,
                    Warning,
                    "NewStream(type {}) failed: {:?}",
                    stream_type,
                    error
                );
                error.ntstatus()
            }
        }
    }

    /// # Safety
    /// As `new_stream`.
    unsafe fn open_stream(
        &self,
        stream_type: DMUS_STREAM_TYPE,
        format: PKSDATAFORMAT,
        allocator: PAllocatorMXF,
        master_clock: PMASTERCLOCK,
    ) -> Result<*mut PinObject<P>> {
        let (pin, wave_format) = match stream_type {
            DMUS_STREAM_MIDI_RENDER => {
                if allocator.is_null() || master_clock.is_null() {
                    return Err(MiniportError::InvalidParameter);
                }
                (Pin::Midi, None)
            }
            // The hardware-synth filter has no wave-out pin: the audio leaves through `render_into`.
            DMUS_STREAM_WAVE_SINK if self.mode == SynthMode::HardwareSynth => {
                return Err(MiniportError::InvalidDeviceRequest);
            }
            DMUS_STREAM_WAVE_SINK => {
                // SAFETY: forwarded contract.
                (Pin::Wave, Some(unsafe { WaveFormat::from_ks(format) }?))
            }
            _ => return Err(MiniportError::InvalidDeviceRequest),
        };
        let core = self.claim(pin)?;
        // SAFETY: `core` is referenced by `claim`.
        let core_ref = unsafe { &*core };
        let attached = match wave_format {
            None => {
                // SAFETY: checked non-null above; live COM objects by contract.
                unsafe { core_ref.attach_midi(allocator, master_clock) };
                Ok(())
            }
            Some(format) => core_ref.attach_wave(format),
        };
        let stream_allocator = if pin == Pin::Midi { allocator } else { null_mut() };
        // SAFETY: the allocator is null (wave pin) or checked non-null and live by contract.
        let result = attached.and_then(|()| unsafe { PinObject::create(core, pin, stream_allocator) });
        if result.is_err() {
            self.unclaim(core, pin);
        }
        // SAFETY: drops the reference `claim` returned (the pin object holds its own).
        unsafe { Core::release(core) };
        result
    }

    /// Finds a core missing `pin` (pairing in creation order, as ddksynth) or makes a new one.
    /// Returns it with a reference.
    ///
    /// Hardware-synth mode: every MIDI stream attaches to the one core (several applications may
    /// play at once, merged as on a hardware synth's MIDI input); `InvalidState` if the adapter
    /// already dropped every handle on it (the device is going away).
    fn claim(&self, pin: Pin) -> Result<*const Core<P>> {
        if self.mode == SynthMode::HardwareSynth {
            return self.any_core().ok_or(MiniportError::InvalidState);
        }
        {
            let mut state = self.state.lock();
            let found = state.slots.iter_mut().find(|slot| {
                !slot.core.is_null()
                    && match pin {
                        Pin::Midi => !slot.midi,
                        Pin::Wave => !slot.wave,
                    }
                    // SAFETY: registered cores are not freed yet (see `any_core`).
                    && unsafe { (*slot.core).try_add_ref() }
            });
            if let Some(slot) = found {
                match pin {
                    Pin::Midi => slot.midi = true,
                    Pin::Wave => slot.wave = true,
                }
                return Ok(slot.core);
            }
        }
        let core: *const Core<P> = Core::create(self.platform.clone(), self, self.mode)?;
        let registered = {
            let mut state = self.state.lock();
            match state.slots.iter_mut().find(|slot| slot.core.is_null()) {
                Some(slot) => {
                    *slot = Slot {
                        core,
                        midi: pin == Pin::Midi,
                        wave: pin == Pin::Wave,
                    };
                    true
                }
                None => false,
            }
        };
        if !registered {
            // SAFETY: the creation reference.
            unsafe { Core::release(core) };
            return Err(MiniportError::OutOfMemory);
        }
        Ok(core)
    }

    /// Marks `pin`'s half of `core` free again (its stream failed to open or was released).
    pub(crate) fn unclaim(&self, core: *const Core<P>, pin: Pin) {
        let mut state = self.state.lock();
        for slot in state.slots.iter_mut().filter(|slot| slot.core == core) {
            match pin {
                Pin::Midi => slot.midi = false,
                Pin::Wave => slot.wave = false,
            }
        }
    }
}
