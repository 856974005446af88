//! `.dls` files: the `no_std` reader and (with `std`) the writer.
//!
//! [`read_dls`] reads DLS Level 1 and 2 collections into the [`crate::model`], evaluating `cdl`
//! chunks against [`DlsQueries`] and tolerating the real-file quirks listed in
//! `shared/reference/dls-and-synth-engines.md` §2.1 (art1 inside lar2 and the reverse, cdl inside
//! lart, short wsmp/loop `cbSize`, odd-size padding, a RIFF size that disagrees with the file,
//! missing invert flags on velocity/CC7/CC11 → gain, Crystal's `crs1`). Counts whose byte size
//! would overflow (`ptbl`, `art1`/`art2`) are rejected. Every allocation sized by the file is
//! fallible.
//!
//! Decisions:
//! - Region wave ids are indices into [`crate::model::Collection::waves`], which holds the
//!   distinct pool-table cues in cue order.
//! - An instrument or region with both `art1` and `art2` keeps the `art2` connections.
//! - A `cdl` that is false bypasses its instrument, region or articulation list; a false
//!   collection-level `cdl` is [`FileErrorKind::CollectionBypassed`]; a malformed one is
//!   [`FileErrorKind::BadConditional`].
//! - Loops running past their wave are clamped to its end, and dropped when they start at or
//!   after it (real banks have them; [`crate::validate::fit_loop`] is the same rule downloads get).
//! - Velocity ranges are normalised, never refused ([`crate::validate::normalize_velocities`]:
//!   0..0 from DLS1 writers, which ignore velocity, and empty ranges read as 0..127). Key ranges
//!   have their high end clamped to 127 and are an error when reversed.
//! - Unity notes above 127 read as 60 (Sonivox); `WLOOP` types other than forward are release
//!   loops (1 is the XP+ value, 2 the pre-XP one).
//!
//! Waves must be 8- or 16-bit mono PCM: stereo or compressed waves are rejected with
//! [`FileErrorKind::UnsupportedWaveFormat`] rather than split or decoded (DLS instruments play
//! stereo through two regions linked to two mono waves).
//!
//! With `std`, `write_dls` writes DLS Level 2.

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
