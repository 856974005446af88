//! Typed errors of the download parser and of load-time validation, and their DirectMusic
//! (`DMUS_E_*`) / NTSTATUS mapping, in one place.
//!
//! # The mapping (read it as a table; `tests::mapping_table` pins it)
//!
//! | Error | HRESULT ([`DownloadError::hresult`]) | NTSTATUS ([`DownloadError::ntstatus`]) |
//! |---|---|---|
//! | `Truncated(Header \| OffsetTable \| ExtensionChunk \| Copyright)` | `DMUS_E_BADOFFSETTABLE` | `STATUS_INVALID_PARAMETER` |
//! | `Truncated(Instrument \| Region)` | `DMUS_E_BADINSTRUMENT` | `STATUS_INVALID_PARAMETER` |
//! | `Truncated(Articulation \| ArticParams \| ConnectionList)` | `DMUS_E_BADARTICULATION` | `STATUS_INVALID_PARAMETER` |
//! | `Truncated(Wave \| WaveData)` | `DMUS_E_BADWAVE` | `STATUS_INVALID_PARAMETER` |
//! | `BadOffsetTable` | `DMUS_E_BADOFFSETTABLE` | `STATUS_INVALID_PARAMETER` |
//! | `UnknownDownload` | `DMUS_E_UNKNOWNDOWNLOAD` | `STATUS_NOT_SUPPORTED` |
//! | `NotPcm` | `DMUS_E_NOTPCM` | `STATUS_INVALID_PARAMETER` |
//! | `NotMono` | `DMUS_E_NOTMONO` | `STATUS_INVALID_PARAMETER` |
//! | `BadWave` | `DMUS_E_BADWAVE` | `STATUS_INVALID_PARAMETER` |
//! | `BadInstrument` | `DMUS_E_BADINSTRUMENT` | `STATUS_INVALID_PARAMETER` |
//! | `BadArticulation` | `DMUS_E_BADARTICULATION` | `STATUS_INVALID_PARAMETER` |
//! | `BadWaveLink` | `DMUS_E_BADWAVELINK` | `STATUS_INVALID_PARAMETER` |
//! | `NoArticulation` | `DMUS_E_NOARTICULATION` | `STATUS_INVALID_PARAMETER` |
//! | `CycleDetected(Region)` | `DMUS_E_BADINSTRUMENT` | `STATUS_INVALID_PARAMETER` |
//! | `CycleDetected(Articulation)` | `DMUS_E_BADARTICULATION` | `STATUS_INVALID_PARAMETER` |
//! | `CycleDetected(ExtensionChunk)` | `DMUS_E_BADOFFSETTABLE` | `STATUS_INVALID_PARAMETER` |
//! | `TooLarge` | `DMUS_E_BADINSTRUMENT` | `STATUS_INVALID_PARAMETER` |
//! | `OutOfMemory` | `E_OUTOFMEMORY` | `STATUS_INSUFFICIENT_RESOURCES` |
//!
//! Why the NTSTATUS column is not the HRESULT passed through: a KS property request completes
//! with an NTSTATUS, which user mode sees through `RtlNtStatusToDosError` + `HRESULT_FROM_WIN32`.
//! A `DMUS_E_*` value (facility 0x878, warning-severity bits when read as an NTSTATUS) has no Win32
//! translation and would arrive as `ERROR_MR_MID_NOT_FOUND`, which tells the caller nothing.
//! `STATUS_INVALID_PARAMETER` arrives as `E_INVALIDARG` ("your buffer is bad"),
//! `STATUS_NOT_SUPPORTED` as `ERROR_NOT_SUPPORTED` ("this synth does not take that download
//! type"), `STATUS_INSUFFICIENT_RESOURCES` as `ERROR_NO_SYSTEM_RESOURCES` (retry later). ddksynth
//! returned `STATUS_UNSUCCESSFUL` for everything. The HRESULT column is what a user-mode synth
//! (`IDirectMusicSynth::Download`) returns, and what the host port and the logs report.

