//! Modulated-delay stereo chorus.
//!
//! # Design
//!
//! One delay line fed by the (mono) chorus send, read by three voices. Each voice's delay moves
//! sinusoidally around `delay_ms` by ±`depth_ms`, the three LFOs a third of a period apart, and
//! is read with 4-point Catmull-Rom interpolation (smooth and cheap; no zipper as the delay
//! glides). Voice 0 goes left, voice 1 right, voice 2 to both, so the sum is wide but keeps a
//! centre:
//!
//! ```text
//! send ─► + ─► delay line ─┬─ voice 0 (LFO 0°)   ─► L
//!         ▲                ├─ voice 1 (LFO 120°) ─► R
//!         │                └─ voice 2 (LFO 240°) ─► L and R
//!         └── feedback × mean of the voices
//! ```
//!
//! * `rate_hz` 0.05..=10 (a musical chorus lives at 0.2–1.5 Hz), `depth_ms` 0..=10,
//!   `delay_ms` 1..=40 (chorus 5–25, flanger below), the depth limited so the delay never goes
//!   under 0.5 ms; `feedback` −0.95..=0.95; `mix` 0..=1, the linear level of the wet signal the
//!   chorus adds to the output (it is a send effect: the dry signal is the engine's).
//! * Delay, depth and mix glide to new values over about 20 ms, so a parameter change does not
//!   click. The LFO is a 32-bit phase accumulator (exact rate, no drift).
//! * Kernel rules: allocation only in [`Chorus::new`]; [`Chorus::process`] cannot panic, flushes
//!   the line's input to exact zero below 1e-20 (no denormals, silence ends exactly), ignores non-finite input,
//!   and clamps its parameters, so no NaN or infinity comes out.

use crate::EngineError;
use crate::reverb::{flush, sine};
use alloc::vec::Vec;

/// Voices reading the delay line.
const VOICES: usize = 3;

/// LFO phase offsets of the voices (thirds of a period).
const VOICE_PHASES: [u32; VOICES] = [0, 0x5555_5555, 0xAAAA_AAAA];

/// Gain of the side voices and of the centre voice in each channel; their squares sum to 1.
const SIDE_GAIN: f32 = 0.819_232;
const CENTRE_GAIN: f32 = 0.573_462;

/// Longest delay the line must hold, in milliseconds (`delay_ms` max + `depth_ms` max).
const MAX_DELAY_MS: f32 = 50.0;

/// Time constant of the parameter glide, in seconds.
const GLIDE_SECONDS: f32 = 0.02;

const MIN_RATE: u32 = 8_000;
const MAX_RATE: u32 = 192_000;

/// The chorus's parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChorusParams {
    /// LFO rate in Hz, 0.05..=10.
    pub rate_hz: f32,
    /// LFO depth: peak change of the delay, in ms, 0..=10 (and at most `delay_ms − 0.5`).
    pub depth_ms: f32,
    /// Centre delay in ms, 1..=40.
    pub delay_ms: f32,
    /// Feedback from the voices into the line, −0.95..=0.95.
    pub feedback: f32,
    /// Linear level of the wet output, 0..=1.
    pub mix: f32,
}

impl Default for ChorusParams {
    /// A gentle ensemble: 0.5 Hz, ±2.5 ms around 12 ms, no feedback, mix 0.5.
    fn default() -> Self {
        Self {
            rate_hz: 0.5,
            depth_ms: 2.5,
            delay_ms: 12.0,
            feedback: 0.0,
            mix: 0.5,
        }
    }
}

impl ChorusParams {
    /// The parameters clamped to their ranges; a non-finite value takes its default.
    pub fn clamped(&self) -> Self {
        let default = Self::default();
        let delay_ms = finite_or(self.delay_ms, default.delay_ms).clamp(1.0, 40.0);
        Self {
            rate_hz: finite_or(self.rate_hz, default.rate_hz).clamp(0.05, 10.0),
            depth_ms: finite_or(self.depth_ms, default.depth_ms)
                .clamp(0.0, 10.0)
                .min(delay_ms - 0.5),
            delay_ms,
            feedback: finite_or(self.feedback, default.feedback).clamp(-0.95, 0.95),
            mix: finite_or(self.mix, default.mix).clamp(0.0, 1.0),
        }
    }
}

fn finite_or(value: f32, default: f32) -> f32 {
    if value.is_finite() { value } else { default }
}

