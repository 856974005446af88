//! `.dls` files: the `no_std` reader and (with `std`) the writer.
//!
//! [`read_dls`] reads DLS Level 1 and 2 collections into the [`crate::model`], evaluating `cdl`
//! chunks against [`DlsQueries`] and tolerating the real-file quirks listed in
//! `shared/reference/dls-and-synth-engines.md` §2.1 (art1 inside lar2 and the reverse, cdl inside
//! lart, short wsmp/loop `cbSize`, odd-size padding, a RIFF size that disagrees with the file,
//! missing invert flags on velocity/CC7/CC11 → gain). Counts whose byte size would overflow
//! (`ptbl`, `art1`/`art2`) are rejected. Every allocation sized by the file is fallible.
//!
//! Waves must be 8- or 16-bit mono PCM: stereo or compressed waves are rejected with
//! [`FileErrorKind::UnsupportedWaveFormat`] rather than split or decoded (DLS instruments play
//! stereo through two regions linked to two mono waves).
//!
//! With `std`, [`write_dls`] writes DLS Level 2.

mod cdl;
mod error;
pub mod ids;
mod read;
#[cfg(feature = "std")]
mod write;

pub use cdl::{BadConditional, DlsQueries, evaluate as evaluate_conditional};
pub use error::{FileError, FileErrorKind};
#[cfg(feature = "std")]
pub(crate) use read::normalize;
pub use read::{read_dls, read_dls_with};
#[cfg(feature = "std")]
pub use write::write_dls;
