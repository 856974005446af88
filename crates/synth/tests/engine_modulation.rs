//! Measured-audio tests of the modulators: LFO and vibrato (rate, delay, depth, mod wheel),
//! EG2 → pitch, LFO → gain, pressure and key scaling through the connection graph.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use dls::model::{Connection, Curve, Patch};
use portcls_sys::dls::*;
use synth::test_support::*;
use synth::{Engine, EngineConfig};

const RATE: u32 = 48_000;

fn play(connections: Vec<Connection>, setup: &[(u8, u8, u8)], frames: usize) -> Vec<f32> {
    // Key 72: 960 Hz (0.02 cycles/sample).
    let mut e = dry_engine_playing(sine_wave(RATE, 100.0, 40, 0.5), connections);
    for &(s, a, b) in setup {
        e.schedule(event(0, s, a, b)).unwrap();
    }
    e.schedule(event(0, 0x90, 72, 127)).unwrap();
    channel(&render(&mut e, frames, 480), 0)
}

/// Mean pitch offset in cents over `[centre − half, centre + half)`, relative to 0.02 c/s.
fn cents_at(x: &[f32], centre: usize, half: usize) -> f64 {
    cents(
        zero_crossing_frequency(&x[centre - half..centre + half]).unwrap(),
        0.02,
    )
}

fn lfo(frequency: f64, delay: f64) -> Vec<Connection> {
    vec![
        constant(CONN_DST_LFO_FREQUENCY, absolute_cents(frequency)),
        constant(CONN_DST_LFO_STARTDELAY, timecents(delay)),
        constant(CONN_DST_VIB_FREQUENCY, absolute_cents(frequency)),
        constant(CONN_DST_VIB_STARTDELAY, timecents(delay)),
    ]
}

#[test]
fn modulation_lfo_to_pitch_has_its_rate_depth_and_triangle_shape() {
    let mut c = lfo(5.0, 0.0);
    c.push(connection(CONN_SRC_LFO, 0, CONN_DST_PITCH, 100 << 16));
    let x = play(c, &[], 48_000);
    // Triangle at 5 Hz (period 9600): +100 cents at 2400, −100 at 7200, 0 at 4800; the
    // ±240-sample window averages a triangle peak down by 5 %.
    for (at, expected) in [(2400usize, 95.0), (7200, -95.0), (4800, 0.0), (12_000, 95.0)] {
        let got = cents_at(&x, at, 240);
        assert!(
            (got - expected).abs() < 2.0,
            "at {at}: {got} cents, expected {expected}"
        );
    }
}

#[test]
fn lfo_delay_holds_the_modulation_off() {
    let mut c = lfo(5.0, 0.1);
    c.push(connection(CONN_SRC_LFO, 0, CONN_DST_PITCH, 100 << 16));
    let x = play(c, &[], 48_000);
    assert!(cents_at(&x, 2400, 240).abs() < 0.5, "still in the delay");
    // The triangle starts at 4800 (100 ms): its first peak is at 4800 + 2400.
    let got = cents_at(&x, 7200, 240);
    assert!((got - 95.0).abs() < 2.0, "{got}");
}

#[test]
fn mod_wheel_scales_the_vibrato() {
    let mut c = lfo(5.0, 0.0);
    c.push(connection(
        CONN_SRC_VIBRATO,
        CONN_SRC_CC1,
        CONN_DST_PITCH,
        100 << 16,
    ));
    let none = play(c.clone(), &[(0xB0, 1, 0)], 12_000);
    assert!(cents_at(&none, 2400, 240).abs() < 0.5);
    let full = play(c, &[(0xB0, 1, 127)], 12_000);
    let got = cents_at(&full, 2400, 240);
    let expected = 95.0 * 127.0 / 128.0;
    assert!((got - expected).abs() < 2.0, "{got} vs {expected}");
}

#[test]
fn eg2_to_pitch_follows_its_envelope() {
    // EG2: attack 0, decay 1 s full scale to sustain 0 → pitch +1200 cents falling linearly
    // (EG2 is linear) to 0 at 1 s.
    let c = vec![
        constant(CONN_DST_EG2_DECAYTIME, timecents(1.0)),
        constant(CONN_DST_EG2_SUSTAINLEVEL, 0),
        connection(CONN_SRC_EG2, 0, CONN_DST_PITCH, 1200 << 16),
    ];
    let x = play(c, &[], 60_000);
    for (seconds, expected) in [(0.25, 900.0), (0.5, 600.0), (0.75, 300.0), (1.1, 0.0)] {
        let at = (seconds * f64::from(RATE)) as usize;
        let got = cents_at(&x, at, 120);
        assert!(
            (got - expected).abs() < 5.0,
            "at {seconds} s: {got} cents vs {expected}"
        );
    }
}

