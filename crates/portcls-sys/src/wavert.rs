//! WaveRT and topology additions (portcls.h, ksmedia.h): what a WaveRT capture endpoint and its
//! topology filter need besides the generic descriptors of [`crate::portcls`].
//!
//! Added for the hardware-synth mode (issue 9): `KSAUDIO_POSITION`, `KSRTAUDIO_HWLATENCY`, the
//! GUIDs, and the vtables of `IMiniportWaveRT`, `IMiniportWaveRTStream(Notification)`,
//! `IPortWaveRTStream`, `IMiniportTopology` (and `IPortWaveRT`/`IPortTopology`, which are `IPort`).
//! Everything is checked against mingw by `tests/layout.rs` like the rest (slot order and
//! prototypes included); `KSRTAUDIO_HWLATENCY`, which mingw only names, against its documented
//! layout.

use crate::com::GUID;
use crate::com::{PUNKNOWN, REFIID};
use crate::dmerror::NTSTATUS;
use crate::ks::{KSSTATE, PKSDATAFORMAT, PKSDATARANGE};
use crate::ntdef::{
    BOOLEAN, KSRTAUDIO_HWREGISTER, MEMORY_CACHING_TYPE, PDEVICE_DESCRIPTION, PHYSICAL_ADDRESS, PKEVENT, PMDL,
    PULONG, PVOID, SIZE_T, ULONG, ULONGLONG,
};
use crate::portcls::{IPortVtbl, PPCFILTER_DESCRIPTOR, PRESOURCELIST};

/// `KSAUDIO_POSITION` (ksmedia.h): byte offsets in the cyclic buffer. For capture, `PlayOffset`
/// is the record position and `WriteOffset` the position up to which the client may read.
#[repr(C)]
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct KSAUDIO_POSITION {
    /// Play (capture: record) position, bytes.
    pub PlayOffset: ULONGLONG,
    /// Write (capture: readable-up-to) position, bytes.
    pub WriteOffset: ULONGLONG,
}

/// Pointer to [`KSAUDIO_POSITION`].
pub type PKSAUDIO_POSITION = *mut KSAUDIO_POSITION;

// ---- GUIDs (ksmedia.h) ----
/// KSDATAFORMAT_SUBTYPE_ANALOG {6DBA3190-67BD-11CF-A0F7-0020AFD156E4}: bridge pin ranges.
pub const KSDATAFORMAT_SUBTYPE_ANALOG: GUID = GUID::from_u128(0x6DBA3190_67BD_11CF_A0F7_0020AFD156E4);
/// KSNODETYPE_LINE_CONNECTOR {DFF21FE3-F70F-11D0-B917-00A0C9223196}: endpoint pin category.
pub const KSNODETYPE_LINE_CONNECTOR: GUID = GUID::from_u128(0xDFF21FE3_F70F_11D0_B917_00A0C9223196);
/// KSNODETYPE_MUTE {02B223C0-C557-11D0-8A2B-00A0C9255AC1}.
pub const KSNODETYPE_MUTE: GUID = GUID::from_u128(0x02B223C0_C557_11D0_8A2B_00A0C9255AC1);
/// KSCATEGORY_REALTIME {EB115FFC-10C8-4964-831D-6DCB02E6F23F}: WaveRT filter interface category.
pub const KSCATEGORY_REALTIME: GUID = GUID::from_u128(0xEB115FFC_10C8_4964_831D_6DCB02E6F23F);
/// KSPROPSETID_RtAudio {A855A48C-2F78-4729-9051-1968746B9EEF}.
pub const KSPROPSETID_RtAudio: GUID = GUID::from_u128(0xA855A48C_2F78_4729_9051_1968746B9EEF);

