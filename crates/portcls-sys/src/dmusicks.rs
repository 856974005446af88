//! dmusicks.h: the DirectMusic kernel event, the stream types, and the DMus interfaces
//! (`IMiniportDMus`, `IPortDMus`, `IMXF`, `IAllocatorMXF`, `ISynthSinkDMus`, `IMasterClock`).

use core::mem::size_of;

use crate::com::{GUID, PUNKNOWN, REFIID};
use crate::dmerror::NTSTATUS;
use crate::ks::{KSSTATE, PKSDATAFORMAT, PKSDATARANGE};
use crate::ntdef::{
    ACCESS_MASK, BOOL, BYTE, DEVICE_REGISTRY_PROPERTY, DWORD, LONGLONG, PBYTE, PDEVICE_OBJECT, PIRP,
    POBJECT_ATTRIBUTES, POOL_TYPE, PULONG, PULONGLONG, PVOID, REFERENCE_TIME, ULONG, ULONGLONG, USHORT,
};
use crate::portcls::{PPCFILTER_DESCRIPTOR, PREGISTRYKEY, PRESOURCELIST, PSERVICEGROUP};

/// `SchedulePreFetch` value telling the port not to hold events for sequencing: the synth
/// schedules them itself by timestamp.
pub const DONT_HOLD_FOR_SEQUENCING: ULONGLONG = 0x8000_0000_0000_0000;

/// `usFlags`: the event is complete.
pub const DMUS_KEF_EVENT_COMPLETE: USHORT = 0x0000;
/// `usFlags`: the event is incomplete (more SysEx follows).
pub const DMUS_KEF_EVENT_INCOMPLETE: USHORT = 0x0001;
/// `usFlags`: the event is a package; `uData.pPackageEvt` points to a chain of events.
pub const DMUS_KEF_PACKAGE_EVENT: USHORT = 0x0002;
/// `ullBytePosition` when there is none.
pub const kBytePositionNone: ULONGLONG = !0;

/// `DMUS_STREAM_TYPE` (a C enum: 4 bytes).
pub type DMUS_STREAM_TYPE = i32;
/// Invalid.
pub const DMUS_STREAM_MIDI_INVALID: DMUS_STREAM_TYPE = -1;
/// MIDI render (the DirectMusic input pin of a synth).
pub const DMUS_STREAM_MIDI_RENDER: DMUS_STREAM_TYPE = 0;
/// MIDI capture.
pub const DMUS_STREAM_MIDI_CAPTURE: DMUS_STREAM_TYPE = 1;
/// Wave sink (the PCM output pin of a synth).
pub const DMUS_STREAM_WAVE_SINK: DMUS_STREAM_TYPE = 2;

/// `DMUS_EFFECT_NONE`.
pub const DMUS_EFFECT_NONE: DWORD = 0;
/// `DMUS_EFFECT_REVERB`.
pub const DMUS_EFFECT_REVERB: DWORD = 1;
/// `DMUS_EFFECT_CHORUS`.
pub const DMUS_EFFECT_CHORUS: DWORD = 2;

/// The `uData` union of `DMUS_KERNEL_EVENT`: pointer-sized.
#[repr(C)]
#[derive(Clone, Copy)]
pub union DMUS_KERNEL_EVENT_DATA {
    /// The bytes themselves, when `cbEvent <= sizeof(PBYTE)` and not a package.
    pub abData: [BYTE; size_of::<PBYTE>()],
    /// A pointer to `cbEvent` bytes, when `cbEvent > sizeof(PBYTE)` and not a package.
    pub pbData: PBYTE,
    /// The first event of a package, when `usFlags & DMUS_KEF_PACKAGE_EVENT`.
    pub pPackageEvt: *mut DMUS_KERNEL_EVENT,
}

