//! The hardware-synth engine shared under concurrency (issue 9, ADR 002/005): the port's
//! sequencer DPC (`PutMessage` at DISPATCH_LEVEL, random dense MIDI), the adapter's render thread
//! (`sync_position` + `render_into` in jittered ticks at PASSIVE_LEVEL) and an application thread
//! (downloads, unloads, volume SETs, a second MIDI stream opened, run, stopped and closed, again and
//! again) all at once. Checks: every event back to its allocator, no allocation at DISPATCH_LEVEL,
//! every rendered sample finite, no voice left after all notes off, `midi_running` true throughout
//! (the port's own MIDI pin stays in RUN), books balanced and no reference left at close.
//! `RELIABILITY_HW_SECONDS=60 cargo test --release -p reliability --test hardware_synth_concurrency`
//! runs it as a soak.
#![allow(clippy::all, clippy::undocumented_unsafe_blocks, missing_docs)]

use portcls_host::{GuardedAllocator, SampleFormat, platform, raise_irql};
use portcls_sys::*;
use reliability::drive::{
    Filter, NoArm, Setup, all_notes_off, download, download_buffers, random_midi, set_value, tiny_collection,
    unload,
};
use reliability::rng::Rng;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: GuardedAllocator = GuardedAllocator;

const GROUPS: u32 = 2;

