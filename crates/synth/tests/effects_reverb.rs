//! The reverb measured from outside: RT60 from the impulse response's energy decay (Schroeder
//! backward integration, T30 fit), stereo decorrelation, HF damping, robustness (full-scale noise,
//! non-finite input), silence after the tail, bounded output.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used,
    clippy::cast_precision_loss,
    missing_docs
)]

use synth::reverb::{LINE_LENGTHS_48K, Reverb, ReverbParams};

/// Renders `frames` of the reverb's response to `send` (zero-padded), interleaved stereo.
fn render(reverb: &mut Reverb, send: &[f32], frames: usize) -> Vec<f32> {
    let mut input = send.to_vec();
    input.resize(frames, 0.0);
    let mut out = vec![0.0f32; frames * 2];
    // Odd block sizes, to prove block boundaries do not matter.
    let block = 333;
    for (send_block, out_block) in input.chunks(block).zip(out.chunks_mut(block * 2)) {
        reverb.process(send_block, out_block);
    }
    out
}

fn channel(out: &[f32], index: usize) -> Vec<f32> {
    out.iter().skip(index).step_by(2).copied().collect()
}

/// RT60 in seconds from an impulse response: Schroeder backward-integrated energy, least-squares
/// line through the −5..−35 dB part (T30), extrapolated to 60 dB.
fn rt60(response: &[f32], sample_rate: f32) -> f32 {
    let mut energy = vec![0.0f64; response.len()];
    let mut sum = 0.0f64;
    for (i, &x) in response.iter().enumerate().rev() {
        sum += f64::from(x) * f64::from(x);
        energy[i] = sum;
    }
    let total = energy[0];
    let (mut n, mut sx, mut sy, mut sxx, mut sxy) = (0.0f64, 0.0, 0.0, 0.0, 0.0);
    for (i, &e) in energy.iter().enumerate() {
        let db = 10.0 * (e / total).log10();
        if (-35.0..=-5.0).contains(&db) {
            let t = i as f64 / f64::from(sample_rate);
            n += 1.0;
            sx += t;
            sy += db;
            sxx += t * t;
            sxy += t * db;
        }
    }
    assert!(n > 100.0, "decay range not reached");
    let slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    (-60.0 / slope) as f32
}

fn impulse_rt60(sample_rate: u32, time_ms: f32, hf_rt_ratio: f32) -> (f32, f32) {
    let mut reverb = Reverb::new(sample_rate).unwrap();
    reverb.set_params(ReverbParams {
        in_gain_db: 0.0,
        mix_db: 0.0,
        time_ms,
        hf_rt_ratio,
    });
    let frames = (sample_rate as f32 * (time_ms / 1000.0 * 1.5 + 0.2)) as usize;
    let out = render(&mut reverb, &[1.0], frames);
    let rate = sample_rate as f32;
    (rt60(&channel(&out, 0), rate), rt60(&channel(&out, 1), rate))
}

#[test]
fn rt60_matches_reverb_time_at_44100_and_48000() {
    for sample_rate in [44_100, 48_000] {
        for time_ms in [300.0, 1000.0, 2500.0] {
            let (left, right) = impulse_rt60(sample_rate, time_ms, 0.999);
            let target = time_ms / 1000.0;
            println!("fs {sample_rate} RT {time_ms} ms: measured L {left:.3} s, R {right:.3} s");
            for measured in [left, right] {
                assert!(
                    (measured / target - 1.0).abs() < 0.15,
                    "fs {sample_rate}, RT {time_ms} ms: measured {measured} s"
                );
            }
        }
    }
}

#[test]
fn rt60_is_sample_rate_independent() {
    for sample_rate in [8_000, 22_050, 96_000, 192_000] {
        let (left, right) = impulse_rt60(sample_rate, 1000.0, 0.999);
        println!("fs {sample_rate} RT 1000 ms: measured L {left:.3} s, R {right:.3} s");
        for measured in [left, right] {
            assert!((measured - 1.0).abs() < 0.15, "fs {sample_rate}: {measured} s");
        }
    }
}

