//! One test per ddksynth download bug class (shared/reference dmus-miniport-and-ddksynth §d.2,
//! §f.6), each asserting the exact error, plus exhaustive truncation and mutation sweeps that
//! must never panic.
#![cfg(feature = "std")]
#![allow(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::panic,
    clippy::expect_used
)]

use dls::download::build::{BuildOptions, build_downloads, build_wave};
use dls::download::{MAX_CONNECTIONS, Parsed, parse};
use dls::error::{Chain, DownloadError as E, Structure as S};
use dls::model::*;
use dls::validate::fit_loop;
use portcls_sys::dls as c;

// ---- a raw buffer writer (independent of the builder) ----------------------------------------

fn le(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// `DMUS_DOWNLOADINFO` + offset table + the objects, each 4-byte aligned; `cbSize` exact.
fn raw(download_type: u32, id: u32, objects: &[Vec<u8>]) -> Vec<u8> {
    let mut offsets = vec![];
    let mut position = 16 + 4 * objects.len();
    for o in objects {
        position = position.next_multiple_of(4);
        offsets.push(position as u32);
        position += o.len();
    }
    let mut out = le(&[download_type, id, objects.len() as u32, position as u32]);
    out.extend(le(&offsets));
    for (o, &at) in objects.iter().zip(&offsets) {
        out.resize(at as usize, 0);
        out.extend_from_slice(o);
    }
    out
}

fn offset_of(buffer: &[u8], entry: usize) -> usize {
    u32::from_le_bytes(buffer[16 + 4 * entry..20 + 4 * entry].try_into().unwrap()) as usize
}

fn set_u32(buffer: &mut [u8], at: usize, value: u32) {
    buffer[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

fn set_u16(buffer: &mut [u8], at: usize, value: u16) {
    buffer[at..at + 2].copy_from_slice(&value.to_le_bytes());
}

/// `DMUS_INSTRUMENT`.
fn instrument(first_region: u32, global_art: u32, first_ext: u32, copyright: u32) -> Vec<u8> {
    le(&[0x0000_0005, first_region, global_art, first_ext, copyright, 0])
}

/// `DMUS_REGION` with one forward loop (start 2, length 4) on wave id 77.
fn region(art: u32, next: u32, loops: u32) -> Vec<u8> {
    let mut r = le(&[127 << 16, 127 << 16]); // keys 0..127, velocities 0..127
    r.extend(le(&[0, art, next, 0])); // fusOptions/usKeyGroup, art, next, ext
    r.extend(le(&[0, 1, 77])); // wave link: options/phase, channel left, wave id 77
    r.extend(le(&[20, 60, 0, 0, loops])); // WSMPL: cbSize, unity 60 / fine 0, gain, options, loops
    r.extend(le(&[16, 0, 2, 4])); // WLOOP[0]
    r
}

/// `DMUS_ARTICULATION2`.
fn art2(list: u32, next: u32) -> Vec<u8> {
    le(&[list, 0, next])
}

/// `CONNECTIONLIST` with `count` claimed and `present` LFO-frequency connections present.
fn connection_list(count: u32, present: usize) -> Vec<u8> {
    let mut out = le(&[8, count]);
    for _ in 0..present {
        out.extend(le(&[
            0,
            u32::from(c::CONN_DST_LFO_FREQUENCY),
            (-100i32 << 16) as u32,
        ]));
    }
    out
}

/// A valid INSTRUMENT2 buffer: instrument, two regions, a global articulation chain of two nodes.
fn valid_instrument2() -> Vec<u8> {
    raw(
        c::DMUS_DOWNLOADINFO_INSTRUMENT2,
        9,
        &[
            instrument(1, 3, 0, 0), // 0
            region(0, 2, 1),        // 1 → 2
            region(5, 0, 1),        // 2, own articulation 5
            art2(4, 5),             // 3 → 5
            connection_list(2, 2),  // 4
            art2(6, 0),             // 5
            connection_list(1, 1),  // 6
        ],
    )
}

/// `DMUS_WAVE` + `WAVEFORMATEX`.
fn wave_header(data_index: u32, tag: u16, channels: u16, rate: u32, bits: u16) -> Vec<u8> {
    let mut w = le(&[0, 0, data_index]);
    w.extend(tag.to_le_bytes());
    w.extend(channels.to_le_bytes());
    w.extend(rate.to_le_bytes());
    w.extend((rate * u32::from(bits) / 8).to_le_bytes());
    w.extend((bits / 8).max(1).to_le_bytes());
    w.extend(bits.to_le_bytes());
    w.extend([0, 0, 0, 0]); // cbSize + pad to 32
    w
}

fn wave_data(bytes: &[u8]) -> Vec<u8> {
    let mut d = le(&[bytes.len() as u32]);
    d.extend_from_slice(bytes);
    d
}

fn wave_buffer(tag: u16, channels: u16, rate: u32, bits: u16, data: &[u8]) -> Vec<u8> {
    raw(
        c::DMUS_DOWNLOADINFO_WAVE,
        3,
        &[wave_header(1, tag, channels, rate, bits), wave_data(data)],
    )
}

// ---- the valid baselines ------------------------------------------------------------------

#[test]
fn hand_written_baselines_parse() {
    let Parsed::Instrument { id, instrument } = parse(&valid_instrument2()).unwrap() else {
        panic!()
    };
    assert_eq!(id, 9);
    assert_eq!(instrument.patch.program, 5);
    assert_eq!(instrument.regions.len(), 2);
    assert_eq!(
        instrument.articulation.as_ref().unwrap().connections.len(),
        3,
        "2 + 1 along the chain"
    );
    assert_eq!(
        instrument.regions[1]
            .articulation
            .as_ref()
            .unwrap()
            .connections
            .len(),
        1
    );
    let r = &instrument.regions[0];
    assert_eq!(r.wave_link.wave, 77);
    assert_eq!(
        r.sample.unwrap().sample_loop,
        Some(Loop {
            kind: LoopKind::Forward,
            start: 2,
            length: 4
        })
    );

    let Parsed::Wave { id, wave } = parse(&wave_buffer(1, 1, 22050, 16, &[1, 0, 0xFF, 0x7F, 9])).unwrap()
    else {
        panic!()
    };
    assert_eq!(id, 3);
    assert_eq!(
        wave.data,
        vec![1, i16::MAX],
        "odd trailing byte of 16-bit data ignored"
    );
    assert_eq!(wave.sample_rate, 22050);
}

#[test]
fn eight_bit_waves_become_signed_16_bit() {
    let Parsed::Wave { wave, .. } = parse(&wave_buffer(1, 1, 11025, 8, &[0, 128, 255, 1])).unwrap() else {
        panic!()
    };
    assert_eq!(wave.data, vec![-32768, 0, 127 << 8, -127 << 8]);
}

#[test]
fn smaller_cbsize_is_honoured_and_trailing_bytes_ignored() {
    let mut b = valid_instrument2();
    let reference = parse(&b).unwrap();
    b.extend_from_slice(&[0xAB; 37]); // append space / junk after cbSize
    assert_eq!(parse(&b).unwrap(), reference);
}

// ---- one test per ddksynth bug class -----------------------------------------------------

#[test]
fn zero_offset_table_entries_is_unknown_download() {
    let b = le(&[c::DMUS_DOWNLOADINFO_INSTRUMENT2, 1, 0, 16]);
    assert_eq!(parse(&b), Err(E::UnknownDownload));
    assert_eq!(
        parse(&b).unwrap_err().hresult(),
        portcls_sys::dmerror::DMUS_E_UNKNOWNDOWNLOAD
    );
}

#[test]
fn unknown_and_unsupported_types() {
    for t in [0, 4, 5, 6, 7, 0xFFFF_FFFF] {
        let mut b = valid_instrument2();
        set_u32(&mut b, 0, t);
        assert_eq!(parse(&b), Err(E::UnknownDownload), "type {t}");
    }
}

#[test]
fn offset_past_the_buffer() {
    let b = valid_instrument2();
    for bad in [b.len() as u32, b.len() as u32 + 100, u32::MAX, 0, 8] {
        let mut m = b.clone();
        set_u32(&mut m, 16 + 4 * 3, bad);
        assert_eq!(parse(&m), Err(E::BadOffsetTable), "offset {bad}");
    }
    // An unused entry may be 0 (ddksynth only checked offset < cbSize); a used one may not.
    let objects = vec![instrument(1, 0, 0, 0), region(0, 0, 0), vec![0; 4]];
    let mut m = raw(3, 1, &objects);
    set_u32(&mut m, 16 + 4 * 2, 0);
    assert!(parse(&m).is_ok(), "unused zero entry");
    let at = offset_of(&m, 0) + 8;
    set_u32(&mut m, at, 2); // make it the global articulation
    assert_eq!(parse(&m), Err(E::BadOffsetTable));
    // An index beyond the table (region's next = 7 of 7 entries).
    let mut m = b.clone();
    set_u32(&mut m, offset_of(&b, 1) + 16, 7);
    assert_eq!(parse(&m), Err(E::BadOffsetTable));
    // A struct that starts inside but runs past the end.
    let mut m = b.clone();
    let last = m.len() - 2;
    set_u32(&mut m, 16 + 4 * 6, last as u32);
    assert_eq!(parse(&m), Err(E::Truncated(S::ConnectionList)));
}

#[test]
fn cbsize_lying() {
    let b = valid_instrument2();
    for lie in [b.len() as u32 + 1, b.len() as u32 * 2, u32::MAX] {
        let mut m = b.clone();
        set_u32(&mut m, 12, lie);
        assert_eq!(parse(&m), Err(E::BadOffsetTable), "cbSize {lie}");
    }
    // A cbSize too small for its own offset table.
    let mut m = b.clone();
    set_u32(&mut m, 12, 20);
    assert_eq!(parse(&m), Err(E::BadOffsetTable));
    // A huge entry count.
    let mut m = b.clone();
    set_u32(&mut m, 8, 0x4000_0000);
    assert_eq!(parse(&m), Err(E::BadOffsetTable));
    let mut m = b;
    set_u32(&mut m, 8, u32::MAX);
    assert_eq!(parse(&m), Err(E::BadOffsetTable));
}

#[test]
fn region_chain_cycle() {
    let b = valid_instrument2();
    // Region 2 → region 1 → region 2 …
    let mut m = b.clone();
    set_u32(&mut m, offset_of(&b, 2) + 16, 1);
    assert_eq!(parse(&m), Err(E::CycleDetected(Chain::Region)));
    // A region linking to itself.
    let mut m = b.clone();
    set_u32(&mut m, offset_of(&b, 1) + 16, 1);
    assert_eq!(parse(&m), Err(E::CycleDetected(Chain::Region)));
    assert_eq!(
        E::CycleDetected(Chain::Region).hresult(),
        portcls_sys::dmerror::DMUS_E_BADINSTRUMENT
    );
}

#[test]
fn articulation_chain_cycle() {
    let b = valid_instrument2();
    // Node 5 → node 3 → node 5 …
    let mut m = b.clone();
    set_u32(&mut m, offset_of(&b, 5) + 8, 3);
    assert_eq!(parse(&m), Err(E::CycleDetected(Chain::Articulation)));
    let mut m = b.clone();
    set_u32(&mut m, offset_of(&b, 3) + 8, 3);
    assert_eq!(parse(&m), Err(E::CycleDetected(Chain::Articulation)));
    assert_eq!(
        E::CycleDetected(Chain::Articulation).hresult(),
        portcls_sys::dmerror::DMUS_E_BADARTICULATION
    );
    // Sharing one chain between the instrument and a region is not a cycle.
    let mut m = b.clone();
    set_u32(&mut m, offset_of(&b, 1) + 12, 3);
    let Parsed::Instrument { instrument, .. } = parse(&m).unwrap() else {
        panic!()
    };
    assert_eq!(
        instrument.regions[0]
            .articulation
            .as_ref()
            .unwrap()
            .connections
            .len(),
        3
    );
}

#[test]
fn extension_chunk_chain_cycle_and_bounds() {
    let ext = |size: u32, next: u32| {
        let mut e = le(&[size, next, u32::from_le_bytes(*b"test")]);
        e.extend(vec![0x55; size.min(64) as usize]);
        e
    };
    let with = |chunks: Vec<Vec<u8>>| {
        let mut objects = vec![instrument(0, 0, 1, 0)];
        objects.extend(chunks);
        raw(c::DMUS_DOWNLOADINFO_INSTRUMENT2, 1, &objects)
    };
    assert!(parse(&with(vec![ext(4, 2), ext(8, 0)])).is_ok());
    assert_eq!(
        parse(&with(vec![ext(4, 2), ext(8, 1)])),
        Err(E::CycleDetected(Chain::ExtensionChunk))
    );
    assert_eq!(
        parse(&with(vec![ext(4, 1)])),
        Err(E::CycleDetected(Chain::ExtensionChunk))
    );
    let mut huge = with(vec![ext(4, 0)]);
    let at = offset_of(&huge, 1);
    set_u32(&mut huge, at, 0xFFFF_FFF0);
    assert_eq!(parse(&huge), Err(E::Truncated(S::ExtensionChunk)));
}

#[test]
fn loop_past_the_wave_end() {
    // The instrument may arrive before its wave, so the loop is checked against the wave when the
    // region binds: clamped to the wave, dropped if it starts past the end.
    let mut b = valid_instrument2();
    let r = offset_of(&b, 1);
    set_u32(&mut b, r + 64, 8); // start 8
    set_u32(&mut b, r + 68, 100); // length 100
    let Parsed::Instrument { instrument, .. } = parse(&b).unwrap() else {
        panic!()
    };
    let l = instrument.regions[0].sample.unwrap().sample_loop.unwrap();
    let Parsed::Wave { wave, .. } = parse(&wave_buffer(1, 1, 22050, 8, &[0; 10])).unwrap() else {
        panic!()
    };
    assert_eq!(
        fit_loop(l, wave.data.len()),
        Some(Loop {
            kind: LoopKind::Forward,
            start: 8,
            length: 2
        })
    );
    assert_eq!(fit_loop(Loop { start: 10, ..l }, wave.data.len()), None);
    // start + length overflowing 32 bits can never be right: refused at download.
    set_u32(&mut b, r + 64, 0xFFFF_FFF0);
    set_u32(&mut b, r + 68, 0x20);
    assert_eq!(parse(&b), Err(E::BadInstrument));
    // A zero-length loop means no loop.
    set_u32(&mut b, r + 64, 2);
    set_u32(&mut b, r + 68, 0);
    let Parsed::Instrument { instrument, .. } = parse(&b).unwrap() else {
        panic!()
    };
    assert_eq!(instrument.regions[0].sample.unwrap().sample_loop, None);
}

#[test]
fn huge_counts() {
    let b = valid_instrument2();
    // cConnections = 0x40000000 (12 × that overflows 32 bits).
    for count in [0x4000_0000, u32::MAX, 3] {
        let mut m = b.clone();
        set_u32(&mut m, offset_of(&b, 6) + 4, count);
        assert_eq!(
            parse(&m),
            Err(E::Truncated(S::ConnectionList)),
            "cConnections {count:#x}"
        );
    }
    assert_eq!(
        E::Truncated(S::ConnectionList).hresult(),
        portcls_sys::dmerror::DMUS_E_BADARTICULATION
    );
    // cSampleLoops huge: the loops it announces are not in the buffer.
    for loops in [0x1000_0000, 0x4000_0000, u32::MAX] {
        let mut m = b.clone();
        set_u32(&mut m, offset_of(&b, 2) + 52, loops);
        assert_eq!(parse(&m), Err(E::Truncated(S::Region)), "cSampleLoops {loops:#x}");
    }
    // Extra loops that are present are fine (the model keeps the first).
    let mut objects = vec![instrument(1, 0, 0, 0)];
    let mut r = region(0, 0, 2);
    r.extend(le(&[16, 1, 0, 1]));
    objects.push(r);
    assert!(parse(&raw(c::DMUS_DOWNLOADINFO_INSTRUMENT2, 1, &objects)).is_ok());
    // Wave data and copyright sizes.
    let mut w = wave_buffer(1, 1, 22050, 16, &[0; 8]);
    let at = offset_of(&w, 1);
    set_u32(&mut w, at, 0xFFFF_FFFF);
    assert_eq!(parse(&w), Err(E::Truncated(S::WaveData)));
    let mut objects = vec![instrument(0, 0, 0, 1), le(&[0x7FFF_FFFF, 0])];
    assert_eq!(parse(&raw(3, 1, &objects)), Err(E::Truncated(S::Copyright)));
    objects[1] = [le(&[6]), b"(c) x\0".to_vec()].concat();
    let Parsed::Instrument { instrument, .. } = parse(&raw(3, 1, &objects)).unwrap() else {
        panic!()
    };
    assert_eq!(instrument.copyright.as_deref(), Some("(c) x"));
}

#[test]
fn amplification_is_bounded() {
    // One connection list of 40000 blocks shared by the instrument and a region: the second use
    // pushes the download past MAX_CONNECTIONS.
    let count = 40_000;
    assert!(count * 2 > MAX_CONNECTIONS && count <= MAX_CONNECTIONS);
    let objects = vec![
        instrument(1, 2, 0, 0),
        region(2, 0, 1),
        art2(3, 0),
        connection_list(count as u32, count),
    ];
    assert_eq!(parse(&raw(3, 1, &objects)), Err(E::TooLarge));
    // Used once it is fine.
    let objects = vec![
        instrument(1, 2, 0, 0),
        region(0, 0, 1),
        art2(3, 0),
        connection_list(count as u32, count),
    ];
    assert!(parse(&raw(3, 1, &objects)).is_ok());
}

#[test]
fn bad_wave_formats() {
    assert_eq!(
        parse(&wave_buffer(2, 1, 22050, 16, &[0; 4])),
        Err(E::NotPcm),
        "ADPCM"
    );
    assert_eq!(
        parse(&wave_buffer(0xFFFE, 1, 22050, 16, &[0; 4])),
        Err(E::NotPcm),
        "EXTENSIBLE"
    );
    assert_eq!(
        parse(&wave_buffer(3, 1, 22050, 32, &[0; 4])),
        Err(E::NotPcm),
        "float"
    );
    assert_eq!(
        parse(&wave_buffer(1, 2, 22050, 16, &[0; 4])),
        Err(E::NotMono),
        "stereo"
    );
    assert_eq!(
        parse(&wave_buffer(1, 0, 22050, 16, &[0; 4])),
        Err(E::NotMono),
        "no channels"
    );
    assert_eq!(
        parse(&wave_buffer(1, 1, 22050, 24, &[0; 6])),
        Err(E::BadWave),
        "24-bit"
    );
    assert_eq!(
        parse(&wave_buffer(1, 1, 22050, 32, &[0; 8])),
        Err(E::BadWave),
        "32-bit"
    );
    assert_eq!(parse(&wave_buffer(1, 1, 0, 16, &[0; 4])), Err(E::BadWave), "0 Hz");
    assert_eq!(
        parse(&wave_buffer(1, 1, 1_000_000, 16, &[0; 4])),
        Err(E::BadWave),
        "1 MHz"
    );
    assert_eq!(
        parse(&wave_buffer(1, 1, 22050, 16, &[])),
        Err(E::BadWave),
        "no samples"
    );
    assert_eq!(
        parse(&wave_buffer(1, 1, 22050, 16, &[7])),
        Err(E::BadWave),
        "one odd byte"
    );
    let no_data = raw(2, 1, &[wave_header(0, 1, 1, 22050, 16)]);
    assert_eq!(parse(&no_data), Err(E::BadWave), "ulWaveDataIdx 0");
    assert_eq!(E::NotPcm.hresult() as u32, 0x8878_112A);
    assert_eq!(E::NotMono.hresult() as u32, 0x8878_1125);
    assert_eq!(E::BadWave.hresult() as u32, 0x8878_112B);
}

#[test]
fn bad_ranges_are_bad_instrument() {
    let b = valid_instrument2();
    let r = offset_of(&b, 1);
    for (at, value) in [(0, 200u16), (2, 128), (0, 0x100), (40, 128), (40, 0x8000)] {
        let mut m = b.clone();
        set_u16(&mut m, r + at, value);
        assert_eq!(parse(&m), Err(E::BadInstrument), "field +{at} = {value}");
    }
    // Velocity ranges are normalised, never refused (DLS1 ignores them; so did ddksynth).
    let cases = [
        (300u16, 128u16, Range::FULL),
        (90, 80, Range::FULL),
        (0, 0, Range::FULL),
        (10, 500, Range { low: 10, high: 127 }),
        (20, 30, Range { low: 20, high: 30 }),
    ];
    for (low, high, expected) in cases {
        let mut m = b.clone();
        set_u16(&mut m, r + 4, low);
        set_u16(&mut m, r + 6, high);
        let Parsed::Instrument { instrument, .. } = parse(&m).unwrap() else {
            panic!()
        };
        assert_eq!(instrument.regions[0].velocities, expected, "{low}..{high}");
    }
    // low > high keys.
    let mut m = b.clone();
    set_u16(&mut m, r, 100);
    set_u16(&mut m, r + 2, 50);
    assert_eq!(parse(&m), Err(E::BadInstrument));
    // An undefined transform curve.
    let mut m = b.clone();
    set_u16(&mut m, offset_of(&b, 4) + 8 + 6, 5 << 10);
    assert_eq!(parse(&m), Err(E::BadArticulation));
}

#[test]
fn region_without_any_articulation_is_accepted() {
    let objects = vec![instrument(1, 0, 0, 0), region(0, 0, 0)];
    let Parsed::Instrument { instrument, .. } = parse(&raw(3, 1, &objects)).unwrap() else {
        panic!()
    };
    assert!(instrument.articulation.is_none() && instrument.regions[0].articulation.is_none());
    let effective = dls::articulation::effective_connections(&instrument, &instrument.regions[0]).unwrap();
    assert_eq!(effective.len(), dls::articulation::DEFAULT_CONNECTIONS.len());
}

#[test]
fn dx6_articulation_needs_its_params() {
    // DMUS_ARTICULATION with ulArt1Idx 0, and with params cut short.
    let objects = vec![instrument(0, 1, 0, 0), le(&[0, 0])];
    assert_eq!(parse(&raw(1, 1, &objects)), Err(E::BadArticulation));
    let objects = vec![instrument(0, 1, 0, 0), le(&[2, 0]), vec![0; 79]];
    assert_eq!(parse(&raw(1, 1, &objects)), Err(E::Truncated(S::ArticParams)));
    let objects = vec![instrument(0, 1, 0, 0), le(&[2, 0]), vec![0; 80]];
    let Parsed::Instrument { instrument, .. } = parse(&raw(1, 1, &objects)).unwrap() else {
        panic!()
    };
    assert_eq!(instrument.articulation.unwrap().format, ArticulationFormat::Dls1);
}

#[test]
fn release_loop_types() {
    for (raw_type, kind) in [
        (0, LoopKind::Forward),
        (1, LoopKind::Release),
        (2, LoopKind::Release),
        (9, LoopKind::Forward),
    ] {
        let mut b = valid_instrument2();
        let r = offset_of(&b, 1);
        set_u32(&mut b, r + 60, raw_type);
        let Parsed::Instrument { instrument, .. } = parse(&b).unwrap() else {
            panic!()
        };
        assert_eq!(
            instrument.regions[0].sample.unwrap().sample_loop.unwrap().kind,
            kind,
            "type {raw_type}"
        );
    }
}

// ---- sweeps ------------------------------------------------------------------------------

/// Valid buffers of every kind: hand-written, and built from a collection in both formats.
fn corpus() -> Vec<Vec<u8>> {
    let wave = Wave {
        sample_rate: 44100,
        data: vec![1, -1, 300],
        sample: None,
        name: None,
        copyright: Some("c".into()),
    };
    let block = |destination, scale| Connection {
        source: c::CONN_SRC_KEYONVELOCITY,
        control: 0,
        destination,
        transform: Transform::default(),
        scale,
    };
    let region = Region {
        keys: Range { low: 10, high: 90 },
        velocities: Range::FULL,
        key_group: 1,
        self_non_exclusive: true,
        wave_link: WaveLink::default(),
        sample: Some(SampleInfo {
            sample_loop: Some(Loop {
                kind: LoopKind::Release,
                start: 1,
                length: 2,
            }),
            ..SampleInfo::default()
        }),
        articulation: Some(Articulation {
            format: ArticulationFormat::Dls2,
            connections: vec![block(1, -5)],
        }),
    };
    let collection = Collection {
        instruments: vec![Instrument {
            patch: Patch {
                bank_msb: 0,
                bank_lsb: 0,
                program: 3,
                drums: false,
            },
            gm_instrument: true,
            name: None,
            regions: vec![region.clone(), region],
            articulation: Some(Articulation {
                format: ArticulationFormat::Dls2,
                connections: vec![block(c::CONN_DST_EG1_ATTACKTIME, 0), block(c::CONN_DST_PITCH, 7)],
            }),
            copyright: Some("copyright".into()),
        }],
        waves: vec![wave.clone()],
        ..Collection::default()
    };
    let mut out = vec![
        valid_instrument2(),
        wave_buffer(1, 1, 8000, 8, &[1, 2, 3]),
        build_wave(&wave, 5).unwrap(),
    ];
    for instrument2 in [true, false] {
        for b in build_downloads(
            &collection,
            BuildOptions {
                instrument2,
                first_id: 1,
            },
        )
        .unwrap()
        {
            out.push(b.bytes);
        }
    }
    for b in &out {
        parse(b).unwrap();
    }
    out
}

#[test]
fn every_truncation_is_an_error() {
    let mut cases = 0;
    for buffer in corpus() {
        for len in 0..buffer.len() {
            // As copied (cbSize now lies) …
            assert!(
                parse(&buffer[..len]).is_err(),
                "prefix {len} of {} parsed",
                buffer.len()
            );
            // … and with cbSize telling the truth about the cut.
            if len >= 16 {
                let mut cut = buffer[..len].to_vec();
                set_u32(&mut cut, 12, len as u32);
                assert!(parse(&cut).is_err(), "cut at {len} of {} parsed", buffer.len());
            }
            cases += 1;
        }
    }
    assert!(cases > 1000, "{cases}");
}

#[test]
fn every_single_byte_mutation_is_handled() {
    let mut parses = 0u64;
    for buffer in corpus() {
        for at in 0..buffer.len() {
            let mut m = buffer.clone();
            for value in 0..=255u8 {
                m[at] = value;
                // Any result is fine; a panic or a hang is not.
                let _ = parse(&m);
                parses += 1;
            }
        }
    }
    assert!(parses > 300_000, "{parses}");
}

/// Writes the valid corpus as fuzz seeds: `DLS_DOWNLOAD_SEEDS=fuzz/seeds/download_parse cargo test
/// -p dls --features std --test download_errors write_fuzz_seeds -- --ignored`.
#[test]
#[ignore = "writes files; run by hand to refresh the fuzz seeds"]
fn write_fuzz_seeds() {
    let dir = std::env::var("DLS_DOWNLOAD_SEEDS").expect("set DLS_DOWNLOAD_SEEDS to the seed directory");
    std::fs::create_dir_all(&dir).unwrap();
    for (i, buffer) in corpus().iter().enumerate() {
        std::fs::write(format!("{dir}/seed-{i:02}.bin"), buffer).unwrap();
    }
}

#[test]
fn dx6_params_sit_at_the_documented_offsets() {
    // DMUS_ARTICPARAMS: LFO 0..24, VolEG 24..48, PitchEG 48..76 (pcRange at 72), Misc 76..80.
    let mut params = vec![0u8; 80];
    let mut put = |at: usize, v: i32| params[at..at + 4].copy_from_slice(&v.to_le_bytes());
    put(0, -100 << 16); // LFO.pcFrequency
    put(12, 25 << 16); // LFO.pcPitchScale
    put(20, 50 << 16); // LFO.pcMWToPitch
    put(32, 800 << 16); // VolEG.ptSustain
    put(40, -300 << 16); // VolEG.tcVel2Attack
    put(52, -2000 << 16); // PitchEG.tcDecay
    put(72, 1200 << 16); // PitchEG.pcRange
    put(76, -250 << 16); // Misc.ptDefaultPan
    let objects = vec![instrument(0, 1, 0, 0), le(&[2, 0]), params];
    let Parsed::Instrument { instrument, .. } =
        parse(&raw(c::DMUS_DOWNLOADINFO_INSTRUMENT, 1, &objects)).unwrap()
    else {
        panic!()
    };
    let a = instrument.articulation.unwrap();
    let get = |s, ctl, d| {
        a.connections
            .iter()
            .find(|x| (x.source, x.control, x.destination) == (s, ctl, d))
            .unwrap()
    };
    assert_eq!(get(0, 0, c::CONN_DST_LFO_FREQUENCY).scale, -100 << 16);
    let lfo_pitch = get(c::CONN_SRC_LFO, 0, c::CONN_DST_PITCH);
    assert_eq!(lfo_pitch.scale, 25 << 16);
    assert!(lfo_pitch.transform.source_bipolar, "the LFO is bipolar");
    assert_eq!(
        get(c::CONN_SRC_LFO, c::CONN_SRC_CC1, c::CONN_DST_PITCH).scale,
        50 << 16
    );
    assert_eq!(get(0, 0, c::CONN_DST_EG1_SUSTAINLEVEL).scale, 800 << 16);
    assert_eq!(
        get(c::CONN_SRC_KEYONVELOCITY, 0, c::CONN_DST_EG1_ATTACKTIME).scale,
        -300 << 16
    );
    assert_eq!(get(0, 0, c::CONN_DST_EG2_DECAYTIME).scale, -2000 << 16);
    assert_eq!(get(c::CONN_SRC_EG2, 0, c::CONN_DST_PITCH).scale, 1200 << 16);
    assert_eq!(get(0, 0, c::CONN_DST_PAN).scale, -250 << 16);
    // Zero fields are zero (e.g. a 0 attack is 1 s in time cents, not "0 s": DX6 sends what it means).
    assert_eq!(get(0, 0, c::CONN_DST_EG1_ATTACKTIME).scale, 0);
}
