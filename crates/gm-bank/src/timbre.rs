//! Timbres: how the melodic waves are synthesized, and the key ranges each one is sampled at.

use alloc::vec::Vec;

use dls::model::{Loop, LoopKind, SampleInfo, Wave};

use crate::BankError;
use crate::dsp::{self, Noise, Partial};

/// Key ranges `(low, high, root)` of a multi-sampled timbre: one wave per range.
pub(crate) type Ranges = &'static [(u8, u8, u8)];

/// Three ranges (bass, middle, treble), enough for every pitched timbre here.
pub(crate) const THREE: Ranges = &[(0, 47, 36), (48, 71, 60), (72, 127, 84)];
/// One wave for every key (noise-based effects).
pub(crate) const ONE: Ranges = &[(0, 127, 60)];

/// The amplitude of each harmonic, or an inharmonic partial list.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Spectrum {
    /// Harmonic `h` has amplitude `1 / h^exponent` (1.0 is a sawtooth).
    Saw(f32),
    /// Odd harmonics `1/h` (a square wave).
    Square,
    /// Odd harmonics `1/h²` (a triangle wave).
    Triangle,
    /// A pulse wave of this duty cycle.
    Pulse(f32),
    /// Odd harmonics `1/h`, even ones `level/h` (clarinet-like reeds).
    Reed(f32),
    /// Hammond-style drawbar levels 0..8 (16', 5⅓', 8', 4', 2⅔', 2', 1⅗', 1⅓', 1').
    Drawbars([u8; 9]),
    /// Explicit harmonic amplitudes from the fundamental up.
    Table(&'static [f32]),
    /// A `1/h^rolloff` source through three resonances `(centre Hz, bandwidth Hz, gain)`.
    Formant([(f32, f32, f32); 3], f32),
    /// Inharmonic partials `(frequency ratio to the pitch, amplitude)`.
    Ratios(&'static [(f32, f32)]),
}

/// The beginning of a sustained wave, before its loop.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Attack {
    /// Length of the transient in seconds.
    pub(crate) seconds: f32,
    /// Extra level of the upper partials at the very start (`× (1 + brightness·√(h−1))`).
    pub(crate) brightness: f32,
    /// Level of a noise burst (hammer, chiff, breath), relative to the tone's peak.
    pub(crate) noise: f32,
    /// Low-pass cutoff of that burst in Hz.
    pub(crate) noise_cutoff: f32,
}

/// How a timbre's waves are made.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    /// Additive synthesis; `ensemble` adds two detuned copies (±~12 cents) for chorus.
    Additive {
        spectrum: Spectrum,
        ensemble: bool,
        attack: Option<Attack>,
    },
    /// A Karplus-Strong string, looped on its last period.
    Pluck {
        brightness: f32,
        damping: f32,
        seconds: f32,
    },
    /// One second of band-limited noise, looped with a cross-fade.
    Noise { low: f32, high: f32 },
}

/// A timbre: a kind and its key ranges.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Timbre {
    /// Short name, used for the waves' `INAM`.
    pub(crate) name: &'static str,
    /// How to make it.
    pub(crate) kind: Kind,
    /// Where it is sampled.
    pub(crate) ranges: Ranges,
}

/// The highest partial frequency the output may carry (for 44.1/48 kHz rendering).
const OUTPUT_CEILING: f64 = 19_000.0;
/// At most this many partials per voice.
const MAXIMUM_PARTIALS: usize = 96;

