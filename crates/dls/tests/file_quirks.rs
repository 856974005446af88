//! The `.dls` reader on hand-made files: real-file quirks it must tolerate, and the errors it
//! must give for each class of broken input.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used
)]

mod file_common;

use dls::file::{DlsQueries, FileErrorKind, read_dls, read_dls_with};
use dls::model::*;
use file_common::{chunk, le, le16, list, riff};
use portcls_sys::dls as c;

fn fourcc(code: &[u8; 4]) -> u32 {
    u32::from_le_bytes(*code)
}

/// `fmt ` for PCM.
fn fmt(channels: u16, bits: u16, rate: u32) -> Vec<u8> {
    let block = channels * bits / 8;
    let mut body = le16(&[1, channels]);
    body.extend(le(&[rate, rate * u32::from(block)]));
    body.extend(le16(&[block, bits]));
    chunk(b"fmt ", &body)
}

fn wave(fmt_chunk: Vec<u8>, data: &[u8], wsmp: Option<Vec<u8>>) -> Vec<u8> {
    let mut children = vec![fmt_chunk];
    children.extend(wsmp);
    children.push(chunk(b"data", data));
    list(b"wave", &children)
}

fn wave16(frames: &[i16]) -> Vec<u8> {
    let data: Vec<u8> = frames.iter().flat_map(|f| f.to_le_bytes()).collect();
    wave(fmt(1, 16, 22050), &data, None)
}

/// `wsmp` with an explicit cbSize and optional loop (loop cbSize, type, start, length).
fn wsmp(cb_size: u32, unity: u16, lp: Option<(u32, u32, u32, u32)>) -> Vec<u8> {
    let mut body = le(&[cb_size]);
    body.extend(le16(&[unity, 0]));
    body.extend(le(&[0, 0, u32::from(lp.is_some())]));
    // cbSize counts from the start of the struct; pad up to it when it is above 20.
    while body.len() < cb_size as usize {
        body.push(0);
    }
    if let Some((size, kind, start, length)) = lp {
        body.extend(le(&[size, kind, start, length]));
    }
    chunk(b"wsmp", &body)
}

fn connection_chunk(id: &[u8; 4], connections: &[(u16, u16, u16, u16, i32)]) -> Vec<u8> {
    let mut body = le(&[8, connections.len() as u32]);
    for &(s, ctl, d, t, scale) in connections {
        body.extend(le16(&[s, ctl, d, t]));
        body.extend(scale.to_le_bytes());
    }
    chunk(id, &body)
}

fn rgnh(keys: (u16, u16), vels: (u16, u16)) -> Vec<u8> {
    chunk(b"rgnh", &le16(&[keys.0, keys.1, vels.0, vels.1, 0, 0]))
}

fn wlnk(cue: u32) -> Vec<u8> {
    let mut body = le16(&[0, 0]);
    body.extend(le(&[1, cue]));
    chunk(b"wlnk", &body)
}

fn region(extra: Vec<Vec<u8>>) -> Vec<u8> {
    let mut children = vec![rgnh((0, 127), (0, 127)), wlnk(0)];
    children.extend(extra);
    list(b"rgn ", &children)
}

fn instrument(program: u32, regions: Vec<Vec<u8>>, extra: Vec<Vec<u8>>) -> Vec<u8> {
    let mut children = vec![chunk(b"insh", &le(&[regions.len() as u32, 0, program]))];
    children.push(list(b"lrgn", &regions));
    children.extend(extra);
    list(b"ins ", &children)
}

/// A collection file: instruments and waves (cue i → wave i unless `cues` says otherwise).
fn collection(instruments: Vec<Vec<u8>>, waves: Vec<Vec<u8>>, cues: Option<Vec<u32>>) -> Vec<u8> {
    let mut offsets = Vec::new();
    let mut at = 0u32;
    for w in &waves {
        offsets.push(at);
        at += w.len() as u32;
    }
    let cues = cues
        .map(|c| {
            c.iter()
                .map(|&i| offsets.get(i as usize).copied().unwrap_or(i))
                .collect()
        })
        .unwrap_or(offsets);
    let mut ptbl = le(&[8, cues.len() as u32]);
    ptbl.extend(le(&cues));
    riff(
        b"DLS ",
        &[
            chunk(b"colh", &le(&[instruments.len() as u32])),
            list(b"lins", &instruments),
            chunk(b"ptbl", &ptbl),
            list(b"wvpl", &waves),
        ],
    )
}

