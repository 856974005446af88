//! Regression inputs of the fuzz targets, replayed through the same drivers the targets call
//! (`reliability::drive::{property_input, event_chain_input}`), plus a deterministic sweep of
//! random inputs so the drivers themselves stay exercised in CI.
#![allow(clippy::all, missing_docs)]

use portcls_host::GuardedAllocator;
use reliability::drive::{
    event_chain_hardware_input, event_chain_input, property_hardware_input, property_input,
};
use reliability::rng::Rng;

#[global_allocator]
static ALLOCATOR: GuardedAllocator = GuardedAllocator;

fn random_inputs(seed: u64, count: usize, length: usize) -> Vec<Vec<u8>> {
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|_| {
            (0..rng.below(length as u64) as usize)
                .map(|_| rng.byte())
                .collect()
        })
        .collect()
}

#[test]
fn property_driver_survives_random_requests() {
    let start = std::time::Instant::now();
    for input in random_inputs(1, 40, 2048) {
        property_input(&input);
    }
    eprintln!("40 property inputs in {:?}", start.elapsed());
}

#[test]
fn event_chain_driver_survives_random_chains() {
    let start = std::time::Instant::now();
    for input in random_inputs(2, 40, 4096) {
        event_chain_input(&input);
    }
    eprintln!("40 event-chain inputs in {:?}", start.elapsed());
}

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let mut inputs = Vec::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in [
        root.join("../../fuzz/seeds").join(target),
        root.join("tests/regressions").join(target),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let bytes = std::fs::read(entry.path()).unwrap();
            inputs.push((entry.path().display().to_string(), bytes));
        }
    }
    inputs.sort();
    inputs
}

/// The seeds do what they were built for (so the fuzzer starts from real requests), and every
/// stored regression input under tests/regressions/property_request/ replays clean.
#[test]
fn property_seeds_and_regressions_replay() {
    let inputs = seeds("property_request");
    assert!(inputs.len() >= 30, "seed corpus missing: {}", inputs.len());
    let mut downloads = 0;
    let mut successes = 0;
    for (name, bytes) in &inputs {
        let stats = property_input(bytes);
        if name.contains("download-") && stats.downloads == 0 {
            eprintln!("{name}: download refused");
        }
        downloads += stats.downloads;
        successes += stats.successes;
    }
    // The tiny collection's two buffers download; the download_parse seeds are real buffers too.
    assert!(downloads >= 2, "no seed download succeeded");
    assert!(successes >= 100, "seeds mostly fail: {successes}");
}

#[test]
fn event_chain_seeds_and_regressions_replay() {
    let inputs = seeds("event_chain");
    assert!(inputs.len() >= 3);
    for (name, bytes) in &inputs {
        let stats = event_chain_input(bytes);
        if name.ends_with("notes") || name.ends_with("package") {
            assert!(stats.events >= 4, "{name}: {stats:?}");
            assert!(stats.peak > 0.01, "{name}: the notes are silent: {stats:?}");
        }
    }
}

/// The persistent drivers the fuzz targets run (one filter reset between inputs, closed and
/// checked every PERSISTENT_INPUTS inputs) hold the same invariants.
#[test]
fn persistent_drivers_reset_cleanly() {
    use reliability::drive::{PERSISTENT_INPUTS, event_chain_input_persistent, property_input_persistent};
    let inputs = random_inputs(3, PERSISTENT_INPUTS as usize + 10, 1024);
    for input in &inputs {
        property_input_persistent(input);
    }
    for input in &inputs {
        event_chain_input_persistent(input);
    }
}

/// The subset replayed under Miri by scripts/miri.sh (a filter per input is slow there): a real
/// DOWNLOAD through the dispatcher, the every-item sweep of one property, and the package and
/// SysEx-fragment chains.
#[test]
fn miri_subset() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds");
    for (target, name) in [
        ("property_request", "download-00"),
        ("property_request", "item-03"),
        ("event_chain", "package"),
        ("event_chain", "sysex-fragments"),
    ] {
        let bytes = std::fs::read(root.join(target).join(name)).unwrap();
        if target == "property_request" {
            property_input(&bytes);
        } else {
            event_chain_input(&bytes);
        }
    }
}

#[test]
fn data_intersection_seeds_and_random_ranges() {
    use reliability::drive::data_intersection_input;
    let inputs = seeds("data_intersection");
    assert!(inputs.len() >= 12);
    let mut matched = 0;
    for (name, bytes) in &inputs {
        let status = data_intersection_input(bytes);
        if name.ends_with("-fit") {
            assert_eq!(
                status,
                portcls_sys::STATUS_SUCCESS,
                "{name}: our own range must intersect with itself"
            );
            matched += 1;
        }
    }
    assert_eq!(matched, 4);
    for input in random_inputs(4, 2000, 200) {
        data_intersection_input(&input);
    }
}

/// The hardware-synth filter (issue 9) under the same drivers: random inputs and every stored
/// seed and regression of both targets, through the shared engine and `render_into`.
#[test]
#[cfg_attr(miri, ignore = "hundreds of inputs: too slow under Miri")]
fn hardware_synth_filter_survives_the_fuzz_drivers() {
    let start = std::time::Instant::now();
    let mut count = 0;
    for input in random_inputs(3, 20, 2048) {
        property_hardware_input(&input);
        count += 1;
    }
    for input in random_inputs(4, 20, 4096) {
        event_chain_hardware_input(&input);
        count += 1;
    }
    let (mut successes, mut downloads, mut events) = (0, 0, 0);
    for (_, bytes) in seeds("property_request") {
        let stats = property_hardware_input(&bytes);
        successes += stats.successes;
        downloads += stats.downloads;
        count += 1;
    }
    for (_, bytes) in seeds("event_chain") {
        events += event_chain_hardware_input(&bytes).events;
        count += 1;
    }
    eprintln!(
        "{count} inputs through the hardware-synth filter in {:?}: {successes} property successes, \
         {downloads} downloads, {events} events returned",
        start.elapsed()
    );
    assert!(count >= 60, "seed corpus missing");
    assert!(
        successes >= 100 && downloads >= 2,
        "the seeds mostly fail on the hardware-synth filter"
    );
    assert!(events > 0, "no event reached the hardware-synth filter");
}