// ---- GUIDs (portcls.h) ----
/// CLSID_PortWaveRT {CC9BE57A-EB9E-42B4-94FC-0CAD3DBCE7FA}: `PcNewPort` class of the WaveRT port.
pub const CLSID_PortWaveRT: GUID = GUID::from_u128(0xCC9BE57A_EB9E_42B4_94FC_0CAD3DBCE7FA);
/// IID_IPortWaveRT {339FF909-68A9-4310-B09B-274E96EE4CBD}.
pub const IID_IPortWaveRT: GUID = GUID::from_u128(0x339FF909_68A9_4310_B09B_274E96EE4CBD);
/// IID_IPortWaveRTStream {1809CE5A-64BC-4E62-BD7D-95BCE43DE393}.
pub const IID_IPortWaveRTStream: GUID = GUID::from_u128(0x1809CE5A_64BC_4E62_BD7D_95BCE43DE393);
/// IID_IMiniportWaveRTStream {000AC9AB-FAAB-4F3D-9455-6FF8306A74A0}.
pub const IID_IMiniportWaveRTStream: GUID = GUID::from_u128(0x000AC9AB_FAAB_4F3D_9455_6FF8306A74A0);
/// IID_IMiniportWaveRTStreamNotification {23759128-96F1-423B-AB4D-81635BCF8CA1}.
pub const IID_IMiniportWaveRTStreamNotification: GUID =
    GUID::from_u128(0x23759128_96F1_423B_AB4D_81635BCF8CA1);
/// IID_IMiniportWaveRT {0F9FC4D6-6061-4F3C-B1FC-075E35F7960A}.
pub const IID_IMiniportWaveRT: GUID = GUID::from_u128(0x0F9FC4D6_6061_4F3C_B1FC_075E35F7960A);

// ---- structs the WaveRT stream fills ----

/// `KSRTAUDIO_HWLATENCY` (ksmedia.h; mingw declares it only by name): what
/// `IMiniportWaveRTStream::GetHWLatency` writes. A virtual device writes zeros.
#[repr(C)]
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct KSRTAUDIO_HWLATENCY {
    /// Bytes in the hardware FIFO.
    pub FifoSize: ULONG,
    /// Chipset delay, 100 ns units.
    pub ChipsetDelay: ULONG,
    /// Codec delay, 100 ns units.
    pub CodecDelay: ULONG,
}

// ---- interfaces (portcls.h, C layout: IUnknown slots first, then the bases' slots) ----

/// `IPortWaveRT`: IPort's 6 slots, nothing more.
#[repr(C)]
pub struct IPortWaveRT {
    /// The vtable (`IPortVtbl`'s layout).
    pub lpVtbl: *const IPortVtbl,
}
/// `PPORTWAVERT`.
pub type PPORTWAVERT = *mut IPortWaveRT;

/// `IPortTopology`: IPort's 6 slots, nothing more.
#[repr(C)]
pub struct IPortTopology {
    /// The vtable (`IPortVtbl`'s layout).
    pub lpVtbl: *const IPortVtbl,
}
/// `PPORTTOPOLOGY`.
pub type PPORTTOPOLOGY = *mut IPortTopology;

/// `IPortWaveRTStreamVtbl`: IUnknown (3) + 7 slots; the port's services for buffer memory.
#[repr(C)]
pub struct IPortWaveRTStreamVtbl {
    /// IUnknown::QueryInterface.
    pub QueryInterface: unsafe extern "system" fn(
        This: *mut IPortWaveRTStream,
        InterfaceId: REFIID,
        Interface: *mut PVOID,
    ) -> NTSTATUS,
    /// IUnknown::AddRef.
    pub AddRef: unsafe extern "system" fn(This: *mut IPortWaveRTStream) -> ULONG,
    /// IUnknown::Release.
    pub Release: unsafe extern "system" fn(This: *mut IPortWaveRTStream) -> ULONG,
    /// AllocatePagesForMdl.
    pub AllocatePagesForMdl: unsafe extern "system" fn(
        This: *mut IPortWaveRTStream,
        HighAddress: PHYSICAL_ADDRESS,
        TotalBytes: SIZE_T,
    ) -> PMDL,
    /// AllocateContiguousPagesForMdl.
    pub AllocateContiguousPagesForMdl: unsafe extern "system" fn(
        This: *mut IPortWaveRTStream,
        LowAddress: PHYSICAL_ADDRESS,
        HighAddress: PHYSICAL_ADDRESS,
        TotalBytes: SIZE_T,
    ) -> PMDL,
    /// MapAllocatedPages.
    pub MapAllocatedPages: unsafe extern "system" fn(
        This: *mut IPortWaveRTStream,
        MemoryDescriptorList: PMDL,
        CacheType: MEMORY_CACHING_TYPE,
    ) -> PVOID,
    /// UnmapAllocatedPages.
    pub UnmapAllocatedPages: unsafe extern "system" fn(
        This: *mut IPortWaveRTStream,
        BaseAddress: PVOID,
        MemoryDescriptorList: PMDL,
    ),
    /// FreePagesFromMdl.
    pub FreePagesFromMdl: unsafe extern "system" fn(This: *mut IPortWaveRTStream, MemoryDescriptorList: PMDL),
    /// GetPhysicalPagesCount.
    pub GetPhysicalPagesCount:
        unsafe extern "system" fn(This: *mut IPortWaveRTStream, MemoryDescriptorList: PMDL) -> ULONG,
    /// GetPhysicalPageAddress.
    pub GetPhysicalPageAddress: unsafe extern "system" fn(
        This: *mut IPortWaveRTStream,
        MemoryDescriptorList: PMDL,
        Index: ULONG,
    ) -> PHYSICAL_ADDRESS,
}
/// `IPortWaveRTStream`.
#[repr(C)]
pub struct IPortWaveRTStream {
    /// The vtable.
    pub lpVtbl: *const IPortWaveRTStreamVtbl,
}
/// `PPORTWAVERTSTREAM`.
pub type PPORTWAVERTSTREAM = *mut IPortWaveRTStream;

