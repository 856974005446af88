//! COM basics as kernel-mode headers declare them (guiddef.h, punknown.h): `GUID`, `IUnknown`.
//!
//! Kernel `IUnknown::QueryInterface` returns an NTSTATUS, not an HRESULT. Interfaces are compiled
//! the way C sees them: `struct IFoo { lpVtbl: *const IFooVtbl }` with inherited slots flattened
//! into each vtable, and `This` typed as the interface.

use crate::dmerror::NTSTATUS;
use crate::ntdef::{PVOID, ULONG};

/// `GUID`: 16 bytes, 4-byte aligned.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct GUID {
    /// First 32 bits.
    pub Data1: u32,
    /// Next 16 bits.
    pub Data2: u16,
    /// Next 16 bits.
    pub Data3: u16,
    /// Last 64 bits, as bytes.
    pub Data4: [u8; 8],
}

impl GUID {
    /// Builds a GUID from the four fields, in `DEFINE_GUID` order.
    pub const fn new(data1: u32, data2: u16, data3: u16, data4: [u8; 8]) -> Self {
        Self {
            Data1: data1,
            Data2: data2,
            Data3: data3,
            Data4: data4,
        }
    }

    /// Builds a GUID from its 128-bit value written as the registry string reads
    /// (`0x65E8773E_8F56_11D0_A3B9_00A0C9223196` for `{65E8773E-8F56-11D0-A3B9-00A0C9223196}`).
    pub const fn from_u128(value: u128) -> Self {
        let data4 = (value as u64).to_be_bytes();
        Self::new(
            (value >> 96) as u32,
            (value >> 80) as u16,
            (value >> 64) as u16,
            data4,
        )
    }

    /// The all-zero GUID (`GUID_NULL`).
    pub const fn zeroed() -> Self {
        Self::new(0, 0, 0, [0; 8])
    }
}

/// `REFIID` / `REFCLSID` / `REFGUID`.
pub type REFIID = *const GUID;
/// `REFCLSID`.
pub type REFCLSID = *const GUID;
/// `REFGUID`.
pub type REFGUID = *const GUID;

/// `GUID_NULL`.
pub const GUID_NULL: GUID = GUID::zeroed();

/// IID_IUnknown {00000000-0000-0000-C000-000000000046}.
pub const IID_IUnknown: GUID = GUID::new(
    0x0000_0000,
    0x0000,
    0x0000,
    [0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46],
);

/// `IUnknownVtbl` (kernel flavour: `QueryInterface` returns NTSTATUS).
#[repr(C)]
pub struct IUnknownVtbl {
    /// Returns `STATUS_SUCCESS` and an AddRef'ed pointer, or `STATUS_INVALID_PARAMETER` on a miss.
    pub QueryInterface: unsafe extern "system" fn(
        This: *mut IUnknown,
        InterfaceId: REFIID,
        Interface: *mut PVOID,
    ) -> NTSTATUS,
    /// Adds a reference; returns the new count.
    pub AddRef: unsafe extern "system" fn(This: *mut IUnknown) -> ULONG,
    /// Drops a reference; returns the new count.
    pub Release: unsafe extern "system" fn(This: *mut IUnknown) -> ULONG,
}

/// `IUnknown`.
#[repr(C)]
pub struct IUnknown {
    /// The vtable.
    pub lpVtbl: *const IUnknownVtbl,
}

/// `PUNKNOWN`.
pub type PUNKNOWN = *mut IUnknown;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_u128_reads_like_the_registry_string() {
        // {6994AD04-93EF-11D0-A3CC-00A0C9223196}
        let guid = GUID::from_u128(0x6994AD04_93EF_11D0_A3CC_00A0C9223196);
        assert_eq!(
            guid,
            GUID::new(
                0x6994AD04,
                0x93EF,
                0x11D0,
                [0xA3, 0xCC, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96]
            )
        );
        assert_eq!(IID_IUnknown.Data4, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);
        assert_eq!(GUID_NULL, GUID::default());
    }
}
