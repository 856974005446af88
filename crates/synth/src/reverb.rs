//! Reverb (FDN/Freeverb class), settable as SYNTH_REVERB_PARAMS carries it.
//!
//! # Design
//!
//! A feedback delay network (Jot/Stautner–Puckette), the structure of most good algorithmic
//! reverbs:
//!
//! ```text
//! send ─► × in_gain ─► 4 series allpass diffusers ─► + ─► 8 delay lines (modulated, allpass read)
//!                                                    ▲            │
//!                                                    │     per-line damping: one-pole low-pass
//!                                                    │     whose DC gain sets the reverb time and
//!                                                    │     whose HF gain sets the HF time ratio
//!                                                    │            │
//!                                                    └─ 8×8 Hadamard (orthogonal, lossless) ◄┘
//!                                                                 │
//!       out L += mix × Σ a_i·line_i, out R += mix × Σ b_i·line_i (a ⟂ b: decorrelated)
//! ```
//!
//! * **Reverb time.** A line of `d` samples gets loop gain `g = 10^(−3·d / (fs·RT60))`, so every
//!   path through the (orthogonal) feedback matrix loses 60 dB in `RT60` seconds. This is what
//!   `fReverbTime` means in the Waves reverb: the 60 dB decay time, in milliseconds.
//! * **High-frequency ratio.** `fHighFreqRTRatio` is the ratio of the reverb time at high
//!   frequencies to the reverb time. The Waves reverb (as OpenMPT's re-implementation of the DMO
//!   shows) applies it at the Nyquist frequency through a two-tap FIR per pass,
//!   `(1 − c)·x[n] + c·x[n−1]` with `c = (1 − r)/2`, where `r = 10^(−3·d·(1/RT_hf − 1/RT)/fs)` is
//!   the HF-to-DC gain ratio a pass of `d` samples needs. So `r` is met exactly at Nyquist, and
//!   the darkest setting (the DirectX default, 0.001) is a mild two-tap average, not a low-pass
//!   near DC. That filter depends on the sample rate, so here each line's one-pole damping
//!   low-pass is instead designed to have, at [`HF_REFERENCE_HZ`] (10 kHz; 0.4·fs at low
//!   rates), the gain that two-tap filter has there **at 48 kHz**: the 48 kHz Waves response
//!   in the audible band, at every rate.
//! * **Sample-rate independence.** Delay lengths, diffusers and modulation depth are specified at
//!   48 kHz and scaled to the running rate (8–192 kHz); gains are computed in seconds, the damping
//!   filter at fixed frequencies in Hz.
//! * **Modulation.** Every line's length moves by ±[`MODULATION_DEPTH_48K`] samples (48 kHz) at its own
//!   slow rate (0.3–0.8 Hz); the line is read through a first-order allpass interpolator, whose
//!   flat magnitude keeps the decay time exact at every frequency (a 4-point polynomial read
//!   loses treble on every pass and shortened the measured RT60 by 6 %). This breaks
//!   up the metallic ringing of fixed modes without audible pitch wobble (< 2 cents). The
//!   modulated delay (and the allpass coefficient, a division) is recomputed every
//!   [`MODULATION_HOLD`] frames, where it moves by under 0.015 samples: this halved the reverb's
//!   cost.
//! * **Level.** The outputs are tapped from the lines before the loop's absorption (Jot), so the
//!   first arrivals do not depend on the reverb time, and scaled by `√(1 − mean g²)`, so the
//!   impulse response carries the same energy in each channel (0 dB: a noise send comes back at
//!   its own level with `fReverbMix` 0 dB) whatever the reverb time. The Waves reverb likewise normalises its
//!   wet signal by its loop gains.
//! * **Stereo.** Left and right take the line outputs with two orthogonal ±1 patterns (rows of a
//!   Hadamard matrix), so their tails are decorrelated.
//! * **Kernel rules.** Allocation only in [`Reverb::new`] (`try_reserve_exact`). [`Reverb::process`]
//!   cannot panic (no indexing; every ring read is `get` on a power-of-two mask), and flushes every
//!   recursive state to exact zero below 1e-20 (−400 dB): no denormals, and silence in gives
//!   exact silence out once the tail has died (then [`Reverb::process`] skips silent blocks
//!   entirely, see [`Reverb::is_idle`]). Parameters
//!   are clamped and non-finite ones ignored, so no NaN or infinity can come out.
//!
//! Parameters change instantly (no smoothing); the port changes them rarely, outside notes.

