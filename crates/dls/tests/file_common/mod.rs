//! Shared helpers of the `.dls` file tests: a seeded generator of valid collections (in the
//! reader's canonical form) and a tiny RIFF builder for hand-made files.
#![allow(dead_code, clippy::arithmetic_side_effects, clippy::indexing_slicing)]

use dls::model::*;
use portcls_sys::dls as c;

/// xorshift64*: deterministic, dependency-free.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

const SOURCES: &[u16] = &[
    c::CONN_SRC_NONE,
    c::CONN_SRC_LFO,
    c::CONN_SRC_KEYONVELOCITY,
    c::CONN_SRC_KEYNUMBER,
    c::CONN_SRC_EG2,
    c::CONN_SRC_PITCHWHEEL,
    c::CONN_SRC_VIBRATO,
    c::CONN_SRC_CC1,
    c::CONN_SRC_CC7,
    c::CONN_SRC_CC11,
    c::CONN_SRC_CHANNELPRESSURE,
    c::CONN_SRC_RPN0,
];
const DESTINATIONS: &[u16] = &[
    c::CONN_DST_GAIN,
    c::CONN_DST_PITCH,
    c::CONN_DST_PAN,
    c::CONN_DST_EG1_ATTACKTIME,
    c::CONN_DST_EG1_SUSTAINLEVEL,
    c::CONN_DST_EG2_DECAYTIME,
    c::CONN_DST_FILTER_CUTOFF,
    c::CONN_DST_FILTER_Q,
    c::CONN_DST_LFO_FREQUENCY,
    c::CONN_DST_VIB_STARTDELAY,
    c::CONN_DST_REVERB,
];

fn curve(rng: &mut Rng, dls1: bool) -> Curve {
    if dls1 {
        rng.pick(&[Curve::Linear, Curve::Concave])
    } else {
        rng.pick(&[Curve::Linear, Curve::Concave, Curve::Convex, Curve::Switch])
    }
}

fn connection(rng: &mut Rng, dls1: bool) -> Connection {
    let source = rng.pick(SOURCES);
    let control = if rng.chance(30) {
        rng.pick(SOURCES)
    } else {
        c::CONN_SRC_NONE
    };
    let destination = rng.pick(DESTINATIONS);
    let mut transform = if dls1 {
        let curve = curve(rng, true);
        let bipolar = |s: u16| matches!(s, c::CONN_SRC_LFO | c::CONN_SRC_VIBRATO | c::CONN_SRC_PITCHWHEEL);
        Transform {
            source: curve,
            source_bipolar: bipolar(source),
            source_invert: false,
            control: Curve::Linear,
            control_bipolar: false,
            control_invert: false,
            output: Curve::Linear,
        }
    } else {
        Transform {
            source: curve(rng, false),
            source_bipolar: rng.chance(50),
            source_invert: rng.chance(50),
            control: curve(rng, false),
            control_bipolar: rng.chance(50),
            control_invert: rng.chance(50),
            output: Curve::Linear,
        }
    };
    // The reader's canonical form: concave velocity/CC7/CC11 → gain is inverted.
    if destination == c::CONN_DST_GAIN
        && control == c::CONN_SRC_NONE
        && matches!(
            source,
            c::CONN_SRC_KEYONVELOCITY | c::CONN_SRC_CC7 | c::CONN_SRC_CC11
        )
        && transform.source == Curve::Concave
    {
        transform.source_invert = true;
    }
    Connection {
        source,
        control,
        destination,
        transform,
        scale: rng.next() as i32,
    }
}

pub fn articulation(rng: &mut Rng) -> Articulation {
    let dls1 = rng.chance(25);
    let count = rng.below(8) as usize;
    Articulation {
        format: if dls1 {
            ArticulationFormat::Dls1
        } else {
            ArticulationFormat::Dls2
        },
        connections: (0..count).map(|_| connection(rng, dls1)).collect(),
    }
}

fn range(rng: &mut Rng) -> Range {
    let a = rng.below(128) as u8;
    let b = rng.below(128) as u8;
    Range {
        low: a.min(b),
        high: a.max(b),
    }
}