/// The harmonic amplitudes / inharmonic partials of `spectrum` as `(ratio, amplitude)`.
fn components(spectrum: Spectrum, fundamental: f64, limit: f64) -> Result<Vec<(f32, f32)>, BankError> {
    let mut out = Vec::new();
    out.try_reserve_exact(MAXIMUM_PARTIALS)
        .map_err(|_| BankError::OutOfMemory)?;
    let mut push = |ratio: f32, amplitude: f32| {
        if amplitude != 0.0 && f64::from(ratio) * fundamental < limit && out.len() < MAXIMUM_PARTIALS {
            out.push((ratio, amplitude));
        }
    };
    match spectrum {
        Spectrum::Drawbars(levels) => {
            const RATIOS: [f32; 9] = [0.5, 1.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0];
            for (ratio, level) in RATIOS.iter().zip(levels.iter()) {
                if *level > 0 {
                    push(
                        *ratio,
                        libm::powf(10.0, -f32::from(8_u8.saturating_sub(*level)) * 3.0 / 20.0),
                    );
                }
            }
        }
        Spectrum::Ratios(list) => {
            for (ratio, amplitude) in list {
                push(*ratio, *amplitude);
            }
        }
        Spectrum::Table(list) => {
            for (index, amplitude) in list.iter().enumerate() {
                push(index as f32 + 1.0, *amplitude);
            }
        }
        _ => {
            for harmonic in 1..=MAXIMUM_PARTIALS {
                let h = harmonic as f32;
                let odd = harmonic % 2 == 1;
                let amplitude = match spectrum {
                    Spectrum::Saw(exponent) => 1.0 / libm::powf(h, exponent),
                    Spectrum::Square if odd => 1.0 / h,
                    Spectrum::Triangle if odd => 1.0 / (h * h),
                    Spectrum::Pulse(duty) => libm::sinf(core::f32::consts::PI * h * duty) / h,
                    Spectrum::Reed(even) => {
                        if odd {
                            1.0 / h
                        } else {
                            even / h
                        }
                    }
                    Spectrum::Formant(formants, rolloff) => {
                        let frequency = fundamental as f32 * h;
                        let resonance: f32 = formants
                            .iter()
                            .map(|(centre, width, gain)| {
                                let distance = (frequency - centre) / width.max(1.0);
                                gain / (1.0 + distance * distance)
                            })
                            .sum();
                        (0.05 + resonance) / libm::powf(h, rolloff)
                    }
                    _ => 0.0,
                };
                push(h, amplitude);
            }
        }
    }
    Ok(out)
}

/// Pitch data of a wave whose loop holds `cycles` periods in `loop_length` samples at `rate`.
fn sample_info(frequency: f64, sample_loop: Option<Loop>) -> SampleInfo {
    let note = dsp::note_of(frequency);
    let unity = libm::round(note).clamp(0.0, 127.0);
    SampleInfo {
        unity_note: unity as u8,
        fine_tune: libm::round((unity - note) * 100.0) as i16,
        sample_loop,
        ..SampleInfo::default()
    }
}

/// A fixed seed per (timbre, range) so every build is identical.
fn seed(timbre_index: usize, root: u8) -> u32 {
    (timbre_index as u32).wrapping_mul(0x9E37_79B9) ^ u32::from(root).wrapping_mul(0x85EB_CA6B) ^ 0x5bd1_e995
}

/// The name of a range's root key (the roots of [`THREE`] and [`ONE`]).
const fn root_name(root: u8) -> &'static str {
    match root {
        36 => "C2",
        60 => "C4",
        84 => "C6",
        _ => "",
    }
}

