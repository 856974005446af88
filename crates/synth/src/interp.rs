//! Sample interpolation kernels: linear, 4-point cubic (Catmull-Rom) and 8-tap windowed sinc.
//!
//! The kernel is chosen per voice at note-on; each has its own monomorphised inner loop
//! (see `voice.rs`). Coefficients come from tables built once in [`InterpTables::new`]:
//! the cubic uses 256 phases × 4 taps (FluidSynth's layout) in Q14 fixed point (so an output is
//! an exact integer dot product of the i16 taps, one `pmaddwd` pair per output on SSE2; the
//! coefficient rounding, below 2^−15, is far under the 256-phase quantisation), the sinc 1024
//! phases × 8 taps, Blackman-Harris windowed, each phase normalised to unity DC gain.

use alloc::vec::Vec;

use crate::EngineError;

/// Phases of the cubic table (the top 8 bits of the 32-bit fraction).
pub const CUBIC_PHASES: usize = 256;
/// Phases of the sinc table (the top 10 bits of the 32-bit fraction).
pub const SINC_PHASES: usize = 1024;
/// Fractional bits of the cubic coefficients (Q14: 1.0 = 16384; Catmull-Rom weights lie in
/// −0.08..=1.0, so each fits an i16 and each row sums to exactly 16384).
pub const CUBIC_SHIFT: u32 = 14;
/// The value of one cubic coefficient unit, `2^−14`.
pub const CUBIC_UNIT: f32 = 1.0 / 16384.0;
/// Taps of the sinc kernel.
pub const SINC_TAPS: usize = 8;

/// Coefficient tables, allocated once.
pub struct InterpTables {
    /// `CUBIC_PHASES` rows of 4 Q14 coefficients for samples `i−1, i, i+1, i+2`.
    pub cubic: Vec<[i16; 4]>,
    /// `SINC_PHASES` rows of 8 coefficients for samples `i−3 ..= i+4`.
    pub sinc: Vec<[f32; SINC_TAPS]>,
}

impl InterpTables {
    /// Builds the tables (allocates about 36 KB).
    pub fn new() -> Result<Self, EngineError> {
        let mut cubic = Vec::new();
        cubic
            .try_reserve_exact(CUBIC_PHASES)
            .map_err(|_| EngineError::OutOfMemory)?;
        for phase in 0..CUBIC_PHASES {
            let t = phase as f64 / CUBIC_PHASES as f64;
            let t2 = t * t;
            let t3 = t2 * t;
            // Catmull-Rom.
            let row = [
                0.5 * (-t3 + 2.0 * t2 - t),
                0.5 * (3.0 * t3 - 5.0 * t2 + 2.0),
                0.5 * (-3.0 * t3 + 4.0 * t2 + t),
                0.5 * (t3 - t2),
            ];
            let unit = f64::from(1u32 << CUBIC_SHIFT);
            let mut fixed = row.map(|c| libm::round(c * unit) as i32);
            // Unity DC gain exactly: the rounding residue goes to the largest weight.
            let residue =
                (1i32 << CUBIC_SHIFT).wrapping_sub(fixed.iter().fold(0i32, |a, &c| a.wrapping_add(c)));
            let largest = if t < 0.5 { 1 } else { 2 };
            if let Some(c) = fixed.get_mut(largest) {
                *c = c.wrapping_add(residue);
            }
            cubic.push(fixed.map(|c| c.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16));
        }
        let mut sinc = Vec::new();
        sinc.try_reserve_exact(SINC_PHASES)
            .map_err(|_| EngineError::OutOfMemory)?;
        for phase in 0..SINC_PHASES {
            let fraction = phase as f64 / SINC_PHASES as f64;
            let mut row = [0.0f64; SINC_TAPS];
            let mut sum = 0.0;
            for (tap, value) in row.iter_mut().enumerate() {
                // Tap `tap` reads sample i − 3 + tap; its distance from the read point:
                let x = (tap as f64 - 3.0) - fraction;
                let sinc = if x.abs() < 1e-12 {
                    1.0
                } else {
                    let px = core::f64::consts::PI * x;
                    libm::sin(px) / px
                };
                // Blackman-Harris window over the span [-4, 4].
                let w = (x + 4.0) / 8.0;
                let two_pi = 2.0 * core::f64::consts::PI;
                let window = 0.35875 - 0.48829 * libm::cos(two_pi * w)
                    + 0.14128 * libm::cos(2.0 * two_pi * w)
                    - 0.01168 * libm::cos(3.0 * two_pi * w);
                *value = sinc * window.max(0.0);
                sum += *value;
            }
            let mut out = [0.0f32; SINC_TAPS];
            for (o, v) in out.iter_mut().zip(row) {
                *o = (v / sum) as f32;
            }
            sinc.push(out);
        }
        Ok(Self { cubic, sinc })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every Q14 cubic row has unity DC gain exactly and is within 2.5 units (rounding plus the
    /// residue moved to the largest weight) of Catmull-Rom.
    #[test]
    fn cubic_rows_have_unity_gain_and_track_catmull_rom() {
        let tables = InterpTables::new().unwrap();
        for (phase, row) in tables.cubic.iter().enumerate() {
            assert_eq!(
                row.iter().map(|&c| i32::from(c)).sum::<i32>(),
                16_384,
                "phase {phase}"
            );
            let t = phase as f64 / 256.0;
            let ideal = [
                0.5 * (-t * t * t + 2.0 * t * t - t),
                0.5 * (3.0 * t * t * t - 5.0 * t * t + 2.0),
                0.5 * (-3.0 * t * t * t + 4.0 * t * t + t),
                0.5 * (t * t * t - t * t),
            ];
            for (c, ideal) in row.iter().zip(ideal) {
                assert!(
                    (f64::from(*c) - ideal * 16_384.0).abs() <= 2.5,
                    "phase {phase}: {c} vs {ideal}"
                );
            }
        }
    }
}
