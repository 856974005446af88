//! The `.dls` reader (`no_std` + `alloc`; the driver loads its default collection through it).

use alloc::string::String;
use alloc::vec::Vec;

use portcls_sys::dls as c;

use super::cdl::{self, DlsQueries};
use super::error::{FileError, FileErrorKind};
use super::ids;
use crate::model::{
    Articulation, ArticulationFormat, Collection, Connection, Curve, Info, Instrument, Loop, LoopKind, Patch,
    Range, Region, SampleInfo, Transform, Wave, WaveLink,
};
use crate::reader::Reader;
use crate::riff::{self, Chunk};

/// Reads a DLS Level 1 or 2 collection, evaluating `cdl` chunks with [`DlsQueries::default`].
pub fn read_dls(bytes: &[u8]) -> Result<Collection, FileError> {
    read_dls_with(bytes, &DlsQueries::default())
}

/// Reads a DLS Level 1 or 2 collection, evaluating `cdl` chunks against `queries`.
///
/// Region wave ids in the result are indices into [`Collection::waves`]. The waves are the
/// distinct pool-table cues in cue order (two cues at the same offset share one wave); waves in
/// `wvpl` that no cue points at are dropped.
pub fn read_dls_with(bytes: &[u8], queries: &DlsQueries) -> Result<Collection, FileError> {
    let root = riff::open(bytes, ids::DLS)?;
    let mut collection = Collection::default();
    let mut lins = None;
    let mut ptbl = None;
    let mut wvpl = None;
    for chunk in root.children()? {
        let chunk = chunk?;
        match (chunk.id, chunk.list_type()) {
            (ids::VERS, _) => {
                let mut r = Reader::new(chunk.data);
                let ms = r.u32().map_err(|_| size_error(&chunk))?;
                let ls = r.u32().map_err(|_| size_error(&chunk))?;
                collection.version = Some((ms, ls));
            }
            (ids::DLID, _) => {
                let id = Reader::new(chunk.data)
                    .array::<16>()
                    .map_err(|_| size_error(&chunk))?;
                collection.dlid = Some(id);
            }
            (ids::CDL, _) if !condition(&chunk, queries)? => {
                return Err(FileError::new(FileErrorKind::CollectionBypassed, chunk.offset));
            }
            (ids::PTBL, _) => ptbl = Some(chunk),
            (riff::LIST, Some(ids::LINS)) => lins = Some(chunk),
            (riff::LIST, Some(ids::WVPL)) => wvpl = Some(chunk),
            (riff::LIST, Some(ids::INFO)) => collection.info = read_info(&chunk)?,
            _ => {}
        }
    }

    let (waves, cue_to_wave) = match (ptbl, wvpl) {
        (Some(ptbl), Some(wvpl)) => read_pool(&ptbl, &wvpl)?,
        (None, Some(wvpl)) => {
            return Err(FileError::new(
                FileErrorKind::MissingChunk(ids::PTBL),
                wvpl.offset,
            ));
        }
        _ => (Vec::new(), Vec::new()),
    };
    let pool = Pool {
        waves: &waves,
        cue_to_wave: &cue_to_wave,
    };
    if let Some(lins) = lins {
        for chunk in lins.children()? {
            let chunk = chunk?;
            if !chunk.is_list_of(ids::INS) {
                continue;
            }
            if let Some(instrument) = read_instrument(&chunk, queries, &pool)? {
                collection.instruments.try_reserve(1).map_err(|_| oom(&chunk))?;
                collection.instruments.push(instrument);
            }
        }
    }
    collection.waves = waves;
    Ok(collection)
}

/// The wave pool while instruments are read.
struct Pool<'a> {
    waves: &'a [Wave],
    /// Per `ptbl` cue, the wave index (`None` for `POOL_CUE_NULL`).
    cue_to_wave: &'a [Option<u32>],
}

fn size_error(chunk: &Chunk<'_>) -> FileError {
    FileError::new(FileErrorKind::BadChunkSize(chunk.id), chunk.offset)
}

fn oom(chunk: &Chunk<'_>) -> FileError {
    FileError::new(FileErrorKind::OutOfMemory, chunk.offset)
}

fn condition(chunk: &Chunk<'_>, queries: &DlsQueries) -> Result<bool, FileError> {
    cdl::evaluate(chunk.data, queries)
        .map_err(|_| FileError::new(FileErrorKind::BadConditional, chunk.offset))
}

