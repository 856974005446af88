//! Every byte the miniport allocates over a whole lifecycle is freed, and every COM object dies.
//! (Its own test binary: the allocation counters are process-wide.)
#![allow(clippy::all, clippy::undocumented_unsafe_blocks, missing_docs)]

mod common;

use common::*;
use portcls_host::{GuardedAllocator, HostPort};

#[global_allocator]
static ALLOCATOR: GuardedAllocator = GuardedAllocator;

fn lifecycle() {
    let mut port = HostPort::open(&dry_config()).unwrap();
    port.download(&sine_collection()).unwrap();
    port.download(&dc_collection(1_000)).unwrap(); // ids continue after the first collection
    for k in 0..20 {
        port.schedule_midi(1_000 + k * 500_000, 1, &[0x90, 60 + k as u8, 100]);
        port.schedule_midi(300_000 + k * 500_000, 1, &[0x80, 60 + k as u8, 0]);
    }
    port.schedule_midi(3_000_000, 0, &[0xF0, 0x7E, 0x7F, 0x09, 0x01, 0xF7]);
    for _ in 0..200 {
        port.render(480).unwrap();
    }
    port.stats().unwrap();
    let accounting = port.close().unwrap();
    assert_eq!(accounting.events_out, accounting.events_back);
    assert_eq!(accounting.events_out, 41);
    assert_eq!(accounting.leaked_references, 0);
}

#[test]
fn a_whole_lifecycle_frees_everything() {
    assert_frees_everything(lifecycle);
}
