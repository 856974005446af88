//! The DLS2 resonant low-pass: a 2-pole topology-preserving-transform state-variable filter
//! (Zavalishin/Simper), which stays stable and artefact-free when its cutoff is modulated.
//!
//! Units and law (decisions):
//! * cutoff: DLS absolute pitch cents, `f = 440·2^((c − 6900)/1200)` Hz, clamped to 20 Hz ..
//!   0.45·fs;
//! * resonance: DLS gives Q in dB (`lScale` in 1/655360 dB = 0.1 dB × 65536 per unit, clamped to
//!   0..=22.5 dB). We set the filter's quality factor to `Q = 10^(dB/20)/√2`, so 0 dB is a
//!   Butterworth (−3 dB at the cutoff, no peak) and each dB of resonance raises the response at
//!   the cutoff by one dB (+12 dB → +9 dB at the cutoff).

use crate::math;

/// Filter state and coefficients.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Filter {
    ic1: f32,
    ic2: f32,
    a1: f32,
    a2: f32,
    a3: f32,
    cutoff_cents: f32,
    q_db: f32,
}

impl Filter {
    /// An idle filter.
    pub const IDLE: Self = Self {
        ic1: 0.0,
        ic2: 0.0,
        a1: 1.0,
        a2: 0.0,
        a3: 0.0,
        cutoff_cents: f32::MIN,
        q_db: f32::MIN,
    };

    /// Sets cutoff (absolute cents) and resonance (dB); recomputes coefficients only when they
    /// moved by more than 0.25 cent or 0.01 dB.
    pub fn set(&mut self, cutoff_cents: f32, q_db: f32, sample_rate: f32) {
        let cutoff_cents = math::finite_or(cutoff_cents, 13_500.0);
        let q_db = math::finite_or(q_db, 0.0).clamp(0.0, 22.5);
        if (cutoff_cents - self.cutoff_cents).abs() < 0.25 && (q_db - self.q_db).abs() < 0.01 {
            return;
        }
        self.cutoff_cents = cutoff_cents;
        self.q_db = q_db;
        let hz = math::absolute_cents_to_hz(cutoff_cents).clamp(20.0, 0.45 * sample_rate);
        let g = libm::tanf(core::f32::consts::PI * hz / sample_rate);
        let q = math::db_to_amplitude(q_db) * core::f32::consts::FRAC_1_SQRT_2;
        let k = 1.0 / q;
        self.a1 = 1.0 / (1.0 + g * (g + k));
        self.a2 = g * self.a1;
        self.a3 = g * self.a2;
    }

    /// Filters a block in place.
    pub fn process(&mut self, block: &mut [f32]) {
        let (a1, a2, a3) = (self.a1, self.a2, self.a3);
        let (mut ic1, mut ic2) = (self.ic1, self.ic2);
        for x in block.iter_mut() {
            let v3 = *x - ic2;
            let v1 = a1 * ic1 + a2 * v3;
            let v2 = ic2 + a2 * ic1 + a3 * v3;
            ic1 = 2.0 * v1 - ic1;
            ic2 = 2.0 * v2 - ic2;
            *x = v2;
        }
        // No denormals: flush a decayed state to exact zero (and never keep a non-finite one).
        let flush = |v: f32| if v.abs() < 1e-15 || !v.is_finite() { 0.0 } else { v };
        self.ic1 = flush(ic1);
        self.ic2 = flush(ic2);
    }
}
