//! The Rust side of `src/capture.c`: copying a buffer named by a request's originator, and asking
//! whether that originator is a 32-bit (WOW64) process.

use core::ffi::c_void;

use portcls_sys::dmerror::{NTSTATUS, STATUS_SUCCESS};
use portcls_sys::ntdef::PIRP;

unsafe extern "C" {
    /// `src/capture.c`. PASSIVE_LEVEL (ProbeForRead), in the requestor's context.
    fn dmksynth_capture_buffer(
        irp: PIRP,
        destination: *mut c_void,
        source: *const c_void,
        length: usize,
    ) -> NTSTATUS;
    /// `src/capture.c`: `IoIs32bitProcess(irp)`. IRQL <= DISPATCH_LEVEL.
    fn dmksynth_is_32bit_requestor(irp: PIRP) -> u8;
}

/// Copies `destination.len()` bytes from `source`, an address in the space of `irp`'s originator
/// (the current thread's previous mode when `irp` is null), probed first unless that originator is
/// kernel mode, under SEH.
///
/// # Errors
/// The exception or validation status of `src/capture.c` (`STATUS_ACCESS_VIOLATION` for a bad
/// user address).
///
/// # Safety
/// PASSIVE_LEVEL, in the thread of the request; `irp` is null or the live IRP of the request
/// being handled; when the originator is kernel mode, `source` must be a readable kernel address
/// of `destination.len()` bytes.
pub(crate) unsafe fn capture(irp: PIRP, source: usize, destination: &mut [u8]) -> Result<(), NTSTATUS> {
    // SAFETY: `destination` is a writable slice of the length passed; `source` is probed under SEH
    // for user-mode originators and is the caller's promise otherwise (contract above).
    let status = unsafe {
        dmksynth_capture_buffer(
            irp,
            destination.as_mut_ptr().cast(),
            source as *const c_void,
            destination.len(),
        )
    };
    if status == STATUS_SUCCESS {
        Ok(())
    } else {
        Err(status)
    }
}

/// Whether `irp`'s originator (the current process when `irp` is null) is a 32-bit process.
///
/// # Safety
/// `irp` is null or a live IRP. IRQL <= DISPATCH_LEVEL.
pub(crate) unsafe fn is_32bit_requestor(irp: PIRP) -> bool {
    // SAFETY: contract above; IoIs32bitProcess only reads the IRP's thread/process.
    unsafe { dmksynth_is_32bit_requestor(irp) != 0 }
}
