//! The DLS2 modulation LFO and vibrato LFO: a delayed, bipolar **triangle** (Sonivox and
//! FluidSynth use a triangle too; its slope is constant, so a vibrato's pitch sweeps evenly).
//! It starts at 0 after its delay, rising: `0 → +1 → −1 → 0` over one period.

use crate::math;

/// One LFO.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lfo {
    delay: u32,
    phase: f32,
    increment: f32,
}

impl Lfo {
    /// A silent LFO.
    pub const IDLE: Self = Self {
        delay: 0,
        phase: 0.0,
        increment: 0.0,
    };

    /// From DLS values: frequency in absolute cents, delay in time cents.
    pub fn new(frequency_cents: f32, delay_timecents: f32, sample_rate: f32) -> Self {
        let hz = math::absolute_cents_to_hz(math::finite_or(frequency_cents, -851.0)).clamp(0.01, 100.0);
        let delay = math::timecents_to_seconds(math::finite_or(delay_timecents, -32768.0)).min(100.0);
        Self {
            delay: (delay * sample_rate + 0.5) as u32,
            phase: 0.0,
            increment: hz / sample_rate,
        }
    }

    /// Advances by `samples`.
    pub fn advance(&mut self, samples: u32) {
        let delayed = samples.min(self.delay);
        self.delay = self.delay.saturating_sub(delayed);
        let running = samples.saturating_sub(delayed);
        if running > 0 {
            let phase = self.phase + self.increment * running as f32;
            self.phase = phase - (phase as u32) as f32;
        }
    }

    /// Value in [-1, 1].
    pub fn value(&self) -> f32 {
        if self.delay > 0 {
            return 0.0;
        }
        let p = self.phase;
        if p < 0.25 {
            4.0 * p
        } else if p < 0.75 {
            2.0 - 4.0 * p
        } else {
            4.0 * p - 4.0
        }
    }
}
