//! The instrument model the engine plays from.
//!
//! One model serves every way instruments arrive: DirectMusic download buffers (parsed in the
//! kernel), `.dls` files (the driver's default collection, and the host tools), and SoundFonts
//! (imported on the host). Values are range-checked once, where the model is built
//! ([`Instrument::validate`], [`Wave::validate`]), so the render path can trust them.
//!
//! Naming: regions name their wave by a *wave id*. In a downloaded instrument that id is the
//! wave's DirectMusic download id (`DMUS_DOWNLOADINFO.dwDLId`); in a [`Collection`] read from a
//! `.dls` file it is the wave's index in the collection's wave pool. The download builder rewrites
//! the second into the first, exactly as dmusic.dll does.

use alloc::string::String;
use alloc::vec::Vec;

/// A bank/program address, as DLS's `MIDILOCALE` and DirectMusic's `ulPatch` carry it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Patch {
    /// Bank select MSB (CC0), 0..=127.
    pub bank_msb: u8,
    /// Bank select LSB (CC32), 0..=127.
    pub bank_lsb: u8,
    /// Program number, 0..=127.
    pub program: u8,
    /// `F_INSTRUMENT_DRUMS`: a drum kit, played on drum channels.
    pub drums: bool,
}

impl Patch {
    /// Decodes a DirectMusic `ulPatch` (`drums<<31 | msb<<16 | lsb<<8 | program`).
    pub const fn from_dmus_patch(patch: u32) -> Self {
        Self {
            bank_msb: ((patch >> 16) & 0x7F) as u8,
            bank_lsb: ((patch >> 8) & 0x7F) as u8,
            program: (patch & 0x7F) as u8,
            drums: patch & 0x8000_0000 != 0,
        }
    }

    /// Encodes as a DirectMusic `ulPatch`.
    pub const fn to_dmus_patch(self) -> u32 {
        ((self.drums as u32) << 31)
            | ((self.bank_msb as u32) << 16)
            | ((self.bank_lsb as u32) << 8)
            | self.program as u32
    }

    /// Decodes a DLS file's `MIDILOCALE` (`ulBank`: drums<<31 | msb<<8 | lsb; `ulInstrument`).
    pub const fn from_midilocale(bank: u32, instrument: u32) -> Self {
        Self {
            bank_msb: ((bank >> 8) & 0x7F) as u8,
            bank_lsb: (bank & 0x7F) as u8,
            program: (instrument & 0x7F) as u8,
            drums: bank & 0x8000_0000 != 0,
        }
    }

    /// Encodes as a DLS file's `MIDILOCALE` `(ulBank, ulInstrument)`.
    pub const fn to_midilocale(self) -> (u32, u32) {
        (
            ((self.drums as u32) << 31) | ((self.bank_msb as u32) << 8) | self.bank_lsb as u32,
            self.program as u32,
        )
    }
}

/// An inclusive range of 7-bit MIDI values (keys or velocities).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Range {
    /// Lowest value, inclusive.
    pub low: u8,
    /// Highest value, inclusive.
    pub high: u8,
}

impl Range {
    /// The whole MIDI range 0..=127.
    pub const FULL: Self = Self { low: 0, high: 127 };

    /// Whether `value` lies in the range.
    pub const fn contains(self, value: u8) -> bool {
        self.low <= value && value <= self.high
    }
}

impl Default for Range {
    fn default() -> Self {
        Self::FULL
    }
}

/// How a loop plays (`WLOOP.ulType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LoopKind {
    /// `WLOOP_TYPE_FORWARD` (0): loops for the whole note, release included.
    Forward,
    /// `WLOOP_TYPE_RELEASE` (1, DLS2): loops until note-off, then plays on to the end of the wave.
    Release,
}

/// A sample loop, in sample frames of the wave.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Loop {
    /// Forward or release loop.
    pub kind: LoopKind,
    /// First frame of the loop.
    pub start: u32,
    /// Length in frames (> 0; `start + length <= wave length` after validation).
    pub length: u32,
}

