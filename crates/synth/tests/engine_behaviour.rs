//! Measured-audio tests of note handling: sustain, exclusive classes, stealing, filter,
//! interpolation quality, MIDI resets, instrument selection, stereo regions, loops, unloading.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use dls::model::{Instrument, LoopKind, Patch, Range, Wave, WaveLink};
use portcls_sys::dls::*;
use synth::test_support::*;
use synth::{Download, Engine, EngineConfig, Interpolation, TimedEvent, VoiceInfo};

const RATE: u32 = 48_000;

fn config(voices: u32) -> EngineConfig {
    EngineConfig {
        voices,
        reverb: false,
        chorus: false,
        ..EngineConfig::default()
    }
}

fn voices(engine: &Engine) -> Vec<VoiceInfo> {
    let mut v = Vec::new();
    engine.for_each_voice(|i| v.push(i));
    v.sort_by_key(|i| (i.channel_group, i.channel, i.key));
    v
}

fn sine_instrument(connections: Vec<dls::model::Connection>) -> (Wave, Instrument) {
    (
        sine_wave(RATE, 100.0, 40, 0.5),
        instrument(Patch::default(), vec![region(1)], connections),
    )
}

fn engine(voices: u32, connections: Vec<dls::model::Connection>) -> Engine {
    let mut e = Engine::new(&config(voices)).unwrap();
    let (w, i) = sine_instrument(connections);
    load(&mut e, 1, w, 2, i);
    e
}

#[test]
fn sustain_pedal_holds_at_64_and_above_only() {
    let mut e = engine(8, vec![constant(CONN_DST_EG1_RELEASETIME, timecents(0.05))]);
    e.schedule(event(0, 0xB0, 64, 63)).unwrap(); // below 64: off
    e.schedule(event(0, 0x90, 60, 100)).unwrap();
    e.schedule(event(100, 0x80, 60, 0)).unwrap();
    render(&mut e, 4800, 480);
    assert!(voices(&e).is_empty(), "CC64=63 is not sustain");

    e.schedule(event(e.position(), 0xB0, 64, 64)).unwrap();
    e.schedule(event(e.position(), 0x90, 60, 100)).unwrap();
    e.schedule(event(e.position() + 100, 0x90, 60, 0)).unwrap(); // velocity 0 = note-off
    render(&mut e, 9600, 480);
    let v = voices(&e);
    assert_eq!(v.len(), 1);
    assert!(v[0].sustained && !v[0].released, "{v:?}");
    let level = rms(&channel(&render(&mut e, 480, 480), 0));
    assert!(level > 0.05, "still sounding: {level}");
    e.schedule(event(e.position(), 0xB0, 64, 0)).unwrap();
    render(&mut e, 4800, 480);
    assert!(voices(&e).is_empty(), "released by pedal up");
}

#[test]
fn all_notes_off_honours_sustain_and_all_sound_off_fades_fast() {
    let mut e = engine(8, vec![constant(CONN_DST_EG1_RELEASETIME, timecents(2.0))]);
    e.schedule(event(0, 0xB0, 64, 127)).unwrap();
    e.schedule(event(0, 0x90, 60, 100)).unwrap();
    e.schedule(event(0, 0x90, 64, 100)).unwrap();
    e.schedule(event(480, 0xB0, 123, 0)).unwrap();
    render(&mut e, 960, 480);
    assert!(voices(&e).iter().all(|v| v.sustained), "{:?}", voices(&e));
    // CC120 fades within the 15 ms shutdown time although the release is 2 s.
    e.schedule(event(e.position(), 0xB0, 120, 0)).unwrap();
    render(&mut e, 48 * 16, 48);
    assert!(voices(&e).is_empty(), "{:?}", voices(&e));
}

