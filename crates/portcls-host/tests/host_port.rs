//! The host port drives the miniport through its C ABI: timing, accounting, IRQL discipline.
#![allow(clippy::all, missing_docs)]

mod common;

use common::*;
use portcls_host::{GuardedAllocator, platform};

#[global_allocator]
static ALLOCATOR: GuardedAllocator = GuardedAllocator;

/// A note at reference time t starts at the frame RefTimeToSample(t) gives, within one frame;
/// every event comes back; nothing allocates at DISPATCH_LEVEL.
#[test]
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
