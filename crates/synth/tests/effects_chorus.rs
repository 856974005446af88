//! The chorus measured from outside: the delay each voice applies sweeps exactly the LFO's range
//! (impulse train), a sine acquires FM sidebands at multiples of the LFO rate (a static delay
//! does not), bounded and finite output under full-scale noise with maximum feedback.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used,
    clippy::cast_precision_loss,
    missing_docs
)]

use synth::chorus::{Chorus, ChorusParams};

fn render(chorus: &mut Chorus, send: &[f32]) -> Vec<f32> {
    let mut out = vec![0.0f32; send.len() * 2];
    for (send_block, out_block) in send.chunks(257).zip(out.chunks_mut(257 * 2)) {
        chorus.process(send_block, out_block);
    }
    out
}

fn channel(out: &[f32], index: usize) -> Vec<f32> {
    out.iter().skip(index).step_by(2).copied().collect()
}

#[test]
fn impulse_delays_sweep_the_lfo_range() {
    let sample_rate = 48_000u32;
    let rate = sample_rate as f32;
    let params = ChorusParams {
        rate_hz: 0.5,
        depth_ms: 3.0,
        delay_ms: 10.0,
        feedback: 0.0,
        mix: 1.0,
    };
    let mut chorus = Chorus::new(sample_rate).unwrap();
    chorus.set_params(params);
    // Let the parameter glide settle, then an impulse every 25 ms for two LFO periods.
    let _ = render(&mut chorus, &vec![0.0; sample_rate as usize]);
    let spacing = sample_rate as usize / 40;
    let frames = sample_rate as usize * 4;
    let mut send = vec![0.0f32; frames];
    for i in (0..frames).step_by(spacing) {
        send[i] = 1.0;
    }
    let out = render(&mut chorus, &send);
    let low = (params.delay_ms - params.depth_ms) / 1000.0 * rate;
    let high = (params.delay_ms + params.depth_ms) / 1000.0 * rate;
    for side in 0..2 {
        let signal = channel(&out, side);
        let (mut earliest, mut latest) = (f32::MAX, 0.0f32);
        let mut peak_positions = Vec::new();
        for start in (0..frames - spacing).step_by(spacing) {
            let window = &signal[start..start + spacing];
            // Every sample of the response lies inside the swept range (±2 samples of
            // interpolation kernel).
            for (offset, &x) in window.iter().enumerate() {
                if x.abs() > 1e-4 {
                    let offset = offset as f32;
                    assert!(
                        offset >= low - 2.0 && offset <= high + 2.0,
                        "side {side}: response at {offset} outside {low}..{high}"
                    );
                    earliest = earliest.min(offset);
                    latest = latest.max(offset);
                }
            }
            let (peak, _) = window.iter().enumerate().fold((0, 0.0f32), |(bi, bv), (i, &x)| {
                if x.abs() > bv { (i, x.abs()) } else { (bi, bv) }
            });
            peak_positions.push(peak as f32);
        }
        // ... and the responses reach both ends of the range.
        println!("side {side}: responses from {earliest} to {latest} samples (LFO range {low}..{high})");
        assert!(earliest <= low + 2.0 && latest >= high - 2.0);
        // The strongest tap moves by about twice the depth over an LFO period.
        let min_peak = peak_positions.iter().copied().fold(f32::MAX, f32::min);
        let max_peak = peak_positions.iter().copied().fold(0.0, f32::max);
        println!("side {side}: strongest tap from {min_peak} to {max_peak}");
        assert!(max_peak - min_peak > 1.6 * (high - low) / 2.0);
    }
}

/// Energy fraction of `x` (an integer number of cycles of every component) in DFT bin `k`.
fn bin_fraction(x: &[f32], k: f64) -> f64 {
    let n = x.len() as f64;
    let w = 2.0 * std::f64::consts::PI * k / n;
    let (mut re, mut im) = (0.0f64, 0.0f64);
    for (i, &v) in x.iter().enumerate() {
        let phase = w * i as f64;
        re += f64::from(v) * phase.cos();
        im -= f64::from(v) * phase.sin();
    }
    let total: f64 = x.iter().map(|&v| f64::from(v).powi(2)).sum();
    2.0 * (re * re + im * im) / (n * total)
}

fn sine_response(params: ChorusParams) -> Vec<f32> {
    let sample_rate = 48_000usize;
    let mut chorus = Chorus::new(sample_rate as u32).unwrap();
    chorus.set_params(params);
    let send: Vec<f32> = (0..sample_rate * 3)
        .map(|i| (2.0 * std::f32::consts::PI * 1000.0 * i as f32 / sample_rate as f32).sin() * 0.5)
        .collect();
    let out = render(&mut chorus, &send);
    // Left channel, the last second (glide settled): exactly 1000 cycles and one LFO period.
    channel(&out, 0)[sample_rate * 2..].to_vec()
}

