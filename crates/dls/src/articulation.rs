//! Articulation semantics: the DLS2 default connections, decoding of DLS1 `art1` / DLS2 `art2`
//! connection blocks and of DirectX 6 `DMUS_ARTICPARAMS`, and the instrument-vs-region rule.
//!
//! # Conventions of the model
//!
//! Connections in the model are always in **DLS2 semantics**, whatever format they came from:
//! readers decode `art1` blocks with [`decode_art1`], `art2` blocks with [`decode_art2`], and
//! `DMUS_ARTICPARAMS` with [`ArticParams::to_connections`]. [`crate::model::Articulation::format`]
//! records the origin only; the engine must not apply DLS1 quirks a second time.
//!
//! Sources are normalised by the engine: 7-bit sources as `x/128` (unipolar [0, 1), bipolar
//! [-1, 1)), pitch wheel as `(pw - 8192)/8192`, LFOs and the vibrato LFO are inherently bipolar
//! (the bipolar bit on an LFO source is informational; the decoders set it).
//!
//! # Decisions
//!
//! * **DLS1 single LFO.** A DLS1 instrument has one LFO driving both pitch and volume. It stays
//!   on the DLS2 *modulation* LFO (`CONN_SRC_LFO`), which in DLS2 can drive pitch and gain too, so
//!   one oscillator with one frequency and delay keeps doing both, phase-coherent, exactly as in
//!   DLS1. spessasynth moves the pitch depth to the vibrato LFO because SoundFont's mod LFO
//!   wiring differs; in a DLS2 engine that move would need the LFO's frequency and delay copied
//!   to the vibrato LFO and changes nothing audible, so we do not do it.
//! * **art1 transform.** `art1` has one transform value (`CONN_TRN_NONE`/`CONCAVE`); it applies to
//!   the source (DLS1 controls are plain CC1 mod-wheel scalings, linear). LFO and pitch-wheel
//!   sources are marked bipolar (FluidSynth `fluid_dls.cpp` forces the same).
//! * **art2 output transform.** DLS2 defines none; a block that sets only the output transform
//!   has it moved onto the source (FluidSynth, spessasynth); if the source already has a curve,
//!   the output transform is dropped.
//! * **Instrument vs region: merge per key.** The effective articulation of a region is the DLS2
//!   defaults, overridden by the instrument's (global) connections, overridden by the region's
//!   connections, each override keyed by `(source, control, destination)`; a key not present
//!   before is added. Within one list, the last block of a key wins. This is Wine's and
//!   spessasynth's reading (instrument = global zone, region = local zone). FluidSynth instead
//!   lets a region `lart` *replace* the instrument's wholesale; we prefer merging because the
//!   defaults are merged the same way (a region that sets only its envelope keeps the
//!   instrument's LFO and filter, which is what a bank author editing one region expects), and
//!   because the two readings agree for the common case of banks that articulate only one level.
//! * **No articulation at all** is accepted (ddksynth fails with `DMUS_E_NOARTICULATION`): the
//!   DLS2 defaults make the region playable, exactly as a `.dls` region without `lart` plays.
//! * **Velocity/CC7/CC11 → gain, concave, not inverted**: the invert flag is forced, because
//!   files (Fury.dls) omit it and the curve only makes sense inverted (FluidSynth, spessasynth).
//!   Applied in [`effective_connections`], so the model keeps the bytes as they were sent.

use alloc::collections::TryReserveError;
use alloc::vec::Vec;

use portcls_sys::dls::{
    CONN_DST_CHORUS, CONN_DST_EG1_ATTACKTIME, CONN_DST_EG1_DECAYTIME, CONN_DST_EG1_DELAYTIME,
    CONN_DST_EG1_HOLDTIME, CONN_DST_EG1_RELEASETIME, CONN_DST_EG1_SHUTDOWNTIME, CONN_DST_EG1_SUSTAINLEVEL,
    CONN_DST_EG2_ATTACKTIME, CONN_DST_EG2_DECAYTIME, CONN_DST_EG2_DELAYTIME, CONN_DST_EG2_HOLDTIME,
    CONN_DST_EG2_RELEASETIME, CONN_DST_EG2_SUSTAINLEVEL, CONN_DST_FILTER_CUTOFF, CONN_DST_FILTER_Q,
    CONN_DST_GAIN, CONN_DST_KEYNUMBER, CONN_DST_LFO_FREQUENCY, CONN_DST_LFO_STARTDELAY, CONN_DST_PAN,
    CONN_DST_PITCH, CONN_DST_REVERB, CONN_DST_VIB_FREQUENCY, CONN_DST_VIB_STARTDELAY, CONN_SRC_CC1,
    CONN_SRC_CC7, CONN_SRC_CC10, CONN_SRC_CC11, CONN_SRC_CC91, CONN_SRC_CC93, CONN_SRC_CHANNELPRESSURE,
    CONN_SRC_EG2, CONN_SRC_KEYNUMBER, CONN_SRC_KEYONVELOCITY, CONN_SRC_LFO, CONN_SRC_NONE,
    CONN_SRC_PITCHWHEEL, CONN_SRC_RPN0, CONN_SRC_RPN1, CONN_SRC_RPN2, CONN_SRC_VIBRATO,
};

