//! dmusprop.h: the synth property sets (`KSPROPSETID_Synth`, `_Synth_Dls`, `_SynthClock`), their
//! structs and flags, plus the `GUID_DMUS_PROP_*` item GUIDs (WDK dmusicks.h / dmusicc.h).
//! mingw-w64 has no dmusprop.h; the values follow the WDK (Windows XP+ branch of every `#if`).

use crate::com::GUID;
use crate::ntdef::{BOOL, DWORD, HANDLE, LONG, PVOID, ULONG, WCHAR};

// ---- property sets and ids ----
/// KSPROPSETID_Synth {FEDFAE25-E46E-11D1-AACE-0000F875AC12} (the same GUID as user-mode
/// `GUID_DMUS_PROP_Volume`).
pub const KSPROPSETID_Synth: GUID = GUID::from_u128(0xFEDFAE25_E46E_11D1_AACE_0000F875AC12);
/// KSPROPSETID_Synth_Dls {D523FA2C-DEE3-11D1-A789-0000F875AC12}.
pub const KSPROPSETID_Synth_Dls: GUID = GUID::from_u128(0xD523FA2C_DEE3_11D1_A789_0000F875AC12);
/// KSPROPSETID_SynthClock {FEDFAE26-E46E-11D1-AACE-0000F875AC12}.
pub const KSPROPSETID_SynthClock: GUID = GUID::from_u128(0xFEDFAE26_E46E_11D1_AACE_0000F875AC12);
/// KSDATAFORMAT_SUBTYPE_DIRECTMUSIC {1A82F8BC-3F8B-11D2-B774-0060083316C1}.
pub const KSDATAFORMAT_SUBTYPE_DIRECTMUSIC: GUID = GUID::from_u128(0x1A82F8BC_3F8B_11D2_B774_0060083316C1);
/// KSNODETYPE_DMSYNTH {94824F88-6183-11D2-8F7A-00C04FBF8FEF}.
pub const KSNODETYPE_DMSYNTH: GUID = GUID::from_u128(0x94824F88_6183_11D2_8F7A_00C04FBF8FEF);
/// KSNODETYPE_DMSYNTH_CAPS {BCA2A2F1-93C6-11D2-BA1D-0000F875AC12}.
pub const KSNODETYPE_DMSYNTH_CAPS: GUID = GUID::from_u128(0xBCA2A2F1_93C6_11D2_BA1D_0000F875AC12);

/// `KSPROPERTY_SYNTH_VOLUME` (must be first: id 0).
pub const KSPROPERTY_SYNTH_VOLUME: ULONG = 0;
/// `KSPROPERTY_SYNTH_VOLUMEBOOST`.
pub const KSPROPERTY_SYNTH_VOLUMEBOOST: ULONG = 1;
/// `KSPROPERTY_SYNTH_CAPS`.
pub const KSPROPERTY_SYNTH_CAPS: ULONG = 2;
/// `KSPROPERTY_SYNTH_PORTPARAMETERS`.
pub const KSPROPERTY_SYNTH_PORTPARAMETERS: ULONG = 3;
/// `KSPROPERTY_SYNTH_CHANNELGROUPS`.
pub const KSPROPERTY_SYNTH_CHANNELGROUPS: ULONG = 4;
/// `KSPROPERTY_SYNTH_VOICEPRIORITY`.
pub const KSPROPERTY_SYNTH_VOICEPRIORITY: ULONG = 5;
/// `KSPROPERTY_SYNTH_LATENCYCLOCK`.
pub const KSPROPERTY_SYNTH_LATENCYCLOCK: ULONG = 6;
/// `KSPROPERTY_SYNTH_RUNNINGSTATS`.
pub const KSPROPERTY_SYNTH_RUNNINGSTATS: ULONG = 7;

