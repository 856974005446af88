//! The download builder (host only): turns a [`Collection`] into the sequence of buffers
//! dmusic.dll sends a port, so every host test drives the kernel parser with the bytes the
//! kernel will really see.
//!
//! # What it reproduces (Wine `dlls/dmusic/instrument.c`, `wave.c`; dmdls.h layouts)
//!
//! * Per instrument, in collection order: the instrument's download id is taken first
//!   (`GetDLId`), then each wave its regions use that is not yet on the port is downloaded **in
//!   its own buffer, before the instrument**, under the next id; then the instrument, with every
//!   `WaveLink.ulTableIndex` rewritten from the pool index to that wave's download id. Waves no
//!   instrument uses are not downloaded. Ids count up from [`BuildOptions::first_id`].
//! * Wave buffer: `DMUS_DOWNLOADINFO(WAVE)`, offsets `[DMUS_WAVE, DMUS_WAVEDATA(, DMUS_COPYRIGHT)]`,
//!   `DMUS_WAVE` padded to 32 bytes with a 16-bit mono PCM `WAVEFORMATEX`, then
//!   `DMUS_WAVEDATA {cbSize = 2·frames, samples}`.
//! * Instrument buffer: `DMUS_INSTRUMENT` (entry 0), its copyright, its global articulation, then
//!   per region `DMUS_REGION` (72 bytes, `WLOOP[0]` zeroed when there is no loop) followed by the
//!   region's articulation. With `instrument2` an articulation is one `DMUS_ARTICULATION2` node
//!   plus one `CONNECTIONLIST` (`cbSize` 8) carrying all its connections with their art2
//!   transform bits; without it, a `DMUS_ARTICULATION` plus `DMUS_ARTICPARAMS` built by
//!   [`ArticParams::from_connections`] — **lossy**: only the 20 fixed DX6 parameters survive
//!   (no velocity→gain override, filter, vibrato LFO, DLS2 EG stages or transforms).
//! * A region's WSMP is the region's own, else its wave's, else the DLS default (unity 60, no
//!   loop): the downloaded region always carries one, and DLS defines the region's `wsmp` as
//!   overriding the wave's. (Wine copies only the region's own `wsmp`, zeroed when absent; what
//!   native dmusic.dll does for a region without `wsmp` is not documented.)
//! * Differences from Wine's builder, on purpose: an instrument's copyright is sent (Wine sends
//!   none); a level's articulation is one `DMUS_ARTICULATION2` node (Wine sends one node per
//!   `art1`/`art2` chunk; the parser concatenates a chain, so both parse to the same model).
//! * Every object starts 4-byte aligned; `cbSize` is the buffer's exact length (no append space).

// Host-only code over a trusted, in-memory collection: sizes are bounded by memory already
// allocated, and every 32-bit field is converted with `try_from`.
#![allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]

use std::vec;
use std::vec::Vec;

use portcls_sys::dls::{
    DMUS_DOWNLOADINFO_INSTRUMENT, DMUS_DOWNLOADINFO_INSTRUMENT2, DMUS_DOWNLOADINFO_WAVE,
    DMUS_INSTRUMENT_GM_INSTRUMENT, F_RGN_OPTION_SELFNONEXCLUSIVE, F_WAVELINK_MULTICHANNEL,
    F_WAVELINK_PHASE_MASTER, F_WSMP_NO_COMPRESSION, F_WSMP_NO_TRUNCATION, WLOOP_TYPE_FORWARD,
    WLOOP_TYPE_RELEASE,
};

use super::{CONNECTIONLIST_SIZE, DOWNLOADINFO_SIZE, WAVE_FORMAT_PCM, WAVE_SIZE, WLOOP_SIZE, WSMPL_SIZE};
use crate::articulation::ArticParams;
use crate::error::DownloadError;
use crate::model::{Articulation, Collection, Instrument, LoopKind, SampleInfo, Wave};

/// How to build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuildOptions {
    /// The port answers `GUID_DMUS_PROP_INSTRUMENT2`: send `DMUS_DOWNLOADINFO_INSTRUMENT2`
    /// (connection lists) instead of `DMUS_DOWNLOADINFO_INSTRUMENT` (fixed parameters, lossy).
    pub instrument2: bool,
    /// The first download id to hand out.
    pub first_id: u32,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self {
            instrument2: true,
            first_id: 1,
        }
    }
}

