//! The default collection: what plays for applications that never download instruments (winmm
//! `midiOut`, Windows MIDI Services).
//!
//! At start (PASSIVE_LEVEL) the driver reads `\SystemRoot\System32\drivers\gm.dls` if it exists and
//! passes its bytes to [`default_collection`]; if the file is absent, does not parse or does not
//! validate, the project's own procedural GM bank ([`gm_bank::build`]) is used instead. Either way
//! every instrument is flagged `gm_instrument`: the engine's lookup prefers a non-GM instrument on
//! the same patch, so a DirectMusic download overrides the default bank patch by patch, as
//! DirectMusic expects (GM-flagged instruments yield to collection instruments), and unloading it
//! brings the default back.
//!
//! [`install`] puts a collection into an engine under download ids of a reserved range
//! ([`WAVE_ID_BASE`], [`INSTRUMENT_ID_BASE`]) so that they never collide with the ids dmusic.dll
//! hands out for downloads.

use alloc::vec::Vec;

use dls::error::ValidationError;
use dls::file::FileError;
use dls::model::Collection;
use synth::{Download, Engine, EngineError};

/// Download id of the default collection's first wave (ids `WAVE_ID_BASE + index`).
pub const WAVE_ID_BASE: u32 = 0xF000_0000;
/// Download id of the default collection's first instrument.
pub const INSTRUMENT_ID_BASE: u32 = 0xF800_0000;
/// Sample rate asked of the procedural bank (its waves are resampled by the engine anyway).
pub const EMBEDDED_BANK_RATE: u32 = gm_bank::DEFAULT_SAMPLE_RATE;

/// Where the default collection came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// gm.dls.
    GmDls,
    /// The embedded procedural bank; why gm.dls was not used.
    Embedded(Fallback),
}

/// Why gm.dls was not used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// No file.
    Absent,
    /// The file does not parse.
    Unreadable(FileError),
    /// It parses but fails validation.
    Invalid(ValidationError),
    /// It parses and validates but holds no instrument.
    Empty,
}

/// No default collection at all (the embedded bank failed to build: only allocation can fail).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfMemory;

/// The default collection and its source (for the driver's log).
#[derive(Clone, Debug)]
pub struct DefaultCollection {
    /// The instruments, all `gm_instrument`.
    pub collection: Collection,
    /// Where it came from.
    pub source: Source,
}

/// gm.dls when present and valid, else the embedded bank.
pub fn default_collection(gm_dls: Option<&[u8]>) -> Result<Collection, OutOfMemory> {
    default_collection_with_source(gm_dls).map(|found| found.collection)
}

/// [`default_collection`], saying where the collection came from.
pub fn default_collection_with_source(gm_dls: Option<&[u8]>) -> Result<DefaultCollection, OutOfMemory> {
    let fallback = match gm_dls.map(read_valid) {
        Some(Ok(collection)) => {
            return Ok(DefaultCollection {
                collection: flag_gm(collection),
                source: Source::GmDls,
            });
        }
        Some(Err(reason)) => reason,
        None => Fallback::Absent,
    };
    let collection = gm_bank::build(EMBEDDED_BANK_RATE).map_err(|_| OutOfMemory)?;
    Ok(DefaultCollection {
        collection: flag_gm(collection),
        source: Source::Embedded(fallback),
    })
}

fn read_valid(bytes: &[u8]) -> Result<Collection, Fallback> {
    let mut collection = dls::file::read_dls(bytes).map_err(Fallback::Unreadable)?;
    collection.validate().map_err(Fallback::Invalid)?;
    if collection.instruments.is_empty() {
        return Err(Fallback::Empty);
    }
    Ok(collection)
}

fn flag_gm(mut collection: Collection) -> Collection {
    for instrument in &mut collection.instruments {
        instrument.gm_instrument = true;
    }
    collection
}

/// Installs `collection` into `engine` (PASSIVE_LEVEL, before the engine is shared: it prepares
/// and allocates). Region wave links (indices into `collection.waves`) are rebased onto
/// [`WAVE_ID_BASE`].
pub fn install(engine: &mut Engine, collection: Collection) -> Result<(), EngineError> {
    let waves = collection.waves.len();
    let instruments = collection.instruments.len();
    let wave_count = u32::try_from(waves).map_err(|_| EngineError::InvalidConfig)?;
    if wave_count > INSTRUMENT_ID_BASE.saturating_sub(WAVE_ID_BASE)
        || u32::try_from(instruments).map_or(true, |n| n > u32::MAX.saturating_sub(INSTRUMENT_ID_BASE))
    {
        return Err(EngineError::InvalidConfig);
    }
    engine.reserve_bank(waves.saturating_add(instruments))?;
    let mut prepared: Vec<Download> = Vec::new();
    prepared
        .try_reserve_exact(waves.saturating_add(instruments))
        .map_err(|_| EngineError::OutOfMemory)?;
    for (id, wave) in (WAVE_ID_BASE..).zip(collection.waves) {
        prepared.push(Download::Wave(id, Engine::prepare_wave(wave)?));
    }
    for (id, mut instrument) in (INSTRUMENT_ID_BASE..).zip(collection.instruments) {
        for region in &mut instrument.regions {
            region.wave_link.wave = region.wave_link.wave.saturating_add(WAVE_ID_BASE);
        }
        prepared.push(Download::Instrument(id, Engine::prepare_instrument(instrument)?));
    }
    for download in prepared {
        engine.install(download).map_err(|(error, _)| error)?;
    }
    Ok(())
}