/// `WSMP`: how a wave is played (in the wave, overridable per region).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SampleInfo {
    /// The key at which the wave plays at its recorded pitch, 0..=127.
    pub unity_note: u8,
    /// Fine tune in cents.
    pub fine_tune: i16,
    /// Gain in DLS units (1/655360 dB; negative = quieter), as `WSMPL.lAttenuation` carries it.
    pub gain: i32,
    /// `F_WSMP_NO_TRUNCATION`.
    pub no_truncation: bool,
    /// `F_WSMP_NO_COMPRESSION`.
    pub no_compression: bool,
    /// At most one loop (engines ignore further loops; the parsers keep the first).
    pub sample_loop: Option<Loop>,
}

impl Default for SampleInfo {
    fn default() -> Self {
        Self {
            unity_note: 60,
            fine_tune: 0,
            gain: 0,
            no_truncation: false,
            no_compression: false,
            sample_loop: None,
        }
    }
}

/// `WAVELINK`: which wave a region plays and on which output channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WaveLink {
    /// `F_WAVELINK_PHASE_MASTER`.
    pub phase_master: bool,
    /// `F_WAVELINK_MULTICHANNEL`.
    pub multichannel: bool,
    /// Phase group (regions of one group start in phase, e.g. the two halves of a stereo sample).
    pub phase_group: u16,
    /// `WAVELINK_CHANNEL_*` bits: 1 = left, 2 = right. Mono regions use left.
    pub channel: u32,
    /// The wave id (see the module docs).
    pub wave: u32,
}

impl Default for WaveLink {
    fn default() -> Self {
        Self {
            phase_master: false,
            multichannel: false,
            phase_group: 0,
            channel: 1,
            wave: 0,
        }
    }
}

/// The curve of a connection's source or control (`CONN_TRN_*`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Curve {
    /// Linear.
    #[default]
    Linear,
    /// Concave (the DLS 96 dB velocity curve).
    Concave,
    /// Convex.
    Convex,
    /// Switch: 0 below the midpoint, 1 at and above it.
    Switch,
}

impl Curve {
    /// From a 4-bit `CONN_TRN_*` value; unknown values are `None`.
    pub const fn from_bits(bits: u16) -> Option<Self> {
        match bits {
            0 => Some(Self::Linear),
            1 => Some(Self::Concave),
            2 => Some(Self::Convex),
            3 => Some(Self::Switch),
            _ => None,
        }
    }

    /// The `CONN_TRN_*` value.
    pub const fn bits(self) -> u16 {
        match self {
            Self::Linear => 0,
            Self::Concave => 1,
            Self::Convex => 2,
            Self::Switch => 3,
        }
    }
}

/// The decoded `usTransform` of a DLS2 connection (art2 bit layout: output transform bits 0..3,
/// control transform 4..7, control bipolar 8, control invert 9, source transform 10..13, source
/// bipolar 14, source invert 15).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Transform {
    /// Curve applied to the source.
    pub source: Curve,
    /// Source mapped to [-1, 1) instead of [0, 1).
    pub source_bipolar: bool,
    /// Source inverted.
    pub source_invert: bool,
    /// Curve applied to the control.
    pub control: Curve,
    /// Control mapped to [-1, 1).
    pub control_bipolar: bool,
    /// Control inverted.
    pub control_invert: bool,
    /// Output transform (none defined by DLS2; kept for round-trips).
    pub output: Curve,
}

impl Transform {
    /// Decodes an art2 `usTransform`. `None` if a curve field holds an undefined value.
    pub const fn from_art2(bits: u16) -> Option<Self> {
        let (Some(output), Some(control), Some(source)) = (
            Curve::from_bits(bits & 0xF),
            Curve::from_bits((bits >> 4) & 0xF),
            Curve::from_bits((bits >> 10) & 0xF),
        ) else {
            return None;
        };
        Some(Self {
            source,
            source_bipolar: bits & (1 << 14) != 0,
            source_invert: bits & (1 << 15) != 0,
            control,
            control_bipolar: bits & (1 << 8) != 0,
            control_invert: bits & (1 << 9) != 0,
            output,
        })
    }

    /// Encodes as an art2 `usTransform`.
    pub const fn to_art2(self) -> u16 {
        self.output.bits()
            | (self.control.bits() << 4)
            | ((self.control_bipolar as u16) << 8)
            | ((self.control_invert as u16) << 9)
            | (self.source.bits() << 10)
            | ((self.source_bipolar as u16) << 14)
            | ((self.source_invert as u16) << 15)
    }
}

