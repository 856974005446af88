//! The default bank seen from outside: completeness, validity, size and determinism.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use dls::model::{Collection, LoopKind};

fn bank() -> Collection {
    gm_bank::build(gm_bank::DEFAULT_SAMPLE_RATE).unwrap()
}

fn digest(collection: &Collection) -> u64 {
    let mut hasher = DefaultHasher::new();
    for wave in &collection.waves {
        wave.data.hash(&mut hasher);
        wave.sample.hash(&mut hasher);
        wave.sample_rate.hash(&mut hasher);
    }
    for instrument in &collection.instruments {
        instrument.patch.hash(&mut hasher);
        for region in &instrument.regions {
            region.keys.hash(&mut hasher);
            region.wave_link.hash(&mut hasher);
            region.sample.hash(&mut hasher);
            region.key_group.hash(&mut hasher);
            if let Some(articulation) = &region.articulation {
                articulation.connections.hash(&mut hasher);
            }
        }
        if let Some(articulation) = &instrument.articulation {
            articulation.connections.hash(&mut hasher);
        }
    }
    hasher.finish()
}

#[test]
fn has_all_128_programs_and_a_drum_kit_for_keys_35_to_81() {
    let bank = bank();
    let mut programs: Vec<u8> = bank
        .instruments
        .iter()
        .filter(|instrument| !instrument.patch.drums)
        .map(|instrument| {
            assert_eq!((instrument.patch.bank_msb, instrument.patch.bank_lsb), (0, 0));
            assert!(instrument.gm_instrument);
            instrument.patch.program
        })
        .collect();
    programs.sort_unstable();
    assert_eq!(programs, (0..128).collect::<Vec<u8>>());
    let kits: Vec<_> = bank
        .instruments
        .iter()
        .filter(|instrument| instrument.patch.drums)
        .collect();
    assert_eq!(kits.len(), 1);
    let kit = kits[0];
    assert!(kit.gm_instrument);
    assert_eq!(kit.patch.program, 0);
    for key in 35..=81_u8 {
        let covering = kit
            .regions
            .iter()
            .filter(|region| region.keys.contains(key))
            .count();
        assert_eq!(covering, 1, "drum key {key}");
    }
    // Every melodic key is covered exactly once.
    for instrument in bank
        .instruments
        .iter()
        .filter(|instrument| !instrument.patch.drums)
    {
        for key in 0..=127_u8 {
            assert_eq!(
                instrument
                    .regions
                    .iter()
                    .filter(|region| region.keys.contains(key))
                    .count(),
                1
            );
        }
        assert!(instrument.articulation.is_some(), "{:?}", instrument.name);
    }
}

#[test]
fn hi_hats_share_one_exclusive_class_and_nothing_else_does() {
    let bank = bank();
    let kit = bank
        .instruments
        .iter()
        .find(|instrument| instrument.patch.drums)
        .unwrap();
    let group = |key: u8| {
        kit.regions
            .iter()
            .find(|region| region.keys.contains(key))
            .unwrap()
            .key_group
    };
    assert_ne!(group(42), 0);
    assert_eq!(group(42), group(44));
    assert_eq!(group(42), group(46));
    for key in [35, 36, 38, 49, 51, 60] {
        assert_ne!(group(key), group(42), "key {key}");
    }
}

#[test]
fn every_region_names_an_existing_wave_and_every_loop_fits() {
    let bank = bank();
    for instrument in &bank.instruments {
        for region in &instrument.regions {
            let wave = bank
                .waves
                .get(region.wave_link.wave as usize)
                .expect("wave exists");
            assert!(!wave.data.is_empty());
            for sample in [region.sample, wave.sample].into_iter().flatten() {
                assert!(sample.unity_note <= 127);
                assert!(sample.fine_tune.abs() <= 100);
                if let Some(sample_loop) = sample.sample_loop {
                    assert_eq!(sample_loop.kind, LoopKind::Forward);
                    assert!(sample_loop.length >= 16, "{:?}", wave.name);
                    assert!(
                        (sample_loop.start + sample_loop.length) as usize <= wave.data.len(),
                        "{:?}",
                        wave.name
                    );
                }
            }
        }
    }
}

#[test]
fn loops_are_seamless() {
    // The jump from a loop's last sample back to its first must look like any other step in the
    // loop (no click): at most 1.5× the largest step inside the loop.
    let bank = bank();
    for wave in &bank.waves {
        let Some(sample_loop) = wave.sample.and_then(|sample| sample.sample_loop) else {
            continue;
        };
        let body = &wave.data[sample_loop.start as usize..(sample_loop.start + sample_loop.length) as usize];
        let largest = body
            .windows(2)
            .map(|pair| (i32::from(pair[1]) - i32::from(pair[0])).abs())
            .max()
            .unwrap();
        let wrap = (i32::from(body[0]) - i32::from(*body.last().unwrap())).abs();
        assert!(
            wrap <= largest * 3 / 2 + 64,
            "{:?}: wrap step {wrap}, largest step {largest}",
            wave.name
        );
    }
}

