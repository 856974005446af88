//! Test and benchmark support: deterministic test instruments and audio measurements.
//! Not part of the engine's contract (hidden from the docs); host tests and benches use it.
#![allow(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use alloc::vec;
use alloc::vec::Vec;

use dls::model::{
    Articulation, ArticulationFormat, Connection, Curve, Instrument, Loop, LoopKind, Patch, Range, Region,
    SampleInfo, Transform, Wave, WaveLink,
};

use crate::{Download, Engine, EngineConfig, MidiMessage, SYSEX_MAX, TimedEvent};

/// A looped sine of `periods` whole periods of `period` samples (so the loop is seamless),
/// recorded at `sample_rate`, unity note 60: key 60 plays at `sample_rate / period` Hz.
pub fn sine_wave(sample_rate: u32, period: f64, periods: u32, amplitude: f64) -> Wave {
    let length = (period * f64::from(periods)).round_ties() as usize;
    let data = (0..length)
        .map(|i| {
            (amplitude * 32767.0 * libm::sin(2.0 * core::f64::consts::PI * i as f64 / period)).round_ties()
                as i16
        })
        .collect();
    looped(sample_rate, data, 0, length as u32, LoopKind::Forward)
}

/// A looped cosine (its first sample is the peak: onsets are visible at once).
pub fn cosine_wave(sample_rate: u32, period: f64, periods: u32, amplitude: f64) -> Wave {
    let length = (period * f64::from(periods)).round_ties() as usize;
    let data = (0..length)
        .map(|i| {
            (amplitude * 32767.0 * libm::cos(2.0 * core::f64::consts::PI * i as f64 / period)).round_ties()
                as i16
        })
        .collect();
    looped(sample_rate, data, 0, length as u32, LoopKind::Forward)
}

/// A looped constant (DC) wave.
pub fn dc_wave(sample_rate: u32, length: usize, value: i16) -> Wave {
    looped(
        sample_rate,
        vec![value; length],
        0,
        length as u32,
        LoopKind::Forward,
    )
}

/// A looped band-limited-ish saw (first `harmonics` harmonics).
pub fn saw_wave(sample_rate: u32, period: u32, periods: u32, harmonics: u32) -> Wave {
    let length = (period * periods) as usize;
    let data = (0..length)
        .map(|i| {
            let mut v = 0.0;
            for h in 1..=harmonics {
                v += libm::sin(2.0 * core::f64::consts::PI * f64::from(h) * i as f64 / f64::from(period))
                    / f64::from(h);
            }
            (v * 0.5 * 32767.0 * 0.6).round_ties() as i16
        })
        .collect();
    looped(sample_rate, data, 0, length as u32, LoopKind::Forward)
}

/// Wraps data in a wave with a loop.
pub fn looped(sample_rate: u32, data: Vec<i16>, start: u32, length: u32, kind: LoopKind) -> Wave {
    Wave {
        sample_rate,
        data,
        sample: Some(SampleInfo {
            unity_note: 60,
            sample_loop: Some(Loop { kind, start, length }),
            ..SampleInfo::default()
        }),
        name: None,
        copyright: None,
    }
}

/// A collection of one instrument (bank 0 program 0, one region over every key and velocity, no
/// articulation: the DLS2 defaults) playing `wave`: the smallest downloadable collection, for the
/// host stand-ins' tests.
pub fn one_instrument(wave: Wave) -> dls::model::Collection {
    one_instrument_at(Patch::default(), wave)
}

/// [`one_instrument`] on `patch`.
pub fn one_instrument_at(patch: Patch, wave: Wave) -> dls::model::Collection {
    dls::model::Collection {
        instruments: vec![instrument(patch, vec![region(0)], Vec::new())],
        waves: vec![wave],
        ..dls::model::Collection::default()
    }
}

/// A region over all keys and velocities playing `wave`.
pub fn region(wave: u32) -> Region {
    Region {
        keys: Range::FULL,
        velocities: Range::FULL,
        key_group: 0,
        self_non_exclusive: false,
        wave_link: WaveLink {
            wave,
            ..WaveLink::default()
        },
        sample: None,
        articulation: None,
    }
}

/// An instrument with `regions` and instrument-level `connections`.
pub fn instrument(patch: Patch, regions: Vec<Region>, connections: Vec<Connection>) -> Instrument {
    Instrument {
        patch,
        gm_instrument: false,
        name: None,
        regions,
        articulation: if connections.is_empty() {
            None
        } else {
            Some(Articulation {
                format: ArticulationFormat::Dls2,
                connections,
            })
        },
        copyright: None,
    }
}

