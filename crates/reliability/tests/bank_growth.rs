//! A download that finds the engine's bank full grows it under the engine mutex (ADR 005): a
//! render running at the same time waits for the growth instead of finding no engine (which
//! rendered silence: a dropout), and every concurrent download and unload finds the engine.
#![allow(clippy::all, clippy::undocumented_unsafe_blocks, missing_docs)]

use portcls_host::unpack::MidiEvent;
use portcls_host::{GuardedAllocator, SampleFormat, platform};
use portcls_sys::STATUS_SUCCESS;
use reliability::drive::{Filter, NoArm, Setup, download, download_buffers, tiny_collection, unload};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

#[global_allocator]
static ALLOCATOR: GuardedAllocator = GuardedAllocator;

/// Renders 16-frame blocks until `stop`; counts blocks that are entirely silent.
fn render_loop(filter: &Filter, stop: &AtomicBool, renders: &AtomicU64, silent: &AtomicU64) {
    let harness = &filter.harness;
    let block_align = 2 * SampleFormat::F32.bytes();
    let frames = 16u32;
    let mut buffer = vec![0u8; frames as usize * block_align];
    let mut position = filter.position;
    while !stop.load(Ordering::Relaxed) {
        harness.render(&mut buffer, frames, position, block_align);
        if buffer.iter().all(|&byte| byte == 0) {
            silent.fetch_add(1, Ordering::Relaxed);
        }
        renders.fetch_add(1, Ordering::Relaxed);
        position += i64::from(frames);
    }
}

#[test]
fn growing_the_bank_never_silences_a_concurrent_render_nor_loses_a_download() {
    let mut filter = Filter::open(&NoArm, Setup::default()).unwrap();
    filter
        .download_all(&NoArm, &download_buffers(&tiny_collection(), 1))
        .unwrap();
    // A sustained looped saw on program 0.
    let note = [MidiEvent {
        time: 0,
        channel_group: 1,
        bytes: vec![0x90, 60, 100],
    }];
    assert_eq!(filter.send(&NoArm, &note), STATUS_SUCCESS);
    for _ in 0..4 {
        filter.render(&NoArm, 480);
    }
    let stop = AtomicBool::new(false);
    let renders = AtomicU64::new(0);
    let silent = AtomicU64::new(0);
    let mut handles = Vec::new();
    std::thread::scope(|scope| {
        scope.spawn(|| render_loop(&filter, &stop, &renders, &silent));
        // 600 more waves and instruments (other programs): the bank's 64-slot tables grow 9 times.
        let mut collection = tiny_collection();
        for k in 0..600u32 {
            // Interleave: at least one render between two downloads.
            let seen = renders.load(Ordering::Relaxed);
            while renders.load(Ordering::Relaxed) == seen {
                std::thread::yield_now();
            }
            collection.instruments[0].patch.program = (1 + k % 127) as u8;
            collection.instruments[0].patch.bank_msb = (k / 127 + 1) as u8;
            for buffer in download_buffers(&collection, 100 + 2 * k) {
                let (status, handle) = download(&NoArm, &filter.harness, &buffer);
                assert_eq!(status, STATUS_SUCCESS, "download {k}");
                handles.push(handle);
            }
            // An unload racing with the render and the growths finds the engine too.
            if k % 10 == 9 {
                let handle = handles.remove(handles.len() - 2);
                assert_eq!(
                    unload(&NoArm, &filter.harness, handle),
                    STATUS_SUCCESS,
                    "unload {k}"
                );
            }
        }
        stop.store(true, Ordering::Relaxed);
    });
    assert!(renders.load(Ordering::Relaxed) >= 600, "the render thread ran");
    assert_eq!(
        silent.load(Ordering::Relaxed),
        0,
        "a render came out silent (dropout)"
    );
    for handle in handles.drain(..).rev() {
        assert_eq!(unload(&NoArm, &filter.harness, handle), STATUS_SUCCESS);
    }
    filter.close(&NoArm).assert_balanced();
    assert_eq!(platform::dispatch_allocations(), 0);
}