use crate::EngineError;
use alloc::vec::Vec;
use core::f32::consts::PI;

/// Number of delay lines in the feedback network.
const LINES: usize = 8;

/// Delay-line lengths in samples at 48 kHz (25–74 ms, primes, so the modes do not coincide).
pub const LINE_LENGTHS_48K: [u32; LINES] = [1201, 1559, 1907, 2213, 2557, 2903, 3217, 3559];

/// Input diffuser (allpass) lengths in samples at 48 kHz (2.7–7.2 ms).
const DIFFUSER_LENGTHS_48K: [u32; 4] = [131, 179, 251, 347];

/// Allpass gain of the input diffusers.
const DIFFUSER_GAIN: f32 = 0.6;

/// Peak modulation of each line's length, in samples at 48 kHz (≈ 0.17 ms).
pub const MODULATION_DEPTH_48K: f32 = 8.0;

/// Modulation rate of each line in Hz.
const MODULATION_RATES_HZ: [f32; LINES] = [0.31, 0.43, 0.57, 0.71, 0.37, 0.53, 0.67, 0.79];

/// The frequency at which each line's damping matches the Waves reverb's at 48 kHz.
pub const HF_REFERENCE_HZ: f32 = 10_000.0;

/// Signs with which the input enters each line.
const INPUT_SIGNS: [f32; LINES] = [1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0];

/// Left output pattern (a Hadamard row).
const LEFT_SIGNS: [f32; LINES] = [1.0, 1.0, -1.0, -1.0, 1.0, 1.0, -1.0, -1.0];

/// Right output pattern (another Hadamard row, orthogonal to the left one and to the input).
const RIGHT_SIGNS: [f32; LINES] = [1.0, -1.0, -1.0, 1.0, 1.0, -1.0, -1.0, 1.0];

/// 1/√8: normalises the Hadamard matrix (orthogonal) and the input/output spreads.
const INV_SQRT_8: f32 = 0.353_553_38;

/// Recursive state below this magnitude (−400 dB) is set to exact zero.
const FLUSH_BELOW: f32 = 1e-20;

/// `value`, or exact zero when it is below [`FLUSH_BELOW`]: keeps every recursive state out of
/// the denormal range and lets a tail end in exact silence. (The add-and-subtract trick,
/// `(x + 1e-18) − 1e-18`, rounds to the nearest 1e-25 instead of truncating, and an allpass
/// with gain above 0.5 then keeps a ±1e-25 limit cycle alive forever.)
#[inline(always)]
pub(crate) fn flush(value: f32) -> f32 {
    if value.abs() < FLUSH_BELOW { 0.0 } else { value }
}

/// Lowest and highest supported sample rates.
const MIN_RATE: u32 = 8_000;
const MAX_RATE: u32 = 192_000;

/// The reverb's parameters, in the units of `SYNTH_REVERB_PARAMS` (= `DMUS_WAVES_REVERB_PARAMS`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReverbParams {
    /// `fInGain`: input gain in dB, −96..=0.
    pub in_gain_db: f32,
    /// `fReverbMix`: level of the reverberated signal in dB, −96..=0 (−96 mutes the reverb).
    pub mix_db: f32,
    /// `fReverbTime`: the 60 dB decay time in milliseconds, 0.001..=3000.
    pub time_ms: f32,
    /// `fHighFreqRTRatio`: high-frequency decay time over decay time, 0.001..=0.999.
    pub hf_rt_ratio: f32,
}

impl Default for ReverbParams {
    /// The DirectX defaults: 0 dB in, −10 dB mix, 1000 ms, ratio 0.001.
    fn default() -> Self {
        Self {
            in_gain_db: 0.0,
            mix_db: -10.0,
            time_ms: 1000.0,
            hf_rt_ratio: 0.001,
        }
    }
}

