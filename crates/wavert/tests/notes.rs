//! Notes through the WaveRT path: scheduled on the shared engine, found at the expected frame
//! of the stream the simulated audio engine reads out of the cyclic buffer.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_precision_loss,
    missing_docs
)]

mod common;

use std::sync::Mutex;

use common::{MutexSynth, Rng, Session};
use synth::test_support::{channel, cosine_wave, dry_engine_playing, event, onset, zero_crossing_frequency};
use wavert::format::SampleFormat;

const RATE: u32 = 48_000;

/// An engine (no effects) with a cosine instrument: key 60 plays 480 Hz (period 100 samples),
/// and its first sample is the peak, so the onset is the note's exact frame.
fn cosine_engine() -> MutexSynth {
    MutexSynth(Mutex::new(dry_engine_playing(
        cosine_wave(RATE, 100.0, 40, 0.5),
        vec![],
    )))
}

#[test]
fn notes_sound_at_their_frame_and_pitch_through_the_cyclic_buffer() {
    for format in [SampleFormat::Float32, SampleFormat::Pcm16] {
        let synth = cosine_engine();
        // Frames chosen around buffer wraps (960-frame buffer) and tick boundaries.
        let notes = [12_345u64, 47_999, 60_000, 96_001];
        {
            let mut engine = synth.0.lock().unwrap();
            for &at in &notes {
                engine.schedule(event(at, 0x90, 60, 127)).unwrap();
                engine.schedule(event(at + 4_800, 0x80, 60, 0)).unwrap();
            }
        }
        let outcome = Session::typical(format, 3).run(&synth);
        assert_eq!(outcome.writer.stats().underruns, 0);
        let left: Vec<f32> = channel(&outcome.frames.iter().flatten().copied().collect::<Vec<_>>(), 0);
        let mut from = 0usize;
        for &at in &notes {
            let found = from + onset(&left[from..], 1e-3).unwrap();
            assert_eq!(
                found as u64, at,
                "{format:?}: note scheduled at {at} starts at {found}"
            );
            let tone = &left[found + 100..found + 4_000];
            let hz = zero_crossing_frequency(tone).unwrap() * f64::from(RATE);
            assert!((hz - 480.0).abs() < 0.5, "{format:?}: {hz} Hz");
            from = found + 4_800 + 2_400; // past the release
            assert!(
                left[found + 4_800 + 1_500..found + 9_000]
                    .iter()
                    .all(|s| s.abs() < 1e-3)
            );
        }
    }
}

/// MIDI arriving "now" (the MIDI side schedules at the engine's next unrendered frame) sounds
/// between 0 and `lead` frames after the audio engine's position at arrival: the added latency
/// of the WaveRT path is at most the lead.
#[test]
fn live_midi_latency_is_at_most_the_lead() {
    let synth = cosine_engine();
    let mut rng = Rng::from_state(99);
    let session = Session::typical(SampleFormat::Float32, 4);
    let lead = u64::from(session.config.lead_frames);
    // Arrivals: at random ticks, a note-on for "now"; remember (arrival position, onset frame).
    let mut arrivals: Vec<(u64, u64)> = Vec::new();
    let mut next_note_after = 24_000u64;
    let outcome = session.run_with(&synth, |position, writer| {
        if position >= next_note_after {
            let mut engine = synth.0.lock().unwrap();
            let at = engine.position();
            engine.schedule(event(at, 0x90, 60, 127)).unwrap();
            engine.schedule(event(at + 2_400, 0x80, 60, 0)).unwrap();
            arrivals.push((position, writer.engine_to_stream(at)));
            next_note_after = position + 9_600 + rng.next_u64() % 4_800;
        }
    });
    assert!(arrivals.len() >= 15, "{}", arrivals.len());
    let left = channel(&outcome.frames.iter().flatten().copied().collect::<Vec<_>>(), 0);
    let mut latencies = Vec::new();
    for &(position, expected_onset) in &arrivals {
        let found = position as usize + onset(&left[position as usize..], 1e-3).unwrap();
        assert_eq!(found as u64, expected_onset);
        latencies.push(found as u64 - position);
    }
    let max = *latencies.iter().max().unwrap();
    let mean = latencies.iter().sum::<u64>() as f64 / latencies.len() as f64;
    assert!(max <= lead, "{max} > {lead}");
    println!(
        "live MIDI → capture stream latency: mean {:.2} ms, max {:.2} ms (lead {:.2} ms), {} notes",
        mean / 48.0,
        max as f64 / 48.0,
        lead as f64 / 48.0,
        latencies.len()
    );
}

/// After an underrun (the engine's clock now lags the stream), an event meant for stream frame F
/// and placed with `stream_to_engine(F)` still sounds at exactly F.
#[test]
fn timestamped_midi_stays_on_the_stream_clock_across_an_underrun() {
    let synth = cosine_engine();
    let mut session = Session::typical(SampleFormat::Float32, 3);
    session.tick_jitter = 0;
    session.stalls = vec![(10_000_000, 120_000)]; // 12 ms at 1 s: an underrun
    let target = 80_000u64; // stream frame, 1.67 s
    let mut scheduled = false;
    let outcome = session.run_with(&synth, |position, writer| {
        if !scheduled && position >= 72_000 {
            let at = writer.stream_to_engine(target).unwrap();
            let mut engine = synth.0.lock().unwrap();
            assert!(at >= engine.position());
            engine.schedule(event(at, 0x90, 60, 127)).unwrap();
            scheduled = true;
        }
    });
    assert!(scheduled);
    let stats = outcome.writer.stats();
    assert_eq!(stats.underruns, 1);
    assert!(stats.skipped_frames > 400, "{}", stats.skipped_frames);
    let left = channel(&outcome.frames.iter().flatten().copied().collect::<Vec<_>>(), 0);
    // Silence before (the stale frames of the underrun were silence too), the note at F exactly.
    assert_eq!(onset(&left, 1e-3), Some(target as usize));
}
