//! The COM object of one pin ([`PinObject`]): the `IMXF` / `ISynthSinkDMus` vtable PortCls calls,
//! as thin thunks over the filter's shared [`Core`] (`crate::stream`).
//!
//! Both pins answer `IUnknown`, `IMXF` and `ISynthSinkDMus` with the same vtable; what differs is
//! the [`Pin`] each object stands for, so that `IMXF::SetState` changes that pin's state only.
//! A MIDI pin object also keeps (AddRefs) its stream's allocator, where `PutMessage` returns the
//! events: in the hardware-synth mode several MIDI streams feed one core.

use crate::com::{
    ComObject, MAGIC_STREAM, ObjectHeader, add_ref, com_add_ref, com_release, free_box, query_interface,
    try_box,
};
use crate::error::{MiniportError, Result};
use crate::log;
use crate::platform::{Irql, Platform};
use crate::properties::PropertyCall;
use crate::stream::Core;
use core::sync::atomic::{AtomicI32, Ordering};
use portcls_sys::{
    BOOL, GUID, IID_IMXF, IID_ISynthSinkDMus, IID_IUnknown, ISynthSinkDMus, ISynthSinkDMusVtbl, KSSTATE,
    KSSTATE_RUN, KSSTATE_STOP, NTSTATUS, PAllocatorMXF, PDMUS_KERNEL_EVENT, PMXF, STATUS_SUCCESS, ULONG,
};

/// Which pin a [`PinObject`] stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pin {
    /// The DirectMusic render pin.
    Midi,
    /// The wave-out pin.
    Wave,
}

/// The COM object of one pin.
#[repr(C)]
pub struct PinObject<P: Platform> {
    header: ObjectHeader,
    pin: Pin,
    core: *const Core<P>,
    /// The MIDI stream's allocator (AddRef'ed; null for the wave pin).
    allocator: PAllocatorMXF,
    /// This pin's KS state (KS serialises the `SetState` calls of one pin; the core counts the
    /// transitions it is told about).
    state: AtomicI32,
}

// SAFETY: `#[repr(C)]` with the header as its first field.
unsafe impl<P: Platform> ComObject for PinObject<P> {
    /// IUnknown, IMXF, ISynthSinkDMus (both pins answer all three, with the same vtable).
    const INTERFACES: &'static [GUID] = &[IID_IUnknown, IID_IMXF, IID_ISynthSinkDMus];
}

impl<P: Platform> PinObject<P> {
    const VTABLE: ISynthSinkDMusVtbl = ISynthSinkDMusVtbl {
        QueryInterface: query_interface::<Self, ISynthSinkDMus>,
        AddRef: add_ref::<Self, ISynthSinkDMus>,
        Release: Self::release,
        SetState: Self::set_state,
        PutMessage: Self::put_message,
        ConnectOutput: Self::connect_output,
        DisconnectOutput: Self::disconnect_output,
        Render: Self::render,
        SyncToMaster: Self::sync_to_master,
        SampleToRefTime: Self::sample_to_ref_time,
        RefTimeToSample: Self::ref_time_to_sample,
    };

    /// A pin object on `core` (takes a core reference and one on `allocator` when not null), in
    /// `KSSTATE_STOP`. One COM reference.
    ///
    /// # Safety
    /// `allocator` is null or a live `IAllocatorMXF`.
    pub(crate) unsafe fn create(
        core: *const Core<P>,
        pin: Pin,
        allocator: PAllocatorMXF,
    ) -> Result<*mut Self> {
        let object = try_box(Self {
            header: ObjectHeader::new(
                (&Self::VTABLE as *const ISynthSinkDMusVtbl).cast(),
                MAGIC_STREAM,
                Self::property_entry,
            ),
            pin,
            core,
            allocator,
            state: AtomicI32::new(KSSTATE_STOP),
        })?;
        if !allocator.is_null() {
            // SAFETY: a live COM object by the caller's contract.
            unsafe { com_add_ref(allocator) };
        }
        // SAFETY: the caller holds a reference on the core.
        unsafe { (*core).add_ref() };
        Ok(object)
    }