/// RBJ band-pass (constant 0 dB peak gain) at `centre_hz`.
fn band_pass(x: &[f32], centre_hz: f64, q: f64, sample_rate: f64) -> Vec<f32> {
    let w = 2.0 * std::f64::consts::PI * centre_hz / sample_rate;
    let alpha = w.sin() / (2.0 * q);
    let a0 = 1.0 + alpha;
    let (b0, b2) = (alpha / a0, -alpha / a0);
    let (a1, a2) = (-2.0 * w.cos() / a0, (1.0 - alpha) / a0);
    let (mut x1, mut x2, mut y1, mut y2) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    x.iter()
        .map(|&v| {
            let v = f64::from(v);
            let y = b0 * v + b2 * x2 - a1 * y1 - a2 * y2;
            x2 = x1;
            x1 = v;
            y2 = y1;
            y1 = y;
            y as f32
        })
        .collect()
}

/// One-pole low-pass at `corner_hz`.
fn low_pass(x: &[f32], corner_hz: f32, sample_rate: f32) -> Vec<f32> {
    let pole = (-2.0 * std::f32::consts::PI * corner_hz / sample_rate).exp();
    let mut state = 0.0;
    x.iter()
        .map(|&v| {
            state = v * (1.0 - pole) + state * pole;
            state
        })
        .collect()
}

/// The 10 kHz reverb time the Waves reverb's semantics give (its two-tap damping per pass at
/// 48 kHz, `c = (1 − r)/2`, `r = 10^(−3·d·(1/RT_hf − 1/RT))`), for an FDN whose lines all carry
/// the same energy: total loss in dB over total delay.
fn predicted_rt60_at_10k(time: f64, ratio: f64) -> f64 {
    let w = 2.0 * std::f64::consts::PI * 10_000.0 / 48_000.0;
    let (mut loss_db, mut delay) = (0.0, 0.0);
    for &length in &LINE_LENGTHS_48K {
        let d = f64::from(length) / 48_000.0;
        let r = 10f64.powf(-3.0 * d * (1.0 / (time * ratio) - 1.0 / time));
        let c = 0.5 * (1.0 - r);
        let hf = ((1.0 - c + c * w.cos()).powi(2) + (c * w.sin()).powi(2)).sqrt();
        loss_db += -60.0 * d / time + 20.0 * hf.log10();
        delay += d;
    }
    -60.0 / (loss_db / delay)
}

#[test]
fn hf_ratio_follows_the_waves_semantics_at_10k() {
    let time = 2.0;
    for sample_rate in [44_100u32, 48_000, 96_000] {
        for ratio in [0.999f32, 0.5, 0.2, 0.001] {
            let mut reverb = Reverb::new(sample_rate).unwrap();
            reverb.set_params(ReverbParams {
                in_gain_db: 0.0,
                mix_db: 0.0,
                time_ms: time * 1000.0,
                hf_rt_ratio: ratio,
            });
            let out = render(&mut reverb, &[1.0], sample_rate as usize * 3);
            let rate = f64::from(sample_rate);
            let band = band_pass(&channel(&out, 0), 10_000.0, 12.0, rate);
            let measured = f64::from(rt60(&band, rate as f32));
            let predicted = predicted_rt60_at_10k(f64::from(time), f64::from(ratio));
            println!(
                "fs {sample_rate}, RT {time} s, HF ratio {ratio}: RT60 at 10 kHz {measured:.3} s \
                 (Waves semantics: {predicted:.3} s)"
            );
            assert!(
                (measured / predicted - 1.0).abs() < 0.1,
                "fs {sample_rate}, ratio {ratio}: {measured} vs {predicted}"
            );
        }
    }
    // Strong damping leaves the bass alone.
    let mut reverb = Reverb::new(48_000).unwrap();
    reverb.set_params(ReverbParams {
        in_gain_db: 0.0,
        mix_db: 0.0,
        time_ms: time * 1000.0,
        hf_rt_ratio: 0.001,
    });
    let out = render(&mut reverb, &[1.0], 48_000 * 4);
    let low = rt60(&low_pass(&channel(&out, 0), 150.0, 48_000.0), 48_000.0);
    println!("low band (one-pole 150 Hz) RT60 at RT 2 s, HF ratio 0.001: {low:.3} s");
    assert!((low / time - 1.0).abs() < 0.1, "{low}");
}