/// `KSPROPERTY_SYNTH_DLS_DOWNLOAD`.
pub const KSPROPERTY_SYNTH_DLS_DOWNLOAD: ULONG = 0;
/// `KSPROPERTY_SYNTH_DLS_UNLOAD`.
pub const KSPROPERTY_SYNTH_DLS_UNLOAD: ULONG = 1;
/// `KSPROPERTY_SYNTH_DLS_COMPACT`.
pub const KSPROPERTY_SYNTH_DLS_COMPACT: ULONG = 2;
/// `KSPROPERTY_SYNTH_DLS_APPEND`.
pub const KSPROPERTY_SYNTH_DLS_APPEND: ULONG = 3;
/// `KSPROPERTY_SYNTH_DLS_WAVEFORMAT`.
pub const KSPROPERTY_SYNTH_DLS_WAVEFORMAT: ULONG = 4;

/// `KSPROPERTY_SYNTH_MASTERCLOCK` (in `KSPROPSETID_SynthClock`).
pub const KSPROPERTY_SYNTH_MASTERCLOCK: ULONG = 0;

// ---- SYNTHCAPS.Flags ----
/// Supports DLS1.
pub const SYNTH_PC_DLS: DWORD = 0x0000_0001;
/// External device.
pub const SYNTH_PC_EXTERNAL: DWORD = 0x0000_0002;
/// Software synth.
pub const SYNTH_PC_SOFTWARESYNTH: DWORD = 0x0000_0004;
/// Fixed sample memory.
pub const SYNTH_PC_MEMORYSIZEFIXED: DWORD = 0x0000_0008;
/// GM in hardware.
pub const SYNTH_PC_GMINHARDWARE: DWORD = 0x0000_0010;
/// GS in hardware.
pub const SYNTH_PC_GSINHARDWARE: DWORD = 0x0000_0020;
/// XG in hardware (XP+; 0x40 meant REVERB before XP).
pub const SYNTH_PC_XGINHARDWARE: DWORD = 0x0000_0040;
/// Supports DLS2 (XP+).
pub const SYNTH_PC_DLS2: DWORD = 0x0000_0200;
/// Reverb (XP+ value; 0x40 before XP).
pub const SYNTH_PC_REVERB: DWORD = 0x4000_0000;
/// `MemorySize`: uses system memory.
pub const SYNTH_PC_SYSTEMMEMORY: DWORD = 0x7FFF_FFFF;

// ---- SYNTH_PORTPARAMS.ValidParams ----
/// Voices valid.
pub const SYNTH_PORTPARAMS_VOICES: DWORD = 0x0000_0001;
/// Channel groups valid.
pub const SYNTH_PORTPARAMS_CHANNELGROUPS: DWORD = 0x0000_0002;
/// Audio channels valid.
pub const SYNTH_PORTPARAMS_AUDIOCHANNELS: DWORD = 0x0000_0004;
/// Sample rate valid.
pub const SYNTH_PORTPARAMS_SAMPLERATE: DWORD = 0x0000_0008;
/// Effects valid.
pub const SYNTH_PORTPARAMS_EFFECTS: DWORD = 0x0000_0020;
/// Share valid.
pub const SYNTH_PORTPARAMS_SHARE: DWORD = 0x0000_0040;

// ---- effects ----
/// No effects.
pub const SYNTH_EFFECT_NONE: DWORD = 0x0000_0000;
/// Reverb.
pub const SYNTH_EFFECT_REVERB: DWORD = 0x0000_0001;
/// Chorus.
pub const SYNTH_EFFECT_CHORUS: DWORD = 0x0000_0002;
/// Delay.
pub const SYNTH_EFFECT_DELAY: DWORD = 0x0000_0004;

// ---- SYNTH_STATS.ValidStats ----
/// Voices valid.
pub const SYNTH_STATS_VOICES: DWORD = 1 << 0;
/// Total CPU valid.
pub const SYNTH_STATS_TOTAL_CPU: DWORD = 1 << 1;
/// CPU per voice valid.
pub const SYNTH_STATS_CPU_PER_VOICE: DWORD = 1 << 2;
/// Lost notes valid.
pub const SYNTH_STATS_LOST_NOTES: DWORD = 1 << 3;
/// Peak volume valid.
pub const SYNTH_STATS_PEAK_VOLUME: DWORD = 1 << 4;
/// Free memory valid.
pub const SYNTH_STATS_FREE_MEMORY: DWORD = 1 << 5;