use crate::error::ValidationError;
use crate::model::{Connection, Curve, Instrument, Region, Transform};

/// `lScale` meaning "0 seconds" for absolute time destinations (`0x80000000`).
pub const TIME_ZERO: i32 = i32::MIN;
/// `lScale` meaning "filter off" for `CONN_DST_FILTER_CUTOFF` (`0x7FFFFFFF`).
pub const FILTER_OFF: i32 = i32::MAX;
/// 5 Hz as absolute pitch cents × 65536 (`6900 + 1200·log2(5/440)` = −851.3 cents).
pub const LFO_5_HZ: i32 = -55_791_973;
/// 10 ms as time cents × 65536 (`1200·log2(0.010)` = −7972.6 tc).
pub const DELAY_10_MS: i32 = -522_494_111;
/// 15 ms as time cents × 65536 (`1200·log2(0.015)` = −7270.6 tc).
pub const SHUTDOWN_15_MS: i32 = -476_490_788;
/// 96 dB of attenuation in DLS gain units (1/655360 dB).
pub const MINUS_96_DB: i32 = -62_914_560;
/// 100 % (1000 tenths of a percent) × 65536.
pub const FULL_PERCENT: i32 = 1000 << 16;
/// 12800 cents × 65536: key→pitch and pitch wheel × RPN0 full scale (128 semitones at /128).
pub const PITCH_12800: i32 = 12800 << 16;

const NO_TRANSFORM: Transform = Transform {
    source: Curve::Linear,
    source_bipolar: false,
    source_invert: false,
    control: Curve::Linear,
    control_bipolar: false,
    control_invert: false,
    output: Curve::Linear,
};

const BIPOLAR: Transform = Transform {
    source_bipolar: true,
    ..NO_TRANSFORM
};

const CONCAVE_INVERTED: Transform = Transform {
    source: Curve::Concave,
    source_invert: true,
    ..NO_TRANSFORM
};

const fn block(source: u16, control: u16, destination: u16, transform: Transform, scale: i32) -> Connection {
    Connection {
        source,
        control,
        destination,
        transform,
        scale,
    }
}

const fn constant(destination: u16, scale: i32) -> Connection {
    block(CONN_SRC_NONE, CONN_SRC_NONE, destination, NO_TRANSFORM, scale)
}

