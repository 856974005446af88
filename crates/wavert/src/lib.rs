//! dmksynth's hardware-synth mode, portable core (issue 9).
//!
//! On Vista and later nothing consumes a DMus wave-sink pin, and Windows MIDI Services opens only
//! the MIDI pin; so in this mode the driver renders the synth on its own clock into a **WaveRT
//! capture endpoint** ("dmksynth output") registered by the same adapter, and users hear it with
//! "Listen to this device" or by recording it. docs/adr/002-two-output-modes.md has the why.
//!
//! | module | what |
//! |---|---|
//! | [`buffer`] | buffer sizing (≥ requested, whole periods, ≤ 500 ms) and notification events |
//! | [`clock`] | stream position as a pure function of interrupt time (no drift, pause-aware) |
//! | [`writer`] | the cyclic-buffer writer: renders ahead of the audio engine's position, wrap, jitter, underruns, `KSAUDIO_POSITION` |
//! | [`format`] | the capture formats (48 kHz stereo PCM16 / float32) and conversion |
//! | [`stream`] | the capture stream's state: KS states, buffer, position, one render tick |
//! | [`intersect`] | `DataRangeIntersection` and `NewStream` format checks, from one list |
//! | [`shared`] | [`shared::SharedSynth`]: one engine per adapter, for the MIDI and the WaveRT stream |
//! | [`descriptor`] | the WaveRT and topology filter descriptors and their physical connection |
//! | [`collection`] | the default collection: gm.dls if valid, else the embedded GM bank |
//! | [`platform`] | [`WaveRtPlatform`]: interrupt time, waking the render thread, `KeSetEvent` |
//! | [`pump`] | [`pump::Pump`]: the per-adapter render loop body the kernel thread calls every tick |
//! | [`wave`] | the `IMiniportWaveRT` COM object ([`new_wavert_miniport`]) |
//! | [`capture`] | the `IMiniportWaveRTStreamNotification` COM object (buffer, state, position, events) |
//! | [`topology`] | the `IMiniportTopology` COM object ([`new_topology_miniport`]) |
//! | [`error`] | the NTSTATUS table of the COM objects |
//!
//! Kernel rules apply: `no_std` + `alloc`, nothing here panics, the writer never allocates.
//! The COM objects follow the DMus miniport's conventions (`miniport::com`).
#![no_std]
#![cfg_attr(test, allow(clippy::arithmetic_side_effects, clippy::indexing_slicing))]

extern crate alloc;

pub mod buffer;
pub mod capture;
pub mod clock;
pub mod collection;
pub mod descriptor;
pub mod error;
pub mod format;
pub mod intersect;
pub mod platform;
pub mod pump;
pub mod shared;
pub mod stream;
pub mod topology;
pub mod wave;
pub mod writer;

pub use clock::{INTERRUPT_TIME_HZ, StreamClock};
pub use collection::{default_collection, default_collection_with_source};
pub use error::WaveRtError;
pub use format::SampleFormat;
pub use platform::WaveRtPlatform;
pub use pump::{Pump, PumpConfig, PumpMode, PumpReport, PumpStats};
pub use shared::SharedSynth;
pub use writer::{
    BufferPosition, CyclicWriter, DEFAULT_LEAD_FRAMES, DEFAULT_TICK_100NS, FillReport, WriterConfig,
    WriterStats,
};

use core::ptr::NonNull;
use portcls_sys::{IUnknown, NTSTATUS};

/// Creates the WaveRT capture miniport (`WaveSynthCapture`) over `synth` with the default
/// [`PumpConfig`]: its `IUnknown*` (also its `IMiniport*` and `IMiniportWaveRT*`, one reference
/// for the caller, to pass to `IPort::Init`) and the adapter's [`Pump`], which the render thread
/// ticks. PASSIVE_LEVEL.
///
/// # Errors
/// `STATUS_INSUFFICIENT_RESOURCES` when an allocation fails (nothing is left allocated).
pub fn new_wavert_miniport<P: WaveRtPlatform, S: SharedSynth + Send + 'static>(
    platform: P,
    synth: S,
) -> Result<(NonNull<IUnknown>, Pump<P, S>), NTSTATUS> {
    new_wavert_miniport_with_config(platform, synth, PumpConfig::default())
}

/// [`new_wavert_miniport`] with a [`PumpConfig`] (registry `WaveRtLeadMs`).
///
/// # Errors
/// `STATUS_INSUFFICIENT_RESOURCES` when an allocation fails (nothing is left allocated).
pub fn new_wavert_miniport_with_config<P: WaveRtPlatform, S: SharedSynth + Send + 'static>(
    platform: P,
    synth: S,
    config: PumpConfig,
) -> Result<(NonNull<IUnknown>, Pump<P, S>), NTSTATUS> {
    let renderer = pump::Renderer::create(platform, synth, config).map_err(WaveRtError::ntstatus)?;
    // The pump owns the reference `create` returned; the miniport takes its own.
    let pump = Pump::from_reference(renderer);
    let miniport = wave::WaveMiniport::create(renderer).map_err(WaveRtError::ntstatus)?;
    Ok((miniport.cast::<IUnknown>(), pump))
}

/// Creates the topology miniport (`TopoSynthCapture`): its `IUnknown*` (also `IMiniport*` and
/// `IMiniportTopology*`), one reference for the caller. PASSIVE_LEVEL.
///
/// # Errors
/// `STATUS_INSUFFICIENT_RESOURCES` when the object cannot be allocated.
pub fn new_topology_miniport<P: miniport::Platform>(platform: P) -> Result<NonNull<IUnknown>, NTSTATUS> {
    topology::TopologyMiniport::create(platform)
        .map(|object| object.cast::<IUnknown>())
        .map_err(WaveRtError::ntstatus)
}
