//! DirectMusic download buffers (`KSPROPERTY_SYNTH_DLS_DOWNLOAD`): the kernel-side parser of
//! untrusted input ([`parse`]) and, with `std`, the builder of the buffers dmusic.dll sends
//! (`build`).
//!
//! # Layout (dmdls.h; all little-endian, offsets in bytes)
//!
//! A buffer is `DMUS_DOWNLOADINFO {dwDLType, dwDLId, dwNumOffsetTableEntries, cbSize}` (16 bytes),
//! then `dwNumOffsetTableEntries` `ULONG` offsets, each **from the start of `DMUS_DOWNLOADINFO`**,
//! then the objects they point at. Entry 0 is the primary object (`DMUS_INSTRUMENT` or
//! `DMUS_WAVE`); objects name each other by *entry index*, with index 0 meaning "none" wherever
//! a link is optional.
//!
//! | Struct | Size | Fields (offset) |
//! |---|---|---|
//! | `DMUS_INSTRUMENT` | 24 | ulPatch 0, ulFirstRegionIdx 4, ulGlobalArtIdx 8, ulFirstExtCkIdx 12, ulCopyrightIdx 16, ulFlags 20 |
//! | `DMUS_REGION` | 72 (+16 per extra loop) | RangeKey 0, RangeVelocity 4, fusOptions 8, usKeyGroup 10, ulRegionArtIdx 12, ulNextRegionIdx 16, ulFirstExtCkIdx 20, WaveLink 24, WSMP 36, WLOOP\[0\] 56 |
//! | `DMUS_ARTICULATION` | 8 | ulArt1Idx 0, ulFirstExtCkIdx 4 |
//! | `DMUS_ARTICULATION2` | 12 | ulArtIdx 0, ulFirstExtCkIdx 4, ulNextArtIdx 8 |
//! | `DMUS_ARTICPARAMS` | 80 | LFO 0 (24), VolEG 24 (24), PitchEG 48 (28), Misc 76 (4) |
//! | `CONNECTIONLIST` | 8 + 12·n | cbSize 0, cConnections 4, CONNECTION\[n\] 8 |
//! | `DMUS_EXTENSIONCHUNK` | 12 + n | cbSize 0, ulNextExtCkIdx 4, ExtCkID 8, data 12 |
//! | `DMUS_COPYRIGHT` | 4 + n | cbSize 0, text 4 |
//! | `DMUS_WAVE` | 32 | ulFirstExtCkIdx 0, ulCopyrightIdx 4, ulWaveDataIdx 8, WAVEFORMATEX 12 (18, packed) |
//! | `DMUS_WAVEDATA` | 4 + n | cbSize 0, data 4 |
//!
//! # What the parser checks and decides
//!
//! * **Lengths.** Everything is bounded by `buffer.len()`, the length of the kernel's own copy.
//!   `cbSize` larger than that is a lie and refused (`BadOffsetTable`); a smaller `cbSize` is
//!   honoured (the buffer is cut to it: dmusic.dll's allocation may carry append space after
//!   the data). The offset table must fit, every offset must point inside `cbSize`, and every
//!   entry that is used must point past the table (`BadOffsetTable`; an unused entry may be 0,
//!   as ddksynth allowed); every struct and every counted array must fit between
//!   its offset and the end (`Truncated(..)`). Arithmetic is checked; nothing is allocated
//!   before the bytes it describes are known to exist, and then only with `try_reserve`.
//! * **Chains** (regions, `DMUS_ARTICULATION2`, extension chunks) are walked with a per-chain
//!   visit stamp, so a revisit is `CycleDetected(..)` at the first repeated node; in addition
//!   every download has a budget of [`MAX_CHAIN_STEPS`] chain steps and [`MAX_CONNECTIONS`]
//!   decoded connections (`TooLarge`), so sharing one big articulation between many regions
//!   cannot amplify a buffer into gigabytes or billions of steps.
//! * **Zero entries** → `UnknownDownload` (as ddksynth). Types 1 (INSTRUMENT, fixed
//!   `DMUS_ARTICPARAMS`), 2 (WAVE) and 3 (INSTRUMENT2, `CONNECTIONLIST` chains) are parsed.
//!   Types 4 (WAVEARTICULATION), 5 (STREAMINGWAVE) and 6 (ONESHOTWAVE) are refused with
//!   `UnknownDownload` after the header and offset table were checked: they serve the XP
//!   user-mode synth's wave-playback interface (`IDirectMusicSynth8::PlayVoice`), which a kernel
//!   port never exposes, their layouts are not publicly documented beyond two structs, and the
//!   engine has nothing to play them with. A client seeing `STATUS_NOT_SUPPORTED` falls back.
//! * **Waves**: `wFormatTag` must be `WAVE_FORMAT_PCM` (`NotPcm`; `WAVE_FORMAT_EXTENSIBLE` is
//!   refused too), one channel (`NotMono`), 8 or 16 bits (`BadWave`), sample rate and a
//!   non-empty payload per [`crate::validate`] (`BadWave`). 8-bit data is unsigned and becomes
//!   `(x − 128) << 8`; a trailing odd byte of 16-bit data is ignored. `ulWaveDataIdx` 0 is
//!   `BadWave`.
//! * **Instruments**: regions name waves by download id (`WaveLink.ulTableIndex` = the wave's
//!   `dwDLId`); `WaveLink.ulChannel` is kept as sent (ddksynth refused anything but
//!   `WAVELINK_CHANNEL_LEFT` with `DMUS_E_NOTMONO`; the model plays stereo through two
//!   wave-linked mono regions); the wave need not be downloaded yet (a region binds to its wave at note-on; the
//!   rule for its loop is [`crate::validate::fit_loop`], see there for the engine's current
//!   deviation). A region with neither its own nor a
//!   global articulation is **accepted** and plays with the DLS2 defaults (ddksynth refused it
//!   with `DMUS_E_NOARTICULATION`; see [`crate::articulation`]). `WLOOP.ulType` 0 is forward,
//!   1 and 2 (the pre-XP value of `WLOOP_TYPE_RELEASE`) are release, other values are read as
//!   forward (as ddksynth, which ignores the type). All `cSampleLoops` loops must be present in
//!   the buffer; the model keeps the first. A `DMUS_ARTICULATION2` with `ulArtIdx` 0 contributes
//!   nothing. `CONNECTIONLIST.cbSize` is ignored (connections sit at offset 8, as in ddksynth).
//!   Extension chunks are bounds- and cycle-checked, then ignored. The result goes through
//!   [`crate::model::Instrument::validate`] (ranges; errors map to `BadInstrument` /
//!   `BadArticulation`).

