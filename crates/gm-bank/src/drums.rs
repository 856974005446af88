//! The GM drum kit (keys 35–81): one-shot synthesized samples and per-key regions.

use alloc::vec::Vec;

use dls::model::{SampleInfo, Wave};

use crate::BankError;
use crate::articulation::{Envelope, Shape};
use crate::dsp::{self, BandPass, Noise, OnePole};

/// The drum one-shots, indexed by their position in [`DRUM_WAVES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(usize)]
pub(crate) enum D {
    Kick,
    Snare,
    SideStick,
    Clap,
    Tom,
    HatClosed,
    HatOpen,
    Crash,
    Ride,
    RideBell,
    Tambourine,
    Cowbell,
    Vibraslap,
    HandDrum,
    Timbale,
    Agogo,
    Shaker,
    Whistle,
    Guiro,
    Claves,
    Woodblock,
    Cuica,
    Triangle,
}

/// Names of the drum waves, indexed by [`D`].
pub(crate) const DRUM_WAVES: [&str; 23] = [
    "kick",
    "snare",
    "side stick",
    "clap",
    "tom",
    "hat closed",
    "hat open",
    "crash",
    "ride",
    "ride bell",
    "tambourine",
    "cowbell",
    "vibraslap",
    "hand drum",
    "timbale",
    "agogo",
    "shaker",
    "whistle",
    "guiro",
    "claves",
    "woodblock",
    "cuica",
    "triangle",
];

/// One key of the kit.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DrumKey {
    /// The MIDI key.
    pub(crate) key: u8,
    /// GM name.
    pub(crate) name: &'static str,
    /// The wave it plays.
    pub(crate) wave: D,
    /// Transposition of the wave in semitones.
    pub(crate) semitones: f32,
    /// Articulation.
    pub(crate) shape: Shape,
    /// Level trim, dB.
    pub(crate) gain: f32,
    /// Exclusive class (0 = none).
    pub(crate) key_group: u16,
}

/// A drum that rings out whatever the note-off (long release).
const fn ring(release: f32, pan: f32) -> Shape {
    Shape::new(Envelope::adsr(0.0, 0.0, 1.0, release)).pan(pan)
}
/// A drum cut short by its own envelope.
const fn damped(decay: f32, pan: f32) -> Shape {
    Shape::new(Envelope::adsr(0.0, decay, 0.0, decay)).pan(pan)
}

const fn key(
    key: u8,
    name: &'static str,
    wave: D,
    semitones: f32,
    shape: Shape,
    gain: f32,
    key_group: u16,
) -> DrumKey {
    DrumKey {
        key,
        name,
        wave,
        semitones,
        shape,
        gain,
        key_group,
    }
}

