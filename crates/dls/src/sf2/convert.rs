//! Flattening SoundFont presets into DLS instruments (see the mapping table in the module docs
//! of [`crate::sf2`]).
//!
//! Host-only code: every arithmetic operand is a generator amount (16-bit, clamped to its SF2
//! range) or a 32-bit sample position widened to `i64`, so no expression here can overflow;
//! scales are built with saturating multiplication.
#![allow(clippy::arithmetic_side_effects)]

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::vec::Vec;

use portcls_sys::dls as c;

use super::Sf2Error;
use super::hydra::{Bag, Generator, Hydra, Modulator};
use crate::model::{
    Articulation, ArticulationFormat, Collection, Connection, Curve, Info, Instrument, Loop, LoopKind, Patch,
    Range, Region, SampleInfo, Transform, Wave, WaveLink,
};

// ---- generator operators (SF2.04 §8.1.2) ----
const START_OFFSET: usize = 0;
const END_OFFSET: usize = 1;
const START_LOOP_OFFSET: usize = 2;
const END_LOOP_OFFSET: usize = 3;
const START_COARSE_OFFSET: usize = 4;
const MOD_LFO_TO_PITCH: usize = 5;
const VIB_LFO_TO_PITCH: usize = 6;
const MOD_ENV_TO_PITCH: usize = 7;
const INITIAL_FILTER_FC: usize = 8;
const INITIAL_FILTER_Q: usize = 9;
const MOD_LFO_TO_FILTER_FC: usize = 10;
const MOD_ENV_TO_FILTER_FC: usize = 11;
const END_COARSE_OFFSET: usize = 12;
const MOD_LFO_TO_VOLUME: usize = 13;
const CHORUS_SEND: usize = 15;
const REVERB_SEND: usize = 16;
const PAN: usize = 17;
const DELAY_MOD_LFO: usize = 21;
const FREQ_MOD_LFO: usize = 22;
const DELAY_VIB_LFO: usize = 23;
const FREQ_VIB_LFO: usize = 24;
const DELAY_MOD_ENV: usize = 25;
const SUSTAIN_MOD_ENV: usize = 29;
const KEYNUM_TO_MOD_ENV_HOLD: usize = 31;
const KEYNUM_TO_MOD_ENV_DECAY: usize = 32;
const DELAY_VOL_ENV: usize = 33;
const SUSTAIN_VOL_ENV: usize = 37;
const KEYNUM_TO_VOL_ENV_HOLD: usize = 39;
const KEYNUM_TO_VOL_ENV_DECAY: usize = 40;
const INSTRUMENT: usize = 41;
const KEY_RANGE: usize = 43;
const VEL_RANGE: usize = 44;
const START_LOOP_COARSE_OFFSET: usize = 45;
const INITIAL_ATTENUATION: usize = 48;
const END_LOOP_COARSE_OFFSET: usize = 50;
const COARSE_TUNE: usize = 51;
const FINE_TUNE: usize = 52;
const SAMPLE_ID: usize = 53;
const SAMPLE_MODES: usize = 54;
const SCALE_TUNING: usize = 56;
const EXCLUSIVE_CLASS: usize = 57;
const OVERRIDING_ROOT_KEY: usize = 58;
const GENERATOR_COUNT: usize = 61;

/// Modulators kept per zone (further ones are dropped).
const MAX_ZONE_MODULATORS: usize = 64;

/// Generators that only mean something at instrument level (ignored in presets, SF2.04 §8.5).
const INSTRUMENT_ONLY: [usize; 14] = [0, 1, 2, 3, 4, 12, 45, 46, 47, 50, 53, 54, 57, 58];

