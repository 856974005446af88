//! SoundFont 2 import: a generated bank checked zone by zone, FluidR3_GM converted whole.
#![cfg(feature = "std")]
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod sf2_common;

use dls::file::{read_dls, write_dls};
use dls::model::*;
use dls::sf2::{Sf2Error, import_sf2};
use portcls_sys::dls as c;

fn find(articulation: &Articulation, source: u16, control: u16, destination: u16) -> Option<i32> {
    articulation
        .connections
        .iter()
        .find(|k| k.source == source && k.control == control && k.destination == destination)
        .map(|k| k.scale)
}

#[test]
fn small_bank_maps_presets_zones_and_loops() {
    let collection = import_sf2(&sf2_common::small_bank()).unwrap();
    assert_eq!(collection.info.name.as_deref(), Some("Test bank"));
    assert_eq!(collection.instruments.len(), 3);
    // One wave per used sample.
    assert_eq!(collection.waves.len(), 3);

    let lead = &collection.instruments[0];
    assert_eq!(lead.name.as_deref(), Some("Lead"));
    assert_eq!(
        lead.patch,
        Patch {
            bank_msb: 0,
            bank_lsb: 0,
            program: 0,
            drums: false
        }
    );
    assert_eq!(lead.regions.len(), 2);
    // Preset keyRange 10..100 intersected with the zones' 0..59 and 60..127.
    let low = &lead.regions[0];
    assert_eq!(low.keys, Range { low: 10, high: 59 });
    assert_eq!(low.velocities, Range::FULL);
    let wave = &collection.waves[low.wave_link.wave as usize];
    assert_eq!(wave.data.len(), 1000);
    assert_eq!(wave.sample_rate, 22050);
    assert_eq!(wave.name.as_deref(), Some("sine"));
    let s = low.sample.unwrap();
    assert_eq!(s.unity_note, 69);
    assert_eq!(s.fine_tune, -5);
    assert_eq!(
        s.sample_loop,
        Some(Loop {
            kind: LoopKind::Forward,
            start: 200,
            length: 600
        })
    );
    // Global instrument zone attack -1200 tc (0.5 s) → EG1 attack.
    let art = low.articulation.as_ref().unwrap();
    assert_eq!(find(art, 0, 0, c::CONN_DST_EG1_ATTACKTIME), Some(-1200 * 65536));
    // CC1 → vibrato default modulator → VIBRATO × CC1 → PITCH 50 cents.
    assert_eq!(
        find(art, c::CONN_SRC_VIBRATO, c::CONN_SRC_CC1, c::CONN_DST_PITCH),
        Some(50 * 65536)
    );
    // CC91 → reverb 20 %.
    assert_eq!(
        find(art, c::CONN_SRC_CC91, 0, c::CONN_DST_REVERB),
        Some(200 * 65536)
    );
    // Velocity → attenuation is left to the DLS2 defaults.
    assert_eq!(find(art, c::CONN_SRC_KEYONVELOCITY, 0, c::CONN_DST_GAIN), None);

    let high = &lead.regions[1];
    assert_eq!(high.keys, Range { low: 60, high: 100 });
    assert_eq!(high.velocities, Range { low: 1, high: 63 });
    assert_eq!(
        high.wave_link.wave, low.wave_link.wave,
        "zones share the sample's wave"
    );
    let s = high.sample.unwrap();
    assert_eq!(s.unity_note, 72);
    assert_eq!(s.fine_tune, -5 + 100);
    assert_eq!(s.sample_loop.unwrap().kind, LoopKind::Release);

    let pad = &collection.instruments[1];
    assert_eq!(
        pad.patch,
        Patch {
            bank_msb: 1,
            bank_lsb: 0,
            program: 5,
            drums: false
        }
    );
    assert_eq!(pad.regions.len(), 2);
    let (left, right) = (&pad.regions[0].wave_link, &pad.regions[1].wave_link);
    assert_eq!(left.channel, c::WAVELINK_CHANNEL_LEFT);
    assert_eq!(right.channel, c::WAVELINK_CHANNEL_RIGHT);
    assert_eq!(left.phase_group, right.phase_group);
    assert_ne!(left.phase_group, 0);
    assert!(left.phase_master && !right.phase_master);
    assert_ne!(left.wave, right.wave);
    let pan = |r: &Region| find(r.articulation.as_ref().unwrap(), 0, 0, c::CONN_DST_PAN);
    assert_eq!(pan(&pad.regions[0]), Some(-500 * 65536));
    assert_eq!(pan(&pad.regions[1]), Some(500 * 65536));

    let kit = &collection.instruments[2];
    assert!(kit.patch.drums);
    assert_eq!(kit.regions.len(), 2);
    for (region, key) in kit.regions.iter().zip([36u8, 38]) {
        assert_eq!(region.keys, Range { low: key, high: key });
        assert_eq!(region.key_group, 1);
        // scaleTuning 0 on one key: unity := key, tuning keeps the sample's pitch at that key.
        let s = region.sample.unwrap();
        assert_eq!(s.unity_note, key);
        assert_eq!(s.fine_tune, -5);
        assert_eq!(
            find(
                region.articulation.as_ref().unwrap(),
                c::CONN_SRC_KEYNUMBER,
                0,
                c::CONN_DST_PITCH
            ),
            None
        );
    }
}

