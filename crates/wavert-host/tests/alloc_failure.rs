//! Allocation-failure sweep (Driver Verifier's low-resources simulation, in miniature): for every
//! n, a whole WaveRT lifecycle runs with the n-th allocation made *inside calls into wavert*
//! (factories, NewStream, AllocateBufferWithNotification — whose pages come from the port — and
//! every later call) failing. The call that saw it must fail cleanly
//! (`STATUS_INSUFFICIENT_RESOURCES`, nothing half-made), a retry must succeed, and at the end every
//! reference, MDL, block and byte is back. An infallible allocation would abort the test binary.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    missing_docs
)]

use portcls_host::GuardedAllocator;
use portcls_sys::{KSSTATE_RUN, KSSTATE_STOP, NTSTATUS, STATUS_INSUFFICIENT_RESOURCES, STATUS_SUCCESS};
use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use wavert::format::SampleFormat;
use wavert::{PumpConfig, PumpMode};
use wavert_host::synths::Counter;
use wavert_host::{Accounting, HostRtPlatform, WaveRtHost};

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static FAIL_AT: Cell<u64> = const { Cell::new(0) };
    static SEEN: Cell<u64> = const { Cell::new(0) };
    static FIRED: Cell<bool> = const { Cell::new(false) };
    static LIVE_BLOCKS: Cell<i64> = const { Cell::new(0) };
    static LIVE_BYTES: Cell<i64> = const { Cell::new(0) };
}

fn note(blocks: i64, bytes: i64) {
    let _ = LIVE_BLOCKS.try_with(|live| live.set(live.get() + blocks));
    let _ = LIVE_BYTES.try_with(|live| live.set(live.get() + bytes));
}

/// Whether this allocation must fail (armed, and the n-th since arming).
fn should_fail() -> bool {
    ARMED.try_with(Cell::get).unwrap_or(false)
        && SEEN
            .try_with(|seen| {
                seen.set(seen.get() + 1);
                seen.get() == FAIL_AT.with(Cell::get)
            })
            .unwrap_or(false)
        && {
            let _ = FIRED.try_with(|fired| fired.set(true));
            true
        }
}

struct FailingAllocator;