/// The stereo chorus.
pub struct Chorus {
    sample_rate: u32,
    params: ChorusParams,
    line: Vec<f32>,
    mask: usize,
    write: usize,
    /// LFO phase (a full turn is 2^32).
    phase: u32,
    /// LFO phase increment per sample.
    phase_step: u32,
    /// Targets and current (gliding) values, in samples / linear.
    target_delay: f32,
    target_depth: f32,
    target_mix: f32,
    delay: f32,
    depth: f32,
    mix: f32,
    /// Per-sample glide coefficient.
    glide: f32,
    feedback: f32,
    /// Mean of the voices at the previous sample (the feedback signal).
    feedback_state: f32,
    /// Consecutive frames in which the line was written with an exact zero and the voices
    /// were silent.
    silent_frames: usize,
    /// The line is known to hold only zeros.
    idle: bool,
}

impl Chorus {
    /// A chorus for `sample_rate` (8_000..=192_000 Hz) with the default parameters. Allocates its
    /// delay line (16 KB at 48 kHz, 64 KB at 192 kHz).
    pub fn new(sample_rate: u32) -> Result<Self, EngineError> {
        if !(MIN_RATE..=MAX_RATE).contains(&sample_rate) {
            return Err(EngineError::InvalidConfig);
        }
        let rate = sample_rate as f32;
        let longest = (MAX_DELAY_MS / 1000.0 * rate) as usize;
        let len = longest
            .saturating_add(4)
            .checked_next_power_of_two()
            .ok_or(EngineError::OutOfMemory)?;
        let mut line = Vec::new();
        line.try_reserve_exact(len)
            .map_err(|_| EngineError::OutOfMemory)?;
        line.resize(len, 0.0);
        let mut chorus = Self {
            sample_rate,
            params: ChorusParams::default(),
            line,
            mask: len.wrapping_sub(1),
            write: 0,
            phase: 0,
            phase_step: 0,
            target_delay: 0.0,
            target_depth: 0.0,
            target_mix: 0.0,
            delay: 0.0,
            depth: 0.0,
            mix: 0.0,
            glide: 1.0 - libm::expf(-1.0 / (GLIDE_SECONDS * rate)),
            feedback: 0.0,
            feedback_state: 0.0,
            silent_frames: 0,
            idle: true,
        };
        chorus.set_params(ChorusParams::default());
        chorus.snap();
        Ok(chorus)
    }

    /// The sample rate the chorus was built for.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// The parameters in force (after clamping).
    pub fn params(&self) -> ChorusParams {
        self.params
    }

    /// Sets the parameters (clamped; non-finite values take their defaults). Delay, depth and mix
    /// glide to the new values over about 20 ms; rate and feedback change at once. No allocation.
    pub fn set_params(&mut self, params: ChorusParams) {
        let params = params.clamped();
        self.params = params;
        let samples_per_ms = self.sample_rate as f32 / 1000.0;
        self.target_delay = params.delay_ms * samples_per_ms;
        self.target_depth = params.depth_ms * samples_per_ms;
        self.target_mix = params.mix;
        self.feedback = params.feedback;
        // 2^32 · rate / fs; rate ≤ 10 Hz and fs ≥ 8 kHz keep this far below 2^32.
        let step = f64::from(params.rate_hz) * 4_294_967_296.0 / f64::from(self.sample_rate);
        self.phase_step = step as u32;
    }

    /// Jumps the gliding values to their targets.
    fn snap(&mut self) {
        self.delay = self.target_delay;
        self.depth = self.target_depth;
        self.mix = self.target_mix;
    }

    #[inline(always)]
    fn at(&self, delay: usize) -> f32 {
        self.line
            .get(self.write.wrapping_sub(delay) & self.mask)
            .copied()
            .unwrap_or(0.0)
    }

    /// The line read `delay` samples back (fractional), 4-point Catmull-Rom.
    #[inline(always)]
    fn read(&self, delay: f32) -> f32 {
        // delay ≥ 0.5 ms ≥ 4 samples, so `whole − 1 ≥ 1` never reads the slot being written;
        // the cast saturates, and the ring mask keeps every index in bounds.
        let whole = delay as usize;
        let t = delay - whole as f32;
        let xm1 = self.at(whole.wrapping_sub(1));
        let x0 = self.at(whole);
        let x1 = self.at(whole.wrapping_add(1));
        let x2 = self.at(whole.wrapping_add(2));
        let c1 = 0.5 * (x1 - xm1);
        let c2 = xm1 - 2.5 * x0 + 2.0 * x1 - 0.5 * x2;
        let c3 = 0.5 * (x2 - xm1) + 1.5 * (x0 - x1);
        ((c3 * t + c2) * t + c1) * t + x0
    }

