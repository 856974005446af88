//! Errors of the `.dls` reader.

use core::fmt;

use crate::riff::{FourCc, RiffError, RiffErrorKind};

/// What is wrong with a `.dls` file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileErrorKind {
    /// The RIFF structure is broken (truncated chunk, nesting too deep, ...).
    Riff(RiffErrorKind),
    /// Not a `RIFF 'DLS '` file.
    NotDls,
    /// A required chunk is missing (e.g. `insh`, `rgnh`, `wlnk`, `fmt `, `data`, `ptbl`).
    MissingChunk(u32),
    /// A chunk is too small for its structure, or its counts do not fit in it (this includes
    /// `ptbl`/`art1`/`art2` counts whose byte size would overflow).
    BadChunkSize(u32),
    /// A wave is not 8- or 16-bit mono PCM. Stereo and compressed waves are rejected rather
    /// than split or decoded.
    UnsupportedWaveFormat {
        /// `wFormatTag`.
        format_tag: u16,
        /// `nChannels`.
        channels: u16,
        /// `wBitsPerSample`.
        bits_per_sample: u16,
    },
    /// A `wlnk` names a pool-table entry that does not exist (or is `POOL_CUE_NULL`).
    BadWaveLink {
        /// `ulTableIndex`.
        table_index: u32,
    },
    /// A pool-table cue does not point at a `LIST 'wave'` inside `wvpl`.
    BadPoolCue {
        /// The cue's index in `ptbl`.
        cue: u32,
    },
    /// A key or velocity range is outside 0..=127 or reversed.
    BadRange,
    /// An art2 `usTransform` holds an undefined curve.
    BadTransform,
    /// A `cdl` expression is malformed (unknown opcode, stack under/overflow, division by zero,
    /// truncated operand).
    BadConditional,
    /// The collection's top-level `cdl` is false: nothing in it applies to this synth.
    CollectionBypassed,
    /// An allocation sized by the file failed.
    OutOfMemory,
}

/// A `.dls` reader error, with the byte offset of the chunk where it was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileError {
    /// What is wrong.
    pub kind: FileErrorKind,
    /// Byte offset (from the start of the file) of the offending chunk header.
    pub offset: usize,
}

impl FileError {
    /// An error of `kind` at `offset`.
    pub const fn new(kind: FileErrorKind, offset: usize) -> Self {
        Self { kind, offset }
    }
}

impl From<RiffError> for FileError {
    fn from(error: RiffError) -> Self {
        let kind = match error.kind {
            RiffErrorKind::NotRiff => FileErrorKind::NotDls,
            other => FileErrorKind::Riff(other),
        };
        Self {
            kind,
            offset: error.offset,
        }
    }
}

impl fmt::Display for FileErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Riff(kind) => match kind {
                RiffErrorKind::NotRiff => f.write_str("not a RIFF file"),
                RiffErrorKind::Truncated => f.write_str("truncated chunk"),
                RiffErrorKind::MissingListType => f.write_str("LIST chunk without a list type"),
                RiffErrorKind::TooDeep => f.write_str("lists nested too deeply"),
            },
            Self::NotDls => f.write_str("not a DLS file (no RIFF 'DLS ' header)"),
            Self::MissingChunk(id) => write!(f, "missing {} chunk", FourCc(id)),
            Self::BadChunkSize(id) => write!(f, "{} chunk too small for its contents", FourCc(id)),
            Self::UnsupportedWaveFormat {
                format_tag,
                channels,
                bits_per_sample,
            } => write!(
                f,
                "unsupported wave format (tag {format_tag}, {channels} channels, {bits_per_sample} bits); \
                 only 8/16-bit mono PCM is supported"
            ),
            Self::BadWaveLink { table_index } => {
                write!(
                    f,
                    "wave link names pool-table entry {table_index}, which does not exist"
                )
            }
            Self::BadPoolCue { cue } => write!(f, "pool-table cue {cue} does not point at a wave"),
            Self::BadRange => f.write_str("key or velocity range outside 0..=127 or reversed"),
            Self::BadTransform => f.write_str("connection with an undefined transform"),
            Self::BadConditional => f.write_str("malformed cdl expression"),
            Self::CollectionBypassed => f.write_str("the collection's cdl excludes this synth"),
            Self::OutOfMemory => f.write_str("out of memory"),
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {:#x})", self.kind, self.offset)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for FileError {}
