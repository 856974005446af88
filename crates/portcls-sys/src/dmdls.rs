//! The `#[repr(C)]` structs of dmdls.h (the DirectMusic download format) and of dls1.h/dls2.h
//! (DLS file chunks), and the `DLSID_*` GUIDs. The constants of these headers live in
//! [`crate::dls`].
//!
//! Every struct here is made of 16/32-bit fields only, so its layout is the same on every target.
//! Variable-length tails (`ulOffsetTable`, `byExtCk`, `byData`, `WLOOP`, ...) are declared with the
//! header's default length; read past them only through checked byte offsets.

use crate::com::GUID;
use crate::ksmedia::WAVEFORMATEX;
use crate::ntdef::{BYTE, DWORD, FOURCC, LONG, SHORT, ULONG, USHORT};

/// `PCENT`: pitch cents (a C `long`: 32 bits on Windows).
pub type PCENT = LONG;
/// `GCENT`: gain cents.
pub type GCENT = LONG;
/// `TCENT`: time cents.
pub type TCENT = LONG;
/// `PERCENT`: 0.1 % units (65536ths in DLS).
pub type PERCENT = LONG;

// ---- dls1.h ----
/// `DLSID`: 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DLSID {
    /// Data1.
    pub ulData1: ULONG,
    /// Data2.
    pub usData2: USHORT,
    /// Data3.
    pub usData3: USHORT,
    /// Data4.
    pub abData4: [BYTE; 8],
}

/// `DLSVERSION`: 8 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DLSVERSION {
    /// Most significant version dword.
    pub dwVersionMS: DWORD,
    /// Least significant version dword.
    pub dwVersionLS: DWORD,
}

/// `CONNECTION`: one DLS articulation connection, 12 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct CONNECTION {
    /// `CONN_SRC_*`.
    pub usSource: USHORT,
    /// `CONN_SRC_*` control.
    pub usControl: USHORT,
    /// `CONN_DST_*`.
    pub usDestination: USHORT,
    /// `CONN_TRN_*`.
    pub usTransform: USHORT,
    /// Scale (16.16 in the destination's unit).
    pub lScale: LONG,
}

/// `CONNECTIONLIST`: 8 bytes, followed by `cConnections` `CONNECTION`s.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct CONNECTIONLIST {
    /// Size of this header.
    pub cbSize: ULONG,
    /// Number of connections following.
    pub cConnections: ULONG,
}

/// `RGNRANGE`: 4 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct RGNRANGE {
    /// Low end (inclusive).
    pub usLow: USHORT,
    /// High end (inclusive).
    pub usHigh: USHORT,
}

/// `MIDILOCALE`: 8 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct MIDILOCALE {
    /// Bank (`CC0 << 8 | CC32`, plus `F_INSTRUMENT_DRUMS`).
    pub ulBank: ULONG,
    /// Program.
    pub ulInstrument: ULONG,
}

/// `RGNHEADER`: 12 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct RGNHEADER {
    /// Key range.
    pub RangeKey: RGNRANGE,
    /// Velocity range.
    pub RangeVelocity: RGNRANGE,
    /// `F_RGN_OPTION_*`.
    pub fusOptions: USHORT,
    /// Exclusive key group (0 = none).
    pub usKeyGroup: USHORT,
}

/// `INSTHEADER`: 12 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct INSTHEADER {
    /// Number of regions.
    pub cRegions: ULONG,
    /// Bank and program.
    pub Locale: MIDILOCALE,
}

/// `DLSHEADER`: 4 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DLSHEADER {
    /// Number of instruments.
    pub cInstruments: ULONG,
}

/// `WAVELINK`: 12 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct WAVELINK {
    /// `F_WAVELINK_*`.
    pub fusOptions: USHORT,
    /// Phase group.
    pub usPhaseGroup: USHORT,
    /// `WAVELINK_CHANNEL_*`.
    pub ulChannel: ULONG,
    /// Index into the pool table (or, in a download, into the offset table).
    pub ulTableIndex: ULONG,
}

/// `POOLCUE`: 4 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct POOLCUE {
    /// Offset of the wave in the wave pool.
    pub ulOffset: ULONG,
}

