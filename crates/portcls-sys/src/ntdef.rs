//! Basic C typedefs (ntdef.h, windef.h, wdm.h) and the opaque kernel objects PortCls passes around.
//!
//! Windows is LLP64: `LONG`/`ULONG` are 32 bits on every target; pointers and `ULONG_PTR` follow the
//! target. The driver shell casts `wdk-sys` pointers to the opaque types below.

use core::marker::{PhantomData, PhantomPinned};

/// `BYTE`.
pub type BYTE = u8;
/// `UCHAR`.
pub type UCHAR = u8;
/// `BOOLEAN` (one byte, not Rust's `bool`).
pub type BOOLEAN = u8;
/// `USHORT`.
pub type USHORT = u16;
/// `WORD`.
pub type WORD = u16;
/// `SHORT`.
pub type SHORT = i16;
/// `WCHAR` (UTF-16 code unit).
pub type WCHAR = u16;
/// `ULONG` (32 bits: LLP64).
pub type ULONG = u32;
/// `DWORD`.
pub type DWORD = u32;
/// `LONG` (32 bits: LLP64).
pub type LONG = i32;
/// `BOOL` (4 bytes).
pub type BOOL = i32;
/// `LONGLONG`.
pub type LONGLONG = i64;
/// `ULONGLONG`.
pub type ULONGLONG = u64;
/// `ULONG_PTR`.
pub type ULONG_PTR = usize;
/// `PVOID`.
pub type PVOID = *mut core::ffi::c_void;
/// `HANDLE`.
pub type HANDLE = *mut core::ffi::c_void;
/// `PBYTE`.
pub type PBYTE = *mut BYTE;
/// `PULONG`.
pub type PULONG = *mut ULONG;
/// `PULONGLONG`.
pub type PULONGLONG = *mut ULONGLONG;
/// `PWCHAR`.
pub type PWCHAR = *mut WCHAR;
/// `FOURCC`.
pub type FOURCC = DWORD;
/// `ACCESS_MASK`.
pub type ACCESS_MASK = ULONG;
/// `REFERENCE_TIME`: 100-ns units.
pub type REFERENCE_TIME = LONGLONG;

/// `POOL_TYPE` (a C enum: 4 bytes).
pub type POOL_TYPE = i32;
/// Non-paged pool.
pub const NonPagedPool: POOL_TYPE = 0;
/// Non-paged, no-execute pool (Windows 8+).
pub const NonPagedPoolNx: POOL_TYPE = 512;
/// Paged pool.
pub const PagedPool: POOL_TYPE = 1;
/// Must-succeed non-paged pool (obsolete).
pub const NonPagedPoolMustSucceed: POOL_TYPE = 2;
/// Reserved.
pub const DontUseThisType: POOL_TYPE = 3;
/// Cache-aligned non-paged pool.
pub const NonPagedPoolCacheAligned: POOL_TYPE = 4;
/// Cache-aligned paged pool.
pub const PagedPoolCacheAligned: POOL_TYPE = 5;
/// Cache-aligned must-succeed non-paged pool (obsolete).
pub const NonPagedPoolCacheAlignedMustS: POOL_TYPE = 6;

/// `DEVICE_REGISTRY_PROPERTY` (a C enum: 4 bytes).
pub type DEVICE_REGISTRY_PROPERTY = i32;
/// `DEVICE_POWER_STATE` (a C enum: 4 bytes).
pub type DEVICE_POWER_STATE = i32;
/// `SYSTEM_POWER_STATE` (a C enum: 4 bytes).
pub type SYSTEM_POWER_STATE = i32;
/// `PowerDeviceD0`.
pub const PowerDeviceD0: DEVICE_POWER_STATE = 1;
/// `PowerDeviceD3`.
pub const PowerDeviceD3: DEVICE_POWER_STATE = 4;

/// `POWER_STATE`: 4 bytes, passed by value to `IPowerNotify::PowerChangeNotify`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union POWER_STATE {
    /// System power state.
    pub SystemState: SYSTEM_POWER_STATE,
    /// Device power state.
    pub DeviceState: DEVICE_POWER_STATE,
}

/// `CM_RESOURCE_TYPE` (wdm.h: `typedef int`).
pub type CM_RESOURCE_TYPE = i32;

macro_rules! opaque {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        ///
        /// Opaque here: only ever handled through a pointer.
        #[repr(C)]
        pub struct $name {
            _private: [u8; 0],
            _marker: PhantomData<(*mut u8, PhantomPinned)>,
        }
    )*};
}

