//! The host port drives the miniport through its C ABI: timing, accounting, IRQL discipline.
#![allow(
    clippy::all,
    clippy::undocumented_unsafe_blocks,
    clippy::multiple_unsafe_ops_per_block,
    missing_docs
)]

mod common;

use common::*;
use portcls_host::{GuardedAllocator, PortConfig, platform};

#[global_allocator]
static ALLOCATOR: GuardedAllocator = GuardedAllocator;

/// A note at reference time t starts at the frame RefTimeToSample(t) gives, within one frame;
/// every event comes back; nothing allocates at DISPATCH_LEVEL.
#[test]
#[cfg_attr(miri, ignore = "renders seconds of audio: too slow under Miri")]
fn note_sounds_at_the_mapped_sample() {
    let config = dry_config();
    let mut port = open_dc(&config);
    let time = 5_123_457; // 0.512 s, not on a frame boundary
    port.schedule_midi(time, 1, &[0x90, 60, 127]);
    port.schedule_midi(time + 2_000_000, 1, &[0x80, 60, 0]);
    let expected = port.ref_time_to_sample(time);
    let mut onset = None;
    for _ in 0..100 {
        let start = port.frames_rendered();
        let period = port.render(480).unwrap().to_vec();
        if onset.is_none() {
            if let Some(index) = left_s16(&period).position(|s| s != 0) {
                onset = Some(start + index as i64);
            }
        }
    }
    let onset = onset.expect("the note never sounded");
    assert!(
        (onset - expected).abs() <= 1,
        "onset {onset}, expected {expected}"
    );
    assert_eq!(expected, ((time as f64) * 48_000.0 / 1e7).round() as i64);
    let stats = port.stats().unwrap();
    assert!(stats.peak_level > 0.05, "peak {}", stats.peak_level);
    let accounting = port.close().unwrap();
    assert_eq!(accounting.events_out, 2);
    assert_eq!(accounting.events_back, 2);
    assert_eq!(accounting.unloaded, 2);
    assert_eq!(platform::dispatch_allocations(), 0);
}

/// The master clock runs 0.1 % fast against the sample clock for 10 simulated minutes. Notes every
/// 20 s: each starts at the frame RefTimeToSample gave when it was handed over (within one frame),
/// and that frame is the true one (master time converted with the real clock ratio) within one
/// frame once the phase lock has settled.
#[test]
#[cfg_attr(miri, ignore = "renders seconds of audio: too slow under Miri")]
fn notes_stay_on_time_with_a_master_clock_drifting_0_1_percent_over_10_minutes() {
    let drift_ppm = 1_000.0;
    let config = PortConfig {
        clock_drift_ppm: drift_ppm,
        ..dry_config()
    };
    let mut port = open_dc(&config);
    let seconds = 600i64;
    let note_times: Vec<i64> = (1..seconds / 20)
        .map(|k| k * 200_000_000 + 1_234_567 * k)
        .collect();
    for &time in &note_times {
        port.schedule_midi(time, 1, &[0x90, 60, 127]);
        port.schedule_midi(time + 1_000_000, 1, &[0x80, 60, 0]);
    }
    let mut expected = Vec::new();
    let mut onsets = Vec::new();
    let mut sounding = false;
    let total_frames = seconds * 48_000;
    while port.frames_rendered() < total_frames {
        // What the miniport will be told in this period's delivery: convert with the same mapping.
        let horizon = port.master_time_100ns() + portcls_host::LOOKAHEAD_100NS;
        while expected.len() < note_times.len() && note_times[expected.len()] < horizon {
            expected.push(port.ref_time_to_sample(note_times[expected.len()]));
        }
        let start = port.frames_rendered();
        let period = port.render(480).unwrap();
        for (index, sample) in left_s16(period).enumerate() {
            if sample != 0 && !sounding {
                onsets.push(start + index as i64);
            }
            sounding = sample != 0;
        }
    }
    assert_eq!(onsets.len(), note_times.len(), "onsets {onsets:?}");
    for ((onset, expected), time) in onsets.iter().zip(&expected).zip(&note_times) {
        assert!((onset - expected).abs() <= 1, "onset {onset} expected {expected}");
        // Truth: master ticks since start / (1 + drift) at 48 kHz.
        let truth = *time as f64 / (1.0 + drift_ppm * 1e-6) * 48_000.0 / 1e7;
        if *time > 50_000_000 {
            assert!(
                (*onset as f64 - truth).abs() <= 1.0,
                "onset {onset} truth {truth:.1} at {time}"
            );
        }
    }
    let accounting = port.close().unwrap();
    assert_eq!(accounting.events_out, 2 * note_times.len() as u64);
    assert_eq!(platform::dispatch_allocations(), 0);
}

/// 32-bit float mono with sinc interpolation (set through the private property): the note is
/// there and every sample is finite and within full scale.
#[test]
#[cfg_attr(miri, ignore = "renders seconds of audio: too slow under Miri")]
fn float_mono_output() {
    let config = PortConfig {
        channels: 1,
        format: portcls_host::SampleFormat::F32,
        interpolation: Some(synth::Interpolation::Sinc),
        ..dry_config()
    };
    let mut port = portcls_host::HostPort::open(&config).unwrap();
    port.download(&sine_collection()).unwrap();
    port.schedule_midi(1_000_000, 1, &[0x90, 69, 100]);
    let mut peak = 0.0f32;
    for _ in 0..50 {
        let period = port.render(480).unwrap();
        assert_eq!(period.len(), 480 * 4);
        for sample in period
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        {
            assert!(sample.is_finite());
            peak = peak.max(sample.abs());
        }
    }
    assert!(peak > 0.05 && peak <= 1.0, "peak {peak}");
    port.close().unwrap();
}