#[test]
fn loop_pitch_matches_unity_note_and_fine_tune() {
    // The sine timbre's loop holds whole cycles; counting them gives its true pitch, which must
    // equal what unity note + fine tune claim, within 1 cent.
    let bank = bank();
    let whistle = bank
        .instruments
        .iter()
        .find(|i| !i.patch.drums && i.patch.program == 78)
        .unwrap();
    for region in &whistle.regions {
        let wave = &bank.waves[region.wave_link.wave as usize];
        let sample = region.sample.unwrap();
        let sample_loop = sample.sample_loop.unwrap();
        let body = &wave.data[sample_loop.start as usize..(sample_loop.start + sample_loop.length) as usize];
        let mut rising = 0;
        for index in 0..body.len() {
            let (a, b) = (body[index], body[(index + 1) % body.len()]);
            if a < 0 && b >= 0 {
                rising += 1;
            }
        }
        let measured = f64::from(wave.sample_rate) * f64::from(rising) / f64::from(sample_loop.length);
        let claimed = 440.0
            * 2f64.powf((f64::from(sample.unity_note) - 69.0 - f64::from(sample.fine_tune) / 100.0) / 12.0);
        let cents = 1200.0 * (measured / claimed).log2();
        assert!(
            cents.abs() < 1.0,
            "range {:?}: measured {measured} Hz, claimed {claimed} Hz",
            region.keys
        );
    }
}

#[test]
fn drums_are_audible_and_end_in_silence() {
    let bank = bank();
    let kit = bank
        .instruments
        .iter()
        .find(|instrument| instrument.patch.drums)
        .unwrap();
    for region in &kit.regions {
        let wave = &bank.waves[region.wave_link.wave as usize];
        let peak = wave
            .data
            .iter()
            .map(|value| i32::from(*value).abs())
            .max()
            .unwrap();
        assert!(peak > 20_000, "{:?} peak {peak}", wave.name);
        let tail = wave.data[wave.data.len() - 8..]
            .iter()
            .map(|value| i32::from(*value).abs())
            .max()
            .unwrap();
        assert!(tail < 2_000, "{:?} tail {tail}", wave.name);
        assert!(region.sample.unwrap().sample_loop.is_none());
    }
}

#[test]
fn size_is_bounded() {
    let bank = bank();
    let bytes: usize = bank.waves.iter().map(|wave| wave.data.len() * 2).sum();
    assert!(bytes < 4 * 1024 * 1024, "{bytes} bytes of wave data");
    assert!(bank.waves.len() < 200);
    eprintln!("default bank: {} waves, {} bytes", bank.waves.len(), bytes);
}

#[test]
fn two_builds_are_identical() {
    let first = bank();
    let second = bank();
    assert_eq!(digest(&first), digest(&second));
    assert_eq!(first, second);
    let other_rate = gm_bank::build(32_000).unwrap();
    assert_ne!(digest(&first), digest(&other_rate));
    assert!(other_rate.waves.iter().all(|wave| wave.sample_rate == 32_000));
}

/// EG1 sustain level (0..=1000, 0.1 %) of a melodic program.
fn sustain(bank: &Collection, program: u8) -> i32 {
    let instrument = bank
        .instruments
        .iter()
        .find(|i| !i.patch.drums && i.patch.program == program)
        .unwrap();
    let connection = instrument
        .articulation
        .as_ref()
        .unwrap()
        .connections
        .iter()
        .find(|c| c.destination == portcls_sys::dls::CONN_DST_EG1_SUSTAINLEVEL && c.source == 0)
        .unwrap();
    connection.scale >> 16
}

#[test]
fn struck_families_decay_and_sustained_families_hold() {
    let bank = bank();
    // Pianos, chromatic percussion, guitars (but the distorted ones), plucked basses.
    for program in (0..16).chain(24..29).chain(32..35) {
        assert_eq!(
            sustain(&bank, program),
            0,
            "program {program} should decay to silence"
        );
    }
    // Organs, bowed strings, ensembles, brass, reeds, pipes, leads, pads.
    for program in (16..24)
        .chain(40..45)
        .chain(48..55)
        .chain(56..61)
        .chain(64..88)
        .chain(88..96)
    {
        assert!(sustain(&bank, program) >= 300, "program {program} should sustain");
    }
}