/// GM keys 35..=81.
pub(crate) const KIT: [DrumKey; 47] = [
    key(35, "Acoustic Bass Drum", D::Kick, -2.0, ring(2.0, 0.0), 0.0, 0),
    key(36, "Bass Drum 1", D::Kick, 0.0, ring(2.0, 0.0), 0.0, 0),
    key(37, "Side Stick", D::SideStick, 0.0, ring(1.0, 0.1), -4.0, 0),
    key(38, "Acoustic Snare", D::Snare, 0.0, ring(2.0, 0.05), -1.0, 0),
    key(39, "Hand Clap", D::Clap, 0.0, ring(2.0, -0.1), -2.0, 0),
    key(40, "Electric Snare", D::Snare, 2.0, ring(2.0, 0.05), -1.0, 0),
    key(41, "Low Floor Tom", D::Tom, -7.0, ring(3.0, -0.4), -1.0, 0),
    key(42, "Closed Hi-Hat", D::HatClosed, 0.0, ring(1.0, 0.3), -6.0, 1),
    key(43, "High Floor Tom", D::Tom, -5.0, ring(3.0, -0.3), -1.0, 0),
    key(44, "Pedal Hi-Hat", D::HatClosed, -1.0, damped(0.6, 0.3), -8.0, 1),
    key(45, "Low Tom", D::Tom, -2.0, ring(3.0, -0.1), -1.0, 0),
    key(46, "Open Hi-Hat", D::HatOpen, 0.0, ring(4.0, 0.3), -6.0, 1),
    key(47, "Low-Mid Tom", D::Tom, 0.0, ring(3.0, 0.0), -1.0, 0),
    key(48, "Hi-Mid Tom", D::Tom, 2.0, ring(3.0, 0.15), -1.0, 0),
    key(49, "Crash Cymbal 1", D::Crash, 0.0, ring(6.0, -0.3), -5.0, 0),
    key(50, "High Tom", D::Tom, 4.0, ring(3.0, 0.3), -1.0, 0),
    key(51, "Ride Cymbal 1", D::Ride, 0.0, ring(6.0, 0.35), -7.0, 0),
    key(52, "Chinese Cymbal", D::Crash, -3.0, ring(6.0, -0.35), -6.0, 0),
    key(53, "Ride Bell", D::RideBell, 0.0, ring(6.0, 0.35), -6.0, 0),
    key(54, "Tambourine", D::Tambourine, 0.0, ring(2.0, 0.4), -6.0, 0),
    key(55, "Splash Cymbal", D::Crash, 4.0, damped(2.0, -0.4), -6.0, 0),
    key(56, "Cowbell", D::Cowbell, 0.0, ring(2.0, 0.2), -6.0, 0),
    key(57, "Crash Cymbal 2", D::Crash, 1.0, ring(6.0, 0.4), -5.0, 0),
    key(58, "Vibraslap", D::Vibraslap, 0.0, ring(2.0, -0.2), -5.0, 0),
    key(59, "Ride Cymbal 2", D::Ride, -1.0, ring(6.0, -0.35), -7.0, 0),
    key(60, "Hi Bongo", D::HandDrum, 5.0, ring(2.0, 0.25), -3.0, 0),
    key(61, "Low Bongo", D::HandDrum, 1.0, ring(2.0, 0.2), -3.0, 0),
    key(62, "Mute Hi Conga", D::HandDrum, -2.0, damped(0.5, -0.2), -3.0, 0),
    key(63, "Open Hi Conga", D::HandDrum, -2.0, ring(2.0, -0.2), -3.0, 0),
    key(64, "Low Conga", D::HandDrum, -6.0, ring(2.0, -0.25), -3.0, 0),
    key(65, "High Timbale", D::Timbale, 2.0, ring(2.0, 0.3), -4.0, 0),
    key(66, "Low Timbale", D::Timbale, -3.0, ring(2.0, 0.25), -4.0, 0),
    key(67, "High Agogo", D::Agogo, 0.0, ring(2.0, -0.3), -5.0, 0),
    key(68, "Low Agogo", D::Agogo, -5.0, ring(2.0, -0.3), -5.0, 0),
    key(69, "Cabasa", D::Shaker, -2.0, ring(1.0, 0.35), -6.0, 0),
    key(70, "Maracas", D::Shaker, 0.0, damped(0.6, -0.35), -6.0, 0),
    key(71, "Short Whistle", D::Whistle, 0.0, damped(0.6, 0.3), -8.0, 0),
    key(72, "Long Whistle", D::Whistle, -1.0, ring(2.0, 0.3), -8.0, 0),
    key(73, "Short Guiro", D::Guiro, 0.0, damped(0.8, -0.3), -5.0, 0),
    key(74, "Long Guiro", D::Guiro, -1.0, ring(2.0, -0.3), -5.0, 0),
    key(75, "Claves", D::Claves, 0.0, ring(1.0, 0.3), -4.0, 0),
    key(76, "Hi Wood Block", D::Woodblock, 3.0, ring(1.0, 0.35), -3.0, 0),
    key(77, "Low Wood Block", D::Woodblock, 0.0, ring(1.0, 0.3), -3.0, 0),
    key(78, "Mute Cuica", D::Cuica, 0.0, damped(0.4, -0.2), -4.0, 0),
    key(79, "Open Cuica", D::Cuica, -3.0, ring(2.0, -0.2), -4.0, 0),
    key(80, "Mute Triangle", D::Triangle, 0.0, damped(0.4, 0.4), -8.0, 2),
    key(81, "Open Triangle", D::Triangle, 0.0, ring(6.0, 0.4), -8.0, 2),
];

/// Synthesis context for one drum wave.
struct Voice {
    rate: f32,
    noise: Noise,
}

impl Voice {
    fn seconds(&self, seconds: f32) -> usize {
        (seconds * self.rate) as usize
    }

    /// Sine tone with an exponential pitch drop from `start` to `end` Hz (time constant `fall`)
    /// and an exponential decay (`ring` seconds to -60 dB), added to `out`.
    fn tone(&self, out: &mut [f32], start: f32, end: f32, fall: f32, ring: f32, level: f32) {
        let mut phase = 0.0_f32;
        let decay = libm::expf(-6.907_755 / (ring.max(1.0e-3) * self.rate));
        let glide = libm::expf(-1.0 / (fall.max(1.0e-4) * self.rate));
        let mut excess = start - end;
        let mut gain = level;
        for sample in out.iter_mut() {
            *sample += gain * libm::sinf(core::f32::consts::TAU * phase);
            phase += (end + excess) / self.rate;
            phase -= libm::floorf(phase);
            excess *= glide;
            gain *= decay;
        }
    }