/// `DMUS_KERNEL_EVENT`: 40 bytes on 64-bit, 32 on x86.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct DMUS_KERNEL_EVENT {
    /// Reserved.
    pub bReserved: BYTE,
    /// Size of this struct (unused by the port).
    pub cbStruct: BYTE,
    /// Bytes of MIDI data.
    pub cbEvent: USHORT,
    /// Channel group (1-based).
    pub usChannelGroup: USHORT,
    /// `DMUS_KEF_*`.
    pub usFlags: USHORT,
    /// Presentation time, 100-ns units of the master clock.
    pub ullPresTime100ns: REFERENCE_TIME,
    /// Byte position (capture), or `kBytePositionNone`.
    pub ullBytePosition: ULONGLONG,
    /// The next event in the chain, or null.
    pub pNextEvt: *mut DMUS_KERNEL_EVENT,
    /// The data (see the union's fields for which one is live).
    pub uData: DMUS_KERNEL_EVENT_DATA,
}
/// `PDMUS_KERNEL_EVENT`.
pub type PDMUS_KERNEL_EVENT = *mut DMUS_KERNEL_EVENT;

impl DMUS_KERNEL_EVENT {
    /// An all-zero event (null pointers, no data).
    pub const fn zeroed() -> Self {
        Self {
            bReserved: 0,
            cbStruct: 0,
            cbEvent: 0,
            usChannelGroup: 0,
            usFlags: 0,
            ullPresTime100ns: 0,
            ullBytePosition: 0,
            pNextEvt: core::ptr::null_mut(),
            uData: DMUS_KERNEL_EVENT_DATA {
                abData: [0; size_of::<PBYTE>()],
            },
        }
    }

    /// `SHORT_EVT`: the data fits in `uData.abData` (`cbEvent <= sizeof(PBYTE)`).
    pub const fn is_short(&self) -> bool {
        (self.cbEvent as usize) <= size_of::<PBYTE>()
    }

    /// `PACKAGE_EVT`: `uData.pPackageEvt` is live.
    pub const fn is_package(&self) -> bool {
        self.usFlags & DMUS_KEF_PACKAGE_EVENT != 0
    }

    /// `INCOMPLETE_EVT`: more data of this (SysEx) message follows in a later event.
    pub const fn is_incomplete(&self) -> bool {
        self.usFlags & DMUS_KEF_EVENT_INCOMPLETE != 0
    }

    /// `COMPLETE_EVT`.
    pub const fn is_complete(&self) -> bool {
        !self.is_incomplete()
    }

    /// `SET_INCOMPLETE_EVT`.
    pub fn set_incomplete(&mut self) {
        self.usFlags |= DMUS_KEF_EVENT_INCOMPLETE;
    }

    /// `SET_COMPLETE_EVT`.
    pub fn set_complete(&mut self) {
        self.usFlags &= !DMUS_KEF_EVENT_INCOMPLETE;
    }

    /// `SET_PACKAGE_EVT`.
    pub fn set_package(&mut self) {
        self.usFlags |= DMUS_KEF_PACKAGE_EVENT;
    }

    /// `CLEAR_PACKAGE_EVT`.
    pub fn clear_package(&mut self) {
        self.usFlags &= !DMUS_KEF_PACKAGE_EVENT;
    }

    /// The bytes of a short event: `uData.abData[..cbEvent]`. `None` if the event is a package or
    /// not short.
    ///
    /// # Safety
    /// The union must hold inline data: whoever filled the event wrote `abData` (at least the first
    /// `cbEvent` bytes) and not a pointer. The flags and `cbEvent` must describe the union truthfully.
    pub unsafe fn short_data(&self) -> Option<&[u8]> {
        if self.is_package() || !self.is_short() {
            return None;
        }
        // SAFETY: the caller guarantees `abData` is the live, initialised field.
        let bytes = unsafe { &self.uData.abData };
        bytes.get(..self.cbEvent as usize)
    }

    /// Mutable view of the inline bytes (`uData.abData`), for building a short event. Writing it
    /// makes `abData` the live field, which is always sound for plain bytes.
    pub fn short_data_mut(&mut self) -> &mut [u8; size_of::<PBYTE>()] {
        // SAFETY: every bit pattern is a valid `[u8; N]`, and writing through this reference makes
        // `abData` the live field; no pointer validity is asserted.
        unsafe { &mut self.uData.abData }
    }

