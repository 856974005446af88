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
/// (`a1 = 1/(1 + g(g + k))`, `a2 = g·a1`, `a3 = g·a2`). [`Filter::process`] advances **four**
/// samples per step: `s⁽⁴⁾ = M⁴·s + Σⱼ M³⁻ʲ·b·xⱼ` and `yₖ = c·Mᵏ·s + Σⱼ≤ₖ hₖ₋ⱼ·xⱼ` (`h₀ = d`,
/// `hₘ = c·Mᵐ⁻¹·b`, the impulse response). Only the state update is a loop-carried dependency
/// (one multiply and two adds per four samples instead of per sample, so the recursive filter
/// is no longer latency-bound); the four outputs hang off it as straight 4-lane arithmetic that
/// SSE2 vectorises. The coefficients are computed in f64 from the same `M`, `b`, `c`, `d`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Filter {
    s1: f32,
    s2: f32,
    /// M (single steps for the last 1..3 samples of a block).
    m: [f32; 4],
    b: [f32; 2],
    c: [f32; 2],
    d: f32,
    /// (c·Mᵏ)₁ for k = 0..4: output lane k's weight of `s1`.
    y_s1: [f32; 4],
    /// (c·Mᵏ)₂: output lane k's weight of `s2`.
    y_s2: [f32; 4],
    /// Output lane k's weight of input `xⱼ` (`hₖ₋ⱼ`, 0 for k < j), one row per j.
    y_x: [[f32; 4]; 4],
    /// M⁴ (row-major).
    m4: [f32; 4],
    /// First row of M³⁻ʲ·b for j = 0..4: the first state's weights of input `xⱼ`.
    s1_x: [f32; 4],
    /// Second row: the second state's weights of input `xⱼ`.
    s2_x: [f32; 4],
    cutoff_cents: f32,
    q_db: f32,
}

/// 2×2 matrix product (row-major).
fn mat_mul(a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
    ]
}

/// 2×2 matrix times a column vector.
fn mat_vec(a: [f64; 4], v: [f64; 2]) -> [f64; 2] {
    [a[0] * v[0] + a[1] * v[1], a[2] * v[0] + a[3] * v[1]]
}

/// Row vector times a 2×2 matrix.
fn vec_mat(v: [f64; 2], a: [f64; 4]) -> [f64; 2] {
    [v[0] * a[0] + v[1] * a[2], v[0] * a[1] + v[1] * a[3]]
}

/// `tan(x)` for `0 ≤ x ≤ 0.45π` (the prewarped cutoff's range) with one division and no
/// branch: the [5/4] Padé approximant `t = y·P/Q` of `tan(y)` at the half angle `y = x/2 ≤ 0.71`,
/// then `tan(x) = 2t/(1 − t²) = 2·yP·Q/(Q² − (yP)²)`. Relative error below 3·10⁻⁸ over the range
/// (under f32's half ulp, so the f32 coefficients are as exact as with a full-precision `tan`).
fn tan_to_0_45_pi(x: f64) -> f64 {
    let y = 0.5 * x;
    let z = y * y;
    let p = y * (945.0 - z * (105.0 - z));
    let q = 945.0 - z * (420.0 - 15.0 * z);
    2.0 * p * q / (q * q - p * p)
}

impl Filter {
    /// An idle filter (passes its input).
    pub const IDLE: Self = Self {
        s1: 0.0,
        s2: 0.0,
        m: [0.0; 4],
        b: [0.0; 2],
        c: [0.0; 2],
        d: 1.0,
        y_s1: [0.0; 4],
        y_s2: [0.0; 4],
        y_x: [
            [1.0, 0.0, 0.0, 0.0],
            [0.0, 1.0, 0.0, 0.0],
            [0.0, 0.0, 1.0, 0.0],
            [0.0, 0.0, 0.0, 1.0],
        ],
        m4: [0.0; 4],
        s1_x: [0.0; 4],
        s2_x: [0.0; 4],
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
        let g = tan_to_0_45_pi(core::f64::consts::PI * hz / f64::from(sample_rate));
        let q = f64::from(math::db_to_amplitude(q_db)) * core::f64::consts::FRAC_1_SQRT_2;
        let k = 1.0 / q;
        let a1 = 1.0 / (1.0 + g * (g + k));
        let a2 = g * a1;
        let a3 = g * a2;
        let m = [2.0 * a1 - 1.0, -2.0 * a2, 2.0 * a2, 1.0 - 2.0 * a3];
        let b = [2.0 * a2, 2.0 * a3];
        let c = [a2, 1.0 - a3];
        let d = a3;
        // c·Mᵏ for k = 0..4 and Mᵏ·b for k = 0..4.
        let c_m1 = vec_mat(c, m);
        let c_m2 = vec_mat(c_m1, m);
        let c_m3 = vec_mat(c_m2, m);
        let m_b1 = mat_vec(m, b);
        let m_b2 = mat_vec(m, m_b1);
        let m_b3 = mat_vec(m, m_b2);
        // Impulse response h₀ = d, hₙ = c·Mⁿ⁻¹·b.
        let dot = |v: [f64; 2]| c[0] * v[0] + c[1] * v[1];
        let (h1, h2, h3) = (dot(b), dot(m_b1), dot(m_b2));
        let f = |v: f64| v as f32;
        self.m = m.map(f);
        self.b = b.map(f);
        self.c = c.map(f);
        self.d = f(d);
        self.y_s1 = [c[0], c_m1[0], c_m2[0], c_m3[0]].map(f);
        self.y_s2 = [c[1], c_m1[1], c_m2[1], c_m3[1]].map(f);
        self.y_x = [
            [d, h1, h2, h3].map(f),
            [0.0, d, h1, h2].map(f),
            [0.0, 0.0, d, h1].map(f),
            [0.0, 0.0, 0.0, d].map(f),
        ];
        self.m4 = {
            let m2 = mat_mul(m, m);
            mat_mul(m2, m2).map(f)
        };
        // Input j reaches the state after 3 − j further steps.
        self.s1_x = [m_b3[0], m_b2[0], m_b1[0], b[0]].map(f);
        self.s2_x = [m_b3[1], m_b2[1], m_b1[1], b[1]].map(f);
    }