#[test]
fn modulation_spreads_a_sine_into_sidebands_at_the_lfo_rate() {
    let base = ChorusParams {
        rate_hz: 1.0,
        depth_ms: 0.0,
        delay_ms: 12.0,
        feedback: 0.0,
        mix: 1.0,
    };
    let still = sine_response(base);
    let carrier_still = bin_fraction(&still, 1000.0);
    println!("static delay: carrier holds {:.4} of the energy", carrier_still);
    assert!(carrier_still > 0.999);

    let moving = sine_response(ChorusParams {
        depth_ms: 1.0,
        ..base
    });
    let carrier = bin_fraction(&moving, 1000.0);
    // FM by the moving delay: index β = 2π·1000 Hz·1 ms ≈ 6.3, so the energy spreads over
    // about ±(β+1) sidebands spaced by the LFO rate (1 Hz).
    let sidebands: f64 = (1..=12)
        .map(|k| bin_fraction(&moving, 1000.0 + f64::from(k)) + bin_fraction(&moving, 1000.0 - f64::from(k)))
        .sum();
    println!("depth 1 ms at 1 Hz: carrier {carrier:.4}, sidebands ±1..12 Hz {sidebands:.4}");
    assert!(carrier < 0.3, "{carrier}");
    assert!(sidebands > 0.6, "{sidebands}");
    assert!(carrier + sidebands > 0.95, "{}", carrier + sidebands);
}

/// xorshift32 white noise.
fn noise(seed: &mut u32) -> f32 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 17;
    *seed ^= *seed << 5;
    (*seed as f32 / u32::MAX as f32) * 2.0 - 1.0
}

#[test]
fn full_scale_noise_with_maximum_feedback_stays_bounded() {
    for sample_rate in [8_000u32, 48_000, 192_000] {
        for feedback in [0.95f32, -0.95] {
            let mut chorus = Chorus::new(sample_rate).unwrap();
            chorus.set_params(ChorusParams {
                rate_hz: 1.5,
                depth_ms: 10.0,
                delay_ms: 25.0,
                feedback,
                mix: 1.0,
            });
            let mut seed = 7;
            let send: Vec<f32> = (0..sample_rate as usize * 10).map(|_| noise(&mut seed)).collect();
            let out = render(&mut chorus, &send);
            let peak = out.iter().fold(0.0f32, |m, &x| m.max(x.abs()));
            println!("fs {sample_rate}, feedback {feedback}: peak {peak:.2}");
            assert!(out.iter().all(|x| x.is_finite()));
            assert!(peak < 40.0, "peak {peak}");
        }
    }
}

#[test]
fn non_finite_input_and_parameters_are_harmless() {
    let mut chorus = Chorus::new(44_100).unwrap();
    chorus.set_params(ChorusParams {
        rate_hz: f32::NAN,
        depth_ms: f32::INFINITY,
        delay_ms: f32::NEG_INFINITY,
        feedback: f32::NAN,
        mix: f32::INFINITY,
    });
    let out = render(&mut chorus, &[1.0, f32::NAN, f32::INFINITY, -1e30, 1e30, 0.5]);
    assert!(out.iter().all(|x| x.is_finite()));
}

#[test]
fn clear_silences_and_output_accumulates_over_the_common_prefix() {
    let mut chorus = Chorus::new(48_000).unwrap();
    assert!(chorus.is_idle());
    let _ = render(&mut chorus, &[1.0; 2000]);
    assert!(!chorus.is_idle());
    chorus.clear();
    assert!(chorus.is_idle());
    let out = render(&mut chorus, &[0.0; 4000]);
    assert!(out.iter().all(|&x| x == 0.0));

    let mut out = vec![0.25f32; 5];
    chorus.process(&[1.0; 100], &mut out);
    // Two frames fit; the chorus delay is longer than two frames, so they gain nothing, and
    // the stray fifth sample is untouched.
    assert_eq!(out, vec![0.25; 5]);
}

#[test]
fn goes_idle_once_the_line_has_emptied_and_wakes_on_a_send() {
    let mut chorus = Chorus::new(48_000).unwrap();
    chorus.set_params(ChorusParams {
        feedback: 0.5,
        ..ChorusParams::default()
    });
    let mut send = vec![0.0f32; 96_000];
    send[0] = 1.0;
    let out = render(&mut chorus, &send);
    // With feedback 0.5 the echoes fall at least 6 dB per pass (≈ 12 ms): 85 passes, about a
    // second, reach the flush threshold (−500 dB); then the line is rewritten with zeros.
    assert!(out.iter().any(|&x| x != 0.0));
    assert!(chorus.is_idle());
    let mut out = vec![0.0f32; 2000];
    chorus.process(&[0.0; 1000], &mut out);
    assert!(out.iter().all(|&x| x == 0.0));
    let out = render(&mut chorus, &send[..4800]);
    assert!(!chorus.is_idle());
    assert!(out.iter().any(|&x| x.abs() > 1e-3));
}
