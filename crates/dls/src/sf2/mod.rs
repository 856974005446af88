//! SoundFont 2 import (host only): `.sf2` (2.01/2.04) → [`Collection`] (DLS Level 2 model).
//!
//! Every preset becomes one instrument (bank 128 → drum kit, else bank → bank MSB, LSB 0). Each
//! preset zone × instrument zone pair whose key and velocity ranges intersect becomes one region
//! with its own complete DLS2 articulation (the instrument-level articulation stays empty, so
//! the result does not depend on the engine's instrument-vs-region rule). Samples are sliced out
//! of `smpl` into waves, one per (sample header, start, end) — so zones sharing a sample share a
//! wave. `.sf3` (Vorbis-compressed samples) is rejected with [`Sf2Error::Compressed`].
//!
//! # Mapping
//!
//! Units: DLS time = timecents, pitch = cents, gain = 1/655360 dB, percent = 0.1 %, all × 65536.
//!
//! | SoundFont | DLS | Fidelity |
//! |---|---|---|
//! | keyRange, velRange (preset ∩ instrument) | region keys, velocities | exact |
//! | sampleID (start/end + address offsets) | wave (sliced), `wlnk` | exact |
//! | sampleModes 1 / 3 / 0,2 | loop Forward / Release / none | exact |
//! | loop points + loop address offsets | region `wsmp` loop, relative to the sliced start (dropped if outside the wave) | exact |
//! | overridingRootKey, else sample original pitch | `wsmp` unity note | exact |
//! | coarseTune, fineTune, sample pitch correction | `wsmp` fine tune (cents) | exact |
//! | scaleTuning ≠ 100, one-key zone | unity note := the key, scale folded into fine tune | exact |
//! | scaleTuning ≠ 100, key range | KEYNUMBER→PITCH = scale·128, fine tune += unity·(100−scale) | exact for engines computing pitch = key·scale − unity·100 + fine tune (this workspace's `synth` voice does); spessasynth keeps the fine tune instead |
//! | initialAttenuation (instrument + preset, a negative preset value included) | `wsmp` gain = −0.4 × cB (the EMU factor FluidSynth and spessasynth use) | approximate |
//! | exclusiveClass | region key group | exact |
//! | (SF2 has no self-exclusive notes: a re-struck key layers) | region `F_RGN_OPTION_SELFNONEXCLUSIVE` set | exact |
//! | pan, reverbEffectsSend, chorusEffectsSend | constant PAN / REVERB / CHORUS (0.1 %) | exact / approximate (sends add to CC91/93) |
//! | delay/attack/hold/decay/releaseVolEnv | EG1 delay/attack/hold/decay/release (−12000 tc = DLS "0 s") | exact (SF2 full scale is 100 dB, DLS 96 dB) |
//! | sustainVolEnv (cB attenuation) | EG1 sustain = 1000 − cB·1000/960 (0.1 %, linear-dB) | approximate (> 96 dB → 0) |
//! | keynumToVolEnvHold/Decay k | KEYNUMBER→EG1 hold/decay = −128·k, base += 60·k | exact |
//! | mod envelope (delay…release, sustain in 0.1 % decrease) | EG2 times, sustain = 1000 − value | exact |
//! | keynumToModEnvHold/Decay | KEYNUMBER→EG2 hold/decay | exact |
//! | modEnvToPitch, modEnvToFilterFc | EG2→PITCH, EG2→FILTER_CUTOFF | exact |
//! | delay/freqModLFO | LFO start delay / frequency (always written: defaults differ) | exact |
//! | modLfoToPitch, modLfoToFilterFc, modLfoToVolume | LFO→PITCH, LFO→CUTOFF, LFO→GAIN (−cB) | exact |
//! | delay/freqVibLFO, vibLfoToPitch | vibrato delay / frequency, VIBRATO→PITCH | exact |
//! | initialFilterFc < 13500, initialFilterQ | FILTER_CUTOFF (cents), FILTER_Q (cB as 0.1 dB) | approximate (SF2 Q is peak height; DLS Q in dB) |
//! | stereo links (left/right sample types) | region channel left/right, one phase group per pair, left = phase master | exact |
//! | default modulators vel→att, CC7, CC11, CC10→pan, pitch wheel×RPN0 | DLS2 defaults (not written) | exact |
//! | default modulators CC1→vibrato, channel pressure→vibrato (50 cents) | VIBRATO×CC1 / ×CHANNELPRESSURE → PITCH | exact |
//! | default modulators CC91→reverb, CC93→chorus (20 %) | CC91→REVERB, CC93→CHORUS = 200 | exact |
//! | default modulator velocity→filter cutoff | — | dropped |
//! | zone modulators (instrument replace, preset add) with sources none/velocity/key/poly/channel pressure/pitch wheel/RPN0/CC, destinations of the tables above | connections (LFO/EG depth destinations become LFO/EG × control) | exact |
//! | modulators with absolute-value transform, linked sources, or other destinations | — | dropped |
//! | keynum, velocity (fixed), startAddrs beyond the sample, ROM samples, sm24 | — | dropped |
//! | modulators beyond the 64th of a zone | — | dropped |