/// A zero-terminated string chunk: UTF-8 when valid, else Latin-1 (Windows files are ANSI).
pub(crate) fn read_string(chunk: &Chunk<'_>) -> Result<String, FileError> {
    let bytes = chunk.data;
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let bytes = bytes.get(..end).unwrap_or_default();
    let mut out = String::new();
    out.try_reserve(bytes.len().saturating_mul(2))
        .map_err(|_| oom(chunk))?;
    match core::str::from_utf8(bytes) {
        Ok(text) => out.push_str(text),
        Err(_) => out.extend(bytes.iter().map(|&b| char::from(b))),
    }
    Ok(out)
}

fn read_info(list: &Chunk<'_>) -> Result<Info, FileError> {
    let mut info = Info::default();
    for chunk in list.children()? {
        let chunk = chunk?;
        let slot = match chunk.id {
            ids::INAM => &mut info.name,
            ids::ICOP => &mut info.copyright,
            ids::ICMT => &mut info.comment,
            ids::ISFT => &mut info.software,
            _ => continue,
        };
        *slot = Some(read_string(&chunk)?);
    }
    Ok(info)
}

/// Reads `ptbl` and the waves its cues point at. Returns the waves and, per cue, the wave index
/// (`None` for `POOL_CUE_NULL`).
fn read_pool(ptbl: &Chunk<'_>, wvpl: &Chunk<'_>) -> Result<(Vec<Wave>, Vec<Option<u32>>), FileError> {
    let mut r = Reader::new(ptbl.data);
    let header_size = r.u32().map_err(|_| size_error(ptbl))?;
    let count = r.u32().map_err(|_| size_error(ptbl))?;
    // cbSize + 4·cCues must fit in the chunk (checked: the FluidSynth ptbl overflow).
    let table_bytes = (count as usize).checked_mul(4).ok_or_else(|| size_error(ptbl))?;
    let end = (header_size as usize)
        .checked_add(table_bytes)
        .ok_or_else(|| size_error(ptbl))?;
    if header_size < 8 || end > ptbl.data.len() {
        return Err(size_error(ptbl));
    }
    let mut r = Reader::at(ptbl.data, header_size as usize).map_err(|_| size_error(ptbl))?;
    // (offset, cue) pairs sorted by offset, so each distinct offset is parsed once.
    let mut cues: Vec<(u32, u32)> = Vec::new();
    cues.try_reserve_exact(count as usize).map_err(|_| oom(ptbl))?;
    for cue in 0..count {
        let offset = r.u32().map_err(|_| size_error(ptbl))?;
        cues.push((offset, cue));
    }
    let mut cue_to_wave: Vec<Option<u32>> = Vec::new();
    cue_to_wave
        .try_reserve_exact(count as usize)
        .map_err(|_| oom(ptbl))?;
    cue_to_wave.resize(count as usize, None);
    // Waves in cue order of their first cue.
    let mut by_offset: Vec<(u32, u32)> = Vec::new();
    by_offset.try_reserve_exact(cues.len()).map_err(|_| oom(ptbl))?;
    by_offset.extend_from_slice(&cues);
    by_offset.sort_unstable();
    let mut first_cue_of_offset: Vec<(u32, u32)> = Vec::new(); // (first cue, offset)
    first_cue_of_offset
        .try_reserve_exact(by_offset.len())
        .map_err(|_| oom(ptbl))?;
    let mut previous = None;
    for &(offset, cue) in &by_offset {
        if offset == c::POOL_CUE_NULL || previous == Some(offset) {
            continue;
        }
        previous = Some(offset);
        first_cue_of_offset.push((cue, offset));
    }
    first_cue_of_offset.sort_unstable();

    let pool = wvpl.data.get(4..).unwrap_or_default();
    let pool_base = wvpl.data_offset().saturating_add(4);
    let mut waves = Vec::new();
    waves
        .try_reserve_exact(first_cue_of_offset.len())
        .map_err(|_| oom(ptbl))?;
    for &(cue, offset) in &first_cue_of_offset {
        let bad_cue = FileError::new(FileErrorKind::BadPoolCue { cue }, ptbl.offset);
        let data = pool.get(offset as usize..).ok_or(bad_cue)?;
        let base = pool_base.saturating_add(offset as usize);
        let wave_chunk = riff::Chunks::new(data, base, wvpl.depth.saturating_add(1))
            .next()
            .ok_or(bad_cue)??;
        if !wave_chunk.is_list_of(ids::WAVE) {
            return Err(bad_cue);
        }
        waves.push(read_wave(&wave_chunk)?);
    }
    // Map every cue to its wave: waves are numbered in first-cue order.
    let mut offset_to_wave: Vec<(u32, u32)> = Vec::new();
    offset_to_wave
        .try_reserve_exact(first_cue_of_offset.len())
        .map_err(|_| oom(ptbl))?;
    offset_to_wave.extend(
        first_cue_of_offset
            .iter()
            .zip(0u32..)
            .map(|(&(_, offset), wave)| (offset, wave)),
    );
    offset_to_wave.sort_unstable();
    for &(offset, cue) in &by_offset {
        let wave = offset_to_wave
            .binary_search_by(|probe| probe.0.cmp(&offset))
            .ok()
            .and_then(|i| offset_to_wave.get(i))
            .map(|&(_, wave)| wave);
        if let (Some(slot), Some(wave)) = (cue_to_wave.get_mut(cue as usize), wave) {
            *slot = Some(wave);
        }
    }
    Ok((waves, cue_to_wave))
}

