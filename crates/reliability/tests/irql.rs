//! IRQL discipline on the host platform: PutMessage runs at (simulated) DISPATCH_LEVEL as the port
//! calls it, and nothing the miniport does there allocates; the detectors themselves are shown to
//! fire (a test that cannot fail is a defect); paged-only work (capturing a caller's buffer) is
//! refused above PASSIVE_LEVEL; a spin lock above DISPATCH_LEVEL is a failure; the engine's
//! non-raising mutex (ADR 005) leaves the IRQL at PASSIVE_LEVEL, is refused at DISPATCH_LEVEL,
//! and nothing at DISPATCH_LEVEL (PutMessage, the sample/reference-time conversions) takes it.
//!
//! Process-wide counters: this file is its own test binary and its tests serialise on a mutex.
#![allow(clippy::all, clippy::undocumented_unsafe_blocks, missing_docs)]

use miniport::platform::{CallerBuffer, CaptureError, Irql, Platform, RawMutex, RawSpinLock};
use portcls_host::platform::{
    HostMutex, HostSpinLock, current_irql, dispatch_allocations, mutex_acquisitions,
};
use portcls_host::unpack::MidiEvent;
use portcls_host::{GuardedAllocator, HostPlatform, raise_irql};
use portcls_sys::*;
use reliability::drive::{
    Filter, NoArm, Setup, all_notes_off, download, download_buffers, random_midi, tiny_collection,
};
use reliability::rng::Rng;
use std::sync::Mutex;

#[global_allocator]
static ALLOCATOR: GuardedAllocator = GuardedAllocator;

static SERIAL: Mutex<()> = Mutex::new(());

#[test]
fn the_dispatch_allocation_detector_fires() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let before = dispatch_allocations();
    {
        let _dispatch = raise_irql(Irql::DISPATCH);
        assert_eq!(current_irql(), Irql::DISPATCH);
        let boxed = std::hint::black_box(Box::new([0u8; 64]));
        drop(boxed);
    }
    assert_eq!(current_irql(), Irql::PASSIVE, "the guard restores PASSIVE_LEVEL");
    assert_eq!(
        dispatch_allocations() - before,
        2,
        "an allocation and a free at DISPATCH_LEVEL are counted"
    );
}

#[test]
fn put_message_at_dispatch_never_allocates() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut filter = Filter::open(&NoArm, Setup::default()).unwrap();
    filter
        .download_all(&NoArm, &download_buffers(&tiny_collection(), 1))
        .unwrap();
    let mut rng = Rng::new(7);
    let before = dispatch_allocations();
    for round in 0..200 {
        let mut events = random_midi(&mut rng, 40, 2, filter.now());
        // A long SysEx (several allocator buffers: INCOMPLETE fragments) every few rounds.
        if round % 7 == 0 {
            let mut sysex = vec![0xF0, 0x43, 0x10, 0x4C];
            sysex.extend((0..9000).map(|n| (n % 128) as u8));
            sysex.push(0xF7);
            events.push(MidiEvent {
                time: 0,
                channel_group: 1,
                bytes: sysex,
            });
        }
        assert_eq!(filter.send(&NoArm, &events), STATUS_SUCCESS);
        filter.render(&NoArm, 480);
    }
    assert_eq!(filter.send(&NoArm, &all_notes_off(2)), STATUS_SUCCESS);
    assert_eq!(
        dispatch_allocations(),
        before,
        "PutMessage allocated or freed at DISPATCH_LEVEL"
    );
    assert!(filter.harness.allocator().counters().events_back > 8000);
    filter.close(&NoArm).assert_balanced();
}

#[test]
fn capture_of_a_caller_buffer_is_refused_at_dispatch() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let bytes = [1u8, 2, 3, 4];
    let buffer = CallerBuffer {
        address: bytes.as_ptr() as usize,
        size: 4,
    };
    {
        let _dispatch = raise_irql(Irql::DISPATCH);
        assert_eq!(
            unsafe { HostPlatform.capture(buffer) },
            Err(CaptureError::Inaccessible)
        );
    }
    assert_eq!(unsafe { HostPlatform.capture(buffer) }.unwrap(), bytes.to_vec());
    // Through the ABI: a DOWNLOAD request served at DISPATCH_LEVEL (never legal: KS calls
    // property handlers at PASSIVE_LEVEL) fails instead of touching pageable memory.
    let filter = Filter::open(&NoArm, Setup::default()).unwrap();
    let buffers = download_buffers(&tiny_collection(), 1);
    let status = {
        let _dispatch = raise_irql(Irql::DISPATCH);
        download(&NoArm, &filter.harness, &buffers[0]).0
    };
    assert_eq!(status, miniport::error::STATUS_ACCESS_VIOLATION);
    let (status, _) = download(&NoArm, &filter.harness, &buffers[0]);
    assert_eq!(status, STATUS_SUCCESS, "the same download at PASSIVE_LEVEL works");
    filter.close(&NoArm).assert_balanced();
}