use portcls_sys::dmerror::{
    DMUS_E_BADARTICULATION, DMUS_E_BADINSTRUMENT, DMUS_E_BADOFFSETTABLE, DMUS_E_BADWAVE, DMUS_E_BADWAVELINK,
    DMUS_E_NOARTICULATION, DMUS_E_NOTMONO, DMUS_E_NOTPCM, DMUS_E_UNKNOWNDOWNLOAD, HRESULT, NTSTATUS,
    STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_PARAMETER, STATUS_NOT_SUPPORTED,
};

/// `E_OUTOFMEMORY` (winerror.h).
pub const E_OUTOFMEMORY: HRESULT = 0x8007_000Eu32 as HRESULT;

/// The structure of a download buffer that did not fit in the buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Structure {
    /// `DMUS_DOWNLOADINFO` (16 bytes).
    Header,
    /// `DMUS_OFFSETTABLE`.
    OffsetTable,
    /// `DMUS_INSTRUMENT` (24 bytes).
    Instrument,
    /// `DMUS_REGION` (72 bytes, plus 16 per extra loop).
    Region,
    /// `DMUS_ARTICULATION` (8) or `DMUS_ARTICULATION2` (12).
    Articulation,
    /// `DMUS_ARTICPARAMS` (80 bytes).
    ArticParams,
    /// `CONNECTIONLIST` and its `CONNECTION`s.
    ConnectionList,
    /// `DMUS_EXTENSIONCHUNK` and its data.
    ExtensionChunk,
    /// `DMUS_COPYRIGHT` and its text.
    Copyright,
    /// `DMUS_WAVE` (its 30 meaningful bytes).
    Wave,
    /// `DMUS_WAVEDATA` and its samples.
    WaveData,
}

/// A linked list inside a download buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Chain {
    /// `DMUS_REGION.ulNextRegionIdx`.
    Region,
    /// `DMUS_ARTICULATION2.ulNextArtIdx`.
    Articulation,
    /// `DMUS_EXTENSIONCHUNK.ulNextExtCkIdx`.
    ExtensionChunk,
}

/// Why a download buffer was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DownloadError {
    /// A structure (or the variable-length data a count in it announces) runs past the end of the
    /// buffer.
    Truncated(Structure),
    /// `cbSize` claims more than the real buffer, the offset table does not fit, an offset points
    /// outside the data, or an index is beyond the table.
    BadOffsetTable,
    /// No offset-table entries, or a download type this synth does not take.
    UnknownDownload,
    /// The wave's `wFormatTag` is not `WAVE_FORMAT_PCM`.
    NotPcm,
    /// The wave has more than one channel.
    NotMono,
    /// The wave is not 8- or 16-bit, has a sample rate out of range, or has no data.
    BadWave,
    /// An instrument or region field is out of range (key range, unity note, loop, …).
    BadInstrument,
    /// An articulation is malformed (undefined transform curve, missing connection list, …).
    BadArticulation,
    /// A wave link names a wave that cannot exist (builder: pool index out of range).
    BadWaveLink,
    /// A region has no articulation (kept for the table; this parser accepts such regions and
    /// plays them with the DLS2 defaults, see [`crate::articulation`]).
    NoArticulation,
    /// A chain links back onto itself.
    CycleDetected(Chain),
    /// The instrument exceeds a fixed limit of this synth ([`crate::download::MAX_CONNECTIONS`],
    /// [`crate::download::MAX_CHAIN_STEPS`]): refused instead of amplifying memory or time.
    TooLarge,
    /// An allocation failed.
    OutOfMemory,
}

