//! Small deterministic DSP helpers used to synthesize the bank's waves: a noise generator,
//! partial (additive) synthesis over an exact loop, Karplus-Strong plucks, simple filters,
//! loop cross-fades and the conversion to 16-bit samples.
//!
//! Everything here is pure arithmetic on `f32`/`f64` (libm), so two builds give the same bytes.

use alloc::vec::Vec;

use crate::BankError;

/// 2π.
const TAU: f64 = core::f64::consts::TAU;

/// A xorshift32 noise generator: cheap and deterministic.
pub(crate) struct Noise(u32);

impl Noise {
    /// A generator from a non-zero seed (0 is replaced by a fixed constant).
    pub(crate) const fn new(seed: u32) -> Self {
        Self(if seed == 0 { 0x9E37_79B9 } else { seed })
    }

    /// The next raw 32-bit value.
    pub(crate) fn next_u32(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }

    /// White noise, uniform in [-1, 1).
    pub(crate) fn white(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 / 8_388_608.0 - 1.0
    }
}

/// A zero-filled buffer of `len` samples, allocated fallibly.
pub(crate) fn zeroed(len: usize) -> Result<Vec<f32>, BankError> {
    let mut buffer = Vec::new();
    buffer
        .try_reserve_exact(len)
        .map_err(|_| BankError::OutOfMemory)?;
    buffer.resize(len, 0.0);
    Ok(buffer)
}

/// One sinusoidal component of a looped wave: `bin` whole cycles per loop.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Partial {
    /// Cycles per loop (so the component is exactly periodic over the loop).
    pub(crate) bin: u32,
    /// Amplitude in the loop (steady state).
    pub(crate) amplitude: f32,
    /// Amplitude at the first sample; glides to `amplitude` over the attack.
    pub(crate) attack_amplitude: f32,
    /// Start phase as a fraction of a cycle, [0, 1).
    pub(crate) phase: f32,
}

/// Adds `partials` to `out`. Every partial is periodic over `loop_length` samples, so from
/// `attack_length` on (where all amplitudes are steady) the signal repeats exactly with period
/// `loop_length`: a loop placed anywhere after the attack is seamless.
pub(crate) fn add_partials(
    out: &mut [f32],
    loop_length: u32,
    attack_length: usize,
    partials: &[Partial],
) -> Result<(), BankError> {
    if loop_length == 0 {
        return Ok(());
    }
    let mut table = zeroed(loop_length as usize)?;
    for (index, value) in table.iter_mut().enumerate() {
        *value = libm::sin(TAU * index as f64 / f64::from(loop_length)) as f32;
    }
    let attack = attack_length.max(1) as f32;
    for partial in partials {
        let bin = partial.bin.checked_rem(loop_length).unwrap_or(0);
        if bin == 0 || partial.amplitude == 0.0 && partial.attack_amplitude == 0.0 {
            continue;
        }
        let mut position = ((partial.phase.clamp(0.0, 0.999) * loop_length as f32) as u32)
            .checked_rem(loop_length)
            .unwrap_or(0);
        let glide = partial.attack_amplitude - partial.amplitude;
        for (time, sample) in out.iter_mut().enumerate() {
            let mut amplitude = partial.amplitude;
            if time < attack_length {
                let remaining = 1.0 - time as f32 / attack;
                amplitude += glide * remaining * remaining;
            }
            *sample += amplitude * table.get(position as usize).copied().unwrap_or(0.0);
            position = position.wrapping_add(bin);
            if position >= loop_length {
                position = position.wrapping_sub(loop_length);
            }
        }
    }
    Ok(())
}

/// A one-pole low-pass filter.
pub(crate) struct OnePole {
    coefficient: f32,
    state: f32,
}

impl OnePole {
    /// A low-pass with its -3 dB point near `cutoff` Hz at `rate`.
    pub(crate) fn low_pass(cutoff: f32, rate: f32) -> Self {
        let coefficient = 1.0 - libm::expf(-core::f32::consts::TAU * cutoff / rate);
        Self {
            coefficient: coefficient.clamp(0.0, 1.0),
            state: 0.0,
        }
    }

    /// Filters one sample (low-pass output).
    pub(crate) fn low(&mut self, input: f32) -> f32 {
        self.state += self.coefficient * (input - self.state);
        self.state
    }

    /// Filters one sample (high-pass output: input minus the low-pass).
    pub(crate) fn high(&mut self, input: f32) -> f32 {
        input - self.low(input)
    }
}

/// An RBJ band-pass biquad (constant 0 dB peak gain).
pub(crate) struct BandPass {
    b0: f32,
    b2: f32,
    a1: f32,
    a2: f32,
    x1: f32,
    x2: f32,
    y1: f32,
    y2: f32,
}

impl BandPass {
    /// A band-pass centred on `centre` Hz with quality `q` at `rate`.
    pub(crate) fn new(centre: f32, q: f32, rate: f32) -> Self {
        let centre = centre.clamp(20.0, rate * 0.45);
        let omega = core::f32::consts::TAU * centre / rate;
        let alpha = libm::sinf(omega) / (2.0 * q.max(0.1));
        let a0 = 1.0 + alpha;
        Self {
            b0: alpha / a0,
            b2: -alpha / a0,
            a1: -2.0 * libm::cosf(omega) / a0,
            a2: (1.0 - alpha) / a0,
            x1: 0.0,
            x2: 0.0,
            y1: 0.0,
            y2: 0.0,
        }
    }

