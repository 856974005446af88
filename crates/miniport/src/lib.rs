//! The dmksynth DMus miniport: `IMiniportDMus`, the MIDI render `IMXF` and the `ISynthSinkDMus`
//! wave sink as C-ABI COM objects over the engine, generic over a small [`Platform`] that the
//! kernel (`src/kernel`) and the host stand-in (`portcls-host`) implement.
//!
//! The data path, by file: [`miniport`] (factory, Init, GetDescription, NewStream) → [`pin`] (the
//! `IMXF`/`ISynthSinkDMus` object of each pin) → [`stream`] (the shared synth instance: PutMessage
//! → pending ring → Render → engine; SetState; downloads; the sink clock) →
//! [`clock`] (phase lock) and [`properties`] (the automation table); [`descriptor`] holds the
//! static filter descriptor, [`intersect`] the data-range intersection, [`error`] the one
//! NTSTATUS table. See `docs/port-contract.md` for the readings of the contract where the
//! sources disagree.
#![no_std]
#![cfg_attr(test, allow(clippy::arithmetic_side_effects))]

extern crate alloc;

pub mod clock;
pub mod com;
pub mod descriptor;
pub mod error;
pub mod intersect;
pub mod miniport;
pub mod pin;
pub mod platform;
pub mod properties;
pub mod stream;

pub use platform::{CallerBuffer, CaptureError, Irql, LogLevel, Platform, RawSpinLock, SpinLock};

use core::ffi::c_void;
use core::ptr::NonNull;
use error::MiniportError;
use portcls_sys::{IUnknown, NTSTATUS, STATUS_SUCCESS};

/// Creates a miniport: on success the `IUnknown*` (which is also its `IMiniport*` and
/// `IMiniportDMus*`) holding one reference for the caller.
///
/// # Errors
/// `STATUS_INSUFFICIENT_RESOURCES` when the object cannot be allocated.
pub fn new_miniport<P: Platform>(platform: P) -> Result<NonNull<IUnknown>, NTSTATUS> {
    let object = miniport::MiniportObject::create(platform).map_err(|error| error.ntstatus())?;
    NonNull::new(object.cast::<IUnknown>()).ok_or(MiniportError::InvalidParameter.ntstatus())
}

/// The factory `StartDevice` (and `dmksynth_create_miniport`) calls: writes the new miniport's
/// `IUnknown*` (one reference) to `*out`, or NULL on failure. PASSIVE_LEVEL.
///
/// # Safety
/// `out` is null or writable.
pub unsafe fn create_miniport<P: Platform>(platform: P, out: *mut *mut c_void) -> NTSTATUS {
    if out.is_null() {
        return MiniportError::InvalidParameter.ntstatus();
    }
    match new_miniport(platform) {
        Ok(object) => {
            // SAFETY: writable by contract.
            unsafe { out.write(object.as_ptr().cast()) };
            STATUS_SUCCESS
        }
        Err(status) => {
            // SAFETY: writable by contract.
            unsafe { out.write(core::ptr::null_mut()) };
            status
        }
    }
}
