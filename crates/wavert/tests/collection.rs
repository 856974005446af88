//! The default collection: gm.dls when it parses and validates, else the embedded GM bank; and
//! DirectMusic downloads override it per patch.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_precision_loss,
    missing_docs
)]

use dls::file::{FileErrorKind, write_dls};
use dls::model::{Collection, Patch};
use synth::test_support::{
    channel, dry_engine, event, instrument, load, one_instrument_at, region, render, rms, sine_wave,
    zero_crossing_frequency,
};
use wavert::collection::{Fallback, Source, install};
use wavert::{default_collection, default_collection_with_source};

const RATE: u32 = 48_000;

/// A small valid collection: one sine instrument on program 5.
fn small_collection() -> Collection {
    let patch = Patch {
        program: 5,
        ..Patch::default()
    };
    one_instrument_at(patch, sine_wave(RATE, 100.0, 40, 0.5))
}

#[test]
fn absent_or_bad_gm_dls_falls_back_to_the_embedded_bank() {
    let absent = default_collection_with_source(None).unwrap();
    assert_eq!(absent.source, Source::Embedded(Fallback::Absent));
    assert!(
        absent.collection.instruments.len() >= 128,
        "{}",
        absent.collection.instruments.len()
    );
    assert!(absent.collection.instruments.iter().all(|i| i.gm_instrument));

    let garbage = default_collection_with_source(Some(b"RIFF\x04\0\0\0WAVEjunk")).unwrap();
    assert!(
        matches!(garbage.source, Source::Embedded(Fallback::Unreadable(e)) if e.kind == FileErrorKind::NotDls)
    );
    assert_eq!(
        garbage.collection.instruments.len(),
        absent.collection.instruments.len()
    );

    // A truncated real file: unreadable.
    let bytes = write_dls(&small_collection());
    let truncated = default_collection_with_source(Some(&bytes[..bytes.len() / 2])).unwrap();
    assert!(
        matches!(truncated.source, Source::Embedded(Fallback::Unreadable(_))),
        "{:?}",
        truncated.source
    );

    // Parses, but the wave's sample rate is 0: refused by validation.
    let mut invalid = small_collection();
    invalid.waves[0].sample_rate = 0;
    let invalid = default_collection_with_source(Some(&write_dls(&invalid))).unwrap();
    assert!(
        matches!(invalid.source, Source::Embedded(Fallback::Invalid(_))),
        "{:?}",
        invalid.source
    );

    // Parses and validates, but empty.
    let empty = default_collection_with_source(Some(&write_dls(&Collection::default()))).unwrap();
    assert!(matches!(empty.source, Source::Embedded(_)), "{:?}", empty.source);
}

#[test]
fn a_valid_gm_dls_is_used_and_flagged_gm() {
    let bytes = write_dls(&small_collection());
    let found = default_collection_with_source(Some(&bytes)).unwrap();
    assert_eq!(found.source, Source::GmDls);
    assert_eq!(found.collection.instruments.len(), 1);
    assert_eq!(found.collection.instruments[0].patch.program, 5);
    assert!(found.collection.instruments[0].gm_instrument);
    assert_eq!(default_collection(Some(&bytes)).unwrap().instruments.len(), 1);
}

#[test]
fn the_embedded_bank_plays_after_install() {
    let mut engine = dry_engine();
    install(&mut engine, default_collection(None).unwrap()).unwrap();
    engine.schedule(event(0, 0xC0, 0, 0)).unwrap();
    engine.schedule(event(0, 0x90, 69, 100)).unwrap();
    let out = channel(&render(&mut engine, 9_600, 480), 0);
    assert!(rms(&out[2_400..]) > 0.01, "{}", rms(&out[2_400..]));
    // Drums too (channel 10).
    engine.schedule(event(engine.position(), 0x99, 38, 100)).unwrap();
    let out = channel(&render(&mut engine, 4_800, 480), 0);
    assert!(rms(&out) > 0.01);
}

/// A DirectMusic download on the same patch as a default-bank instrument wins (the default bank
/// is GM-flagged); unloading it brings the default back.
#[test]
fn downloads_override_the_default_bank_per_patch() {
    let mut engine = dry_engine();
    install(&mut engine, default_collection(None).unwrap()).unwrap();
    // Program 0 (the GM piano) replaced by a pure 480 Hz sine at key 60.
    load(
        &mut engine,
        1,
        sine_wave(RATE, 100.0, 40, 0.5),
        2,
        instrument(Patch::default(), vec![region(1)], vec![]),
    );
    engine.schedule(event(0, 0x90, 60, 100)).unwrap();
    let out = channel(&render(&mut engine, 9_600, 480), 0);
    let hz = zero_crossing_frequency(&out[2_400..]).unwrap() * f64::from(RATE);
    assert!((hz - 480.0).abs() < 0.5, "downloaded sine expected, got {hz} Hz");
    // Its spectrum is a pure sine: the residual after fitting 480 Hz is tiny.
    let (_, snr_db) = synth::test_support::sine_fit(&out[2_400..7_200], 480.0 / f64::from(RATE));
    assert!(snr_db > 40.0, "{snr_db} dB");
    engine.schedule(event(engine.position(), 0x80, 60, 0)).unwrap();
    render(&mut engine, 9_600, 480);

    // Unload the download: program 0 is the GM bank's piano again (not a pure sine).
    drop(engine.unload(2).unwrap());
    engine.schedule(event(engine.position(), 0x90, 60, 100)).unwrap();
    let out = channel(&render(&mut engine, 9_600, 480), 0);
    assert!(rms(&out[480..]) > 0.005);
    let (_, snr_db) = synth::test_support::sine_fit(&out[480..5_280], 480.0 / f64::from(RATE));
    assert!(
        snr_db < 10.0,
        "GM piano expected, got a 480 Hz sine ({snr_db} dB)"
    );
}