use alloc::string::String;
use alloc::vec::Vec;

use portcls_sys::dls::{
    DMUS_DOWNLOADINFO_INSTRUMENT, DMUS_DOWNLOADINFO_INSTRUMENT2, DMUS_DOWNLOADINFO_WAVE,
    DMUS_INSTRUMENT_GM_INSTRUMENT, F_RGN_OPTION_SELFNONEXCLUSIVE, F_WAVELINK_MULTICHANNEL,
    F_WAVELINK_PHASE_MASTER, F_WSMP_NO_COMPRESSION, F_WSMP_NO_TRUNCATION,
};

use crate::articulation::{ArticParams, decode_art2};
use crate::error::{Chain, DownloadError, Structure};
use crate::model::{
    Articulation, ArticulationFormat, Connection, Instrument, Loop, LoopKind, Patch, Range, Region,
    SampleInfo, Wave, WaveLink,
};
use crate::reader::Reader;

#[cfg(feature = "std")]
pub mod build;

/// Size of `DMUS_DOWNLOADINFO`.
pub const DOWNLOADINFO_SIZE: usize = 16;
/// Size of `DMUS_INSTRUMENT`.
pub const INSTRUMENT_SIZE: usize = 24;
/// Size of `DMUS_REGION` (with its one built-in `WLOOP`).
pub const REGION_SIZE: usize = 72;
/// Size of `WLOOP`.
pub const WLOOP_SIZE: usize = 16;
/// Size of `WSMPL` (the fixed part, as `cbSize` says).
pub const WSMPL_SIZE: usize = 20;
/// Size of `DMUS_ARTICULATION`.
pub const ARTICULATION_SIZE: usize = 8;
/// Size of `DMUS_ARTICULATION2`.
pub const ARTICULATION2_SIZE: usize = 12;
/// Size of `CONNECTIONLIST` (the header before the connections).
pub const CONNECTIONLIST_SIZE: usize = 8;
/// Size of `CONNECTION`.
pub const CONNECTION_SIZE: usize = 12;
/// Size of the `DMUS_EXTENSIONCHUNK` header before its data.
pub const EXTENSIONCHUNK_HEADER_SIZE: usize = 12;
/// Size of the `DMUS_COPYRIGHT` / `DMUS_WAVEDATA` header (`cbSize`) before its bytes.
pub const SIZED_HEADER_SIZE: usize = 4;
/// `sizeof(DMUS_WAVE)` (30 meaningful bytes, padded to 32).
pub const WAVE_SIZE: usize = 32;
/// Bytes of `DMUS_WAVE` the parser needs (up to the end of the packed `WAVEFORMATEX`).
pub const WAVE_FIELDS_SIZE: usize = 30;
/// `WAVE_FORMAT_PCM`.
pub const WAVE_FORMAT_PCM: u16 = 1;