impl ReverbParams {
    /// The parameters clamped to their ranges; a non-finite value takes its default.
    pub fn clamped(&self) -> Self {
        let default = Self::default();
        Self {
            in_gain_db: finite_or(self.in_gain_db, default.in_gain_db).clamp(-96.0, 0.0),
            mix_db: finite_or(self.mix_db, default.mix_db).clamp(-96.0, 0.0),
            time_ms: finite_or(self.time_ms, default.time_ms).clamp(0.001, 3000.0),
            hf_rt_ratio: finite_or(self.hf_rt_ratio, default.hf_rt_ratio).clamp(0.001, 0.999),
        }
    }
}

fn finite_or(value: f32, default: f32) -> f32 {
    if value.is_finite() { value } else { default }
}

fn db_to_gain(db: f32) -> f32 {
    libm::powf(10.0, db / 20.0)
}

/// A ring buffer of power-of-two length.
struct Ring {
    samples: Vec<f32>,
    mask: usize,
}

impl Ring {
    /// A zeroed ring of at least `min_len` samples.
    fn new(min_len: usize) -> Result<Self, EngineError> {
        let len = min_len
            .checked_next_power_of_two()
            .ok_or(EngineError::OutOfMemory)?;
        let mut samples = Vec::new();
        samples
            .try_reserve_exact(len)
            .map_err(|_| EngineError::OutOfMemory)?;
        samples.resize(len, 0.0);
        Ok(Self {
            samples,
            mask: len.wrapping_sub(1),
        })
    }

    /// The sample written `delay` writes before position `write`.
    #[inline(always)]
    fn at(&self, write: usize, delay: usize) -> f32 {
        self.samples
            .get(write.wrapping_sub(delay) & self.mask)
            .copied()
            .unwrap_or(0.0)
    }

    #[inline(always)]
    fn put(&mut self, write: usize, value: f32) {
        if let Some(slot) = self.samples.get_mut(write & self.mask) {
            *slot = value;
        }
    }

    fn clear(&mut self) {
        self.samples.fill(0.0);
    }
}

/// One Schroeder allpass diffuser.
struct Diffuser {
    ring: Ring,
    delay: usize,
}

impl Diffuser {
    #[inline(always)]
    fn process(&mut self, write: usize, input: f32) -> f32 {
        let delayed = self.ring.at(write, self.delay);
        let w = flush(input - DIFFUSER_GAIN * delayed);
        self.ring.put(write, w);
        delayed + DIFFUSER_GAIN * w
    }
}

/// One line of the feedback network.
struct Line {
    ring: Ring,
    /// Mean delay in samples.
    delay: f32,
    /// Modulation depth in samples.
    depth: f32,
    /// LFO phase, 0..1.
    phase: f32,
    /// LFO phase increment per sample.
    phase_step: f32,
    /// Loop gain at DC.
    gain: f32,
    /// Damping pole (0 = no damping).
    damping: f32,
    /// Damping filter state.
    state: f32,
    /// Interpolating allpass state (its previous output).
    allpass: f32,
    /// The read's whole delay and allpass coefficient, held for [`MODULATION_HOLD`] frames.
    whole: usize,
    eta: f32,
    /// Frames left before the modulated delay is recomputed.
    hold: u32,
}

/// Frames between two updates of a line's modulated delay. The delay moves by at most
/// 2π · 0.79 Hz · depth / fs per frame (depth scales with fs): under 0.015 samples in a hold at
/// every rate, far below an audible step, and the per-frame sine and division go.
pub const MODULATION_HOLD: u32 = 16;

impl Line {
    /// Reads the line (modulated, interpolated): returns what it holds, for the outputs, and
    /// that damped by the loop gain and filter, for the feedback.
    #[inline(always)]
    fn output(&mut self, write: usize) -> (f32, f32) {
        if self.hold == 0 {
            self.modulate();
        }
        self.hold = self.hold.saturating_sub(1);
        let (whole, eta) = (self.whole, self.eta);
        let x0 = self.ring.at(write, whole);
        let x1 = self.ring.at(write, whole.wrapping_add(1));
        let read = eta * (x0 - self.allpass) + x1;
        self.allpass = flush(read);
        // One-pole low-pass with DC gain `gain`.
        let damped = self.gain * (1.0 - self.damping) * read + self.damping * self.state;
        self.state = flush(damped);
        (self.allpass, self.state)
    }