fn read_wave(list: &Chunk<'_>) -> Result<Wave, FileError> {
    let mut format: Option<(u16, u32)> = None; // (bits, rate)
    let mut data = None;
    let mut sample = None;
    let mut name = None;
    let mut copyright = None;
    for chunk in list.children()? {
        let chunk = chunk?;
        match (chunk.id, chunk.list_type()) {
            (ids::FMT, _) => {
                let mut r = Reader::new(chunk.data);
                let mut field = || r.u16().map_err(|_| size_error(&chunk));
                let format_tag = field()?;
                let channels = field()?;
                let rate_low = field()?;
                let rate_high = field()?;
                let _average_bytes = (field()?, field()?);
                let _block_align = field()?;
                let bits_per_sample = field()?;
                if format_tag != ids::WAVE_FORMAT_PCM
                    || channels != 1
                    || !(bits_per_sample == 8 || bits_per_sample == 16)
                {
                    return Err(FileError::new(
                        FileErrorKind::UnsupportedWaveFormat {
                            format_tag,
                            channels,
                            bits_per_sample,
                        },
                        chunk.offset,
                    ));
                }
                let rate = u32::from(rate_low) | (u32::from(rate_high) << 16);
                format = Some((bits_per_sample, rate));
            }
            (ids::DATA, _) => data = Some(chunk),
            (ids::WSMP, _) => sample = Some(read_wsmp(&chunk)?),
            (riff::LIST, Some(ids::INFO)) => {
                let info = read_info(&chunk)?;
                name = info.name;
                copyright = info.copyright;
            }
            _ => {}
        }
    }
    let (bits, sample_rate) =
        format.ok_or(FileError::new(FileErrorKind::MissingChunk(ids::FMT), list.offset))?;
    let data_chunk = data.ok_or(FileError::new(
        FileErrorKind::MissingChunk(ids::DATA),
        list.offset,
    ))?;
    let frames = decode_pcm(&data_chunk, bits)?;
    let sample = sample.map(|s| fit_loop(s, frames.len()));
    Ok(Wave {
        sample_rate,
        data: frames,
        sample,
        name,
        copyright,
    })
}

fn decode_pcm(chunk: &Chunk<'_>, bits: u16) -> Result<Vec<i16>, FileError> {
    let mut out = Vec::new();
    if bits == 8 {
        out.try_reserve_exact(chunk.data.len()).map_err(|_| oom(chunk))?;
        out.extend(chunk.data.iter().map(|&b| i16::from_be_bytes([b ^ 0x80, 0])));
    } else {
        let frames = chunk.data.chunks_exact(2);
        out.try_reserve_exact(frames.len()).map_err(|_| oom(chunk))?;
        out.extend(frames.map(|pair| {
            i16::from_le_bytes([
                pair.first().copied().unwrap_or(0),
                pair.get(1).copied().unwrap_or(0),
            ])
        }));
    }
    Ok(out)
}