/// The DLS2 default connections, made explicit (DLS2 spec table, cross-checked with Sonivox
/// `eas_mdls.c`, Wine `set_default_voice_connections` and FluidSynth's DLS defaults; see
/// shared/reference dls-and-synth-engines §2.6). Every region starts from this list.
///
/// Sign conventions: gain is in 1/655360 dB, negative = quieter; velocity/CC7/CC11 → gain is
/// "−96 dB × concave(1 − x)" (concave, inverted), i.e. amplitude `(x/127)²`. CC10 → pan uses
/// Wine's 50.8 % (not 50 %) so that CC10 = 127 reaches full right after the /128 normalisation.
pub const DEFAULT_CONNECTIONS: [Connection; 55] = [
    // Modulation LFO and vibrato LFO.
    constant(CONN_DST_LFO_FREQUENCY, LFO_5_HZ),
    constant(CONN_DST_LFO_STARTDELAY, DELAY_10_MS),
    constant(CONN_DST_VIB_FREQUENCY, LFO_5_HZ),
    constant(CONN_DST_VIB_STARTDELAY, DELAY_10_MS),
    // EG1 (volume).
    constant(CONN_DST_EG1_DELAYTIME, TIME_ZERO),
    constant(CONN_DST_EG1_ATTACKTIME, TIME_ZERO),
    constant(CONN_DST_EG1_HOLDTIME, TIME_ZERO),
    constant(CONN_DST_EG1_DECAYTIME, TIME_ZERO),
    constant(CONN_DST_EG1_SUSTAINLEVEL, FULL_PERCENT),
    constant(CONN_DST_EG1_RELEASETIME, TIME_ZERO),
    constant(CONN_DST_EG1_SHUTDOWNTIME, SHUTDOWN_15_MS),
    block(
        CONN_SRC_KEYONVELOCITY,
        CONN_SRC_NONE,
        CONN_DST_EG1_ATTACKTIME,
        NO_TRANSFORM,
        0,
    ),
    block(
        CONN_SRC_KEYNUMBER,
        CONN_SRC_NONE,
        CONN_DST_EG1_DECAYTIME,
        NO_TRANSFORM,
        0,
    ),
    block(
        CONN_SRC_KEYNUMBER,
        CONN_SRC_NONE,
        CONN_DST_EG1_HOLDTIME,
        NO_TRANSFORM,
        0,
    ),
    // EG2 (pitch and filter).
    constant(CONN_DST_EG2_DELAYTIME, TIME_ZERO),
    constant(CONN_DST_EG2_ATTACKTIME, TIME_ZERO),
    constant(CONN_DST_EG2_HOLDTIME, TIME_ZERO),
    constant(CONN_DST_EG2_DECAYTIME, TIME_ZERO),
    constant(CONN_DST_EG2_SUSTAINLEVEL, FULL_PERCENT),
    constant(CONN_DST_EG2_RELEASETIME, TIME_ZERO),
    block(
        CONN_SRC_KEYONVELOCITY,
        CONN_SRC_NONE,
        CONN_DST_EG2_ATTACKTIME,
        NO_TRANSFORM,
        0,
    ),
    block(
        CONN_SRC_KEYNUMBER,
        CONN_SRC_NONE,
        CONN_DST_EG2_DECAYTIME,
        NO_TRANSFORM,
        0,
    ),
    block(
        CONN_SRC_KEYNUMBER,
        CONN_SRC_NONE,
        CONN_DST_EG2_HOLDTIME,
        NO_TRANSFORM,
        0,
    ),
    // Filter.
    constant(CONN_DST_FILTER_CUTOFF, FILTER_OFF),
    constant(CONN_DST_FILTER_Q, 0),
    block(CONN_SRC_LFO, CONN_SRC_NONE, CONN_DST_FILTER_CUTOFF, BIPOLAR, 0),
    block(CONN_SRC_LFO, CONN_SRC_CC1, CONN_DST_FILTER_CUTOFF, BIPOLAR, 0),
    block(
        CONN_SRC_LFO,
        CONN_SRC_CHANNELPRESSURE,
        CONN_DST_FILTER_CUTOFF,
        BIPOLAR,
        0,
    ),
    block(
        CONN_SRC_EG2,
        CONN_SRC_NONE,
        CONN_DST_FILTER_CUTOFF,
        NO_TRANSFORM,
        0,
    ),
    block(
        CONN_SRC_KEYONVELOCITY,
        CONN_SRC_NONE,
        CONN_DST_FILTER_CUTOFF,
        NO_TRANSFORM,
        0,
    ),
    block(
        CONN_SRC_KEYNUMBER,
        CONN_SRC_NONE,
        CONN_DST_FILTER_CUTOFF,
        NO_TRANSFORM,
        0,
    ),
    // Gain.
    block(CONN_SRC_LFO, CONN_SRC_NONE, CONN_DST_GAIN, BIPOLAR, 0),
    block(CONN_SRC_LFO, CONN_SRC_CC1, CONN_DST_GAIN, BIPOLAR, 0),
    block(CONN_SRC_LFO, CONN_SRC_CHANNELPRESSURE, CONN_DST_GAIN, BIPOLAR, 0),
    block(
        CONN_SRC_KEYONVELOCITY,
        CONN_SRC_NONE,
        CONN_DST_GAIN,
        CONCAVE_INVERTED,
        MINUS_96_DB,
    ),
    block(
        CONN_SRC_CC7,
        CONN_SRC_NONE,
        CONN_DST_GAIN,
        CONCAVE_INVERTED,
        MINUS_96_DB,
    ),
    block(
        CONN_SRC_CC11,
        CONN_SRC_NONE,
        CONN_DST_GAIN,
        CONCAVE_INVERTED,
        MINUS_96_DB,
    ),
    // Pitch.
    constant(CONN_DST_PITCH, 0),
    block(
        CONN_SRC_KEYNUMBER,
        CONN_SRC_NONE,
        CONN_DST_PITCH,
        NO_TRANSFORM,
        PITCH_12800,
    ),
    block(
        CONN_SRC_PITCHWHEEL,
        CONN_SRC_RPN0,
        CONN_DST_PITCH,
        BIPOLAR,
        PITCH_12800,
    ),
    block(CONN_SRC_RPN1, CONN_SRC_NONE, CONN_DST_PITCH, BIPOLAR, 100 << 16),
    block(
        CONN_SRC_RPN2,
        CONN_SRC_NONE,
        CONN_DST_KEYNUMBER,
        BIPOLAR,
        6400 << 16,
    ),
    block(CONN_SRC_VIBRATO, CONN_SRC_NONE, CONN_DST_PITCH, BIPOLAR, 0),
    block(CONN_SRC_VIBRATO, CONN_SRC_CC1, CONN_DST_PITCH, BIPOLAR, 0),
    block(
        CONN_SRC_VIBRATO,
        CONN_SRC_CHANNELPRESSURE,
        CONN_DST_PITCH,
        BIPOLAR,
        0,
    ),
    block(CONN_SRC_LFO, CONN_SRC_NONE, CONN_DST_PITCH, BIPOLAR, 0),
    block(CONN_SRC_LFO, CONN_SRC_CC1, CONN_DST_PITCH, BIPOLAR, 0),
    block(CONN_SRC_LFO, CONN_SRC_CHANNELPRESSURE, CONN_DST_PITCH, BIPOLAR, 0),
    block(CONN_SRC_EG2, CONN_SRC_NONE, CONN_DST_PITCH, NO_TRANSFORM, 0),
    // Output.
    constant(CONN_DST_PAN, 0),
    block(CONN_SRC_CC10, CONN_SRC_NONE, CONN_DST_PAN, BIPOLAR, 508 << 16),
    block(
        CONN_SRC_CC91,
        CONN_SRC_NONE,
        CONN_DST_REVERB,
        NO_TRANSFORM,
        FULL_PERCENT,
    ),
    block(
        CONN_SRC_CC93,
        CONN_SRC_NONE,
        CONN_DST_CHORUS,
        NO_TRANSFORM,
        FULL_PERCENT,
    ),
    constant(CONN_DST_REVERB, 0),
    constant(CONN_DST_CHORUS, 0),
];