#[test]
fn imported_banks_survive_the_dls_writer() {
    let collection = import_sf2(&sf2_common::small_bank()).unwrap();
    assert_eq!(read_dls(&write_dls(&collection)).unwrap(), collection);
}

#[test]
fn malformed_soundfonts_fail_cleanly() {
    let bank = sf2_common::small_bank();
    assert_eq!(
        import_sf2(b"RIFF\x04\0\0\0sfbk").unwrap_err(),
        Sf2Error::MissingChunk(u32::from_le_bytes(*b"sdta"))
    );
    assert_eq!(import_sf2(b"not a soundfont").unwrap_err(), Sf2Error::NotSf2);
    // SF3 version → Compressed.
    let mut sf3 = bank.clone();
    let at = sf3.windows(4).position(|w| w == b"ifil").unwrap() + 8;
    sf3[at] = 3;
    assert_eq!(import_sf2(&sf3).unwrap_err(), Sf2Error::Compressed);
    // Every truncation and many byte flips either import or fail, never panic.
    for len in (0..bank.len()).step_by(7) {
        let _ = import_sf2(&bank[..len]);
    }
    for i in (0..bank.len()).step_by(3) {
        let mut bent = bank.clone();
        bent[i] ^= 0xA5;
        let _ = import_sf2(&bent);
    }
}

const FLUID_R3: &str = "/usr/share/sounds/sf2/FluidR3_GM.sf2";

