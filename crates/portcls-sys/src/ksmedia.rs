//! ksmedia.h (and the `WAVEFORMATEX` family of mmreg.h): audio and music data formats and ranges,
//! and the category/node/format GUIDs a DirectMusic synth filter advertises.

use crate::com::GUID;
use crate::ks::{KSDATAFORMAT_PACKED, KSDATARANGE};
use crate::ntdef::{DWORD, ULONG, WORD};

/// `WAVE_FORMAT_PCM`.
pub const WAVE_FORMAT_PCM: WORD = 0x0001;
/// `WAVE_FORMAT_IEEE_FLOAT`.
pub const WAVE_FORMAT_IEEE_FLOAT: WORD = 0x0003;
/// `WAVE_FORMAT_EXTENSIBLE`.
pub const WAVE_FORMAT_EXTENSIBLE: WORD = 0xFFFE;

/// `SPEAKER_FRONT_LEFT`.
pub const SPEAKER_FRONT_LEFT: DWORD = 0x1;
/// `SPEAKER_FRONT_RIGHT`.
pub const SPEAKER_FRONT_RIGHT: DWORD = 0x2;
/// `KSAUDIO_SPEAKER_STEREO`.
pub const KSAUDIO_SPEAKER_STEREO: DWORD = SPEAKER_FRONT_LEFT | SPEAKER_FRONT_RIGHT;

/// `WAVEFORMATEX`: 18 bytes, `#pragma pack(1)` (mmreg.h), so alignment 1.
#[repr(C, packed)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct WAVEFORMATEX {
    /// `WAVE_FORMAT_*`.
    pub wFormatTag: WORD,
    /// Channels.
    pub nChannels: WORD,
    /// Frames per second.
    pub nSamplesPerSec: DWORD,
    /// Bytes per second.
    pub nAvgBytesPerSec: DWORD,
    /// Bytes per frame.
    pub nBlockAlign: WORD,
    /// Bits per sample.
    pub wBitsPerSample: WORD,
    /// Size of the extra data after this struct.
    pub cbSize: WORD,
}

/// `WAVEFORMATEXTENSIBLE`'s `Samples` union.
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub union WAVEFORMATEXTENSIBLE_SAMPLES {
    /// Valid bits per sample.
    pub wValidBitsPerSample: WORD,
    /// Samples per block (compressed formats).
    pub wSamplesPerBlock: WORD,
    /// Reserved.
    pub wReserved: WORD,
}

/// `WAVEFORMATEXTENSIBLE`: 40 bytes, packed (it is declared inside mmreg.h's `pack(1)` region).
#[repr(C, packed)]
#[derive(Clone, Copy)]
pub struct WAVEFORMATEXTENSIBLE {
    /// The base format (`wFormatTag = WAVE_FORMAT_EXTENSIBLE`, `cbSize = 22`).
    pub Format: WAVEFORMATEX,
    /// Valid bits / samples per block.
    pub Samples: WAVEFORMATEXTENSIBLE_SAMPLES,
    /// `SPEAKER_*` mask.
    pub dwChannelMask: DWORD,
    /// The sub format (e.g. `KSDATAFORMAT_SUBTYPE_PCM`).
    pub SubFormat: GUID,
}

/// `KSDATAFORMAT_WAVEFORMATEX`: `#pragma pack(1)`, 82 bytes, alignment 1. This is the format the
/// wave-sink `NewStream` receives. (`DataFormat` is [`KSDATAFORMAT_PACKED`] because Rust cannot nest
/// the 8-aligned `KSDATAFORMAT` in a packed struct; the bytes are the same.)
#[repr(C, packed)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct KSDATAFORMAT_WAVEFORMATEX {
    /// The KS header.
    pub DataFormat: KSDATAFORMAT_PACKED,
    /// The wave format.
    pub WaveFormatEx: WAVEFORMATEX,
}

