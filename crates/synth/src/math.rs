//! Cheap transcendental maths for the control path, and the DLS transform curves.
//!
//! Audio-rate code never calls these; the voice control update (once per control block) uses
//! [`exp2`] (a 6th-order polynomial, relative error < 2e-5, i.e. < 0.03 cent), and the tables
//! are built once in [`Curves::new`].

/// `2^x` for `x` in about [-126, 126] (clamped), by exponent bits and a polynomial.
#[inline]
pub fn exp2(x: f32) -> f32 {
    if !x.is_finite() {
        return if x > 0.0 { f32::MAX } else { 0.0 };
    }
    let x = x.clamp(-125.0, 125.0);
    // Round to the nearest integer without a float-to-int conversion: adding 1.5·2^23 leaves
    // round(x) in the low mantissa bits (|x| ≤ 125 keeps the sum in [2^23, 2^24)).
    const ROUNDER: f32 = 12_582_912.0;
    let shifted = x + ROUNDER;
    let whole = (shifted.to_bits() as i32).wrapping_sub(ROUNDER.to_bits() as i32);
    let fraction = x - (shifted - ROUNDER);
    // Taylor series of e^(f ln 2) to the 7th power: relative error ≤ (ln 2/2)^8/8! ≈ 5e-9 on
    // [−1/2, 1/2] (below f32 rounding).
    // Evaluated by Estrin's scheme (pairs, then f², f⁴) rather than Horner's: the same terms
    // with a dependency chain of about 5 operations instead of 14, which matters because a
    // control update waits on two or three of these.
    let f = fraction;
    let f2 = f * f;
    let f4 = f2 * f2;
    let p01 = 1.0 + core::f32::consts::LN_2 * f;
    let p23 = 0.240_226_5 + 0.055_504_11 * f;
    let p45 = 0.009_618_129 + 0.001_333_355_8 * f;
    let p67 = 0.000_154_035_3 + 0.000_015_252_73 * f;
    let p = (p01 + f2 * p23) + f4 * (p45 + f2 * p67);
    let bits = (whole.saturating_add(127).clamp(1, 254) as u32) << 23;
    f32::from_bits(bits) * p
}

/// Decibels to amplitude, `10^(db/20)`.
#[inline]
pub fn db_to_amplitude(db: f32) -> f32 {
    // 10^(db/20) = 2^(db · log2(10)/20)
    exp2(db * 0.166_096_4)
}

/// Cents to a frequency ratio.
#[inline]
pub fn cents_to_ratio(cents: f32) -> f32 {
    exp2(cents * (1.0 / 1200.0))
}

/// DLS time cents to seconds (`2^(tc/1200)`); the "zero time" encoding (−32768 tc) gives ~0.
#[inline]
pub fn timecents_to_seconds(timecents: f32) -> f32 {
    if timecents <= -20_000.0 {
        return 0.0;
    }
    exp2(timecents * (1.0 / 1200.0))
}

/// DLS absolute pitch cents to Hz (`440 · 2^((c − 6900)/1200)`).
#[inline]
pub fn absolute_cents_to_hz(cents: f32) -> f32 {
    440.0 * exp2((cents - 6900.0) * (1.0 / 1200.0))
}

/// Replaces a non-finite value with `fallback`.
#[inline]
pub fn finite_or(value: f32, fallback: f32) -> f32 {
    if value.is_finite() { value } else { fallback }
}

/// Points in the curve tables: one per 7-bit value.
const CURVE_POINTS: usize = 128;

/// The DLS concave and convex transform curves, tabulated over the 7-bit domain
/// (`u = v/127`) so that 7-bit sources hit table points exactly.
///
/// `concave(u) = −(20/96)·log10((1 − u)²)` clamped to [0, 1] (so `−96 dB × concave(1 − v/127)`
/// is exactly `40·log10(v/127)` dB); `convex(u) = 1 − concave(1 − u)`.
pub struct Curves {
    concave: [f32; CURVE_POINTS],
    convex: [f32; CURVE_POINTS],
}

impl Curves {
    /// Builds the tables (control-rate `libm`, called from `Engine::new`).
    pub fn new() -> Self {
        let mut concave = [0.0f32; CURVE_POINTS];
        let mut convex = [0.0f32; CURVE_POINTS];
        let last = (CURVE_POINTS - 1) as f64;
        for (index, (cc, cv)) in concave.iter_mut().zip(convex.iter_mut()).enumerate() {
            let u = index as f64 / last;
            *cc = concave_exact(u) as f32;
            *cv = (1.0 - concave_exact(1.0 - u)) as f32;
        }
        Self { concave, convex }
    }

    /// Concave curve at `u` in [0, 1].
    #[inline]
    pub fn concave(&self, u: f32) -> f32 {
        lookup(&self.concave, u)
    }

    /// Convex curve at `u` in [0, 1].
    #[inline]
    pub fn convex(&self, u: f32) -> f32 {
        lookup(&self.convex, u)
    }
}

impl Default for Curves {
    fn default() -> Self {
        Self::new()
    }
}

fn concave_exact(u: f64) -> f64 {
    let remaining = 1.0 - u;
    if remaining <= 1e-9 {
        return 1.0;
    }
    (-(20.0 / 96.0) * libm::log10(remaining * remaining)).clamp(0.0, 1.0)
}

fn lookup(table: &[f32; CURVE_POINTS], u: f32) -> f32 {
    let position = finite_or(u, 0.0).clamp(0.0, 1.0) * (CURVE_POINTS - 1) as f32;
    let index = position as usize;
    let fraction = position - index as f32;
    let a = table.get(index).copied().unwrap_or(1.0);
    let b = table.get(index.saturating_add(1)).copied().unwrap_or(a);
    a + (b - a) * fraction
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp2_is_accurate_to_a_hundredth_of_a_cent() {
        let mut x = -30.0f32;
        while x < 30.0 {
            let exact = libm::exp2(x as f64);
            let got = exp2(x) as f64;
            let cents = 1200.0 * libm::log2(got / exact);
            assert!(cents.abs() < 0.01, "x={x} cents error {cents}");
            x += 0.0137;
        }
        assert_eq!(exp2(f32::NAN), 0.0);
        assert!(exp2(1e9).is_finite());
    }

    #[test]
    fn concave_gives_the_40_log_law() {
        let curves = Curves::new();
        for v in 1..=127u32 {
            let db = -96.0 * curves.concave(1.0 - v as f32 / 127.0);
            let expected = 40.0 * libm::log10f(v as f32 / 127.0);
            assert!((db - expected).abs() < 0.01, "v={v} {db} vs {expected}");
        }
        assert_eq!(curves.concave(1.0), 1.0);
        assert_eq!(curves.convex(0.0), 0.0);
    }
}