    /// Adds the chorused `send` (mono, one value per frame) into `out` (interleaved stereo).
    /// Processes `min(send.len(), out.len() / 2)` frames. No allocation, cannot panic.
    ///
    /// Silence is free: once the line holds only zeros, a block whose `send` is all zeros
    /// returns after checking it.
    pub fn process(&mut self, send: &[f32], out: &mut [f32]) {
        if self.idle {
            if send.iter().all(|&s| s == 0.0) {
                // Keep time: the LFO runs on and the glides end, as if the silence had been
                // processed.
                let frames = send.len().min(out.len() / 2) as u32;
                self.phase = self.phase.wrapping_add(self.phase_step.wrapping_mul(frames));
                self.snap();
                return;
            }
            self.idle = false;
            self.silent_frames = 0;
        }
        let glide = self.glide;
        let feedback = self.feedback;
        for (&input, frame) in send.iter().zip(out.chunks_exact_mut(2)) {
            self.delay += glide * (self.target_delay - self.delay);
            self.depth += glide * (self.target_depth - self.depth);
            self.mix += glide * (self.target_mix - self.mix);

            let input = if input.is_finite() {
                input.clamp(-1e6, 1e6)
            } else {
                0.0
            };
            let written = flush(input + feedback * self.feedback_state);
            if let Some(slot) = self.line.get_mut(self.write & self.mask) {
                *slot = written;
            }

            let mut voices = [0.0f32; VOICES];
            for (voice, &offset) in voices.iter_mut().zip(&VOICE_PHASES) {
                let phase = self.phase.wrapping_add(offset);
                let lfo = sine(phase as f32 * (1.0 / 4_294_967_296.0));
                *voice = self.read(self.delay + self.depth * lfo);
            }
            let [v0, v1, v2] = voices;
            self.feedback_state = (v0 + v1 + v2) * (1.0 / VOICES as f32);
            // Zero input, zero write and silent voices: once that has held for the whole line,
            // the line (and so the feedback) holds only zeros.
            let activity = input.abs() + written.abs() + v0.abs() + v1.abs() + v2.abs();
            self.silent_frames = if activity == 0.0 {
                self.silent_frames.saturating_add(1)
            } else {
                0
            };
            self.phase = self.phase.wrapping_add(self.phase_step);
            self.write = self.write.wrapping_add(1);

            if let [left, right] = frame {
                *left += self.mix * (SIDE_GAIN * v0 + CENTRE_GAIN * v2);
                *right += self.mix * (SIDE_GAIN * v1 + CENTRE_GAIN * v2);
            }
        }
        if self.silent_frames > self.line.len() {
            self.idle = true;
        }
    }

    /// True when the line holds only zeros (processing a silent send costs nothing).
    pub fn is_idle(&self) -> bool {
        self.idle
    }

    /// Empties the delay line. No allocation.
    pub fn clear(&mut self) {
        self.line.fill(0.0);
        self.feedback_state = 0.0;
        self.idle = true;
        self.silent_frames = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_unsupported_rates() {
        assert_eq!(Chorus::new(7_999).err(), Some(EngineError::InvalidConfig));
        assert_eq!(Chorus::new(192_001).err(), Some(EngineError::InvalidConfig));
        assert!(Chorus::new(8_000).is_ok());
        assert!(Chorus::new(192_000).is_ok());
    }

    #[test]
    fn params_clamped() {
        let p = ChorusParams {
            rate_hz: 100.0,
            depth_ms: 20.0,
            delay_ms: 5.0,
            feedback: f32::INFINITY,
            mix: f32::NAN,
        }
        .clamped();
        assert_eq!(p.rate_hz, 10.0);
        assert_eq!(p.depth_ms, 4.5);
        assert_eq!(p.delay_ms, 5.0);
        assert_eq!(p.feedback, 0.0);
        assert_eq!(p.mix, 0.5);
        let p = ChorusParams {
            feedback: -3.0,
            delay_ms: 0.0,
            depth_ms: 1.0,
            ..ChorusParams::default()
        }
        .clamped();
        assert_eq!(p.feedback, -0.95);
        assert_eq!(p.delay_ms, 1.0);
        assert_eq!(p.depth_ms, 0.5);
    }

    #[test]
    fn voice_gains_preserve_power() {
        let sum = SIDE_GAIN * SIDE_GAIN + CENTRE_GAIN * CENTRE_GAIN;
        assert!((sum - 1.0).abs() < 1e-5);
    }

    #[test]
    fn lfo_rate_is_exact() {
        let mut chorus = Chorus::new(48_000).unwrap();
        chorus.set_params(ChorusParams {
            rate_hz: 1.0,
            ..ChorusParams::default()
        });
        // One second of steps is one turn, to within one step's rounding per sample.
        let turn = u64::from(chorus.phase_step) * 48_000;
        let error = (turn as i64 - (1i64 << 32)).unsigned_abs();
        assert!(error <= 48_000, "{error}");
    }
}