/// `wsmp`: tolerates `cbSize < 20` and loop `cbSize < 16` (Crystal files); keeps the first loop.
fn read_wsmp(chunk: &Chunk<'_>) -> Result<SampleInfo, FileError> {
    let bad = || size_error(chunk);
    let mut r = Reader::new(chunk.data);
    let header_size = r.u32().map_err(|_| bad())?.max(20);
    let unity_note = r.u16().map_err(|_| bad())?;
    let fine_tune = r.i16().map_err(|_| bad())?;
    let gain = r.i32().map_err(|_| bad())?;
    let options = r.u32().map_err(|_| bad())?;
    let loop_count = r.u32().map_err(|_| bad())?;
    let mut sample_loop = None;
    if loop_count > 0 {
        let mut r = Reader::at(chunk.data, header_size as usize).map_err(|_| bad())?;
        let _loop_size = r.u32().map_err(|_| bad())?;
        let kind = r.u32().map_err(|_| bad())?;
        let start = r.u32().map_err(|_| bad())?;
        let length = r.u32().map_err(|_| bad())?;
        let kind = match kind {
            c::WLOOP_TYPE_FORWARD => LoopKind::Forward,
            // 1 is the XP+ value of WLOOP_TYPE_RELEASE, 2 the pre-XP one.
            _ => LoopKind::Release,
        };
        if length > 0 {
            sample_loop = Some(Loop { kind, start, length });
        }
    }
    Ok(SampleInfo {
        // Sonivox replaces invalid unity notes with 60.
        unity_note: u8::try_from(unity_note).ok().filter(|&n| n <= 127).unwrap_or(60),
        fine_tune,
        gain,
        no_truncation: options & c::F_WSMP_NO_TRUNCATION != 0,
        no_compression: options & c::F_WSMP_NO_COMPRESSION != 0,
        sample_loop,
    })
}

fn read_instrument(
    list: &Chunk<'_>,
    queries: &DlsQueries,
    pool: &Pool<'_>,
) -> Result<Option<Instrument>, FileError> {
    let mut header = None;
    let mut regions = Vec::new();
    let mut articulation = ArticulationBuilder::default();
    let mut info = Info::default();
    for chunk in list.children()? {
        let chunk = chunk?;
        match (chunk.id, chunk.list_type()) {
            (ids::INSH, _) => {
                let mut r = Reader::new(chunk.data);
                let _region_count = r.u32().map_err(|_| size_error(&chunk))?;
                let bank = r.u32().map_err(|_| size_error(&chunk))?;
                let program = r.u32().map_err(|_| size_error(&chunk))?;
                header = Some(Patch::from_midilocale(bank, program));
            }
            (ids::CDL, _) if !condition(&chunk, queries)? => return Ok(None),
            (riff::LIST, Some(ids::LRGN)) => {
                for region in chunk.children()? {
                    let region = region?;
                    if !(region.is_list_of(ids::RGN) || region.is_list_of(ids::RGN2)) {
                        continue;
                    }
                    if let Some(region) = read_region(&region, queries, pool)? {
                        regions.try_reserve(1).map_err(|_| oom(&chunk))?;
                        regions.push(region);
                    }
                }
            }
            (riff::LIST, Some(ids::LART | ids::LAR2)) => articulation.add_list(&chunk, queries)?,
            (riff::LIST, Some(ids::INFO)) => info = read_info(&chunk)?,
            _ => {}
        }
    }
    let patch = header.ok_or(FileError::new(
        FileErrorKind::MissingChunk(ids::INSH),
        list.offset,
    ))?;
    Ok(Some(Instrument {
        patch,
        gm_instrument: false,
        name: info.name,
        regions,
        articulation: articulation.finish(),
        copyright: info.copyright,
    }))
}

/// A key range: the high end is clamped to 127; a reversed range is an error.
fn read_range(r: &mut Reader<'_>, chunk: &Chunk<'_>) -> Result<Range, FileError> {
    let low = r.u16().map_err(|_| size_error(chunk))?;
    let high = r.u16().map_err(|_| size_error(chunk))?.min(127);
    if low > high {
        return Err(FileError::new(FileErrorKind::BadRange, chunk.offset));
    }
    // Both are <= 127 here.
    Ok(Range {
        low: low as u8,
        high: high as u8,
    })
}