fn simple(regions: Vec<Vec<u8>>, extra: Vec<Vec<u8>>) -> Vec<u8> {
    collection(vec![instrument(0, regions, extra)], vec![wave16(&[0; 100])], None)
}

fn kind(bytes: &[u8]) -> FileErrorKind {
    read_dls(bytes).unwrap_err().kind
}

// ---- quirks that must be tolerated ----

#[test]
fn art1_inside_lar2_and_art2_inside_lart() {
    let file = simple(
        vec![region(vec![list(
            b"lart",
            &[connection_chunk(
                b"art2",
                &[(0, 0, c::CONN_DST_PAN, 0, 100 << 16)],
            )],
        )])],
        vec![list(
            b"lar2",
            &[connection_chunk(
                b"art1",
                &[(c::CONN_SRC_LFO, 0, c::CONN_DST_PITCH, 0, 50 << 16)],
            )],
        )],
    );
    let collection = read_dls(&file).unwrap();
    let instrument = &collection.instruments[0];
    let global = instrument.articulation.as_ref().unwrap();
    assert_eq!(global.format, ArticulationFormat::Dls1);
    assert_eq!(global.connections[0].source, c::CONN_SRC_LFO);
    assert!(
        global.connections[0].transform.source_bipolar,
        "DLS1 LFO is bipolar"
    );
    let local = instrument.regions[0].articulation.as_ref().unwrap();
    assert_eq!(local.format, ArticulationFormat::Dls2);
    assert_eq!(local.connections[0].scale, 100 << 16);
}

#[test]
fn dls2_articulation_wins_over_dls1_at_the_same_level() {
    let file = simple(
        vec![region(vec![])],
        vec![
            list(
                b"lart",
                &[connection_chunk(b"art1", &[(0, 0, c::CONN_DST_PAN, 0, 1)])],
            ),
            list(
                b"lar2",
                &[connection_chunk(b"art2", &[(0, 0, c::CONN_DST_PAN, 0, 2)])],
            ),
        ],
    );
    let art = read_dls(&file).unwrap().instruments[0]
        .articulation
        .clone()
        .unwrap();
    assert_eq!(art.format, ArticulationFormat::Dls2);
    assert_eq!(art.connections.len(), 1);
    assert_eq!(art.connections[0].scale, 2);
}

#[test]
fn missing_invert_flags_are_forced() {
    let vel_gain = (c::CONN_SRC_KEYONVELOCITY, 0, c::CONN_DST_GAIN);
    // art2: concave source (bits 10..13 = 1) without the invert bit (Fury.dls).
    let art2_concave = 1 << 10;
    let file = simple(
        vec![region(vec![list(
            b"lar2",
            &[connection_chunk(
                b"art2",
                &[(vel_gain.0, vel_gain.1, vel_gain.2, art2_concave, -960 << 16)],
            )],
        )])],
        vec![list(
            b"lart",
            &[connection_chunk(
                b"art1",
                &[(c::CONN_SRC_CC7, 0, c::CONN_DST_GAIN, 1, -960 << 16)],
            )],
        )],
    );
    let instrument = &read_dls(&file).unwrap().instruments[0];
    let dls1 = &instrument.articulation.as_ref().unwrap().connections[0];
    assert_eq!(dls1.transform.source, Curve::Concave);
    assert!(dls1.transform.source_invert);
    let dls2 = &instrument.regions[0].articulation.as_ref().unwrap().connections[0];
    assert!(dls2.transform.source_invert);
    // A linear velocity curve is left alone.
    let linear = simple(
        vec![region(vec![list(
            b"lar2",
            &[connection_chunk(b"art2", &[(vel_gain.0, 0, vel_gain.2, 0, 1)])],
        )])],
        vec![],
    );
    let connection = read_dls(&linear).unwrap().instruments[0].regions[0]
        .articulation
        .clone()
        .unwrap()
        .connections[0];
    assert!(!connection.transform.source_invert);
}