#[test]
fn stereo_tail_is_decorrelated() {
    let sample_rate = 48_000;
    let mut reverb = Reverb::new(sample_rate).unwrap();
    reverb.set_params(ReverbParams {
        in_gain_db: 0.0,
        mix_db: 0.0,
        time_ms: 1500.0,
        hf_rt_ratio: 0.5,
    });
    let out = render(&mut reverb, &[1.0], sample_rate as usize);
    // The tail after the first 100 ms.
    let start = sample_rate as usize / 10;
    let left = &channel(&out, 0)[start..];
    let right = &channel(&out, 1)[start..];
    let dot =
        |a: &[f32], b: &[f32]| -> f64 { a.iter().zip(b).map(|(&x, &y)| f64::from(x) * f64::from(y)).sum() };
    let correlation = dot(left, right) / (dot(left, left) * dot(right, right)).sqrt();
    println!("L/R correlation of the tail: {correlation:.4}");
    assert!(correlation.abs() < 0.5, "{correlation}");
    assert!(dot(left, left) > 1e-3, "tail too quiet");
}

/// xorshift32: deterministic white noise.
fn noise(seed: &mut u32) -> f32 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 17;
    *seed ^= *seed << 5;
    (*seed as f32 / u32::MAX as f32) * 2.0 - 1.0
}

#[test]
fn full_scale_noise_for_ten_seconds_stays_finite_and_bounded() {
    for sample_rate in [8_000, 48_000, 192_000] {
        let mut reverb = Reverb::new(sample_rate).unwrap();
        reverb.set_params(ReverbParams {
            in_gain_db: 0.0,
            mix_db: 0.0,
            time_ms: 3000.0,
            hf_rt_ratio: 0.999,
        });
        let mut seed = 0x1234_5678;
        let frames = sample_rate as usize * 10;
        let send: Vec<f32> = (0..frames).map(|_| noise(&mut seed)).collect();
        let out = render(&mut reverb, &send, frames);
        let peak = out.iter().fold(0.0f32, |m, &x| m.max(x.abs()));
        let rms = (out.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / out.len() as f64).sqrt();
        println!("fs {sample_rate}: 10 s full-scale noise, RT 3 s: peak {peak:.2}, rms {rms:.3}");
        assert!(out.iter().all(|x| x.is_finite()));
        assert!(peak < 16.0, "peak {peak}");
        assert!(rms > 0.1, "rms {rms}");
    }
}

#[test]
fn non_finite_input_is_ignored() {
    let mut reverb = Reverb::new(48_000).unwrap();
    let send = [1.0, f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 1e30, -1e30];
    let out = render(&mut reverb, &send, 48_000);
    assert!(out.iter().all(|x| x.is_finite()));
}

#[test]
fn silence_after_the_tail_is_exact() {
    let sample_rate = 48_000;
    let mut reverb = Reverb::new(sample_rate).unwrap();
    reverb.set_params(ReverbParams {
        in_gain_db: 0.0,
        mix_db: 0.0,
        time_ms: 300.0,
        hf_rt_ratio: 0.999,
    });
    let mut seed = 99;
    let send: Vec<f32> = (0..4800).map(|_| noise(&mut seed)).collect();
    // Flushing at −400 dB: 2 s of decay at 200 dB/s; render 4 s, the last second must be exactly
    // zero.
    let out = render(&mut reverb, &send, sample_rate as usize * 4);
    let last_second = &out[out.len() - sample_rate as usize * 2..];
    assert!(last_second.iter().all(|&x| x == 0.0), "tail not flushed to zero");
    // And before that, at 0.5 s (about −100 dB), there was a tail.
    let at_half_second = &out[sample_rate as usize..sample_rate as usize + 2000];
    assert!(at_half_second.iter().any(|&x| x.abs() > 1e-7));
    // The reverb knows its tail is over, and wakes on the next send.
    assert!(reverb.is_idle());
    let out = render(&mut reverb, &[], 1000);
    assert!(out.iter().all(|&x| x == 0.0));
    let out = render(&mut reverb, &[1.0], 4800);
    assert!(!reverb.is_idle());
    assert!(out.iter().any(|&x| x.abs() > 1e-3));
}

