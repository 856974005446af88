//! Sample interpolation kernels: linear, 4-point cubic (Catmull-Rom) and 8-tap windowed sinc.
//!
//! The kernel is chosen per voice at note-on; each has its own monomorphised inner loop
//! (see `voice.rs`). Coefficients come from tables built once in [`InterpTables::new`]:
//! the cubic uses 256 phases × 4 taps (FluidSynth's layout), the sinc 1024 phases × 8 taps,
//! Blackman-Harris windowed, each phase normalised to unity DC gain.

use alloc::vec::Vec;

use crate::EngineError;

/// Phases of the cubic table (the top 8 bits of the 32-bit fraction).
pub const CUBIC_PHASES: usize = 256;
/// Phases of the sinc table (the top 10 bits of the 32-bit fraction).
pub const SINC_PHASES: usize = 1024;
/// Taps of the sinc kernel.
pub const SINC_TAPS: usize = 8;

/// Coefficient tables, allocated once.
pub struct InterpTables {
    /// `CUBIC_PHASES` rows of 4 coefficients for samples `i−1, i, i+1, i+2`.
    pub cubic: Vec<[f32; 4]>,
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
            let t = phase as f32 / CUBIC_PHASES as f32;
            let t2 = t * t;
            let t3 = t2 * t;
            // Catmull-Rom.
            cubic.push([
                0.5 * (-t3 + 2.0 * t2 - t),
                0.5 * (3.0 * t3 - 5.0 * t2 + 2.0),
                0.5 * (-3.0 * t3 + 4.0 * t2 + t),
                0.5 * (t3 - t2),
            ]);
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
