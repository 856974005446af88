//! A tiny SoundFont 2 writer for tests (generated data only; no third-party samples).
#![allow(dead_code, clippy::arithmetic_side_effects, clippy::indexing_slicing)]

pub fn chunk(id: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = id.to_vec();
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(body);
    if body.len() % 2 == 1 {
        out.push(0);
    }
    out
}

fn list(id: &[u8; 4], kind: &[u8; 4], children: &[Vec<u8>]) -> Vec<u8> {
    let mut body = kind.to_vec();
    children.iter().for_each(|c| body.extend_from_slice(c));
    chunk(id, &body)
}

fn name20(name: &str) -> Vec<u8> {
    let mut out = name.as_bytes().to_vec();
    out.resize(20, 0);
    out
}

pub struct Sample {
    pub name: String,
    pub data: Vec<i16>,
    pub loop_start: u32,
    pub loop_end: u32,
    pub rate: u32,
    pub pitch: u8,
    pub correction: i8,
    pub link: u16,
    pub kind: u16,
}

#[derive(Default, Clone)]
pub struct Zone {
    /// (operator, amount) in order; the terminal generator (instrument / sampleID) is appended.
    pub generators: Vec<(u16, u16)>,
    /// (src, dest, amount, amount src, transform)
    pub modulators: Vec<(u16, u16, i16, u16, u16)>,
    /// instrument index (preset zones) or sample index (instrument zones); None = global zone.
    pub target: Option<u16>,
}

pub struct Instrument {
    pub name: String,
    pub zones: Vec<Zone>,
}

pub struct Preset {
    pub name: String,
    pub program: u16,
    pub bank: u16,
    pub zones: Vec<Zone>,
}

pub fn range(low: u8, high: u8) -> u16 {
    u16::from_le_bytes([low, high])
}

fn hydra(zones_of: &[&[Zone]], terminal: u16) -> (Vec<u16>, Vec<u8>, Vec<u8>, Vec<u8>) {
    // returns (first bag per item + terminal), bag bytes, mod bytes, gen bytes
    let mut firsts = Vec::new();
    let mut bags = Vec::new();
    let mut mods = Vec::new();
    let mut gens = Vec::new();
    let (mut gen_count, mut mod_count, mut bag_count) = (0u16, 0u16, 0u16);
    for zones in zones_of {
        firsts.push(bag_count);
        for zone in *zones {
            bags.extend_from_slice(&gen_count.to_le_bytes());
            bags.extend_from_slice(&mod_count.to_le_bytes());
            bag_count += 1;
            let mut generators = zone.generators.clone();
            if let Some(target) = zone.target {
                generators.push((terminal, target));
            }
            for (op, amount) in generators {
                gens.extend_from_slice(&op.to_le_bytes());
                gens.extend_from_slice(&amount.to_le_bytes());
                gen_count += 1;
            }
            for (src, dst, amount, amt_src, trans) in &zone.modulators {
                for v in [*src, *dst, *amount as u16, *amt_src, *trans] {
                    mods.extend_from_slice(&v.to_le_bytes());
                }
                mod_count += 1;
            }
        }
    }
    firsts.push(bag_count);
    bags.extend_from_slice(&gen_count.to_le_bytes());
    bags.extend_from_slice(&mod_count.to_le_bytes());
    mods.extend_from_slice(&[0; 10]);
    gens.extend_from_slice(&[0; 4]);
    (firsts, bags, mods, gens)
}

pub fn write_sf2(name: &str, samples: &[Sample], instruments: &[Instrument], presets: &[Preset]) -> Vec<u8> {
    // smpl: each sample followed by 46 zero frames.
    let mut smpl = Vec::new();
    let mut shdr = Vec::new();
    let mut position = 0u32;
    for s in samples {
        let start = position;
        for v in &s.data {
            smpl.extend_from_slice(&v.to_le_bytes());
        }
        smpl.extend_from_slice(&[0; 92]);
        position += s.data.len() as u32 + 46;
        shdr.extend(name20(&s.name));
        for v in [
            start,
            start + s.data.len() as u32,
            start + s.loop_start,
            start + s.loop_end,
            s.rate,
        ] {
            shdr.extend_from_slice(&v.to_le_bytes());
        }
        shdr.push(s.pitch);
        shdr.push(s.correction as u8);
        shdr.extend_from_slice(&s.link.to_le_bytes());
        shdr.extend_from_slice(&s.kind.to_le_bytes());
    }
    shdr.extend(name20("EOS"));
    shdr.extend_from_slice(&[0; 26]);

    let inst_zones: Vec<&[Zone]> = instruments.iter().map(|i| &i.zones[..]).collect();
    let (ifirst, ibag, imod, igen) = hydra(&inst_zones, 53);
    let mut inst = Vec::new();
    for (i, instrument) in instruments.iter().enumerate() {
        inst.extend(name20(&instrument.name));
        inst.extend_from_slice(&ifirst[i].to_le_bytes());
    }
    inst.extend(name20("EOI"));
    inst.extend_from_slice(&ifirst[instruments.len()].to_le_bytes());

    let preset_zones: Vec<&[Zone]> = presets.iter().map(|p| &p.zones[..]).collect();
    let (pfirst, pbag, pmod, pgen) = hydra(&preset_zones, 41);
    let mut phdr = Vec::new();
    for (i, preset) in presets.iter().enumerate() {
        phdr.extend(name20(&preset.name));
        phdr.extend_from_slice(&preset.program.to_le_bytes());
        phdr.extend_from_slice(&preset.bank.to_le_bytes());
        phdr.extend_from_slice(&pfirst[i].to_le_bytes());
        phdr.extend_from_slice(&[0; 12]);
    }
    phdr.extend(name20("EOP"));
    phdr.extend_from_slice(&[0; 4]);
    phdr.extend_from_slice(&pfirst[presets.len()].to_le_bytes());
    phdr.extend_from_slice(&[0; 12]);

    let mut ifil = 2u16.to_le_bytes().to_vec();
    ifil.extend_from_slice(&1u16.to_le_bytes());
    let mut inam = name.as_bytes().to_vec();
    inam.push(0);
    list(
        b"RIFF",
        b"sfbk",
        &[
            list(
                b"LIST",
                b"INFO",
                &[
                    chunk(b"ifil", &ifil),
                    chunk(b"isng", b"EMU8000\0"),
                    chunk(b"INAM", &inam),
                ],
            ),
            list(b"LIST", b"sdta", &[chunk(b"smpl", &smpl)]),
            list(
                b"LIST",
                b"pdta",
                &[
                    chunk(b"phdr", &phdr),
                    chunk(b"pbag", &pbag),
                    chunk(b"pmod", &pmod),
                    chunk(b"pgen", &pgen),
                    chunk(b"inst", &inst),
                    chunk(b"ibag", &ibag),
                    chunk(b"imod", &imod),
                    chunk(b"igen", &igen),
                    chunk(b"shdr", &shdr),
                ],
            ),
        ],
    )
}