/// `IMiniportWaveRTStreamVtbl`: IUnknown (3) + 8 slots = 11.
#[repr(C)]
pub struct IMiniportWaveRTStreamVtbl {
    /// IUnknown::QueryInterface.
    pub QueryInterface: unsafe extern "system" fn(
        This: *mut IMiniportWaveRTStream,
        InterfaceId: REFIID,
        Interface: *mut PVOID,
    ) -> NTSTATUS,
    /// IUnknown::AddRef.
    pub AddRef: unsafe extern "system" fn(This: *mut IMiniportWaveRTStream) -> ULONG,
    /// IUnknown::Release.
    pub Release: unsafe extern "system" fn(This: *mut IMiniportWaveRTStream) -> ULONG,
    /// SetFormat.
    pub SetFormat:
        unsafe extern "system" fn(This: *mut IMiniportWaveRTStream, DataFormat: PKSDATAFORMAT) -> NTSTATUS,
    /// SetState.
    pub SetState: unsafe extern "system" fn(This: *mut IMiniportWaveRTStream, State: KSSTATE) -> NTSTATUS,
    /// GetPosition.
    pub GetPosition:
        unsafe extern "system" fn(This: *mut IMiniportWaveRTStream, Position: PKSAUDIO_POSITION) -> NTSTATUS,
    /// AllocateAudioBuffer.
    pub AllocateAudioBuffer: unsafe extern "system" fn(
        This: *mut IMiniportWaveRTStream,
        RequestedSize: ULONG,
        AudioBufferMdl: *mut PMDL,
        ActualSize: *mut ULONG,
        OffsetFromFirstPage: *mut ULONG,
        CacheType: *mut MEMORY_CACHING_TYPE,
    ) -> NTSTATUS,
    /// FreeAudioBuffer.
    pub FreeAudioBuffer:
        unsafe extern "system" fn(This: *mut IMiniportWaveRTStream, AudioBufferMdl: PMDL, BufferSize: ULONG),
    /// GetHWLatency.
    pub GetHWLatency:
        unsafe extern "system" fn(This: *mut IMiniportWaveRTStream, hwLatency: *mut KSRTAUDIO_HWLATENCY),
    /// GetPositionRegister.
    pub GetPositionRegister: unsafe extern "system" fn(
        This: *mut IMiniportWaveRTStream,
        Register: *mut KSRTAUDIO_HWREGISTER,
    ) -> NTSTATUS,
    /// GetClockRegister.
    pub GetClockRegister: unsafe extern "system" fn(
        This: *mut IMiniportWaveRTStream,
        Register: *mut KSRTAUDIO_HWREGISTER,
    ) -> NTSTATUS,
}
/// `IMiniportWaveRTStream`.
#[repr(C)]
pub struct IMiniportWaveRTStream {
    /// The vtable.
    pub lpVtbl: *const IMiniportWaveRTStreamVtbl,
}
/// `PMINIPORTWAVERTSTREAM`.
pub type PMINIPORTWAVERTSTREAM = *mut IMiniportWaveRTStream;

