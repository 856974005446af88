//! Compiled articulation: a region's DLS connection blocks turned into engine units and sorted
//! by when they must be evaluated.
//!
//! The effective connection list of a region (DLS2 defaults, then the instrument's blocks, then
//! the region's, merged per `(source, control, destination)`) comes from
//! [`dls::articulation::effective_connections`]. [`CompiledArticulation::compile`] then
//!
//! * converts each `lScale` to the destination's engine unit once (dB, cents, ‰, time cents,
//!   absolute cents, dB of resonance),
//! * folds constant blocks (no source, no control) into [`CompiledArticulation::constant`],
//! * drops blocks with a zero scale or a source, control or destination the engine does not know
//!   (DLS says unknown connections are ignored),
//! * and sorts the rest into three lists by what makes them change:
//!   - `note_on`: evaluated once at note-on: blocks whose inputs are fixed for the note (velocity,
//!     key number), and *every* block aimed at a note-on-only destination (EG and LFO parameters,
//!     key number), which DLS samples at note-on whatever the source;
//!   - `channel`: evaluated when one of the channel's controllers changes (CCs, pitch wheel,
//!     pressures, RPNs);
//!   - `time`: evaluated at every control update (LFO, vibrato LFO, EG1 or EG2 as source or
//!     control).
//!
//! # Source normalisation and transforms (decisions)
//!
//! Every source yields `x` in [0, 1): 7-bit values `v/128`, 14-bit values `v/16384`, EGs their
//! level in [0, 1]. The two LFOs are inherently bipolar ([-1, 1]); their transform is ignored
//! except for the invert flag (negation). For the others:
//! 1. curves work on `u = min(x·128/127, 1)` so that 7-bit sources reach 1 at 127 (the DLS curve
//!    definitions are over 0..127); linear keeps `x` (the /128 scales: key·12800/128 = 100 cents
//!    per key),
//! 2. invert maps `u → 1 − u` (before the curve),
//! 3. the curve (linear, concave, convex, switch at 0.5),
//! 4. bipolar maps `y → 2y − 1`.
//!
//! The output is `scale × T(source) × T(control)`; no control means a factor of 1.

use alloc::vec::Vec;

use dls::model::{Connection, Curve, Instrument, Region};
use portcls_sys::dls as c;

use crate::EngineError;

/// Destinations the engine implements, as indexes into the per-voice value arrays.
pub mod dest {
    /// Gain, dB (negative = quieter).
    pub const GAIN: usize = 0;
    /// Pitch, cents.
    pub const PITCH: usize = 1;
    /// Pan, ‰ (−500 = left, +500 = right).
    pub const PAN: usize = 2;
    /// Reverb send, ‰.
    pub const REVERB: usize = 3;
    /// Chorus send, ‰.
    pub const CHORUS: usize = 4;
    /// Filter cutoff, absolute cents.
    pub const CUTOFF: usize = 5;
    /// Filter resonance, dB.
    pub const Q: usize = 6;
    /// Number of destinations re-evaluated during a note.
    pub const REALTIME: usize = 7;
    /// Key number offset, cents (note-on).
    pub const KEYNUMBER: usize = 7;
    /// Modulation LFO frequency, absolute cents.
    pub const LFO_FREQUENCY: usize = 8;
    /// Modulation LFO delay, time cents.
    pub const LFO_DELAY: usize = 9;
    /// Vibrato LFO frequency, absolute cents.
    pub const VIB_FREQUENCY: usize = 10;
    /// Vibrato LFO delay, time cents.
    pub const VIB_DELAY: usize = 11;
    /// EG1 delay, attack, hold, decay (time cents), sustain (‰), release, shutdown (time cents).
    pub const EG1: usize = 12;
    /// EG2 delay, attack, hold, decay (time cents), sustain (‰), release (time cents).
    pub const EG2: usize = 19;
    /// Total.
    pub const COUNT: usize = 25;
    /// Offsets inside an EG block.
    pub const DELAY: usize = 0;
    /// Attack offset.
    pub const ATTACK: usize = 1;
    /// Hold offset.
    pub const HOLD: usize = 2;
    /// Decay offset.
    pub const DECAY: usize = 3;
    /// Sustain offset.
    pub const SUSTAIN: usize = 4;
    /// Release offset.
    pub const RELEASE: usize = 5;
    /// Shutdown offset (EG1 only).
    pub const SHUTDOWN: usize = 6;
}

/// Per-voice destination values.
pub type DestValues = [f32; dest::COUNT];