    /// The bytes of a long event: `cbEvent` bytes at `uData.pbData`. `None` if the event is a
    /// package, is short, or the pointer is null.
    ///
    /// # Safety
    /// The union must hold `pbData`, pointing at `cbEvent` readable bytes that stay valid and
    /// unmodified for the returned lifetime (the allocator's buffer, until the event goes back).
    pub unsafe fn long_data(&self) -> Option<&[u8]> {
        if self.is_package() || self.is_short() {
            return None;
        }
        // SAFETY: the caller guarantees `pbData` is the live field.
        let pointer = unsafe { self.uData.pbData };
        if pointer.is_null() {
            return None;
        }
        // SAFETY: the caller guarantees `cbEvent` readable bytes at `pointer` for this lifetime.
        Some(unsafe { core::slice::from_raw_parts(pointer, self.cbEvent as usize) })
    }

    /// The first event of a package (`uData.pPackageEvt`), or `None` if not a package.
    ///
    /// # Safety
    /// When `is_package()`, the union must hold `pPackageEvt` (a chain owned with this event).
    pub unsafe fn package_event(&self) -> Option<*mut DMUS_KERNEL_EVENT> {
        if !self.is_package() {
            return None;
        }
        // SAFETY: the caller guarantees `pPackageEvt` is the live field of a package event.
        Some(unsafe { self.uData.pPackageEvt })
    }
}

// ---- interfaces ----

/// `IMasterClockVtbl`: IUnknown (3) + GetTime = 4 slots. No public header defines an IID.
#[repr(C)]
pub struct IMasterClockVtbl {
    /// IUnknown::QueryInterface.
    pub QueryInterface: unsafe extern "system" fn(
        This: *mut IMasterClock,
        InterfaceId: REFIID,
        Interface: *mut PVOID,
    ) -> NTSTATUS,
    /// IUnknown::AddRef.
    pub AddRef: unsafe extern "system" fn(This: *mut IMasterClock) -> ULONG,
    /// IUnknown::Release.
    pub Release: unsafe extern "system" fn(This: *mut IMasterClock) -> ULONG,
    /// IMasterClock::GetTime: the master clock, 100-ns units (any IRQL <= DISPATCH_LEVEL).
    pub GetTime: unsafe extern "system" fn(This: *mut IMasterClock, pTime: *mut REFERENCE_TIME) -> NTSTATUS,
}
/// `IMasterClock`.
#[repr(C)]
pub struct IMasterClock {
    /// The vtable.
    pub lpVtbl: *const IMasterClockVtbl,
}
/// `PMASTERCLOCK`.
pub type PMASTERCLOCK = *mut IMasterClock;

/// `IMXFVtbl`: IUnknown (3) + IMXF (4) = 7 slots.
#[repr(C)]
pub struct IMXFVtbl {
    /// IUnknown::QueryInterface.
    pub QueryInterface:
        unsafe extern "system" fn(This: *mut IMXF, InterfaceId: REFIID, Interface: *mut PVOID) -> NTSTATUS,
    /// IUnknown::AddRef.
    pub AddRef: unsafe extern "system" fn(This: *mut IMXF) -> ULONG,
    /// IUnknown::Release.
    pub Release: unsafe extern "system" fn(This: *mut IMXF) -> ULONG,
    /// IMXF::SetState.
    pub SetState: unsafe extern "system" fn(This: *mut IMXF, State: KSSTATE) -> NTSTATUS,
    /// IMXF::PutMessage (DISPATCH_LEVEL): takes ownership of the event chain.
    pub PutMessage: unsafe extern "system" fn(This: *mut IMXF, pDMKEvt: PDMUS_KERNEL_EVENT) -> NTSTATUS,
    /// IMXF::ConnectOutput.
    pub ConnectOutput: unsafe extern "system" fn(This: *mut IMXF, sinkMXF: PMXF) -> NTSTATUS,
    /// IMXF::DisconnectOutput.
    pub DisconnectOutput: unsafe extern "system" fn(This: *mut IMXF, sinkMXF: PMXF) -> NTSTATUS,
}
/// `IMXF`.
#[repr(C)]
pub struct IMXF {
    /// The vtable.
    pub lpVtbl: *const IMXFVtbl,
}
/// `PMXF`.
pub type PMXF = *mut IMXF;