/// `(default, min, max)` of a generator's effective value (SF2.04 §8.1.3).
fn limits(generator: usize) -> (i32, i32, i32) {
    match generator {
        MOD_LFO_TO_PITCH | VIB_LFO_TO_PITCH | MOD_ENV_TO_PITCH => (0, -12000, 12000),
        INITIAL_FILTER_FC => (13500, 1500, 13500),
        INITIAL_FILTER_Q => (0, 0, 960),
        MOD_LFO_TO_FILTER_FC | MOD_ENV_TO_FILTER_FC => (0, -12000, 12000),
        MOD_LFO_TO_VOLUME => (0, -960, 960),
        CHORUS_SEND | REVERB_SEND => (0, 0, 1000),
        PAN => (0, -500, 500),
        DELAY_MOD_LFO | DELAY_VIB_LFO | DELAY_MOD_ENV | DELAY_VOL_ENV => (-12000, -12000, 5000),
        FREQ_MOD_LFO | FREQ_VIB_LFO => (0, -16000, 4500),
        26 | 34 => (-12000, -12000, 8000),           // attack
        27 | 35 => (-12000, -12000, 5000),           // hold
        28 | 30 | 36 | 38 => (-12000, -12000, 8000), // decay, release
        SUSTAIN_MOD_ENV => (0, 0, 1000),
        SUSTAIN_VOL_ENV => (0, 0, 1440),
        KEYNUM_TO_MOD_ENV_HOLD
        | KEYNUM_TO_MOD_ENV_DECAY
        | KEYNUM_TO_VOL_ENV_HOLD
        | KEYNUM_TO_VOL_ENV_DECAY => (0, -1200, 1200),
        INITIAL_ATTENUATION => (0, 0, 1440),
        COARSE_TUNE => (0, -120, 120),
        FINE_TUNE => (0, -99, 99),
        SCALE_TUNING => (100, 0, 1200),
        EXCLUSIVE_CLASS => (0, 0, 127),
        OVERRIDING_ROOT_KEY => (-1, -1, 127),
        _ => (0, i32::from(i16::MIN), i32::from(i16::MAX)),
    }
}

/// One zone: generator amounts as set (raw), and its modulators.
#[derive(Clone)]
struct Zone {
    generators: [Option<u16>; GENERATOR_COUNT],
    modulators: Vec<Modulator>,
}

impl Zone {
    fn empty() -> Self {
        Self {
            generators: [None; GENERATOR_COUNT],
            modulators: Vec::new(),
        }
    }

    fn get(&self, generator: usize) -> Option<u16> {
        self.generators.get(generator).copied().flatten()
    }

    /// This zone's generators over `base`'s (a global zone).
    fn over(&self, base: &Zone) -> Zone {
        let mut out = base.clone();
        for (slot, own) in out.generators.iter_mut().zip(self.generators.iter()) {
            if own.is_some() {
                *slot = *own;
            }
        }
        out.modulators = merge_replacing(&base.modulators, &self.modulators);
        out
    }
}

fn range_of(raw: Option<u16>) -> Range {
    match raw {
        Some(amount) => {
            let [low, high] = amount.to_le_bytes();
            Range {
                low: low.min(127),
                high: high.min(127),
            }
        }
        None => Range::FULL,
    }
}

fn intersect(a: Range, b: Range) -> Option<Range> {
    let low = a.low.max(b.low);
    let high = a.high.min(b.high);
    (low <= high).then_some(Range { low, high })
}

/// Two modulators are "identical" when all but the amount match (SF2.04 §9.5.1).
fn same_modulator(a: &Modulator, b: &Modulator) -> bool {
    a.source == b.source
        && a.destination == b.destination
        && a.amount_source == b.amount_source
        && a.transform == b.transform
}

/// Instrument-level rule: a local modulator replaces an identical one, else is added.
fn merge_replacing(base: &[Modulator], local: &[Modulator]) -> Vec<Modulator> {
    let mut out = base.to_vec();
    for m in local {
        match out.iter_mut().find(|o| same_modulator(o, m)) {
            Some(existing) => *existing = *m,
            None => out.push(*m),
        }
    }
    out
}

/// Preset-level rule: preset modulators add to identical instrument ones.
fn merge_adding(base: &[Modulator], preset: &[Modulator]) -> Vec<Modulator> {
    let mut out = base.to_vec();
    for m in preset {
        match out.iter_mut().find(|o| same_modulator(o, m)) {
            Some(existing) => existing.amount = existing.amount.saturating_add(m.amount),
            None => out.push(*m),
        }
    }
    out
}

const fn modulator(source: u16, destination: u16, amount: i16, amount_source: u16) -> Modulator {
    Modulator {
        source,
        destination,
        amount,
        amount_source,
        transform: 0,
    }
}

/// SF2.04 default modulators (§8.4), without velocity → filter cutoff (dropped, see docs).
const DEFAULT_MODULATORS: [Modulator; 9] = [
    modulator(0x0502, INITIAL_ATTENUATION as u16, 960, 0), // velocity → attenuation
    modulator(0x000D, VIB_LFO_TO_PITCH as u16, 50, 0),     // channel pressure → vibrato
    modulator(0x0081, VIB_LFO_TO_PITCH as u16, 50, 0),     // CC1 → vibrato
    modulator(0x0587, INITIAL_ATTENUATION as u16, 960, 0), // CC7 → attenuation
    modulator(0x028A, PAN as u16, 1000, 0),                // CC10 → pan
    modulator(0x058B, INITIAL_ATTENUATION as u16, 960, 0), // CC11 → attenuation
    modulator(0x00DB, REVERB_SEND as u16, 200, 0),         // CC91 → reverb
    modulator(0x00DD, CHORUS_SEND as u16, 200, 0),         // CC93 → chorus
    modulator(0x020E, FINE_TUNE as u16, 12700, 0x0010),    // pitch wheel × RPN0 → pitch
];