/// `KSDATARANGE_AUDIO`: 88 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct KSDATARANGE_AUDIO {
    /// The KS header.
    pub DataRange: KSDATARANGE,
    /// Maximum channels.
    pub MaximumChannels: ULONG,
    /// Minimum bits per sample.
    pub MinimumBitsPerSample: ULONG,
    /// Maximum bits per sample.
    pub MaximumBitsPerSample: ULONG,
    /// Minimum frames per second.
    pub MinimumSampleFrequency: ULONG,
    /// Maximum frames per second.
    pub MaximumSampleFrequency: ULONG,
}

/// `KSDATARANGE_MUSIC`: 96 bytes (92 plus tail padding to the 8-byte alignment of `KSDATARANGE`).
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct KSDATARANGE_MUSIC {
    /// The KS header.
    pub DataRange: KSDATARANGE,
    /// `KSMUSIC_TECHNOLOGY_*`.
    pub Technology: GUID,
    /// Channels.
    pub Channels: ULONG,
    /// Notes (polyphony).
    pub Notes: ULONG,
    /// Channel mask.
    pub ChannelMask: ULONG,
}

// ---- GUIDs (ksmedia.h) ----
/// KSCATEGORY_AUDIO {6994AD04-93EF-11D0-A3CC-00A0C9223196}.
pub const KSCATEGORY_AUDIO: GUID = GUID::from_u128(0x6994AD04_93EF_11D0_A3CC_00A0C9223196);
/// KSCATEGORY_TOPOLOGY {DDA54A40-1E4C-11D1-A050-405705C10000}.
pub const KSCATEGORY_TOPOLOGY: GUID = GUID::from_u128(0xDDA54A40_1E4C_11D1_A050_405705C10000);
/// KSCATEGORY_WDMAUD_USE_PIN_NAME {47A4FA20-A251-11D1-A050-0000F8004788}.
pub const KSCATEGORY_WDMAUD_USE_PIN_NAME: GUID = GUID::from_u128(0x47A4FA20_A251_11D1_A050_0000F8004788);
/// KSNODETYPE_SYNTHESIZER {DFF220F3-F70F-11D0-B917-00A0C9223196} (USB terminal 0x0713).
pub const KSNODETYPE_SYNTHESIZER: GUID = GUID::from_u128(0xDFF220F3_F70F_11D0_B917_00A0C9223196);
/// KSCATEGORY_SYNTHESIZER: the same GUID as `KSNODETYPE_SYNTHESIZER`.
pub const KSCATEGORY_SYNTHESIZER: GUID = KSNODETYPE_SYNTHESIZER;
/// KSNODETYPE_SPEAKER {DFF21CE1-F70F-11D0-B917-00A0C9223196} (USB terminal 0x0301).
pub const KSNODETYPE_SPEAKER: GUID = GUID::from_u128(0xDFF21CE1_F70F_11D0_B917_00A0C9223196);
/// KSNODETYPE_DAC {507AE360-C554-11D0-8A2B-00A0C9255AC1}.
pub const KSNODETYPE_DAC: GUID = GUID::from_u128(0x507AE360_C554_11D0_8A2B_00A0C9255AC1);
/// KSNODETYPE_SUM {DA441A60-C556-11D0-8A2B-00A0C9255AC1}.
pub const KSNODETYPE_SUM: GUID = GUID::from_u128(0xDA441A60_C556_11D0_8A2B_00A0C9255AC1);
/// KSNODETYPE_VOLUME {3A5ACC00-C557-11D0-8A2B-00A0C9255AC1}.
pub const KSNODETYPE_VOLUME: GUID = GUID::from_u128(0x3A5ACC00_C557_11D0_8A2B_00A0C9255AC1);
/// KSAUDFNAME_MIDI {185FEDF8-9905-11D1-95A9-00C04FB925D3}.
pub const KSAUDFNAME_MIDI: GUID = GUID::from_u128(0x185FEDF8_9905_11D1_95A9_00C04FB925D3);
/// KSPROPSETID_Audio {45FFAAA0-6E1B-11D0-BCF2-444553540000}.
pub const KSPROPSETID_Audio: GUID = GUID::from_u128(0x45FFAAA0_6E1B_11D0_BCF2_444553540000);
/// KSDATAFORMAT_TYPE_MUSIC {E725D360-62CC-11CF-A5D6-28DB04C10000}.
pub const KSDATAFORMAT_TYPE_MUSIC: GUID = GUID::from_u128(0xE725D360_62CC_11CF_A5D6_28DB04C10000);
/// KSDATAFORMAT_SUBTYPE_MIDI {1D262760-E957-11CF-A5D6-28DB04C10000}.
pub const KSDATAFORMAT_SUBTYPE_MIDI: GUID = GUID::from_u128(0x1D262760_E957_11CF_A5D6_28DB04C10000);
/// KSDATAFORMAT_SUBTYPE_MIDI_BUS {2CA15FA0-6CFE-11CF-A5D6-28DB04C10000}.
pub const KSDATAFORMAT_SUBTYPE_MIDI_BUS: GUID = GUID::from_u128(0x2CA15FA0_6CFE_11CF_A5D6_28DB04C10000);
/// KSMUSIC_TECHNOLOGY_PORT {86C92E60-62E8-11CF-A5D6-28DB04C10000}.
pub const KSMUSIC_TECHNOLOGY_PORT: GUID = GUID::from_u128(0x86C92E60_62E8_11CF_A5D6_28DB04C10000);
/// KSMUSIC_TECHNOLOGY_SQSYNTH {0ECF4380-62E9-11CF-A5D6-28DB04C10000}.
pub const KSMUSIC_TECHNOLOGY_SQSYNTH: GUID = GUID::from_u128(0x0ECF4380_62E9_11CF_A5D6_28DB04C10000);
/// KSMUSIC_TECHNOLOGY_FMSYNTH {252C5C80-62E9-11CF-A5D6-28DB04C10000}.
pub const KSMUSIC_TECHNOLOGY_FMSYNTH: GUID = GUID::from_u128(0x252C5C80_62E9_11CF_A5D6_28DB04C10000);
/// KSMUSIC_TECHNOLOGY_WAVETABLE {394EC7C0-62E9-11CF-A5D6-28DB04C10000}.
pub const KSMUSIC_TECHNOLOGY_WAVETABLE: GUID = GUID::from_u128(0x394EC7C0_62E9_11CF_A5D6_28DB04C10000);
/// KSMUSIC_TECHNOLOGY_SWSYNTH {37407736-3620-11D1-85D3-0000F8754380}.
pub const KSMUSIC_TECHNOLOGY_SWSYNTH: GUID = GUID::from_u128(0x37407736_3620_11D1_85D3_0000F8754380);
/// KSDATAFORMAT_TYPE_AUDIO {73647561-0000-0010-8000-00aa00389b71}.
pub const KSDATAFORMAT_TYPE_AUDIO: GUID = GUID::from_u128(0x73647561_0000_0010_8000_00AA00389B71);
/// KSDATAFORMAT_SUBTYPE_PCM {00000001-0000-0010-8000-00aa00389b71}.
pub const KSDATAFORMAT_SUBTYPE_PCM: GUID = GUID::from_u128(0x00000001_0000_0010_8000_00AA00389B71);
/// KSDATAFORMAT_SUBTYPE_IEEE_FLOAT {00000003-0000-0010-8000-00aa00389b71}.
pub const KSDATAFORMAT_SUBTYPE_IEEE_FLOAT: GUID = GUID::from_u128(0x00000003_0000_0010_8000_00AA00389B71);
/// KSDATAFORMAT_SPECIFIER_WAVEFORMATEX {05589f81-c356-11ce-bf01-00aa0055595a}.
pub const KSDATAFORMAT_SPECIFIER_WAVEFORMATEX: GUID = GUID::from_u128(0x05589F81_C356_11CE_BF01_00AA0055595A);