#[test]
fn reset_all_controllers_follows_rp015() {
    // CC121 keeps volume (CC7) but resets expression (CC11) and the pitch wheel.
    let level_pitch = |events: &[(u8, u8, u8)]| -> (f64, f64) {
        let mut e = engine(8, vec![]);
        for &(s, a, b) in events {
            e.schedule(event(0, s, a, b)).unwrap();
        }
        e.schedule(event(0, 0x90, 60, 127)).unwrap();
        let x = channel(&render(&mut e, 9600, 480), 0);
        (rms(&x[4800..]), zero_crossing_frequency(&x[4800..]).unwrap())
    };
    let base = level_pitch(&[]);
    let reset = level_pitch(&[(0xB0, 7, 50), (0xB0, 11, 30), (0xE0, 0, 0), (0xB0, 121, 0)]);
    let volume_only = level_pitch(&[(0xB0, 7, 50)]);
    assert!((db(reset.0 / volume_only.0)).abs() < 0.01, "CC7 kept, CC11 reset");
    assert!(cents(reset.1, base.1).abs() < 0.5, "pitch wheel centred");
}

fn keygroup_instrument(key_group: u16, self_non_exclusive: bool) -> Instrument {
    let mut r = region(1);
    r.key_group = key_group;
    r.self_non_exclusive = self_non_exclusive;
    instrument(Patch::default(), vec![r], vec![])
}

#[test]
fn exclusive_class_cuts_with_the_shutdown_fade() {
    let mut e = Engine::new(&config(8)).unwrap();
    load(
        &mut e,
        1,
        sine_wave(RATE, 100.0, 40, 0.5),
        2,
        keygroup_instrument(1, true),
    );
    e.schedule(event(0, 0x90, 60, 100)).unwrap();
    e.schedule(event(480, 0x90, 62, 100)).unwrap();
    render(&mut e, 481, 481);
    let v = voices(&e);
    assert_eq!(v.len(), 2);
    assert!(
        v[0].shutting_down && v[0].key == 60 && !v[1].shutting_down,
        "{v:?}"
    );
    render(&mut e, 48 * 15 + 10, 48);
    let v = voices(&e);
    assert_eq!(v.len(), 1, "gone after 15 ms: {v:?}");
    assert_eq!(v[0].key, 62);
}

#[test]
fn self_exclusive_regions_cut_a_restruck_key_unless_non_exclusive() {
    for (non_exclusive, expected) in [(false, 1usize), (true, 2)] {
        let mut e = Engine::new(&config(8)).unwrap();
        load(
            &mut e,
            1,
            sine_wave(RATE, 100.0, 40, 0.5),
            2,
            keygroup_instrument(0, non_exclusive),
        );
        e.schedule(event(0, 0x90, 60, 100)).unwrap();
        e.schedule(event(100, 0x90, 60, 100)).unwrap();
        render(&mut e, 4800, 480);
        assert_eq!(voices(&e).len(), expected, "non-exclusive {non_exclusive}");
    }
}

/// A layered note (two regions) whose second layer must steal takes its victim from another
/// channel at the note's exact frame: rendered in one 480-frame block (where voices lag behind
/// until an event concerns them) the audio is that of rendering frame by frame.
#[test]
fn a_layered_note_steals_at_its_frame_in_any_block_size() {
    let make = || {
        let mut e = Engine::new(&config(2)).unwrap();
        let (w, single) = sine_instrument(vec![constant(CONN_DST_EG1_RELEASETIME, timecents(2.0))]);
        load(&mut e, 1, w, 2, single);
        e.reserve_bank(1).unwrap();
        let layered = instrument(
            Patch {
                program: 1,
                ..Patch::default()
            },
            vec![region(1), region(1)],
            vec![],
        );
        let layered = Engine::prepare_instrument(layered).unwrap();
        e.install(Download::Instrument(3, layered)).ok().unwrap();
        // A released note on channel 3 (lower priority than channel 2, and released: the
        // victim), then the two-layer note on channel 2: its first layer takes the second voice,
        // its second steals the released one at frame 300.
        e.schedule(event(0, 0x92, 60, 100)).unwrap();
        e.schedule(event(100, 0x82, 60, 0)).unwrap();
        e.schedule(event(0, 0xC1, 1, 0)).unwrap();
        e.schedule(event(300, 0x91, 64, 100)).unwrap();
        e
    };
    let mut probe = make();
    render(&mut probe, 301, 301);
    let v = voices(&probe);
    assert!(
        v.iter().any(|v| v.channel == 2 && v.shutting_down),
        "the channel-3 note is the victim: {v:?}"
    );
    let mut whole = make();
    let blocks = render(&mut whole, 4800, 480);
    assert_eq!(whole.take_stats().lost_notes, 1, "one layer stole");
    let frames = render(&mut make(), 4800, 1);
    let worst = blocks
        .iter()
        .zip(&frames)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0f32, f32::max);
    // Rounding differs (voices summed in another order, ramps restarted each frame); a late
    // steal differs by about 0.1.
    assert!(worst < 1e-4, "block and frame-by-frame renders differ by {worst}");
}