    /// Clears the state (the filter is being bypassed).
    pub fn clear(&mut self) {
        self.s1 = 0.0;
        self.s2 = 0.0;
    }

    /// Filters a block in place.
    pub fn process(&mut self, block: &mut [f32]) {
        let (s1, s2) = (self.s1, self.s2);
        let mut quads = block.chunks_exact_mut(4);
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the function's only precondition is its target feature, SSE2, which every
        // x86_64 processor has (it is in the target's baseline feature set).
        let (mut s1, mut s2) = unsafe { self.quads_sse2(&mut quads, s1, s2) };
        #[cfg(not(target_arch = "x86_64"))]
        let (mut s1, mut s2) = self.quads_scalar(&mut quads, s1, s2);
        let [m11, m12, m21, m22] = self.m;
        let [b1, b2] = self.b;
        let [c1, c2] = self.c;
        let d = self.d;
        for x in quads.into_remainder() {
            let u = *x;
            *x = c1 * s1 + c2 * s2 + d * u;
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

    /// Four samples per step (see the type's documentation), portable scalar code; returns
    /// the state after the last whole quad. The SSE2 version computes the same expressions in
    /// the same order, so the two agree bit for bit.
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
    fn quads_scalar(&self, quads: &mut core::slice::ChunksExactMut<'_, f32>, s1: f32, s2: f32) -> (f32, f32) {
        let (y_s1, y_s2, [y_x0, y_x1, y_x2, y_x3]) = (self.y_s1, self.y_s2, self.y_x);
        let [p11, p12, p21, p22] = self.m4;
        let ([a0, a1, a2, a3], [b0, b1, b2, b3]) = (self.s1_x, self.s2_x);
        let (mut s1, mut s2) = (s1, s2);
        for quad in quads {
            let Ok(x): Result<&mut [f32; 4], _> = quad.try_into() else {
                continue;
            };
            let [u0, u1, u2, u3] = *x;
            // Off the dependency chain: the inputs' contribution to the next state.
            let into1 = (a0 * u0 + a2 * u2) + (a1 * u1 + a3 * u3);
            let into2 = (b0 * u0 + b2 * u2) + (b1 * u1 + b3 * u3);
            // Four outputs as 4-lane arithmetic (lane k: output k).
            let mut y = [0.0f32; 4];
            for (((((out, a), b), x0), x1), (x2, x3)) in y
                .iter_mut()
                .zip(y_s1)
                .zip(y_s2)
                .zip(y_x0)
                .zip(y_x1)
                .zip(y_x2.into_iter().zip(y_x3))
            {
                *out = ((a * s1 + b * s2) + (x0 * u0 + x1 * u1)) + (x2 * u2 + x3 * u3);
            }
            *x = y;
            let n1 = (p11 * s1 + into1) + p12 * s2;
            let n2 = (p22 * s2 + into2) + p21 * s1;
            s1 = n1;
            s2 = n2;
        }
        (s1, s2)
    }

    /// [`Self::quads_scalar`] with SSE2: the outputs are one 4-lane expression, the inputs'
    /// contribution to the two states one pair of products finished by a transpose-add, and
    /// the state update one 2-lane expression (`[s1, s2]` in lanes 0 and 1; lanes 2 and 3 have
    /// zero weights and are never read).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "sse2")]
    fn quads_sse2(&self, quads: &mut core::slice::ChunksExactMut<'_, f32>, s1: f32, s2: f32) -> (f32, f32) {
        use core::arch::x86_64::*;
        let vector = |[a, b, c, d]: [f32; 4]| _mm_setr_ps(a, b, c, d);
        let (y_s1, y_s2) = (vector(self.y_s1), vector(self.y_s2));
        let [x0, x1, x2, x3] = self.y_x.map(vector);
        let (into_1, into_2) = (vector(self.s1_x), vector(self.s2_x));
        let [p11, p12, p21, p22] = self.m4;
        let diagonal = _mm_setr_ps(p11, p22, 0.0, 0.0);
        let cross = _mm_setr_ps(p12, p21, 0.0, 0.0);
        let mut state = _mm_setr_ps(s1, s2, 0.0, 0.0);
        for quad in quads {
            let Ok(x): Result<&mut [f32; 4], _> = quad.try_into() else {
                continue;
            };
            let u = vector(*x);
            let b1 = _mm_shuffle_ps::<0x00>(state, state);
            let b2 = _mm_shuffle_ps::<0x55>(state, state);
            let u0 = _mm_shuffle_ps::<0x00>(u, u);
            let u1 = _mm_shuffle_ps::<0x55>(u, u);
            let u2 = _mm_shuffle_ps::<0xAA>(u, u);
            let u3 = _mm_shuffle_ps::<0xFF>(u, u);
            let y = _mm_add_ps(
                _mm_add_ps(
                    _mm_add_ps(_mm_mul_ps(y_s1, b1), _mm_mul_ps(y_s2, b2)),
                    _mm_add_ps(_mm_mul_ps(x0, u0), _mm_mul_ps(x1, u1)),
                ),
                _mm_add_ps(_mm_mul_ps(x2, u2), _mm_mul_ps(x3, u3)),
            );
            // SAFETY: `x` is a `&mut [f32; 4]`, 16 writable bytes; no alignment requirement.
            unsafe { _mm_storeu_ps(x.as_mut_ptr(), y) };
            // [(a0u0 + a2u2) + (a1u1 + a3u3), (b0u0 + b2u2) + (b1u1 + b3u3), ..].
            let (t1, t2) = (_mm_mul_ps(into_1, u), _mm_mul_ps(into_2, u));
            let pairs = _mm_add_ps(_mm_unpacklo_ps(t1, t2), _mm_unpackhi_ps(t1, t2));
            let into = _mm_add_ps(pairs, _mm_movehl_ps(pairs, pairs));
            // [s2, s1, s1, s1]
            let swapped = _mm_shuffle_ps::<0x01>(state, state);
            state = _mm_add_ps(
                _mm_add_ps(_mm_mul_ps(diagonal, state), into),
                _mm_mul_ps(cross, swapped),
            );
        }
        let mut out = [0.0f32; 4];
        // SAFETY: `out` is 16 writable bytes; no alignment requirement.
        unsafe { _mm_storeu_ps(out.as_mut_ptr(), state) };
        (out[0], out[1])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SSE2 quads and the portable scalar quads agree bit for bit.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn sse2_and_scalar_quads_agree() {
        let mut filter = Filter::IDLE;
        filter.set(7_000.0, 12.0, 48_000.0);
        let mut seed = 7u32;
        let input: [f32; 64] = core::array::from_fn(|_| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5
        });
        let (mut a, mut b) = (input, input);
        let scalar = filter.quads_scalar(&mut a.chunks_exact_mut(4), 0.25, -0.5);
        // SAFETY: SSE2 is in the x86_64 baseline.
        let vector = unsafe { filter.quads_sse2(&mut b.chunks_exact_mut(4), 0.25, -0.5) };
        assert_eq!(scalar.0.to_bits(), vector.0.to_bits());
        assert_eq!(scalar.1.to_bits(), vector.1.to_bits());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.to_bits(), y.to_bits());
        }
    }

    /// The branch-free tangent agrees with libm's to f32 precision over the whole cutoff range
    /// (20 Hz at 8 kHz .. 0.45·fs), and the error is not zero by construction elsewhere.
    #[test]
    fn prewarp_tangent_is_accurate() {
        let top = 0.45 * core::f64::consts::PI;
        let low = core::f64::consts::PI * 20.0 / 96_000.0;
        let mut worst = 0.0f64;
        for i in 0..=10_000 {
            let x = low + (top - low) * f64::from(i) / 10_000.0;
            let exact = libm::tan(x);
            worst = worst.max((tan_to_0_45_pi(x) / exact - 1.0).abs());
        }
        assert!(worst < 3e-8, "relative error {worst}");
        // Far outside the range the approximant is visibly off (the test measures something).
        assert!((tan_to_0_45_pi(3.0) / libm::tan(3.0) - 1.0).abs() > 1e-6);
    }

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