    /// The core behind a pin object pointer.
    ///
    /// # Safety
    /// `this` is a live `PinObject<P>`.
    unsafe fn core<'a>(this: *mut ISynthSinkDMus) -> &'a Core<P> {
        // SAFETY: a live pin object holds a reference on its core.
        let core = unsafe { (*this.cast::<Self>()).core };
        // SAFETY: as above.
        unsafe { &*core }
    }

    unsafe fn property_entry(object: *const ObjectHeader, call: &mut PropertyCall<'_>) -> NTSTATUS {
        // SAFETY: the property handler only calls this entry on a header whose magic is
        // MAGIC_STREAM, i.e. a live PinObject<P> (the port holds a reference while it asks).
        let core = unsafe { (*object.cast::<Self>()).core };
        // SAFETY: the pin object holds a reference on its core.
        let core = unsafe { &*core };
        crate::properties::serve(Some(core), call)
    }

    /// `IUnknown::Release`: the last release frees the pin object and drops its core reference.
    ///
    /// # Safety
    /// `this` is a live pin object and the caller owns a reference. PASSIVE_LEVEL for the last one.
    unsafe extern "system" fn release(this: *mut ISynthSinkDMus) -> ULONG {
        let object = this.cast::<Self>();
        // SAFETY: live object, caller's reference.
        let remaining = unsafe { (*object).header.release() };
        if remaining == 0 {
            // SAFETY: last reference: the object is still allocated and only ours.
            let this = unsafe { &*object };
            let (core, pin, allocator) = (this.core, this.pin, this.allocator);
            let state = this.state.swap(KSSTATE_STOP, Ordering::Relaxed);
            if state != KSSTATE_STOP {
                // Closed without a STOP: stop it now, so that its notes end and it stops counting
                // as running.
                // SAFETY: this pin object still holds its core reference.
                unsafe { (*core).set_state(pin, object as usize, state, KSSTATE_STOP) };
            }
            // SAFETY: this pin object still holds its core reference.
            let miniport = unsafe { (*core).miniport };
            // The pin is closed: a new stream for it may pair with this core's other half.
            // SAFETY: the core holds a reference on the miniport.
            unsafe { (*miniport).unclaim(core, pin) };
            // SAFETY: made by try_box in `create`; last reference.
            unsafe { free_box(object) };
            if !allocator.is_null() {
                // SAFETY: the core is alive: this pin's core reference is only released below.
                unsafe { (*core).detach_midi(allocator) };
                // SAFETY: the reference taken in `create`.
                unsafe { com_release(allocator) };
            }
            // SAFETY: the reference taken in `create`.
            unsafe { Core::release(core) };
        }
        remaining
    }

    /// `IMXF::SetState` (PASSIVE_LEVEL): the state of this object's pin only.
    ///
    /// # Safety
    /// `this` is a live pin object.
    unsafe extern "system" fn set_state(this: *mut ISynthSinkDMus, state: KSSTATE) -> NTSTATUS {
        if !(KSSTATE_STOP..=KSSTATE_RUN).contains(&state) {
            return MiniportError::InvalidParameter.ntstatus();
        }
        // SAFETY: live object.
        let object = unsafe { &*this.cast::<Self>() };
        // KS serialises the state changes of one pin; the core counts the transitions.
        let previous = object.state.swap(state, Ordering::Relaxed);
        // SAFETY: live object.
        unsafe { Self::core(this) }.set_state(object.pin, this as usize, previous, state)
    }