/// `IMiniportWaveRTStreamNotificationVtbl`: the 11 slots of `IMiniportWaveRTStream` + 4 = 15.
#[repr(C)]
pub struct IMiniportWaveRTStreamNotificationVtbl {
    /// IUnknown::QueryInterface.
    pub QueryInterface: unsafe extern "system" fn(
        This: *mut IMiniportWaveRTStreamNotification,
        InterfaceId: REFIID,
        Interface: *mut PVOID,
    ) -> NTSTATUS,
    /// IUnknown::AddRef.
    pub AddRef: unsafe extern "system" fn(This: *mut IMiniportWaveRTStreamNotification) -> ULONG,
    /// IUnknown::Release.
    pub Release: unsafe extern "system" fn(This: *mut IMiniportWaveRTStreamNotification) -> ULONG,
    /// SetFormat.
    pub SetFormat: unsafe extern "system" fn(
        This: *mut IMiniportWaveRTStreamNotification,
        DataFormat: PKSDATAFORMAT,
    ) -> NTSTATUS,
    /// SetState.
    pub SetState:
        unsafe extern "system" fn(This: *mut IMiniportWaveRTStreamNotification, State: KSSTATE) -> NTSTATUS,
    /// GetPosition.
    pub GetPosition: unsafe extern "system" fn(
        This: *mut IMiniportWaveRTStreamNotification,
        Position: PKSAUDIO_POSITION,
    ) -> NTSTATUS,
    /// AllocateAudioBuffer.
    pub AllocateAudioBuffer: unsafe extern "system" fn(
        This: *mut IMiniportWaveRTStreamNotification,
        RequestedSize: ULONG,
        AudioBufferMdl: *mut PMDL,
        ActualSize: *mut ULONG,
        OffsetFromFirstPage: *mut ULONG,
        CacheType: *mut MEMORY_CACHING_TYPE,
    ) -> NTSTATUS,
    /// FreeAudioBuffer.
    pub FreeAudioBuffer: unsafe extern "system" fn(
        This: *mut IMiniportWaveRTStreamNotification,
        AudioBufferMdl: PMDL,
        BufferSize: ULONG,
    ),
    /// GetHWLatency.
    pub GetHWLatency: unsafe extern "system" fn(
        This: *mut IMiniportWaveRTStreamNotification,
        hwLatency: *mut KSRTAUDIO_HWLATENCY,
    ),
    /// GetPositionRegister.
    pub GetPositionRegister: unsafe extern "system" fn(
        This: *mut IMiniportWaveRTStreamNotification,
        Register: *mut KSRTAUDIO_HWREGISTER,
    ) -> NTSTATUS,
    /// GetClockRegister.
    pub GetClockRegister: unsafe extern "system" fn(
        This: *mut IMiniportWaveRTStreamNotification,
        Register: *mut KSRTAUDIO_HWREGISTER,
    ) -> NTSTATUS,
    /// AllocateBufferWithNotification.
    pub AllocateBufferWithNotification: unsafe extern "system" fn(
        This: *mut IMiniportWaveRTStreamNotification,
        NotificationCount: ULONG,
        RequestedSize: ULONG,
        AudioBufferMdl: *mut PMDL,
        ActualSize: *mut ULONG,
        OffsetFromFirstPage: *mut ULONG,
        CacheType: *mut MEMORY_CACHING_TYPE,
    ) -> NTSTATUS,
    /// FreeBufferWithNotification.
    pub FreeBufferWithNotification: unsafe extern "system" fn(
        This: *mut IMiniportWaveRTStreamNotification,
        AudioBufferMdl: PMDL,
        BufferSize: ULONG,
    ),
    /// RegisterNotificationEvent.
    pub RegisterNotificationEvent: unsafe extern "system" fn(
        This: *mut IMiniportWaveRTStreamNotification,
        NotificationEvent: PKEVENT,
    ) -> NTSTATUS,
    /// UnregisterNotificationEvent.
    pub UnregisterNotificationEvent: unsafe extern "system" fn(
        This: *mut IMiniportWaveRTStreamNotification,
        NotificationEvent: PKEVENT,
    ) -> NTSTATUS,
}
/// `IMiniportWaveRTStreamNotification`.
#[repr(C)]
pub struct IMiniportWaveRTStreamNotification {
    /// The vtable.
    pub lpVtbl: *const IMiniportWaveRTStreamNotificationVtbl,
}

