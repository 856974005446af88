//! The engine plays a real General MIDI bank: FluidR3_GM (MIT, Debian `fluid-soundfont-gm`)
//! imported through the dls crate's SoundFont import. Checks tuning of the piano, that every
//! melodic program and the drum kit sound, and that nothing non-finite comes out.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use synth::test_support::*;
use synth::{Download, Engine, EngineConfig};

const BANK: &str = "/usr/share/sounds/sf2/FluidR3_GM.sf2";

fn engine_with_bank() -> Option<Engine> {
    let Ok(bytes) = std::fs::read(BANK) else {
        eprintln!("{BANK} not installed (apt-get install fluid-soundfont-gm); skipping");
        return None;
    };
    let collection = dls::sf2::import_sf2(&bytes).unwrap();
    let config = EngineConfig {
        voices: 256,
        ..EngineConfig::default()
    };
    let mut engine = Engine::new(&config).unwrap();
    let waves = collection.waves.len();
    let instruments = collection.instruments.len();
    engine.reserve_bank(waves.max(instruments)).unwrap();
    for (index, wave) in collection.waves.into_iter().enumerate() {
        let prepared = Engine::prepare_wave(wave).unwrap();
        engine
            .install(Download::Wave(index as u32, prepared))
            .ok()
            .unwrap();
    }
    for (index, instrument) in collection.instruments.into_iter().enumerate() {
        let prepared = Engine::prepare_instrument(instrument).unwrap();
        engine
            .install(Download::Instrument(1_000_000 + index as u32, prepared))
            .ok()
            .unwrap();
    }
    Some(engine)
}

#[test]
fn fluid_r3_plays_in_tune_and_every_program_sounds() {
    let Some(mut e) = engine_with_bank() else { return };
    // Piano A4 = 440 Hz: the fundamental measured on a low-passed copy.
    e.schedule(event(0, 0x90, 69, 100)).unwrap();
    let x = channel(&render(&mut e, 24_000, 480), 0);
    let f = spectral_peak(
        &x[4800..14_400],
        420.0 / 48_000.0,
        460.0 / 48_000.0,
        0.5 / 48_000.0,
    ) * 48_000.0;
    println!("FluidR3 piano A4: {f:.2} Hz ({:+.1} cents)", cents(f, 440.0));
    assert!(cents(f, 440.0).abs() < 3.0, "{f} Hz");
    e.all_sound_off();
    render(&mut e, 4800, 480);

    let mut silent = Vec::new();
    for program in 0..128u8 {
        let t = e.position();
        e.schedule(event(t, 0xC0, program, 0)).unwrap();
        e.schedule(event(t, 0x90, 60, 110)).unwrap();
        e.schedule(event(t + 9_600, 0x80, 60, 0)).unwrap();
        let out = render(&mut e, 12_000, 480);
        assert!(out.iter().all(|v| v.is_finite()));
        if rms(&out) < 1e-4 {
            silent.push(program);
        }
        e.all_sound_off();
        render(&mut e, 2_000, 480);
    }
    assert!(silent.is_empty(), "silent programs: {silent:?}");
    // Drums on channel 10: kick, snare, closed hi-hat cutting an open hi-hat (exclusive class).
    let t = e.position();
    for (i, key) in [36u8, 38, 46, 42].iter().enumerate() {
        e.schedule(event(t + i as u64 * 4_800, 0x99, *key, 110)).unwrap();
    }
    let out = render(&mut e, 24_000, 480);
    assert!(rms(&out) > 1e-3);
    assert!(e.take_stats().peak_level < 1.0, "no clipping at these levels");
}