#[test]
fn stealing_prefers_released_then_quietest_then_oldest_and_respects_priority() {
    let release = vec![constant(CONN_DST_EG1_RELEASETIME, timecents(5.0))];
    // 3 voices: a held loud note, a released note, a held quiet note. A 4th note steals the
    // released one.
    let mut e = engine(3, release.clone());
    e.schedule(event(0, 0x90, 60, 127)).unwrap();
    e.schedule(event(0, 0x90, 62, 127)).unwrap();
    e.schedule(event(0, 0x90, 64, 10)).unwrap();
    e.schedule(event(480, 0x80, 62, 0)).unwrap();
    e.schedule(event(960, 0x90, 65, 100)).unwrap();
    render(&mut e, 961, 961);
    let v = voices(&e);
    let stolen: Vec<u8> = v.iter().filter(|v| v.shutting_down).map(|v| v.key).collect();
    assert_eq!(stolen, vec![62], "{v:?}");
    // Next steal: no released voice left, so the quietest held one (velocity 10).
    e.schedule(event(e.position(), 0x90, 67, 100)).unwrap();
    render(&mut e, 10, 10);
    let stolen: Vec<u8> = voices(&e)
        .iter()
        .filter(|v| v.shutting_down)
        .map(|v| v.key)
        .collect();
    assert!(stolen.contains(&64), "{:?}", voices(&e));
    // Now 60 (velocity 127), 65 and 67 (velocity 100, equally loud): the quieter pair loses its
    // oldest member, 65.
    render(&mut e, 4800, 480);
    e.schedule(event(e.position(), 0x90, 69, 100)).unwrap();
    render(&mut e, 10, 10);
    let stolen: Vec<u8> = voices(&e)
        .iter()
        .filter(|v| v.shutting_down)
        .map(|v| v.key)
        .collect();
    assert_eq!(stolen, vec![65], "{:?}", voices(&e));
    assert_eq!(e.take_stats().lost_notes, 3);

    // Priority: channel 10 (highest by default) is never stolen by channel 1.
    let mut e = Engine::new(&config(2)).unwrap();
    let (w, _) = sine_instrument(vec![]);
    let drums = instrument(
        Patch {
            drums: true,
            ..Patch::default()
        },
        vec![region(1)],
        vec![],
    );
    load(&mut e, 1, w, 2, drums);
    e.reserve_bank(1).unwrap();
    let melodic = Engine::prepare_instrument(instrument(Patch::default(), vec![region(1)], vec![])).unwrap();
    e.install(Download::Instrument(3, melodic)).ok().unwrap();
    e.schedule(event(0, 0x99, 36, 100)).unwrap();
    e.schedule(event(0, 0x99, 38, 100)).unwrap();
    e.schedule(event(10, 0x90, 60, 100)).unwrap();
    render(&mut e, 100, 100);
    let v = voices(&e);
    assert_eq!(v.len(), 2);
    assert!(v.iter().all(|v| v.channel == 9 && !v.shutting_down), "{v:?}");
    assert_eq!(e.take_stats().lost_notes, 1);
    // The other way round, a drum note steals a channel-1 voice.
    e.schedule(event(e.position(), 0x99, 36, 0)).unwrap();
    e.schedule(event(e.position(), 0x99, 38, 0)).unwrap();
    render(&mut e, 4800, 480);
    e.schedule(event(e.position(), 0x90, 60, 100)).unwrap();
    e.schedule(event(e.position(), 0x90, 62, 100)).unwrap();
    e.schedule(event(e.position() + 5, 0x99, 40, 100)).unwrap();
    render(&mut e, 10, 10);
    let v = voices(&e);
    assert!(
        v.iter()
            .any(|v| v.channel == 9 && v.key == 40 && !v.shutting_down),
        "{v:?}"
    );
    assert_eq!(
        v.iter().filter(|v| v.shutting_down && v.channel == 0).count(),
        1,
        "{v:?}"
    );
}