/// Most chain steps (regions + articulation nodes + extension chunks, counted each time they
/// are walked) one download may take.
pub const MAX_CHAIN_STEPS: usize = 1 << 16;
/// Most connections one instrument download may decode in total (each time an articulation is
/// walked; real instruments use a few thousand at most).
pub const MAX_CONNECTIONS: usize = 1 << 16;

/// The `DMUS_DOWNLOADINFO` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// `dwDLType` (`DMUS_DOWNLOADINFO_*`).
    pub download_type: u32,
    /// `dwDLId`: the download id waves are linked by.
    pub id: u32,
    /// `dwNumOffsetTableEntries`.
    pub entries: u32,
    /// `cbSize`: the size the buffer claims.
    pub size: u32,
}

/// A parsed download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed {
    /// A wave (`DMUS_DOWNLOADINFO_WAVE`).
    Wave {
        /// Its download id.
        id: u32,
        /// The samples (mono, signed 16-bit), validated.
        wave: Wave,
    },
    /// An instrument (`DMUS_DOWNLOADINFO_INSTRUMENT` or `_INSTRUMENT2`).
    Instrument {
        /// Its download id.
        id: u32,
        /// The instrument, validated; region wave ids are wave download ids.
        instrument: Instrument,
    },
}

impl Parsed {
    /// The download id (`dwDLId`).
    pub const fn id(&self) -> u32 {
        match self {
            Self::Wave { id, .. } | Self::Instrument { id, .. } => *id,
        }
    }
}

/// Reads the `DMUS_DOWNLOADINFO` header (no other check).
pub fn header(buffer: &[u8]) -> Result<Header, DownloadError> {
    let mut r = Fields {
        reader: Reader::new(buffer),
        what: Structure::Header,
    };
    Ok(Header {
        download_type: r.u32()?,
        id: r.u32()?,
        entries: r.u32()?,
        size: r.u32()?,
    })
}

