//! `inspect`, `convert` and `export-default`.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};
use dls::model::{Collection, Instrument, Wave};

use crate::{bank, output};

/// A readable multi-line summary of a collection.
pub(crate) fn summary(collection: &Collection) -> String {
    let mut out = String::new();
    let wave_bytes: usize = collection.waves.iter().map(|wave| wave.data.len() * 2).sum();
    let regions: usize = collection
        .instruments
        .iter()
        .map(|instrument| instrument.regions.len())
        .sum();
    let connections: usize = collection
        .instruments
        .iter()
        .flat_map(|instrument| {
            instrument.articulation.iter().chain(
                instrument
                    .regions
                    .iter()
                    .filter_map(|region| region.articulation.as_ref()),
            )
        })
        .map(|articulation| articulation.connections.len())
        .sum();
    let looped = collection
        .waves
        .iter()
        .filter(|wave| wave.sample.and_then(|sample| sample.sample_loop).is_some())
        .count();
    let drums = collection
        .instruments
        .iter()
        .filter(|instrument| instrument.patch.drums)
        .count();
    let _ = writeln!(
        out,
        "name: {}",
        collection.info.name.as_deref().unwrap_or("(none)")
    );
    if let Some(copyright) = &collection.info.copyright {
        let _ = writeln!(out, "copyright: {copyright}");
    }
    if let Some((high, low)) = collection.version {
        let _ = writeln!(
            out,
            "version: {}.{}.{}.{}",
            high >> 16,
            high & 0xFFFF,
            low >> 16,
            low & 0xFFFF
        );
    }
    let _ = writeln!(
        out,
        "instruments: {} ({} melodic, {} drum kits), regions: {}, connections: {}",
        collection.instruments.len(),
        collection.instruments.len() - drums,
        drums,
        regions,
        connections
    );
    let _ = writeln!(
        out,
        "waves: {} ({} looped), {:.2} MB of 16-bit sample data, {:.1} s in total",
        collection.waves.len(),
        looped,
        wave_bytes as f64 / 1_048_576.0,
        collection
            .waves
            .iter()
            .map(|wave| wave.data.len() as f64 / f64::from(wave.sample_rate.max(1)))
            .sum::<f64>()
    );
    for instrument in &collection.instruments {
        let _ = writeln!(out, "  {}", instrument_line(instrument));
    }
    out
}

fn instrument_line(instrument: &Instrument) -> String {
    let patch = instrument.patch;
    let keys = instrument
        .regions
        .iter()
        .map(|region| region.keys.low)
        .min()
        .zip(instrument.regions.iter().map(|region| region.keys.high).max());
    format!(
        "{} {:>3}:{:>3}:{:>3} {:<28} {:>3} regions{}{}",
        if patch.drums { "drums " } else { "melody" },
        patch.bank_msb,
        patch.bank_lsb,
        patch.program,
        instrument.name.as_deref().unwrap_or("(unnamed)"),
        instrument.regions.len(),
        keys.map(|(low, high)| format!(", keys {low}-{high}"))
            .unwrap_or_default(),
        if instrument.gm_instrument { ", GM" } else { "" }
    )
}

fn wave_line(wave: &Wave) -> String {
    let sample = wave.sample.unwrap_or_default();
    format!(
        "{} frames at {} Hz, unity note {}, fine tune {} cents{}",
        wave.data.len(),
        wave.sample_rate,
        sample.unity_note,
        sample.fine_tune,
        sample
            .sample_loop
            .map(|sample_loop| format!(
                ", loop {}+{} ({:?})",
                sample_loop.start, sample_loop.length, sample_loop.kind
            ))
            .unwrap_or_default()
    )
}

/// `dmksynth inspect FILE [--download]`.
pub(crate) fn inspect(path: &Path, download: bool) -> Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if download {
        let parsed = dls::download::parse(&bytes)
            .map_err(|error| anyhow::anyhow!("malformed download buffer {}: {error}", path.display()))?;
        match parsed {
            dls::download::Parsed::Wave { id, wave } => {
                println!("wave download, id {id}: {}", wave_line(&wave))
            }
            dls::download::Parsed::Instrument { id, instrument } => {
                println!("instrument download, id {id}: {}", instrument_line(&instrument));
                for region in &instrument.regions {
                    println!(
                        "  keys {}-{}, velocities {}-{}, key group {}, wave id {}{}",
                        region.keys.low,
                        region.keys.high,
                        region.velocities.low,
                        region.velocities.high,
                        region.key_group,
                        region.wave_link.wave,
                        region
                            .articulation
                            .as_ref()
                            .map(|a| format!(", {} connections", a.connections.len()))
                            .unwrap_or_default()
                    );
                }
            }
        }
        return Ok(());
    }
    let kind = match bank::sniff(&bytes) {
        Some(bank::BankFormat::Dls) => "DLS collection",
        Some(bank::BankFormat::SoundFont) => "SoundFont 2 (imported as DLS)",
        None => bail!(
            "unknown format {}: expected a DLS or SoundFont 2 file (use --download for a raw download buffer)",
            path.display()
        ),
    };
    let collection = bank::parse(path, &bytes)?;
    print!(
        "{}: {kind}, {} bytes\n{}",
        path.display(),
        bytes.len(),
        summary(&collection)
    );
    Ok(())
}

/// `dmksynth convert IN.sf2 -o OUT.dls`.
pub(crate) fn convert(input: &Path, output_path: &Path) -> Result<()> {
    let bytes = std::fs::read(input).with_context(|| format!("cannot read {}", input.display()))?;
    if bank::sniff(&bytes) != Some(bank::BankFormat::SoundFont) {
        bail!("{} is not a SoundFont 2 file (RIFF 'sfbk')", input.display());
    }
    let collection = bank::parse(input, &bytes)?;
    let dls_bytes = dls::file::write_dls(&collection);
    output::write_all(output_path, &dls_bytes)?;
    println!(
        "{}: {} instruments, {} waves, {} bytes (DLS Level 2)",
        output_path.display(),
        collection.instruments.len(),
        collection.waves.len(),
        dls_bytes.len()
    );
    Ok(())
}

/// `dmksynth export-default -o default.dls`.
pub(crate) fn export_default(output_path: &Path, bank_rate: u32) -> Result<()> {
    if !(gm_bank::MINIMUM_SAMPLE_RATE..=gm_bank::MAXIMUM_SAMPLE_RATE).contains(&bank_rate) {
        bail!(
            "invalid --bank-rate {bank_rate}: must be within {}..={} Hz",
            gm_bank::MINIMUM_SAMPLE_RATE,
            gm_bank::MAXIMUM_SAMPLE_RATE
        );
    }
    let collection = bank::default_bank(bank_rate)?;
    let bytes = dls::file::write_dls(&collection);
    output::write_all(output_path, &bytes)?;
    println!(
        "{}: {} instruments, {} waves, {} bytes (DLS Level 2)",
        output_path.display(),
        collection.instruments.len(),
        collection.waves.len(),
        bytes.len()
    );
    Ok(())
}