    /// The six-square metallic cluster of analogue cymbals, at `scale` × the classic pitches.
    fn metal(&self, out: &mut [f32], scale: f32, level: f32) {
        const PITCHES: [f32; 6] = [205.3, 304.4, 369.6, 522.7, 540.0, 800.0];
        for pitch in PITCHES {
            let step = pitch * scale / self.rate;
            let mut phase = 0.0_f32;
            for sample in out.iter_mut() {
                *sample += if phase < 0.5 { level } else { -level };
                phase += step;
                phase -= libm::floorf(phase);
            }
        }
    }

    /// Adds white noise at `level` to `out`.
    fn noise(&mut self, out: &mut [f32], level: f32) {
        for sample in out.iter_mut() {
            *sample += level * self.noise.white();
        }
    }
}

fn band(buffer: &mut [f32], centre: f32, q: f32, rate: f32) {
    let mut filter = BandPass::new(centre, q, rate);
    for sample in buffer.iter_mut() {
        *sample = filter.process(*sample);
    }
}

fn high(buffer: &mut [f32], cutoff: f32, rate: f32) {
    let mut filters = [OnePole::low_pass(cutoff, rate), OnePole::low_pass(cutoff, rate)];
    for sample in buffer.iter_mut() {
        for filter in &mut filters {
            *sample = filter.high(*sample);
        }
    }
}

fn low(buffer: &mut [f32], cutoff: f32, rate: f32) {
    let mut filter = OnePole::low_pass(cutoff, rate);
    for sample in buffer.iter_mut() {
        *sample = filter.low(*sample);
    }
}

/// Adds `other` to `out` at `level`.
fn mix(out: &mut [f32], other: &[f32], level: f32) {
    for (sample, value) in out.iter_mut().zip(other.iter()) {
        *sample += level * value;
    }
}

/// Multiplies by a short linear fade-in (avoids clicks) and a fade-out over the last 5 ms.
fn edges(buffer: &mut [f32], rate: f32) {
    let fade = (0.005 * rate) as usize;
    let length = buffer.len();
    for (index, sample) in buffer.iter_mut().enumerate() {
        let to_end = length.saturating_sub(index);
        if to_end < fade {
            *sample *= to_end as f32 / fade.max(1) as f32;
        }
    }
}