#[test]
fn a_stolen_voice_fades_without_a_click() {
    let mut e = engine(1, vec![]);
    e.schedule(event(0, 0x90, 60, 127)).unwrap();
    e.schedule(event(10_007, 0x90, 55, 127)).unwrap();
    let x = channel(&render(&mut e, 20_000, 441), 0);
    // Two sines of amplitude ≈ a, frequencies ≤ 0.01 cycles/sample: the largest honest step is
    // 2π·0.01·a per note. A hard cut would step by up to a.
    let a = x[..10_000].iter().cloned().fold(0.0f32, f32::max);
    let bound = 2.0 * 2.0 * std::f32::consts::PI * 0.01 * a * 1.1;
    let worst = x.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0f32, f32::max);
    assert!(worst < bound, "step {worst} > {bound}");
    assert_eq!(voices(&e).len(), 1);
}

#[test]
fn filter_corner_within_one_db() {
    // Tone at key 60 = 480 Hz, key 84 = 1920 Hz; cutoff set exactly at the tone.
    for (key, hz, q_db, expected_db) in [
        (60u8, 480.0, 0.0, -3.01),
        (84, 1920.0, 0.0, -3.01),
        (84, 1920.0, 12.0, 9.0),
    ] {
        let plain = {
            let mut e = engine(4, vec![]);
            e.schedule(event(0, 0x90, key, 127)).unwrap();
            channel(&render(&mut e, 24_000, 480), 0)
        };
        let filtered = {
            let mut e = engine(
                4,
                vec![
                    constant(CONN_DST_FILTER_CUTOFF, absolute_cents(hz)),
                    constant(CONN_DST_FILTER_Q, (q_db * 655_360.0) as i32),
                ],
            );
            e.schedule(event(0, 0x90, key, 127)).unwrap();
            channel(&render(&mut e, 24_000, 480), 0)
        };
        let f = hz / 48_000.0;
        let gain = tone_gain_db(&filtered[4800..], &plain[4800..], f);
        println!("filter: tone {hz} Hz, cutoff {hz} Hz, Q {q_db} dB: {gain:.2} dB (expected {expected_db})");
        assert!((gain - expected_db).abs() < 1.0, "key {key} Q {q_db}: {gain} dB");
    }
    // Two octaves above a 480 Hz cutoff: a 2-pole low-pass is down about 24 dB.
    let mut e = engine(4, vec![constant(CONN_DST_FILTER_CUTOFF, absolute_cents(480.0))]);
    e.schedule(event(0, 0x90, 84, 127)).unwrap();
    let filtered = channel(&render(&mut e, 24_000, 480), 0);
    let mut e = engine(4, vec![]);
    e.schedule(event(0, 0x90, 84, 127)).unwrap();
    let plain = channel(&render(&mut e, 24_000, 480), 0);
    let gain = tone_gain_db(&filtered[4800..], &plain[4800..], 0.04);
    assert!((gain + 24.0).abs() < 1.5, "{gain}");
}

