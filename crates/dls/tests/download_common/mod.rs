//! Shared by the download tests: what the kernel parser must produce for each buffer the
//! builder makes from a collection, and the check that it does.
#![allow(
    dead_code,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::panic
)]

use std::collections::HashMap;

use dls::articulation::ArticParams;
use dls::download::build::{BuildOptions, Origin, build_downloads};
use dls::download::{Parsed, parse};
use dls::model::*;

/// What the parser must produce for a wave: the samples and copyright (the download format
/// carries no name and no WSMP).
pub fn expected_wave(wave: &Wave) -> Wave {
    let mut w = Wave {
        sample: None,
        name: None,
        ..wave.clone()
    };
    w.validate().unwrap();
    w
}

/// What the parser must produce for an instrument: wave links as download ids, each region's
/// WSMP merged from the wave, no name, articulation in the download's format, validated.
pub fn expected_instrument(
    collection: &Collection,
    instrument: &Instrument,
    wave_ids: &HashMap<usize, u32>,
    instrument2: bool,
) -> Instrument {
    let convert = |a: &Option<Articulation>| {
        a.as_ref().map(|a| {
            if instrument2 {
                Articulation {
                    format: ArticulationFormat::Dls2,
                    connections: a.connections.clone(),
                }
            } else {
                let params = ArticParams::from_connections(&a.connections);
                Articulation {
                    format: ArticulationFormat::Dls1,
                    connections: params.to_connections().to_vec(),
                }
            }
        })
    };
    let mut out = Instrument {
        name: None,
        articulation: convert(&instrument.articulation),
        regions: instrument
            .regions
            .iter()
            .map(|r| {
                let pool = r.wave_link.wave as usize;
                let mut region = r.clone();
                region.wave_link.wave = wave_ids[&pool];
                region.sample = Some(r.sample.or(collection.waves[pool].sample).unwrap_or_default());
                region.articulation = convert(&r.articulation);
                region
            })
            .collect(),
        ..instrument.clone()
    };
    out.validate().unwrap();
    out
}

pub fn check_round_trip(collection: &Collection, options: BuildOptions, label: &str) -> usize {
    let buffers = build_downloads(collection, options).unwrap();
    let mut wave_ids = HashMap::new();
    let mut seen_ids = std::collections::HashSet::new();
    for buffer in &buffers {
        assert!(seen_ids.insert(buffer.id), "{label}: id {} reused", buffer.id);
        assert_eq!(
            u32::from_le_bytes(buffer.bytes[12..16].try_into().unwrap()) as usize,
            buffer.bytes.len(),
            "{label}: cbSize is the exact length"
        );
        let parsed = parse(&buffer.bytes).unwrap_or_else(|e| panic!("{label}: {e:?}"));
        match (buffer.origin, parsed) {
            (Origin::Wave(index), Parsed::Wave { id, wave }) => {
                assert_eq!(id, buffer.id);
                assert_eq!(
                    wave,
                    expected_wave(&collection.waves[index]),
                    "{label}: wave {index}"
                );
                wave_ids.insert(index, id);
            }
            (Origin::Instrument(index), Parsed::Instrument { id, instrument }) => {
                assert_eq!(id, buffer.id);
                let source = &collection.instruments[index];
                // Waves first: every wave the instrument uses was sent before it.
                for r in &source.regions {
                    assert!(
                        wave_ids.contains_key(&(r.wave_link.wave as usize)),
                        "{label}: wave after instrument"
                    );
                }
                let expected = expected_instrument(collection, source, &wave_ids, options.instrument2);
                assert_eq!(instrument, expected, "{label}: instrument {index}");
            }
            (origin, parsed) => panic!("{label}: {origin:?} parsed as {parsed:?}"),
        }
    }
    buffers.len()
}