/// What a buffer carries, in collection terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// `Collection::waves[index]`.
    Wave(usize),
    /// `Collection::instruments[index]`.
    Instrument(usize),
}

/// One buffer as dmusic.dll would pass it to `KSPROPERTY_SYNTH_DLS_DOWNLOAD`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownloadBuffer {
    /// `dwDLType`.
    pub download_type: u32,
    /// `dwDLId`.
    pub id: u32,
    /// What it came from.
    pub origin: Origin,
    /// The bytes, `DMUS_DOWNLOADINFO` first.
    pub bytes: Vec<u8>,
}

/// Builds every download of a collection, in the order dmusic.dll sends them (see the module
/// docs). Fails with `BadWaveLink` if a region names a wave outside the pool, `TooLarge` if a
/// size or id does not fit in 32 bits.
pub fn build_downloads(
    collection: &Collection,
    options: BuildOptions,
) -> Result<Vec<DownloadBuffer>, DownloadError> {
    let mut out = Vec::new();
    let mut wave_ids: Vec<Option<u32>> = vec![None; collection.waves.len()];
    let mut next_id = options.first_id;
    let mut take_id = || {
        let id = next_id;
        next_id = next_id.checked_add(1).ok_or(DownloadError::TooLarge)?;
        Ok::<u32, DownloadError>(id)
    };
    for (instrument_index, instrument) in collection.instruments.iter().enumerate() {
        let instrument_id = take_id()?;
        for region in &instrument.regions {
            let pool_index =
                usize::try_from(region.wave_link.wave).map_err(|_| DownloadError::BadWaveLink)?;
            let wave = collection
                .waves
                .get(pool_index)
                .ok_or(DownloadError::BadWaveLink)?;
            let slot = wave_ids.get_mut(pool_index).ok_or(DownloadError::BadWaveLink)?;
            if slot.is_none() {
                let id = take_id()?;
                *slot = Some(id);
                out.push(DownloadBuffer {
                    download_type: DMUS_DOWNLOADINFO_WAVE,
                    id,
                    origin: Origin::Wave(pool_index),
                    bytes: build_wave(wave, id)?,
                });
            }
        }
        let bytes = build_instrument(
            instrument,
            instrument_id,
            collection,
            &wave_ids,
            options.instrument2,
        )?;
        out.push(DownloadBuffer {
            download_type: if options.instrument2 {
                DMUS_DOWNLOADINFO_INSTRUMENT2
            } else {
                DMUS_DOWNLOADINFO_INSTRUMENT
            },
            id: instrument_id,
            origin: Origin::Instrument(instrument_index),
            bytes,
        });
    }
    Ok(out)
}

/// The objects of one buffer, laid out at the end by [`Objects::finish`].
struct Objects {
    objects: Vec<Vec<u8>>,
}

impl Objects {
    fn new() -> Self {
        Self { objects: Vec::new() }
    }

    /// Adds an object; returns its offset-table index.
    fn add(&mut self, bytes: Vec<u8>) -> Result<u32, DownloadError> {
        let index = u32::try_from(self.objects.len()).map_err(|_| DownloadError::TooLarge)?;
        self.objects.push(bytes);
        Ok(index)
    }

    /// Overwrites a `u32` field of an object already added.
    fn patch(&mut self, index: u32, at: usize, value: u32) {
        if let Some(field) = self
            .objects
            .get_mut(index as usize)
            .and_then(|o| o.get_mut(at..at + 4))
        {
            field.copy_from_slice(&value.to_le_bytes());
        }
    }

