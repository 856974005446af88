//! Human-readable summaries of collections (host tools: `dmksynth inspect`).
//!
//! [`detect_format`] tells a `.dls` file from a SoundFont from anything else (which the CLI treats
//! as a raw DirectMusic download buffer); [`summarize_collection`] renders a [`Collection`];
//! [`summarize_file`] does both for `.dls`/`.sf2` bytes.

use std::fmt::Write as _;
use std::format;
use std::string::String;
use std::vec::Vec;

use crate::file::{self, FileError};
use crate::model::{ArticulationFormat, Collection, Instrument, LoopKind};
use crate::riff;
use crate::sf2::{self, Sf2Error};

/// What a byte buffer looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `RIFF 'DLS '`: a DLS collection.
    Dls,
    /// `RIFF 'sfbk'`: a SoundFont (2.x; 3.x is detected as this too and rejected at import).
    SoundFont,
    /// Some other RIFF form (the form type FOURCC).
    OtherRiff(u32),
    /// Not RIFF: presumably a raw DirectMusic download buffer.
    DownloadBuffer,
}

/// Detects the format of `bytes` from its header.
pub fn detect_format(bytes: &[u8]) -> Format {
    match riff::form_type(bytes) {
        Some(form) if form == file::ids::DLS => Format::Dls,
        Some(form) if form == u32::from_le_bytes(*b"sfbk") => Format::SoundFont,
        Some(form) => Format::OtherRiff(form),
        None => Format::DownloadBuffer,
    }
}

/// Why [`summarize_file`] could not summarize.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InspectError {
    /// The `.dls` reader failed.
    Dls(FileError),
    /// The SoundFont import failed.
    Sf2(Sf2Error),
    /// A RIFF file of another form (`WAVE`, `RMID`, ...).
    UnsupportedRiff(u32),
    /// Not RIFF: use the download-buffer parser instead.
    NotAFile,
}

impl std::fmt::Display for InspectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Dls(error) => write!(f, "invalid DLS file: {error}"),
            Self::Sf2(error) => write!(f, "invalid SoundFont: {error}"),
            Self::UnsupportedRiff(form) => {
                write!(
                    f,
                    "unsupported RIFF form {} (expected 'DLS ' or 'sfbk')",
                    riff::FourCc(*form)
                )
            }
            Self::NotAFile => f.write_str("not a RIFF file (a download buffer? use --download)"),
        }
    }
}

impl std::error::Error for InspectError {}

/// Reads a `.dls` or `.sf2` file and summarizes it (first line names the format).
pub fn summarize_file(bytes: &[u8]) -> Result<String, InspectError> {
    let (kind, collection) = match detect_format(bytes) {
        Format::Dls => (
            "DLS collection",
            file::read_dls(bytes).map_err(InspectError::Dls)?,
        ),
        Format::SoundFont => (
            "SoundFont (as imported to DLS2)",
            sf2::import_sf2(bytes).map_err(InspectError::Sf2)?,
        ),
        Format::OtherRiff(form) => return Err(InspectError::UnsupportedRiff(form)),
        Format::DownloadBuffer => return Err(InspectError::NotAFile),
    };
    Ok(format!(
        "{kind}, {} bytes\n{}",
        bytes.len(),
        summarize_collection(&collection)
    ))
}

fn note_name(key: u8) -> String {
    const NAMES: [&str; 12] = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];
    let name = NAMES
        .get(usize::from(key.checked_rem(12).unwrap_or(0)))
        .copied()
        .unwrap_or("?");
    format!("{name}{}", i32::from(key / 12).saturating_sub(1))
}

