//! Accounting over whole lifecycles with dense random MIDI: every event out of the allocator comes
//! back, every COM object created is destroyed (its last Release returns 0 and the port's objects
//! hold no reference from the miniport), every byte the lifecycle's thread allocated is freed, the
//! output stays finite, and no voice is active after all notes off plus the release time.
#![allow(clippy::all, clippy::undocumented_unsafe_blocks, missing_docs)]

use portcls_host::harness::release;
use portcls_host::{GuardedAllocator, SampleFormat};
use portcls_sys::*;
use reliability::drive::{
    Books, Filter, NoArm, Setup, all_notes_off, download_buffers, peak_voices, random_midi, tiny_collection,
};
use reliability::rng::Rng;
use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;

thread_local! {
    static LIVE_BLOCKS: Cell<i64> = const { Cell::new(0) };
    static LIVE_BYTES: Cell<i64> = const { Cell::new(0) };
}

fn note(blocks: i64, bytes: i64) {
    let _ = LIVE_BLOCKS.try_with(|live| live.set(live.get() + blocks));
    let _ = LIVE_BYTES.try_with(|live| live.set(live.get() + bytes));
}

/// The guarded allocator (DISPATCH_LEVEL detection, process counters) plus per-thread balances,
/// because libtest runs tests on parallel threads.
struct ThreadCounting;

unsafe impl GlobalAlloc for ThreadCounting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { GuardedAllocator.alloc(layout) };
        if !pointer.is_null() {
            note(1, layout.size() as i64);
        }
        pointer
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { GuardedAllocator.alloc_zeroed(layout) };
        if !pointer.is_null() {
            note(1, layout.size() as i64);
        }
        pointer
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(-1, -(layout.size() as i64));
        unsafe { GuardedAllocator.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let pointer = unsafe { GuardedAllocator.realloc(ptr, layout, new_size) };
        if !pointer.is_null() {
            note(0, new_size as i64 - layout.size() as i64);
        }
        pointer
    }
}

#[global_allocator]
static ALLOCATOR: ThreadCounting = ThreadCounting;

fn live() -> (i64, i64) {
    (LIVE_BLOCKS.with(Cell::get), LIVE_BYTES.with(Cell::get))
}

/// Releases the port's references one by one, checking that each object dies on its last Release.
fn release_checked(filter: &mut Filter) {
    let harness = &mut filter.harness;
    unsafe {
        // The sink is a QI reference on the wave pin object: one reference (the port's) remains.
        assert_eq!(release(harness.sink), 1, "sink QI reference");
        harness.sink = std::ptr::null_mut();
        assert_eq!(
            release(harness.wave),
            0,
            "wave pin object must die on its last Release"
        );
        harness.wave = std::ptr::null_mut();
        assert_eq!(
            release(harness.midi),
            0,
            "MIDI pin object must die on its last Release"
        );
        harness.midi = std::ptr::null_mut();
        assert_eq!(
            release(harness.miniport),
            0,
            "miniport must die on its last Release"
        );
        harness.miniport = std::ptr::null_mut();
    }
}

/// One lifecycle: open, download two collections, `seconds` of dense random MIDI over all groups
/// with renders of random period lengths, all notes off, release time, close. Returns the peak
/// voice count seen while playing.
fn lifecycle(seed: u64, seconds: u32, format: SampleFormat) -> u32 {
    let setup = Setup {
        pool: 1024,
        voices: 48,
        channel_groups: 3,
        effects: true,
        format,
        channels: 2,
        rate: 48_000,
    };
    let mut filter = Filter::open(&NoArm, setup).expect("open");
    let mut buffers = download_buffers(&tiny_collection(), 1);
    let mut second = tiny_collection();
    second.instruments[0].patch.program = 1;
    buffers.extend(download_buffers(&second, 3));
    filter.download_all(&NoArm, &buffers).expect("download");
    let mut rng = Rng::new(seed);
    let mut peak = 0;
    let end = i64::from(seconds) * 48_000;
    while filter.position < end {
        let count = 1 + rng.below(60) as usize;
        let burst = random_midi(&mut rng, count, 3, filter.now());
        assert_eq!(filter.send(&NoArm, &burst), STATUS_SUCCESS);
        let counters = filter.harness.allocator().counters();
        assert_eq!(counters.outstanding, 0, "PutMessage kept events");
        filter.render(&NoArm, 1 + rng.below(1200) as u32);
        if rng.chance(1, 20) {
            peak = peak.max(peak_voices(&NoArm, &filter.harness).unwrap());
        }
    }
    // All notes off (sustain off too) on every channel of every group, then the release time.
    assert_eq!(filter.send(&NoArm, &all_notes_off(3)), STATUS_SUCCESS);
    for _ in 0..300 {
        filter.render(&NoArm, 480); // 3 s: the tiny instrument's release plus the reverb's tail
    }
    peak_voices(&NoArm, &filter.harness); // restart the peak
    filter.render(&NoArm, 480);
    assert_eq!(
        peak_voices(&NoArm, &filter.harness),
        Some(0),
        "voices still active after all notes off + release"
    );
    // Close: stop, unload everything, release each object and check it dies.
    filter.set_state_both(&NoArm, KSSTATE_STOP, KSSTATE_RUN).unwrap();
    filter.unload_all(&NoArm).expect("unload");
    release_checked(&mut filter);
    let mut books = Books::of(&filter.harness);
    books.non_finite = filter.non_finite;
    books.assert_balanced();
    assert!(
        books.events_out > 1000,
        "the lifecycle sent too few events: {books:?}"
    );
    peak
}

#[test]
fn dense_random_midi_lifecycles_balance_every_book() {
    lifecycle(0, 1, SampleFormat::F32); // warm-up: lazily initialised process state
    let (blocks, bytes) = live();
    let peak = lifecycle(1, 4, SampleFormat::F32);
    let peak16 = lifecycle(2, 2, SampleFormat::S16);
    let (now_blocks, now_bytes) = live();
    assert_eq!(
        (now_blocks - blocks, now_bytes - bytes),
        (0, 0),
        "blocks/bytes leaked"
    );
    assert!(
        peak > 8 && peak16 > 8,
        "dense MIDI should sound many voices: {peak} / {peak16}"
    );
}