/// The identity of a connection for overriding: `(source, control, destination)`.
pub const fn key(connection: &Connection) -> (u16, u16, u16) {
    (connection.source, connection.control, connection.destination)
}

/// The default `lScale` of a key, if the DLS2 defaults define it.
pub fn default_scale(source: u16, control: u16, destination: u16) -> Option<i32> {
    DEFAULT_CONNECTIONS
        .iter()
        .find(|c| key(c) == (source, control, destination))
        .map(|c| c.scale)
}

/// Decodes one DLS1 `art1` connection block into DLS2 semantics (see the module docs).
pub fn decode_art1(source: u16, control: u16, destination: u16, transform: u16, scale: i32) -> Connection {
    // art1 defines only NONE and CONCAVE; anything else (never seen) is read as linear.
    let curve = match transform {
        1 => Curve::Concave,
        _ => Curve::Linear,
    };
    let bipolar = matches!(source, CONN_SRC_LFO | CONN_SRC_VIBRATO | CONN_SRC_PITCHWHEEL);
    Connection {
        source,
        control,
        destination,
        transform: Transform {
            source: curve,
            source_bipolar: bipolar,
            ..NO_TRANSFORM
        },
        scale,
    }
}

/// Decodes one DLS2 `art2` (or download `CONNECTIONLIST`) connection block. Fails only for an
/// undefined curve value; an output transform is moved onto the source (see the module docs).
pub fn decode_art2(
    source: u16,
    control: u16,
    destination: u16,
    transform: u16,
    scale: i32,
) -> Result<Connection, ValidationError> {
    let mut decoded = Transform::from_art2(transform).ok_or(ValidationError::Transform)?;
    if decoded.output != Curve::Linear {
        if decoded.source == Curve::Linear {
            decoded.source = decoded.output;
        }
        decoded.output = Curve::Linear;
    }
    Ok(Connection {
        source,
        control,
        destination,
        transform: decoded,
        scale,
    })
}