/// `IMiniportWaveRTVtbl`: IUnknown (3) + IMiniport (2) + 3 = 8 slots.
#[repr(C)]
pub struct IMiniportWaveRTVtbl {
    /// IUnknown::QueryInterface.
    pub QueryInterface: unsafe extern "system" fn(
        This: *mut IMiniportWaveRT,
        InterfaceId: REFIID,
        Interface: *mut PVOID,
    ) -> NTSTATUS,
    /// IUnknown::AddRef.
    pub AddRef: unsafe extern "system" fn(This: *mut IMiniportWaveRT) -> ULONG,
    /// IUnknown::Release.
    pub Release: unsafe extern "system" fn(This: *mut IMiniportWaveRT) -> ULONG,
    /// IMiniport::GetDescription.
    pub GetDescription: unsafe extern "system" fn(
        This: *mut IMiniportWaveRT,
        Description: *mut PPCFILTER_DESCRIPTOR,
    ) -> NTSTATUS,
    /// IMiniport::DataRangeIntersection.
    pub DataRangeIntersection: unsafe extern "system" fn(
        This: *mut IMiniportWaveRT,
        PinId: ULONG,
        DataRange: PKSDATARANGE,
        MatchingDataRange: PKSDATARANGE,
        OutputBufferLength: ULONG,
        ResultantFormat: PVOID,
        ResultantFormatLength: PULONG,
    ) -> NTSTATUS,
    /// IMiniportWaveRT::Init.
    pub Init: unsafe extern "system" fn(
        This: *mut IMiniportWaveRT,
        UnknownAdapter: PUNKNOWN,
        ResourceList: PRESOURCELIST,
        Port: PPORTWAVERT,
    ) -> NTSTATUS,
    /// IMiniportWaveRT::NewStream.
    pub NewStream: unsafe extern "system" fn(
        This: *mut IMiniportWaveRT,
        Stream: *mut PMINIPORTWAVERTSTREAM,
        PortStream: PPORTWAVERTSTREAM,
        Pin: ULONG,
        Capture: BOOLEAN,
        DataFormat: PKSDATAFORMAT,
    ) -> NTSTATUS,
    /// IMiniportWaveRT::GetDeviceDescription.
    pub GetDeviceDescription: unsafe extern "system" fn(
        This: *mut IMiniportWaveRT,
        DeviceDescription: PDEVICE_DESCRIPTION,
    ) -> NTSTATUS,
}
/// `IMiniportWaveRT`.
#[repr(C)]
pub struct IMiniportWaveRT {
    /// The vtable.
    pub lpVtbl: *const IMiniportWaveRTVtbl,
}
/// `PMINIPORTWAVERT`.
pub type PMINIPORTWAVERT = *mut IMiniportWaveRT;

/// `IMiniportTopologyVtbl`: IUnknown (3) + IMiniport (2) + Init = 6 slots.
#[repr(C)]
pub struct IMiniportTopologyVtbl {
    /// IUnknown::QueryInterface.
    pub QueryInterface: unsafe extern "system" fn(
        This: *mut IMiniportTopology,
        InterfaceId: REFIID,
        Interface: *mut PVOID,
    ) -> NTSTATUS,
    /// IUnknown::AddRef.
    pub AddRef: unsafe extern "system" fn(This: *mut IMiniportTopology) -> ULONG,
    /// IUnknown::Release.
    pub Release: unsafe extern "system" fn(This: *mut IMiniportTopology) -> ULONG,
    /// IMiniport::GetDescription.
    pub GetDescription: unsafe extern "system" fn(
        This: *mut IMiniportTopology,
        Description: *mut PPCFILTER_DESCRIPTOR,
    ) -> NTSTATUS,
    /// IMiniport::DataRangeIntersection.
    pub DataRangeIntersection: unsafe extern "system" fn(
        This: *mut IMiniportTopology,
        PinId: ULONG,
        DataRange: PKSDATARANGE,
        MatchingDataRange: PKSDATARANGE,
        OutputBufferLength: ULONG,
        ResultantFormat: PVOID,
        ResultantFormatLength: PULONG,
    ) -> NTSTATUS,
    /// IMiniportTopology::Init.
    pub Init: unsafe extern "system" fn(
        This: *mut IMiniportTopology,
        UnknownAdapter: PUNKNOWN,
        ResourceList: PRESOURCELIST,
        Port: PPORTTOPOLOGY,
    ) -> NTSTATUS,
}
/// `IMiniportTopology`.
#[repr(C)]
pub struct IMiniportTopology {
    /// The vtable.
    pub lpVtbl: *const IMiniportTopologyVtbl,
}
/// `PMINIPORTTOPOLOGY`.
pub type PMINIPORTTOPOLOGY = *mut IMiniportTopology;