opaque!(
    /// `DEVICE_OBJECT`.
    DEVICE_OBJECT,
    /// `DRIVER_OBJECT`.
    DRIVER_OBJECT,
    /// `IRP`.
    IRP,
    /// `UNICODE_STRING`.
    UNICODE_STRING,
    /// `OBJECT_ATTRIBUTES`.
    OBJECT_ATTRIBUTES,
    /// `CM_RESOURCE_LIST`.
    CM_RESOURCE_LIST,
    /// `CM_PARTIAL_RESOURCE_DESCRIPTOR`.
    CM_PARTIAL_RESOURCE_DESCRIPTOR,
    /// `KSEVENT_ENTRY`.
    KSEVENT_ENTRY,
    /// `FILE_OBJECT`.
    FILE_OBJECT,
    /// `MDL` (WaveRT buffers are handed over as MDLs).
    MDL,
    /// `KEVENT` (WaveRT notification events).
    KEVENT,
    /// `KSRTAUDIO_HWREGISTER` (ksmedia.h): a virtual WaveRT device has no position or clock
    /// register and fails the calls that would fill it.
    KSRTAUDIO_HWREGISTER,
);

/// `PMDL`.
pub type PMDL = *mut MDL;
/// `PKEVENT`.
pub type PKEVENT = *mut KEVENT;
/// `DEVICE_DESCRIPTION` (wdm.h; `IMiniportWaveRT::GetDeviceDescription`) through `DmaPort`: the
/// fields of versions 0 to 2, 40 bytes, as mingw declares it. The WDK's version 3 appends
/// fields after `DmaPort`; a miniport that fills this part leaves them as the caller set them.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DEVICE_DESCRIPTION {
    /// `DEVICE_DESCRIPTION_VERSION` (0), 1 or 2.
    pub Version: ULONG,
    /// A bus-master device.
    pub Master: BOOLEAN,
    /// Scatter/gather DMA.
    pub ScatterGather: BOOLEAN,
    /// Demand-mode system DMA.
    pub DemandMode: BOOLEAN,
    /// Auto-initialising system DMA.
    pub AutoInitialize: BOOLEAN,
    /// 32-bit addresses.
    pub Dma32BitAddresses: BOOLEAN,
    /// Ignore the transfer count.
    pub IgnoreCount: BOOLEAN,
    /// Reserved.
    pub Reserved1: BOOLEAN,
    /// 64-bit addresses.
    pub Dma64BitAddresses: BOOLEAN,
    /// Bus number.
    pub BusNumber: ULONG,
    /// System DMA channel.
    pub DmaChannel: ULONG,
    /// `INTERFACE_TYPE` (`PCIBus` = 5).
    pub InterfaceType: LONG,
    /// `DMA_WIDTH`.
    pub DmaWidth: LONG,
    /// `DMA_SPEED`.
    pub DmaSpeed: LONG,
    /// Largest transfer, in bytes.
    pub MaximumLength: ULONG,
    /// DMA port (MCA).
    pub DmaPort: ULONG,
}

/// `PDEVICE_DESCRIPTION`.
pub type PDEVICE_DESCRIPTION = *mut DEVICE_DESCRIPTION;
/// `SIZE_T`.
pub type SIZE_T = usize;
/// `MEMORY_CACHING_TYPE` (`MmNonCached` 0, `MmCached` 1, ...).
pub type MEMORY_CACHING_TYPE = i32;
/// `MmCached`.
pub const MmCached: MEMORY_CACHING_TYPE = 1;

/// `LARGE_INTEGER`: only `QuadPart` is modelled (the low/high halves overlay it).
#[repr(C)]
#[derive(Clone, Copy)]
pub union LARGE_INTEGER {
    /// The 64-bit value.
    pub QuadPart: LONGLONG,
}
/// `PHYSICAL_ADDRESS`.
pub type PHYSICAL_ADDRESS = LARGE_INTEGER;

/// `PDEVICE_OBJECT`.
pub type PDEVICE_OBJECT = *mut DEVICE_OBJECT;
/// `PDRIVER_OBJECT`.
pub type PDRIVER_OBJECT = *mut DRIVER_OBJECT;
/// `PIRP`.
pub type PIRP = *mut IRP;
/// `PUNICODE_STRING`.
pub type PUNICODE_STRING = *mut UNICODE_STRING;
/// `POBJECT_ATTRIBUTES`.
pub type POBJECT_ATTRIBUTES = *mut OBJECT_ATTRIBUTES;
/// `PCM_RESOURCE_LIST`.
pub type PCM_RESOURCE_LIST = *mut CM_RESOURCE_LIST;
/// `PCM_PARTIAL_RESOURCE_DESCRIPTOR`.
pub type PCM_PARTIAL_RESOURCE_DESCRIPTOR = *mut CM_PARTIAL_RESOURCE_DESCRIPTOR;
/// `PKSEVENT_ENTRY`.
pub type PKSEVENT_ENTRY = *mut KSEVENT_ENTRY;