    /// `IMXF::PutMessage` (DISPATCH_LEVEL): takes the chain, parses it, returns every event to the
    /// allocator. Never allocates.
    ///
    /// # Safety
    /// `this` is a live pin object; `event` null or a chain the caller hands over.
    unsafe extern "system" fn put_message(this: *mut ISynthSinkDMus, event: PDMUS_KERNEL_EVENT) -> NTSTATUS {
        // SAFETY: live object.
        let core = unsafe { Self::core(this) };
        if core.platform.irql() > Irql::DISPATCH {
            log!(core.platform, Error, "PutMessage above DISPATCH_LEVEL");
        }
        // SAFETY: live object.
        let allocator = unsafe { (*this.cast::<Self>()).allocator };
        // SAFETY: the chain is the caller's to hand over; the allocator is the pin's (null on a
        // wave pin: the core then returns the chain to the latest MIDI stream's allocator).
        unsafe { core.put_message(event, allocator, this as usize) }
    }

    /// `IMXF::ConnectOutput` (PASSIVE_LEVEL): a render stream has no output; succeeds and does
    /// nothing (ddksynth).
    ///
    /// # Safety
    /// None: no argument is used.
    unsafe extern "system" fn connect_output(_this: *mut ISynthSinkDMus, _sink: PMXF) -> NTSTATUS {
        STATUS_SUCCESS
    }

    /// `IMXF::DisconnectOutput` (PASSIVE_LEVEL): as `ConnectOutput`.
    ///
    /// # Safety
    /// None: no argument is used.
    unsafe extern "system" fn disconnect_output(_this: *mut ISynthSinkDMus, _sink: PMXF) -> NTSTATUS {
        STATUS_SUCCESS
    }

    /// `ISynthSinkDMus::Render` (PASSIVE_LEVEL): `length` and `position` in frames
    /// (docs/port-contract.md); writes the whole `length · nBlockAlign` bytes.
    ///
    /// # Safety
    /// `this` is a live pin object; `buffer` holds `length · nBlockAlign` writable bytes.
    unsafe extern "system" fn render(this: *mut ISynthSinkDMus, buffer: *mut u8, length: u32, position: i64) {
        // SAFETY: live object; the buffer contract is the caller's.
        let core = unsafe { Self::core(this) };
        // SAFETY: the buffer contract is the caller's.
        unsafe { core.render(buffer, length, position) }
    }

    /// `ISynthSinkDMus::SyncToMaster` (PASSIVE_LEVEL).
    ///
    /// # Safety
    /// `this` is a live pin object.
    unsafe extern "system" fn sync_to_master(this: *mut ISynthSinkDMus, time: i64, start: BOOL) -> NTSTATUS {
        // SAFETY: live object.
        unsafe { Self::core(this) }.sync_to_master(time, start != 0);
        STATUS_SUCCESS
    }

    /// `ISynthSinkDMus::SampleToRefTime` (≤ DISPATCH_LEVEL).
    ///
    /// # Safety
    /// `this` is a live pin object; `out` null or writable.
    unsafe extern "system" fn sample_to_ref_time(
        this: *mut ISynthSinkDMus,
        frame: i64,
        out: *mut i64,
    ) -> NTSTATUS {
        if out.is_null() {
            return MiniportError::InvalidParameter.ntstatus();
        }
        // SAFETY: live object.
        let time = unsafe { Self::core(this) }.sample_to_ref_time(frame);
        // SAFETY: writable by contract.
        unsafe { out.write_unaligned(time) };
        STATUS_SUCCESS
    }

    /// `ISynthSinkDMus::RefTimeToSample` (≤ DISPATCH_LEVEL).
    ///
    /// # Safety
    /// `this` is a live pin object; `out` null or writable.
    unsafe extern "system" fn ref_time_to_sample(
        this: *mut ISynthSinkDMus,
        time: i64,
        out: *mut i64,
    ) -> NTSTATUS {
        if out.is_null() {
            return MiniportError::InvalidParameter.ntstatus();
        }
        // SAFETY: live object.
        let frame = unsafe { Self::core(this) }.ref_time_to_sample(time);
        // SAFETY: writable by contract.
        unsafe { out.write_unaligned(frame) };
        STATUS_SUCCESS
    }
}
