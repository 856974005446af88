//! The miniport factory, shared by the kernel's `StartDevice` (over the kernel platform) and the
//! host library's `dmksynth_create_miniport` (over `portcls-host`'s platform), so that both build
//! exactly the same object.

use core::ptr::NonNull;

use miniport::Platform;
use portcls_sys::com::IUnknown;
use portcls_sys::dmerror::NTSTATUS;

use crate::adapter::SynthMode;

/// A new DirectMusic miniport over `platform`, for `mode`: its `IUnknown*` (also its
/// `IMiniport*` and `IMiniportDMus*`) holding one reference for the caller. PASSIVE_LEVEL.
///
/// Both modes build the same miniport (MIDI/DirectMusic pin and wave-out pin) until issue 9 gives
/// the hardware-synth mode its own filter; this is the one place that will choose.
///
/// # Errors
/// `STATUS_INSUFFICIENT_RESOURCES` when the object cannot be allocated.
pub fn create_miniport<P: Platform>(platform: P, mode: SynthMode) -> Result<NonNull<IUnknown>, NTSTATUS> {
    match mode {
        SynthMode::Classic | SynthMode::HardwareSynth => miniport::new_miniport(platform),
    }
}
