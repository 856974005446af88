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
