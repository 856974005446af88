//! dmksynth's own General MIDI bank, synthesized procedurally: no third-party samples.
//!
//! [`build`] returns a [`dls::model::Collection`] holding
//! - the 128 GM programs (bank 0), each recognisable by family, made from a few dozen *timbres*:
//!   looped additive waves (harmonic or inharmonic partials with a brighter attack transient and
//!   noise bursts), detuned ensembles, Karplus-Strong plucks and looped noise; each timbre is
//!   sampled over three key ranges (bass/middle/treble) so high notes stay band-limited;
//! - a GM drum kit (bank 0, `F_INSTRUMENT_DRUMS`, program 0) covering keys 35–81 from
//!   synthesized one-shots, with the hi-hats (42, 44, 46) in exclusive class 1 and the
//!   triangles in class 2.
//!
//! Every program carries a DLS2 articulation (EG1, filter and EG2, vibrato/tremolo LFOs, CC1 →
//! vibrato). All instruments are flagged `gm_instrument`, so downloaded collections override
//! them. The build is deterministic (pure integer/IEEE arithmetic through `libm`), allocates
//! fallibly and never panics, so the kernel driver can build it at start-up when no `gm.dls`
//! exists. At the default 22 050 Hz the wave data is about 2.5 MB.
#![no_std]
#![cfg_attr(test, allow(clippy::arithmetic_side_effects, clippy::indexing_slicing))]

extern crate alloc;

mod articulation;
mod drums;
mod dsp;
mod programs;
mod timbre;

use alloc::string::String;
use alloc::vec::Vec;

use dls::model::{Collection, Info, Instrument, Patch, Range, Region, WaveLink};

/// The wave sample rate used when the caller has no preference.
pub const DEFAULT_SAMPLE_RATE: u32 = 22_050;
/// The lowest accepted wave sample rate.
pub const MINIMUM_SAMPLE_RATE: u32 = 11_025;
/// The highest accepted wave sample rate.
pub const MAXIMUM_SAMPLE_RATE: u32 = 48_000;

/// Why the bank could not be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BankError {
    /// An allocation failed.
    OutOfMemory,
}

impl core::fmt::Display for BankError {
    fn fmt(&self, formatter: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::OutOfMemory => formatter.write_str("out of memory while building the default GM bank"),
        }
    }
}

/// Copies `parts` into a new string, allocating fallibly.
pub(crate) fn text(parts: &[&str]) -> Result<String, BankError> {
    let mut out = String::new();
    out.try_reserve_exact(parts.iter().map(|part| part.len()).sum())
        .map_err(|_| BankError::OutOfMemory)?;
    for part in parts {
        out.push_str(part);
    }
    Ok(out)
}

/// The collection's name (`INAM`).
pub const BANK_NAME: &str = "dmksynth GM";