#[test]
fn spin_lock_raises_to_dispatch_and_restores() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let lock = HostSpinLock::new();
    assert_eq!(current_irql(), Irql::PASSIVE);
    let token = lock.lock();
    assert_eq!(current_irql(), Irql::DISPATCH);
    unsafe { lock.unlock(token) };
    assert_eq!(current_irql(), Irql::PASSIVE);
}

#[test]
fn spin_lock_above_dispatch_fails_the_test() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let result = std::panic::catch_unwind(|| {
        let _device = raise_irql(Irql(5));
        let lock = HostSpinLock::new();
        let token = lock.lock();
        unsafe { lock.unlock(token) };
    });
    assert!(
        result.is_err(),
        "taking a spin lock above DISPATCH_LEVEL must fail"
    );
    assert_eq!(current_irql(), Irql::PASSIVE);
}

#[test]
fn engine_mutex_does_not_raise_and_is_refused_at_dispatch() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mutex = HostMutex::new();
    let before = mutex_acquisitions();
    mutex.lock();
    assert_eq!(
        current_irql(),
        Irql::PASSIVE,
        "a guarded mutex does not raise the IRQL"
    );
    unsafe { mutex.unlock(()) };
    assert_eq!(mutex_acquisitions() - before, 1);
    let result = std::panic::catch_unwind(|| {
        let _dispatch = raise_irql(Irql::DISPATCH);
        let mutex = HostMutex::new();
        mutex.lock();
        unsafe { mutex.unlock(()) };
    });
    assert!(
        result.is_err(),
        "taking the engine mutex at DISPATCH_LEVEL must fail"
    );
    assert_eq!(current_irql(), Irql::PASSIVE);
}

/// PutMessage (DISPATCH_LEVEL) and the time conversions (callable at DISPATCH_LEVEL) never take
/// the engine mutex; Render and a download (PASSIVE_LEVEL) do, which shows the counter is live.
#[test]
fn nothing_at_dispatch_takes_the_engine_mutex() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut filter = Filter::open(&NoArm, Setup::default()).unwrap();
    let before = mutex_acquisitions();
    filter
        .download_all(&NoArm, &download_buffers(&tiny_collection(), 1))
        .unwrap();
    assert!(mutex_acquisitions() > before, "a download takes the engine mutex");
    let mut rng = Rng::new(11);
    for _ in 0..50 {
        let events = random_midi(&mut rng, 30, 2, filter.now());
        let before = mutex_acquisitions();
        assert_eq!(filter.send(&NoArm, &events), STATUS_SUCCESS);
        {
            let _dispatch = raise_irql(Irql::DISPATCH);
            let time = filter.harness.sample_to_ref_time(filter.position);
            assert_eq!(filter.harness.ref_time_to_sample(time), filter.position);
        }
        assert_eq!(
            mutex_acquisitions(),
            before,
            "PutMessage or a time conversion took the engine mutex"
        );
        filter.render(&NoArm, 480);
        assert!(mutex_acquisitions() > before, "Render takes the engine mutex");
    }
    filter.close(&NoArm).assert_balanced();
}

/// Hardware-synth mode: `render_into` belongs to the PASSIVE_LEVEL render thread; called at
/// DISPATCH_LEVEL (e.g. from the timer DPC, which ADR 002 forbids) it fails on the engine mutex
/// instead of mixing at DISPATCH_LEVEL; `midi_running` and `sync_position` (queue spin lock only)
/// work at DISPATCH_LEVEL, and PutMessage there never takes the engine mutex.
#[test]
fn hardware_synth_render_into_is_passive_only() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let setup = Setup {
        format: portcls_host::SampleFormat::F32,
        rate: 48_000,
        channels: 2,
        ..Setup::default()
    };
    let mut filter = Filter::open_hardware(&NoArm, setup).unwrap();
    filter
        .download_all(&NoArm, &download_buffers(&tiny_collection(), 1))
        .unwrap();
    let synth = filter.harness.hardware.clone().unwrap();
    let before = mutex_acquisitions();
    {
        let _dispatch = raise_irql(Irql::DISPATCH);
        assert!(synth.midi_running());
        synth.sync_position(0);
    }
    assert_eq!(
        filter.send(&NoArm, &random_midi(&mut Rng::new(1), 20, 2, 1)),
        STATUS_SUCCESS
    );
    assert_eq!(
        mutex_acquisitions(),
        before,
        "nothing above took the engine mutex"
    );
    let mut out = vec![0.0f32; 2 * 96];
    synth.render_into(0, &mut out);
    assert!(
        mutex_acquisitions() > before,
        "render_into takes the engine mutex"
    );
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _dispatch = raise_irql(Irql::DISPATCH);
        synth.render_into(96, &mut out);
    }));
    assert!(result.is_err(), "render_into at DISPATCH_LEVEL must fail");
    assert_eq!(current_irql(), Irql::PASSIVE);
    synth.render_into(96, &mut out);
    drop(synth);
    filter.close(&NoArm).assert_balanced();
}
