//! Leak checks of the hardware-synth mode (issue 9): every block the miniport allocates over a
//! lifecycle is freed, every COM object dies, nothing allocates at DISPATCH_LEVEL.
//! (Its own test binary with ONE test: the allocation counters are process-wide, and libtest's
//! own threads allocate when other tests of the same binary finish.)
#![allow(clippy::all, clippy::undocumented_unsafe_blocks, missing_docs)]

mod common;

use common::*;
use miniport::{SynthMode, new_miniport_with_mode};
use portcls_host::harness::{query_interface, reference_count, release, wave_format};
use portcls_host::{GuardedAllocator, HostPlatform, HostPort, SampleFormat};
use portcls_sys::{
    DMUS_STREAM_WAVE_SINK, IID_IMiniportDMus, IMiniportDMus, KSDATAFORMAT, KSDATAFORMAT_WAVEFORMATEX,
    NonPagedPool, PCFILTER_DESCRIPTOR, PMXF, PSERVICEGROUP, STATUS_INVALID_DEVICE_REQUEST, STATUS_SUCCESS,
};
use std::ptr::null_mut;

#[global_allocator]
static ALLOCATOR: GuardedAllocator = GuardedAllocator;

/// The bare miniport (descriptor, refused wave sink, silence, handle clones), then a whole
/// lifecycle (default collection through `with_engine`, downloads, 40 notes and a SysEx through
/// jittered `render_into` ticks, stats, close, the adapter's handle dropped last): each run twice,
/// the second must leave the allocation counters where they were.
#[test]
fn hardware_synth_lifecycles_free_everything() {
    // Under Miri (which checks the unsafe COM plumbing) the bare lifecycle only: rendering
    // seconds of audio would take hours.
    let lifecycles: &[fn()] = if cfg!(miri) {
        &[bare_lifecycle]
    } else {
        &[bare_lifecycle, full_lifecycle]
    };
    for &lifecycle in lifecycles {
        assert_frees_everything(lifecycle);
    }
}

fn full_lifecycle() {
    let mut port = HostPort::open(&config(SynthMode::HardwareSynth)).unwrap();
    let mut default = sine_collection();
    default.instruments[0].gm_instrument = true;
    port.hardware()
        .unwrap()
        .with_engine(|engine| install_default(engine, default))
        .unwrap();
    port.download(&dc_collection(1_000)).unwrap();
    for k in 0..20 {
        port.schedule_midi(1_000 + k * 500_000, 1, &[0x90, 60 + k as u8, 100]);
        port.schedule_midi(300_000 + k * 500_000, 1, &[0x80, 60 + k as u8, 0]);
    }
    port.schedule_midi(3_000_000, 0, &[0xF0, 0x7E, 0x7F, 0x09, 0x01, 0xF7]);
    render_left(&mut port, 200);
    port.stats().unwrap();
    let accounting = port.close().unwrap();
    assert_eq!(accounting.events_out, 41);
    assert_eq!(accounting.events_back, 41);
    assert_eq!(accounting.leaked_references, 0);
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