/// Parses one download buffer.
///
/// `buffer` is the kernel's private copy of the user buffer; its length is the real copied
/// length (`SYNTH_BUFFER.BufferSize`). Never panics; allocates only fallibly (see the module
/// docs for every check).
pub fn parse(buffer: &[u8]) -> Result<Parsed, DownloadError> {
    let header = header(buffer)?;
    if header.entries == 0 {
        return Err(DownloadError::UnknownDownload);
    }
    let size = usize::try_from(header.size).map_err(|_| DownloadError::BadOffsetTable)?;
    let data = buffer.get(..size).ok_or(DownloadError::BadOffsetTable)?;
    let entries = usize::try_from(header.entries).map_err(|_| DownloadError::BadOffsetTable)?;
    let table_end = entries
        .checked_mul(4)
        .and_then(|bytes| bytes.checked_add(DOWNLOADINFO_SIZE))
        .ok_or(DownloadError::BadOffsetTable)?;
    if table_end > data.len() {
        return Err(DownloadError::BadOffsetTable);
    }
    let buffer = Buffer {
        data,
        entries,
        table_end,
    };
    // ddksynth's check on every entry: inside cbSize. (Pointing past the table is checked when an
    // entry is used, so that an unused zero entry, which ddksynth accepted, stays accepted.)
    for index in 0..entries {
        if buffer.raw_offset(index)? >= data.len() {
            return Err(DownloadError::BadOffsetTable);
        }
    }
    let mut walk = Walk::new(entries)?;
    match header.download_type {
        DMUS_DOWNLOADINFO_WAVE => Ok(Parsed::Wave {
            id: header.id,
            wave: parse_wave(&buffer, &mut walk)?,
        }),
        DMUS_DOWNLOADINFO_INSTRUMENT | DMUS_DOWNLOADINFO_INSTRUMENT2 => {
            let new_format = header.download_type == DMUS_DOWNLOADINFO_INSTRUMENT2;
            let instrument = parse_instrument(&buffer, &mut walk, new_format)?;
            Ok(Parsed::Instrument {
                id: header.id,
                instrument,
            })
        }
        _ => Err(DownloadError::UnknownDownload),
    }
}

/// The checked buffer: data cut to `cbSize`, offset table known to fit.
struct Buffer<'a> {
    data: &'a [u8],
    entries: usize,
    /// End of the offset table: no object may start before it.
    table_end: usize,
}

impl<'a> Buffer<'a> {
    fn raw_offset(&self, index: usize) -> Result<usize, DownloadError> {
        let at = index
            .checked_mul(4)
            .and_then(|o| o.checked_add(DOWNLOADINFO_SIZE))
            .ok_or(DownloadError::BadOffsetTable)?;
        let mut r = Reader::at(self.data, at).map_err(|_| DownloadError::BadOffsetTable)?;
        let offset = r.u32().map_err(|_| DownloadError::BadOffsetTable)?;
        usize::try_from(offset).map_err(|_| DownloadError::BadOffsetTable)
    }

    /// Index check (`< entries`), then a reader over the object with at least `size` bytes.
    fn object(&self, index: u32, what: Structure, size: usize) -> Result<Fields<'a>, DownloadError> {
        let index = self.index(index)?;
        let offset = self.raw_offset(index)?;
        if offset < self.table_end {
            return Err(DownloadError::BadOffsetTable);
        }
        let reader = Reader::at(self.data, offset).map_err(|_| DownloadError::BadOffsetTable)?;
        if reader.remaining() < size {
            return Err(DownloadError::Truncated(what));
        }
        Ok(Fields { reader, what })
    }

    fn index(&self, index: u32) -> Result<usize, DownloadError> {
        let index = usize::try_from(index).map_err(|_| DownloadError::BadOffsetTable)?;
        if index < self.entries {
            Ok(index)
        } else {
            Err(DownloadError::BadOffsetTable)
        }
    }
}

/// A reader whose running-out is reported as `Truncated(what)`.
struct Fields<'a> {
    reader: Reader<'a>,
    what: Structure,
}