/// `IAllocatorMXFVtbl`: IUnknown (3) + IMXF (4) + IAllocatorMXF (4) = 11 slots.
#[repr(C)]
pub struct IAllocatorMXFVtbl {
    /// IUnknown::QueryInterface.
    pub QueryInterface: unsafe extern "system" fn(
        This: *mut IAllocatorMXF,
        InterfaceId: REFIID,
        Interface: *mut PVOID,
    ) -> NTSTATUS,
    /// IUnknown::AddRef.
    pub AddRef: unsafe extern "system" fn(This: *mut IAllocatorMXF) -> ULONG,
    /// IUnknown::Release.
    pub Release: unsafe extern "system" fn(This: *mut IAllocatorMXF) -> ULONG,
    /// IMXF::SetState.
    pub SetState: unsafe extern "system" fn(This: *mut IAllocatorMXF, State: KSSTATE) -> NTSTATUS,
    /// IMXF::PutMessage: returns an event chain (and its buffers) to the allocator.
    pub PutMessage:
        unsafe extern "system" fn(This: *mut IAllocatorMXF, pDMKEvt: PDMUS_KERNEL_EVENT) -> NTSTATUS,
    /// IMXF::ConnectOutput.
    pub ConnectOutput: unsafe extern "system" fn(This: *mut IAllocatorMXF, sinkMXF: PMXF) -> NTSTATUS,
    /// IMXF::DisconnectOutput.
    pub DisconnectOutput: unsafe extern "system" fn(This: *mut IAllocatorMXF, sinkMXF: PMXF) -> NTSTATUS,
    /// IAllocatorMXF::GetMessage.
    pub GetMessage:
        unsafe extern "system" fn(This: *mut IAllocatorMXF, ppDMKEvt: *mut PDMUS_KERNEL_EVENT) -> NTSTATUS,
    /// IAllocatorMXF::GetBufferSize (returns USHORT).
    pub GetBufferSize: unsafe extern "system" fn(This: *mut IAllocatorMXF) -> USHORT,
    /// IAllocatorMXF::GetBuffer.
    pub GetBuffer: unsafe extern "system" fn(This: *mut IAllocatorMXF, ppBuffer: *mut PBYTE) -> NTSTATUS,
    /// IAllocatorMXF::PutBuffer.
    pub PutBuffer: unsafe extern "system" fn(This: *mut IAllocatorMXF, pBuffer: PBYTE) -> NTSTATUS,
}
/// `IAllocatorMXF`.
#[repr(C)]
pub struct IAllocatorMXF {
    /// The vtable.
    pub lpVtbl: *const IAllocatorMXFVtbl,
}
/// `PAllocatorMXF`.
pub type PAllocatorMXF = *mut IAllocatorMXF;

/// `ISynthSinkDMusVtbl`: IUnknown (3) + IMXF (4) + ISynthSinkDMus (4) = 11 slots (WDK dmusicks.h;
/// absent from mingw and ReactOS).
#[repr(C)]
pub struct ISynthSinkDMusVtbl {
    /// IUnknown::QueryInterface.
    pub QueryInterface: unsafe extern "system" fn(
        This: *mut ISynthSinkDMus,
        InterfaceId: REFIID,
        Interface: *mut PVOID,
    ) -> NTSTATUS,
    /// IUnknown::AddRef.
    pub AddRef: unsafe extern "system" fn(This: *mut ISynthSinkDMus) -> ULONG,
    /// IUnknown::Release.
    pub Release: unsafe extern "system" fn(This: *mut ISynthSinkDMus) -> ULONG,
    /// IMXF::SetState.
    pub SetState: unsafe extern "system" fn(This: *mut ISynthSinkDMus, State: KSSTATE) -> NTSTATUS,
    /// IMXF::PutMessage.
    pub PutMessage:
        unsafe extern "system" fn(This: *mut ISynthSinkDMus, pDMKEvt: PDMUS_KERNEL_EVENT) -> NTSTATUS,
    /// IMXF::ConnectOutput.
    pub ConnectOutput: unsafe extern "system" fn(This: *mut ISynthSinkDMus, sinkMXF: PMXF) -> NTSTATUS,
    /// IMXF::DisconnectOutput.
    pub DisconnectOutput: unsafe extern "system" fn(This: *mut ISynthSinkDMus, sinkMXF: PMXF) -> NTSTATUS,
    /// ISynthSinkDMus::Render (returns void). Units of `dwLength`/`llPosition`: see the reference
    /// (ddksynth: sample frames; DDI page: bytes).
    pub Render: unsafe extern "system" fn(
        This: *mut ISynthSinkDMus,
        pBuffer: PBYTE,
        dwLength: DWORD,
        llPosition: LONGLONG,
    ),
    /// ISynthSinkDMus::SyncToMaster.
    pub SyncToMaster: unsafe extern "system" fn(
        This: *mut ISynthSinkDMus,
        rfTime: REFERENCE_TIME,
        fStart: BOOL,
    ) -> NTSTATUS,
    /// ISynthSinkDMus::SampleToRefTime.
    pub SampleToRefTime: unsafe extern "system" fn(
        This: *mut ISynthSinkDMus,
        llSampleTime: LONGLONG,
        prfTime: *mut REFERENCE_TIME,
    ) -> NTSTATUS,
    /// ISynthSinkDMus::RefTimeToSample.
    pub RefTimeToSample: unsafe extern "system" fn(
        This: *mut ISynthSinkDMus,
        rfTime: REFERENCE_TIME,
        pllSampleTime: *mut LONGLONG,
    ) -> NTSTATUS,
}
/// `ISynthSinkDMus`.
#[repr(C)]
pub struct ISynthSinkDMus {
    /// The vtable.
    pub lpVtbl: *const ISynthSinkDMusVtbl,
}
/// `PSYNTHSINKDMUS`.
pub type PSYNTHSINKDMUS = *mut ISynthSinkDMus;

