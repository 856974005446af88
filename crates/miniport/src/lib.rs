//! The dmksynth DMus miniport: `IMiniportDMus`, the MIDI render `IMXF` and the `ISynthSinkDMus`
//! wave sink as C-ABI COM objects over the engine, generic over a small [`Platform`] that the
//! kernel (`src/kernel`) and the host stand-in (`portcls-host`) implement.
//!
//! The data path, by file: [`miniport`] (factory, Init, GetDescription, NewStream) → [`pin`] (the
//! `IMXF`/`ISynthSinkDMus` object of each pin) → [`stream`] (the shared synth instance: PutMessage
//! → pending ring → Render → engine; SetState; downloads; the sink clock) →
//! [`clock`] (phase lock) and [`properties`] (the automation table); [`descriptor`] holds the
//! static filter descriptors (classic and hardware-synth), [`intersect`] the data-range intersection, [`error`] the one
//! NTSTATUS table. See `docs/port-contract.md` for the readings of the contract where the
//! sources disagree.
//!
//! Two modes ([`SynthMode`], ADR 002): **classic**, where PortCls's wave sink pulls audio through
//! `ISynthSinkDMus::Render`, and **hardware-synth**, where the miniport has one synth instance
//! from creation, exposes only the MIDI pin, and the adapter's render thread pulls audio through
//! [`HardwareSynth::render_into`] into a WaveRT capture endpoint (crate `wavert`).
#![no_std]
#![cfg_attr(test, allow(clippy::arithmetic_side_effects))]

extern crate alloc;

pub mod clock;
pub mod com;
pub mod descriptor;
pub mod error;
pub mod hardware;
pub mod intersect;
pub mod miniport;
pub mod pin;
pub mod platform;
pub mod properties;
pub mod stream;

pub use hardware::HardwareSynth;
pub use platform::{
    CallerBuffer, CaptureError, Irql, LogLevel, Mutex, Platform, RawMutex, RawSpinLock, SpinLock,
};

/// How the synth's audio leaves the driver (chosen at install time, ADR 002).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SynthMode {
    /// The DDK-sample design: a MIDI/DirectMusic pin and a PCM wave-out pin, rendered when
    /// PortCls's wave sink calls `ISynthSinkDMus::Render`. One synth instance per filter instance.
    Classic,
    /// The MIDI pin only (legacy MIDI range first); one synth instance per miniport, created with
    /// it, rendered by the adapter through [`HardwareSynth::render_into`].
    HardwareSynth,
}

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

/// Creates a miniport in `mode`: the `IUnknown*` (one reference for the caller) and, in
/// [`SynthMode::HardwareSynth`], the handle on its one synth instance (48 kHz stereo float
/// engine, created now, before any stream). PASSIVE_LEVEL.
///
/// The handle keeps the synth instance (and through it the miniport object) alive: the adapter
/// drops it when it tears the device down, after releasing the ports that use it.
///
/// # Errors
/// `STATUS_INSUFFICIENT_RESOURCES` when the object, the synth instance or its engine cannot be
/// allocated (nothing is left allocated then).
pub fn new_miniport_with_mode<P: Platform>(
    platform: P,
    mode: SynthMode,
) -> Result<(NonNull<IUnknown>, Option<HardwareSynth<P>>), NTSTATUS> {
    let (object, synth) =
        miniport::MiniportObject::create_with_mode(platform, mode).map_err(|error| error.ntstatus())?;
    match NonNull::new(object.cast::<IUnknown>()) {
        Some(object) => Ok((object, synth)),
        None => Err(MiniportError::InvalidParameter.ntstatus()),
    }
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
