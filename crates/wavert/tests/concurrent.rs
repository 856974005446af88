//! The shared engine under concurrent MIDI (one thread, as PutMessage at DISPATCH_LEVEL) and
//! WaveRT rendering (another thread, as the timer DPC), through the same `SharedSynth`.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_precision_loss,
    missing_docs
)]

mod common;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use common::MutexSynth;
use synth::test_support::event;
use synth::{Engine, EngineConfig};
use wavert::collection::install;
use wavert::format::SampleFormat;
use wavert::{CyclicWriter, WriterConfig, default_collection};

#[test]
fn midi_and_render_threads_share_one_engine() {
    let mut engine = Engine::new(&EngineConfig::default()).unwrap();
    install(&mut engine, default_collection(None).unwrap()).unwrap();
    let synth = MutexSynth(Mutex::new(engine));
    let done = AtomicBool::new(false);
    let events_sent = AtomicU64::new(0);
    let config = WriterConfig::for_buffer(960, 2, SampleFormat::Pcm16, 144);
    let ticks = 4_000u64; // 4 s of 1 ms ticks
    let (writer, peak, nonzero) = std::thread::scope(|scope| {
        // MIDI: notes on all channels, each scheduled "now" on the engine clock.
        let midi = scope.spawn(|| {
            let mut n = 0u32;
            let mut last = 0u64;
            while !done.load(Ordering::Acquire) {
                let channel = (n % 16) as u8;
                let key = 36 + (n * 7 % 48) as u8;
                let mut engine = synth.0.lock().unwrap();
                let now = engine.position();
                // A note every 2.5 ms of engine time at most (a busy MIDI stream, not a flood).
                if n > 0 && now < last + 120 {
                    drop(engine);
                    std::thread::yield_now();
                    continue;
                }
                last = now;
                engine.schedule(event(now, 0x90 | channel, key, 100)).unwrap();
                engine
                    .schedule(event(now + 2_000, 0x80 | channel, key, 0))
                    .unwrap();
                drop(engine);
                events_sent.fetch_add(2, Ordering::Relaxed);
                n += 1;
                std::thread::yield_now();
            }
        });
        // WaveRT: the writer at a position advancing 48 frames per tick, reading the buffer back.
        let render = scope.spawn(|| {
            let mut writer = CyclicWriter::new(config).unwrap();
            let mut buffer = vec![0u8; config.buffer_bytes()];
            let mut scratch = vec![0f32; 288];
            let mut peak = 0i16;
            let mut nonzero = 0u64;
            for tick in 0..ticks {
                let position = tick * 48;
                writer.fill(position, &synth, &mut buffer, &mut scratch).unwrap();
                for sample in buffer.chunks_exact(2) {
                    let v = i16::from_le_bytes([sample[0], sample[1]]);
                    peak = peak.max(v.saturating_abs());
                    nonzero += u64::from(v != 0);
                }
                std::thread::yield_now();
            }
            done.store(true, Ordering::Release);
            (writer, peak, nonzero)
        });
        let result = render.join().unwrap();
        midi.join().unwrap();
        result
    });
    let mut engine = synth.0.lock().unwrap();
    let stats = engine.take_stats();
    // Every frame the writer rendered advanced the one engine clock, and nothing else rendered.
    assert_eq!(writer.stats().rendered_frames, (ticks - 1) * 48 + 144);
    assert_eq!(engine.position(), writer.stats().rendered_frames);
    assert_eq!(writer.stats().underruns, 0);
    assert_eq!(stats.dropped_events, 0);
    assert!(
        events_sent.load(Ordering::Relaxed) >= 20,
        "{}",
        events_sent.load(Ordering::Relaxed)
    );
    assert!(peak > 300, "audible: peak {peak}");
    assert!(nonzero > 0);
    println!(
        "{} MIDI events concurrently with {} ticks; peak {} voices, lost notes {}",
        events_sent.load(Ordering::Relaxed),
        ticks,
        stats.peak_voices,
        stats.lost_notes
    );
}