impl<'a> Fields<'a> {
    fn u16(&mut self) -> Result<u16, DownloadError> {
        self.reader.u16().map_err(|_| DownloadError::Truncated(self.what))
    }
    fn i16(&mut self) -> Result<i16, DownloadError> {
        self.reader.i16().map_err(|_| DownloadError::Truncated(self.what))
    }
    fn u32(&mut self) -> Result<u32, DownloadError> {
        self.reader.u32().map_err(|_| DownloadError::Truncated(self.what))
    }
    fn i32(&mut self) -> Result<i32, DownloadError> {
        self.reader.i32().map_err(|_| DownloadError::Truncated(self.what))
    }
    fn bytes(&mut self, len: usize) -> Result<&'a [u8], DownloadError> {
        self.reader
            .bytes(len)
            .map_err(|_| DownloadError::Truncated(self.what))
    }
    /// A `u32` count of `element`-byte items that must all be present after the cursor.
    fn counted(&mut self, count: u32, element: usize) -> Result<&'a [u8], DownloadError> {
        let count = usize::try_from(count).map_err(|_| DownloadError::Truncated(self.what))?;
        let bytes = count
            .checked_mul(element)
            .ok_or(DownloadError::Truncated(self.what))?;
        self.bytes(bytes)
    }
}

/// Visit stamps of one kind of chain: `stamps[i] == current` means entry `i` was visited by the
/// chain being walked.
struct Visits {
    stamps: Vec<u32>,
    current: u32,
    chain: Chain,
}

impl Visits {
    fn new(entries: usize, chain: Chain) -> Result<Self, DownloadError> {
        let mut stamps = Vec::new();
        stamps.try_reserve_exact(entries)?;
        stamps.resize(entries, 0);
        Ok(Self {
            stamps,
            current: 0,
            chain,
        })
    }

    /// Starts a new chain (at most [`MAX_CHAIN_STEPS`] chains per download, so no wrap-around).
    fn begin(&mut self) {
        self.current = self.current.wrapping_add(1);
    }

    fn visit(&mut self, index: usize) -> Result<(), DownloadError> {
        let stamp = self.stamps.get_mut(index).ok_or(DownloadError::BadOffsetTable)?;
        if *stamp == self.current {
            return Err(DownloadError::CycleDetected(self.chain));
        }
        *stamp = self.current;
        Ok(())
    }
}

/// Per-download walking state: cycle stamps per chain kind and the work budgets.
struct Walk {
    regions: Visits,
    articulations: Visits,
    extensions: Visits,
    steps_left: usize,
    connections_left: usize,
}

impl Walk {
    fn new(entries: usize) -> Result<Self, DownloadError> {
        Ok(Self {
            regions: Visits::new(entries, Chain::Region)?,
            articulations: Visits::new(entries, Chain::Articulation)?,
            extensions: Visits::new(entries, Chain::ExtensionChunk)?,
            steps_left: MAX_CHAIN_STEPS,
            connections_left: MAX_CONNECTIONS,
        })
    }

    fn step(&mut self) -> Result<(), DownloadError> {
        self.steps_left = self.steps_left.checked_sub(1).ok_or(DownloadError::TooLarge)?;
        Ok(())
    }

    fn take_connections(&mut self, count: usize) -> Result<(), DownloadError> {
        self.connections_left = self
            .connections_left
            .checked_sub(count)
            .ok_or(DownloadError::TooLarge)?;
        Ok(())
    }
}

/// Walks an extension-chunk chain, checking each chunk fits; the contents are ignored.
fn walk_extensions(buffer: &Buffer<'_>, walk: &mut Walk, first: u32) -> Result<(), DownloadError> {
    walk.extensions.begin();
    let mut next = first;
    while next != 0 {
        walk.step()?;
        walk.extensions.visit(buffer.index(next)?)?;
        let mut f = buffer.object(next, Structure::ExtensionChunk, EXTENSIONCHUNK_HEADER_SIZE)?;
        let size = f.u32()?;
        next = f.u32()?;
        let _chunk_id = f.u32()?;
        f.counted(size, 1)?;
    }
    Ok(())
}