#[test]
fn interpolator_noise_floor_on_a_high_pitch_sweep() {
    // A pure sine sample (period 20) played up to 2 octaves up: everything that is not the
    // sine is interpolation error (images, aliasing, table noise).
    let mut results = Vec::new();
    for interpolation in [Interpolation::Linear, Interpolation::Cubic, Interpolation::Sinc] {
        let mut worst: f64 = f64::INFINITY;
        let mut total = 0.0;
        let mut count = 0.0;
        for key in [61u8, 65, 69, 72, 76, 79, 83] {
            let mut e = Engine::new(&config(4)).unwrap();
            let inst = instrument(Patch::default(), vec![region(1)], vec![]);
            load(&mut e, 1, sine_wave(RATE, 20.0, 200, 0.5), 2, inst);
            e.set_interpolation(interpolation);
            e.schedule(event(0, 0x90, key, 127)).unwrap();
            let x = channel(&render(&mut e, 16_384, 512), 0);
            let f = 0.05 * libm::exp2((f64::from(key) - 60.0) / 12.0);
            let (_, snr) = sine_fit(&x[2048..], f);
            worst = worst.min(snr);
            total += snr;
            count += 1.0;
        }
        println!(
            "interpolation {interpolation:?}: signal-to-noise worst {worst:.1} dB, mean {:.1} dB",
            total / count
        );
        results.push(total / count);
    }
    assert!(results[2] > results[1] && results[1] > results[0], "{results:?}");
}

#[test]
fn gm_off_is_not_gm_on_and_gs_checksums_are_verified() {
    let level = |sysex_message: &[u8]| -> f64 {
        let mut e = engine(4, vec![]);
        e.schedule(event(0, 0xB0, 7, 30)).unwrap();
        e.schedule(sysex(0, sysex_message)).unwrap();
        e.schedule(event(1, 0x90, 60, 127)).unwrap();
        rms(&channel(&render(&mut e, 9600, 480), 0)[4800..])
    };
    let quiet = level(&[0xF0, 0x7E, 0x7F, 0x09, 0x02, 0xF7]); // GM off: no reset, CC7 stays 30
    let gm_on = level(&[0xF0, 0x7E, 0x7F, 0x09, 0x01, 0xF7]); // reset: CC7 100
    let gm2_on = level(&[0xF0, 0x7E, 0x7F, 0x09, 0x03, 0xF7]);
    let gs_good = level(&[0xF0, 0x41, 0x10, 0x42, 0x12, 0x40, 0x00, 0x7F, 0x00, 0x41, 0xF7]);
    let gs_bad = level(&[0xF0, 0x41, 0x10, 0x42, 0x12, 0x40, 0x00, 0x7F, 0x00, 0x42, 0xF7]);
    let xg_on = level(&[0xF0, 0x43, 0x10, 0x4C, 0x00, 0x00, 0x7E, 0x00, 0xF7]);
    let expected = 40.0 * libm::log10(100.0 / 30.0);
    for (name, l) in [
        ("GM on", gm_on),
        ("GM2 on", gm2_on),
        ("GS reset", gs_good),
        ("XG on", xg_on),
    ] {
        assert!(
            (db(l / quiet) - expected).abs() < 0.05,
            "{name}: {}",
            db(l / quiet)
        );
    }
    assert!(db(gs_bad / quiet).abs() < 0.01, "a bad checksum is ignored");
}

#[test]
fn universal_master_volume_is_14_bit() {
    let level = |msb: u8, lsb: u8| -> f64 {
        let mut e = engine(4, vec![]);
        e.schedule(sysex(0, &[0xF0, 0x7F, 0x7F, 0x04, 0x01, lsb, msb, 0xF7]))
            .unwrap();
        e.schedule(event(1, 0x90, 60, 127)).unwrap();
        rms(&channel(&render(&mut e, 9600, 480), 0)[4800..])
    };
    let full = level(0x7F, 0x7F);
    let half = level(0x40, 0x00);
    let half_plus = level(0x40, 0x40);
    assert!((db(half / full) - 40.0 * libm::log10(8192.0 / 16383.0)).abs() < 0.02);
    assert!(
        (db(half_plus / full) - 40.0 * libm::log10(8256.0 / 16383.0)).abs() < 0.02,
        "LSB counts"
    );
}