fn read_region(list: &Chunk<'_>, queries: &DlsQueries, pool: &Pool<'_>) -> Result<Option<Region>, FileError> {
    let mut header = None;
    let mut wave_link = None;
    let mut sample = None;
    let mut articulation = ArticulationBuilder::default();
    for chunk in list.children()? {
        let chunk = chunk?;
        match (chunk.id, chunk.list_type()) {
            (ids::RGNH, _) => {
                let mut r = Reader::new(chunk.data);
                let keys = read_range(&mut r, &chunk)?;
                // DLS1 ignores velocity ranges and Level 1 writers leave them 0..0 or garbage:
                // normalised, never refused (the same rule as downloads).
                let velocity_low = r.u16().map_err(|_| size_error(&chunk))?;
                let velocity_high = r.u16().map_err(|_| size_error(&chunk))?;
                let velocities = crate::validate::normalize_velocities(Range {
                    low: u8::try_from(velocity_low).unwrap_or(u8::MAX),
                    high: u8::try_from(velocity_high).unwrap_or(u8::MAX),
                });
                let options = r.u16().map_err(|_| size_error(&chunk))?;
                let key_group = r.u16().map_err(|_| size_error(&chunk))?;
                // DLS2 usLayer (editor-only) ignored.
                header = Some((keys, velocities, options, key_group));
            }
            (ids::WSMP, _) => sample = Some(read_wsmp(&chunk)?),
            (ids::WLNK, _) => {
                let mut r = Reader::new(chunk.data);
                let options = r.u16().map_err(|_| size_error(&chunk))?;
                let phase_group = r.u16().map_err(|_| size_error(&chunk))?;
                let channel = r.u32().map_err(|_| size_error(&chunk))?;
                let table_index = r.u32().map_err(|_| size_error(&chunk))?;
                let wave = pool
                    .cue_to_wave
                    .get(table_index as usize)
                    .copied()
                    .flatten()
                    .ok_or(FileError::new(
                        FileErrorKind::BadWaveLink { table_index },
                        chunk.offset,
                    ))?;
                wave_link = Some(WaveLink {
                    phase_master: options & c::F_WAVELINK_PHASE_MASTER != 0,
                    multichannel: options & c::F_WAVELINK_MULTICHANNEL != 0,
                    phase_group,
                    channel,
                    wave,
                });
            }
            (ids::CDL, _) if !condition(&chunk, queries)? => return Ok(None),
            (riff::LIST, Some(ids::LART | ids::LAR2)) => articulation.add_list(&chunk, queries)?,
            _ => {}
        }
    }
    let (keys, velocities, options, key_group) = header.ok_or(FileError::new(
        FileErrorKind::MissingChunk(ids::RGNH),
        list.offset,
    ))?;
    let wave_link = wave_link.ok_or(FileError::new(
        FileErrorKind::MissingChunk(ids::WLNK),
        list.offset,
    ))?;
    let wave = pool.waves.get(wave_link.wave as usize).ok_or(FileError::new(
        FileErrorKind::BadWaveLink {
            table_index: wave_link.wave,
        },
        list.offset,
    ))?;
    let sample = sample.map(|s| fit_loop(s, wave.data.len()));
    Ok(Some(Region {
        keys,
        velocities,
        key_group,
        self_non_exclusive: options & c::F_RGN_OPTION_SELFNONEXCLUSIVE != 0,
        wave_link,
        sample,
        articulation: articulation.finish(),
    }))
}

/// Collects the `art1`/`art2` chunks of an instrument's or region's `lart`/`lar2` lists.
///
/// Decision: when a level has both DLS1 (`art1`) and DLS2 (`art2`) articulation (files written
/// for both kinds of synth), the DLS2 one is kept; several chunks of the kept kind are
/// concatenated in file order. `art1` inside `lar2`, `art2` inside `lart` and `cdl` inside either
/// are all accepted.
#[derive(Default)]
struct ArticulationBuilder {
    dls1: Option<Vec<Connection>>,
    dls2: Option<Vec<Connection>>,
}

impl ArticulationBuilder {
    fn add_list(&mut self, list: &Chunk<'_>, queries: &DlsQueries) -> Result<(), FileError> {
        // A false cdl anywhere in the list bypasses the whole list.
        for chunk in list.children()? {
            let chunk = chunk?;
            if chunk.id == ids::CDL && !condition(&chunk, queries)? {
                return Ok(());
            }
        }
        for chunk in list.children()? {
            let chunk = chunk?;
            let (target, dls1) = match chunk.id {
                ids::ART1 => (&mut self.dls1, true),
                ids::ART2 => (&mut self.dls2, false),
                _ => continue,
            };
            let connections = target.get_or_insert_with(Vec::new);
            read_connections(&chunk, dls1, connections)?;
        }
        Ok(())
    }