fn instrument_line(out: &mut String, instrument: &Instrument, collection: &Collection) {
    let p = instrument.patch;
    let kind = if p.drums { "drums " } else { "" };
    let _ = write!(
        out,
        "  {kind}bank {:3}/{:3} program {:3}  {:<24}",
        p.bank_msb,
        p.bank_lsb,
        p.program,
        instrument.name.as_deref().unwrap_or("(unnamed)"),
    );
    let regions = &instrument.regions;
    let _ = write!(
        out,
        " {:4} region{}",
        regions.len(),
        if regions.len() == 1 { "" } else { "s" }
    );
    if let (Some(low), Some(high)) = (
        regions.iter().map(|r| r.keys.low).min(),
        regions.iter().map(|r| r.keys.high).max(),
    ) {
        let _ = write!(out, ", keys {}-{}", note_name(low), note_name(high));
    }
    let layered = regions
        .iter()
        .any(|r| r.velocities.low != 0 || r.velocities.high != 127);
    if layered {
        out.push_str(", velocity layers");
    }
    let stereo = regions.iter().any(|r| r.wave_link.channel & 2 != 0);
    if stereo {
        out.push_str(", stereo");
    }
    let loops = regions
        .iter()
        .filter(|r| {
            let wave = collection.waves.get(r.wave_link.wave as usize);
            r.sample
                .or(wave.and_then(|w| w.sample))
                .and_then(|s| s.sample_loop)
                .is_some()
        })
        .count();
    let _ = write!(out, ", {loops} looped");
    let mut arts: Vec<&str> = Vec::new();
    if let Some(a) = &instrument.articulation {
        arts.push(match a.format {
            ArticulationFormat::Dls1 => "global DLS1",
            ArticulationFormat::Dls2 => "global DLS2",
        });
    }
    if regions.iter().any(|r| r.articulation.is_some()) {
        arts.push("per-region");
    }
    if !arts.is_empty() {
        let _ = write!(out, ", articulation: {}", arts.join(" + "));
    }
    out.push('\n');
}

