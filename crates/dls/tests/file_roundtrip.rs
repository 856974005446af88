//! `read_dls(write_dls(c)) == c` over generated collections.
#![cfg(feature = "std")]

mod file_common;

use dls::file::{read_dls, write_dls};

#[test]
fn generated_collections_round_trip() {
    for seed in 0..400 {
        let collection = file_common::random_collection(seed);
        let bytes = write_dls(&collection);
        let back = read_dls(&bytes).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert_eq!(back, collection, "seed {seed}");
    }
}

#[test]
fn written_files_have_the_dls2_layout() {
    let collection = file_common::random_collection(7);
    let bytes = write_dls(&collection);
    assert_eq!(&bytes[0..4], b"RIFF");
    assert_eq!(
        u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize,
        bytes.len() - 8
    );
    assert_eq!(&bytes[8..12], b"DLS ");
    assert_eq!(&bytes[12..16], b"colh");
    assert_eq!(
        u32::from_le_bytes(bytes[20..24].try_into().unwrap()) as usize,
        collection.instruments.len()
    );
}

#[test]
fn reading_a_written_file_is_stable_under_truncation() {
    // Every prefix either reads or fails cleanly (no panic).
    let bytes = write_dls(&file_common::random_collection(3));
    for len in 0..bytes.len() {
        let _ = read_dls(&bytes[..len]);
    }
}