#[test]
fn short_wsmp_and_loop_sizes_are_tolerated() {
    // cbSize 0 (< 20) and loop cbSize 4 (< 16): Crystal files.
    let file = simple(vec![region(vec![wsmp(0, 64, Some((4, 0, 10, 20)))])], vec![]);
    let sample = read_dls(&file).unwrap().instruments[0].regions[0].sample.unwrap();
    assert_eq!(sample.unity_note, 64);
    assert_eq!(
        sample.sample_loop,
        Some(Loop {
            kind: LoopKind::Forward,
            start: 10,
            length: 20
        })
    );
    // A longer cbSize (future fields) is skipped over to reach the loop.
    let file = simple(vec![region(vec![wsmp(24, 64, Some((16, 1, 5, 6)))])], vec![]);
    let sample = read_dls(&file).unwrap().instruments[0].regions[0].sample.unwrap();
    assert_eq!(
        sample.sample_loop,
        Some(Loop {
            kind: LoopKind::Release,
            start: 5,
            length: 6
        })
    );
}

#[test]
fn odd_sized_chunks_are_padded_and_riff_size_is_clamped() {
    let mut info_name = b"Odd".to_vec();
    info_name.push(0); // 4 bytes
    let mut file = collection(
        vec![instrument(
            3,
            vec![region(vec![])],
            vec![
                chunk(b"junk", &[1, 2, 3]),
                list(b"INFO", &[chunk(b"INAM", b"Piano\0")]),
            ],
        )],
        vec![wave16(&[1, 2, 3])],
        None,
    );
    // RIFF size larger than the file.
    file[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    let collection = read_dls(&file).unwrap();
    assert_eq!(collection.instruments[0].name.as_deref(), Some("Piano"));
    assert_eq!(collection.instruments[0].patch.program, 3);
    assert_eq!(collection.waves[0].data, vec![1, 2, 3]);
}

#[test]
fn eight_bit_waves_become_signed_sixteen_bit() {
    let file = collection(
        vec![instrument(0, vec![region(vec![])], vec![])],
        vec![wave(fmt(1, 8, 11025), &[0, 128, 255], None)],
        None,
    );
    let wave = &read_dls(&file).unwrap().waves[0];
    assert_eq!(wave.data, vec![-32768, 0, 32512]);
    assert_eq!(wave.sample_rate, 11025);
}

#[test]
fn pool_cues_map_to_waves_in_cue_order() {
    // wvpl holds A then B; cues are [B, A, B]: waves are [B, A], and cue 2 is B again.
    let a = wave16(&[1; 10]);
    let b = wave16(&[2; 20]);
    let regions = (0..3u32)
        .map(|cue| list(b"rgn ", &[rgnh((cue as u16, cue as u16), (0, 0)), wlnk(cue)]))
        .collect();
    let file = collection(
        vec![instrument(0, regions, vec![])],
        vec![a, b],
        Some(vec![1, 0, 1]),
    );
    let collection = read_dls(&file).unwrap();
    assert_eq!(collection.waves.len(), 2);
    assert_eq!(collection.waves[0].data.len(), 20);
    assert_eq!(collection.waves[1].data.len(), 10);
    let waves: Vec<u32> = collection.instruments[0]
        .regions
        .iter()
        .map(|r| r.wave_link.wave)
        .collect();
    assert_eq!(waves, vec![0, 1, 0]);
    // Velocity 0..0 (DLS1 writers) reads as the full range.
    assert_eq!(collection.instruments[0].regions[0].velocities, Range::FULL);
}

// ---- cdl ----

fn cdl_query(id: (u32, u16, u16, [u8; 8])) -> Vec<u8> {
    let mut body = le16(&[c::DLS_CDL_QUERY]);
    body.extend(le(&[id.0]));
    body.extend(le16(&[id.1, id.2]));
    body.extend(id.3);
    chunk(b"cdl ", &body)
}

const SUPPORTS_DLS2: (u32, u16, u16, [u8; 8]) = (
    0xf145_99e5,
    0x4689,
    0x11d2,
    [0xaf, 0xa6, 0, 0xaa, 0, 0x24, 0xd8, 0xb6],
);
const XG_IN_HARDWARE: (u32, u16, u16, [u8; 8]) = (
    0x178f_2f26,
    0xc364,
    0x11d1,
    [0xa7, 0x60, 0, 0, 0xf8, 0x75, 0xac, 0x12],
);

#[test]
fn cdl_bypasses_regions_articulations_and_instruments() {
    let pan = |scale| {
        list(
            b"lar2",
            &[connection_chunk(b"art2", &[(0, 0, c::CONN_DST_PAN, 0, scale)])],
        )
    };
    let xg_lart = list(
        b"lart",
        &[
            cdl_query(XG_IN_HARDWARE),
            connection_chunk(b"art1", &[(0, 0, c::CONN_DST_PAN, 0, 7)]),
        ],
    );
    let file = collection(
        vec![
            instrument(
                0,
                vec![
                    region(vec![cdl_query(SUPPORTS_DLS2), pan(1)]),
                    region(vec![cdl_query(XG_IN_HARDWARE)]),
                ],
                vec![xg_lart],
            ),
            instrument(1, vec![region(vec![])], vec![cdl_query(XG_IN_HARDWARE)]),
        ],
        vec![wave16(&[0; 4])],
        None,
    );
    let collection = read_dls(&file).unwrap();
    assert_eq!(
        collection.instruments.len(),
        1,
        "the XG-only instrument is bypassed"
    );
    let instrument = &collection.instruments[0];
    assert_eq!(instrument.regions.len(), 1, "the XG-only region is bypassed");
    assert!(instrument.articulation.is_none(), "the XG-only lart is bypassed");
    // With an XG synth, everything applies.
    let xg = DlsQueries {
        xg_in_hardware: true,
        ..DlsQueries::default()
    };
    let collection = read_dls_with(&file, &xg).unwrap();
    assert_eq!(collection.instruments.len(), 2);
    assert_eq!(collection.instruments[0].regions.len(), 2);
    assert_eq!(
        collection.instruments[0]
            .articulation
            .as_ref()
            .unwrap()
            .connections[0]
            .scale,
        7
    );
    // A DLS1-only synth drops the DLS2 region.
    let dls1 = DlsQueries {
        supports_dls2: false,
        ..DlsQueries::default()
    };
    assert_eq!(
        read_dls_with(&file, &dls1).unwrap().instruments[0].regions.len(),
        0
    );
}

#[test]
fn collection_level_and_malformed_cdl() {
    let mut file = simple(vec![region(vec![])], vec![]);
    // Insert a false top-level cdl right after the form type.
    let cdl = cdl_query(XG_IN_HARDWARE);
    file.splice(12..12, cdl.iter().copied());
    let size = (file.len() - 8) as u32;
    file[4..8].copy_from_slice(&size.to_le_bytes());
    assert_eq!(kind(&file), FileErrorKind::CollectionBypassed);
    let bad = simple(
        vec![region(vec![chunk(b"cdl ", &le16(&[c::DLS_CDL_AND]))])],
        vec![],
    );
    assert_eq!(kind(&bad), FileErrorKind::BadConditional);
}

// ---- errors ----

#[test]
fn unsupported_wave_formats_are_rejected() {
    let stereo = collection(vec![], vec![wave(fmt(2, 16, 44100), &[0; 8], None)], None);
    assert_eq!(
        kind(&stereo),
        FileErrorKind::UnsupportedWaveFormat {
            format_tag: 1,
            channels: 2,
            bits_per_sample: 16
        }
    );
    let bits24 = collection(vec![], vec![wave(fmt(1, 24, 44100), &[0; 6], None)], None);
    assert!(matches!(
        kind(&bits24),
        FileErrorKind::UnsupportedWaveFormat {
            bits_per_sample: 24,
            ..
        }
    ));
    let mut adpcm = fmt(1, 4, 22050);
    adpcm[8] = 2; // wFormatTag = ADPCM
    let adpcm = collection(vec![], vec![wave(adpcm, &[0; 6], None)], None);
    assert!(matches!(
        kind(&adpcm),
        FileErrorKind::UnsupportedWaveFormat { format_tag: 2, .. }
    ));
    let no_data = collection(vec![], vec![list(b"wave", &[fmt(1, 16, 8000)])], None);
    assert_eq!(kind(&no_data), FileErrorKind::MissingChunk(fourcc(b"data")));
}

#[test]
fn wave_links_and_cues_are_checked() {
    let bad_link = collection(
        vec![instrument(
            0,
            vec![list(b"rgn ", &[rgnh((0, 127), (0, 127)), wlnk(5)])],
            vec![],
        )],
        vec![wave16(&[0; 4])],
        None,
    );
    assert_eq!(kind(&bad_link), FileErrorKind::BadWaveLink { table_index: 5 });
    let null_cue = collection(
        vec![instrument(0, vec![region(vec![])], vec![])],
        vec![wave16(&[0; 4])],
        Some(vec![c::POOL_CUE_NULL]),
    );
    assert_eq!(kind(&null_cue), FileErrorKind::BadWaveLink { table_index: 0 });
    let cue_outside = collection(vec![], vec![wave16(&[0; 4])], Some(vec![10_000]));
    assert_eq!(kind(&cue_outside), FileErrorKind::BadPoolCue { cue: 0 });
    let missing_wlnk = collection(
        vec![instrument(
            0,
            vec![list(b"rgn ", &[rgnh((0, 127), (0, 127))])],
            vec![],
        )],
        vec![wave16(&[0; 4])],
        None,
    );
    assert_eq!(kind(&missing_wlnk), FileErrorKind::MissingChunk(fourcc(b"wlnk")));
}

#[test]
fn loops_past_the_wave_end_are_fitted_to_the_wave() {
    // Real files have them (VintageDreamsWaves-v2.dls): clamp to the end, drop if starting past it.
    let loop_of = |file: &[u8]| {
        read_dls(file).unwrap().instruments[0].regions[0]
            .sample
            .unwrap()
            .sample_loop
    };
    let region_loop = simple(vec![region(vec![wsmp(20, 60, Some((16, 0, 90, 11)))])], vec![]);
    assert_eq!(
        loop_of(&region_loop),
        Some(Loop {
            kind: LoopKind::Forward,
            start: 90,
            length: 10
        })
    );
    let overflow = simple(
        vec![region(vec![wsmp(20, 60, Some((16, 1, u32::MAX, 2)))])],
        vec![],
    );
    assert_eq!(loop_of(&overflow), None);
    let at_end = simple(vec![region(vec![wsmp(20, 60, Some((16, 0, 100, 1)))])], vec![]);
    assert_eq!(loop_of(&at_end), None);
    let wave_loop = collection(
        vec![],
        vec![wave(
            fmt(1, 16, 8000),
            &[0; 8],
            Some(wsmp(20, 60, Some((16, 1, 1, 5)))),
        )],
        None,
    );
    let wave_sample = read_dls(&wave_loop).unwrap().waves[0].sample.unwrap();
    assert_eq!(
        wave_sample.sample_loop,
        Some(Loop {
            kind: LoopKind::Release,
            start: 1,
            length: 3
        })
    );
    // Exactly to the end is kept as is.
    let exact = simple(vec![region(vec![wsmp(20, 60, Some((16, 0, 90, 10)))])], vec![]);
    assert_eq!(
        loop_of(&exact),
        Some(Loop {
            kind: LoopKind::Forward,
            start: 90,
            length: 10
        })
    );
}

#[test]
fn huge_counts_are_rejected_without_allocating() {
    let mut ptbl = le(&[8, 0x4000_0001]);
    ptbl.extend(le(&[0]));
    let file = riff(
        b"DLS ",
        &[chunk(b"ptbl", &ptbl), list(b"wvpl", &[wave16(&[0; 2])])],
    );
    assert_eq!(kind(&file), FileErrorKind::BadChunkSize(fourcc(b"ptbl")));
    let mut ptbl = le(&[u32::MAX, 1]);
    ptbl.extend(le(&[0]));
    let file = riff(
        b"DLS ",
        &[chunk(b"ptbl", &ptbl), list(b"wvpl", &[wave16(&[0; 2])])],
    );
    assert_eq!(kind(&file), FileErrorKind::BadChunkSize(fourcc(b"ptbl")));
    let mut art = le(&[8, 0x1555_5556]); // × 12 overflows 32 bits
    art.extend([0; 12]);
    let file = simple(vec![region(vec![list(b"lar2", &[chunk(b"art2", &art)])])], vec![]);
    assert_eq!(kind(&file), FileErrorKind::BadChunkSize(fourcc(b"art2")));
}

#[test]
fn structure_errors() {
    assert_eq!(kind(b"RIFF\0\0\0\0WAVE"), FileErrorKind::NotDls);
    assert_eq!(kind(b""), FileErrorKind::NotDls);
    let good = simple(vec![region(vec![])], vec![]);
    // A child chunk whose size runs past its list.
    let mut truncated = good.clone();
    let at = truncated.windows(4).position(|w| w == b"insh").unwrap();
    truncated[at + 4..at + 8].copy_from_slice(&1000u32.to_le_bytes());
    let error = read_dls(&truncated).unwrap_err();
    assert_eq!(
        error.kind,
        FileErrorKind::Riff(dls::riff::RiffErrorKind::Truncated)
    );
    assert_eq!(error.offset, at);
    let no_insh = collection(vec![list(b"ins ", &[list(b"lrgn", &[])])], vec![], None);
    assert_eq!(kind(&no_insh), FileErrorKind::MissingChunk(fourcc(b"insh")));
    let reversed = simple(vec![list(b"rgn ", &[rgnh((60, 10), (0, 127)), wlnk(0)])], vec![]);
    assert_eq!(kind(&reversed), FileErrorKind::BadRange);
    let bad_transform = simple(
        vec![region(vec![list(
            b"lar2",
            &[connection_chunk(b"art2", &[(0, 0, 1, 0x000F << 10, 0)])],
        )])],
        vec![],
    );
    assert_eq!(kind(&bad_transform), FileErrorKind::BadTransform);
    // Error messages say what and where.
    let message = read_dls(&truncated).unwrap_err().to_string();
    assert!(
        message.contains("truncated") && message.contains(&format!("{at:#x}")),
        "{message}"
    );
}

#[test]
fn mutated_files_never_panic() {
    let mut rng = file_common::Rng::new(99);
    #[cfg(feature = "std")]
    let base = dls::file::write_dls(&file_common::random_collection(5));
    #[cfg(not(feature = "std"))]
    let base = simple(vec![region(vec![wsmp(20, 60, Some((16, 0, 1, 2)))])], vec![]);
    for _ in 0..3000 {
        let mut bytes = base.clone();
        for _ in 0..rng.range(1, 4) {
            let at = rng.below(bytes.len() as u64) as usize;
            bytes[at] = rng.next() as u8;
        }
        let _ = read_dls(&bytes);
    }
}

#[test]
fn velocity_ranges_are_normalised_like_downloads() {
    let velocities = |vels: (u16, u16)| {
        let file = simple(vec![list(b"rgn ", &[rgnh((0, 127), vels), wlnk(0)])], vec![]);
        read_dls(&file).unwrap().instruments[0].regions[0].velocities
    };
    assert_eq!(velocities((0, 0)), Range::FULL);
    assert_eq!(velocities((90, 10)), Range::FULL);
    assert_eq!(velocities((100, 500)), Range { low: 100, high: 127 });
    assert_eq!(velocities((300, 500)), Range::FULL);
    assert_eq!(velocities((1, 63)), Range { low: 1, high: 63 });
}