/// Default modulators whose effect the DLS2 default connections already have.
fn covered_by_dls_defaults(m: &Modulator) -> bool {
    [0usize, 3, 4, 5, 8]
        .iter()
        .filter_map(|&i| DEFAULT_MODULATORS.get(i))
        .any(|d| d == m)
}

fn zones_of(
    bags: &[Bag],
    generators: &[Generator],
    modulators: &[Modulator],
    first: u16,
    next: u16,
) -> Result<Vec<Zone>, Sf2Error> {
    let mut zones = Vec::new();
    for bag in first..next {
        let (Some(this), Some(following)) = (
            bags.get(usize::from(bag)),
            bags.get(usize::from(bag).saturating_add(1)),
        ) else {
            return Err(Sf2Error::BadIndex("bag"));
        };
        let mut zone = Zone::empty();
        let gens = generators
            .get(usize::from(this.generator)..usize::from(following.generator))
            .ok_or(Sf2Error::BadIndex("generator"))?;
        for g in gens {
            if let Some(slot) = zone.generators.get_mut(usize::from(g.operator)) {
                *slot = Some(g.amount);
            }
        }
        // Modulator tables may be absent (tolerated): then there are none.
        if let Some(mods) = modulators.get(usize::from(this.modulator)..usize::from(following.modulator)) {
            // Real banks have a handful per zone; the cap keeps the quadratic merges bounded.
            zone.modulators = merge_replacing(&[], mods.get(..MAX_ZONE_MODULATORS).unwrap_or(mods));
        }
        zones.push(zone);
    }
    Ok(zones)
}

/// Splits zones into (global, locals) by whether the first zone lacks the terminal generator.
fn split_global(mut zones: Vec<Zone>, terminal: usize) -> (Zone, Vec<Zone>) {
    if zones.first().is_some_and(|z| z.get(terminal).is_none()) {
        let global = zones.remove(0);
        (global, zones)
    } else {
        (Zone::empty(), zones)
    }
}

/// Effective generator value: instrument value (or default) + preset value, clamped.
fn value(instrument: &Zone, preset: &Zone, generator: usize) -> i32 {
    let (default, min, max) = limits(generator);
    let own = instrument.get(generator).map_or(default, |v| i32::from(v as i16));
    let add = if INSTRUMENT_ONLY.contains(&generator) {
        0
    } else {
        preset.get(generator).map_or(0, |v| i32::from(v as i16))
    };
    own.saturating_add(add).clamp(min, max)
}

fn raw_value(instrument: &Zone, generator: usize) -> i32 {
    instrument.get(generator).map_or(0, |v| i32::from(v as i16))
}