/// `IPortDMusVtbl`: IUnknown (3) + IPort (3) + IPortDMus (2) = 8 slots.
#[repr(C)]
pub struct IPortDMusVtbl {
    /// IUnknown::QueryInterface.
    pub QueryInterface: unsafe extern "system" fn(
        This: *mut IPortDMus,
        InterfaceId: REFIID,
        Interface: *mut PVOID,
    ) -> NTSTATUS,
    /// IUnknown::AddRef.
    pub AddRef: unsafe extern "system" fn(This: *mut IPortDMus) -> ULONG,
    /// IUnknown::Release.
    pub Release: unsafe extern "system" fn(This: *mut IPortDMus) -> ULONG,
    /// IPort::Init.
    pub Init: unsafe extern "system" fn(
        This: *mut IPortDMus,
        DeviceObject: PDEVICE_OBJECT,
        Irp: PIRP,
        UnknownMiniport: PUNKNOWN,
        UnknownAdapter: PUNKNOWN,
        ResourceList: PRESOURCELIST,
    ) -> NTSTATUS,
    /// IPort::GetDeviceProperty.
    pub GetDeviceProperty: unsafe extern "system" fn(
        This: *mut IPortDMus,
        DeviceProperty: DEVICE_REGISTRY_PROPERTY,
        BufferLength: ULONG,
        PropertyBuffer: PVOID,
        ResultLength: PULONG,
    ) -> NTSTATUS,
    /// IPort::NewRegistryKey.
    pub NewRegistryKey: unsafe extern "system" fn(
        This: *mut IPortDMus,
        OutRegistryKey: *mut PREGISTRYKEY,
        OuterUnknown: PUNKNOWN,
        RegistryKeyType: ULONG,
        DesiredAccess: ACCESS_MASK,
        ObjectAttributes: POBJECT_ATTRIBUTES,
        CreateOptions: ULONG,
        Disposition: PULONG,
    ) -> NTSTATUS,
    /// IPortDMus::Notify (returns void).
    pub Notify: unsafe extern "system" fn(This: *mut IPortDMus, ServiceGroup: PSERVICEGROUP),
    /// IPortDMus::RegisterServiceGroup (returns void).
    pub RegisterServiceGroup: unsafe extern "system" fn(This: *mut IPortDMus, ServiceGroup: PSERVICEGROUP),
}
/// `IPortDMus`.
#[repr(C)]
pub struct IPortDMus {
    /// The vtable.
    pub lpVtbl: *const IPortDMusVtbl,
}
/// `PPORTDMUS`.
pub type PPORTDMUS = *mut IPortDMus;

