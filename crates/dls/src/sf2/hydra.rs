//! The SoundFont 2 RIFF structure: `INFO`, `sdta` and the `pdta` "hydra" tables, parsed into
//! bounds-checked views. Indices between tables are checked by the converter when followed.

use std::string::String;
use std::vec::Vec;

use super::Sf2Error;
use crate::reader::Reader;
use crate::riff::{self, Chunk};

const fn id(code: &[u8; 4]) -> u32 {
    u32::from_le_bytes(*code)
}

/// A preset header (`phdr`).
#[derive(Clone, Debug)]
pub struct PresetHeader {
    pub name: String,
    pub program: u16,
    pub bank: u16,
    pub bag: u16,
}

/// An instrument header (`inst`).
#[derive(Clone, Debug)]
pub struct InstrumentHeader {
    pub bag: u16,
}

/// A bag (`pbag`/`ibag`): first generator and modulator index of a zone.
#[derive(Clone, Copy, Debug)]
pub struct Bag {
    pub generator: u16,
    pub modulator: u16,
}

/// A generator (`pgen`/`igen`): operator and raw 16-bit amount.
#[derive(Clone, Copy, Debug)]
pub struct Generator {
    pub operator: u16,
    pub amount: u16,
}

/// A modulator (`pmod`/`imod`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Modulator {
    pub source: u16,
    pub destination: u16,
    pub amount: i16,
    pub amount_source: u16,
    pub transform: u16,
}

/// A sample header (`shdr`).
#[derive(Clone, Debug)]
pub struct SampleHeader {
    pub name: String,
    pub start: u32,
    pub end: u32,
    pub loop_start: u32,
    pub loop_end: u32,
    pub sample_rate: u32,
    pub original_pitch: u8,
    pub pitch_correction: i8,
    pub link: u16,
    pub kind: u16,
}

/// The whole parsed file.
#[derive(Debug, Default)]
pub struct Hydra<'a> {
    /// `ifil` (major, minor).
    pub version: Option<(u16, u16)>,
    pub name: Option<String>,
    pub copyright: Option<String>,
    pub comment: Option<String>,
    pub software: Option<String>,
    /// `smpl`: 16-bit little-endian samples.
    pub samples: &'a [u8],
    pub presets: Vec<PresetHeader>,
    pub preset_bags: Vec<Bag>,
    pub preset_modulators: Vec<Modulator>,
    pub preset_generators: Vec<Generator>,
    pub instruments: Vec<InstrumentHeader>,
    pub instrument_bags: Vec<Bag>,
    pub instrument_modulators: Vec<Modulator>,
    pub instrument_generators: Vec<Generator>,
    pub sample_headers: Vec<SampleHeader>,
}

fn name(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let bytes = bytes.get(..end).unwrap_or_default();
    match core::str::from_utf8(bytes) {
        Ok(text) => text.trim_end().into(),
        Err(_) => bytes
            .iter()
            .map(|&b| char::from(b))
            .collect::<String>()
            .trim_end()
            .into(),
    }
}

