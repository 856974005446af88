//! collection → download builder → kernel parser round-trips to the model dmusic.dll's download
//! carries, over generated collections (both instrument formats), and through `.dls` files.
#![cfg(feature = "std")]
#![allow(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::panic
)]

mod download_common;
mod file_common;

use download_common::check_round_trip;

use dls::download::build::{BuildOptions, Origin, build_downloads};
use dls::download::{Parsed, parse};
use dls::model::*;
use portcls_sys::dls as c;

fn generated(seed: u64) -> Collection {
    let mut collection = file_common::random_collection(seed);
    // Exercise the GM flag too (the .dls generator never sets it: files have no such flag).
    for (i, instrument) in collection.instruments.iter_mut().enumerate() {
        instrument.gm_instrument = (seed as usize + i).is_multiple_of(3);
    }
    collection
}

#[test]
fn generated_collections_round_trip_as_instrument2() {
    let mut buffers = 0;
    for seed in 0..400 {
        let options = BuildOptions {
            instrument2: true,
            first_id: (seed as u32).wrapping_mul(977),
        };
        buffers += check_round_trip(&generated(seed), options, &format!("seed {seed}"));
    }
    assert!(buffers > 1000, "only {buffers} buffers exercised");
}

#[test]
fn generated_collections_round_trip_as_dx6_instrument() {
    for seed in 0..400 {
        let options = BuildOptions {
            instrument2: false,
            first_id: 1,
        };
        check_round_trip(&generated(seed), options, &format!("seed {seed} (DX6)"));
    }
}

#[test]
fn dx6_format_keeps_exactly_the_fixed_parameters() {
    // A DLS2 articulation with an LFO frequency, an envelope attack and a filter connection: the
    // first two survive INSTRUMENT (DX6) download, the filter is dropped, the rest are defaults.
    let block = |source, control, destination, scale| Connection {
        source,
        control,
        destination,
        transform: Transform::default(),
        scale,
    };
    let mut collection = file_common::random_collection(3);
    collection.instruments.truncate(1);
    if collection.instruments.is_empty() {
        collection = file_common::random_collection(4);
        collection.instruments.truncate(1);
    }
    let instrument = &mut collection.instruments[0];
    instrument.regions.iter_mut().for_each(|r| r.articulation = None);
    instrument.articulation = Some(Articulation {
        format: ArticulationFormat::Dls2,
        connections: vec![
            block(0, 0, c::CONN_DST_LFO_FREQUENCY, -100 << 16),
            block(0, 0, c::CONN_DST_EG1_ATTACKTIME, -1200 << 16),
            block(0, 0, c::CONN_DST_FILTER_CUTOFF, 6000 << 16),
        ],
    });
    let buffers = build_downloads(
        &collection,
        BuildOptions {
            instrument2: false,
            first_id: 1,
        },
    )
    .unwrap();
    let last = buffers.last().unwrap();
    assert_eq!(last.download_type, c::DMUS_DOWNLOADINFO_INSTRUMENT);
    let Parsed::Instrument { instrument, .. } = parse(&last.bytes).unwrap() else {
        panic!()
    };
    let a = instrument.articulation.unwrap();
    assert_eq!(a.format, ArticulationFormat::Dls1);
    assert_eq!(a.connections.len(), 20);
    let find = |d| {
        a.connections
            .iter()
            .find(|x| x.source == 0 && x.destination == d)
            .map(|x| x.scale)
    };
    assert_eq!(find(c::CONN_DST_LFO_FREQUENCY), Some(-100 << 16));
    assert_eq!(find(c::CONN_DST_EG1_ATTACKTIME), Some(-1200 << 16));
    assert_eq!(
        find(c::CONN_DST_FILTER_CUTOFF),
        None,
        "lossy: no filter in DMUS_ARTICPARAMS"
    );
    assert_eq!(
        find(c::CONN_DST_EG1_SUSTAINLEVEL),
        Some(1000 << 16),
        "DLS2 default filled in"
    );
}

#[test]
fn dls_files_round_trip_through_downloads() {
    for seed in 0..100 {
        let collection = file_common::random_collection(seed);
        let bytes = dls::file::write_dls(&collection);
        let read = dls::file::read_dls(&bytes).unwrap();
        check_round_trip(&read, BuildOptions::default(), &format!("file seed {seed}"));
    }
}

#[test]
fn download_ids_follow_dmusic_order() {
    // Instrument id first, then its new waves, then the next instrument.
    let wave = |n| Wave {
        sample_rate: 22050,
        data: vec![n; 4],
        sample: None,
        name: None,
        copyright: None,
    };
    let region = |w| Region {
        keys: Range::FULL,
        velocities: Range::FULL,
        key_group: 0,
        self_non_exclusive: false,
        wave_link: WaveLink {
            wave: w,
            ..WaveLink::default()
        },
        sample: None,
        articulation: None,
    };
    let instrument = |regions| Instrument {
        patch: Patch::default(),
        gm_instrument: false,
        name: None,
        regions,
        articulation: None,
        copyright: None,
    };
    let collection = Collection {
        instruments: vec![
            instrument(vec![region(1), region(1)]),
            instrument(vec![region(0), region(1)]),
        ],
        waves: vec![wave(0), wave(1), wave(2)],
        ..Collection::default()
    };
    let buffers = build_downloads(
        &collection,
        BuildOptions {
            instrument2: true,
            first_id: 100,
        },
    )
    .unwrap();
    let order: Vec<(Origin, u32)> = buffers.iter().map(|b| (b.origin, b.id)).collect();
    assert_eq!(
        order,
        vec![
            (Origin::Wave(1), 101),
            (Origin::Instrument(0), 100),
            (Origin::Wave(0), 103),
            (Origin::Instrument(1), 102),
        ],
        "unused wave 2 is never sent"
    );
    // A wave link outside the pool cannot be built.
    let mut broken = collection.clone();
    broken.instruments[0].regions[0].wave_link.wave = 3;
    assert_eq!(
        build_downloads(&broken, BuildOptions::default()),
        Err(dls::error::DownloadError::BadWaveLink)
    );
}