/// Reads a `DMUS_COPYRIGHT` as text (up to the first NUL; UTF-8, else read as Latin-1).
fn parse_copyright(buffer: &Buffer<'_>, index: u32) -> Result<String, DownloadError> {
    let mut f = buffer.object(index, Structure::Copyright, SIZED_HEADER_SIZE)?;
    let size = f.u32()?;
    let bytes = f.counted(size, 1)?;
    let text = bytes.split(|&b| b == 0).next().unwrap_or(&[]);
    let mut out = String::new();
    match core::str::from_utf8(text) {
        Ok(s) => {
            out.try_reserve_exact(s.len())?;
            out.push_str(s);
        }
        Err(_) => {
            out.try_reserve_exact(text.len().saturating_mul(2))?;
            text.iter().for_each(|&b| out.push(char::from(b)));
        }
    }
    Ok(out)
}

fn parse_wave(buffer: &Buffer<'_>, walk: &mut Walk) -> Result<Wave, DownloadError> {
    let mut f = buffer.object(0, Structure::Wave, WAVE_FIELDS_SIZE)?;
    let first_extension = f.u32()?;
    let copyright_index = f.u32()?;
    let data_index = f.u32()?;
    let format_tag = f.u16()?;
    let channels = f.u16()?;
    let sample_rate = f.u32()?;
    let _average_bytes_per_second = f.u32()?;
    let _block_align = f.u16()?;
    let bits = f.u16()?;
    if format_tag != WAVE_FORMAT_PCM {
        return Err(DownloadError::NotPcm);
    }
    if channels != 1 {
        return Err(DownloadError::NotMono);
    }
    if bits != 8 && bits != 16 {
        return Err(DownloadError::BadWave);
    }
    if data_index == 0 {
        return Err(DownloadError::BadWave);
    }
    let mut d = buffer.object(data_index, Structure::WaveData, SIZED_HEADER_SIZE)?;
    let size = d.u32()?;
    let bytes = d.counted(size, 1)?;
    let mut data: Vec<i16> = Vec::new();
    if bits == 8 {
        data.try_reserve_exact(bytes.len())?;
        data.extend(bytes.iter().map(|&b| i16::from_le_bytes([0, b ^ 0x80])));
    } else {
        // A trailing odd byte is not a sample and is ignored.
        let pairs = bytes.chunks_exact(2);
        data.try_reserve_exact(pairs.len())?;
        data.extend(
            pairs
                .filter_map(|pair| pair.try_into().ok())
                .map(i16::from_le_bytes),
        );
    }
    walk_extensions(buffer, walk, first_extension)?;
    let copyright = match copyright_index {
        0 => None,
        index => Some(parse_copyright(buffer, index)?),
    };
    let mut wave = Wave {
        sample_rate,
        data,
        sample: None,
        name: None,
        copyright,
    };
    wave.validate()?;
    Ok(wave)
}

fn parse_instrument(
    buffer: &Buffer<'_>,
    walk: &mut Walk,
    new_format: bool,
) -> Result<Instrument, DownloadError> {
    let mut f = buffer.object(0, Structure::Instrument, INSTRUMENT_SIZE)?;
    let patch = f.u32()?;
    let first_region = f.u32()?;
    let global_articulation = f.u32()?;
    let first_extension = f.u32()?;
    let copyright_index = f.u32()?;
    let flags = f.u32()?;
    walk_extensions(buffer, walk, first_extension)?;
    let copyright = match copyright_index {
        0 => None,
        index => Some(parse_copyright(buffer, index)?),
    };
    let articulation = parse_articulation(buffer, walk, global_articulation, new_format)?;
    let mut regions: Vec<Region> = Vec::new();
    walk.regions.begin();
    let mut next = first_region;
    while next != 0 {
        walk.step()?;
        walk.regions.visit(buffer.index(next)?)?;
        let (region, following) = parse_region(buffer, walk, next, new_format)?;
        regions.try_reserve(1)?;
        regions.push(region);
        next = following;
    }
    let mut instrument = Instrument {
        patch: Patch::from_dmus_patch(patch),
        gm_instrument: flags & DMUS_INSTRUMENT_GM_INSTRUMENT != 0,
        name: None,
        regions,
        articulation,
        copyright,
    };
    instrument.validate()?;
    Ok(instrument)
}

