//! The miniport factories, shared by the kernel's `StartDevice` (over the kernel platform) and the
//! host library's `dmksynth_create_miniport` (over `portcls-host`'s platform), so that both build
//! exactly the same objects.

use core::ptr::NonNull;

use miniport::{HardwareSynth, Platform};
use portcls_sys::com::IUnknown;
use portcls_sys::dmerror::NTSTATUS;

use crate::adapter::SynthMode;

/// The miniport crate's name for `mode`.
#[must_use]
pub const fn miniport_mode(mode: SynthMode) -> miniport::SynthMode {
    match mode {
        SynthMode::Classic => miniport::SynthMode::Classic,
        SynthMode::HardwareSynth => miniport::SynthMode::HardwareSynth,
    }
}

/// A new DirectMusic miniport over `platform`, for `mode`: its `IUnknown*` (also its
/// `IMiniport*` and `IMiniportDMus*`) holding one reference for the caller, and in
/// [`SynthMode::HardwareSynth`] the handle on its one synth instance (which the WaveRT miniport
/// renders). PASSIVE_LEVEL.
///
/// # Errors
/// `STATUS_INSUFFICIENT_RESOURCES` when the object cannot be allocated.
pub fn create_miniport<P: Platform>(
    platform: P,
    mode: SynthMode,
) -> Result<(NonNull<IUnknown>, Option<HardwareSynth<P>>), NTSTATUS> {
    miniport::new_miniport_with_mode(platform, miniport_mode(mode))
}