// ---- voice priorities ----
/// Critical.
pub const DAUD_CRITICAL_VOICE_PRIORITY: DWORD = 0xF000_0000;
/// High.
pub const DAUD_HIGH_VOICE_PRIORITY: DWORD = 0xC000_0000;
/// Standard.
pub const DAUD_STANDARD_VOICE_PRIORITY: DWORD = 0x8000_0000;
/// Low.
pub const DAUD_LOW_VOICE_PRIORITY: DWORD = 0x4000_0000;
/// Persist.
pub const DAUD_PERSIST_VOICE_PRIORITY: DWORD = 0x1000_0000;

/// `DAUD_CHANn_VOICE_PRIORITY_OFFSET`, indexed by MIDI channel 0..16 (channel 10, index 9, is highest).
pub const DAUD_CHAN_VOICE_PRIORITY_OFFSET: [DWORD; 16] = [
    0x0E, 0x0D, 0x0C, 0x0B, 0x0A, 0x09, 0x08, 0x07, 0x06, 0x0F, 0x05, 0x04, 0x03, 0x02, 0x01, 0x00,
];
/// `DAUD_CHANn_DEF_VOICE_PRIORITY` = `DAUD_STANDARD_VOICE_PRIORITY | offset`, indexed by channel 0..16.
pub const DAUD_CHAN_DEF_VOICE_PRIORITY: [DWORD; 16] = {
    let mut table = [0; 16];
    let mut channel = 0;
    while channel < 16 {
        #[allow(clippy::indexing_slicing)] // const evaluation: an out-of-range index fails the build
        {
            table[channel] = DAUD_STANDARD_VOICE_PRIORITY | DAUD_CHAN_VOICE_PRIORITY_OFFSET[channel];
        }
        channel += 1;
    }
    table
};

// ---- structs ----
/// `SYNTH_BUFFER`: the instance data of `KSPROPERTY_SYNTH_DLS_DOWNLOAD` (a user-mode buffer).
/// 16 bytes on 64-bit (pointer at 8), 8 on x86.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SYNTH_BUFFER {
    /// Size of the user buffer.
    pub BufferSize: ULONG,
    /// The user buffer (probe and lock before use).
    pub BufferAddress: PVOID,
}

/// `SYNTH_BUFFER` as a 32-bit (WOW64) process sends it to a 64-bit driver: 8 bytes, the address
/// as a 32-bit value. Not a C name; the layout of the x86 `SYNTH_BUFFER`.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SYNTH_BUFFER32 {
    /// Size of the user buffer.
    pub BufferSize: ULONG,
    /// The user buffer's 32-bit address (`PVOID32`).
    pub BufferAddress: u32,
}

/// `SYNTHDOWNLOAD`: the value of `KSPROPERTY_SYNTH_DLS_DOWNLOAD` (out) / `_UNLOAD` (in).
/// 16 bytes on 64-bit (handle at 0, `Free` at 8), 8 on x86.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SYNTHDOWNLOAD {
    /// The download handle the synth chose.
    pub DownloadHandle: HANDLE,
    /// TRUE if the caller may free its buffer now.
    pub Free: BOOL,
}

/// `SYNTHDOWNLOAD` as a 32-bit (WOW64) process sees it: 8 bytes. Not a C name; the layout of the
/// x86 `SYNTHDOWNLOAD`.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SYNTHDOWNLOAD32 {
    /// The download handle (`HANDLE32`).
    pub DownloadHandle: u32,
    /// TRUE if the caller may free its buffer now.
    pub Free: BOOL,
}

/// `SYNTHCAPS`: 296 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SYNTHCAPS {
    /// The synth's class GUID.
    pub Guid: GUID,
    /// `SYNTH_PC_*`.
    pub Flags: DWORD,
    /// Sample memory in bytes, or `SYNTH_PC_SYSTEMMEMORY`.
    pub MemorySize: DWORD,
    /// Maximum channel groups.
    pub MaxChannelGroups: DWORD,
    /// Maximum voices.
    pub MaxVoices: DWORD,
    /// Maximum audio channels.
    pub MaxAudioChannels: DWORD,
    /// `SYNTH_EFFECT_*`.
    pub EffectFlags: DWORD,
    /// Description, NUL-terminated UTF-16.
    pub Description: [WCHAR; 128],
}

