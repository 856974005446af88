//! Reading the `SynthMode` value that the INF writes into the device's hardware key.
//!
//! `IoOpenDeviceRegistryKey` wants the PDO, and `StartDevice` receives PortCls's FDO:
//! `IoGetDeviceAttachmentBaseRef` gives the bottom of the device stack (the PDO) with a reference
//! that is dropped right after the key is opened. The key handle is opened, read and closed within
//! this call, in the PnP manager's system thread. The decoding of what `ZwQueryValueKey` returned
//! is [`decode_value_query`], tested on the host.
//!
//! Names as Toornax/Conduit's `registry.rs` uses them with wdk-sys 0.5
//! (`wdk_sys::ntddk::{IoGetDeviceAttachmentBaseRef, IoOpenDeviceRegistryKey, ObfDereferenceObject,
//! ZwClose, ZwQueryValueKey}`, `_KEY_VALUE_INFORMATION_CLASS::KeyValuePartialInformation`).

use wdk_sys::_KEY_VALUE_INFORMATION_CLASS::KeyValuePartialInformation;
use wdk_sys::ntddk::{
    IoGetDeviceAttachmentBaseRef, IoOpenDeviceRegistryKey, ObfDereferenceObject, ZwClose, ZwQueryValueKey,
};
use wdk_sys::{HANDLE, KEY_READ, PLUGPLAY_REGKEY_DEVICE, ULONG, UNICODE_STRING, USHORT};

use crate::adapter::{MODE_VALUE_NAME_UTF16, ModeError, ModeValue, ValueBuffer, decode_value_query};
use portcls_sys::dmerror::STATUS_NO_SUCH_DEVICE;
use portcls_sys::ntdef::PDEVICE_OBJECT;

/// Reads `SynthMode` from `device`'s hardware key into `buffer`.
///
/// # Safety
/// PASSIVE_LEVEL, in a system thread (StartDevice); `device` is the FDO PortCls gave StartDevice.
pub(crate) unsafe fn read_mode_value(device: PDEVICE_OBJECT, buffer: &mut ValueBuffer) -> ModeValue<'_> {
    // SAFETY: `device` is a live device object (contract); the routine returns a referenced
    // pointer to the lowest device of its stack, or null.
    let pdo = unsafe { IoGetDeviceAttachmentBaseRef(device.cast()) };
    if pdo.is_null() {
        // No PDO below the device (cannot happen for a PnP device).
        return ModeValue::Failed(ModeError::Unreadable(STATUS_NO_SUCH_DEVICE));
    }
    let mut key: HANDLE = core::ptr::null_mut();
    // SAFETY: `pdo` is referenced and live; `key` is a writable local. PASSIVE_LEVEL (contract).
    let status = unsafe { IoOpenDeviceRegistryKey(pdo, PLUGPLAY_REGKEY_DEVICE, KEY_READ, &mut key) };
    // SAFETY: gives back the reference IoGetDeviceAttachmentBaseRef took; `pdo` is not used again.
    unsafe { ObfDereferenceObject(pdo.cast()) };
    if status < 0 || key.is_null() {
        return ModeValue::Failed(ModeError::Unreadable(status));
    }

    let mut name_units = MODE_VALUE_NAME_UTF16;
    // The name's length in bytes without the NUL; 9 units, far below USHORT::MAX.
    let name_bytes = (name_units.len().saturating_sub(1).saturating_mul(2)) as USHORT;
    let mut name = UNICODE_STRING {
        Length: name_bytes,
        MaximumLength: name_bytes,
        Buffer: name_units.as_mut_ptr(),
    };
    let mut result_length: ULONG = 0;
    // SAFETY: `key` is open for reading; `name` points at `name_units`, and `buffer` is writable
    // for the length passed (a small constant); all live across the call.
    let status = unsafe {
        ZwQueryValueKey(
            key,
            &mut name,
            KeyValuePartialInformation,
            buffer.0.as_mut_ptr().cast(),
            buffer.0.len() as ULONG,
            &mut result_length,
        )
    };
    // SAFETY: `key` came from IoOpenDeviceRegistryKey, is closed once, and not used again.
    let _ = unsafe { ZwClose(key) };
    decode_value_query(status, result_length, buffer)
}