/// Whether a connection is a velocity/CC7/CC11 → gain block with a concave curve (the blocks
/// whose invert flag is forced).
const fn needs_forced_invert(connection: &Connection) -> bool {
    matches!(
        connection.source,
        CONN_SRC_KEYONVELOCITY | CONN_SRC_CC7 | CONN_SRC_CC11
    ) && connection.control == CONN_SRC_NONE
        && connection.destination == CONN_DST_GAIN
        && matches!(connection.transform.source, Curve::Concave)
}

/// The connections a region plays with: the DLS2 defaults, overridden per
/// `(source, control, destination)` by the instrument's connections, then by the region's (see
/// the module docs), with the velocity→gain invert quirk applied.
///
/// The result is sorted by `(destination, source, control)` and has one block per key. Runs in
/// `O(n log n)` for `n` input blocks; allocates once (fallibly).
pub fn effective_connections(
    instrument: &Instrument,
    region: &Region,
) -> Result<Vec<Connection>, TryReserveError> {
    let global = instrument
        .articulation
        .as_ref()
        .map_or(&[][..], |a| &a.connections[..]);
    let local = region
        .articulation
        .as_ref()
        .map_or(&[][..], |a| &a.connections[..]);
    let total = DEFAULT_CONNECTIONS
        .len()
        .saturating_add(global.len())
        .saturating_add(local.len());
    // (sequence, connection): later sequence numbers override earlier ones of the same key.
    let mut all: Vec<(usize, Connection)> = Vec::new();
    all.try_reserve_exact(total)?;
    let sources = DEFAULT_CONNECTIONS.iter().chain(global).chain(local);
    for (sequence, connection) in sources.enumerate() {
        let mut connection = *connection;
        if needs_forced_invert(&connection) {
            connection.transform.source_invert = true;
        }
        all.push((sequence, connection));
    }
    all.sort_unstable_by_key(|(sequence, c)| (c.destination, c.source, c.control, *sequence));
    // Keep the last (highest sequence) block of each key.
    let mut out: Vec<Connection> = Vec::new();
    out.try_reserve_exact(all.len())?;
    let mut iter = all.iter().peekable();
    while let Some((_, connection)) = iter.next() {
        let superseded = iter.peek().is_some_and(|(_, next)| key(next) == key(connection));
        if !superseded {
            out.push(*connection);
        }
    }
    Ok(out)
}

/// DirectX 6 fixed articulation (`DMUS_ARTICPARAMS`, 80 bytes), field for field, in the DLS
/// units of the corresponding connection (`× 65536` fixed point, as `lScale`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ArticParams {
    /// `DMUS_LFOPARAMS`.
    pub lfo: LfoParams,
    /// `VolEG` (`DMUS_VEGPARAMS`).
    pub volume_envelope: EnvelopeParams,
    /// `PitchEG` (`DMUS_PEGPARAMS` without its range).
    pub pitch_envelope: EnvelopeParams,
    /// `PitchEG.pcRange`: EG2 → pitch depth.
    pub pitch_envelope_range: i32,
    /// `Misc.ptDefaultPan`.
    pub default_pan: i32,
}

/// `DMUS_LFOPARAMS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LfoParams {
    /// `pcFrequency`: absolute pitch cents.
    pub frequency: i32,
    /// `tcDelay`: time cents.
    pub delay: i32,
    /// `gcVolumeScale`: LFO → gain.
    pub volume_scale: i32,
    /// `pcPitchScale`: LFO → pitch.
    pub pitch_scale: i32,
    /// `gcMWToVolume`: LFO × CC1 → gain.
    pub mod_wheel_to_volume: i32,
    /// `pcMWToPitch`: LFO × CC1 → pitch.
    pub mod_wheel_to_pitch: i32,
}

/// `DMUS_VEGPARAMS` (and the first six fields of `DMUS_PEGPARAMS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EnvelopeParams {
    /// `tcAttack`.
    pub attack: i32,
    /// `tcDecay`.
    pub decay: i32,
    /// `ptSustain` (0.1 % × 65536).
    pub sustain: i32,
    /// `tcRelease`.
    pub release: i32,
    /// `tcVel2Attack`: velocity → attack time.
    pub velocity_to_attack: i32,
    /// `tcKey2Decay`: key → decay time.
    pub key_to_decay: i32,
}