/// A readable multi-line summary: collection info, totals, one line per instrument (sorted by
/// drums, bank, program), and wave statistics.
pub fn summarize_collection(collection: &Collection) -> String {
    let mut out = String::new();
    let info = &collection.info;
    for (label, value) in [
        ("Name", &info.name),
        ("Copyright", &info.copyright),
        ("Comment", &info.comment),
        ("Software", &info.software),
    ] {
        if let Some(value) = value {
            let _ = writeln!(out, "{label}: {value}");
        }
    }
    if let Some((ms, ls)) = collection.version {
        let _ = writeln!(
            out,
            "Version: {}.{}.{}.{}",
            ms >> 16,
            ms & 0xFFFF,
            ls >> 16,
            ls & 0xFFFF
        );
    }
    let drums = collection.instruments.iter().filter(|i| i.patch.drums).count();
    let regions: usize = collection.instruments.iter().map(|i| i.regions.len()).sum();
    let frames: usize = collection.waves.iter().map(|w| w.data.len()).sum();
    let _ = writeln!(
        out,
        "Instruments: {} ({} melodic, {drums} drum kit{}), {regions} regions",
        collection.instruments.len(),
        collection.instruments.len().saturating_sub(drums),
        if drums == 1 { "" } else { "s" },
    );
    let mut rates: Vec<u32> = collection.waves.iter().map(|w| w.sample_rate).collect();
    rates.sort_unstable();
    rates.dedup();
    let rate_text = match (rates.first(), rates.last()) {
        (Some(low), Some(high)) if low == high => format!("{low} Hz"),
        (Some(low), Some(high)) => format!("{low}-{high} Hz"),
        _ => String::from("-"),
    };
    let release_loops = collection
        .waves
        .iter()
        .filter(|w| {
            w.sample
                .and_then(|s| s.sample_loop)
                .is_some_and(|l| l.kind == LoopKind::Release)
        })
        .count();
    let looped = collection
        .waves
        .iter()
        .filter(|w| w.sample.and_then(|s| s.sample_loop).is_some())
        .count();
    let _ = writeln!(
        out,
        "Waves: {} ({frames} frames, {:.1} MiB as 16-bit), {rate_text}, {looped} looped ({release_loops} release loops)",
        collection.waves.len(),
        frames as f64 * 2.0 / (1024.0 * 1024.0),
    );
    let mut instruments: Vec<&Instrument> = collection.instruments.iter().collect();
    instruments.sort_by_key(|i| (i.patch.drums, i.patch.bank_msb, i.patch.bank_lsb, i.patch.program));
    for instrument in instruments {
        instrument_line(&mut out, instrument, collection);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn collection() -> Collection {
        let wave = Wave {
            sample_rate: 22050,
            data: alloc::vec![0; 100],
            sample: Some(SampleInfo {
                sample_loop: Some(Loop {
                    kind: LoopKind::Forward,
                    start: 0,
                    length: 50,
                }),
                ..SampleInfo::default()
            }),
            name: None,
            copyright: None,
        };
        let region = Region {
            keys: Range { low: 36, high: 38 },
            velocities: Range::FULL,
            key_group: 0,
            self_non_exclusive: false,
            wave_link: WaveLink::default(),
            sample: None,
            articulation: None,
        };
        Collection {
            instruments: alloc::vec![
                Instrument {
                    patch: Patch {
                        program: 0,
                        drums: true,
                        ..Patch::default()
                    },
                    gm_instrument: false,
                    name: Some("Kit".into()),
                    regions: alloc::vec![region.clone()],
                    articulation: Some(Articulation {
                        format: ArticulationFormat::Dls1,
                        connections: alloc::vec![],
                    }),
                    copyright: None,
                },
                Instrument {
                    patch: Patch {
                        program: 5,
                        ..Patch::default()
                    },
                    gm_instrument: false,
                    name: Some("Piano".into()),
                    regions: alloc::vec![region],
                    articulation: None,
                    copyright: None,
                },
            ],
            waves: alloc::vec![wave],
            version: Some((0x0001_0002, 0x0003_0004)),
            dlid: None,
            info: Info {
                name: Some("Bank".into()),
                ..Info::default()
            },
        }
    }

    #[test]
    fn summary_lists_totals_and_instruments_in_patch_order() {
        let text = summarize_collection(&collection());
        assert!(text.contains("Name: Bank"), "{text}");
        assert!(text.contains("Version: 1.2.3.4"), "{text}");
        assert!(
            text.contains("Instruments: 2 (1 melodic, 1 drum kit), 2 regions"),
            "{text}"
        );
        assert!(text.contains("Waves: 1 (100 frames"), "{text}");
        let piano = text.find("Piano").unwrap();
        let kit = text.find("Kit").unwrap();
        assert!(piano < kit, "melodic before drums:\n{text}");
        assert!(text.contains("keys C2-D2"), "{text}");
        assert!(text.contains("1 looped"), "{text}");
        assert!(text.contains("articulation: global DLS1"), "{text}");
    }

    #[test]
    fn formats_are_detected() {
        assert_eq!(detect_format(b"RIFF\0\0\0\0DLS "), Format::Dls);
        assert_eq!(detect_format(b"RIFF\0\0\0\0sfbk"), Format::SoundFont);
        assert_eq!(
            detect_format(b"RIFF\0\0\0\0WAVE"),
            Format::OtherRiff(u32::from_le_bytes(*b"WAVE"))
        );
        assert_eq!(detect_format(&[0x10, 0, 0, 0]), Format::DownloadBuffer);
        assert_eq!(
            summarize_file(b"RIFF\0\0\0\0WAVE"),
            Err(InspectError::UnsupportedRiff(u32::from_le_bytes(*b"WAVE")))
        );
        assert_eq!(summarize_file(b"xx"), Err(InspectError::NotAFile));
        let bytes = file::write_dls(&collection());
        let text = summarize_file(&bytes).unwrap();
        assert!(text.starts_with("DLS collection"), "{text}");
        let broken = &bytes[..bytes.len() - 10];
        assert!(matches!(summarize_file(broken), Err(InspectError::Dls(_))));
    }
}