/// A generated sine of `len` frames and `period` frames per cycle.
pub fn sine(len: usize, period: f64) -> Vec<i16> {
    (0..len)
        .map(|i| ((i as f64 * std::f64::consts::TAU / period).sin() * 20000.0) as i16)
        .collect()
}

/// A small bank exercising ranges, loops, stereo links, drums and generators:
/// - sample 0 "sine" mono, 1000 frames, loop 200..800, pitch 69 / correction -5;
/// - samples 1/2 "left"/"right" (600 frames, loop 100..500) linked as a stereo pair;
/// - preset 0 "Lead" (bank 0, program 0): global keyRange 10..100; zone → instrument 0;
/// - instrument 0: global zone attackVolEnv -1200; zone A keys 0..59 sine, sampleModes 1;
///   zone B keys 60..127 vel 1..63 sine, sampleModes 3, overridingRootKey 72, coarseTune 1;
/// - preset 1 "Pad" (bank 1, program 5) → instrument 1 (stereo pair, sampleModes 1);
/// - preset 2 "Kit" (bank 128, program 0) → instrument 2: key 36 and key 38 single-key zones,
///   scaleTuning 0, exclusiveClass 1 on both.
pub fn small_bank() -> Vec<u8> {
    let samples = vec![
        Sample {
            name: "sine".into(),
            data: sine(1000, 50.0),
            loop_start: 200,
            loop_end: 800,
            rate: 22050,
            pitch: 69,
            correction: -5,
            link: 0,
            kind: 1,
        },
        Sample {
            name: "left".into(),
            data: sine(600, 40.0),
            loop_start: 100,
            loop_end: 500,
            rate: 44100,
            pitch: 60,
            correction: 0,
            link: 2,
            kind: 4,
        },
        Sample {
            name: "right".into(),
            data: sine(600, 41.0),
            loop_start: 100,
            loop_end: 500,
            rate: 44100,
            pitch: 60,
            correction: 0,
            link: 1,
            kind: 2,
        },
    ];
    let instruments = vec![
        Instrument {
            name: "LeadInst".into(),
            zones: vec![
                Zone {
                    generators: vec![(34, (-1200i16) as u16)],
                    modulators: vec![],
                    target: None,
                },
                Zone {
                    generators: vec![(43, range(0, 59)), (54, 1)],
                    modulators: vec![],
                    target: Some(0),
                },
                Zone {
                    generators: vec![
                        (43, range(60, 127)),
                        (44, range(1, 63)),
                        (51, 1),
                        (54, 3),
                        (58, 72),
                    ],
                    modulators: vec![],
                    target: Some(0),
                },
            ],
        },
        Instrument {
            name: "PadInst".into(),
            zones: vec![
                Zone {
                    generators: vec![(17, (-500i16) as u16), (54, 1)],
                    modulators: vec![],
                    target: Some(1),
                },
                Zone {
                    generators: vec![(17, 500), (54, 1)],
                    modulators: vec![],
                    target: Some(2),
                },
            ],
        },
        Instrument {
            name: "KitInst".into(),
            zones: vec![
                Zone {
                    generators: vec![(43, range(36, 36)), (56, 0), (57, 1)],
                    modulators: vec![],
                    target: Some(0),
                },
                Zone {
                    generators: vec![(43, range(38, 38)), (56, 0), (57, 1)],
                    modulators: vec![],
                    target: Some(0),
                },
            ],
        },
    ];
    let presets = vec![
        Preset {
            name: "Lead".into(),
            program: 0,
            bank: 0,
            zones: vec![
                Zone {
                    generators: vec![(43, range(10, 100))],
                    modulators: vec![],
                    target: None,
                },
                Zone {
                    generators: vec![],
                    modulators: vec![],
                    target: Some(0),
                },
            ],
        },
        Preset {
            name: "Pad".into(),
            program: 5,
            bank: 1,
            zones: vec![Zone {
                target: Some(1),
                ..Zone::default()
            }],
        },
        Preset {
            name: "Kit".into(),
            program: 0,
            bank: 128,
            zones: vec![Zone {
                target: Some(2),
                ..Zone::default()
            }],
        },
    ];
    write_sf2("Test bank", &samples, &instruments, &presets)
}
