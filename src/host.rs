//! The host library's C export: the miniport factory `StartDevice` uses, over the host platform of
//! `portcls-host`, so that any C or C++ program can create the miniport and drive it through its
//! vtables as PortCls would (README, "Developer").

use core::ffi::c_void;

use portcls_host::HostPlatform;
use portcls_sys::dmerror::{NTSTATUS, STATUS_INVALID_PARAMETER, STATUS_SUCCESS};

use crate::adapter::SynthMode;
use crate::factory;

/// Creates a DirectMusic miniport (classic mode) over the host platform.
///
/// On success returns `STATUS_SUCCESS` (0) and stores in `*miniport` an `IMiniportDMus*`, which is
/// also its `IMiniport*` and `IUnknown*`, holding one reference for the caller (give it back with
/// `Release` through the vtable). On failure stores NULL and returns the NTSTATUS
/// (`STATUS_INSUFFICIENT_RESOURCES` when out of memory); a NULL `miniport` returns
/// `STATUS_INVALID_PARAMETER`. Call it from a thread standing for PASSIVE_LEVEL, as PortCls would.
///
/// # Safety
/// `miniport` is NULL or points at writable storage for one pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn dmksynth_create_miniport(miniport: *mut *mut c_void) -> NTSTATUS {
    if miniport.is_null() {
        return STATUS_INVALID_PARAMETER;
    }
    let (object, status) = match factory::create_miniport(HostPlatform, SynthMode::Classic) {
        // Classic mode has no synth handle; `_synth` is `None`.
        Ok((object, _synth)) => (object.as_ptr().cast::<c_void>(), STATUS_SUCCESS),
        Err(status) => (core::ptr::null_mut(), status),
    };
    // SAFETY: `miniport` is non-null and writable (contract above).
    unsafe { miniport.write(object) };
    status
}
