//! A stand-in for the part of `wdk-sys` 0.5.2 that `src/kernel/` uses, in the shapes bindgen gives
//! them (C mode; enums as `ModuleConsts` modules with a `Type` alias), so that the Windows shell
//! can be type-checked on Linux without the WDK. Used only by `tests/kernel_shell.rs`.
//!
//! Every item is declared as the WDK headers declare it and as public code compiled against the
//! real wdk-sys uses it: windows-drivers-rs `examples/sample-wdm-driver` (`DRIVER_OBJECT`,
//! `PCUNICODE_STRING`, `ntddk::DbgPrint`), wdk-sys's own `PAGED_CODE!` (`ntddk::KeGetCurrentIrql`),
//! Toornax/Conduit's kernel crate (`KeAcquireSpinLockRaiseToDpc`, `KeReleaseSpinLock`, `KIRQL`,
//! `KSPIN_LOCK`, `DbgPrintEx` with `_DPFLTR_TYPE::*` and `DPFLTR_*_LEVEL`, and the registry
//! functions with `_KEY_VALUE_INFORMATION_CLASS::KeyValuePartialInformation`), and wdm.h for the
//! rest (`KeQueryInterruptTimePrecise(PULONG64) -> ULONG64`). A mismatch with the real bindings
//! shows up at the first Windows build, in this file's terms.
#![no_std]
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals, missing_docs)]

use core::ffi::{c_int, c_void};

pub type ULONG = u32;
pub type USHORT = u16;
pub type CHAR = i8;
pub type WCHAR = u16;
pub type PWCH = *mut WCHAR;
pub type PCSTR = *const CHAR;
pub type KIRQL = u8;
pub type ULONG_PTR = u64;
pub type LONG_PTR = i64;
pub type ULONG64 = u64;
pub type PULONG64 = *mut ULONG64;
pub type PULONG = *mut ULONG;
pub type PVOID = *mut c_void;
pub type HANDLE = *mut c_void;
pub type PHANDLE = *mut HANDLE;
pub type NTSTATUS = i32;
pub type ACCESS_MASK = ULONG;
pub type KSPIN_LOCK = ULONG_PTR;
pub type PKSPIN_LOCK = *mut KSPIN_LOCK;

#[repr(C)]
pub struct _DRIVER_OBJECT {
    _opaque: [u8; 0],
}
pub type DRIVER_OBJECT = _DRIVER_OBJECT;

#[repr(C)]
pub struct _DEVICE_OBJECT {
    _opaque: [u8; 0],
}
pub type DEVICE_OBJECT = _DEVICE_OBJECT;
pub type PDEVICE_OBJECT = *mut DEVICE_OBJECT;

#[repr(C)]
pub struct _UNICODE_STRING {
    pub Length: USHORT,
    pub MaximumLength: USHORT,
    pub Buffer: PWCH,
}
pub type UNICODE_STRING = _UNICODE_STRING;
pub type PUNICODE_STRING = *mut UNICODE_STRING;
pub type PCUNICODE_STRING = *const UNICODE_STRING;

pub const KEY_READ: u32 = 0x0002_0019;
pub const PLUGPLAY_REGKEY_DEVICE: u32 = 1;
pub const DPFLTR_ERROR_LEVEL: u32 = 0;
pub const DPFLTR_WARNING_LEVEL: u32 = 1;
pub const DPFLTR_TRACE_LEVEL: u32 = 2;
pub const DPFLTR_INFO_LEVEL: u32 = 3;

pub mod _DPFLTR_TYPE {
    pub type Type = super::c_int;
    pub const DPFLTR_IHVAUDIO_ID: Type = 80;
    pub const DPFLTR_DEFAULT_ID: Type = 101;
}

pub mod _KEY_VALUE_INFORMATION_CLASS {
    pub type Type = super::c_int;
    pub const KeyValuePartialInformation: Type = 2;
}
pub type KEY_VALUE_INFORMATION_CLASS = _KEY_VALUE_INFORMATION_CLASS::Type;

pub mod ntddk {
    use super::*;

    unsafe extern "C" {
        pub fn DbgPrintEx(ComponentId: ULONG, Level: ULONG, Format: PCSTR, ...) -> ULONG;
        pub fn KeAcquireSpinLockRaiseToDpc(SpinLock: PKSPIN_LOCK) -> KIRQL;
        pub fn KeReleaseSpinLock(SpinLock: PKSPIN_LOCK, NewIrql: KIRQL);
        pub fn KeGetCurrentIrql() -> KIRQL;
        pub fn KeQueryInterruptTimePrecise(QpcTimeStamp: PULONG64) -> ULONG64;
        pub fn IoGetDeviceAttachmentBaseRef(DeviceObject: PDEVICE_OBJECT) -> PDEVICE_OBJECT;
        pub fn IoOpenDeviceRegistryKey(
            DeviceObject: PDEVICE_OBJECT,
            DevInstKeyType: ULONG,
            DesiredAccess: ACCESS_MASK,
            DeviceRegKey: PHANDLE,
        ) -> NTSTATUS;
        pub fn ObfDereferenceObject(Object: PVOID) -> LONG_PTR;
        pub fn ZwClose(Handle: HANDLE) -> NTSTATUS;
        pub fn ZwQueryValueKey(
            KeyHandle: HANDLE,
            ValueName: PUNICODE_STRING,
            KeyValueInformationClass: KEY_VALUE_INFORMATION_CLASS,
            KeyValueInformation: PVOID,
            Length: ULONG,
            ResultLength: PULONG,
        ) -> NTSTATUS;
    }
}
