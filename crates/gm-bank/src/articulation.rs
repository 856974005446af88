//! Articulation parameters in musical units, turned into DLS2 connection blocks.

use alloc::vec::Vec;

use dls::model::{Articulation, ArticulationFormat, Connection, Transform};
use portcls_sys::dls::{
    CONN_DST_EG1_ATTACKTIME, CONN_DST_EG1_DECAYTIME, CONN_DST_EG1_DELAYTIME, CONN_DST_EG1_HOLDTIME,
    CONN_DST_EG1_RELEASETIME, CONN_DST_EG1_SUSTAINLEVEL, CONN_DST_EG2_ATTACKTIME, CONN_DST_EG2_DECAYTIME,
    CONN_DST_EG2_DELAYTIME, CONN_DST_EG2_HOLDTIME, CONN_DST_EG2_RELEASETIME, CONN_DST_EG2_SUSTAINLEVEL,
    CONN_DST_FILTER_CUTOFF, CONN_DST_FILTER_Q, CONN_DST_GAIN, CONN_DST_LFO_FREQUENCY,
    CONN_DST_LFO_STARTDELAY, CONN_DST_PAN, CONN_DST_PITCH, CONN_DST_VIB_FREQUENCY, CONN_DST_VIB_STARTDELAY,
    CONN_SRC_CC1, CONN_SRC_EG2, CONN_SRC_KEYNUMBER, CONN_SRC_KEYONVELOCITY, CONN_SRC_LFO, CONN_SRC_NONE,
    CONN_SRC_VIBRATO,
};

use crate::BankError;

/// A DAHDSR envelope in seconds (sustain as a fraction 0..1 of full level).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Envelope {
    /// Delay before the attack.
    pub(crate) delay: f32,
    /// Attack time.
    pub(crate) attack: f32,
    /// Hold time at full level.
    pub(crate) hold: f32,
    /// Decay time (DLS: a full 100 % → 0 % fall).
    pub(crate) decay: f32,
    /// Sustain level, 0..1 (a position on the 96 dB scale).
    pub(crate) sustain: f32,
    /// Release time (full scale).
    pub(crate) release: f32,
}

impl Envelope {
    /// An envelope with no delay or hold.
    pub(crate) const fn adsr(attack: f32, decay: f32, sustain: f32, release: f32) -> Self {
        Self {
            delay: 0.0,
            attack,
            hold: 0.0,
            decay,
            sustain,
            release,
        }
    }
}

/// Everything that shapes a program's (or a drum's) sound besides its wave.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Shape {
    /// The volume envelope (EG1).
    pub(crate) volume: Envelope,
    /// Timecents added to EG1 decay per key over 128 keys (negative: high notes decay faster).
    pub(crate) key_to_decay: f32,
    /// Low-pass cutoff in Hz; `None` leaves the filter off.
    pub(crate) cutoff: Option<f32>,
    /// Filter resonance in dB.
    pub(crate) resonance: f32,
    /// Velocity → cutoff in cents (full scale).
    pub(crate) velocity_to_cutoff: f32,
    /// EG2 and its depth on the cutoff in cents.
    pub(crate) filter_envelope: Option<(Envelope, f32)>,
    /// EG2 depth on the pitch in cents (uses `filter_envelope`'s EG2, or a default fast one).
    pub(crate) pitch_envelope: f32,
    /// Vibrato: (rate Hz, depth cents, delay s).
    pub(crate) vibrato: Option<(f32, f32, f32)>,
    /// Tremolo through the modulation LFO: (rate Hz, depth dB).
    pub(crate) tremolo: Option<(f32, f32)>,
    /// Modulation LFO → cutoff in cents (uses the tremolo rate, or 0.3 Hz).
    pub(crate) lfo_to_cutoff: f32,
    /// Pan, -1 (left) .. 1 (right).
    pub(crate) pan: f32,
}

impl Shape {
    /// A plain shape with this volume envelope and nothing else.
    pub(crate) const fn new(volume: Envelope) -> Self {
        Self {
            volume,
            key_to_decay: 0.0,
            cutoff: None,
            resonance: 0.0,
            velocity_to_cutoff: 0.0,
            filter_envelope: None,
            pitch_envelope: 0.0,
            vibrato: None,
            tremolo: None,
            lfo_to_cutoff: 0.0,
            pan: 0.0,
        }
    }

    /// With a low-pass filter.
    pub(crate) const fn filter(mut self, cutoff: f32, resonance: f32) -> Self {
        self.cutoff = Some(cutoff);
        self.resonance = resonance;
        self
    }

    /// With velocity → cutoff (cents, full scale).
    pub(crate) const fn velocity_filter(mut self, cents: f32) -> Self {
        self.velocity_to_cutoff = cents;
        self
    }

