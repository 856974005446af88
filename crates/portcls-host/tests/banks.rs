//! A real bank through the whole path: .dls bytes → collection → DirectMusic download buffers →
//! KSPROPERTY_SYNTH_DLS_DOWNLOAD → the engine → Render; and the books balance afterwards.
#![allow(clippy::all, clippy::undocumented_unsafe_blocks, missing_docs)]

mod common;

use common::*;
use portcls_host::{GuardedAllocator, HostPort, platform};

#[global_allocator]
static ALLOCATOR: GuardedAllocator = GuardedAllocator;

/// Frequency from rising zero crossings of `samples` at `rate`.
fn pitch(samples: &[f32], rate: f64) -> f64 {
    let crossings: Vec<usize> = samples
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] <= 0.0 && w[1] > 0.0)
        .map(|(i, _)| i)
        .collect();
    assert!(crossings.len() > 10, "no signal");
    let (first, last) = (crossings[0], *crossings.last().unwrap());
    (crossings.len() - 1) as f64 * rate / (last - first) as f64
}

#[test]
#[cfg_attr(miri, ignore = "builds and plays a whole GM bank: too slow under Miri")]
fn the_gm_bank_written_as_dls_downloads_and_plays_in_tune() {
    let bank = gm_bank::build(gm_bank::DEFAULT_SAMPLE_RATE).unwrap();
    let bytes = dls::file::write_dls(&bank);
    let collection = dls::file::read_dls(&bytes).unwrap();
    let mut port = HostPort::open(&dry_config()).unwrap();
    let report = port.download(&collection).unwrap();
    assert_eq!(report.instruments, collection.instruments.len());
    assert!(report.waves > 0);
    // Flute (program 74, 0-based 73), A4 for one second.
    port.schedule_midi(1_000, 1, &[0xC0, 73]);
    port.schedule_midi(2_000_000, 1, &[0x90, 69, 100]);
    port.schedule_midi(12_000_000, 1, &[0x80, 69, 0]);
    let mut left = Vec::new();
    for _ in 0..150 {
        left.extend(left_s16(port.render(480).unwrap()).map(|s| f32::from(s) / 32768.0));
    }
    // The steady part of the note: 0.5 s .. 1.1 s.
    let steady = &left[24_000..52_800];
    let peak = steady.iter().fold(0.0f32, |m, s| m.max(s.abs()));
    assert!(peak > 0.02, "peak {peak}");
    let frequency = pitch(steady, 48_000.0);
    assert!(
        (frequency - 440.0).abs() < 440.0 * 0.01,
        "pitch {frequency:.2} Hz"
    );
    // Silent before the note.
    assert!(left[..9_000].iter().all(|s| *s == 0.0));
    let accounting = port.close().unwrap();
    assert_eq!(accounting.unloaded, report.handles.len());
    assert_eq!(accounting.unload_failures, 0);
    assert_eq!(platform::dispatch_allocations(), 0);
}