fn range(low: u16, high: u16) -> Result<Range, DownloadError> {
    let byte = |v: u16| u8::try_from(v).map_err(|_| DownloadError::BadInstrument);
    Ok(Range {
        low: byte(low)?,
        high: byte(high)?,
    })
}

/// One `DMUS_REGION`; returns it and its `ulNextRegionIdx`.
fn parse_region(
    buffer: &Buffer<'_>,
    walk: &mut Walk,
    index: u32,
    new_format: bool,
) -> Result<(Region, u32), DownloadError> {
    let mut f = buffer.object(index, Structure::Region, REGION_SIZE)?;
    let keys = range(f.u16()?, f.u16()?)?;
    // Velocities are normalised by validation, never refused (see `validate::normalize_velocities`).
    let clamp = |v: u16| u8::try_from(v).unwrap_or(u8::MAX);
    let velocities = Range {
        low: clamp(f.u16()?),
        high: clamp(f.u16()?),
    };
    let options = f.u16()?;
    let key_group = f.u16()?;
    let articulation_index = f.u32()?;
    let next = f.u32()?;
    let first_extension = f.u32()?;
    // WAVELINK
    let link_options = f.u16()?;
    let phase_group = f.u16()?;
    let channel = f.u32()?;
    let table_index = f.u32()?;
    // WSMPL
    let _wsmp_size = f.u32()?;
    let unity_note = u8::try_from(f.u16()?).map_err(|_| DownloadError::BadInstrument)?;
    let fine_tune = f.i16()?;
    let gain = f.i32()?;
    let sample_options = f.u32()?;
    let loop_count = f.u32()?;
    // WLOOP[0]
    let _loop_size = f.u32()?;
    let loop_type = f.u32()?;
    let loop_start = f.u32()?;
    let loop_length = f.u32()?;
    // Further loops must be present too (ddksynth read them unchecked); the model keeps the first.
    f.counted(loop_count.saturating_sub(1), WLOOP_SIZE)?;
    let sample_loop = (loop_count > 0 && loop_length > 0).then_some(Loop {
        kind: match loop_type {
            1 | 2 => LoopKind::Release,
            _ => LoopKind::Forward,
        },
        start: loop_start,
        length: loop_length,
    });
    walk_extensions(buffer, walk, first_extension)?;
    let articulation = parse_articulation(buffer, walk, articulation_index, new_format)?;
    let region = Region {
        keys,
        velocities,
        key_group,
        self_non_exclusive: options & F_RGN_OPTION_SELFNONEXCLUSIVE != 0,
        wave_link: WaveLink {
            phase_master: link_options & F_WAVELINK_PHASE_MASTER != 0,
            multichannel: link_options & F_WAVELINK_MULTICHANNEL != 0,
            phase_group,
            channel,
            wave: table_index,
        },
        sample: Some(SampleInfo {
            unity_note,
            fine_tune,
            gain,
            no_truncation: sample_options & F_WSMP_NO_TRUNCATION != 0,
            no_compression: sample_options & F_WSMP_NO_COMPRESSION != 0,
            sample_loop,
        }),
        articulation,
    };
    Ok((region, next))
}