    /// The modulated delay for the next [`MODULATION_HOLD`] frames, from the LFO's phase now.
    fn modulate(&mut self) {
        let delay = self.delay + self.depth * sine(self.phase);
        self.phase += self.phase_step * MODULATION_HOLD as f32;
        if self.phase >= 1.0 {
            self.phase -= 1.0;
        }
        // First-order allpass interpolation (flat magnitude, so the loop gain, and with it the
        // reverb time, stays exact at every frequency): delay = whole + fraction with the
        // fraction in 0.5..1.5, where the allpass coefficient stays within −0.2..0.34.
        // delay ≥ 100 by construction; the float-to-int cast saturates anyway.
        self.whole = (delay - 0.5) as usize;
        let fraction = delay - self.whole as f32;
        self.eta = (1.0 - fraction) / (1.0 + fraction);
        self.hold = MODULATION_HOLD;
    }
}

/// sin(2π·phase) for phase in 0..1, to about 0.1 % (parabola with one correction step).
#[inline(always)]
pub(crate) fn sine(phase: f32) -> f32 {
    // x in −1..1; 4x(1−|x|) approximates sin(πx) = −sin(2π·phase).
    let x = 1.0 - 2.0 * phase;
    let parabola = 4.0 * x * (1.0 - x.abs());
    // One refinement step of the parabola towards the sine.
    0.225 * (parabola * parabola.abs() - parabola) + parabola
}

/// In-place 8-point fast Walsh–Hadamard transform, normalised (orthogonal).
#[inline(always)]
fn hadamard(v: [f32; LINES]) -> [f32; LINES] {
    let [a0, a1, a2, a3, a4, a5, a6, a7] = v;
    let (b0, b1, b2, b3) = (a0 + a1, a0 - a1, a2 + a3, a2 - a3);
    let (b4, b5, b6, b7) = (a4 + a5, a4 - a5, a6 + a7, a6 - a7);
    let (c0, c1, c2, c3) = (b0 + b2, b1 + b3, b0 - b2, b1 - b3);
    let (c4, c5, c6, c7) = (b4 + b6, b5 + b7, b4 - b6, b5 - b7);
    [
        (c0 + c4) * INV_SQRT_8,
        (c1 + c5) * INV_SQRT_8,
        (c2 + c6) * INV_SQRT_8,
        (c3 + c7) * INV_SQRT_8,
        (c0 - c4) * INV_SQRT_8,
        (c1 - c5) * INV_SQRT_8,
        (c2 - c6) * INV_SQRT_8,
        (c3 - c7) * INV_SQRT_8,
    ]
}

/// The pole `b` of the one-pole low-pass `(1 − b)/(1 − b·z⁻¹)` whose gain at the angular
/// frequency with cosine `cos_omega` is `r` (0 < r ≤ 1): the smaller root of
/// `(1 − r²)b² − 2(1 − r²·cos ω)b + (1 − r²) = 0`.
fn damping_pole(r: f32, cos_omega: f32) -> f32 {
    let r2 = r * r;
    let a = 1.0 - r2;
    if a <= 1e-6 {
        return 0.0;
    }
    let half_b = 1.0 - r2 * cos_omega;
    let discriminant = (half_b * half_b - a * a).max(0.0);
    finite_or((half_b - libm::sqrtf(discriminant)) / a, 0.0).clamp(0.0, 0.999)
}

/// The stereo reverb.
pub struct Reverb {
    sample_rate: u32,
    params: ReverbParams,
    in_gain: f32,
    mix_gain: f32,
    /// `√(1 − mean g²)`: makes the impulse response's energy independent of the reverb time.
    output_gain: f32,
    diffusers: [Diffuser; 4],
    lines: [Line; LINES],
    /// Write position shared by every ring (all rings wrap with their own mask).
    write: usize,
    /// Consecutive frames in which every ring was written with exact zeros.
    silent_frames: usize,
    /// Every ring is known to hold only zeros (after `idle_after` silent frames).
    idle: bool,
    /// The longest ring: that many silent frames overwrite every ring completely.
    idle_after: usize,
}