fn scale(value: i64) -> i32 {
    value
        .saturating_mul(65536)
        .clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

fn constant(destination: u16, scale_value: i32) -> Connection {
    Connection {
        source: c::CONN_SRC_NONE,
        control: c::CONN_SRC_NONE,
        destination,
        transform: Transform::default(),
        scale: scale_value,
    }
}

fn modulated(source: u16, destination: u16, scale_value: i32) -> Connection {
    let bipolar = matches!(source, c::CONN_SRC_LFO | c::CONN_SRC_VIBRATO);
    Connection {
        source,
        control: c::CONN_SRC_NONE,
        destination,
        transform: Transform {
            source_bipolar: bipolar,
            ..Transform::default()
        },
        scale: scale_value,
    }
}

/// An SF2 modulator source operand as (DLS source, curve, bipolar, invert); `None` when DLS
/// has no such source (or it is a link).
fn source(operand: u16) -> Option<(u16, Curve, bool, bool)> {
    let index = operand & 0x7F;
    let dls = if operand & 0x80 != 0 {
        0x80 | index
    } else {
        match index {
            0 => c::CONN_SRC_NONE,
            2 => c::CONN_SRC_KEYONVELOCITY,
            3 => c::CONN_SRC_KEYNUMBER,
            10 => c::CONN_SRC_POLYPRESSURE,
            13 => c::CONN_SRC_CHANNELPRESSURE,
            14 => c::CONN_SRC_PITCHWHEEL,
            16 => c::CONN_SRC_RPN0,
            _ => return None,
        }
    };
    let curve = Curve::from_bits(operand >> 10)?;
    Some((dls, curve, operand & 0x200 != 0, operand & 0x100 != 0))
}

/// Converts one (merged) SF2 modulator into a DLS connection, where DLS can express it.
fn convert_modulator(m: &Modulator) -> Option<Connection> {
    if m.transform != 0 || m.source & 0x7F == 127 && m.source & 0x80 == 0 {
        return None; // absolute-value transform, or a linked modulator
    }
    let (src, src_curve, src_bipolar, src_invert) = source(m.source)?;
    let (ctl, ctl_curve, ctl_bipolar, ctl_invert) = source(m.amount_source)?;
    if src == c::CONN_SRC_NONE {
        return None; // SF2: a modulator without a primary source contributes nothing
    }
    let amount = i64::from(m.amount);
    let mut transform = Transform {
        source: src_curve,
        source_bipolar: src_bipolar,
        source_invert: src_invert,
        control: ctl_curve,
        control_bipolar: ctl_bipolar,
        control_invert: ctl_invert,
        output: Curve::Linear,
    };
    // Destinations that are themselves depths of an LFO/EG: the LFO/EG becomes the source and
    // the modulator's source the control.
    let via = |lfo: u16, destination: u16, value: i64| -> Option<Connection> {
        if ctl != c::CONN_SRC_NONE {
            return None;
        }
        let t = Transform {
            source: Curve::Linear,
            source_bipolar: matches!(lfo, c::CONN_SRC_LFO | c::CONN_SRC_VIBRATO),
            source_invert: false,
            control: src_curve,
            control_bipolar: src_bipolar,
            control_invert: src_invert,
            output: Curve::Linear,
        };
        Some(Connection {
            source: lfo,
            control: src,
            destination,
            transform: t,
            scale: scale(value),
        })
    };
    let (destination, value) = match usize::from(m.destination) {
        MOD_LFO_TO_PITCH => return via(c::CONN_SRC_LFO, c::CONN_DST_PITCH, amount),
        VIB_LFO_TO_PITCH => return via(c::CONN_SRC_VIBRATO, c::CONN_DST_PITCH, amount),
        MOD_LFO_TO_FILTER_FC => return via(c::CONN_SRC_LFO, c::CONN_DST_FILTER_CUTOFF, amount),
        MOD_LFO_TO_VOLUME => return via(c::CONN_SRC_LFO, c::CONN_DST_GAIN, -amount),
        MOD_ENV_TO_PITCH => return via(c::CONN_SRC_EG2, c::CONN_DST_PITCH, amount),
        MOD_ENV_TO_FILTER_FC => return via(c::CONN_SRC_EG2, c::CONN_DST_FILTER_CUTOFF, amount),
        INITIAL_ATTENUATION => (c::CONN_DST_GAIN, -amount),
        PAN => (c::CONN_DST_PAN, amount),
        INITIAL_FILTER_FC => (c::CONN_DST_FILTER_CUTOFF, amount),
        INITIAL_FILTER_Q => (c::CONN_DST_FILTER_Q, amount),
        COARSE_TUNE => (c::CONN_DST_PITCH, amount.saturating_mul(100)),
        FINE_TUNE => (c::CONN_DST_PITCH, amount),
        CHORUS_SEND => (c::CONN_DST_CHORUS, amount),
        REVERB_SEND => (c::CONN_DST_REVERB, amount),
        DELAY_MOD_LFO => (c::CONN_DST_LFO_STARTDELAY, amount),
        FREQ_MOD_LFO => (c::CONN_DST_LFO_FREQUENCY, amount),
        DELAY_VIB_LFO => (c::CONN_DST_VIB_STARTDELAY, amount),
        FREQ_VIB_LFO => (c::CONN_DST_VIB_FREQUENCY, amount),
        25 => (c::CONN_DST_EG2_DELAYTIME, amount),
        26 => (c::CONN_DST_EG2_ATTACKTIME, amount),
        27 => (c::CONN_DST_EG2_HOLDTIME, amount),
        28 => (c::CONN_DST_EG2_DECAYTIME, amount),
        SUSTAIN_MOD_ENV => (c::CONN_DST_EG2_SUSTAINLEVEL, -amount),
        30 => (c::CONN_DST_EG2_RELEASETIME, amount),
        33 => (c::CONN_DST_EG1_DELAYTIME, amount),
        34 => (c::CONN_DST_EG1_ATTACKTIME, amount),
        35 => (c::CONN_DST_EG1_HOLDTIME, amount),
        36 => (c::CONN_DST_EG1_DECAYTIME, amount),
        SUSTAIN_VOL_ENV => (c::CONN_DST_EG1_SUSTAINLEVEL, -amount.saturating_mul(1000) / 960),
        38 => (c::CONN_DST_EG1_RELEASETIME, amount),
        _ => return None,
    };
    if ctl == c::CONN_SRC_NONE {
        transform.control = Curve::Linear;
        transform.control_bipolar = false;
        transform.control_invert = false;
    }
    Some(crate::file::normalize(Connection {
        source: src,
        control: ctl,
        destination,
        transform,
        scale: scale(value),
    }))
}

/// The articulation of one flattened zone.
fn articulation(
    instrument: &Zone,
    preset: &Zone,
    modulators: &[Modulator],
    key_scaling: bool,
) -> Articulation {
    let v = |g| value(instrument, preset, g);
    let mut out = Vec::new();
    // Volume envelope → EG1, modulation envelope → EG2. keynumTo{Hold,Decay} k (tc per key,
    // relative to key 60) become KEYNUMBER → time with scale −128·k and a base of +60·k.
    for (first, sustain, key_hold, key_decay, eg_source, delay, attack, hold, decay, sustain_dst, release) in [
        (
            DELAY_VOL_ENV,
            SUSTAIN_VOL_ENV,
            KEYNUM_TO_VOL_ENV_HOLD,
            KEYNUM_TO_VOL_ENV_DECAY,
            false,
            c::CONN_DST_EG1_DELAYTIME,
            c::CONN_DST_EG1_ATTACKTIME,
            c::CONN_DST_EG1_HOLDTIME,
            c::CONN_DST_EG1_DECAYTIME,
            c::CONN_DST_EG1_SUSTAINLEVEL,
            c::CONN_DST_EG1_RELEASETIME,
        ),
        (
            DELAY_MOD_ENV,
            SUSTAIN_MOD_ENV,
            KEYNUM_TO_MOD_ENV_HOLD,
            KEYNUM_TO_MOD_ENV_DECAY,
            true,
            c::CONN_DST_EG2_DELAYTIME,
            c::CONN_DST_EG2_ATTACKTIME,
            c::CONN_DST_EG2_HOLDTIME,
            c::CONN_DST_EG2_DECAYTIME,
            c::CONN_DST_EG2_SUSTAINLEVEL,
            c::CONN_DST_EG2_RELEASETIME,
        ),
    ] {
        let times = [
            (first, delay, None),
            (first.saturating_add(1), attack, None),
            (first.saturating_add(2), hold, Some(key_hold)),
            (first.saturating_add(3), decay, Some(key_decay)),
            (first.saturating_add(5), release, None),
        ];
        for (generator, destination, key_scaling) in times {
            let key = key_scaling.map_or(0, &v);
            let base = v(generator).saturating_add(key.saturating_mul(60));
            if base > -12000 || key != 0 {
                out.push(constant(destination, scale(i64::from(base))));
            }
            if key != 0 {
                out.push(modulated(
                    c::CONN_SRC_KEYNUMBER,
                    destination,
                    scale(-i64::from(key) * 128),
                ));
            }
        }
        let level = if eg_source {
            1000 - v(sustain) // 0.1 % decrease
        } else {
            (1000 - v(sustain) * 1000 / 960).max(0) // cB of attenuation on a 96 dB scale
        };
        if level != 1000 {
            out.push(constant(sustain_dst, scale(i64::from(level))));
        }
    }
    let eg2_pitch = v(MOD_ENV_TO_PITCH);
    if eg2_pitch != 0 {
        out.push(modulated(
            c::CONN_SRC_EG2,
            c::CONN_DST_PITCH,
            scale(i64::from(eg2_pitch)),
        ));
    }
    let eg2_cutoff = v(MOD_ENV_TO_FILTER_FC);
    if eg2_cutoff != 0 {
        out.push(modulated(
            c::CONN_SRC_EG2,
            c::CONN_DST_FILTER_CUTOFF,
            scale(i64::from(eg2_cutoff)),
        ));
    }
    // LFOs: always state frequency and delay (SF2 and DLS defaults differ: 8.176 Hz / 1 ms
    // versus 5 Hz / 10 ms).
    out.push(constant(
        c::CONN_DST_LFO_FREQUENCY,
        scale(i64::from(v(FREQ_MOD_LFO))),
    ));
    out.push(constant(
        c::CONN_DST_LFO_STARTDELAY,
        scale(i64::from(v(DELAY_MOD_LFO))),
    ));
    out.push(constant(
        c::CONN_DST_VIB_FREQUENCY,
        scale(i64::from(v(FREQ_VIB_LFO))),
    ));
    out.push(constant(
        c::CONN_DST_VIB_STARTDELAY,
        scale(i64::from(v(DELAY_VIB_LFO))),
    ));
    for (generator, lfo, destination, sign) in [
        (MOD_LFO_TO_PITCH, c::CONN_SRC_LFO, c::CONN_DST_PITCH, 1),
        (
            MOD_LFO_TO_FILTER_FC,
            c::CONN_SRC_LFO,
            c::CONN_DST_FILTER_CUTOFF,
            1,
        ),
        (MOD_LFO_TO_VOLUME, c::CONN_SRC_LFO, c::CONN_DST_GAIN, -1),
        (VIB_LFO_TO_PITCH, c::CONN_SRC_VIBRATO, c::CONN_DST_PITCH, 1),
    ] {
        let depth = v(generator);
        if depth != 0 {
            out.push(modulated(lfo, destination, scale(i64::from(depth) * sign)));
        }
    }
    let cutoff = v(INITIAL_FILTER_FC);
    if cutoff < 13500 {
        out.push(constant(c::CONN_DST_FILTER_CUTOFF, scale(i64::from(cutoff))));
    }
    let q = v(INITIAL_FILTER_Q);
    if q != 0 {
        out.push(constant(c::CONN_DST_FILTER_Q, scale(i64::from(q))));
    }
    for (generator, destination) in [
        (PAN, c::CONN_DST_PAN),
        (REVERB_SEND, c::CONN_DST_REVERB),
        (CHORUS_SEND, c::CONN_DST_CHORUS),
    ] {
        let amount = v(generator);
        if amount != 0 {
            out.push(constant(destination, scale(i64::from(amount))));
        }
    }
    if key_scaling {
        let scale_tuning = v(SCALE_TUNING);
        out.push(modulated(
            c::CONN_SRC_KEYNUMBER,
            c::CONN_DST_PITCH,
            scale(i64::from(scale_tuning) * 128),
        ));
    }
    for m in modulators {
        if covered_by_dls_defaults(m) {
            continue;
        }
        if let Some(connection) = convert_modulator(m) {
            out.push(connection);
        }
    }
    Articulation {
        format: ArticulationFormat::Dls2,
        connections: out,
    }
}

/// Builds the collection.
pub fn convert(hydra: &Hydra<'_>) -> Result<Collection, Sf2Error> {
    let frames_total = hydra.samples.len() / 2;
    let mut waves: Vec<Wave> = Vec::new();
    let mut wave_index: HashMap<(usize, u32, u32), u32> = HashMap::new();
    let mut instruments = Vec::new();
    let mut total_regions = 0usize;
    let mut instrument_cache: HashMap<usize, (Zone, Vec<Zone>)> = HashMap::new();

    let preset_count = hydra.presets.len().saturating_sub(1); // last is the terminal EOP
    for p in 0..preset_count {
        let (Some(header), Some(next)) = (hydra.presets.get(p), hydra.presets.get(p + 1)) else {
            break;
        };
        let preset_zones = zones_of(
            &hydra.preset_bags,
            &hydra.preset_generators,
            &hydra.preset_modulators,
            header.bag,
            next.bag,
        )?;
        let (preset_global, preset_locals) = split_global(preset_zones, INSTRUMENT);
        let mut regions: Vec<Region> = Vec::new();
        let mut phase_groups: HashMap<usize, u16> = HashMap::new();
        for preset_local in &preset_locals {
            let preset_zone = preset_local.over(&preset_global);
            let Some(instrument_index) = preset_zone.get(INSTRUMENT).map(usize::from) else {
                continue;
            };
            let (Some(instrument), Some(next_instrument)) = (
                hydra.instruments.get(instrument_index),
                hydra.instruments.get(instrument_index.saturating_add(1)),
            ) else {
                return Err(Sf2Error::BadIndex("instrument"));
            };
            let (instrument_global, instrument_locals) = match instrument_cache.entry(instrument_index) {
                Entry::Occupied(cached) => cached.into_mut(),
                Entry::Vacant(slot) => {
                    let instrument_zones = zones_of(
                        &hydra.instrument_bags,
                        &hydra.instrument_generators,
                        &hydra.instrument_modulators,
                        instrument.bag,
                        next_instrument.bag,
                    )?;
                    slot.insert(split_global(instrument_zones, SAMPLE_ID))
                }
            };
            let instrument_global = &*instrument_global;
            for instrument_local in instrument_locals {
                // Budget the zone pairs visited, so that neither memory nor time can explode.
                total_regions += 1;
                if total_regions > super::MAX_REGIONS {
                    return Err(Sf2Error::TooManyRegions);
                }
                let zone = instrument_local.over(instrument_global);
                let Some(keys) = intersect(
                    range_of(zone.get(KEY_RANGE)),
                    range_of(preset_zone.get(KEY_RANGE)),
                ) else {
                    continue;
                };
                let Some(velocities) = intersect(
                    range_of(zone.get(VEL_RANGE)),
                    range_of(preset_zone.get(VEL_RANGE)),
                ) else {
                    continue;
                };
                let Some(sample_index) = zone.get(SAMPLE_ID).map(usize::from) else {
                    continue;
                };
                // The last shdr record is the terminal EOS.
                let sample = hydra
                    .sample_headers
                    .get(sample_index)
                    .filter(|_| sample_index.saturating_add(1) < hydra.sample_headers.len())
                    .ok_or(Sf2Error::BadIndex("sample"))?;
                if sample.kind & 0x10 != 0 {
                    return Err(Sf2Error::Compressed);
                }
                if sample.kind & 0x8000 != 0 {
                    continue; // ROM sample: not in the file
                }
                let offset = |fine: usize, coarse: usize| {
                    i64::from(raw_value(&zone, fine)) + i64::from(raw_value(&zone, coarse)) * 32768
                };
                let clamp_frame = |x: i64| x.clamp(0, frames_total as i64) as u32;
                let start = clamp_frame(i64::from(sample.start) + offset(START_OFFSET, START_COARSE_OFFSET));
                let end = clamp_frame(i64::from(sample.end) + offset(END_OFFSET, END_COARSE_OFFSET));
                if start >= end {
                    continue; // empty sample: nothing to play
                }
                let key = (sample_index, start, end);
                let wave = match wave_index.get(&key) {
                    Some(&w) => w,
                    None => {
                        let w = u32::try_from(waves.len()).map_err(|_| Sf2Error::OutOfMemory)?;
                        waves.push(make_wave(hydra, sample_index, start, end)?);
                        wave_index.insert(key, w);
                        w
                    }
                };
                let wave_len = i64::from(end - start);
                let modes = value(&zone, &preset_zone, SAMPLE_MODES);
                let loop_start = i64::from(sample.loop_start)
                    + offset(START_LOOP_OFFSET, START_LOOP_COARSE_OFFSET)
                    - i64::from(start);
                let loop_end = i64::from(sample.loop_end) + offset(END_LOOP_OFFSET, END_LOOP_COARSE_OFFSET)
                    - i64::from(start);
                let kind = match modes & 3 {
                    1 => Some(LoopKind::Forward),
                    3 => Some(LoopKind::Release),
                    _ => None,
                };
                let sample_loop = kind.and_then(|kind| {
                    (0 <= loop_start && loop_start < loop_end && loop_end <= wave_len).then_some(Loop {
                        kind,
                        start: loop_start as u32,
                        length: (loop_end - loop_start) as u32,
                    })
                });
                let root = value(&zone, &preset_zone, OVERRIDING_ROOT_KEY);
                let scale_tuning = value(&zone, &preset_zone, SCALE_TUNING);
                let mut unity_note = if (0..=127).contains(&root) {
                    root as u8
                } else if sample.original_pitch <= 127 {
                    sample.original_pitch
                } else {
                    60
                };
                let mut fine = i32::from(sample.pitch_correction)
                    + value(&zone, &preset_zone, FINE_TUNE)
                    + value(&zone, &preset_zone, COARSE_TUNE) * 100;
                let mut key_scaling = false;
                if scale_tuning != 100 {
                    if keys.low == keys.high {
                        // One key: make it the unity note and fold the scale into the tuning;
                        // exact whatever the engine's key→pitch formula.
                        fine += (i32::from(keys.low) - i32::from(unity_note)) * scale_tuning;
                        unity_note = keys.low;
                    } else {
                        // KEYNUMBER → PITCH = scale·128; assuming pitch = key·scale − unity·100,
                        // shift by unity·(100 − scale) so the unity note keeps its pitch.
                        fine += i32::from(unity_note) * (100 - scale_tuning);
                        key_scaling = true;
                    }
                }
                let attenuation = value(&zone, &preset_zone, INITIAL_ATTENUATION);
                let region_sample = SampleInfo {
                    unity_note,
                    fine_tune: fine.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16,
                    // EMU/FluidSynth/spessasynth scale SF2 attenuation by 0.4.
                    gain: scale(-i64::from(attenuation) * 4 / 10),
                    no_truncation: false,
                    no_compression: false,
                    sample_loop,
                };
                let (channel, phase_group, phase_master) = match sample.kind & 0x6 {
                    4 | 2 => {
                        let pair = sample_index.min(usize::from(sample.link));
                        let next_group =
                            u16::try_from(phase_groups.len().saturating_add(1)).unwrap_or(u16::MAX);
                        let group = *phase_groups.entry(pair).or_insert(next_group);
                        if sample.kind & 4 != 0 {
                            (c::WAVELINK_CHANNEL_LEFT, group, true)
                        } else {
                            (c::WAVELINK_CHANNEL_RIGHT, group, false)
                        }
                    }
                    _ => (c::WAVELINK_CHANNEL_LEFT, 0, false),
                };
                let modulators = merge_adding(
                    &merge_replacing(&DEFAULT_MODULATORS, &zone.modulators),
                    &preset_zone.modulators,
                );
                regions.push(Region {
                    keys,
                    velocities,
                    key_group: value(&zone, &preset_zone, EXCLUSIVE_CLASS) as u16,
                    self_non_exclusive: true,
                    wave_link: WaveLink {
                        phase_master,
                        multichannel: false,
                        phase_group,
                        channel,
                        wave,
                    },
                    sample: Some(region_sample),
                    articulation: Some(articulation(&zone, &preset_zone, &modulators, key_scaling)),
                });
            }
        }
        unpair_lone_stereo_halves(&mut regions);
        let drums = header.bank == 128;
        instruments.push(Instrument {
            patch: Patch {
                bank_msb: if drums { 0 } else { (header.bank & 0x7F) as u8 },
                bank_lsb: 0,
                program: (header.program & 0x7F) as u8,
                drums,
            },
            gm_instrument: false,
            name: Some(header.name.clone()),
            regions,
            articulation: None,
            copyright: None,
        });
    }
    Ok(Collection {
        instruments,
        waves,
        version: None,
        dlid: None,
        info: Info {
            name: hydra.name.clone(),
            copyright: hydra.copyright.clone(),
            comment: hydra.comment.clone(),
            software: hydra.software.clone(),
        },
    })
}

/// A stereo half whose partner (same phase group, other channel, same keys and velocities) is not
/// in the instrument plays as a mono region, as SoundFont players play it (FluidSynth ignores
/// sample links): channel left, no phase group.
fn unpair_lone_stereo_halves(regions: &mut [Region]) {
    let partnered: Vec<bool> = regions
        .iter()
        .map(|r| {
            r.wave_link.phase_group == 0
                || regions.iter().any(|o| {
                    o.wave_link.phase_group == r.wave_link.phase_group
                        && o.wave_link.channel != r.wave_link.channel
                        && o.keys == r.keys
                        && o.velocities == r.velocities
                })
        })
        .collect();
    for (region, partnered) in regions.iter_mut().zip(partnered) {
        if !partnered {
            region.wave_link.channel = c::WAVELINK_CHANNEL_LEFT;
            region.wave_link.phase_group = 0;
            region.wave_link.phase_master = false;
        }
    }
}

fn make_wave(hydra: &Hydra<'_>, sample_index: usize, start: u32, end: u32) -> Result<Wave, Sf2Error> {
    let sample = hydra
        .sample_headers
        .get(sample_index)
        .ok_or(Sf2Error::BadIndex("sample"))?;
    let bytes = hydra
        .samples
        .get(start as usize * 2..end as usize * 2)
        .ok_or(Sf2Error::BadSample(sample_index))?;
    let mut data = Vec::new();
    data.try_reserve_exact(bytes.len() / 2)
        .map_err(|_| Sf2Error::OutOfMemory)?;
    data.extend(bytes.chunks_exact(2).map(|pair| {
        i16::from_le_bytes([
            pair.first().copied().unwrap_or(0),
            pair.get(1).copied().unwrap_or(0),
        ])
    }));
    let loop_start = i64::from(sample.loop_start) - i64::from(start);
    let loop_end = i64::from(sample.loop_end) - i64::from(start);
    let len = i64::from(end - start);
    let sample_loop = (0 <= loop_start && loop_start < loop_end && loop_end <= len).then_some(Loop {
        kind: LoopKind::Forward,
        start: loop_start as u32,
        length: (loop_end - loop_start) as u32,
    });
    if sample.sample_rate == 0 {
        return Err(Sf2Error::BadSample(sample_index));
    }
    Ok(Wave {
        sample_rate: sample.sample_rate,
        data,
        sample: Some(SampleInfo {
            unity_note: if sample.original_pitch <= 127 {
                sample.original_pitch
            } else {
                60
            },
            fine_tune: i16::from(sample.pitch_correction),
            gain: 0,
            no_truncation: false,
            no_compression: false,
            sample_loop,
        }),
        name: Some(sample.name.clone()),
        copyright: None,
    })
}
