//! `IMiniport::DataRangeIntersection` for both pins.
//!
//! * MIDI pin: the client's range must be `KSDATAFORMAT_TYPE_MUSIC` (or wildcard) with the
//!   DirectMusic or MIDI subtype (or wildcard); the result is a plain 64-byte `KSDATAFORMAT` with
//!   the matching range's subtype.
//! * Wave pin: the client's `KSDATARANGE_AUDIO` is intersected with the matching range (16-bit PCM
//!   or 32-bit float): the most channels both allow (≤ 2), 48 kHz if both ranges contain it, else
//!   the highest common rate; the result is an 82-byte `KSDATAFORMAT_WAVEFORMATEX`.
//!
//! An output length of 0 is a size query (`STATUS_BUFFER_OVERFLOW`, size in `*ResultantFormatLength`);
//! a short buffer is `STATUS_BUFFER_TOO_SMALL`; no common format is `STATUS_NO_MATCH`.

use crate::descriptor::{PIN_MIDI, PIN_WAVE};
use crate::error::{MiniportError, Result};
use crate::stream::{SampleKind, WaveFormat};
use core::mem::size_of;
use portcls_sys::{
    GUID, KSDATAFORMAT, KSDATAFORMAT_PACKED, KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
    KSDATAFORMAT_SUBTYPE_IEEE_FLOAT, KSDATAFORMAT_SUBTYPE_PCM, KSDATAFORMAT_SUBTYPE_WILDCARD,
    KSDATAFORMAT_TYPE_AUDIO, KSDATAFORMAT_TYPE_MUSIC, KSDATAFORMAT_TYPE_WILDCARD, KSDATAFORMAT_WAVEFORMATEX,
    KSDATARANGE, KSDATARANGE_AUDIO, NTSTATUS, PKSDATARANGE, PULONG, PVOID, STATUS_SUCCESS,
};

/// See the module documentation.
///
/// # Safety
/// `client` and `matching` null or readable for their `FormatSize`; `result` writable for
/// `output_length` bytes; `result_length` null or writable.
pub unsafe fn data_range_intersection(
    pin: u32,
    client: PKSDATARANGE,
    matching: PKSDATARANGE,
    output_length: u32,
    result: PVOID,
    result_length: PULONG,
) -> NTSTATUS {
    if client.is_null() || matching.is_null() || result_length.is_null() {
        return MiniportError::InvalidParameter.ntstatus();
    }
    // SAFETY: readable by contract.
    let client_header = unsafe { client.read_unaligned() };
    // SAFETY: readable by contract.
    let matching_header = unsafe { matching.read_unaligned() };
    let format = match pin {
        PIN_MIDI => music(&client_header, &matching_header),
        // SAFETY: readable by contract (sizes checked inside).
        PIN_WAVE => unsafe { audio(client, &client_header, matching, &matching_header) },
        _ => Err(MiniportError::InvalidParameter),
    };
    let bytes: Intersection = match format {
        Ok(bytes) => bytes,
        Err(error) => return error.ntstatus(),
    };
    let needed = bytes.len() as u32;
    // SAFETY: writable by contract.
    unsafe { result_length.write(needed) };
    if output_length == 0 {
        return MiniportError::SizeQuery.ntstatus();
    }
    if output_length < needed || result.is_null() {
        return MiniportError::BufferTooSmall.ntstatus();
    }
    // SAFETY: `result` writable for `output_length` ≥ `needed` bytes.
    unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), result.cast::<u8>(), bytes.len()) };
    STATUS_SUCCESS
}

/// The resulting format's bytes.
enum Intersection {
    Music([u8; size_of::<KSDATAFORMAT>()]),
    Audio([u8; size_of::<KSDATAFORMAT_WAVEFORMATEX>()]),
}

impl Intersection {
    fn len(&self) -> usize {
        self.as_slice().len()
    }
    fn as_ptr(&self) -> *const u8 {
        self.as_slice().as_ptr()
    }
    fn as_slice(&self) -> &[u8] {
        match self {
            Self::Music(bytes) => bytes,
            Self::Audio(bytes) => bytes,
        }
    }
}

fn matches(client: &GUID, ours: &GUID, wildcard: &GUID) -> bool {
    client == ours || client == wildcard
}

