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
///
/// The TPT SVF's state update is linear, `s' = M·s + b·x`, `y = c·s + d·x` with
/// `M = [[2a1 − 1, −2a2], [2a2, 1 − 2a3]]`, `b = (2a2, 2a3)`, `c = (a2, 1 − a3)`, `d = a3`
/// (`a1 = 1/(1 + g(g + k))`, `a2 = g·a1`, `a3 = g·a2`). [`Filter::process`] advances two samples
/// per step with `M²`, which halves the loop-carried dependency chain that makes a recursive
/// filter latency-bound; the outputs hang off the chain.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Filter {
    s1: f32,
    s2: f32,
    /// M.
    m: [f32; 4],
    /// M².
    mm: [f32; 4],
    /// M·b.
    mb: [f32; 2],
    b: [f32; 2],
    c: [f32; 2],
    /// c·M.
    cm: [f32; 2],
    /// c·b.
    cb: f32,
    d: f32,
    cutoff_cents: f32,
    q_db: f32,
}

impl Filter {
    /// An idle filter (passes its input).
    pub const IDLE: Self = Self {
        s1: 0.0,
        s2: 0.0,
        m: [0.0; 4],
        mm: [0.0; 4],
        mb: [0.0; 2],
        b: [0.0; 2],
        c: [0.0; 2],
        cm: [0.0; 2],
        cb: 0.0,
        d: 1.0,
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
        let hz = f64::from(math::absolute_cents_to_hz(cutoff_cents).clamp(20.0, 0.45 * sample_rate));
        let g = libm::tan(core::f64::consts::PI * hz / f64::from(sample_rate));
        let q = f64::from(math::db_to_amplitude(q_db)) * core::f64::consts::FRAC_1_SQRT_2;
        let k = 1.0 / q;
        let a1 = 1.0 / (1.0 + g * (g + k));
        let a2 = g * a1;
        let a3 = g * a2;
        let m = [2.0 * a1 - 1.0, -2.0 * a2, 2.0 * a2, 1.0 - 2.0 * a3];
        let b = [2.0 * a2, 2.0 * a3];
        let c = [a2, 1.0 - a3];
        let mm = [
            m[0] * m[0] + m[1] * m[2],
            m[0] * m[1] + m[1] * m[3],
            m[2] * m[0] + m[3] * m[2],
            m[2] * m[1] + m[3] * m[3],
        ];
        let mb = [m[0] * b[0] + m[1] * b[1], m[2] * b[0] + m[3] * b[1]];
        let cm = [c[0] * m[0] + c[1] * m[2], c[0] * m[1] + c[1] * m[3]];
        let f = |v: f64| v as f32;
        self.m = m.map(f);
        self.mm = mm.map(f);
        self.mb = mb.map(f);
        self.b = b.map(f);
        self.c = c.map(f);
        self.cm = cm.map(f);
        self.cb = f(c[0] * b[0] + c[1] * b[1]);
        self.d = f(a3);
    }

    /// Clears the state (the filter is being bypassed).
    pub fn clear(&mut self) {
        self.s1 = 0.0;
        self.s2 = 0.0;
    }

    /// Filters a block in place.
    pub fn process(&mut self, block: &mut [f32]) {
        let [p11, p12, p21, p22] = self.mm;
        let [q1, q2] = self.mb;
        let [b1, b2] = self.b;
        let [c1, c2] = self.c;
        let [e1, e2] = self.cm;
        let (cb, d) = (self.cb, self.d);
        let (mut s1, mut s2) = (self.s1, self.s2);
        let mut pairs = block.chunks_exact_mut(2);
        for pair in &mut pairs {
            if let [x0, x1] = pair {
                let (u0, u1) = (*x0, *x1);
                *x0 = c1 * s1 + c2 * s2 + d * u0;
                *x1 = e1 * s1 + e2 * s2 + (cb * u0 + d * u1);
                let n1 = p11 * s1 + p12 * s2 + (q1 * u0 + b1 * u1);
                let n2 = p21 * s1 + p22 * s2 + (q2 * u0 + b2 * u1);
                s1 = n1;
                s2 = n2;
            }
        }
        if let [x] = pairs.into_remainder() {
            let u = *x;
            *x = c1 * s1 + c2 * s2 + d * u;
            let [m11, m12, m21, m22] = self.m;
            let n1 = m11 * s1 + m12 * s2 + b1 * u;
            let n2 = m21 * s1 + m22 * s2 + b2 * u;
            s1 = n1;
            s2 = n2;
        }
        // No denormals: flush a decayed state to exact zero (and never keep a non-finite one).
        let flush = |v: f32| if v.abs() < 1e-15 || !v.is_finite() { 0.0 } else { v };
        self.s1 = flush(s1);
        self.s2 = flush(s2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two-sample state-space form equals the textbook TPT SVF sample by sample.
    #[test]
    fn matches_the_tpt_svf() {
        let rate = 48_000.0;
        let mut filter = Filter::IDLE;
        filter.set(8_000.0, 9.0, rate);
        let g = libm::tan(core::f64::consts::PI * f64::from(math::absolute_cents_to_hz(8_000.0)) / 48_000.0);
        let k = 1.0 / (f64::from(math::db_to_amplitude(9.0)) * core::f64::consts::FRAC_1_SQRT_2);
        let (a1, a2, a3) = {
            let a1 = 1.0 / (1.0 + g * (g + k));
            (a1, g * a1, g * g * a1)
        };
        let (mut ic1, mut ic2) = (0.0f64, 0.0f64);
        let mut seed = 1u32;
        for length in [1usize, 7, 64, 33] {
            let mut block: [f32; 64] = core::array::from_fn(|_| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5
            });
            let input = block;
            filter.process(&mut block[..length]);
            for (x, y) in input[..length].iter().zip(&block[..length]) {
                let v3 = f64::from(*x) - ic2;
                let v1 = a1 * ic1 + a2 * v3;
                let v2 = ic2 + a2 * ic1 + a3 * v3;
                ic1 = 2.0 * v1 - ic1;
                ic2 = 2.0 * v2 - ic2;
                assert!((v2 - f64::from(*y)).abs() < 1e-4, "{v2} vs {y}");
            }
        }
    }
}
