//! Loading instrument banks: the embedded default GM bank, `.dls` and `.sf2` files (the format is
//! decided by the content, not by the extension).

use std::path::Path;

use anyhow::{Context, Result, bail};
use dls::model::Collection;

/// What a file's first bytes say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BankFormat {
    /// `RIFF....DLS `.
    Dls,
    /// `RIFF....sfbk`.
    SoundFont,
}

/// Identifies a bank by its RIFF form type.
pub(crate) fn sniff(bytes: &[u8]) -> Option<BankFormat> {
    let riff = bytes.get(0..4)?;
    let form = bytes.get(8..12)?;
    if riff != b"RIFF" {
        return None;
    }
    match form {
        b"DLS " => Some(BankFormat::Dls),
        b"sfbk" => Some(BankFormat::SoundFont),
        _ => None,
    }
}

/// Reads a bank file (`.dls` or `.sf2`).
pub(crate) fn load(path: &Path) -> Result<Collection> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read bank {}", path.display()))?;
    parse(path, &bytes)
}

/// Parses bank bytes read from `path`.
pub(crate) fn parse(path: &Path, bytes: &[u8]) -> Result<Collection> {
    match sniff(bytes) {
        Some(BankFormat::Dls) => dls::file::read_dls(bytes)
            .map_err(|error| anyhow::anyhow!("malformed DLS bank {}: {error}", path.display())),
        Some(BankFormat::SoundFont) => import_sf2(path, bytes),
        None => bail!(
            "unknown bank format {}: expected a DLS (RIFF 'DLS ') or SoundFont 2 (RIFF 'sfbk') file",
            path.display()
        ),
    }
}

fn import_sf2(path: &Path, bytes: &[u8]) -> Result<Collection> {
    dls::sf2::import_sf2(bytes)
        .map_err(|error| anyhow::anyhow!("malformed SoundFont {}: {error}", path.display()))
}

/// The embedded default bank.
pub(crate) fn default_bank(sample_rate: u32) -> Result<Collection> {
    gm_bank::build(sample_rate).map_err(|error| anyhow::anyhow!("{error}"))
}