/// A constant connection (`destination = scale`).
pub fn constant(destination: u16, scale: i32) -> Connection {
    Connection {
        source: 0,
        control: 0,
        destination,
        transform: Transform::default(),
        scale,
    }
}

/// A connection with a linear source.
pub fn connection(source: u16, control: u16, destination: u16, scale: i32) -> Connection {
    Connection {
        source,
        control,
        destination,
        transform: Transform::default(),
        scale,
    }
}

/// Transform with a source curve.
pub fn with_curve(mut c: Connection, curve: Curve, bipolar: bool, invert: bool) -> Connection {
    c.transform.source = curve;
    c.transform.source_bipolar = bipolar;
    c.transform.source_invert = invert;
    c
}

/// Time cents × 65536 for `seconds` (0 → the DLS "zero" encoding).
pub fn timecents(seconds: f64) -> i32 {
    if seconds <= 0.0 {
        return i32::MIN;
    }
    (1200.0 * libm::log2(seconds) * 65536.0).round_ties() as i32
}

/// Absolute pitch cents × 65536 for `hz`.
pub fn absolute_cents(hz: f64) -> i32 {
    ((6900.0 + 1200.0 * libm::log2(hz / 440.0)) * 65536.0).round_ties() as i32
}

/// Installs a wave and an instrument (reserving as needed).
pub fn load(engine: &mut Engine, wave_id: u32, wave: Wave, instrument_id: u32, instrument: Instrument) {
    let w = Engine::prepare_wave(wave)
        .ok()
        .unwrap_or_else(|| panic!("prepare wave"));
    let i = Engine::prepare_instrument(instrument)
        .ok()
        .unwrap_or_else(|| panic!("prepare instrument"));
    engine.reserve_bank(2).ok();
    if engine.install(Download::Wave(wave_id, w)).is_err() {
        panic!("install wave");
    }
    if engine.install(Download::Instrument(instrument_id, i)).is_err() {
        panic!("install instrument");
    }
}

/// An engine at the default configuration (48 kHz) without reverb and chorus, so that what a
/// test measures is the voices alone.
pub fn dry_engine() -> Engine {
    let config = EngineConfig {
        reverb: false,
        chorus: false,
        ..EngineConfig::default()
    };
    Engine::new(&config).unwrap_or_else(|_| panic!("engine"))
}

/// [`dry_engine`] with one instrument (id 2, the default patch, one region over every key and
/// velocity, `connections` as its articulation) playing `wave` (id 1).
pub fn dry_engine_playing(wave: Wave, connections: Vec<Connection>) -> Engine {
    let mut engine = dry_engine();
    load(
        &mut engine,
        1,
        wave,
        2,
        instrument(Patch::default(), vec![region(1)], connections),
    );
    engine
}

/// A channel-message event on group 1.
pub fn event(time: u64, status: u8, data1: u8, data2: u8) -> TimedEvent {
    TimedEvent {
        time,
        channel_group: 1,
        message: MidiMessage::Channel { status, data1, data2 },
    }
}

/// A SysEx event on group 1.
pub fn sysex(time: u64, message: &[u8]) -> TimedEvent {
    let mut bytes = [0u8; SYSEX_MAX];
    let len = message.len().min(SYSEX_MAX);
    bytes[..len].copy_from_slice(&message[..len]);
    TimedEvent {
        time,
        channel_group: 1,
        message: MidiMessage::SysEx {
            len: len as u8,
            bytes,
        },
    }
}

/// Renders `frames` stereo frames in blocks of `block` frames.
pub fn render(engine: &mut Engine, frames: usize, block: usize) -> Vec<f32> {
    let channels = usize::from(engine.config().channels);
    let mut out = vec![0.0f32; frames * channels];
    for chunk in out.chunks_mut(block.max(1) * channels) {
        engine.render_f32(chunk);
    }
    out
}

/// One channel of an interleaved stereo buffer.
pub fn channel(stereo: &[f32], which: usize) -> Vec<f32> {
    stereo.chunks_exact(2).map(|f| f[which]).collect()
}

/// First index whose magnitude exceeds `threshold`.
pub fn onset(signal: &[f32], threshold: f32) -> Option<usize> {
    signal.iter().position(|v| v.abs() > threshold)
}

