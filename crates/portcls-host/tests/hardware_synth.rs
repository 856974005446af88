//! The hardware-synth mode (issue 9) seen from outside: the miniport created with
//! `SynthMode::HardwareSynth`, driven through its C ABI, audio through `HardwareSynth::render_into`.
//! (Its own test binary: the allocation counters are process-wide.)
#![allow(clippy::all, clippy::undocumented_unsafe_blocks, missing_docs)]

use miniport::{SynthMode, new_miniport_with_mode};
use portcls_host::harness::{query_interface, reference_count, release, wave_format};
use portcls_host::{GuardedAllocator, HostPlatform, SampleFormat, platform};
use portcls_sys::{
    DMUS_STREAM_WAVE_SINK, IID_IMiniportDMus, IMiniportDMus, KSDATAFORMAT, KSDATAFORMAT_WAVEFORMATEX,
    NonPagedPool, PCFILTER_DESCRIPTOR, PMXF, PSERVICEGROUP, STATUS_INVALID_DEVICE_REQUEST, STATUS_SUCCESS,
};
use std::ptr::null_mut;

#[global_allocator]
static ALLOCATOR: GuardedAllocator = GuardedAllocator;

#[test]
fn hardware_synth_miniport_describes_the_midi_only_filter_refuses_the_wave_sink_and_frees_everything() {
    bare_lifecycle(); // warm-up: lazily initialised process state
    let blocks = platform::live_allocations();
    let bytes = platform::live_bytes();
    bare_lifecycle();
    assert_eq!(platform::live_allocations(), blocks, "blocks leaked");
    assert_eq!(platform::live_bytes(), bytes, "bytes leaked");
    assert_eq!(platform::dispatch_allocations(), 0);
}

fn bare_lifecycle() {
    let (unknown, synth) = new_miniport_with_mode(HostPlatform, SynthMode::HardwareSynth).unwrap();
    let synth = synth.expect("hardware-synth mode returns the synth handle");
    let (status, miniport) = unsafe { query_interface(unknown.as_ptr(), &IID_IMiniportDMus) };
    assert_eq!(status, STATUS_SUCCESS);
    unsafe { release(unknown.as_ptr()) };
    let miniport: *mut IMiniportDMus = miniport.cast();
    let vtable = unsafe { &*(*miniport).lpVtbl };

    let mut descriptor: *mut PCFILTER_DESCRIPTOR = null_mut();
    assert_eq!(
        unsafe { (vtable.GetDescription)(miniport, &mut descriptor) },
        STATUS_SUCCESS
    );
    assert!(std::ptr::eq(
        descriptor,
        &miniport::descriptor::hardware_synth::FILTER
    ));

    let mut format: KSDATAFORMAT_WAVEFORMATEX = wave_format(48_000, 2, SampleFormat::F32);
    let mut stream: PMXF = null_mut();
    let mut group: PSERVICEGROUP = null_mut();
    let mut prefetch = 0u64;
    let status = unsafe {
        (vtable.NewStream)(
            miniport,
            &mut stream,
            null_mut(),
            NonPagedPool,
            1,
            DMUS_STREAM_WAVE_SINK,
            (&mut format as *mut KSDATAFORMAT_WAVEFORMATEX).cast::<KSDATAFORMAT>(),
            &mut group,
            null_mut(),
            null_mut(),
            &mut prefetch,
        )
    };
    assert_eq!(status, STATUS_INVALID_DEVICE_REQUEST);
    assert!(stream.is_null());

    // Nothing plays yet: silence, every sample written.
    let mut out = vec![1.0f32; 2 * 333];
    synth.render_into(0, &mut out);
    assert!(out.iter().all(|&sample| sample == 0.0));
    assert!(!synth.midi_running());
    assert_eq!(
        synth.with_engine(|engine| engine.config().sample_rate),
        Some(48_000)
    );

    // The port's reference and the synth instance's (through the handle).
    assert_eq!(unsafe { reference_count(miniport) }, 2);
    let clone = synth.clone();
    drop(synth);
    unsafe { release(miniport) };
    drop(clone);
}