/// Renders the wave of `timbre` for the range `(low, high, root)`.
pub(crate) fn render(
    timbre: &Timbre,
    index: usize,
    range: (u8, u8, u8),
    rate: u32,
) -> Result<Wave, BankError> {
    let (_, high, root) = range;
    let rate_f = f64::from(rate);
    let mut noise = Noise::new(seed(index, root));
    let target = dsp::frequency_of(f64::from(root));
    let (buffer, info) = match timbre.kind {
        Kind::Additive {
            spectrum,
            ensemble,
            attack,
        } => {
            // Cycles per loop: enough for exact inharmonic ratios and fine detuning, and a loop of
            // at least 256 samples for the interpolator.
            let minimum_cycles: f64 = match (ensemble, spectrum) {
                (true, _) => 144.0,
                (false, Spectrum::Ratios(_) | Spectrum::Drawbars(_)) => 40.0,
                _ => 1.0,
            };
            let cycles = libm::ceil((256.0 * target / rate_f).max(minimum_cycles));
            let cycles = if cycles % 2.0 == 0.0 { cycles } else { cycles + 1.0 };
            let loop_length = libm::round(cycles * rate_f / target).max(16.0);
            let frequency = cycles * rate_f / loop_length;
            let top = f64::from(high.min(root.saturating_add(24)));
            let stretch = libm::exp2((top - f64::from(root)) / 12.0);
            let limit = (OUTPUT_CEILING / stretch).min(rate_f * 0.45);
            let list = components(spectrum, frequency, limit)?;
            let attack_length = attack.map_or(0, |a| (a.seconds * rate as f32) as usize);
            let length = attack_length.saturating_add(loop_length as usize);
            let mut buffer = dsp::zeroed(length)?;
            let detunes: &[f64] = if ensemble { &[-1.0, 0.0, 1.0] } else { &[0.0] };
            let mut partials = Vec::new();
            partials
                .try_reserve_exact(list.len().saturating_mul(detunes.len()))
                .map_err(|_| BankError::OutOfMemory)?;
            let voice_gain = 1.0 / libm::sqrtf(detunes.len() as f32);
            for detune in detunes {
                let voice_cycles = cycles + detune;
                for (ratio, amplitude) in &list {
                    let bin = libm::round(f64::from(*ratio) * voice_cycles);
                    let brightness = attack.map_or(0.0, |a| a.brightness);
                    let boost = 1.0 + brightness * libm::sqrtf((ratio - 1.0).max(0.0));
                    let phase = if ensemble || detunes.len() > 1 || matches!(spectrum, Spectrum::Ratios(_)) {
                        (noise.next_u32() >> 8) as f32 / 16_777_216.0
                    } else {
                        0.0
                    };
                    partials.push(Partial {
                        bin: bin as u32,
                        amplitude: amplitude * voice_gain,
                        attack_amplitude: amplitude * voice_gain * boost,
                        phase,
                    });
                }
            }
            dsp::add_partials(&mut buffer, loop_length as u32, attack_length, &partials)?;
            if let Some(attack) = attack
                && attack.noise > 0.0
            {
                let peak = buffer
                    .iter()
                    .fold(0.0_f32, |acc, value| acc.max(libm::fabsf(*value)));
                let mut filter = dsp::OnePole::low_pass(attack.noise_cutoff, rate as f32);
                let span = attack_length.max(1) as f32;
                for (time, sample) in buffer.iter_mut().take(attack_length).enumerate() {
                    let remaining = 1.0 - time as f32 / span;
                    *sample +=
                        attack.noise * peak * remaining * remaining * remaining * filter.low(noise.white());
                }
            }
            let sample_loop = Loop {
                kind: LoopKind::Forward,
                start: attack_length as u32,
                length: loop_length as u32,
            };
            (buffer, sample_info(frequency, Some(sample_loop)))
        }
        Kind::Pluck {
            brightness,
            damping,
            seconds,
        } => {
            let period = libm::round(rate_f / target).max(4.0);
            let frequency = rate_f / period;
            // High strings lose their energy within a few dozen periods; loop before that so the
            // sustained part keeps a useful level (the envelope does the rest of the decay).
            let attack = (f64::from(seconds) * rate_f).min(period * 48.0);
            let length = (attack as usize).saturating_add(period as usize);
            let buffer = dsp::pluck(
                period as usize,
                length,
                brightness,
                damping,
                rate as f32,
                &mut noise,
            )?;
            let start = length.saturating_sub(period as usize);
            let sample_loop = Loop {
                kind: LoopKind::Forward,
                start: start as u32,
                length: period as u32,
            };
            (buffer, sample_info(frequency, Some(sample_loop)))
        }
        Kind::Noise { low, high } => {
            let fade = 2_048_usize;
            let loop_length = rate as usize;
            let length = fade.saturating_add(loop_length);
            let mut buffer = dsp::zeroed(length)?;
            let mut high_pass = [
                dsp::OnePole::low_pass(low, rate as f32),
                dsp::OnePole::low_pass(low, rate as f32),
            ];
            let mut low_pass = [
                dsp::OnePole::low_pass(high, rate as f32),
                dsp::OnePole::low_pass(high, rate as f32),
            ];
            for sample in buffer.iter_mut() {
                let mut value = noise.white();
                for filter in &mut high_pass {
                    value = filter.high(value);
                }
                for filter in &mut low_pass {
                    value = filter.low(value);
                }
                *sample = value;
            }
            dsp::crossfade_loop(&mut buffer, fade, loop_length, fade);
            let sample_loop = Loop {
                kind: LoopKind::Forward,
                start: fade as u32,
                length: loop_length as u32,
            };
            let mut info = sample_info(dsp::frequency_of(60.0), Some(sample_loop));
            info.unity_note = 60;
            info.fine_tune = 0;
            (buffer, info)
        }
    };
    Ok(Wave {
        sample_rate: rate,
        data: dsp::to_i16(&buffer, 0.9)?,
        sample: Some(info),
        name: Some(crate::text(&[timbre.name, " ", root_name(root)])?),
        copyright: None,
    })
}