fn two_tone_bank(e: &mut Engine) {
    // Wave 1: 480 Hz at key 60; wave 3: 960 Hz at key 60.
    e.reserve_bank(8).unwrap();
    for (id, period) in [(1u32, 100.0), (3, 50.0)] {
        let w = Engine::prepare_wave(sine_wave(RATE, period, 80, 0.5)).unwrap();
        e.install(Download::Wave(id, w)).ok().unwrap();
    }
}

fn install(e: &mut Engine, id: u32, inst: Instrument) {
    let p = Engine::prepare_instrument(inst).unwrap();
    e.install(Download::Instrument(id, p)).ok().unwrap();
}

fn played_frequency(e: &mut Engine, events: &[TimedEvent]) -> Option<f64> {
    for &ev in events {
        e.schedule(ev).unwrap();
    }
    let x = channel(&render(e, 9600, 480), 0);
    zero_crossing_frequency(&x[2400..])
}

#[test]
fn instrument_selection_drums_fallbacks_and_gm_override() {
    let mut e = Engine::new(&config(8)).unwrap();
    two_tone_bank(&mut e);
    let kit0 = Patch {
        drums: true,
        ..Patch::default()
    };
    install(&mut e, 10, instrument(Patch::default(), vec![region(1)], vec![])); // piano: 480
    install(&mut e, 11, instrument(kit0, vec![region(3)], vec![])); // kit 0: 960
    // GM-flagged program 5 (480) overridden by a collection program 5 (960).
    let mut gm5 = instrument(
        Patch {
            program: 5,
            ..Patch::default()
        },
        vec![region(1)],
        vec![],
    );
    gm5.gm_instrument = true;
    install(&mut e, 12, gm5);
    install(
        &mut e,
        13,
        instrument(
            Patch {
                program: 5,
                ..Patch::default()
            },
            vec![region(3)],
            vec![],
        ),
    );
    let near = |f: Option<f64>, expected: f64| f.is_some_and(|f| cents(f, expected).abs() < 2.0);
    // Channel 10 plays the drum kit.
    let p = e.position();
    assert!(near(played_frequency(&mut e, &[event(p, 0x99, 60, 127)]), 0.02));
    e.all_sound_off();
    render(&mut e, 4800, 480);
    // Unknown drum kit 7 → kit 0.
    let p = e.position();
    assert!(near(
        played_frequency(&mut e, &[event(p, 0xC9, 7, 0), event(p, 0x99, 60, 127)]),
        0.02
    ));
    e.all_sound_off();
    render(&mut e, 4800, 480);
    // Melodic bank 3 program 0 → GM bank 0 program 0.
    let p = e.position();
    let evs = [
        event(p, 0xB0, 0, 3),
        event(p, 0xC0, 0, 0),
        event(p, 0x90, 60, 127),
    ];
    assert!(near(played_frequency(&mut e, &evs), 0.01));
    e.all_sound_off();
    render(&mut e, 4800, 480);
    // GM override.
    let p = e.position();
    assert!(near(
        played_frequency(&mut e, &[event(p, 0xC1, 5, 0), event(p, 0x91, 60, 127)]),
        0.02
    ));
    e.all_sound_off();
    render(&mut e, 4800, 480);
    // GS use-for-rhythm on channel 2 (block 2): it now plays kit 0.
    let p = e.position();
    let use_for_rhythm = sysex(
        p,
        &[0xF0, 0x41, 0x10, 0x42, 0x12, 0x40, 0x12, 0x15, 0x01, 0x18, 0xF7],
    );
    assert!(near(
        played_frequency(&mut e, &[use_for_rhythm, event(p, 0x91, 60, 127)]),
        0.02
    ));
}