    fn finish(self) -> Option<Articulation> {
        match (self.dls2, self.dls1) {
            (Some(connections), _) => Some(Articulation {
                format: ArticulationFormat::Dls2,
                connections,
            }),
            (None, Some(connections)) => Some(Articulation {
                format: ArticulationFormat::Dls1,
                connections,
            }),
            (None, None) => None,
        }
    }
}

fn read_connections(chunk: &Chunk<'_>, dls1: bool, out: &mut Vec<Connection>) -> Result<(), FileError> {
    let mut r = Reader::new(chunk.data);
    let header_size = r.u32().map_err(|_| size_error(chunk))?;
    let count = r.u32().map_err(|_| size_error(chunk))?;
    let table_bytes = (count as usize)
        .checked_mul(12)
        .ok_or_else(|| size_error(chunk))?;
    let end = (header_size as usize)
        .checked_add(table_bytes)
        .ok_or_else(|| size_error(chunk))?;
    if header_size < 8 || end > chunk.data.len() {
        return Err(size_error(chunk));
    }
    out.try_reserve(count as usize).map_err(|_| oom(chunk))?;
    let mut r = Reader::at(chunk.data, header_size as usize).map_err(|_| size_error(chunk))?;
    for _ in 0..count {
        let mut field = || r.u16().map_err(|_| size_error(chunk));
        let source = field()?;
        let control = field()?;
        let destination = field()?;
        let transform_bits = field()?;
        let scale = r.i32().map_err(|_| size_error(chunk))?;
        let transform = if dls1 {
            art1_transform(source, control, transform_bits)
        } else {
            Transform::from_art2(transform_bits)
        }
        .ok_or(FileError::new(FileErrorKind::BadTransform, chunk.offset))?;
        out.push(normalize(Connection {
            source,
            control,
            destination,
            transform,
            scale,
        }));
    }
    Ok(())
}

/// art1 has one transform value (NONE or CONCAVE) that applies to the source (DLS1 controls are
/// plain linear mod-wheel scalings). DLS1 LFO and pitch-wheel sources are bipolar by definition
/// (FluidSynth forces bipolar LFO/vibrato; the DLS1 pitch wheel spans ±8192). Same decoding as
/// `crate::articulation::decode_art1`, except that an undefined transform value is an error here.
fn art1_transform(source: u16, _control: u16, bits: u16) -> Option<Transform> {
    let curve = Curve::from_bits(bits)?;
    Some(Transform {
        source: curve,
        source_bipolar: matches!(
            source,
            c::CONN_SRC_LFO | c::CONN_SRC_VIBRATO | c::CONN_SRC_PITCHWHEEL
        ),
        ..Transform::default()
    })
}

/// The real-file fixes of `shared/reference/dls-and-synth-engines.md` §2.2-2.3 (the same rules as
/// `crate::articulation`):
/// - an output transform moves onto a linear source, and is dropped otherwise (DLS2 defines no
///   output transform);
/// - velocity, CC7 or CC11 → gain with a concave source curve and no control is always inverted
///   (DLS1 concave *is* the attenuation curve; some DLS2 files omit the invert bit, Fury.dls).
pub(crate) fn normalize(mut connection: Connection) -> Connection {
    let t = &mut connection.transform;
    if t.output != Curve::Linear {
        if t.source == Curve::Linear {
            t.source = t.output;
        }
        t.output = Curve::Linear;
    }
    if connection.destination == c::CONN_DST_GAIN
        && connection.control == c::CONN_SRC_NONE
        && matches!(
            connection.source,
            c::CONN_SRC_KEYONVELOCITY | c::CONN_SRC_CC7 | c::CONN_SRC_CC11
        )
        && t.source == Curve::Concave
    {
        t.source_invert = true;
    }
    connection
}

/// Loops that run past the end of their wave are clamped to end with it, and loops that start
/// at or after the end are dropped (one-shot): real files have them (FluidSynth's
/// VintageDreamsWaves-v2.dls), and this is what the engine would play anyway
/// ([`crate::validate::fit_loop`], the same rule downloads get).
fn fit_loop(mut sample: SampleInfo, frames: usize) -> SampleInfo {
    sample.sample_loop = sample
        .sample_loop
        .and_then(|l| crate::validate::fit_loop(l, frames));
    sample
}
