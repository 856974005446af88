//! A counting global allocator proves that scheduling, rendering, installing and unloading
//! allocate and free nothing.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use dls::model::Patch;
use portcls_sys::dls::*;
use synth::test_support::*;
use synth::{Download, Engine, EngineConfig, Interpolation};

struct Counting;

thread_local! {
    /// Counting on this thread: allocations by the test harness's other threads (its output
    /// capture, its timers) are not the engine's.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn counting() -> bool {
    COUNTING.try_with(Cell::get).unwrap_or(false)
}

fn count(on: bool) {
    COUNTING.with(|c| c.set(on));
}
static EVENTS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if counting() {
            EVENTS.fetch_add(1, Ordering::SeqCst);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if counting() {
            EVENTS.fetch_add(1, Ordering::SeqCst);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if counting() {
            EVENTS.fetch_add(1, Ordering::SeqCst);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn schedule_render_install_unload_allocate_nothing() {
    let config = EngineConfig {
        voices: 32,
        channel_groups: 2,
        event_capacity: 8192,
        ..EngineConfig::default()
    };
    let mut engine = Engine::new(&config).unwrap();
    let connections = vec![
        constant(CONN_DST_FILTER_CUTOFF, absolute_cents(2000.0)),
        constant(CONN_DST_FILTER_Q, 6 * 655_360),
        connection(CONN_SRC_LFO, 0, CONN_DST_PITCH, 30 << 16),
        connection(CONN_SRC_VIBRATO, CONN_SRC_CC1, CONN_DST_PITCH, 50 << 16),
        connection(CONN_SRC_EG2, 0, CONN_DST_FILTER_CUTOFF, 2400 << 16),
        constant(CONN_DST_EG1_ATTACKTIME, timecents(0.01)),
        constant(CONN_DST_EG1_RELEASETIME, timecents(0.2)),
        constant(CONN_DST_EG2_DECAYTIME, timecents(0.5)),
    ];
    let mut key_group = region(1);
    key_group.key_group = 2;
    let inst = instrument(Patch::default(), vec![region(1), key_group], connections);
    load(&mut engine, 1, saw_wave(44_100, 100, 30, 20), 2, inst);
    let spare_wave = Engine::prepare_wave(sine_wave(44_100, 50.0, 40, 0.5)).unwrap();
    let spare_instrument = Engine::prepare_instrument(instrument(
        Patch {
            program: 1,
            ..Patch::default()
        },
        vec![region(5)],
        vec![],
    ))
    .unwrap();
    let mut buffer_f32 = vec![0.0f32; 4096 * 2];
    let mut buffer_i16 = vec![0i16; 4096 * 2];

    // The counter works: a Box is one allocation and one free.
    count(true);
    drop(std::hint::black_box(Box::new(1u8)));
    count(false);
    assert_eq!(EVENTS.swap(0, Ordering::SeqCst), 2);

    count(true);
    // Install and unload.
    let r1 = engine.install(Download::Wave(5, spare_wave)).is_ok();
    let r2 = engine.install(Download::Instrument(6, spare_instrument)).is_ok();
    // Heavy event traffic, every kind, many stolen voices.
    let mut time = 0u64;
    let mut queued = 0;
    for round in 0..40u64 {
        for k in 0..48u8 {
            let key = 30 + ((u32::from(k) * 7 + round as u32) % 70) as u8;
            let ch = k % 16;
            queued += engine
                .schedule(event(time + u64::from(k) * 7, 0x90 | ch, key, 1 + k * 2))
                .is_ok() as u32;
            queued += engine
                .schedule(event(time + 300 + u64::from(k), 0x80 | ch, key, 0))
                .is_ok() as u32;
        }
        for (s, a, b) in [
            (0xB0u8, 1u8, 64u8),
            (0xB0, 7, 90),
            (0xB0, 10, 20),
            (0xB0, 11, 100),
            (0xB0, 64, 127),
            (0xB0, 91, 60),
            (0xB0, 93, 60),
            (0xB0, 101, 0),
            (0xB0, 100, 0),
            (0xB0, 6, 12),
            (0xB0, 96, 0),
            (0xE0, 0, 90),
            (0xD0, 80, 0),
            (0xA0, 60, 80),
            (0xC1, 1, 0),
            (0xB0, 64, 0),
            (0xB0, 121, 0),
            (0xB0, 123, 0),
            (0xB0, 120, 0),
        ] {
            engine.schedule(event(time + 200, s, a, b)).unwrap();
        }
        engine
            .schedule(sysex(
                time + 250,
                &[0xF0, 0x7F, 0x7F, 0x04, 0x01, 0x00, 0x70, 0xF7],
            ))
            .unwrap();
        if round % 10 == 0 {
            engine
                .schedule(sysex(time + 260, &[0xF0, 0x7E, 0x7F, 0x09, 0x01, 0xF7]))
                .unwrap();
            engine
                .schedule(sysex(
                    time + 261,
                    &[0xF0, 0x41, 0x10, 0x42, 0x12, 0x40, 0x00, 0x7F, 0x00, 0x41, 0xF7],
                ))
                .unwrap();
        }
        engine.set_interpolation(
            [Interpolation::Linear, Interpolation::Cubic, Interpolation::Sinc][round as usize % 3],
        );
        let frames = [1usize, 37, 441, 480, 4096][round as usize % 5];
        engine.render_f32(&mut buffer_f32[..frames * 2]);
        engine.render_i16(&mut buffer_i16[..frames * 2]);
        time = engine.position();
    }
    engine.set_master_gain_centibels(-600);
    engine.set_channel_priority(1, 3, 5);
    engine.all_sound_off();
    engine.reset_clock();
    let stats = engine.take_stats();
    let unloaded_wave = engine.unload(5);
    let unloaded_instrument = engine.unload(6);
    let unloaded_in_use = engine.unload(1);
    engine.render_f32(&mut buffer_f32);
    count(false);

    assert!(r1 && r2 && queued > 3000);
    assert!(unloaded_wave.is_ok() && unloaded_instrument.is_ok() && unloaded_in_use.is_ok());
    assert!(stats.peak_voices >= 32, "{stats:?}");
    assert_eq!(
        EVENTS.load(Ordering::SeqCst),
        0,
        "allocations or frees in the real-time path"
    );
    drop((unloaded_wave, unloaded_instrument, unloaded_in_use));
}
