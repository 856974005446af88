//! Both effects under hostile use: parameters changed every block to random values (including
//! non-finite and out-of-range ones), blocks of random length (including 0 and mismatched output
//! lengths), full-scale noise. Output must stay finite and bounded.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used,
    clippy::cast_precision_loss,
    missing_docs
)]

use synth::chorus::{Chorus, ChorusParams};
use synth::reverb::{Reverb, ReverbParams};

/// xorshift64*.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
    /// A parameter value: mostly in a wide range around `lo..hi`, sometimes hostile.
    fn param(&mut self, lo: f32, hi: f32) -> f32 {
        match self.next() % 16 {
            0 => f32::NAN,
            1 => f32::INFINITY,
            2 => f32::NEG_INFINITY,
            3 => -1e30,
            4 => 1e30,
            _ => lo - (hi - lo) + self.unit() * 3.0 * (hi - lo),
        }
    }
}

#[test]
fn random_parameters_and_blocks_stay_finite_and_bounded() {
    for sample_rate in [8_000u32, 44_100, 192_000] {
        let mut rng = Rng(0x5EED_0000 + u64::from(sample_rate));
        let mut reverb = Reverb::new(sample_rate).unwrap();
        let mut chorus = Chorus::new(sample_rate).unwrap();
        let mut send = vec![0.0f32; 2048];
        let mut out = vec![0.0f32; 4096 + 3];
        let mut peak = 0.0f32;
        for _ in 0..2_000 {
            reverb.set_params(ReverbParams {
                in_gain_db: rng.param(-96.0, 0.0),
                mix_db: rng.param(-96.0, 0.0),
                time_ms: rng.param(0.001, 3000.0),
                hf_rt_ratio: rng.param(0.001, 0.999),
            });
            chorus.set_params(ChorusParams {
                rate_hz: rng.param(0.05, 10.0),
                depth_ms: rng.param(0.0, 10.0),
                delay_ms: rng.param(1.0, 40.0),
                feedback: rng.param(-0.95, 0.95),
                mix: rng.param(0.0, 1.0),
            });
            let frames = (rng.next() % 2049) as usize;
            let out_len = (rng.next() % (out.len() as u64 + 1)) as usize;
            for s in &mut send[..frames] {
                *s = rng.unit() * 2.0 - 1.0;
            }
            out[..out_len].fill(0.0);
            reverb.process(&send[..frames], &mut out[..out_len]);
            chorus.process(&send[..frames], &mut out[..out_len]);
            for &x in &out[..out_len] {
                assert!(x.is_finite());
                peak = peak.max(x.abs());
            }
            if rng.next().is_multiple_of(50) {
                reverb.clear();
                chorus.clear();
            }
        }
        println!("fs {sample_rate}: peak {peak:.2} under random parameters");
        assert!(peak < 20.0, "fs {sample_rate}: peak {peak}");
    }
}
