//! FluidR3_GM (MIT, Debian `fluid-soundfont-gm`) imported from SoundFont, turned into the download
//! buffers dmusic.dll would send, and parsed back by the kernel parser: every buffer parses to the
//! model it carries, in both instrument formats.
#![cfg(feature = "std")]
#![allow(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::panic
)]

mod download_common;

use dls::download::build::BuildOptions;

const FLUID_R3: &str = "/usr/share/sounds/sf2/FluidR3_GM.sf2";

#[test]
fn fluid_r3_gm_round_trips_through_downloads() {
    let Ok(bytes) = std::fs::read(FLUID_R3) else {
        assert!(
            std::env::var("CI").is_err(),
            "{FLUID_R3} missing (apt-get install fluid-soundfont-gm)"
        );
        eprintln!("skipping: {FLUID_R3} not installed");
        return;
    };
    let collection = dls::sf2::import_sf2(&bytes).unwrap();
    drop(bytes);
    // A real bank is inside every validation range: validation changes nothing.
    let mut validated = collection.clone();
    validated.validate().unwrap();
    for (a, b) in validated.instruments.iter().zip(&collection.instruments) {
        let arts = |i: &dls::model::Instrument| {
            let mut all: Vec<_> = i.articulation.iter().collect();
            all.extend(i.regions.iter().filter_map(|r| r.articulation.as_ref()));
            all.into_iter()
                .flat_map(|a| a.connections.clone())
                .collect::<Vec<_>>()
        };
        for (x, y) in arts(a).iter().zip(arts(b).iter()) {
            assert_eq!(x, y, "validation changed a connection of {:?}", b.name);
        }
        for (x, y) in a.regions.iter().zip(&b.regions) {
            assert_eq!(x.sample, y.sample, "validation changed a WSMP of {:?}", b.name);
            assert_eq!(x, y, "validation changed a region of {:?}", b.name);
        }
    }
    assert_eq!(validated.waves, collection.waves);
    assert_eq!(validated, collection);
    for instrument2 in [true, false] {
        let started = std::time::Instant::now();
        let buffers = download_common::check_round_trip(
            &collection,
            BuildOptions {
                instrument2,
                first_id: 1,
            },
            "FluidR3",
        );
        eprintln!(
            "FluidR3_GM (instrument2 = {instrument2}): {buffers} buffers built and parsed back in {:?}",
            started.elapsed()
        );
        // Every wave some instrument uses, plus every instrument.
        assert!(buffers > collection.instruments.len() + 500, "{buffers}");
    }
}