#[test]
#[cfg_attr(miri, ignore = "threads and a second of audio: too slow under Miri")]
fn put_message_render_into_and_property_handlers_race_safely() {
    let setup = Setup {
        pool: 1024,
        voices: 64,
        channel_groups: GROUPS,
        effects: true,
        format: SampleFormat::F32,
        channels: 2,
        rate: 48_000,
    };
    let mut filter = Filter::open_hardware(&NoArm, setup).unwrap();
    filter
        .download_all(&NoArm, &download_buffers(&tiny_collection(), 1))
        .unwrap();
    let dispatch_before = platform::dispatch_allocations();
    let stop = AtomicBool::new(false);
    let (puts, ticks, user_ops, non_finite, not_running) = (
        AtomicU64::new(0),
        AtomicU64::new(0),
        AtomicU64::new(0),
        AtomicU64::new(0),
        AtomicU64::new(0),
    );
    let frames_done = AtomicU64::new(0);
    std::thread::scope(|scope| {
        // The render thread: 2 ms ± 1 ms ticks of master time, 5 ms lead.
        scope.spawn(|| {
            let filter = &filter;
            let synth = filter.harness.hardware.as_ref().unwrap();
            let mut rng = Rng::new(3);
            let mut time = 0i64;
            let mut cursor = 0u64;
            let mut out = vec![0.0f32; 2 * 4096];
            while !stop.load(Ordering::Relaxed) {
                time += 10_000 + rng.below(20_001) as i64;
                filter.harness.clock().set(time);
                let capture = (time as i128 * 48_000 / 10_000_000) as u64;
                synth.sync_position(capture);
                let end = capture + 240;
                if end > cursor {
                    let frames = ((end - cursor) as usize).min(4096);
                    let buffer = &mut out[..frames * 2];
                    synth.render_into(cursor, buffer);
                    let bad = buffer.iter().filter(|s| !s.is_finite()).count();
                    non_finite.fetch_add(bad as u64, Ordering::Relaxed);
                    cursor += frames as u64;
                    frames_done.store(cursor, Ordering::Relaxed);
                }
                if !synth.midi_running() {
                    not_running.fetch_add(1, Ordering::Relaxed);
                }
                ticks.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(Duration::from_micros(rng.below(300)));
            }
        });
        // The port's sequencer DPC.
        scope.spawn(|| {
            let filter = &filter;
            let mut rng = Rng::new(5);
            while !stop.load(Ordering::Relaxed) {
                let now = filter.harness.clock().get();
                let count = 1 + rng.below(48) as usize;
                let time = now + rng.below(200_000) as i64;
                let events = random_midi(&mut rng, count, GROUPS, time);
                let (chain, _) = portcls_host::unpack::to_kernel_events(filter.harness.allocator(), &events);
                if !chain.is_null() {
                    let status = {
                        let _dispatch = raise_irql(miniport::Irql::DISPATCH);
                        unsafe { ((*(*filter.harness.midi).lpVtbl).PutMessage)(filter.harness.midi, chain) }
                    };
                    assert_eq!(status, STATUS_SUCCESS);
                }
                puts.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(Duration::from_micros(rng.below(1000)));
            }
        });
        // An application: downloads, unloads, volume, a second MIDI stream coming and going.
        scope.spawn(|| {
            let filter = &filter;
            let harness = &filter.harness;
            let mut rng = Rng::new(9);
            let mut handles = Vec::new();
            let mut next_id = 100u32;
            let mut collection = tiny_collection();
            while !stop.load(Ordering::Relaxed) {
                match rng.below(4) {
                    0 => {
                        collection.instruments[0].patch.program = rng.below(128) as u8;
                        for buffer in download_buffers(&collection, next_id) {
                            let (status, handle) = download(&NoArm, harness, &buffer);
                            assert_eq!(status, STATUS_SUCCESS);
                            handles.push(handle);
                        }
                        next_id += 2;
                    }
                    1 if !handles.is_empty() => {
                        let handle = handles.swap_remove(rng.below(handles.len() as u64) as usize);
                        assert_eq!(unload(&NoArm, harness, handle), STATUS_SUCCESS);
                    }
                    2 => {
                        let volume = -(rng.below(2000) as i32);
                        let status = set_value(
                            &NoArm,
                            harness,
                            &KSPROPSETID_Synth,
                            KSPROPERTY_SYNTH_VOLUME,
                            volume,
                        );
                        assert_eq!(status, STATUS_SUCCESS);
                    }
                    _ => {
                        let mut music = portcls_host::harness::music_format();
                        let (status, second, _) = unsafe {
                            harness.new_stream_raw(
                                0,
                                DMUS_STREAM_MIDI_RENDER,
                                &mut music,
                                harness.allocator.cast(),
                                harness.clock.cast(),
                            )
                        };
                        assert_eq!(status, STATUS_SUCCESS);
                        unsafe { harness.transition(second, KSSTATE_RUN, KSSTATE_STOP) }.unwrap();
                        std::thread::sleep(Duration::from_micros(rng.below(2000)));
                        unsafe { harness.transition(second, KSSTATE_STOP, KSSTATE_RUN) }.unwrap();
                        unsafe { portcls_host::harness::release(second) };
                    }
                }
                user_ops.fetch_add(1, Ordering::Relaxed);
            }
            for handle in handles {
                assert_eq!(unload(&NoArm, harness, handle), STATUS_SUCCESS);
            }
        });
        let started = Instant::now();
        // `RELIABILITY_HW_SECONDS` makes it a soak (CI: 1.5 s).
        let duration = std::env::var("RELIABILITY_HW_SECONDS")
            .ok()
            .and_then(|seconds| seconds.parse::<f64>().ok())
            .map_or(Duration::from_millis(1500), Duration::from_secs_f64);
        while started.elapsed() < duration {
            std::thread::sleep(Duration::from_millis(10));
        }
        stop.store(true, Ordering::Relaxed);
    });
    let (puts, ticks, user_ops) = (
        puts.load(Ordering::Relaxed),
        ticks.load(Ordering::Relaxed),
        user_ops.load(Ordering::Relaxed),
    );
    eprintln!(
        "{puts} PutMessage chains, {ticks} render ticks ({} frames), {user_ops} application operations",
        frames_done.load(Ordering::Relaxed)
    );
    assert!(puts > 100 && ticks > 100 && user_ops > 20, "the threads ran");
    assert_eq!(non_finite.load(Ordering::Relaxed), 0, "non-finite samples");
    assert_eq!(
        not_running.load(Ordering::Relaxed),
        0,
        "midi_running dropped while the port's pin ran"
    );
    assert_eq!(
        platform::dispatch_allocations(),
        dispatch_before,
        "allocation at DISPATCH_LEVEL"
    );
    // Everything off after the last queued event (the DPC stamped up to 20 ms ahead), then two
    // seconds more with the render thread's clock: no voice left.
    let mut off = all_notes_off(GROUPS);
    let mut time = filter.harness.clock().get();
    for event in &mut off {
        event.time = time + 500_000;
    }
    assert_eq!(filter.send(&NoArm, &off), STATUS_SUCCESS);
    let synth = filter.harness.hardware.clone().unwrap();
    let mut cursor = frames_done.load(Ordering::Relaxed);
    let mut out = vec![0.0f32; 2 * 480];
    for _ in 0..250 {
        time += 100_000;
        filter.harness.clock().set(time);
        synth.sync_position((time as i128 * 48_000 / 10_000_000) as u64);
        synth.render_into(cursor, &mut out);
        cursor += 480;
    }
    assert_eq!(
        synth.with_engine(|engine| engine.active_voices()),
        Some(0),
        "voices left"
    );
    drop(synth);
    filter.close(&NoArm).assert_balanced();
}