/// `IMiniportDMusVtbl`: IUnknown (3) + IMiniport (2) + IMiniportDMus (3) = 8 slots.
#[repr(C)]
pub struct IMiniportDMusVtbl {
    /// IUnknown::QueryInterface.
    pub QueryInterface: unsafe extern "system" fn(
        This: *mut IMiniportDMus,
        InterfaceId: REFIID,
        Interface: *mut PVOID,
    ) -> NTSTATUS,
    /// IUnknown::AddRef.
    pub AddRef: unsafe extern "system" fn(This: *mut IMiniportDMus) -> ULONG,
    /// IUnknown::Release.
    pub Release: unsafe extern "system" fn(This: *mut IMiniportDMus) -> ULONG,
    /// IMiniport::GetDescription.
    pub GetDescription: unsafe extern "system" fn(
        This: *mut IMiniportDMus,
        Description: *mut PPCFILTER_DESCRIPTOR,
    ) -> NTSTATUS,
    /// IMiniport::DataRangeIntersection.
    pub DataRangeIntersection: unsafe extern "system" fn(
        This: *mut IMiniportDMus,
        PinId: ULONG,
        DataRange: PKSDATARANGE,
        MatchingDataRange: PKSDATARANGE,
        OutputBufferLength: ULONG,
        ResultantFormat: PVOID,
        ResultantFormatLength: PULONG,
    ) -> NTSTATUS,
    /// IMiniportDMus::Init.
    pub Init: unsafe extern "system" fn(
        This: *mut IMiniportDMus,
        UnknownAdapter: PUNKNOWN,
        ResourceList: PRESOURCELIST,
        Port: PPORTDMUS,
        ServiceGroup: *mut PSERVICEGROUP,
    ) -> NTSTATUS,
    /// IMiniportDMus::Service (returns void).
    pub Service: unsafe extern "system" fn(This: *mut IMiniportDMus),
    /// IMiniportDMus::NewStream.
    pub NewStream: unsafe extern "system" fn(
        This: *mut IMiniportDMus,
        MXF: *mut PMXF,
        OuterUnknown: PUNKNOWN,
        PoolType: POOL_TYPE,
        PinID: ULONG,
        StreamType: DMUS_STREAM_TYPE,
        DataFormat: PKSDATAFORMAT,
        ServiceGroup: *mut PSERVICEGROUP,
        AllocatorMXF: PAllocatorMXF,
        MasterClock: PMASTERCLOCK,
        SchedulePreFetch: PULONGLONG,
    ) -> NTSTATUS,
}
/// `IMiniportDMus`.
#[repr(C)]
pub struct IMiniportDMus {
    /// The vtable.
    pub lpVtbl: *const IMiniportDMusVtbl,
}
/// `PMINIPORTDMUS`.
pub type PMINIPORTDMUS = *mut IMiniportDMus;

// ---- GUIDs (dmusicks.h) ----
/// CLSID_PortDMus {B7902FE9-FB0A-11D1-81B0-0060083316C1}.
pub const CLSID_PortDMus: GUID = GUID::from_u128(0xB7902FE9_FB0A_11D1_81B0_0060083316C1);
/// CLSID_MiniportDriverDMusUART {D3F0CE1C-FFFC-11D1-81B0-0060083316C1}.
pub const CLSID_MiniportDriverDMusUART: GUID = GUID::from_u128(0xD3F0CE1C_FFFC_11D1_81B0_0060083316C1);
/// CLSID_MiniportDriverDMusUARTCapture {D3F0CE1D-FFFC-11D1-81B0-0060083316C1}.
pub const CLSID_MiniportDriverDMusUARTCapture: GUID = GUID::from_u128(0xD3F0CE1D_FFFC_11D1_81B0_0060083316C1);
/// IID_IPortDMus {C096DF9C-FB09-11D1-81B0-0060083316C1}.
pub const IID_IPortDMus: GUID = GUID::from_u128(0xC096DF9C_FB09_11D1_81B0_0060083316C1);
/// IID_IMiniportDMus {C096DF9D-FB09-11D1-81B0-0060083316C1}.
pub const IID_IMiniportDMus: GUID = GUID::from_u128(0xC096DF9D_FB09_11D1_81B0_0060083316C1);
/// IID_IMXF {C096DF9E-FB09-11D1-81B0-0060083316C1}.
pub const IID_IMXF: GUID = GUID::from_u128(0xC096DF9E_FB09_11D1_81B0_0060083316C1);
/// IID_IAllocatorMXF {A5F0D62C-B30F-11D2-B7A3-0060083316C1}.
pub const IID_IAllocatorMXF: GUID = GUID::from_u128(0xA5F0D62C_B30F_11D2_B7A3_0060083316C1);
/// IID_ISynthSinkDMus {1F476974-679B-11D2-8F7D-00C04FBF8FEF}.
pub const IID_ISynthSinkDMus: GUID = GUID::from_u128(0x1F476974_679B_11D2_8F7D_00C04FBF8FEF);
/// KSAUDFNAME_DMUSIC_MPU_OUT {A4DF0EB5-BAC9-11D2-B7A8-0060083316C1}.
pub const KSAUDFNAME_DMUSIC_MPU_OUT: GUID = GUID::from_u128(0xA4DF0EB5_BAC9_11D2_B7A8_0060083316C1);
/// KSAUDFNAME_DMUSIC_MPU_IN {B2EC0A7D-BAC9-11D2-B7A8-0060083316C1}.
pub const KSAUDFNAME_DMUSIC_MPU_IN: GUID = GUID::from_u128(0xB2EC0A7D_BAC9_11D2_B7A8_0060083316C1);