/// The connection each `DMUS_ARTICPARAMS` field is, in field (byte) order.
pub const ARTICPARAMS_KEYS: [(u16, u16, u16); 20] = [
    (CONN_SRC_NONE, CONN_SRC_NONE, CONN_DST_LFO_FREQUENCY),
    (CONN_SRC_NONE, CONN_SRC_NONE, CONN_DST_LFO_STARTDELAY),
    (CONN_SRC_LFO, CONN_SRC_NONE, CONN_DST_GAIN),
    (CONN_SRC_LFO, CONN_SRC_NONE, CONN_DST_PITCH),
    (CONN_SRC_LFO, CONN_SRC_CC1, CONN_DST_GAIN),
    (CONN_SRC_LFO, CONN_SRC_CC1, CONN_DST_PITCH),
    (CONN_SRC_NONE, CONN_SRC_NONE, CONN_DST_EG1_ATTACKTIME),
    (CONN_SRC_NONE, CONN_SRC_NONE, CONN_DST_EG1_DECAYTIME),
    (CONN_SRC_NONE, CONN_SRC_NONE, CONN_DST_EG1_SUSTAINLEVEL),
    (CONN_SRC_NONE, CONN_SRC_NONE, CONN_DST_EG1_RELEASETIME),
    (CONN_SRC_KEYONVELOCITY, CONN_SRC_NONE, CONN_DST_EG1_ATTACKTIME),
    (CONN_SRC_KEYNUMBER, CONN_SRC_NONE, CONN_DST_EG1_DECAYTIME),
    (CONN_SRC_NONE, CONN_SRC_NONE, CONN_DST_EG2_ATTACKTIME),
    (CONN_SRC_NONE, CONN_SRC_NONE, CONN_DST_EG2_DECAYTIME),
    (CONN_SRC_NONE, CONN_SRC_NONE, CONN_DST_EG2_SUSTAINLEVEL),
    (CONN_SRC_NONE, CONN_SRC_NONE, CONN_DST_EG2_RELEASETIME),
    (CONN_SRC_KEYONVELOCITY, CONN_SRC_NONE, CONN_DST_EG2_ATTACKTIME),
    (CONN_SRC_KEYNUMBER, CONN_SRC_NONE, CONN_DST_EG2_DECAYTIME),
    (CONN_SRC_EG2, CONN_SRC_NONE, CONN_DST_PITCH),
    (CONN_SRC_NONE, CONN_SRC_NONE, CONN_DST_PAN),
];

impl ArticParams {
    /// Size of `DMUS_ARTICPARAMS` in bytes.
    pub const SIZE: usize = 80;

    /// The fields as 20 `i32`s in byte order.
    pub const fn values(&self) -> [i32; 20] {
        let (l, v, p) = (&self.lfo, &self.volume_envelope, &self.pitch_envelope);
        [
            l.frequency,
            l.delay,
            l.volume_scale,
            l.pitch_scale,
            l.mod_wheel_to_volume,
            l.mod_wheel_to_pitch,
            v.attack,
            v.decay,
            v.sustain,
            v.release,
            v.velocity_to_attack,
            v.key_to_decay,
            p.attack,
            p.decay,
            p.sustain,
            p.release,
            p.velocity_to_attack,
            p.key_to_decay,
            self.pitch_envelope_range,
            self.default_pan,
        ]
    }

    /// From 20 `i32`s in byte order.
    pub const fn from_values(v: [i32; 20]) -> Self {
        Self {
            lfo: LfoParams {
                frequency: v[0],
                delay: v[1],
                volume_scale: v[2],
                pitch_scale: v[3],
                mod_wheel_to_volume: v[4],
                mod_wheel_to_pitch: v[5],
            },
            volume_envelope: EnvelopeParams {
                attack: v[6],
                decay: v[7],
                sustain: v[8],
                release: v[9],
                velocity_to_attack: v[10],
                key_to_decay: v[11],
            },
            pitch_envelope: EnvelopeParams {
                attack: v[12],
                decay: v[13],
                sustain: v[14],
                release: v[15],
                velocity_to_attack: v[16],
                key_to_decay: v[17],
            },
            pitch_envelope_range: v[18],
            default_pan: v[19],
        }
    }

    /// The 20 connections these parameters stand for, in field order (LFO sources bipolar).
    pub fn to_connections(&self) -> [Connection; 20] {
        let values = self.values();
        let mut out = [constant(CONN_DST_PAN, 0); 20];
        for ((slot, &(source, control, destination)), scale) in
            out.iter_mut().zip(ARTICPARAMS_KEYS.iter()).zip(values)
        {
            let transform = if source == CONN_SRC_LFO {
                BIPOLAR
            } else {
                NO_TRANSFORM
            };
            *slot = block(source, control, destination, transform, scale);
        }
        out
    }