    /// With a filter envelope (EG2 → cutoff, cents).
    pub(crate) const fn sweep(mut self, envelope: Envelope, cents: f32) -> Self {
        self.filter_envelope = Some((envelope, cents));
        self
    }

    /// With EG2 → pitch (cents).
    pub(crate) const fn pitch_sweep(mut self, envelope: Envelope, cents: f32) -> Self {
        if self.filter_envelope.is_none() {
            self.filter_envelope = Some((envelope, 0.0));
        }
        self.pitch_envelope = cents;
        self
    }

    /// With a vibrato (rate Hz, depth cents, delay s).
    pub(crate) const fn vibrato(mut self, rate: f32, depth: f32, delay: f32) -> Self {
        self.vibrato = Some((rate, depth, delay));
        self
    }

    /// With a tremolo (rate Hz, depth dB).
    pub(crate) const fn tremolo(mut self, rate: f32, depth: f32) -> Self {
        self.tremolo = Some((rate, depth));
        self
    }

    /// With modulation LFO → cutoff (cents).
    pub(crate) const fn wah(mut self, cents: f32) -> Self {
        self.lfo_to_cutoff = cents;
        self
    }

    /// With key → EG1 decay (timecents over 128 keys).
    pub(crate) const fn key_decay(mut self, timecents: f32) -> Self {
        self.key_to_decay = timecents;
        self
    }

    /// With a pan position (-1..1).
    pub(crate) const fn pan(mut self, pan: f32) -> Self {
        self.pan = pan;
        self
    }
}

/// Absolute time in seconds as a DLS `lScale` (timecents × 65536; 0 s is `0x80000000`).
pub(crate) fn time_scale(seconds: f32) -> i32 {
    if seconds <= 0.0 {
        return i32::MIN;
    }
    let timecents = 1200.0 * libm::log2f(seconds);
    (timecents * 65_536.0) as i32
}

/// An absolute frequency in Hz as a DLS absolute-pitch `lScale` (cents × 65536).
pub(crate) fn pitch_scale(hertz: f32) -> i32 {
    let cents = 6_900.0 + 1_200.0 * libm::log2f(hertz.max(0.1) / 440.0);
    (cents * 65_536.0) as i32
}

/// Relative cents (or timecents) as an `lScale`.
pub(crate) fn relative_scale(cents: f32) -> i32 {
    (cents * 65_536.0) as i32
}

/// A fraction 0..1 (sustain, pan) as a DLS percent `lScale` (0.1 % × 65536).
pub(crate) fn percent_scale(fraction: f32) -> i32 {
    (fraction * 1_000.0 * 65_536.0) as i32
}

/// Decibels as a DLS gain `lScale` (1/655360 dB).
pub(crate) fn gain_scale(decibels: f32) -> i32 {
    (decibels * 655_360.0) as i32
}

/// A block `scale` → `destination` with no source (a constant).
const fn constant(destination: u16, scale: i32) -> Connection {
    Connection {
        source: CONN_SRC_NONE,
        control: CONN_SRC_NONE,
        destination,
        transform: unipolar(),
        scale,
    }
}

/// The default (linear, unipolar) transform.
const fn unipolar() -> Transform {
    Transform {
        source: dls::model::Curve::Linear,
        source_bipolar: false,
        source_invert: false,
        control: dls::model::Curve::Linear,
        control_bipolar: false,
        control_invert: false,
        output: dls::model::Curve::Linear,
    }
}

/// A linear bipolar-source transform (LFOs).
const fn bipolar() -> Transform {
    let mut transform = unipolar();
    transform.source_bipolar = true;
    transform
}

/// Appends the blocks of one envelope to `out`.
fn push_envelope(out: &mut Vec<Connection>, envelope: &Envelope, destinations: [u16; 6]) {
    let [delay, attack, hold, decay, sustain, release] = destinations;
    out.extend([
        constant(delay, time_scale(envelope.delay)),
        constant(attack, time_scale(envelope.attack)),
        constant(hold, time_scale(envelope.hold)),
        constant(decay, time_scale(envelope.decay)),
        constant(sustain, percent_scale(envelope.sustain.clamp(0.0, 1.0))),
        constant(release, time_scale(envelope.release)),
    ]);
}