#[test]
fn clear_silences_immediately_and_mix_floor_mutes() {
    let sample_rate = 48_000;
    let mut reverb = Reverb::new(sample_rate).unwrap();
    let _ = render(&mut reverb, &[1.0; 1000], 10_000);
    reverb.clear();
    let out = render(&mut reverb, &[], 10_000);
    assert!(out.iter().all(|&x| x == 0.0));

    reverb.set_params(ReverbParams {
        mix_db: -96.0,
        ..ReverbParams::default()
    });
    let out = render(&mut reverb, &[1.0; 1000], 10_000);
    assert!(out.iter().all(|&x| x == 0.0));
}

#[test]
fn gains_follow_in_gain_and_mix() {
    let energy = |params: ReverbParams| {
        let mut reverb = Reverb::new(48_000).unwrap();
        reverb.set_params(params);
        let out = render(&mut reverb, &[1.0], 48_000);
        out.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>()
    };
    let base = ReverbParams {
        in_gain_db: 0.0,
        mix_db: 0.0,
        time_ms: 500.0,
        hf_rt_ratio: 0.5,
    };
    let reference = energy(base);
    for (params, expected_db) in [
        (
            ReverbParams {
                in_gain_db: -6.0,
                ..base
            },
            -6.0,
        ),
        (
            ReverbParams {
                mix_db: -10.0,
                ..base
            },
            -10.0,
        ),
        (
            ReverbParams {
                in_gain_db: -3.0,
                mix_db: -20.0,
                ..base
            },
            -23.0,
        ),
    ] {
        let db = 10.0 * (energy(params) / reference).log10();
        assert!((db - expected_db).abs() < 0.01, "{params:?}: {db} dB");
    }
}

#[test]
fn output_is_accumulated_and_mismatched_lengths_use_the_common_prefix() {
    let mut reverb = Reverb::new(48_000).unwrap();
    reverb.set_params(ReverbParams {
        mix_db: 0.0,
        ..ReverbParams::default()
    });
    let mut out = vec![0.5f32; 7];
    // 10 send frames, room for 3 stereo frames (+1 stray sample that must stay untouched).
    reverb.process(&[0.0; 10], &mut out);
    assert_eq!(out, vec![0.5; 7]);
}

#[test]
fn loudness_does_not_depend_on_reverb_time() {
    // Per-channel impulse-response energy (= the gain for a noise send) is 0 dB at any time.
    for sample_rate in [44_100u32, 48_000] {
        for time_ms in [100.0f32, 300.0, 1000.0, 3000.0] {
            let mut reverb = Reverb::new(sample_rate).unwrap();
            reverb.set_params(ReverbParams {
                in_gain_db: 0.0,
                mix_db: 0.0,
                time_ms,
                hf_rt_ratio: 0.999,
            });
            let out = render(&mut reverb, &[1.0], sample_rate as usize * 5);
            for side in 0..2 {
                let energy: f64 = channel(&out, side).iter().map(|&x| f64::from(x).powi(2)).sum();
                let db = 10.0 * energy.log10();
                println!("fs {sample_rate}, RT {time_ms} ms, side {side}: IR energy {db:.2} dB");
                assert!(db.abs() < 1.0, "fs {sample_rate}, RT {time_ms} ms: {db} dB");
            }
        }
    }
}