/// An articulation by entry index (0 = none): `DMUS_ARTICULATION` → `DMUS_ARTICPARAMS` for the
/// old format, a `DMUS_ARTICULATION2` chain of `CONNECTIONLIST`s for the new one.
fn parse_articulation(
    buffer: &Buffer<'_>,
    walk: &mut Walk,
    index: u32,
    new_format: bool,
) -> Result<Option<Articulation>, DownloadError> {
    if index == 0 {
        return Ok(None);
    }
    if !new_format {
        let mut f = buffer.object(index, Structure::Articulation, ARTICULATION_SIZE)?;
        let params_index = f.u32()?;
        let first_extension = f.u32()?;
        if params_index == 0 {
            return Err(DownloadError::BadArticulation);
        }
        let mut p = buffer.object(params_index, Structure::ArticParams, ArticParams::SIZE)?;
        let mut values = [0i32; 20];
        for value in &mut values {
            *value = p.i32()?;
        }
        walk_extensions(buffer, walk, first_extension)?;
        let connections = ArticParams::from_values(values).to_connections();
        walk.take_connections(connections.len())?;
        let mut list = Vec::new();
        list.try_reserve_exact(connections.len())?;
        list.extend_from_slice(&connections);
        return Ok(Some(Articulation {
            format: ArticulationFormat::Dls1,
            connections: list,
        }));
    }
    let mut connections: Vec<Connection> = Vec::new();
    walk.articulations.begin();
    let mut next = index;
    while next != 0 {
        walk.step()?;
        walk.articulations.visit(buffer.index(next)?)?;
        let mut f = buffer.object(next, Structure::Articulation, ARTICULATION2_SIZE)?;
        let list_index = f.u32()?;
        let first_extension = f.u32()?;
        next = f.u32()?;
        walk_extensions(buffer, walk, first_extension)?;
        if list_index != 0 {
            read_connection_list(buffer, walk, list_index, &mut connections)?;
        }
    }
    Ok(Some(Articulation {
        format: ArticulationFormat::Dls2,
        connections,
    }))
}

fn read_connection_list(
    buffer: &Buffer<'_>,
    walk: &mut Walk,
    index: u32,
    out: &mut Vec<Connection>,
) -> Result<(), DownloadError> {
    let mut f = buffer.object(index, Structure::ConnectionList, CONNECTIONLIST_SIZE)?;
    let _list_size = f.u32()?;
    let count = f.u32()?;
    let bytes = f.counted(count, CONNECTION_SIZE)?;
    let mut blocks = Fields {
        reader: Reader::new(bytes),
        what: Structure::ConnectionList,
    };
    let count = bytes.len() / CONNECTION_SIZE;
    walk.take_connections(count)?;
    out.try_reserve(count)?;
    for _ in 0..count {
        let source = blocks.u16()?;
        let control = blocks.u16()?;
        let destination = blocks.u16()?;
        let transform = blocks.u16()?;
        let scale = blocks.i32()?;
        out.push(decode_art2(source, control, destination, transform, scale)?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_table_checks() {
        assert_eq!(parse(&[0; 15]), Err(DownloadError::Truncated(Structure::Header)));
        // Zero entries.
        let mut b = [0u8; 16];
        b[0] = 2;
        b[12] = 16;
        assert_eq!(parse(&b), Err(DownloadError::UnknownDownload));
        // One entry, but the table does not fit in cbSize.
        b[8] = 1;
        assert_eq!(parse(&b), Err(DownloadError::BadOffsetTable));
    }

    #[test]
    fn eight_bit_conversion() {
        let convert = |b: u8| i16::from_le_bytes([0, b ^ 0x80]);
        assert_eq!(convert(0), -32768);
        assert_eq!(convert(128), 0);
        assert_eq!(convert(255), 127 << 8);
        for b in 0..=255u8 {
            assert_eq!(convert(b), (i16::from(b) - 128) << 8);
        }
    }
}