impl Reverb {
    /// A reverb for `sample_rate` (8_000..=192_000 Hz) with the default parameters. Allocates its
    /// delay lines (about 130 KB at 48 kHz, 520 KB at 192 kHz).
    pub fn new(sample_rate: u32) -> Result<Self, EngineError> {
        if !(MIN_RATE..=MAX_RATE).contains(&sample_rate) {
            return Err(EngineError::InvalidConfig);
        }
        let scale = sample_rate as f32 / 48_000.0;
        let depth = MODULATION_DEPTH_48K * scale;
        let diffuser = |length_48k: u32| -> Result<Diffuser, EngineError> {
            let delay = ((length_48k as f32 * scale) as usize).max(1);
            Ok(Diffuser {
                ring: Ring::new(delay.saturating_add(1))?,
                delay,
            })
        };
        let line = |index: usize, length_48k: u32| -> Result<Line, EngineError> {
            let delay = length_48k as f32 * scale;
            let longest = (delay + depth) as usize;
            Ok(Line {
                ring: Ring::new(longest.saturating_add(4))?,
                delay,
                depth,
                phase: index as f32 / LINES as f32,
                phase_step: MODULATION_RATES_HZ.get(index).copied().unwrap_or(0.5) / sample_rate as f32,
                gain: 0.0,
                damping: 0.0,
                state: 0.0,
                allpass: 0.0,
                whole: 0,
                eta: 0.0,
                hold: 0,
            })
        };
        let [d0, d1, d2, d3] = DIFFUSER_LENGTHS_48K;
        let [l0, l1, l2, l3, l4, l5, l6, l7] = LINE_LENGTHS_48K;
        let mut reverb = Self {
            sample_rate,
            params: ReverbParams::default(),
            in_gain: 1.0,
            mix_gain: 1.0,
            output_gain: 1.0,
            diffusers: [diffuser(d0)?, diffuser(d1)?, diffuser(d2)?, diffuser(d3)?],
            lines: [
                line(0, l0)?,
                line(1, l1)?,
                line(2, l2)?,
                line(3, l3)?,
                line(4, l4)?,
                line(5, l5)?,
                line(6, l6)?,
                line(7, l7)?,
            ],
            write: 0,
            silent_frames: 0,
            idle: true,
            idle_after: 0,
        };
        reverb.idle_after = reverb
            .lines
            .iter()
            .map(|line| line.ring.samples.len())
            .chain(reverb.diffusers.iter().map(|d| d.ring.samples.len()))
            .max()
            .unwrap_or(0);
        reverb.set_params(ReverbParams::default());
        Ok(reverb)
    }

    /// The sample rate the reverb was built for.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// The parameters in force (after clamping).
    pub fn params(&self) -> ReverbParams {
        self.params
    }

    /// Sets the parameters (clamped to their ranges; non-finite values take their defaults).
    /// No allocation; takes effect at the next sample.
    pub fn set_params(&mut self, params: ReverbParams) {
        let params = params.clamped();
        self.params = params;
        self.in_gain = db_to_gain(params.in_gain_db);
        self.mix_gain = if params.mix_db <= -96.0 {
            0.0
        } else {
            db_to_gain(params.mix_db)
        };
        let rate = self.sample_rate as f32;
        let time = params.time_ms / 1000.0;
        let hf_time = time * params.hf_rt_ratio;
        let reference_hz = HF_REFERENCE_HZ.min(0.4 * rate);
        let omega = 2.0 * PI * reference_hz / rate;
        let cos_omega = libm::cosf(omega);
        // The Waves two-tap filter's phase step at the reference, at 48 kHz.
        let omega_48k = 2.0 * PI * reference_hz / 48_000.0;
        let (cos_48k, sin_48k) = (libm::cosf(omega_48k), libm::sinf(omega_48k));
        let mut mean_square_gain = 0.0;
        for line in &mut self.lines {
            let seconds = line.delay / rate;
            line.gain = libm::powf(10.0, -3.0 * seconds / time);
            mean_square_gain += line.gain * line.gain * (1.0 / LINES as f32);
            // Ratio of the HF (Nyquist) loop gain to the DC loop gain, as the Waves reverb
            // computes it, and its two-tap coefficient.
            let nyquist_ratio = libm::powf(10.0, -3.0 * seconds * (1.0 / hf_time - 1.0 / time));
            let c = 0.5 * (1.0 - finite_or(nyquist_ratio, 0.0).clamp(0.0, 1.0));
            // That filter's gain at the reference frequency (at 48 kHz): at least cos(ω/2).
            let re = 1.0 - c + c * cos_48k;
            let im = c * sin_48k;
            let r = libm::sqrtf(re * re + im * im);
            line.damping = damping_pole(r, cos_omega);
        }
        // Each pass keeps `mean g²` of the energy: the tail holds 1/(1 − mean g²) times the
        // first pass. Like the Waves reverb's wet normalisation, this keeps the reverb's
        // loudness independent of its length.
        self.output_gain = libm::sqrtf((1.0 - mean_square_gain).clamp(0.0, 1.0));
    }