/// Frequency in cycles per sample from interpolated rising zero crossings.
pub fn zero_crossing_frequency(signal: &[f32]) -> Option<f64> {
    let mut first = None;
    let mut last = 0.0;
    let mut count = 0u32;
    for i in 1..signal.len() {
        let (a, b) = (f64::from(signal[i - 1]), f64::from(signal[i]));
        if a < 0.0 && b >= 0.0 {
            let t = (i - 1) as f64 + (-a) / (b - a);
            if first.is_none() {
                first = Some(t);
            }
            last = t;
            count += 1;
        }
    }
    let first = first?;
    if count < 2 {
        return None;
    }
    Some(f64::from(count - 1) / (last - first))
}

/// Cents between two frequencies.
pub fn cents(measured: f64, expected: f64) -> f64 {
    1200.0 * libm::log2(measured / expected)
}

/// RMS.
pub fn rms(signal: &[f32]) -> f64 {
    if signal.is_empty() {
        return 0.0;
    }
    libm::sqrt(signal.iter().map(|&v| f64::from(v) * f64::from(v)).sum::<f64>() / signal.len() as f64)
}

/// Decibels of an amplitude ratio.
pub fn db(ratio: f64) -> f64 {
    20.0 * libm::log10(ratio)
}

/// Least-squares fit of a sinusoid of known frequency (cycles/sample) with a Hann window;
/// returns (amplitude, signal-to-residual ratio in dB).
pub fn sine_fit(signal: &[f32], frequency: f64) -> (f64, f64) {
    let n = signal.len();
    let w = |i: usize| 0.5 - 0.5 * libm::cos(2.0 * core::f64::consts::PI * i as f64 / n as f64);
    // Solve the 2×2 weighted normal equations for a·cos + b·sin.
    let (mut cc, mut ss, mut cs, mut xc, mut xs) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (i, &x) in signal.iter().enumerate() {
        let ph = 2.0 * core::f64::consts::PI * frequency * i as f64;
        let (c, s, wi, x) = (libm::cos(ph), libm::sin(ph), w(i), f64::from(x));
        cc += wi * c * c;
        ss += wi * s * s;
        cs += wi * c * s;
        xc += wi * x * c;
        xs += wi * x * s;
    }
    let det = cc * ss - cs * cs;
    let a = (xc * ss - xs * cs) / det;
    let b = (xs * cc - xc * cs) / det;
    let (mut fit_energy, mut residual) = (0.0, 0.0);
    for (i, &x) in signal.iter().enumerate() {
        let ph = 2.0 * core::f64::consts::PI * frequency * i as f64;
        let y = a * libm::cos(ph) + b * libm::sin(ph);
        let wi = w(i);
        fit_energy += wi * y * y;
        residual += wi * (f64::from(x) - y) * (f64::from(x) - y);
    }
    (
        libm::sqrt(a * a + b * b),
        10.0 * libm::log10(fit_energy / residual.max(1e-30)),
    )
}

/// Gain (dB) of a sinusoid of known frequency between two signals.
pub fn tone_gain_db(output: &[f32], reference: &[f32], frequency: f64) -> f64 {
    db(sine_fit(output, frequency).0 / sine_fit(reference, frequency).0)
}

/// `f64::round` for `no_std`.
trait RoundTies {
    fn round_ties(self) -> f64;
}

impl RoundTies for f64 {
    fn round_ties(self) -> f64 {
        libm::round(self)
    }
}

/// Frequency (cycles/sample) of the strongest Hann-windowed DFT bin between `low` and `high`,
/// searched on a grid of `step`, refined by parabolic interpolation.
pub fn spectral_peak(signal: &[f32], low: f64, high: f64, step: f64) -> f64 {
    let n = signal.len();
    let magnitude = |f: f64| -> f64 {
        let (mut re, mut im) = (0.0, 0.0);
        for (i, &x) in signal.iter().enumerate() {
            let w = 0.5 - 0.5 * libm::cos(2.0 * core::f64::consts::PI * i as f64 / n as f64);
            let ph = 2.0 * core::f64::consts::PI * f * i as f64;
            re += w * f64::from(x) * libm::cos(ph);
            im -= w * f64::from(x) * libm::sin(ph);
        }
        libm::sqrt(re * re + im * im)
    };
    let mut best = (low, 0.0);
    let mut f = low;
    while f <= high {
        let m = magnitude(f);
        if m > best.1 {
            best = (f, m);
        }
        f += step;
    }
    let (a, b, c) = (magnitude(best.0 - step), best.1, magnitude(best.0 + step));
    let denominator = a - 2.0 * b + c;
    if denominator.abs() < 1e-30 {
        return best.0;
    }
    best.0 + 0.5 * step * (a - c) / denominator
}