mod convert;
mod hydra;

use core::fmt;

use crate::model::Collection;
use crate::riff::{FourCc, RiffError};

/// Why a SoundFont could not be imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sf2Error {
    /// Not a `RIFF 'sfbk'` file.
    NotSf2,
    /// Broken RIFF structure.
    Riff(RiffError),
    /// `.sf3` / Vorbis-compressed samples are not supported.
    Compressed,
    /// A required chunk is missing.
    MissingChunk(u32),
    /// A hydra table's size is not a whole number of records.
    BadChunkSize(u32),
    /// An index between hydra tables points outside its table.
    BadIndex(&'static str),
    /// A sample header points outside `smpl` or has no sample rate (shdr index).
    BadSample(usize),
    /// Flattening would visit more than [`MAX_REGIONS`] preset-zone × instrument-zone pairs (a
    /// small file can reference one huge instrument from many preset zones).
    TooManyRegions,
    /// An allocation failed.
    OutOfMemory,
}

/// The most preset-zone × instrument-zone pairs an import may visit, i.e. an upper bound on the
/// regions it produces (FluidR3_GM, 142 MB, produces 16 912 regions).
pub const MAX_REGIONS: usize = 1_000_000;

impl From<RiffError> for Sf2Error {
    fn from(error: RiffError) -> Self {
        Self::Riff(error)
    }
}

impl fmt::Display for Sf2Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotSf2 => f.write_str("not a SoundFont 2 file (no RIFF 'sfbk' header)"),
            Self::Riff(error) => write!(f, "broken RIFF structure: {error}"),
            Self::Compressed => f.write_str("compressed (SF3/Vorbis) samples are not supported; use an .sf2"),
            Self::MissingChunk(id) => write!(f, "missing {} chunk", FourCc(*id)),
            Self::BadChunkSize(id) => {
                write!(f, "{} chunk size is not a whole number of records", FourCc(*id))
            }
            Self::BadIndex(what) => write!(f, "{what} index out of range"),
            Self::BadSample(index) => write!(f, "sample header {index} is invalid"),
            Self::TooManyRegions => {
                write!(f, "flattening produces more than {MAX_REGIONS} regions")
            }
            Self::OutOfMemory => f.write_str("out of memory"),
        }
    }
}

impl std::error::Error for Sf2Error {}

/// Imports a SoundFont 2 file (see the module docs for the mapping).
pub fn import_sf2(bytes: &[u8]) -> Result<Collection, Sf2Error> {
    let hydra = hydra::parse(bytes)?;
    if hydra.version.is_some_and(|(major, _)| major >= 3) {
        return Err(Sf2Error::Compressed);
    }
    convert::convert(&hydra)
}
