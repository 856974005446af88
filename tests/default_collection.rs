//! The hardware-synth mode's default collection, end to end on the host: the DMus miniport the
//! adapter creates (over `portcls-host`'s platform) gets gm.dls' instruments when the file is
//! valid, else the embedded bank, in the very engine its WaveRT stream renders, under the reserved
//! download ids; and the classic miniport has no synth handle to install into.
#![allow(
    clippy::multiple_unsafe_ops_per_block,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use dls::file::write_dls;
use dls::model::Patch;
use dmksynth::adapter::SynthMode;
use dmksynth::default_collection::{CollectionError, DefaultSource, install};
use dmksynth::factory::create_miniport;
use miniport::HardwareSynth;
use portcls_host::HostPlatform;
use synth::Engine;
use synth::test_support::{
    channel, event, one_instrument_at, render, rms, sine_wave, zero_crossing_frequency,
};
use wavert::collection::{Fallback, INSTRUMENT_ID_BASE, Source, WAVE_ID_BASE};

const RATE: u32 = 48_000;

fn hardware_synth() -> (HardwareSynth<HostPlatform>, impl Drop) {
    struct Release(core::ptr::NonNull<portcls_sys::com::IUnknown>);
    impl Drop for Release {
        fn drop(&mut self) {
            let object = self.0.as_ptr();
            // SAFETY: the test owns this reference.
            unsafe { ((*(*object).lpVtbl).Release)(object) };
        }
    }
    let (object, synth) = create_miniport(HostPlatform, SynthMode::HardwareSynth).unwrap();
    (
        synth.expect("hardware-synth mode hands out its synth"),
        Release(object),
    )
}

/// Plays `key` on `program` (channel 1) straight into the shared engine and returns channel 0.
fn play(engine: &mut Engine, program: u8, key: u8) -> Vec<f32> {
    let now = engine.position();
    engine.schedule(event(now, 0xC0, program, 0)).unwrap();
    engine.schedule(event(now, 0x90, key, 100)).unwrap();
    let out = channel(&render(engine, 9_600, 480), 0);
    engine.schedule(event(engine.position(), 0x80, key, 0)).unwrap();
    render(engine, 24_000, 480);
    out
}

/// One sine instrument (480 Hz at key 60) on program 5.
fn small_gm_dls() -> Vec<u8> {
    let patch = Patch {
        program: 5,
        ..Patch::default()
    };
    write_dls(&one_instrument_at(patch, sine_wave(RATE, 100.0, 40, 0.5)))
}

#[test]
fn a_valid_gm_dls_is_installed_in_the_shared_engine() {
    let (synth, _miniport) = hardware_synth();
    assert_eq!(
        install(&synth, Some(&small_gm_dls())),
        Ok(DefaultSource(Source::GmDls))
    );
    let out = synth.with_engine(|engine| play(engine, 5, 60)).unwrap();
    let hz = zero_crossing_frequency(&out[2_400..]).unwrap() * f64::from(RATE);
    assert!((hz - 480.0).abs() < 0.5, "gm.dls' sine expected, got {hz} Hz");
    // Under the reserved ids: instrument 0 and wave 0 of the collection, and nothing more.
    synth
        .with_engine(|engine| {
            assert!(engine.unload(INSTRUMENT_ID_BASE + 1).is_err());
            engine.unload(INSTRUMENT_ID_BASE).unwrap();
            engine.unload(WAVE_ID_BASE).unwrap();
        })
        .unwrap();
    assert_eq!(
        DefaultSource(Source::GmDls).to_string(),
        r"\SystemRoot\System32\drivers\gm.dls"
    );
}

#[test]
fn without_a_usable_gm_dls_the_embedded_bank_plays() {
    for gm_dls in [None, Some(&b"RIFF\x04\0\0\0WAVEjunk"[..])] {
        let (synth, _miniport) = hardware_synth();
        let source = install(&synth, gm_dls).unwrap();
        match gm_dls {
            None => assert_eq!(source.0, Source::Embedded(Fallback::Absent)),
            Some(_) => assert!(
                matches!(source.0, Source::Embedded(Fallback::Unreadable(_))),
                "{source:?}"
            ),
        }
        assert!(source.to_string().starts_with("embedded GM bank"), "{source}");
        // The GM piano on program 0 and a drum on channel 10 both sound.
        let out = synth.with_engine(|engine| play(engine, 0, 69)).unwrap();
        assert!(rms(&out[2_400..]) > 0.01, "{}", rms(&out[2_400..]));
        let drums = synth
            .with_engine(|engine| {
                let now = engine.position();
                engine.schedule(event(now, 0x99, 38, 100)).unwrap();
                channel(&render(engine, 4_800, 480), 0)
            })
            .unwrap();
        assert!(rms(&drums) > 0.01, "{}", rms(&drums));
    }
}

#[test]
fn an_empty_engine_stays_silent_so_the_checks_above_can_fail() {
    let (synth, _miniport) = hardware_synth();
    let out = synth.with_engine(|engine| play(engine, 0, 69)).unwrap();
    assert!(rms(&out) < 1e-6, "{}", rms(&out));
}

#[test]
fn classic_mode_has_no_synth_to_install_into() {
    let (object, synth) = create_miniport(HostPlatform, SynthMode::Classic).unwrap();
    assert!(synth.is_none());
    let object = object.as_ptr();
    // SAFETY: the test owns this reference.
    unsafe { ((*(*object).lpVtbl).Release)(object) };
    assert_eq!(CollectionError::OutOfMemory.to_string(), "out of memory");
}