/// Synthesizes drum wave `which` at `rate`.
pub(crate) fn render(which: D, rate: u32) -> Result<Wave, BankError> {
    let rate_f = rate as f32;
    let mut voice = Voice {
        rate: rate_f,
        noise: Noise::new(0xD5A4_0000 ^ (which as u32).wrapping_mul(0x2545_F491)),
    };
    let length = |seconds: f32| (seconds * rate_f) as usize;
    let mut out;
    match which {
        D::Kick => {
            out = dsp::zeroed(length(0.55))?;
            voice.tone(&mut out, 160.0, 48.0, 0.035, 0.55, 1.0);
            let mut click = dsp::zeroed(voice.seconds(0.004))?;
            voice.noise(&mut click, 0.4);
            low(&mut click, 3_000.0, rate_f);
            mix(&mut out, &click, 1.0);
        }
        D::Snare => {
            out = dsp::zeroed(length(0.35))?;
            voice.tone(&mut out, 200.0, 185.0, 0.01, 0.15, 0.5);
            voice.tone(&mut out, 340.0, 330.0, 0.01, 0.1, 0.3);
            let mut rattle = dsp::zeroed(out.len())?;
            voice.noise(&mut rattle, 1.0);
            band(&mut rattle, 4_000.0, 0.6, rate_f);
            dsp::decay(&mut rattle, 0.3, rate_f);
            mix(&mut out, &rattle, 1.2);
        }
        D::SideStick => {
            out = dsp::zeroed(length(0.1))?;
            voice.noise(&mut out, 1.0);
            band(&mut out, 1_800.0, 4.0, rate_f);
            voice.tone(&mut out, 900.0, 850.0, 0.01, 0.05, 0.3);
            dsp::decay(&mut out, 0.06, rate_f);
        }
        D::Clap => {
            out = dsp::zeroed(length(0.3))?;
            voice.noise(&mut out, 1.0);
            band(&mut out, 1_200.0, 1.0, rate_f);
            let burst = voice.seconds(0.01);
            for (index, sample) in out.iter_mut().enumerate() {
                let envelope = if index < burst.saturating_mul(3) {
                    let within = index.checked_rem(burst).unwrap_or(0);
                    1.0 - within as f32 / burst.max(1) as f32
                } else {
                    let after = index.saturating_sub(burst.saturating_mul(3)) as f32 / rate_f;
                    0.8 * libm::expf(-after / 0.05)
                };
                *sample *= envelope;
            }
        }
        D::Tom => {
            out = dsp::zeroed(length(0.7))?;
            voice.tone(&mut out, 150.0, 100.0, 0.05, 0.7, 1.0);
            voice.tone(&mut out, 240.0, 160.0, 0.05, 0.3, 0.2);
            let mut hit = dsp::zeroed(voice.seconds(0.03))?;
            voice.noise(&mut hit, 0.3);
            low(&mut hit, 2_000.0, rate_f);
            mix(&mut out, &hit, 1.0);
        }
        D::HatClosed | D::HatOpen | D::Crash | D::Ride => {
            let (seconds, metal, hiss, cutoff) = match which {
                D::HatClosed => (0.15, 0.3, 0.7, 7_000.0),
                D::HatOpen => (0.8, 0.3, 0.7, 7_000.0),
                D::Crash => (1.8, 0.25, 1.0, 4_000.0),
                _ => (1.4, 0.5, 0.4, 5_000.0),
            };
            out = dsp::zeroed(length(seconds))?;
            let scale = if matches!(which, D::Ride) { 1.7 } else { 1.0 };
            voice.metal(&mut out, scale, metal);
            voice.noise(&mut out, hiss);
            high(&mut out, cutoff, rate_f);
            dsp::decay(&mut out, seconds, rate_f);
        }
        D::RideBell | D::Agogo | D::Triangle | D::Cowbell => {
            let (pitch, partials, seconds): (f32, &[(f32, f32)], f32) = match which {
                D::RideBell => (700.0, &[(1.0, 1.0), (2.3, 0.6), (3.7, 0.4), (5.2, 0.2)], 1.2),
                D::Agogo => (900.0, &[(1.0, 1.0), (2.4, 0.6), (3.8, 0.3)], 0.5),
                D::Triangle => (
                    1_500.0,
                    &[(1.0, 1.0), (2.76, 0.6), (4.1, 0.5), (5.4, 0.4), (6.8, 0.3)],
                    1.2,
                ),
                _ => (540.0, &[(1.0, 1.0), (1.48, 0.8), (3.0, 0.25), (4.44, 0.2)], 0.3),
            };
            out = dsp::zeroed(length(seconds))?;
            for (ratio, level) in partials {
                let frequency = pitch * ratio;
                if frequency < rate_f * 0.45 {
                    voice.tone(
                        &mut out,
                        frequency,
                        frequency,
                        1.0,
                        seconds / ratio.max(1.0).sqrt_approx(),
                        *level,
                    );
                }
            }
        }
        D::Tambourine => {
            out = dsp::zeroed(length(0.35))?;
            voice.noise(&mut out, 1.0);
            high(&mut out, 6_000.0, rate_f);
            let jingle = voice.seconds(0.025).max(1);
            for (index, sample) in out.iter_mut().enumerate() {
                let within = index.checked_rem(jingle).unwrap_or(0) as f32 / jingle as f32;
                *sample *= 0.5 + 0.5 * (1.0 - within);
            }
            dsp::decay(&mut out, 0.35, rate_f);
        }
        D::Vibraslap => {
            out = dsp::zeroed(length(0.7))?;
            voice.noise(&mut out, 1.0);
            band(&mut out, 2_500.0, 3.0, rate_f);
            let period = voice.seconds(1.0 / 28.0).max(1);
            for (index, sample) in out.iter_mut().enumerate() {
                let within = index.checked_rem(period).unwrap_or(0) as f32 / period as f32;
                *sample *= libm::expf(-within * 8.0);
            }
            dsp::decay(&mut out, 0.7, rate_f);
        }
        D::HandDrum => {
            out = dsp::zeroed(length(0.35))?;
            voice.tone(&mut out, 380.0, 300.0, 0.01, 0.3, 1.0);
            voice.tone(&mut out, 480.0, 450.0, 0.01, 0.15, 0.2);
            let mut slap = dsp::zeroed(voice.seconds(0.01))?;
            voice.noise(&mut slap, 0.3);
            mix(&mut out, &slap, 1.0);
        }
        D::Timbale => {
            out = dsp::zeroed(length(0.45))?;
            voice.tone(&mut out, 420.0, 400.0, 0.01, 0.45, 1.0);
            voice.tone(&mut out, 640.0, 640.0, 0.01, 0.3, 0.5);
            voice.tone(&mut out, 920.0, 920.0, 0.01, 0.2, 0.4);
            let mut rim = dsp::zeroed(voice.seconds(0.05))?;
            voice.noise(&mut rim, 0.5);
            high(&mut rim, 2_000.0, rate_f);
            dsp::decay(&mut rim, 0.05, rate_f);
            mix(&mut out, &rim, 1.0);
        }
        D::Shaker => {
            out = dsp::zeroed(length(0.15))?;
            voice.noise(&mut out, 1.0);
            high(&mut out, 5_000.0, rate_f);
            let rise = voice.seconds(0.02).max(1);
            for (index, sample) in out.iter_mut().enumerate().take(rise) {
                *sample *= index as f32 / rise as f32;
            }
            dsp::decay(&mut out, 0.15, rate_f);
        }
        D::Whistle => {
            out = dsp::zeroed(length(0.5))?;
            let mut phase = 0.0_f32;
            for (index, sample) in out.iter_mut().enumerate() {
                let time = index as f32 / rate_f;
                let frequency = 2_300.0 + 120.0 * libm::sinf(core::f32::consts::TAU * 30.0 * time);
                *sample = libm::sinf(core::f32::consts::TAU * phase);
                phase += frequency / rate_f;
                phase -= libm::floorf(phase);
            }
        }
        D::Guiro => {
            out = dsp::zeroed(length(0.5))?;
            voice.noise(&mut out, 1.0);
            band(&mut out, 3_000.0, 2.0, rate_f);
            let period = voice.seconds(1.0 / 40.0).max(1);
            for (index, sample) in out.iter_mut().enumerate() {
                let within = index.checked_rem(period).unwrap_or(0) as f32 / period as f32;
                *sample *= within;
            }
        }
        D::Claves => {
            out = dsp::zeroed(length(0.15))?;
            voice.tone(&mut out, 2_500.0, 2_500.0, 1.0, 0.15, 1.0);
        }
        D::Woodblock => {
            out = dsp::zeroed(length(0.15))?;
            voice.tone(&mut out, 900.0, 880.0, 0.005, 0.12, 1.0);
            voice.tone(&mut out, 2_300.0, 2_300.0, 1.0, 0.05, 0.3);
        }
        D::Cuica => {
            out = dsp::zeroed(length(0.3))?;
            voice.tone(&mut out, 450.0, 750.0, 0.06, 0.3, 1.0);
        }
    }
    edges(&mut out, rate_f);
    Ok(Wave {
        sample_rate: rate,
        data: dsp::to_i16(&out, 0.9)?,
        sample: Some(SampleInfo::default()),
        name: Some(crate::text(&[DRUM_WAVES
            .get(which as usize)
            .copied()
            .unwrap_or("drum")])?),
        copyright: None,
    })
}