impl DownloadError {
    /// The DirectMusic HRESULT (what `IDirectMusicSynth::Download` would return).
    pub const fn hresult(self) -> HRESULT {
        match self {
            Self::Truncated(structure) => match structure {
                Structure::Header
                | Structure::OffsetTable
                | Structure::ExtensionChunk
                | Structure::Copyright => DMUS_E_BADOFFSETTABLE,
                Structure::Instrument | Structure::Region => DMUS_E_BADINSTRUMENT,
                Structure::Articulation | Structure::ArticParams | Structure::ConnectionList => {
                    DMUS_E_BADARTICULATION
                }
                Structure::Wave | Structure::WaveData => DMUS_E_BADWAVE,
            },
            Self::BadOffsetTable => DMUS_E_BADOFFSETTABLE,
            Self::UnknownDownload => DMUS_E_UNKNOWNDOWNLOAD,
            Self::NotPcm => DMUS_E_NOTPCM,
            Self::NotMono => DMUS_E_NOTMONO,
            Self::BadWave => DMUS_E_BADWAVE,
            Self::BadInstrument | Self::TooLarge => DMUS_E_BADINSTRUMENT,
            Self::BadArticulation => DMUS_E_BADARTICULATION,
            Self::BadWaveLink => DMUS_E_BADWAVELINK,
            Self::NoArticulation => DMUS_E_NOARTICULATION,
            Self::CycleDetected(chain) => match chain {
                Chain::Region => DMUS_E_BADINSTRUMENT,
                Chain::Articulation => DMUS_E_BADARTICULATION,
                Chain::ExtensionChunk => DMUS_E_BADOFFSETTABLE,
            },
            Self::OutOfMemory => E_OUTOFMEMORY,
        }
    }

    /// The NTSTATUS the `KSPROPERTY_SYNTH_DLS_DOWNLOAD` request completes with (see the module
    /// docs for why this is not the HRESULT).
    pub const fn ntstatus(self) -> NTSTATUS {
        match self {
            Self::OutOfMemory => STATUS_INSUFFICIENT_RESOURCES,
            Self::UnknownDownload => STATUS_NOT_SUPPORTED,
            _ => STATUS_INVALID_PARAMETER,
        }
    }
}

impl core::fmt::Display for DownloadError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Truncated(structure) => write!(f, "{structure:?} runs past the end of the buffer"),
            Self::BadOffsetTable => f.write_str("bad offset table (DMUS_E_BADOFFSETTABLE)"),
            Self::UnknownDownload => f.write_str("unknown download type (DMUS_E_UNKNOWNDOWNLOAD)"),
            Self::NotPcm => f.write_str("wave is not PCM (DMUS_E_NOTPCM)"),
            Self::NotMono => f.write_str("wave is not mono (DMUS_E_NOTMONO)"),
            Self::BadWave => f.write_str("bad wave (DMUS_E_BADWAVE)"),
            Self::BadInstrument => f.write_str("bad instrument (DMUS_E_BADINSTRUMENT)"),
            Self::BadArticulation => f.write_str("bad articulation (DMUS_E_BADARTICULATION)"),
            Self::BadWaveLink => f.write_str("bad wave link (DMUS_E_BADWAVELINK)"),
            Self::NoArticulation => f.write_str("no articulation (DMUS_E_NOARTICULATION)"),
            Self::CycleDetected(chain) => write!(f, "{chain:?} chain links back onto itself"),
            Self::TooLarge => f.write_str("instrument exceeds the synth's limits"),
            Self::OutOfMemory => f.write_str("out of memory"),
        }
    }
}

/// A model value out of range, found by load-time validation ([`crate::validate`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValidationError {
    /// Key range with `low > high` or a key above 127.
    KeyRange,
    /// Unity note above 127.
    UnityNote,
    /// A loop whose `start + length` overflows, or (when checked against its wave) starts past the
    /// wave's end.
    Loop,
    /// Sample rate outside `1..=384_000` Hz.
    SampleRate,
    /// A wave with no sample frames.
    EmptyWave,
    /// A connection with an undefined curve value (4..=15).
    Transform,
    /// A region's wave link names no wave of its collection.
    WaveLink,
}