    /// Filters one sample.
    pub(crate) fn process(&mut self, input: f32) -> f32 {
        let output = self.b0 * input + self.b2 * self.x2 - self.a1 * self.y1 - self.a2 * self.y2;
        self.x2 = self.x1;
        self.x1 = input;
        self.y2 = self.y1;
        self.y1 = output;
        output
    }
}

/// A Karplus-Strong plucked string of period `period` samples, rendered for `length` samples.
///
/// The loop filter is a symmetric three-tap low-pass (c, 1 − 2c, c), whose delay is exactly one
/// sample whatever c, so the tone's period is exactly `period` samples and its last `period`
/// samples make a near-seamless loop. `brightness` (0..1) shapes the excitation and sets c (0.25,
/// the classic dull string, down to 0.05, a bright one that keeps its upper partials); `damping`
/// (0..1, close to 1) is the loop gain.
pub(crate) fn pluck(
    period: usize,
    length: usize,
    brightness: f32,
    damping: f32,
    rate: f32,
    noise: &mut Noise,
) -> Result<Vec<f32>, BankError> {
    let mut out = zeroed(length)?;
    let delay = period.saturating_sub(1).max(2);
    let side = 0.25 - 0.2 * brightness.clamp(0.0, 1.0);
    let centre = 1.0 - 2.0 * side;
    let mut smoother = OnePole::low_pass(200.0 + 9_000.0 * brightness * brightness, rate);
    // Excitation: one period of filtered noise, with the DC removed.
    let mut excitation = zeroed(period.max(1))?;
    let mut mean = 0.0;
    for sample in excitation.iter_mut() {
        *sample = smoother.low(noise.white());
        mean += *sample;
    }
    mean /= excitation.len().max(1) as f32;
    for (sample, value) in out.iter_mut().zip(excitation.iter()) {
        *sample = *value - mean;
    }
    for time in period..length {
        let back = |offset: usize| -> f32 {
            time.checked_sub(offset)
                .and_then(|index| out.get(index))
                .copied()
                .unwrap_or(0.0)
        };
        let value = damping
            * (side * back(delay)
                + centre * back(delay.wrapping_add(1))
                + side * back(delay.wrapping_add(2)));
        if let Some(sample) = out.get_mut(time) {
            *sample += value;
        }
    }
    Ok(out)
}

/// Cross-fades the end of the loop `[start, start + length)` with the samples just before
/// `start` (equal power, for uncorrelated material such as noise), so the jump from the loop's
/// end back to its start is smooth.
pub(crate) fn crossfade_loop(buffer: &mut [f32], start: usize, length: usize, fade: usize) {
    let fade = fade.min(start).min(length);
    if fade == 0 {
        return;
    }
    let Some(end) = start.checked_add(length) else {
        return;
    };
    for step in 0..fade {
        let weight = (step as f32 + 0.5) / fade as f32;
        let (Some(target), Some(source)) = (
            end.checked_sub(fade).and_then(|first| first.checked_add(step)),
            start.checked_sub(fade).and_then(|first| first.checked_add(step)),
        ) else {
            continue;
        };
        let incoming = buffer.get(source).copied().unwrap_or(0.0);
        if let Some(sample) = buffer.get_mut(target) {
            *sample = *sample * libm::sqrtf(1.0 - weight) + incoming * libm::sqrtf(weight);
        }
    }
}

/// Scales `buffer` to peak at `peak` (0..1 of full scale) and converts it to 16-bit samples.
pub(crate) fn to_i16(buffer: &[f32], peak: f32) -> Result<Vec<i16>, BankError> {
    let maximum = buffer
        .iter()
        .fold(0.0_f32, |acc, value| acc.max(libm::fabsf(*value)));
    let scale = if maximum > 1.0e-9 {
        peak * 32_767.0 / maximum
    } else {
        0.0
    };
    let mut out = Vec::new();
    out.try_reserve_exact(buffer.len())
        .map_err(|_| BankError::OutOfMemory)?;
    out.extend(
        buffer
            .iter()
            .map(|value| libm::roundf(value * scale).clamp(-32_767.0, 32_767.0) as i16),
    );
    Ok(out)
}

/// Multiplies `buffer` by an exponential decay that falls by 60 dB in `seconds` at `rate`.
pub(crate) fn decay(buffer: &mut [f32], seconds: f32, rate: f32) {
    let per_sample = libm::expf(-6.907_755 / (seconds.max(1.0e-3) * rate));
    let mut gain = 1.0;
    for sample in buffer.iter_mut() {
        *sample *= gain;
        gain *= per_sample;
    }
}

/// The MIDI note (fractional) of `frequency` Hz.
pub(crate) fn note_of(frequency: f64) -> f64 {
    69.0 + 12.0 * libm::log2(frequency.max(1.0) / 440.0)
}

/// The frequency in Hz of MIDI note `note`.
pub(crate) fn frequency_of(note: f64) -> f64 {
    440.0 * libm::exp2((note - 69.0) / 12.0)
}