/// `POOLTABLE`: 8 bytes, followed by `cCues` `POOLCUE`s.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct POOLTABLE {
    /// Size of this header.
    pub cbSize: ULONG,
    /// Number of cues.
    pub cCues: ULONG,
}

/// `WSMPL` (`struct _rwsmp`): 20 bytes, followed by `cSampleLoops` `WLOOP`s.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct WSMPL {
    /// Size of this header.
    pub cbSize: ULONG,
    /// MIDI note at which the sample plays at its recorded pitch.
    pub usUnityNote: USHORT,
    /// Fine tune, cents.
    pub sFineTune: SHORT,
    /// Attenuation (gain cents; negative = louder in DLS1 sign convention).
    pub lAttenuation: LONG,
    /// `F_WSMP_*`.
    pub fulOptions: ULONG,
    /// Number of loops following.
    pub cSampleLoops: ULONG,
}

/// `WLOOP` (`struct _rloop`): 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct WLOOP {
    /// Size of this struct.
    pub cbSize: ULONG,
    /// `WLOOP_TYPE_*`.
    pub ulType: ULONG,
    /// Loop start, in samples.
    pub ulStart: ULONG,
    /// Loop length, in samples.
    pub ulLength: ULONG,
}

// ---- dmdls.h ----
/// `DMUS_DOWNLOADINFO`: 16 bytes; the head of every download buffer.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DMUS_DOWNLOADINFO {
    /// `DMUS_DOWNLOADINFO_*`.
    pub dwDLType: DWORD,
    /// Download id.
    pub dwDLId: DWORD,
    /// Entries in the offset table that follows.
    pub dwNumOffsetTableEntries: DWORD,
    /// Total size of the buffer.
    pub cbSize: DWORD,
}

/// `DMUS_OFFSETTABLE`: really `ULONG[dwNumOffsetTableEntries]`, byte offsets from the start of
/// `DMUS_DOWNLOADINFO`.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DMUS_OFFSETTABLE {
    /// The table (declared length 1).
    pub ulOffsetTable: [ULONG; 1],
}

/// `DMUS_INSTRUMENT`: 24 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DMUS_INSTRUMENT {
    /// Bank/program, `F_INSTRUMENT_DRUMS`.
    pub ulPatch: ULONG,
    /// Offset-table index of the first region.
    pub ulFirstRegionIdx: ULONG,
    /// Offset-table index of the global articulation (0 = none).
    pub ulGlobalArtIdx: ULONG,
    /// Offset-table index of the first extension chunk (0 = none).
    pub ulFirstExtCkIdx: ULONG,
    /// Offset-table index of the copyright (0 = none).
    pub ulCopyrightIdx: ULONG,
    /// `DMUS_INSTRUMENT_*`.
    pub ulFlags: ULONG,
}

/// `DMUS_REGION`: 72 bytes with its one declared loop.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DMUS_REGION {
    /// Key range.
    pub RangeKey: RGNRANGE,
    /// Velocity range.
    pub RangeVelocity: RGNRANGE,
    /// `F_RGN_OPTION_*`.
    pub fusOptions: USHORT,
    /// Exclusive key group.
    pub usKeyGroup: USHORT,
    /// Offset-table index of the region articulation (0 = none).
    pub ulRegionArtIdx: ULONG,
    /// Offset-table index of the next region (0 = last).
    pub ulNextRegionIdx: ULONG,
    /// Offset-table index of the first extension chunk (0 = none).
    pub ulFirstExtCkIdx: ULONG,
    /// The wave link.
    pub WaveLink: WAVELINK,
    /// Sample parameters.
    pub WSMP: WSMPL,
    /// Loops (more follow if `WSMP.cSampleLoops > 1`).
    pub WLOOP: [WLOOP; 1],
}

/// `DMUS_LFOPARAMS`: 24 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DMUS_LFOPARAMS {
    /// Frequency.
    pub pcFrequency: PCENT,
    /// Delay.
    pub tcDelay: TCENT,
    /// Volume scale.
    pub gcVolumeScale: GCENT,
    /// Pitch scale.
    pub pcPitchScale: PCENT,
    /// Mod wheel to volume.
    pub gcMWToVolume: GCENT,
    /// Mod wheel to pitch.
    pub pcMWToPitch: PCENT,
}