#[test]
fn fluid_r3_gm_converts() {
    let Ok(bytes) = std::fs::read(FLUID_R3) else {
        assert!(
            std::env::var("CI").is_err(),
            "{FLUID_R3} missing (apt-get install fluid-soundfont-gm)"
        );
        eprintln!("skipping: {FLUID_R3} not installed");
        return;
    };
    let started = std::time::Instant::now();
    let collection = import_sf2(&bytes).unwrap();
    let elapsed = started.elapsed();
    let regions: usize = collection.instruments.iter().map(|i| i.regions.len()).sum();
    let frames: usize = collection.waves.iter().map(|w| w.data.len()).sum();
    eprintln!(
        "FluidR3_GM: {} instruments ({} drum kits), {regions} regions, {} waves, {frames} frames, imported in {elapsed:?}",
        collection.instruments.len(),
        collection.instruments.iter().filter(|i| i.patch.drums).count(),
        collection.waves.len(),
    );
    let started = std::time::Instant::now();
    let written = write_dls(&collection);
    eprintln!(
        "written as DLS: {} bytes in {:?}",
        written.len(),
        started.elapsed()
    );
    let melodic: std::collections::BTreeSet<u8> = collection
        .instruments
        .iter()
        .filter(|i| !i.patch.drums && i.patch.bank_msb == 0)
        .map(|i| i.patch.program)
        .collect();
    assert_eq!(melodic.len(), 128, "all GM programs in bank 0");
    let kits = collection.instruments.iter().filter(|i| i.patch.drums).count();
    assert!(kits >= 1, "drum kits: {kits}");
    assert!(
        collection
            .instruments
            .iter()
            .find(|i| i.patch.drums && i.patch.program == 0)
            .is_some()
    );
    for instrument in &collection.instruments {
        assert!(
            !instrument.regions.is_empty(),
            "{:?} has no regions",
            instrument.name
        );
        for region in &instrument.regions {
            let wave = &collection.waves[region.wave_link.wave as usize];
            if let Some(l) = region.sample.and_then(|s| s.sample_loop) {
                assert!(l.start as usize + l.length as usize <= wave.data.len());
            }
        }
    }
    // And the converted bank is a valid DLS file for our reader.
    let started = std::time::Instant::now();
    let back = read_dls(&written).unwrap();
    eprintln!("read back in {:?}", started.elapsed());
    assert_eq!(back.instruments.len(), collection.instruments.len());
    assert_eq!(back, collection);
}

#[test]
fn a_lone_stereo_half_plays_as_mono() {
    use sf2_common::*;
    let samples = vec![
        Sample {
            name: "left".into(),
            data: sine(300, 30.0),
            loop_start: 0,
            loop_end: 0,
            rate: 44100,
            pitch: 60,
            correction: 0,
            link: 1,
            kind: 4,
        },
        Sample {
            name: "right".into(),
            data: sine(300, 31.0),
            loop_start: 0,
            loop_end: 0,
            rate: 44100,
            pitch: 60,
            correction: 0,
            link: 0,
            kind: 2,
        },
    ];
    let instruments = vec![Instrument {
        name: "RightOnly".into(),
        zones: vec![Zone {
            target: Some(1),
            ..Zone::default()
        }],
    }];
    let presets = vec![Preset {
        name: "P".into(),
        program: 1,
        bank: 0,
        zones: vec![Zone {
            target: Some(0),
            ..Zone::default()
        }],
    }];
    let collection = import_sf2(&write_sf2("lone", &samples, &instruments, &presets)).unwrap();
    let link = collection.instruments[0].regions[0].wave_link;
    assert_eq!(link.channel, c::WAVELINK_CHANNEL_LEFT);
    assert_eq!(link.phase_group, 0);
    assert!(!link.phase_master);
    assert_eq!(
        collection.waves[link.wave as usize].name.as_deref(),
        Some("right")
    );
}

#[test]
fn flattening_is_bounded() {
    use sf2_common::*;
    // 1200 preset zones × 1000 instrument zones from a ~70 KB file.
    let samples = vec![Sample {
        name: "s".into(),
        data: sine(64, 16.0),
        loop_start: 0,
        loop_end: 0,
        rate: 8000,
        pitch: 60,
        correction: 0,
        link: 0,
        kind: 1,
    }];
    let instruments = vec![Instrument {
        name: "big".into(),
        zones: vec![
            Zone {
                target: Some(0),
                ..Zone::default()
            };
            1000
        ],
    }];
    let presets = vec![Preset {
        name: "P".into(),
        program: 0,
        bank: 0,
        zones: vec![
            Zone {
                target: Some(0),
                ..Zone::default()
            };
            1200
        ],
    }];
    let bytes = write_sf2("bomb", &samples, &instruments, &presets);
    assert!(bytes.len() < 100_000);
    assert_eq!(import_sf2(&bytes).unwrap_err(), Sf2Error::TooManyRegions);
}