/// Builds the bank with waves sampled at `sample_rate_hint` Hz (clamped to
/// [`MINIMUM_SAMPLE_RATE`]..=[`MAXIMUM_SAMPLE_RATE`]; [`DEFAULT_SAMPLE_RATE`] keeps it small).
///
/// Region wave ids index the returned collection's `waves`.
pub fn build(sample_rate_hint: u32) -> Result<Collection, BankError> {
    let rate = sample_rate_hint.clamp(MINIMUM_SAMPLE_RATE, MAXIMUM_SAMPLE_RATE);
    let mut waves = Vec::new();
    let wave_count: usize = programs::TIMBRES.iter().map(|timbre| timbre.ranges.len()).sum();
    waves
        .try_reserve_exact(wave_count.saturating_add(drums::DRUM_WAVES.len()))
        .map_err(|_| BankError::OutOfMemory)?;

    // Melodic waves: `first_wave[t]` is the index of timbre t's first range.
    let mut first_wave = Vec::new();
    first_wave
        .try_reserve_exact(programs::TIMBRES.len())
        .map_err(|_| BankError::OutOfMemory)?;
    for (index, timbre) in programs::TIMBRES.iter().enumerate() {
        first_wave.push(waves.len());
        for range in timbre.ranges {
            waves.push(timbre::render(timbre, index, *range, rate)?);
        }
    }
    let first_drum = waves.len();
    waves.extend(drums::waves(rate)?);

    let mut instruments = Vec::new();
    instruments
        .try_reserve_exact(programs::PROGRAMS.len().saturating_add(1))
        .map_err(|_| BankError::OutOfMemory)?;
    for (number, program) in programs::PROGRAMS.iter().enumerate() {
        let timbre_index = program.timbre as usize;
        let Some(timbre) = programs::TIMBRES.get(timbre_index) else {
            continue;
        };
        let first = first_wave.get(timbre_index).copied().unwrap_or(0);
        let mut regions = Vec::new();
        regions
            .try_reserve_exact(timbre.ranges.len())
            .map_err(|_| BankError::OutOfMemory)?;
        for (offset, (low, high, _)) in timbre.ranges.iter().enumerate() {
            let wave_index = first.saturating_add(offset);
            let mut sample = waves
                .get(wave_index)
                .and_then(|wave| wave.sample)
                .unwrap_or_default();
            sample.gain = articulation::gain_scale(program.gain);
            regions.push(Region {
                keys: Range {
                    low: *low,
                    high: *high,
                },
                velocities: Range::FULL,
                key_group: 0,
                self_non_exclusive: false,
                wave_link: WaveLink {
                    wave: wave_index as u32,
                    ..WaveLink::default()
                },
                sample: Some(sample),
                articulation: None,
            });
        }
        instruments.push(Instrument {
            patch: Patch {
                bank_msb: 0,
                bank_lsb: 0,
                program: number as u8,
                drums: false,
            },
            gm_instrument: true,
            name: Some(text(&[program.name])?),
            regions,
            articulation: Some(articulation::articulation(&program.shape)?),
            copyright: None,
        });
    }

    let mut regions = Vec::new();
    regions
        .try_reserve_exact(drums::KIT.len())
        .map_err(|_| BankError::OutOfMemory)?;
    for drum in &drums::KIT {
        let mut sample = drums::transposed(drum.key, drum.semitones, drum.gain);
        sample.sample_loop = None;
        regions.push(Region {
            keys: Range {
                low: drum.key,
                high: drum.key,
            },
            velocities: Range::FULL,
            key_group: drum.key_group,
            self_non_exclusive: false,
            wave_link: WaveLink {
                wave: first_drum.saturating_add(drum.wave as usize) as u32,
                ..WaveLink::default()
            },
            sample: Some(sample),
            articulation: Some(articulation::articulation(&drum.shape)?),
        });
    }
    instruments.push(Instrument {
        patch: Patch {
            bank_msb: 0,
            bank_lsb: 0,
            program: 0,
            drums: true,
        },
        gm_instrument: true,
        name: Some(text(&["Standard Kit"])?),
        regions,
        articulation: None,
        copyright: None,
    });

    Ok(Collection {
        instruments,
        waves,
        version: Some((1, 0)),
        dlid: Some(*b"dmksynth-gm-bank"),
        info: Info {
            name: Some(text(&[BANK_NAME])?),
            copyright: Some(text(&[
                "dmksynth authors, MIT OR Apache-2.0 (procedurally synthesized)",
            ])?),
            comment: Some(text(&[
                "General MIDI set synthesized by the gm-bank crate; no recorded samples",
            ])?),
            software: Some(text(&["dmksynth gm-bank"])?),
        },
    })
}

/// The names of the drum kit's keys, `(key, name)`, for tools and tests.
pub fn drum_names() -> impl Iterator<Item = (u8, &'static str)> {
    drums::KIT.iter().map(|drum| (drum.key, drum.name))
}

/// The GM program names, in program order.
pub fn program_names() -> impl Iterator<Item = &'static str> {
    programs::PROGRAMS.iter().map(|program| program.name)
}