    /// Adds the reverberated `send` (mono, one value per frame) into `out` (interleaved stereo).
    /// Processes `min(send.len(), out.len() / 2)` frames. No allocation, cannot panic.
    ///
    /// Silence is free: once the tail has decayed to exact zeros (see the module documentation),
    /// a block whose `send` is all zeros returns after checking it (about 0.3 ns per frame).
    pub fn process(&mut self, send: &[f32], out: &mut [f32]) {
        if self.idle {
            if send.iter().all(|&s| s == 0.0) {
                // Keep time: the modulation runs on as if the silence had been processed.
                let frames = send.len().min(out.len() / 2) as f32;
                for line in &mut self.lines {
                    let phase = line.phase + line.phase_step * frames;
                    line.phase = (phase - libm::floorf(phase)).clamp(0.0, 0.999_999);
                }
                return;
            }
            self.idle = false;
            self.silent_frames = 0;
        }
        let in_gain = self.in_gain;
        let mix = self.mix_gain * self.output_gain;
        for (&input, frame) in send.iter().zip(out.chunks_exact_mut(2)) {
            let write = self.write;
            // Non-finite input is treated as silence: the tail must never turn NaN.
            let input = if input.is_finite() { input } else { 0.0 };
            let mut x = flush(input.clamp(-1e6, 1e6) * in_gain);
            let mut activity = x.abs();
            for diffuser in &mut self.diffusers {
                x = diffuser.process(write, x);
                activity += x.abs();
            }
            let x = x * INV_SQRT_8;

            // Outputs are tapped before the loop's absorption (Jot), so the first arrivals do
            // not depend on the reverb time; `output_gain` normalises the tail's energy.
            let mut damped = [0.0f32; LINES];
            let mut left = 0.0;
            let mut right = 0.0;
            for (((line, slot), &l), &r) in self
                .lines
                .iter_mut()
                .zip(damped.iter_mut())
                .zip(&LEFT_SIGNS)
                .zip(&RIGHT_SIGNS)
            {
                let (held, absorbed) = line.output(write);
                *slot = absorbed;
                left += l * held;
                right += r * held;
                activity += held.abs() + absorbed.abs();
            }
            let feedback = hadamard(damped);
            for ((line, &f), &sign) in self.lines.iter_mut().zip(&feedback).zip(&INPUT_SIGNS) {
                line.ring.put(write, f + sign * x);
            }
            self.write = write.wrapping_add(1);
            // A diffuser with zero input and zero output has a zero delayed sample (its output
            // is (1 − g²)·delayed + g·input), so it wrote 0; zero line outputs and zero x mean
            // zero line writes. Once that has held for the longest ring, every ring, and every
            // filter state, holds only zeros.
            self.silent_frames = if activity == 0.0 {
                self.silent_frames.saturating_add(1)
            } else {
                0
            };

            if let [out_left, out_right] = frame {
                *out_left += mix * left;
                *out_right += mix * right;
            }
        }
        if self.silent_frames > self.idle_after {
            self.idle = true;
        }
    }

    /// True when the tail has died to exact silence (processing a silent send costs nothing).
    pub fn is_idle(&self) -> bool {
        self.idle
    }