// SAFETY: forwards to GuardedAllocator, or returns null (a permitted allocation failure).
unsafe impl GlobalAlloc for FailingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if should_fail() {
            return std::ptr::null_mut();
        }
        note(1, layout.size() as i64);
        // SAFETY: forwarded.
        unsafe { GuardedAllocator.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if should_fail() {
            return std::ptr::null_mut();
        }
        note(1, layout.size() as i64);
        // SAFETY: forwarded.
        unsafe { GuardedAllocator.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(-1, -(layout.size() as i64));
        // SAFETY: forwarded.
        unsafe { GuardedAllocator.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if should_fail() {
            return std::ptr::null_mut();
        }
        note(0, new_size as i64 - layout.size() as i64);
        // SAFETY: forwarded.
        unsafe { GuardedAllocator.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: FailingAllocator = FailingAllocator;

/// Runs `f` armed: the n-th allocation inside fails. Returns its result and whether one failed.
fn armed<T>(f: impl FnOnce() -> T) -> (T, bool) {
    FIRED.with(|fired| fired.set(false));
    ARMED.with(|armed| armed.set(true));
    let result = f();
    ARMED.with(|armed| armed.set(false));
    (result, FIRED.with(Cell::get))
}

/// Calls `step` armed; if the failure fired in it, `failed_status(result)` must be
/// `STATUS_INSUFFICIENT_RESOURCES` and the step is retried unarmed. Returns the final result and
/// whether the failure fired here.
fn step<T>(
    name: &'static str,
    mut call: impl FnMut() -> T,
    status: impl Fn(&T) -> NTSTATUS,
    fired_at: &mut Option<&'static str>,
) -> T {
    let (result, fired) = armed(&mut call);
    if !fired {
        return result;
    }
    assert_eq!(
        status(&result),
        STATUS_INSUFFICIENT_RESOURCES,
        "{name}: failure not reported"
    );
    *fired_at = Some(name);
    let result = call();
    assert_eq!(status(&result), STATUS_SUCCESS, "{name}: retry after the failure");
    result
}

fn life(fail_at: u64) -> Option<&'static str> {
    FAIL_AT.with(|n| n.set(fail_at));
    SEEN.with(|seen| seen.set(0));
    let mut fired_at = None;
    let format = SampleFormat::Pcm16;
    let platform = HostRtPlatform::new(1_000);
    let factory = step(
        "new_wavert_miniport",
        || {
            wavert::new_wavert_miniport_with_config(
                platform.clone(),
                Counter::new(format),
                PumpConfig::default(),
            )
        },
        |result| result.as_ref().err().copied().unwrap_or(STATUS_SUCCESS),
        &mut fired_at,
    );
    let (unknown, pump) = factory.unwrap();
    let topology = step(
        "new_topology_miniport",
        || wavert::new_topology_miniport(platform.clone()),
        |result| result.as_ref().err().copied().unwrap_or(STATUS_SUCCESS),
        &mut fired_at,
    )
    .unwrap();
    let mut host = WaveRtHost::adopt(platform, unknown, pump, topology).unwrap();
    let bytes = wavert_host::host::format_bytes(format);
    step(
        "NewStream",
        || host.new_stream(1, true, &bytes),
        |result| result.map_or_else(|failed| failed.status, |()| STATUS_SUCCESS),
        &mut fired_at,
    )
    .unwrap();
    step(
        "AllocateBufferWithNotification",
        || host.allocate(2, 3_840),
        |result| result.map_or_else(|failed| failed.status, |_| STATUS_SUCCESS),
        &mut fired_at,
    )
    .unwrap();
    // Nothing below may allocate at all.
    let (statuses, fired) = armed(|| {
        let register = host.register_event();
        let run = host.set_state(KSSTATE_RUN);
        let mut capture_ticks = 0;
        for tick in 1..=50u64 {
            host.platform.set_time(1_000 + tick * 20_000);
            if host.pump().tick(1_000 + tick * 20_000).mode == PumpMode::Capture {
                capture_ticks += 1;
            }
            let _ = host.position();
        }
        let stop = host.set_state(KSSTATE_STOP);
        (register, run, stop, capture_ticks)
    });
    assert!(
        !fired || fired_at.is_none(),
        "an allocation in the steady state (n = {fail_at})"
    );
    if fired {
        fired_at = Some("steady state");
    }
    assert_eq!(statuses, (STATUS_SUCCESS, STATUS_SUCCESS, STATUS_SUCCESS, 50));
    assert_eq!(host.unregister_event(), STATUS_SUCCESS);
    host.free_buffer();
    host.close_stream();
    assert_eq!(host.teardown(), Accounting::default());
    fired_at
}

#[test]
fn every_allocation_failure_is_reported_and_leaves_nothing_behind() {
    // Warm-up run without failure (thread-locals, lazy statics).
    assert_eq!(life(u64::MAX), None);
    let mut sites: Vec<&'static str> = Vec::with_capacity(64);
    let baseline = (LIVE_BLOCKS.with(Cell::get), LIVE_BYTES.with(Cell::get));
    for n in 1.. {
        match life(n) {
            Some(site) => {
                assert_ne!(site, "steady state", "n = {n}: the steady state allocated");
                sites.push(site);
            }
            None => break,
        }
        assert_eq!(
            (LIVE_BLOCKS.with(Cell::get), LIVE_BYTES.with(Cell::get)),
            baseline,
            "n = {n}: leaked after a failure in {:?}",
            sites.last()
        );
    }
    println!("allocation sites failed one by one: {sites:?}");
    // The factories (scratch, renderer, miniport, topology), the stream object and the pages.
    for expected in [
        "new_wavert_miniport",
        "new_topology_miniport",
        "NewStream",
        "AllocateBufferWithNotification",
    ] {
        assert!(sites.contains(&expected), "{expected} never failed: {sites:?}");
    }
    assert_eq!(sites.len(), 6, "{sites:?}");
}