/// `SYNTH_PORTPARAMS`: 28 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct SYNTH_PORTPARAMS {
    /// `SYNTH_PORTPARAMS_*`: which fields are valid.
    pub ValidParams: DWORD,
    /// Voices.
    pub Voices: DWORD,
    /// Channel groups.
    pub ChannelGroups: DWORD,
    /// Audio channels.
    pub AudioChannels: DWORD,
    /// Sample rate.
    pub SampleRate: DWORD,
    /// `SYNTH_EFFECT_*`.
    pub EffectsFlags: DWORD,
    /// Share.
    pub Share: DWORD,
}

/// `SYNTHVOICEPRIORITY_INSTANCE`: 8 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct SYNTHVOICEPRIORITY_INSTANCE {
    /// Channel group.
    pub ChannelGroup: DWORD,
    /// Channel.
    pub Channel: DWORD,
}

/// `SYNTH_STATS`: 28 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct SYNTH_STATS {
    /// `SYNTH_STATS_*`: which fields are valid.
    pub ValidStats: DWORD,
    /// Voices playing.
    pub Voices: DWORD,
    /// Total CPU, in 1/100 percent.
    pub TotalCPU: DWORD,
    /// CPU per voice, in 1/100 percent.
    pub CPUPerVoice: DWORD,
    /// Notes lost.
    pub LostNotes: DWORD,
    /// Free sample memory.
    pub FreeMemory: DWORD,
    /// Peak volume (1/100 dB).
    pub PeakVolume: LONG,
}

/// `SYNTH_REVERB_PARAMS`: 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub struct SYNTH_REVERB_PARAMS {
    /// Input gain (dB).
    pub fInGain: f32,
    /// Reverb mix (dB).
    pub fReverbMix: f32,
    /// Reverb time (ms).
    pub fReverbTime: f32,
    /// High-frequency RT ratio.
    pub fHighFreqRTRatio: f32,
}