fn music(client: &KSDATARANGE, matching: &KSDATARANGE) -> Result<Intersection> {
    if !matches(
        &client.MajorFormat,
        &KSDATAFORMAT_TYPE_MUSIC,
        &KSDATAFORMAT_TYPE_WILDCARD,
    ) || !matches(
        &client.SubFormat,
        &matching.SubFormat,
        &KSDATAFORMAT_SUBTYPE_WILDCARD,
    ) {
        return Err(MiniportError::NoMatch);
    }
    let format = KSDATAFORMAT {
        FormatSize: size_of::<KSDATAFORMAT>() as u32,
        Flags: 0,
        SampleSize: 0,
        Reserved: 0,
        MajorFormat: KSDATAFORMAT_TYPE_MUSIC,
        SubFormat: matching.SubFormat,
        Specifier: matching.Specifier,
    };
    let mut bytes = [0u8; size_of::<KSDATAFORMAT>()];
    // SAFETY: `bytes` is exactly one KSDATAFORMAT long; unaligned write.
    unsafe { bytes.as_mut_ptr().cast::<KSDATAFORMAT>().write_unaligned(format) };
    Ok(Intersection::Music(bytes))
}

/// # Safety
/// Both ranges readable for their `FormatSize`.
unsafe fn audio(
    client: PKSDATARANGE,
    client_header: &KSDATARANGE,
    matching: PKSDATARANGE,
    matching_header: &KSDATARANGE,
) -> Result<Intersection> {
    if !matches(
        &client_header.MajorFormat,
        &KSDATAFORMAT_TYPE_AUDIO,
        &KSDATAFORMAT_TYPE_WILDCARD,
    ) || !matches(
        &client_header.SubFormat,
        &matching_header.SubFormat,
        &KSDATAFORMAT_SUBTYPE_WILDCARD,
    ) || (client_header.Specifier != KSDATAFORMAT_SPECIFIER_WAVEFORMATEX
        && client_header.Specifier != GUID::zeroed())
    {
        return Err(MiniportError::NoMatch);
    }
    let size = size_of::<KSDATARANGE_AUDIO>() as u32;
    if client_header.FormatSize < size || matching_header.FormatSize < size {
        return Err(MiniportError::NoMatch);
    }
    // SAFETY: both ranges are at least KSDATARANGE_AUDIO long (checked).
    let theirs = unsafe { client.cast::<KSDATARANGE_AUDIO>().read_unaligned() };
    // SAFETY: as above.
    let ours = unsafe { matching.cast::<KSDATARANGE_AUDIO>().read_unaligned() };
    let channels = theirs.MaximumChannels.min(ours.MaximumChannels);
    let low = theirs.MinimumSampleFrequency.max(ours.MinimumSampleFrequency);
    let high = theirs.MaximumSampleFrequency.min(ours.MaximumSampleFrequency);
    let bits = ours.MaximumBitsPerSample;
    if channels == 0 || low > high || bits < theirs.MinimumBitsPerSample || bits > theirs.MaximumBitsPerSample
    {
        return Err(MiniportError::NoMatch);
    }
    let rate = if (low..=high).contains(&48_000) {
        48_000
    } else {
        high
    };
    let kind = if ours.DataRange.SubFormat == KSDATAFORMAT_SUBTYPE_IEEE_FLOAT {
        SampleKind::Float32
    } else if ours.DataRange.SubFormat == KSDATAFORMAT_SUBTYPE_PCM {
        SampleKind::Pcm16
    } else {
        return Err(MiniportError::NoMatch);
    };
    let wave = WaveFormat {
        rate,
        channels: channels.min(2) as u16,
        kind,
    };
    let format = KSDATAFORMAT_WAVEFORMATEX {
        DataFormat: KSDATAFORMAT_PACKED {
            FormatSize: size_of::<KSDATAFORMAT_WAVEFORMATEX>() as u32,
            Flags: 0,
            SampleSize: wave.block_align(),
            Reserved: 0,
            MajorFormat: KSDATAFORMAT_TYPE_AUDIO,
            SubFormat: ours.DataRange.SubFormat,
            Specifier: KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
        },
        WaveFormatEx: wave.to_waveformatex(),
    };
    let mut bytes = [0u8; size_of::<KSDATAFORMAT_WAVEFORMATEX>()];
    // SAFETY: `bytes` is exactly one KSDATAFORMAT_WAVEFORMATEX long; unaligned write.
    unsafe {
        bytes
            .as_mut_ptr()
            .cast::<KSDATAFORMAT_WAVEFORMATEX>()
            .write_unaligned(format)
    };
    Ok(Intersection::Audio(bytes))
}