#[test]
fn lfo_to_gain_swings_in_decibels() {
    let mut c = lfo(5.0, 0.0);
    c.push(connection(CONN_SRC_LFO, 0, CONN_DST_GAIN, 6 * 655_360));
    let x = play(c, &[], 12_000);
    let peak = rms(&x[2400 - 100..2400 + 100]);
    let trough = rms(&x[7200 - 100..7200 + 100]);
    let swing = db(peak / trough);
    assert!((swing - 12.0).abs() < 0.5, "{swing} dB");
}

#[test]
fn channel_pressure_and_key_scaling_reach_their_destinations() {
    // Channel pressure → pitch, 200 cents at full scale (x = v/128).
    let c = vec![connection(CONN_SRC_CHANNELPRESSURE, 0, CONN_DST_PITCH, 200 << 16)];
    let x = play(c, &[(0xD0, 64, 0)], 9600);
    let got = cents_at(&x, 4800, 2400);
    assert!((got - 100.0).abs() < 1.0, "{got}");
    // Poly pressure on the played key only.
    let c = vec![connection(CONN_SRC_POLYPRESSURE, 0, CONN_DST_PITCH, 200 << 16)];
    let x = play(c.clone(), &[(0xA0, 72, 64)], 9600);
    assert!((cents_at(&x, 4800, 2400) - 100.0).abs() < 1.0);
    let x = play(c, &[(0xA0, 71, 64)], 9600);
    assert!(cents_at(&x, 4800, 2400).abs() < 0.5);
    // A convex, inverted, bipolar CC1 → pitch block: CC1 = 0 → +1 → +100 cents.
    let block = with_curve(
        connection(CONN_SRC_CC1, 0, CONN_DST_PITCH, 100 << 16),
        Curve::Convex,
        true,
        true,
    );
    let x = play(vec![block], &[(0xB0, 1, 0)], 9600);
    assert!((cents_at(&x, 4800, 2400) - 100.0).abs() < 1.0);
    // Switch curve: below half → 0, above → full.
    let block = with_curve(
        connection(CONN_SRC_CC1, 0, CONN_DST_PITCH, 100 << 16),
        Curve::Switch,
        false,
        false,
    );
    assert!(cents_at(&play(vec![block], &[(0xB0, 1, 63)], 9600), 4800, 2400).abs() < 0.5);
    assert!((cents_at(&play(vec![block], &[(0xB0, 1, 64)], 9600), 4800, 2400) - 100.0).abs() < 1.0);
}

#[test]
fn controller_changes_are_ramped_not_stepped() {
    // CC7 127 → 0 at sample 4800: the level must fall over a short ramp (≤ 1.5 ms), not in one
    // step, and must have started falling at the event's sample.
    let mut e = dry_engine_playing(dc_wave(RATE, 64, 16000), vec![]);
    e.schedule(event(0, 0xB0, 7, 127)).unwrap();
    e.schedule(event(0, 0x90, 60, 127)).unwrap();
    e.schedule(event(4800, 0xB0, 7, 0)).unwrap();
    let x = channel(&render(&mut e, 9600, 441), 0);
    let before = x[4799];
    assert!((x[4800] - before).abs() < 0.05 * before, "no step at the event");
    assert!(x[4801] < before, "falling from the event's sample");
    assert!(x[4800 + 72] < 1e-3 * before, "done within 1.5 ms");
    let worst = x.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0f32, f32::max);
    assert!(worst < before / 32.0, "largest step {worst} of {before}");
}

#[test]
fn silence_after_the_release_is_exact_zero_with_effects_on() {
    // A resonant filtered note, released: once its release is over the voice is gone and the
    // output is exactly 0.0 (no denormal tails in voices or filter); with reverb and chorus on,
    // their tails flush to exact zero too.
    let config = EngineConfig::default();
    let mut e = Engine::new(&config).unwrap();
    let c = vec![
        constant(CONN_DST_FILTER_CUTOFF, absolute_cents(800.0)),
        constant(CONN_DST_FILTER_Q, 20 * 655_360),
        constant(CONN_DST_EG1_RELEASETIME, timecents(0.2)),
    ];
    load(
        &mut e,
        1,
        saw_wave(RATE, 97, 40, 30),
        2,
        instrument(Patch::default(), vec![region(1)], c),
    );
    e.schedule(event(0, 0xB0, 93, 100)).unwrap();
    e.schedule(event(0, 0x90, 60, 127)).unwrap();
    e.schedule(event(4800, 0x80, 60, 0)).unwrap();
    let x = render(&mut e, 48_000, 480);
    assert!(rms(&x[..9600]) > 0.01);
    assert_eq!(e.active_voices(), 0);
    let tail = render(&mut e, 48_000 * 12, 4800);
    let last = &tail[tail.len() - 9600..];
    assert!(
        last.iter().all(|&v| v == 0.0),
        "reverb/chorus tail not flushed to zero"
    );
}