/// Sources, as compact codes; `0x80 | n` is CC n.
pub mod source {
    /// No source (constant 1).
    pub const NONE: u8 = 0;
    /// Modulation LFO (bipolar).
    pub const LFO: u8 = 1;
    /// Note-on velocity.
    pub const VELOCITY: u8 = 2;
    /// Key number.
    pub const KEY: u8 = 3;
    /// EG1 level.
    pub const EG1: u8 = 4;
    /// EG2 level.
    pub const EG2: u8 = 5;
    /// Pitch wheel.
    pub const PITCH_WHEEL: u8 = 6;
    /// Polyphonic pressure of the voice's key.
    pub const POLY_PRESSURE: u8 = 7;
    /// Channel pressure.
    pub const CHANNEL_PRESSURE: u8 = 8;
    /// Vibrato LFO (bipolar).
    pub const VIBRATO: u8 = 9;
    /// RPN 0, pitch-bend range (semitones/128).
    pub const RPN0: u8 = 10;
    /// RPN 1, fine tune (14-bit).
    pub const RPN1: u8 = 11;
    /// RPN 2, coarse tune (7-bit MSB).
    pub const RPN2: u8 = 12;
    /// First CC code.
    pub const CC: u8 = 0x80;

    /// Whether the source varies with time during a note.
    pub const fn is_time(code: u8) -> bool {
        matches!(code, LFO | VIBRATO | EG1 | EG2)
    }

    /// Whether the source is a channel controller.
    pub const fn is_channel(code: u8) -> bool {
        matches!(
            code,
            PITCH_WHEEL | POLY_PRESSURE | CHANNEL_PRESSURE | RPN0 | RPN1 | RPN2
        ) || code >= CC
    }
}

/// A decoded source or control transform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// The curve.
    pub curve: Curve,
    /// Map to [-1, 1).
    pub bipolar: bool,
    /// Invert.
    pub invert: bool,
}

/// One compiled connection.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Op {
    /// Source code (see [`source`]).
    pub source: u8,
    /// Control code.
    pub control: u8,
    /// Destination index (see [`dest`]).
    pub destination: u8,
    /// Source transform.
    pub source_shape: Shape,
    /// Control transform.
    pub control_shape: Shape,
    /// Scale in the destination's engine unit.
    pub scale: f32,
    /// Which inputs vary with time: [`MOVING_SOURCE`] | [`MOVING_CONTROL`] (0 for none).
    pub moving: u8,
}

/// [`Op::moving`] bit: the source varies with time (LFO, vibrato, EG1, EG2).
pub const MOVING_SOURCE: u8 = 1;
/// [`Op::moving`] bit: the control varies with time.
pub const MOVING_CONTROL: u8 = 2;

/// A region's compiled articulation.
#[derive(Clone, Debug)]
pub struct CompiledArticulation {
    /// Sum of the constant blocks per destination.
    pub constant: DestValues,
    /// Evaluated at note-on.
    pub note_on: Vec<Op>,
    /// Evaluated when a channel controller changes.
    pub channel: Vec<Op>,
    /// Evaluated at every control update.
    pub time: Vec<Op>,
    /// The filter's initial cutoff was not "off" (`0x7FFFFFFF`).
    pub filter_enabled: bool,
}

fn map_source(code: u16) -> Option<u8> {
    Some(match code {
        c::CONN_SRC_NONE => source::NONE,
        c::CONN_SRC_LFO => source::LFO,
        c::CONN_SRC_KEYONVELOCITY => source::VELOCITY,
        c::CONN_SRC_KEYNUMBER => source::KEY,
        c::CONN_SRC_EG1 => source::EG1,
        c::CONN_SRC_EG2 => source::EG2,
        c::CONN_SRC_PITCHWHEEL => source::PITCH_WHEEL,
        c::CONN_SRC_POLYPRESSURE => source::POLY_PRESSURE,
        c::CONN_SRC_CHANNELPRESSURE | c::CONN_SRC_MONOPRESSURE => source::CHANNEL_PRESSURE,
        c::CONN_SRC_VIBRATO => source::VIBRATO,
        c::CONN_SRC_RPN0 => source::RPN0,
        c::CONN_SRC_RPN1 => source::RPN1,
        c::CONN_SRC_RPN2 => source::RPN2,
        0x80..=0xFF => code as u8,
        _ => return None,
    })
}