impl From<ValidationError> for DownloadError {
    fn from(error: ValidationError) -> Self {
        match error {
            ValidationError::KeyRange | ValidationError::UnityNote | ValidationError::Loop => {
                Self::BadInstrument
            }
            ValidationError::SampleRate | ValidationError::EmptyWave => Self::BadWave,
            ValidationError::Transform => Self::BadArticulation,
            ValidationError::WaveLink => Self::BadWaveLink,
        }
    }
}

impl From<alloc::collections::TryReserveError> for DownloadError {
    fn from(_: alloc::collections::TryReserveError) -> Self {
        Self::OutOfMemory
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_table() {
        use Chain as C;
        use DownloadError as E;
        use Structure as S;
        let bad = STATUS_INVALID_PARAMETER;
        let table: &[(DownloadError, u32, NTSTATUS)] = &[
            (E::Truncated(S::Header), 0x8878_112C, bad),
            (E::Truncated(S::OffsetTable), 0x8878_112C, bad),
            (E::Truncated(S::ExtensionChunk), 0x8878_112C, bad),
            (E::Truncated(S::Copyright), 0x8878_112C, bad),
            (E::Truncated(S::Instrument), 0x8878_1127, bad),
            (E::Truncated(S::Region), 0x8878_1127, bad),
            (E::Truncated(S::Articulation), 0x8878_1126, bad),
            (E::Truncated(S::ArticParams), 0x8878_1126, bad),
            (E::Truncated(S::ConnectionList), 0x8878_1126, bad),
            (E::Truncated(S::Wave), 0x8878_112B, bad),
            (E::Truncated(S::WaveData), 0x8878_112B, bad),
            (E::BadOffsetTable, 0x8878_112C, bad),
            (E::UnknownDownload, 0x8878_112D, 0xC000_00BBu32 as i32),
            (E::NotPcm, 0x8878_112A, bad),
            (E::NotMono, 0x8878_1125, bad),
            (E::BadWave, 0x8878_112B, bad),
            (E::BadInstrument, 0x8878_1127, bad),
            (E::BadArticulation, 0x8878_1126, bad),
            (E::BadWaveLink, 0x8878_1128, bad),
            (E::NoArticulation, 0x8878_1129, bad),
            (E::CycleDetected(C::Region), 0x8878_1127, bad),
            (E::CycleDetected(C::Articulation), 0x8878_1126, bad),
            (E::CycleDetected(C::ExtensionChunk), 0x8878_112C, bad),
            (E::TooLarge, 0x8878_1127, bad),
            (E::OutOfMemory, 0x8007_000E, 0xC000_009Au32 as i32),
        ];
        for &(error, hresult, status) in table {
            assert_eq!(error.hresult() as u32, hresult, "{error:?}");
            assert_eq!(error.ntstatus(), status, "{error:?}");
            // Every failure is a failure on both sides of the boundary.
            assert!(error.hresult() < 0 && error.ntstatus() < 0);
        }
        assert_eq!(bad as u32, 0xC000_000D);
    }

    #[test]
    fn validation_errors_map_to_the_owner_structure() {
        assert_eq!(
            DownloadError::from(ValidationError::KeyRange),
            DownloadError::BadInstrument
        );
        assert_eq!(
            DownloadError::from(ValidationError::Loop),
            DownloadError::BadInstrument
        );
        assert_eq!(
            DownloadError::from(ValidationError::SampleRate),
            DownloadError::BadWave
        );
        assert_eq!(
            DownloadError::from(ValidationError::EmptyWave),
            DownloadError::BadWave
        );
        assert_eq!(
            DownloadError::from(ValidationError::Transform),
            DownloadError::BadArticulation
        );
        assert_eq!(
            DownloadError::from(ValidationError::WaveLink),
            DownloadError::BadWaveLink
        );
    }
}