/// The DLS2 articulation of `shape`.
pub(crate) fn articulation(shape: &Shape) -> Result<Articulation, BankError> {
    let mut connections = Vec::new();
    connections
        .try_reserve_exact(40)
        .map_err(|_| BankError::OutOfMemory)?;
    push_envelope(
        &mut connections,
        &shape.volume,
        [
            CONN_DST_EG1_DELAYTIME,
            CONN_DST_EG1_ATTACKTIME,
            CONN_DST_EG1_HOLDTIME,
            CONN_DST_EG1_DECAYTIME,
            CONN_DST_EG1_SUSTAINLEVEL,
            CONN_DST_EG1_RELEASETIME,
        ],
    );
    if shape.key_to_decay != 0.0 {
        connections.push(Connection {
            source: CONN_SRC_KEYNUMBER,
            control: CONN_SRC_NONE,
            destination: CONN_DST_EG1_DECAYTIME,
            transform: unipolar(),
            scale: relative_scale(shape.key_to_decay),
        });
    }
    if let Some((envelope, _)) = shape.filter_envelope {
        push_envelope(
            &mut connections,
            &envelope,
            [
                CONN_DST_EG2_DELAYTIME,
                CONN_DST_EG2_ATTACKTIME,
                CONN_DST_EG2_HOLDTIME,
                CONN_DST_EG2_DECAYTIME,
                CONN_DST_EG2_SUSTAINLEVEL,
                CONN_DST_EG2_RELEASETIME,
            ],
        );
    }
    if let Some(cutoff) = shape.cutoff {
        connections.push(constant(CONN_DST_FILTER_CUTOFF, pitch_scale(cutoff)));
        connections.push(constant(
            CONN_DST_FILTER_Q,
            gain_scale(shape.resonance.clamp(0.0, 22.5)),
        ));
        if shape.velocity_to_cutoff != 0.0 {
            connections.push(Connection {
                source: CONN_SRC_KEYONVELOCITY,
                control: CONN_SRC_NONE,
                destination: CONN_DST_FILTER_CUTOFF,
                transform: unipolar(),
                scale: relative_scale(shape.velocity_to_cutoff),
            });
        }
        if let Some((_, cents)) = shape.filter_envelope
            && cents != 0.0
        {
            connections.push(Connection {
                source: CONN_SRC_EG2,
                control: CONN_SRC_NONE,
                destination: CONN_DST_FILTER_CUTOFF,
                transform: unipolar(),
                scale: relative_scale(cents),
            });
        }
        if shape.lfo_to_cutoff != 0.0 {
            connections.push(Connection {
                source: CONN_SRC_LFO,
                control: CONN_SRC_NONE,
                destination: CONN_DST_FILTER_CUTOFF,
                transform: bipolar(),
                scale: relative_scale(shape.lfo_to_cutoff),
            });
        }
    }
    if shape.pitch_envelope != 0.0 {
        connections.push(Connection {
            source: CONN_SRC_EG2,
            control: CONN_SRC_NONE,
            destination: CONN_DST_PITCH,
            transform: unipolar(),
            scale: relative_scale(shape.pitch_envelope),
        });
    }
    // Vibrato: the program's own, plus the GM mod wheel (CC1 × vibrato, 50 cents).
    let (vibrato_rate, vibrato_depth, vibrato_delay) = shape.vibrato.unwrap_or((5.5, 0.0, 0.0));
    connections.push(constant(CONN_DST_VIB_FREQUENCY, pitch_scale(vibrato_rate)));
    connections.push(constant(CONN_DST_VIB_STARTDELAY, time_scale(vibrato_delay)));
    if vibrato_depth != 0.0 {
        connections.push(Connection {
            source: CONN_SRC_VIBRATO,
            control: CONN_SRC_NONE,
            destination: CONN_DST_PITCH,
            transform: bipolar(),
            scale: relative_scale(vibrato_depth),
        });
    }
    connections.push(Connection {
        source: CONN_SRC_VIBRATO,
        control: CONN_SRC_CC1,
        destination: CONN_DST_PITCH,
        transform: bipolar(),
        scale: relative_scale(50.0),
    });
    let lfo_rate = shape.tremolo.map_or(0.3, |(rate, _)| rate);
    if shape.tremolo.is_some() || shape.lfo_to_cutoff != 0.0 {
        connections.push(constant(CONN_DST_LFO_FREQUENCY, pitch_scale(lfo_rate)));
        connections.push(constant(CONN_DST_LFO_STARTDELAY, time_scale(0.0)));
    }
    if let Some((_, depth)) = shape.tremolo {
        connections.push(Connection {
            source: CONN_SRC_LFO,
            control: CONN_SRC_NONE,
            destination: CONN_DST_GAIN,
            transform: bipolar(),
            scale: gain_scale(depth.clamp(0.0, 12.0)),
        });
    }
    if shape.pan != 0.0 {
        connections.push(constant(
            CONN_DST_PAN,
            percent_scale(shape.pan.clamp(-1.0, 1.0) * 0.5),
        ));
    }
    Ok(Articulation {
        format: ArticulationFormat::Dls2,
        connections,
    })
}