#[test]
fn stereo_regions_are_hard_panned_and_start_together() {
    let mut e = Engine::new(&config(8)).unwrap();
    two_tone_bank(&mut e);
    let mut left = region(1);
    left.wave_link = WaveLink {
        wave: 1,
        channel: 1,
        phase_group: 1,
        phase_master: true,
        ..WaveLink::default()
    };
    let mut right = region(3);
    right.wave_link = WaveLink {
        wave: 3,
        channel: 2,
        phase_group: 1,
        ..WaveLink::default()
    };
    install(
        &mut e,
        10,
        instrument(Patch::default(), vec![left, right], vec![]),
    );
    e.schedule(event(123, 0x90, 60, 127)).unwrap();
    let out = render(&mut e, 9600, 480);
    let (l, r) = (channel(&out, 0), channel(&out, 1));
    assert!(cents(zero_crossing_frequency(&l[2400..]).unwrap(), 0.01).abs() < 1.0);
    assert!(cents(zero_crossing_frequency(&r[2400..]).unwrap(), 0.02).abs() < 1.0);
    assert_eq!(onset(&l, 1e-6), onset(&r, 1e-6), "phase-locked start");
    assert_eq!(voices(&e).len(), 2);
}

#[test]
fn layers_sound_together_and_velocity_ranges_select() {
    let mut e = Engine::new(&config(8)).unwrap();
    two_tone_bank(&mut e);
    let mut soft = region(1);
    soft.velocities = Range { low: 0, high: 63 };
    let mut loud = region(3);
    loud.velocities = Range { low: 64, high: 127 };
    let both = region(1);
    install(
        &mut e,
        10,
        instrument(Patch::default(), vec![soft, loud, both], vec![]),
    );
    e.schedule(event(0, 0x90, 60, 40)).unwrap();
    e.schedule(event(0, 0x90, 62, 100)).unwrap();
    render(&mut e, 100, 100);
    assert_eq!(voices(&e).len(), 4, "two layers per note");
}

#[test]
fn release_loop_plays_on_to_the_end_after_note_off() {
    let mut data = vec![8000i16; 1000];
    data.extend(vec![-8000i16; 500]); // tail after the loop
    let wave = looped(RATE, data, 0, 1000, LoopKind::Release);
    let mut e = Engine::new(&config(8)).unwrap();
    let inst = instrument(
        Patch::default(),
        vec![region(1)],
        vec![constant(CONN_DST_EG1_RELEASETIME, timecents(1.0))],
    );
    load(&mut e, 1, wave, 2, inst);
    e.schedule(event(0, 0x90, 60, 127)).unwrap();
    e.schedule(event(5000, 0x80, 60, 0)).unwrap();
    let x = channel(&render(&mut e, 8000, 480), 0);
    assert!(
        x[..5000].iter().all(|&v| v > 0.0),
        "looping the positive part while held"
    );
    // Released at 5000 at loop offset 0: plays 1000 more positive frames, then 500 negative, then stops.
    assert!(x[6100..6400].iter().all(|&v| v < 0.0));
    assert!(x[6600..].iter().all(|&v| v == 0.0));
    assert!(voices(&e).is_empty(), "the voice ends with its wave");
}

#[test]
fn unloading_a_wave_in_use_stops_its_voices_and_instruments_bind_late() {
    let mut e = Engine::new(&config(8)).unwrap();
    e.reserve_bank(4).unwrap();
    // Instrument first, wave later.
    install(&mut e, 10, instrument(Patch::default(), vec![region(1)], vec![]));
    e.schedule(event(0, 0x90, 60, 127)).unwrap();
    render(&mut e, 480, 480);
    assert!(voices(&e).is_empty(), "no wave yet");
    let w = Engine::prepare_wave(sine_wave(RATE, 100.0, 40, 0.5)).unwrap();
    e.install(Download::Wave(1, w)).ok().unwrap();
    e.schedule(event(e.position(), 0x90, 60, 127)).unwrap();
    render(&mut e, 480, 480);
    assert_eq!(voices(&e).len(), 1);
    let Ok(Download::Wave(1, _)) = e.unload(1) else {
        panic!("unload")
    };
    assert!(voices(&e).is_empty());
    assert!(render(&mut e, 480, 480).iter().all(|&v| v == 0.0));
    assert!(e.unload(1).is_err());
    // Duplicate ids are refused.
    let w = Engine::prepare_wave(sine_wave(RATE, 100.0, 40, 0.5)).unwrap();
    assert!(matches!(
        e.install(Download::Wave(10, w)),
        Err((synth::EngineError::DuplicateId, _))
    ));
}