fn sample_info(rng: &mut Rng, wave_len: usize) -> SampleInfo {
    let sample_loop = if wave_len > 1 && rng.chance(70) {
        let start = rng.below(wave_len as u64 - 1) as u32;
        let length = rng.range(1, wave_len as u64 - u64::from(start)) as u32;
        Some(Loop {
            kind: rng.pick(&[LoopKind::Forward, LoopKind::Release]),
            start,
            length,
        })
    } else {
        None
    };
    SampleInfo {
        unity_note: rng.below(128) as u8,
        fine_tune: rng.next() as i16,
        gain: rng.next() as i32,
        no_truncation: rng.chance(50),
        no_compression: rng.chance(50),
        sample_loop,
    }
}

fn text(rng: &mut Rng, prefix: &str) -> Option<String> {
    rng.chance(70).then(|| format!("{prefix} {} é", rng.below(1000)))
}

/// A random valid collection, in the form the reader produces.
pub fn random_collection(seed: u64) -> Collection {
    let mut rng = Rng::new(seed);
    let wave_count = rng.range(1, 4) as usize;
    let waves: Vec<Wave> = (0..wave_count)
        .map(|_| {
            let len = rng.range(1, 600) as usize;
            let data: Vec<i16> = (0..len).map(|_| rng.next() as i16).collect();
            Wave {
                sample_rate: rng.range(8000, 96000) as u32,
                sample: rng.chance(60).then(|| sample_info(&mut rng, len)),
                data,
                name: text(&mut rng, "wave"),
                copyright: text(&mut rng, "(c)"),
            }
        })
        .collect();
    let instrument_count = rng.range(0, 5) as usize;
    let instruments = (0..instrument_count)
        .map(|_| {
            let region_count = rng.below(5) as usize;
            let regions = (0..region_count)
                .map(|_| {
                    let wave = rng.below(wave_count as u64) as u32;
                    let len = waves[wave as usize].data.len();
                    let mut velocities = range(&mut rng);
                    if velocities == (Range { low: 0, high: 0 }) {
                        velocities = Range::FULL;
                    }
                    Region {
                        keys: range(&mut rng),
                        velocities,
                        key_group: rng.below(16) as u16,
                        self_non_exclusive: rng.chance(50),
                        wave_link: WaveLink {
                            phase_master: rng.chance(30),
                            multichannel: rng.chance(10),
                            phase_group: rng.below(4) as u16,
                            channel: rng.pick(&[1, 2]),
                            wave,
                        },
                        sample: rng.chance(60).then(|| sample_info(&mut rng, len)),
                        articulation: rng.chance(50).then(|| articulation(&mut rng)),
                    }
                })
                .collect();
            Instrument {
                patch: Patch {
                    bank_msb: rng.below(128) as u8,
                    bank_lsb: rng.below(128) as u8,
                    program: rng.below(128) as u8,
                    drums: rng.chance(20),
                },
                gm_instrument: false,
                name: text(&mut rng, "instrument"),
                regions,
                articulation: rng.chance(60).then(|| articulation(&mut rng)),
                copyright: text(&mut rng, "(c)"),
            }
        })
        .collect();
    Collection {
        instruments,
        waves,
        version: rng.chance(50).then(|| (rng.next() as u32, rng.next() as u32)),
        dlid: rng.chance(50).then(|| {
            let mut id = [0u8; 16];
            id.iter_mut().for_each(|b| *b = rng.next() as u8);
            id
        }),
        info: Info {
            name: text(&mut rng, "bank"),
            copyright: text(&mut rng, "(c)"),
            comment: text(&mut rng, "comment"),
            software: text(&mut rng, "sw"),
        },
    }
}

// ---- a tiny RIFF builder ----

pub fn chunk(id: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = id.to_vec();
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(body);
    if body.len() % 2 == 1 {
        out.push(0);
    }
    out
}

pub fn list(kind: &[u8; 4], children: &[Vec<u8>]) -> Vec<u8> {
    let mut body = kind.to_vec();
    children.iter().for_each(|c| body.extend_from_slice(c));
    chunk(b"LIST", &body)
}

pub fn riff(kind: &[u8; 4], children: &[Vec<u8>]) -> Vec<u8> {
    let mut body = kind.to_vec();
    children.iter().for_each(|c| body.extend_from_slice(c));
    chunk(b"RIFF", &body)
}

pub fn le(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

pub fn le16(values: &[u16]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}