// ---- GUID_DMUS_PROP_* (WDK dmusicks.h and user-mode dmusicc.h) ----
/// GUID_DMUS_PROP_GM_Hardware {178F2F24-C364-11D1-A760-0000F875AC12}.
pub const GUID_DMUS_PROP_GM_Hardware: GUID = GUID::from_u128(0x178F2F24_C364_11D1_A760_0000F875AC12);
/// GUID_DMUS_PROP_GS_Hardware {178F2F25-C364-11D1-A760-0000F875AC12}.
pub const GUID_DMUS_PROP_GS_Hardware: GUID = GUID::from_u128(0x178F2F25_C364_11D1_A760_0000F875AC12);
/// GUID_DMUS_PROP_XG_Hardware {178F2F26-C364-11D1-A760-0000F875AC12}.
pub const GUID_DMUS_PROP_XG_Hardware: GUID = GUID::from_u128(0x178F2F26_C364_11D1_A760_0000F875AC12);
/// GUID_DMUS_PROP_DLS1 {178F2F27-C364-11D1-A760-0000F875AC12}.
pub const GUID_DMUS_PROP_DLS1: GUID = GUID::from_u128(0x178F2F27_C364_11D1_A760_0000F875AC12);
/// GUID_DMUS_PROP_DLS2 {F14599E5-4689-11D2-AFA6-00AA0024D8B6}.
pub const GUID_DMUS_PROP_DLS2: GUID = GUID::from_u128(0xF14599E5_4689_11D2_AFA6_00AA0024D8B6);
/// GUID_DMUS_PROP_XG_Capable {6496ABA1-61B0-11D2-AFA6-00AA0024D8B6}.
pub const GUID_DMUS_PROP_XG_Capable: GUID = GUID::from_u128(0x6496ABA1_61B0_11D2_AFA6_00AA0024D8B6);
/// GUID_DMUS_PROP_GS_Capable {6496ABA2-61B0-11D2-AFA6-00AA0024D8B6}.
pub const GUID_DMUS_PROP_GS_Capable: GUID = GUID::from_u128(0x6496ABA2_61B0_11D2_AFA6_00AA0024D8B6);
/// GUID_DMUS_PROP_WavesReverb {04CB5622-32E5-11D2-AFA6-00AA0024D8B6}.
pub const GUID_DMUS_PROP_WavesReverb: GUID = GUID::from_u128(0x04CB5622_32E5_11D2_AFA6_00AA0024D8B6);
/// GUID_DMUS_PROP_Effects {CDA8D611-684A-11D2-871E-00600893B1BD}.
pub const GUID_DMUS_PROP_Effects: GUID = GUID::from_u128(0xCDA8D611_684A_11D2_871E_00600893B1BD);
/// GUID_DMUS_PROP_INSTRUMENT2 {865FD372-9F67-11D2-872A-00600893B1BD}.
pub const GUID_DMUS_PROP_INSTRUMENT2: GUID = GUID::from_u128(0x865FD372_9F67_11D2_872A_00600893B1BD);
/// GUID_DMUS_PROP_SynthSink_DSOUND {0AA97844-C877-11D1-870C-00600893B1BD}.
pub const GUID_DMUS_PROP_SynthSink_DSOUND: GUID = GUID::from_u128(0x0AA97844_C877_11D1_870C_00600893B1BD);
/// GUID_DMUS_PROP_SynthSink_WAVE {0AA97845-C877-11D1-870C-00600893B1BD}.
pub const GUID_DMUS_PROP_SynthSink_WAVE: GUID = GUID::from_u128(0x0AA97845_C877_11D1_870C_00600893B1BD);
/// GUID_DMUS_PROP_SampleMemorySize {178F2F28-C364-11D1-A760-0000F875AC12}.
pub const GUID_DMUS_PROP_SampleMemorySize: GUID = GUID::from_u128(0x178F2F28_C364_11D1_A760_0000F875AC12);
/// GUID_DMUS_PROP_MemorySize (= `GUID_DMUS_PROP_SampleMemorySize`).
pub const GUID_DMUS_PROP_MemorySize: GUID = GUID_DMUS_PROP_SampleMemorySize;
/// GUID_DMUS_PROP_SamplePlaybackRate {2A91F713-A4BF-11D2-BBDF-00600833DBD8}.
pub const GUID_DMUS_PROP_SamplePlaybackRate: GUID = GUID::from_u128(0x2A91F713_A4BF_11D2_BBDF_00600833DBD8);
/// GUID_DMUS_PROP_WriteLatency {268A0FA0-60F2-11D2-AFA6-00AA0024D8B6}.
pub const GUID_DMUS_PROP_WriteLatency: GUID = GUID::from_u128(0x268A0FA0_60F2_11D2_AFA6_00AA0024D8B6);
/// GUID_DMUS_PROP_WritePeriod {268A0FA1-60F2-11D2-AFA6-00AA0024D8B6}.
pub const GUID_DMUS_PROP_WritePeriod: GUID = GUID::from_u128(0x268A0FA1_60F2_11D2_AFA6_00AA0024D8B6);
/// GUID_DMUS_PROP_LegacyCaps {CFA7CDC2-00A1-11D2-AAD5-0000F875AC12}.
pub const GUID_DMUS_PROP_LegacyCaps: GUID = GUID::from_u128(0xCFA7CDC2_00A1_11D2_AAD5_0000F875AC12);
/// GUID_DMUS_PROP_Volume {FEDFAE25-E46E-11D1-AACE-0000F875AC12} (= `KSPROPSETID_Synth`).
pub const GUID_DMUS_PROP_Volume: GUID = GUID::from_u128(0xFEDFAE25_E46E_11D1_AACE_0000F875AC12);
/// `DMUS_VOLUME_MAX` (1/100 dB).
pub const DMUS_VOLUME_MAX: LONG = 2000;
/// `DMUS_VOLUME_MIN` (1/100 dB).
pub const DMUS_VOLUME_MIN: LONG = -20000;