#[cfg(test)]
mod tests {
    use super::*;

    fn event(bytes: &[u8]) -> DMUS_KERNEL_EVENT {
        let mut event = DMUS_KERNEL_EVENT::zeroed();
        event.cbEvent = bytes.len() as USHORT;
        event.short_data_mut()[..bytes.len()].copy_from_slice(bytes);
        event
    }

    #[test]
    fn short_event_reads_its_inline_bytes() {
        let note_on = event(&[0x90, 60, 100]);
        assert!(note_on.is_short());
        assert!(!note_on.is_package());
        assert!(note_on.is_complete());
        // SAFETY: `event` wrote `abData`.
        assert_eq!(unsafe { note_on.short_data() }, Some(&[0x90, 60, 100][..]));
        // SAFETY: a short event is never read as long data.
        assert_eq!(unsafe { note_on.long_data() }, None);
    }

    #[test]
    fn short_means_at_most_a_pointer_of_bytes() {
        let mut e = DMUS_KERNEL_EVENT::zeroed();
        e.cbEvent = size_of::<PBYTE>() as USHORT;
        assert!(e.is_short());
        e.cbEvent += 1;
        assert!(!e.is_short());
        // SAFETY: the union holds zero bytes; a long event is not read as short data.
        assert_eq!(unsafe { e.short_data() }, None);
    }

    #[test]
    fn long_event_reads_through_its_pointer() {
        let mut sysex = [
            0xF0u8, 0x7E, 0x7F, 0x09, 0x01, 0xF7, 0x00, 0x00, 0x00, 0x00, 0x00, 0xAA,
        ];
        let mut e = DMUS_KERNEL_EVENT::zeroed();
        e.cbEvent = sysex.len() as USHORT;
        e.uData.pbData = sysex.as_mut_ptr();
        // SAFETY: `pbData` points at `cbEvent` bytes that outlive the borrow.
        assert_eq!(unsafe { e.long_data() }, Some(&sysex[..]));
        // SAFETY: as above; a long event is not short.
        assert_eq!(unsafe { e.short_data() }, None);
        e.uData.pbData = core::ptr::null_mut();
        // SAFETY: null is rejected before any read.
        assert_eq!(unsafe { e.long_data() }, None);
    }

    #[test]
    fn package_flags_and_pointer() {
        let mut inner = event(&[0x80, 60, 0]);
        let mut outer = DMUS_KERNEL_EVENT::zeroed();
        outer.set_package();
        outer.uData.pPackageEvt = &mut inner;
        assert!(outer.is_package());
        // SAFETY: the union holds `pPackageEvt`.
        let first = unsafe { outer.package_event() }.unwrap();
        assert!(core::ptr::eq(first, &inner));
        // SAFETY: a package never exposes its pointer as data.
        assert_eq!(unsafe { outer.short_data() }, None);
        outer.clear_package();
        assert!(!outer.is_package());
        // SAFETY: not a package: no pointer is read.
        assert_eq!(unsafe { outer.package_event() }, None);
        outer.set_incomplete();
        assert!(outer.is_incomplete() && outer.usFlags == DMUS_KEF_EVENT_INCOMPLETE);
        outer.set_complete();
        assert_eq!(outer.usFlags, DMUS_KEF_EVENT_COMPLETE);
    }
}