/// Parses fixed-size records of `chunk` with `parse`.
fn records<T>(
    chunk: &Chunk<'_>,
    size: usize,
    mut parse: impl FnMut(&mut Reader<'_>) -> Option<T>,
) -> Result<Vec<T>, Sf2Error> {
    let bad = Sf2Error::BadChunkSize(chunk.id);
    if chunk.data.len().checked_rem(size) != Some(0) {
        return Err(bad);
    }
    let count = chunk.data.len().checked_div(size).unwrap_or(0);
    let mut out = Vec::new();
    out.try_reserve_exact(count).map_err(|_| Sf2Error::OutOfMemory)?;
    for record in chunk.data.chunks_exact(size) {
        let mut r = Reader::new(record);
        out.push(parse(&mut r).ok_or(bad)?);
    }
    Ok(out)
}

fn bag(r: &mut Reader<'_>) -> Option<Bag> {
    Some(Bag {
        generator: r.u16().ok()?,
        modulator: r.u16().ok()?,
    })
}

fn generator(r: &mut Reader<'_>) -> Option<Generator> {
    Some(Generator {
        operator: r.u16().ok()?,
        amount: r.u16().ok()?,
    })
}

fn modulator(r: &mut Reader<'_>) -> Option<Modulator> {
    Some(Modulator {
        source: r.u16().ok()?,
        destination: r.u16().ok()?,
        amount: r.i16().ok()?,
        amount_source: r.u16().ok()?,
        transform: r.u16().ok()?,
    })
}

/// Parses the RIFF structure of an `.sf2` file.
pub fn parse(bytes: &[u8]) -> Result<Hydra<'_>, Sf2Error> {
    let root = riff::open(bytes, id(b"sfbk")).map_err(|_| Sf2Error::NotSf2)?;
    let mut hydra = Hydra::default();
    let mut have_pdta = false;
    let mut have_sdta = false;
    for list in root.children()? {
        let list = list?;
        match list.list_type() {
            Some(t) if t == id(b"INFO") => {
                for chunk in list.children()? {
                    let chunk = chunk?;
                    let text = || name(chunk.data);
                    match &chunk.id.to_le_bytes() {
                        b"ifil" => {
                            let mut r = Reader::new(chunk.data);
                            if let (Ok(major), Ok(minor)) = (r.u16(), r.u16()) {
                                hydra.version = Some((major, minor));
                            }
                        }
                        b"INAM" => hydra.name = Some(text()),
                        b"ICOP" => hydra.copyright = Some(text()),
                        b"ICMT" => hydra.comment = Some(text()),
                        b"ISFT" => hydra.software = Some(text()),
                        _ => {}
                    }
                }
            }
            Some(t) if t == id(b"sdta") => {
                have_sdta = true;
                for chunk in list.children()? {
                    let chunk = chunk?;
                    if chunk.id == id(b"smpl") {
                        hydra.samples = chunk.data;
                    }
                    // sm24 (the low 8 bits of 24-bit samples) is ignored.
                }
            }
            Some(t) if t == id(b"pdta") => {
                have_pdta = true;
                for chunk in list.children()? {
                    let chunk = chunk?;
                    match &chunk.id.to_le_bytes() {
                        b"phdr" => {
                            hydra.presets = records(&chunk, 38, |r| {
                                let n = name(r.bytes(20).ok()?);
                                let program = r.u16().ok()?;
                                let bank = r.u16().ok()?;
                                let bag = r.u16().ok()?;
                                Some(PresetHeader {
                                    name: n,
                                    program,
                                    bank,
                                    bag,
                                })
                            })?;
                        }
                        b"pbag" => hydra.preset_bags = records(&chunk, 4, bag)?,
                        b"pmod" => hydra.preset_modulators = records(&chunk, 10, modulator)?,
                        b"pgen" => hydra.preset_generators = records(&chunk, 4, generator)?,
                        b"inst" => {
                            hydra.instruments = records(&chunk, 22, |r| {
                                r.skip(20).ok()?;
                                Some(InstrumentHeader { bag: r.u16().ok()? })
                            })?;
                        }
                        b"ibag" => hydra.instrument_bags = records(&chunk, 4, bag)?,
                        b"imod" => hydra.instrument_modulators = records(&chunk, 10, modulator)?,
                        b"igen" => hydra.instrument_generators = records(&chunk, 4, generator)?,
                        b"shdr" => {
                            hydra.sample_headers = records(&chunk, 46, |r| {
                                Some(SampleHeader {
                                    name: name(r.bytes(20).ok()?),
                                    start: r.u32().ok()?,
                                    end: r.u32().ok()?,
                                    loop_start: r.u32().ok()?,
                                    loop_end: r.u32().ok()?,
                                    sample_rate: r.u32().ok()?,
                                    original_pitch: r.u8().ok()?,
                                    pitch_correction: r.u8().ok()? as i8,
                                    link: r.u16().ok()?,
                                    kind: r.u16().ok()?,
                                })
                            })?;
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    if !have_sdta {
        return Err(Sf2Error::MissingChunk(id(b"sdta")));
    }
    if !have_pdta {
        return Err(Sf2Error::MissingChunk(id(b"pdta")));
    }
    for (table, len) in [
        (b"phdr", hydra.presets.len()),
        (b"pbag", hydra.preset_bags.len()),
        (b"pgen", hydra.preset_generators.len()),
        (b"inst", hydra.instruments.len()),
        (b"ibag", hydra.instrument_bags.len()),
        (b"igen", hydra.instrument_generators.len()),
        (b"shdr", hydra.sample_headers.len()),
    ] {
        // Every hydra table ends with a terminal record.
        if len == 0 {
            return Err(Sf2Error::MissingChunk(id(table)));
        }
    }
    Ok(hydra)
}