/// Destination index and the divisor from `lScale` to the engine unit.
fn map_destination(code: u16) -> Option<(usize, f32)> {
    const UNIT: f32 = 65536.0;
    const TENTH: f32 = 655_360.0;
    Some(match code {
        c::CONN_DST_GAIN => (dest::GAIN, TENTH),
        c::CONN_DST_PITCH => (dest::PITCH, UNIT),
        c::CONN_DST_PAN => (dest::PAN, UNIT),
        c::CONN_DST_KEYNUMBER => (dest::KEYNUMBER, UNIT),
        c::CONN_DST_REVERB => (dest::REVERB, UNIT),
        c::CONN_DST_CHORUS => (dest::CHORUS, UNIT),
        c::CONN_DST_FILTER_CUTOFF => (dest::CUTOFF, UNIT),
        c::CONN_DST_FILTER_Q => (dest::Q, TENTH),
        c::CONN_DST_LFO_FREQUENCY => (dest::LFO_FREQUENCY, UNIT),
        c::CONN_DST_LFO_STARTDELAY => (dest::LFO_DELAY, UNIT),
        c::CONN_DST_VIB_FREQUENCY => (dest::VIB_FREQUENCY, UNIT),
        c::CONN_DST_VIB_STARTDELAY => (dest::VIB_DELAY, UNIT),
        c::CONN_DST_EG1_DELAYTIME => (dest::EG1 + dest::DELAY, UNIT),
        c::CONN_DST_EG1_ATTACKTIME => (dest::EG1 + dest::ATTACK, UNIT),
        c::CONN_DST_EG1_HOLDTIME => (dest::EG1 + dest::HOLD, UNIT),
        c::CONN_DST_EG1_DECAYTIME => (dest::EG1 + dest::DECAY, UNIT),
        c::CONN_DST_EG1_SUSTAINLEVEL => (dest::EG1 + dest::SUSTAIN, UNIT),
        c::CONN_DST_EG1_RELEASETIME => (dest::EG1 + dest::RELEASE, UNIT),
        c::CONN_DST_EG1_SHUTDOWNTIME => (dest::EG1 + dest::SHUTDOWN, UNIT),
        c::CONN_DST_EG2_DELAYTIME => (dest::EG2 + dest::DELAY, UNIT),
        c::CONN_DST_EG2_ATTACKTIME => (dest::EG2 + dest::ATTACK, UNIT),
        c::CONN_DST_EG2_HOLDTIME => (dest::EG2 + dest::HOLD, UNIT),
        c::CONN_DST_EG2_DECAYTIME => (dest::EG2 + dest::DECAY, UNIT),
        c::CONN_DST_EG2_SUSTAINLEVEL => (dest::EG2 + dest::SUSTAIN, UNIT),
        c::CONN_DST_EG2_RELEASETIME => (dest::EG2 + dest::RELEASE, UNIT),
        _ => return None,
    })
}

fn shape(curve: Curve, bipolar: bool, invert: bool) -> Shape {
    Shape {
        curve,
        bipolar,
        invert,
    }
}

impl CompiledArticulation {
    /// Compiles the effective connections of `region` in `instrument` (allocates).
    pub fn compile(instrument: &Instrument, region: &Region) -> Result<Self, EngineError> {
        let connections = dls::articulation::effective_connections(instrument, region)
            .map_err(|_| EngineError::OutOfMemory)?;
        Self::from_connections(&connections)
    }

    /// Compiles an already-merged connection list (allocates).
    pub fn from_connections(connections: &[Connection]) -> Result<Self, EngineError> {
        let mut out = Self {
            constant: [0.0; dest::COUNT],
            note_on: Vec::new(),
            channel: Vec::new(),
            time: Vec::new(),
            filter_enabled: true,
        };
        let reserve = |v: &mut Vec<Op>| {
            v.try_reserve_exact(connections.len())
                .map_err(|_| EngineError::OutOfMemory)
        };
        reserve(&mut out.note_on)?;
        reserve(&mut out.channel)?;
        reserve(&mut out.time)?;
        for connection in connections {
            let (Some(src), Some(ctl), Some((destination, divisor))) = (
                map_source(connection.source),
                map_source(connection.control),
                map_destination(connection.destination),
            ) else {
                continue;
            };
            if destination == dest::CUTOFF
                && src == source::NONE
                && ctl == source::NONE
                && connection.scale == i32::MAX
            {
                out.filter_enabled = false;
                continue;
            }
            if connection.scale == 0 {
                continue;
            }
            let scale = connection.scale as f32 / divisor;
            let t = connection.transform;
            let op = Op {
                source: src,
                control: ctl,
                destination: destination as u8,
                source_shape: shape(t.source, t.source_bipolar, t.source_invert),
                control_shape: shape(t.control, t.control_bipolar, t.control_invert),
                scale,
                moving: if source::is_time(src) { MOVING_SOURCE } else { 0 }
                    | if source::is_time(ctl) { MOVING_CONTROL } else { 0 },
            };
            if src == source::NONE && ctl == source::NONE {
                if let Some(slot) = out.constant.get_mut(destination) {
                    *slot += scale;
                }
            } else if destination >= dest::REALTIME {
                out.note_on.push(op);
            } else if source::is_time(src) || source::is_time(ctl) {
                out.time.push(op);
            } else if source::is_channel(src) || source::is_channel(ctl) {
                out.channel.push(op);
            } else {
                out.note_on.push(op);
            }
        }
        Ok(out)
    }
}