/// `DMUS_VEGPARAMS`: 24 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DMUS_VEGPARAMS {
    /// Attack.
    pub tcAttack: TCENT,
    /// Decay.
    pub tcDecay: TCENT,
    /// Sustain level.
    pub ptSustain: PERCENT,
    /// Release.
    pub tcRelease: TCENT,
    /// Velocity to attack.
    pub tcVel2Attack: TCENT,
    /// Key to decay.
    pub tcKey2Decay: TCENT,
}

/// `DMUS_PEGPARAMS`: 28 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DMUS_PEGPARAMS {
    /// Attack.
    pub tcAttack: TCENT,
    /// Decay.
    pub tcDecay: TCENT,
    /// Sustain level.
    pub ptSustain: PERCENT,
    /// Release.
    pub tcRelease: TCENT,
    /// Velocity to attack.
    pub tcVel2Attack: TCENT,
    /// Key to decay.
    pub tcKey2Decay: TCENT,
    /// Pitch range.
    pub pcRange: PCENT,
}

/// `DMUS_MSCPARAMS`: 4 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DMUS_MSCPARAMS {
    /// Default pan.
    pub ptDefaultPan: PERCENT,
}

/// `DMUS_ARTICPARAMS`: 80 bytes (download type 1 articulation).
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DMUS_ARTICPARAMS {
    /// LFO.
    pub LFO: DMUS_LFOPARAMS,
    /// Volume envelope.
    pub VolEG: DMUS_VEGPARAMS,
    /// Pitch envelope.
    pub PitchEG: DMUS_PEGPARAMS,
    /// Miscellaneous.
    pub Misc: DMUS_MSCPARAMS,
}

/// `DMUS_ARTICULATION`: 8 bytes (download type 1).
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DMUS_ARTICULATION {
    /// Offset-table index of the `DMUS_ARTICPARAMS`.
    pub ulArt1Idx: ULONG,
    /// Offset-table index of the first extension chunk.
    pub ulFirstExtCkIdx: ULONG,
}

/// `DMUS_ARTICULATION2`: 12 bytes (download type 3).
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DMUS_ARTICULATION2 {
    /// Offset-table index of the `CONNECTIONLIST`.
    pub ulArtIdx: ULONG,
    /// Offset-table index of the first extension chunk.
    pub ulFirstExtCkIdx: ULONG,
    /// Offset-table index of the next articulation (0 = last).
    pub ulNextArtIdx: ULONG,
}

/// `DMUS_EXTENSIONCHUNK`: 16 bytes as declared; `byExtCk` is really `cbSize` bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DMUS_EXTENSIONCHUNK {
    /// Bytes of data.
    pub cbSize: ULONG,
    /// Offset-table index of the next chunk.
    pub ulNextExtCkIdx: ULONG,
    /// Chunk id.
    pub ExtCkID: FOURCC,
    /// Data (declared length `DMUS_MIN_DATA_SIZE`).
    pub byExtCk: [BYTE; 4],
}

/// `DMUS_COPYRIGHT`: 8 bytes as declared.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DMUS_COPYRIGHT {
    /// Bytes of text.
    pub cbSize: ULONG,
    /// Text (declared length `DMUS_MIN_DATA_SIZE`).
    pub byCopyright: [BYTE; 4],
}

/// `DMUS_WAVEDATA`: 8 bytes as declared; `byData` is really `cbSize` bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DMUS_WAVEDATA {
    /// Bytes of sample data.
    pub cbSize: ULONG,
    /// Sample data (declared length `DMUS_MIN_DATA_SIZE`).
    pub byData: [BYTE; 4],
}

/// `DMUS_WAVE`: 32 bytes (`WAVEFORMATEX` is packed, at offset 12).
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DMUS_WAVE {
    /// Offset-table index of the first extension chunk.
    pub ulFirstExtCkIdx: ULONG,
    /// Offset-table index of the copyright.
    pub ulCopyrightIdx: ULONG,
    /// Offset-table index of the `DMUS_WAVEDATA`.
    pub ulWaveDataIdx: ULONG,
    /// The format.
    pub WaveformatEx: WAVEFORMATEX,
}

