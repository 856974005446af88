//! The whole life of the WaveRT subdevices as PortCls drives it, with the counting allocator:
//! every reference the miniports took on host objects comes back, every MDL is freed, the heap
//! is back where it started, nothing allocated at DISPATCH_LEVEL, the pump's ticks allocate
//! nothing; and the same under a real render thread racing the port's calls.
//! (One test binary of its own: the allocation counters are process-wide.)
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    missing_docs
)]

use portcls_host::platform::{dispatch_allocations, live_allocations, live_bytes};
use portcls_sys::{KSSTATE_ACQUIRE, KSSTATE_PAUSE, KSSTATE_RUN, KSSTATE_STOP, STATUS_SUCCESS};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use wavert::PumpConfig;
use wavert::format::SampleFormat;
use wavert_host::session::{self, Schedule};
use wavert_host::synths::Counter;
use wavert_host::{Accounting, CountingAllocator, WaveRtHost};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// One full life: create, describe, open, allocate, events, run a session, stop, free, close,
/// tear down.
fn one_life(format: SampleFormat) -> Accounting {
    let mut host = WaveRtHost::create(Counter::new(format), PumpConfig::default(), 5_000).unwrap();
    host.description(true).unwrap();
    host.description(false).unwrap();
    host.new_stream(1, true, &wavert_host::host::format_bytes(format))
        .unwrap();
    host.allocate(2, 960 * format.frame_bytes() as u32).unwrap();
    assert_eq!(host.register_event(), STATUS_SUCCESS);
    let captured = session::run(&mut host, &Schedule::typical(2));
    assert_eq!(captured.tick_allocations, Some(0), "a tick allocated");
    assert!(captured.frames() > 90_000);
    for state in [KSSTATE_ACQUIRE, KSSTATE_STOP] {
        assert_eq!(host.set_state(state), STATUS_SUCCESS);
    }
    assert_eq!(host.unregister_event(), STATUS_SUCCESS);
    host.free_buffer();
    assert_eq!(host.close_stream(), 0, "the port's reference was the last");
    host.teardown()
}

#[test]
fn nothing_leaks_and_nothing_allocates_where_it_must_not() {
    // Warm up once (lazy statics of the test harness and of std).
    one_life(SampleFormat::Float32);
    let (blocks, bytes, dispatch) = (live_allocations(), live_bytes(), dispatch_allocations());
    for format in [SampleFormat::Float32, SampleFormat::Pcm16] {
        let accounting = one_life(format);
        assert_eq!(accounting, Accounting::default(), "{format:?}");
    }
    assert_eq!(live_allocations(), blocks, "heap blocks leaked");
    assert_eq!(live_bytes(), bytes, "heap bytes leaked");
    assert_eq!(dispatch_allocations(), dispatch, "allocation at DISPATCH_LEVEL");

    // A stream the port releases with its buffer still allocated: the stream frees it.
    let mut host =
        WaveRtHost::create(Counter::new(SampleFormat::Pcm16), PumpConfig::default(), 5_000).unwrap();
    host.new_stream(1, true, &wavert_host::host::format_bytes(SampleFormat::Pcm16))
        .unwrap();
    host.allocate(2, 3_840).unwrap();
    assert_eq!(host.set_state(KSSTATE_RUN), STATUS_SUCCESS);
    assert_eq!(host.close_stream(), 0);
    let accounting = host.teardown();
    assert_eq!(accounting, Accounting::default());
    assert_eq!(live_allocations(), blocks);
    assert_eq!(dispatch_allocations(), dispatch);

    // The pump outliving the miniport (the adapter stops the thread last): still valid, idle.
    let host = WaveRtHost::create(Counter::new(SampleFormat::Pcm16), PumpConfig::default(), 5_000).unwrap();
    let pump = host.pump().clone();
    host.teardown();
    assert!(!pump.keep_ticking());
    drop(pump);
    assert_eq!(live_allocations(), blocks);

    // A real render thread ticking while the "port" changes states, polls positions at
    // DISPATCH_LEVEL and closes the stream: no deadlock, no IRQL breach, no leak.
    let mut host =
        WaveRtHost::create(Counter::new(SampleFormat::Float32), PumpConfig::default(), 5_000).unwrap();
    host.new_stream(1, true, &wavert_host::host::format_bytes(SampleFormat::Float32))
        .unwrap();
    host.allocate(2, 7_680).unwrap();
    assert_eq!(host.register_event(), STATUS_SUCCESS);
    let pump = host.pump().clone();
    let platform = host.platform.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let ticks = Arc::new(AtomicU64::new(0));
    let thread = {
        let (stop, ticks) = (stop.clone(), ticks.clone());
        std::thread::spawn(move || {
            let before = wavert_host::platform::thread_allocations().unwrap();
            while !stop.load(Ordering::SeqCst) {
                pump.tick(platform.time());
                ticks.fetch_add(1, Ordering::SeqCst);
            }
            let allocations = wavert_host::platform::thread_allocations().unwrap() - before;
            drop(pump);
            allocations
        })
    };
    for round in 0..2_000u64 {
        // Let the render thread tick at least once per round, so the two really interleave.
        let seen = ticks.load(Ordering::SeqCst);
        while ticks.load(Ordering::SeqCst) == seen {
            std::thread::yield_now();
        }
        host.platform.set_time(5_000 + round * 20_000);
        let state = match round % 50 {
            0 => Some(KSSTATE_RUN),
            30 => Some(KSSTATE_PAUSE),
            45 => Some(KSSTATE_STOP),
            _ => None,
        };
        if let Some(state) = state {
            assert_eq!(host.set_state(state), STATUS_SUCCESS);
        }
        let position = host.position();
        assert!(position.PlayOffset < 7_680);
    }
    assert_eq!(host.unregister_event(), STATUS_SUCCESS);
    host.free_buffer();
    host.close_stream();
    let accounting = host.teardown();
    stop.store(true, Ordering::SeqCst);
    let thread_allocations = thread.join().unwrap();
    assert!(ticks.load(Ordering::SeqCst) >= 2_000);
    drop((stop, ticks));
    assert_eq!(thread_allocations, 0, "the render thread allocated");
    assert_eq!(accounting, Accounting::default());
    assert_eq!(live_allocations(), blocks);
    assert_eq!(dispatch_allocations(), dispatch);
}