    fn finish(self, download_type: u32, id: u32) -> Result<Vec<u8>, DownloadError> {
        let entries = self.objects.len();
        let mut offsets = Vec::with_capacity(entries);
        let mut position = DOWNLOADINFO_SIZE + 4 * entries;
        for object in &self.objects {
            position = position.next_multiple_of(4);
            offsets.push(u32::try_from(position).map_err(|_| DownloadError::TooLarge)?);
            position += object.len();
        }
        let total = u32::try_from(position).map_err(|_| DownloadError::TooLarge)?;
        let mut out = Vec::with_capacity(position);
        put(&mut out, download_type);
        put(&mut out, id);
        put(&mut out, entries as u32);
        put(&mut out, total);
        offsets.iter().for_each(|&o| put(&mut out, o));
        for (object, offset) in self.objects.iter().zip(offsets) {
            out.resize(offset as usize, 0);
            out.extend_from_slice(object);
        }
        Ok(out)
    }
}

fn put(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn put16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

/// `DMUS_COPYRIGHT`: `cbSize` then the text and a NUL.
fn copyright(text: &str) -> Result<Vec<u8>, DownloadError> {
    let size = u32::try_from(text.len() + 1).map_err(|_| DownloadError::TooLarge)?;
    let mut out = Vec::with_capacity(text.len() + 5);
    put(&mut out, size);
    out.extend_from_slice(text.as_bytes());
    out.push(0);
    Ok(out)
}

/// One wave buffer (16-bit mono PCM).
pub fn build_wave(wave: &Wave, id: u32) -> Result<Vec<u8>, DownloadError> {
    let mut objects = Objects::new();
    let mut header = Vec::with_capacity(WAVE_SIZE);
    put(&mut header, 0); // ulFirstExtCkIdx
    put(&mut header, 0); // ulCopyrightIdx (patched below)
    put(&mut header, 1); // ulWaveDataIdx
    put16(&mut header, WAVE_FORMAT_PCM);
    put16(&mut header, 1); // nChannels
    put(&mut header, wave.sample_rate);
    put(&mut header, wave.sample_rate.saturating_mul(2)); // nAvgBytesPerSec
    put16(&mut header, 2); // nBlockAlign
    put16(&mut header, 16); // wBitsPerSample
    put16(&mut header, 0); // cbSize
    header.resize(WAVE_SIZE, 0);
    let wave_index = objects.add(header)?;
    let data_size = wave
        .data
        .len()
        .checked_mul(2)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or(DownloadError::TooLarge)?;
    let mut data = Vec::with_capacity(4 + data_size as usize);
    put(&mut data, data_size);
    wave.data
        .iter()
        .for_each(|s| data.extend_from_slice(&s.to_le_bytes()));
    objects.add(data)?;
    if let Some(text) = &wave.copyright {
        let index = objects.add(copyright(text)?)?;
        objects.patch(wave_index, 4, index);
    }
    objects.finish(DMUS_DOWNLOADINFO_WAVE, id)
}

/// Adds an articulation's objects; returns the index of its head (`DMUS_ARTICULATION[2]`).
fn add_articulation(
    objects: &mut Objects,
    articulation: &Articulation,
    instrument2: bool,
) -> Result<u32, DownloadError> {
    if instrument2 {
        let head = objects.add(vec![0; 12])?; // DMUS_ARTICULATION2 {ulArtIdx, ulFirstExtCkIdx, ulNextArtIdx}
        let count = u32::try_from(articulation.connections.len()).map_err(|_| DownloadError::TooLarge)?;
        let mut list = Vec::with_capacity(CONNECTIONLIST_SIZE + 12 * articulation.connections.len());
        put(&mut list, CONNECTIONLIST_SIZE as u32);
        put(&mut list, count);
        for c in &articulation.connections {
            put16(&mut list, c.source);
            put16(&mut list, c.control);
            put16(&mut list, c.destination);
            put16(&mut list, c.transform.to_art2());
            list.extend_from_slice(&c.scale.to_le_bytes());
        }
        let list_index = objects.add(list)?;
        objects.patch(head, 0, list_index);
        Ok(head)
    } else {
        let head = objects.add(vec![0; 8])?; // DMUS_ARTICULATION {ulArt1Idx, ulFirstExtCkIdx}
        let params = ArticParams::from_connections(&articulation.connections);
        let mut bytes = Vec::with_capacity(ArticParams::SIZE);
        params
            .values()
            .iter()
            .for_each(|v| bytes.extend_from_slice(&v.to_le_bytes()));
        let params_index = objects.add(bytes)?;
        objects.patch(head, 0, params_index);
        Ok(head)
    }
}

/// One instrument buffer. `wave_ids[pool index]` is the download id of each wave already sent.
pub fn build_instrument(
    instrument: &Instrument,
    id: u32,
    collection: &Collection,
    wave_ids: &[Option<u32>],
    instrument2: bool,
) -> Result<Vec<u8>, DownloadError> {
    let mut objects = Objects::new();
    let flags = if instrument.gm_instrument {
        DMUS_INSTRUMENT_GM_INSTRUMENT
    } else {
        0
    };
    let mut header = Vec::with_capacity(24);
    put(&mut header, instrument.patch.to_dmus_patch());
    put(&mut header, 0); // ulFirstRegionIdx
    put(&mut header, 0); // ulGlobalArtIdx
    put(&mut header, 0); // ulFirstExtCkIdx
    put(&mut header, 0); // ulCopyrightIdx
    put(&mut header, flags);
    let head = objects.add(header)?;
    if let Some(text) = &instrument.copyright {
        let index = objects.add(copyright(text)?)?;
        objects.patch(head, 16, index);
    }
    if let Some(articulation) = &instrument.articulation {
        let index = add_articulation(&mut objects, articulation, instrument2)?;
        objects.patch(head, 8, index);
    }
    let mut previous: Option<u32> = None;
    for region in &instrument.regions {
        let pool_index = region.wave_link.wave as usize;
        let wave_id = wave_ids
            .get(pool_index)
            .copied()
            .flatten()
            .ok_or(DownloadError::BadWaveLink)?;
        let wave_sample = collection.waves.get(pool_index).and_then(|w| w.sample);
        let sample = region.sample.or(wave_sample).unwrap_or_default();
        let index = objects.add(region_bytes(region, wave_id, &sample))?;
        match previous {
            None => objects.patch(head, 4, index),
            Some(p) => objects.patch(p, 16, index),
        }
        previous = Some(index);
        if let Some(articulation) = &region.articulation {
            let art = add_articulation(&mut objects, articulation, instrument2)?;
            objects.patch(index, 12, art);
        }
    }
    objects.finish(
        if instrument2 {
            DMUS_DOWNLOADINFO_INSTRUMENT2
        } else {
            DMUS_DOWNLOADINFO_INSTRUMENT
        },
        id,
    )
}

/// `DMUS_REGION` (72 bytes) with links zeroed (patched by the caller).
fn region_bytes(region: &crate::model::Region, wave_id: u32, sample: &SampleInfo) -> Vec<u8> {
    let mut out = Vec::with_capacity(72);
    put16(&mut out, region.keys.low.into());
    put16(&mut out, region.keys.high.into());
    put16(&mut out, region.velocities.low.into());
    put16(&mut out, region.velocities.high.into());
    put16(
        &mut out,
        if region.self_non_exclusive {
            F_RGN_OPTION_SELFNONEXCLUSIVE
        } else {
            0
        },
    );
    put16(&mut out, region.key_group);
    put(&mut out, 0); // ulRegionArtIdx
    put(&mut out, 0); // ulNextRegionIdx
    put(&mut out, 0); // ulFirstExtCkIdx
    let link = &region.wave_link;
    let mut link_options = 0;
    if link.phase_master {
        link_options |= F_WAVELINK_PHASE_MASTER;
    }
    if link.multichannel {
        link_options |= F_WAVELINK_MULTICHANNEL;
    }
    put16(&mut out, link_options);
    put16(&mut out, link.phase_group);
    put(&mut out, link.channel);
    put(&mut out, wave_id);
    // WSMPL
    put(&mut out, WSMPL_SIZE as u32);
    put16(&mut out, sample.unity_note.into());
    out.extend_from_slice(&sample.fine_tune.to_le_bytes());
    out.extend_from_slice(&sample.gain.to_le_bytes());
    let mut options = 0;
    if sample.no_truncation {
        options |= F_WSMP_NO_TRUNCATION;
    }
    if sample.no_compression {
        options |= F_WSMP_NO_COMPRESSION;
    }
    put(&mut out, options);
    put(&mut out, u32::from(sample.sample_loop.is_some()));
    // WLOOP[0]
    put(&mut out, WLOOP_SIZE as u32);
    match sample.sample_loop {
        Some(l) => {
            put(
                &mut out,
                if l.kind == LoopKind::Release {
                    WLOOP_TYPE_RELEASE
                } else {
                    WLOOP_TYPE_FORWARD
                },
            );
            put(&mut out, l.start);
            put(&mut out, l.length);
        }
        None => out.extend_from_slice(&[0; 12]),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Loop, Patch, Range, Region, WaveLink};

    fn u32_at(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn wave_buffer_is_byte_exact() {
        let wave = Wave {
            sample_rate: 22050,
            data: vec![1, -2, 3],
            sample: None,
            name: None,
            copyright: None,
        };
        let b = build_wave(&wave, 7).unwrap();
        let mut expected = vec![];
        for v in [2u32, 7, 2, 66, 24, 56] {
            expected.extend_from_slice(&v.to_le_bytes());
        }
        for v in [0u32, 0, 1] {
            expected.extend_from_slice(&v.to_le_bytes());
        }
        expected.extend_from_slice(&[1, 0, 1, 0]); // PCM, mono
        expected.extend_from_slice(&22050u32.to_le_bytes());
        expected.extend_from_slice(&44100u32.to_le_bytes());
        expected.extend_from_slice(&[2, 0, 16, 0, 0, 0, 0, 0]); // align, bits, cbSize, pad
        expected.extend_from_slice(&6u32.to_le_bytes());
        expected.extend_from_slice(&[1, 0, 0xFE, 0xFF, 3, 0]);
        assert_eq!(b, expected);
    }

    #[test]
    fn instrument_buffer_layout() {
        let region = Region {
            keys: Range { low: 1, high: 2 },
            velocities: Range { low: 3, high: 4 },
            key_group: 5,
            self_non_exclusive: true,
            wave_link: WaveLink {
                phase_master: true,
                multichannel: false,
                phase_group: 6,
                channel: 1,
                wave: 0,
            },
            sample: Some(SampleInfo {
                unity_note: 60,
                fine_tune: -3,
                gain: -65536,
                no_truncation: false,
                no_compression: true,
                sample_loop: Some(Loop {
                    kind: LoopKind::Release,
                    start: 8,
                    length: 9,
                }),
            }),
            articulation: None,
        };
        let instrument = Instrument {
            patch: Patch {
                bank_msb: 1,
                bank_lsb: 2,
                program: 3,
                drums: true,
            },
            gm_instrument: true,
            name: None,
            regions: vec![region],
            articulation: None,
            copyright: None,
        };
        let collection = Collection::default();
        let b = build_instrument(&instrument, 9, &collection, &[Some(42)], true).unwrap();
        // DOWNLOADINFO + 2 offsets, instrument at 24, region at 48.
        assert_eq!(&b[..16], &[3, 0, 0, 0, 9, 0, 0, 0, 2, 0, 0, 0, 120, 0, 0, 0]);
        assert_eq!((u32_at(&b, 16), u32_at(&b, 20)), (24, 48));
        assert_eq!(u32_at(&b, 24), 0x8001_0203);
        assert_eq!(u32_at(&b, 28), 1, "ulFirstRegionIdx");
        assert_eq!(u32_at(&b, 44), 1, "GM flag");
        let r = &b[48..];
        assert_eq!(r.len(), 72);
        assert_eq!(&r[..12], &[1, 0, 2, 0, 3, 0, 4, 0, 1, 0, 5, 0]);
        assert_eq!(
            &r[24..36],
            &[1, 0, 6, 0, 1, 0, 0, 0, 42, 0, 0, 0],
            "wave link rewritten to the id"
        );
        assert_eq!(u32_at(r, 36), 20);
        assert_eq!(&r[40..44], &[60, 0, 0xFD, 0xFF]);
        assert_eq!(u32_at(r, 48), 2, "no compression");
        assert_eq!(u32_at(r, 52), 1, "one loop");
        assert_eq!(
            [u32_at(r, 56), u32_at(r, 60), u32_at(r, 64), u32_at(r, 68)],
            [16, 1, 8, 9]
        );
    }
}