/// `DMUS_NOTERANGE`: 8 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DMUS_NOTERANGE {
    /// Low note.
    pub dwLowNote: DWORD,
    /// High note.
    pub dwHighNote: DWORD,
}

/// `DMUS_WAVEARTDL`: 20 bytes (XP+).
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DMUS_WAVEARTDL {
    /// Download id index.
    pub ulDownloadIdIdx: ULONG,
    /// Bus.
    pub ulBus: ULONG,
    /// Buffers.
    pub ulBuffers: ULONG,
    /// Master download id.
    pub ulMasterDLId: ULONG,
    /// Options.
    pub usOptions: USHORT,
}

/// `DMUS_WAVEDL`: 4 bytes (XP+).
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct DMUS_WAVEDL {
    /// Bytes of wave data.
    pub cbWaveData: ULONG,
}

// ---- DLSIDs (dls2.h) ----
/// DLSID_GMInHardware {178F2F24-C364-11D1-A760-0000F875AC12}.
pub const DLSID_GMInHardware: GUID = GUID::from_u128(0x178F2F24_C364_11D1_A760_0000F875AC12);
/// DLSID_GSInHardware {178F2F25-C364-11D1-A760-0000F875AC12}.
pub const DLSID_GSInHardware: GUID = GUID::from_u128(0x178F2F25_C364_11D1_A760_0000F875AC12);
/// DLSID_XGInHardware {178F2F26-C364-11D1-A760-0000F875AC12}.
pub const DLSID_XGInHardware: GUID = GUID::from_u128(0x178F2F26_C364_11D1_A760_0000F875AC12);
/// DLSID_SupportsDLS1 {178F2F27-C364-11D1-A760-0000F875AC12}.
pub const DLSID_SupportsDLS1: GUID = GUID::from_u128(0x178F2F27_C364_11D1_A760_0000F875AC12);
/// DLSID_SampleMemorySize {178F2F28-C364-11D1-A760-0000F875AC12}.
pub const DLSID_SampleMemorySize: GUID = GUID::from_u128(0x178F2F28_C364_11D1_A760_0000F875AC12);
/// DLSID_SupportsDLS2 {F14599E5-4689-11D2-AFA6-00AA0024D8B6}.
pub const DLSID_SupportsDLS2: GUID = GUID::from_u128(0xF14599E5_4689_11D2_AFA6_00AA0024D8B6);
/// DLSID_ManufacturersID {B03E1181-8095-11D2-A1EF-00600833DBD8}.
pub const DLSID_ManufacturersID: GUID = GUID::from_u128(0xB03E1181_8095_11D2_A1EF_00600833DBD8);
/// DLSID_ProductID {B03E1182-8095-11D2-A1EF-00600833DBD8}.
pub const DLSID_ProductID: GUID = GUID::from_u128(0xB03E1182_8095_11D2_A1EF_00600833DBD8);
/// DLSID_SamplePlaybackRate {2A91F713-A4BF-11D2-BBDF-00600833DBD8}.
pub const DLSID_SamplePlaybackRate: GUID = GUID::from_u128(0x2A91F713_A4BF_11D2_BBDF_00600833DBD8);

impl From<GUID> for DLSID {
    fn from(guid: GUID) -> Self {
        Self {
            ulData1: guid.Data1,
            usData2: guid.Data2,
            usData3: guid.Data3,
            abData4: guid.Data4,
        }
    }
}

impl From<DLSID> for GUID {
    fn from(id: DLSID) -> Self {
        GUID::new(id.ulData1, id.usData2, id.usData3, id.abData4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dlsid_and_guid_convert_losslessly() {
        let id = DLSID::from(DLSID_SupportsDLS2);
        assert_eq!(id.ulData1, 0xF14599E5);
        assert_eq!(id.abData4, [0xAF, 0xA6, 0x00, 0xAA, 0x00, 0x24, 0xD8, 0xB6]);
        assert_eq!(GUID::from(id), DLSID_SupportsDLS2);
    }
}