    /// Silences the tail (zeroes every delay line and filter state). No allocation.
    pub fn clear(&mut self) {
        for diffuser in &mut self.diffusers {
            diffuser.ring.clear();
        }
        for line in &mut self.lines {
            line.ring.clear();
            line.state = 0.0;
            line.allpass = 0.0;
        }
        self.idle = true;
        self.silent_frames = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sine_approximation_is_close() {
        for i in 0..1000 {
            let phase = i as f32 / 1000.0;
            let exact = libm::sinf(2.0 * PI * phase);
            assert!((sine(phase) - exact).abs() < 2e-3, "phase {phase}");
        }
    }

    #[test]
    fn a_diffuser_left_alone_reaches_exact_zero() {
        // g = 0.6 > 0.5: with round-to-nearest flushing this kept a ±1 ulp limit cycle.
        let mut diffuser = Diffuser {
            ring: Ring::new(8).unwrap(),
            delay: 7,
        };
        let mut write = 0usize;
        let mut output = diffuser.process(write, 1.0);
        for _ in 0..20_000 {
            write = write.wrapping_add(1);
            output = diffuser.process(write, 0.0);
        }
        assert_eq!(output, 0.0);
        assert!(diffuser.ring.samples.iter().all(|&x| x == 0.0));
    }

    #[test]
    fn hadamard_is_orthogonal() {
        let v = [0.3, -1.0, 2.0, 0.5, -0.25, 1.5, 0.0, -0.75];
        let energy: f32 = v.iter().map(|x| x * x).sum();
        let h = hadamard(v);
        let h_energy: f32 = h.iter().map(|x| x * x).sum();
        assert!((energy - h_energy).abs() < 1e-5);
        // Self-inverse.
        let back = hadamard(h);
        for (a, b) in v.iter().zip(back.iter()) {
            assert!((a - b).abs() < 1e-5);
        }
    }

    #[test]
    fn rejects_unsupported_rates() {
        assert_eq!(Reverb::new(7_999).err(), Some(EngineError::InvalidConfig));
        assert_eq!(Reverb::new(192_001).err(), Some(EngineError::InvalidConfig));
        assert!(Reverb::new(8_000).is_ok());
        assert!(Reverb::new(192_000).is_ok());
    }

    #[test]
    fn params_clamped_and_non_finite_ignored() {
        let p = ReverbParams {
            in_gain_db: 12.0,
            mix_db: f32::NAN,
            time_ms: 1e9,
            hf_rt_ratio: -3.0,
        }
        .clamped();
        assert_eq!(p.in_gain_db, 0.0);
        assert_eq!(p.mix_db, -10.0);
        assert_eq!(p.time_ms, 3000.0);
        assert_eq!(p.hf_rt_ratio, 0.001);
    }

    #[test]
    fn damping_pole_meets_its_gain() {
        for rate in [8_000.0f32, 48_000.0, 192_000.0] {
            let omega = 2.0 * PI * HF_REFERENCE_HZ.min(0.4 * rate) / rate;
            for r in [0.3f32, 0.79, 0.95, 0.999] {
                let b = damping_pole(r, libm::cosf(omega));
                // |(1 − b)/(1 − b e^{−jω})|
                let re = 1.0 - b * libm::cosf(omega);
                let im = b * libm::sinf(omega);
                let gain = (1.0 - b) / libm::sqrtf(re * re + im * im);
                assert!((gain - r).abs() < 1e-3, "rate {rate}, r {r}: {gain}");
            }
        }
    }

    #[test]
    fn damping_grows_as_ratio_falls_and_the_default_is_the_darkest() {
        let mut reverb = Reverb::new(48_000).unwrap();
        let mut previous = -1.0;
        for ratio in [0.999, 0.8, 0.5, 0.3, 0.1, 0.001] {
            reverb.set_params(ReverbParams {
                hf_rt_ratio: ratio,
                ..ReverbParams::default()
            });
            let pole = reverb.lines[0].damping;
            assert!(pole >= previous, "ratio {ratio}: pole {pole}");
            previous = pole;
        }
        // The darkest is the two-tap average's gain at 10 kHz, 48 kHz: cos(π·10/48).
        let omega = 2.0 * PI * HF_REFERENCE_HZ / 48_000.0;
        let darkest = damping_pole(libm::cosf(omega / 2.0), libm::cosf(omega));
        assert!((previous - darkest).abs() < 1e-3, "{previous} vs {darkest}");
    }
}