    /// The best fixed-parameter approximation of a connection list (what a port without
    /// INSTRUMENT2 support receives). Lossy: each field takes the last block of its key, or the
    /// DLS2 default; every other connection (velocity→gain overrides, filter, vibrato LFO, DLS2
    /// EG stages, transforms) is dropped.
    pub fn from_connections(connections: &[Connection]) -> Self {
        let mut values = [0i32; 20];
        for (value, &(source, control, destination)) in values.iter_mut().zip(ARTICPARAMS_KEYS.iter()) {
            *value = connections
                .iter()
                .rev()
                .find(|c| key(c) == (source, control, destination))
                .map(|c| c.scale)
                .or_else(|| default_scale(source, control, destination))
                .unwrap_or(0);
        }
        Self::from_values(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Articulation, ArticulationFormat, Patch, Range, WaveLink};
    use alloc::vec;

    fn region(articulation: Option<Articulation>) -> Region {
        Region {
            keys: Range::FULL,
            velocities: Range::FULL,
            key_group: 0,
            self_non_exclusive: false,
            wave_link: WaveLink::default(),
            sample: None,
            articulation,
        }
    }

    fn instrument(articulation: Option<Articulation>) -> Instrument {
        Instrument {
            patch: Patch::default(),
            gm_instrument: false,
            name: None,
            regions: vec![],
            articulation,
            copyright: None,
        }
    }

    fn art(connections: Vec<Connection>) -> Option<Articulation> {
        Some(Articulation {
            format: ArticulationFormat::Dls2,
            connections,
        })
    }

    fn find(list: &[Connection], k: (u16, u16, u16)) -> Option<Connection> {
        list.iter().copied().find(|c| key(c) == k)
    }

    #[test]
    fn defaults_have_unique_keys_and_spec_values() {
        let mut keys: Vec<_> = DEFAULT_CONNECTIONS.iter().map(key).collect();
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n, "duplicate key in the default table");
        assert_eq!(
            default_scale(CONN_SRC_KEYNUMBER, 0, CONN_DST_PITCH),
            Some(12800 * 65536)
        );
        assert_eq!(default_scale(0, 0, CONN_DST_EG1_SUSTAINLEVEL), Some(1000 * 65536));
        assert_eq!(default_scale(0, 0, CONN_DST_FILTER_CUTOFF), Some(0x7FFF_FFFF));
        assert_eq!(
            default_scale(CONN_SRC_CC93, 0, CONN_DST_CHORUS),
            Some(1000 * 65536)
        );
        // 5 Hz and 10 ms, from the unit formulas.
        let hz = 440.0 * libm_exp2((LFO_5_HZ as f64 / 65536.0 - 6900.0) / 1200.0);
        assert!((hz - 5.0).abs() < 1e-4, "{hz}");
        let s = libm_exp2(DELAY_10_MS as f64 / 65536.0 / 1200.0);
        assert!((s - 0.010).abs() < 1e-7, "{s}");
        let s = libm_exp2(SHUTDOWN_15_MS as f64 / 65536.0 / 1200.0);
        assert!((s - 0.015).abs() < 1e-7, "{s}");
        assert_eq!(MINUS_96_DB, -960 * 65536);
    }

    /// 2^x for the tests without std: exp2 via the power series of e^(x ln 2) (plenty precise here).
    fn libm_exp2(x: f64) -> f64 {
        let y = x * core::f64::consts::LN_2;
        let (mut term, mut sum) = (1.0f64, 1.0f64);
        for n in 1..200 {
            term *= y / n as f64;
            sum += term;
        }
        sum
    }

    #[test]
    fn no_articulation_plays_with_the_defaults() {
        let out = effective_connections(&instrument(None), &region(None)).unwrap();
        assert_eq!(out.len(), DEFAULT_CONNECTIONS.len());
        for c in DEFAULT_CONNECTIONS.iter() {
            assert_eq!(find(&out, key(c)), Some(*c));
        }
    }