#[test]
fn channel_group_zero_broadcasts_and_groups_are_independent() {
    let config = EngineConfig {
        channel_groups: 3,
        ..config(16)
    };
    let mut e = Engine::new(&config).unwrap();
    let (w, i) = sine_instrument(vec![]);
    load(&mut e, 1, w, 2, i);
    let mut ev = event(0, 0x90, 60, 100);
    ev.channel_group = 0;
    e.schedule(ev).unwrap();
    let mut ev = event(0, 0x90, 62, 100);
    ev.channel_group = 2;
    e.schedule(ev).unwrap();
    let mut ev = event(0, 0x90, 64, 100);
    ev.channel_group = 4; // beyond the configured groups: ignored
    e.schedule(ev).unwrap();
    render(&mut e, 100, 100);
    let v = voices(&e);
    assert_eq!(v.iter().filter(|v| v.key == 60).count(), 3);
    assert_eq!(
        v.iter().filter(|v| v.key == 62 && v.channel_group == 2).count(),
        1
    );
    assert_eq!(v.len(), 4);
    assert!(e.set_channel_priority(3, 15, 7));
    assert_eq!(e.channel_priority(3, 15), Some(7));
    assert_eq!(e.channel_priority(4, 0), None);
    assert_eq!(e.channel_priority(1, 9), Some(0x8000_000F));
}

#[test]
fn mono_mode_keeps_one_voice_per_channel() {
    let mut e = engine(8, vec![]);
    e.schedule(event(0, 0xB0, 126, 1)).unwrap();
    e.schedule(event(0, 0x90, 60, 100)).unwrap();
    e.schedule(event(10, 0x90, 64, 100)).unwrap();
    render(&mut e, 2000, 100);
    let v = voices(&e);
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].key, 64);
}

#[test]
fn outputs_saturate_and_stay_finite_mono_and_stereo() {
    for channels in [1u16, 2] {
        let config = EngineConfig {
            channels,
            ..config(64)
        };
        let mut e = Engine::new(&config).unwrap();
        let (w, i) = sine_instrument(vec![constant(CONN_DST_GAIN, 20 * 655_360)]);
        load(&mut e, 1, w, 2, i);
        e.set_master_gain_centibels(2000);
        for key in 40..80 {
            e.schedule(event(0, 0x90, key, 127)).unwrap();
        }
        let mut out = vec![0i16; 4800 * usize::from(channels)];
        e.render_i16(&mut out);
        assert!(out.contains(&32767) && out.contains(&-32767));
        let mut f = vec![0.0f32; 4800 * usize::from(channels)];
        e.render_f32(&mut f);
        assert!(f.iter().all(|v| v.is_finite()));
        assert_eq!(e.take_stats().peak_level, 1.0);
    }
}

#[test]
fn every_rate_from_8_to_192_khz_plays_in_tune() {
    for rate in [8_000u32, 11_025, 22_050, 44_100, 96_000, 192_000] {
        let config = EngineConfig {
            sample_rate: rate,
            ..config(8)
        };
        let mut e = Engine::new(&config).unwrap();
        let (w, i) = sine_instrument(vec![]);
        load(&mut e, 1, w, 2, i);
        e.schedule(event(0, 0x90, 60, 100)).unwrap();
        let x = channel(&render(&mut e, rate as usize / 2, 333), 0);
        let f = zero_crossing_frequency(&x[rate as usize / 10..]).unwrap() * f64::from(rate);
        assert!(cents(f, 480.0).abs() < 1.0, "{rate}: {f} Hz");
    }
}