/// One DLS connection block: `destination += scale × T(source) × T(control)`.
///
/// `source`, `control` and `destination` keep the raw `CONN_SRC_*`/`CONN_DST_*` values (the
/// constants live in `portcls_sys::dls`); unknown values survive a round-trip and are ignored by
/// the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Connection {
    /// `CONN_SRC_*`.
    pub source: u16,
    /// `CONN_SRC_*` used as a control (`CONN_SRC_NONE` for none).
    pub control: u16,
    /// `CONN_DST_*`.
    pub destination: u16,
    /// Curves, polarity and inversion.
    pub transform: Transform,
    /// `lScale` in the destination's DLS unit (mostly value × 65536).
    pub scale: i32,
}

/// Which level of an instrument an articulation came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArticulationFormat {
    /// DLS Level 1 `art1` / DirectMusic `DMUS_ARTICPARAMS` (converted to connections).
    Dls1,
    /// DLS Level 2 `art2` / DirectMusic `CONNECTIONLIST` chains.
    Dls2,
}

/// An articulation: the connection blocks of one `lart`/`lar2` list (or one download chain).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Articulation {
    /// The format it was written in; decides DLS1 quirks (e.g. single-LFO vibrato semantics).
    pub format: ArticulationFormat,
    /// The connection blocks, in file order.
    pub connections: Vec<Connection>,
}

/// One region of an instrument: a key × velocity rectangle mapped to a wave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    /// Keys this region answers.
    pub keys: Range,
    /// Velocities this region answers (DLS2 layers; DLS1 regions carry the full range).
    pub velocities: Range,
    /// `usKeyGroup`: 0 = none, else an exclusive class within the channel (hi-hat choke).
    pub key_group: u16,
    /// `F_RGN_OPTION_SELFNONEXCLUSIVE`: a re-struck key does not cut the sounding note.
    pub self_non_exclusive: bool,
    /// The wave and output channel.
    pub wave_link: WaveLink,
    /// The region's `WSMP`, overriding the wave's.
    pub sample: Option<SampleInfo>,
    /// The region's own articulation (see [`crate::articulation`] for how it combines with the
    /// instrument's).
    pub articulation: Option<Articulation>,
}

/// An instrument (a melodic program or a drum kit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instrument {
    /// Bank and program.
    pub patch: Patch,
    /// `DMUS_INSTRUMENT_GM_INSTRUMENT`: a GM-set instrument that yields to collection instruments
    /// of the same patch.
    pub gm_instrument: bool,
    /// `INAM`, when present.
    pub name: Option<String>,
    /// Regions, in file order.
    pub regions: Vec<Region>,
    /// The instrument-level (global) articulation.
    pub articulation: Option<Articulation>,
    /// Copyright string, when present.
    pub copyright: Option<String>,
}

/// Wave sample data: always signed 16-bit mono after loading (8-bit unsigned data is converted
/// with `(x - 128) << 8`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wave {
    /// Recorded sample rate in Hz.
    pub sample_rate: u32,
    /// Frames, signed 16-bit.
    pub data: Vec<i16>,
    /// The wave's own `WSMP`, if it has one.
    pub sample: Option<SampleInfo>,
    /// `INAM`, when present.
    pub name: Option<String>,
    /// Copyright string, when present.
    pub copyright: Option<String>,
}

/// `INFO` list strings of a collection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Info {
    /// `INAM`.
    pub name: Option<String>,
    /// `ICOP`.
    pub copyright: Option<String>,
    /// `ICMT`.
    pub comment: Option<String>,
    /// `ISFT`.
    pub software: Option<String>,
}

/// A whole DLS collection: what a `.dls` file holds, or what a SoundFont imports to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Collection {
    /// Instruments, in file order. Region wave ids index [`Collection::waves`].
    pub instruments: Vec<Instrument>,
    /// The wave pool.
    pub waves: Vec<Wave>,
    /// `vers`: (dwVersionMS, dwVersionLS).
    pub version: Option<(u32, u32)>,
    /// `dlid` of the collection, as 16 raw bytes in file order.
    pub dlid: Option<[u8; 16]>,
    /// Collection `INFO`.
    pub info: Info,
}