    #[test]
    fn region_overrides_instrument_per_key_and_keeps_the_rest() {
        let attack = |scale| constant(CONN_DST_EG1_ATTACKTIME, scale);
        let lfo = |scale| constant(CONN_DST_LFO_FREQUENCY, scale);
        let extra = block(CONN_SRC_CC1, 0, CONN_DST_FILTER_CUTOFF, NO_TRANSFORM, 77);
        let inst = instrument(art(vec![attack(100), lfo(200)]));
        let reg = region(art(vec![attack(300), extra, attack(400)]));
        let out = effective_connections(&inst, &reg).unwrap();
        // Region wins (last block of the key within the region list).
        assert_eq!(find(&out, key(&attack(0))).unwrap().scale, 400);
        // Instrument value survives where the region says nothing.
        assert_eq!(find(&out, key(&lfo(0))).unwrap().scale, 200);
        // New keys are added; defaults elsewhere remain.
        assert_eq!(find(&out, key(&extra)), Some(extra));
        assert_eq!(
            find(&out, (0, 0, CONN_DST_EG1_SUSTAINLEVEL)).unwrap().scale,
            FULL_PERCENT
        );
        assert_eq!(out.len(), DEFAULT_CONNECTIONS.len() + 1);
        // One block per key, sorted by (destination, source, control).
        assert!(
            out.windows(2)
                .all(|w| (w[0].destination, w[0].source, w[0].control)
                    < (w[1].destination, w[1].source, w[1].control))
        );
    }

    #[test]
    fn velocity_to_gain_concave_gets_inverted() {
        let raw = decode_art1(CONN_SRC_KEYONVELOCITY, 0, CONN_DST_GAIN, 1, MINUS_96_DB);
        assert!(!raw.transform.source_invert);
        let out = effective_connections(&instrument(art(vec![raw])), &region(None)).unwrap();
        let c = find(&out, key(&raw)).unwrap();
        assert!(c.transform.source_invert);
        assert_eq!(c.transform.source, Curve::Concave);
        // A linear velocity→gain block is left alone.
        let linear = decode_art1(CONN_SRC_CC11, 0, CONN_DST_GAIN, 0, -100);
        let out = effective_connections(&instrument(None), &region(art(vec![linear]))).unwrap();
        assert_eq!(find(&out, key(&linear)), Some(linear));
    }

    #[test]
    fn art1_decoding() {
        let c = decode_art1(CONN_SRC_LFO, CONN_SRC_CC1, CONN_DST_PITCH, 0, 50 << 16);
        assert!(c.transform.source_bipolar);
        assert_eq!(c.source, CONN_SRC_LFO, "DLS1 LFO stays the modulation LFO");
        let c = decode_art1(CONN_SRC_KEYONVELOCITY, 0, CONN_DST_GAIN, 1, 0);
        assert_eq!(c.transform.source, Curve::Concave);
        assert_eq!(c.transform.control, Curve::Linear);
        assert!(!c.transform.source_bipolar);
    }

    #[test]
    fn art2_decoding() {
        // Output-only transform moves to the source.
        let c = decode_art2(2, 0, 1, 0x0001, 5).unwrap();
        assert_eq!(c.transform.source, Curve::Concave);
        assert_eq!(c.transform.output, Curve::Linear);
        // Full bit layout.
        let bits = (1 << 15) | (1 << 14) | (2 << 10) | (1 << 9) | (1 << 8) | (3 << 4);
        let c = decode_art2(2, 0x81, 1, bits, 5).unwrap();
        assert_eq!(c.transform.to_art2(), bits);
        // Undefined curves are refused.
        assert_eq!(decode_art2(2, 0, 1, 4 << 10, 5), Err(ValidationError::Transform));
        assert_eq!(decode_art2(2, 0, 1, 0x00F0, 5), Err(ValidationError::Transform));
    }

    #[test]
    fn articparams_round_trip_and_defaults() {
        let values: [i32; 20] = core::array::from_fn(|i| (i as i32 + 1) * 1000);
        let params = ArticParams::from_values(values);
        assert_eq!(params.values(), values);
        assert_eq!(params.lfo.delay, 2000);
        assert_eq!(params.volume_envelope.sustain, 9000);
        assert_eq!(params.pitch_envelope.key_to_decay, 18000);
        assert_eq!(params.pitch_envelope_range, 19000);
        let connections = params.to_connections();
        assert_eq!(ArticParams::from_connections(&connections), params);
        // An empty list gives the DLS2 defaults.
        let d = ArticParams::from_connections(&[]);
        assert_eq!(d.lfo.frequency, LFO_5_HZ);
        assert_eq!(d.lfo.delay, DELAY_10_MS);
        assert_eq!(d.volume_envelope.attack, TIME_ZERO);
        assert_eq!(d.volume_envelope.sustain, FULL_PERCENT);
        assert_eq!(d.default_pan, 0);
        // Every articparams key has a DLS2 default.
        for (s, c, d) in ARTICPARAMS_KEYS {
            assert!(default_scale(s, c, d).is_some(), "{s:#x} {c:#x} {d:#x}");
        }
    }
}
