//! The default collection of the hardware-synth mode (issue 9 item 3): what plays for clients that
//! never download instruments (winmm `midiOut`, Windows MIDI Services).
//!
//! At start, at PASSIVE_LEVEL, [`crate::adapter::start_device`] reads gm.dls
//! ([`crate::gm_dls::read`]) and [`install`] puts gm.dls' instruments (when the file parses and
//! validates) or the embedded procedural bank into the shared engine, GM-flagged, so that
//! DirectMusic downloads override them patch by patch (`wavert::collection`).
//!
//! Classic mode loads nothing: each DirectMusic client's port gets its own engine and
//! dmusic.dll downloads the instruments it uses itself (it reads gm.dls in user mode), so a
//! default bank there would cost every stream ~3 MB of non-paged memory and never be heard.

use core::fmt;

use miniport::{HardwareSynth, Platform};
use wavert::collection::{Fallback, Source};

/// Where the installed default collection came from (for the log).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DefaultSource(pub Source);

impl fmt::Display for DefaultSource {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Source::GmDls => formatter.write_str(crate::gm_dls::PATH),
            Source::Embedded(Fallback::Absent) => formatter.write_str("embedded GM bank (no gm.dls)"),
            Source::Embedded(Fallback::Unreadable(error)) => {
                write!(formatter, "embedded GM bank (gm.dls does not parse: {error:?})")
            }
            Source::Embedded(Fallback::Invalid(error)) => {
                write!(formatter, "embedded GM bank (gm.dls is invalid: {error:?})")
            }
            Source::Embedded(Fallback::Empty) => {
                formatter.write_str("embedded GM bank (gm.dls has no instrument)")
            }
        }
    }
}

/// Why no default collection was installed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CollectionError {
    /// Not even the embedded bank could be built (out of memory).
    OutOfMemory,
    /// The engine refused the collection.
    Engine(synth::EngineError),
    /// The synth has no engine (cannot happen in hardware-synth mode).
    NoEngine,
}

impl fmt::Display for CollectionError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OutOfMemory => formatter.write_str("out of memory"),
            Self::Engine(error) => write!(formatter, "engine: {error:?}"),
            Self::NoEngine => formatter.write_str("no engine"),
        }
    }
}

/// Installs the default collection into `synth`'s engine: gm.dls' bytes when they parse and
/// validate, else the embedded bank. PASSIVE_LEVEL (parses and allocates; holds the engine mutex
/// only while installing).
///
/// # Errors
/// [`CollectionError`]; the engine may then hold part of the collection (what it holds plays).
pub fn install<P: Platform>(
    synth: &HardwareSynth<P>,
    gm_dls: Option<&[u8]>,
) -> Result<DefaultSource, CollectionError> {
    let found = wavert::default_collection_with_source(gm_dls).map_err(|_| CollectionError::OutOfMemory)?;
    let collection = found.collection;
    synth
        .with_engine(|engine| wavert::collection::install(engine, collection))
        .ok_or(CollectionError::NoEngine)?
        .map_err(CollectionError::Engine)?;
    Ok(DefaultSource(found.source))
}