/// The sample override of a region that plays a drum wave transposed by `semitones` on `key`.
pub(crate) fn transposed(key: u8, semitones: f32, gain_db: f32) -> SampleInfo {
    let whole = libm::roundf(semitones);
    let unity = (f32::from(key) - whole).clamp(0.0, 127.0);
    SampleInfo {
        unity_note: unity as u8,
        fine_tune: libm::roundf((whole - semitones) * 100.0) as i16,
        gain: crate::articulation::gain_scale(gain_db),
        ..SampleInfo::default()
    }
}

/// All drum waves, in [`D`] order.
pub(crate) fn waves(rate: u32) -> Result<Vec<Wave>, BankError> {
    const ALL: [D; 23] = [
        D::Kick,
        D::Snare,
        D::SideStick,
        D::Clap,
        D::Tom,
        D::HatClosed,
        D::HatOpen,
        D::Crash,
        D::Ride,
        D::RideBell,
        D::Tambourine,
        D::Cowbell,
        D::Vibraslap,
        D::HandDrum,
        D::Timbale,
        D::Agogo,
        D::Shaker,
        D::Whistle,
        D::Guiro,
        D::Claves,
        D::Woodblock,
        D::Cuica,
        D::Triangle,
    ];
    let mut out = Vec::new();
    out.try_reserve_exact(ALL.len())
        .map_err(|_| BankError::OutOfMemory)?;
    for which in ALL {
        out.push(render(which, rate)?);
    }
    Ok(out)
}

/// `sqrt` for the decay scaling above (`f32::sqrt` is not in `core`).
trait SqrtApprox {
    fn sqrt_approx(self) -> f32;
}

impl SqrtApprox for f32 {
    fn sqrt_approx(self) -> f32 {
        libm::sqrtf(self)
    }
}
