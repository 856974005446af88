//! dls1.h, dls2.h and dmdls.h: DLS connection constants, chunk ids, flags and the download
//! format's constants. (The `#[repr(C)]` structs of these headers live in [`crate::dmdls`].)

/// Builds a RIFF FOURCC from its four characters (little-endian, as `mmioFOURCC`).
pub const fn fourcc(code: &[u8; 4]) -> u32 {
    u32::from_le_bytes(*code)
}

// ---- dls1.h sources ----
/// No source.
pub const CONN_SRC_NONE: u16 = 0x0000;
/// Modulation LFO.
pub const CONN_SRC_LFO: u16 = 0x0001;
/// Key-on velocity.
pub const CONN_SRC_KEYONVELOCITY: u16 = 0x0002;
/// Key number.
pub const CONN_SRC_KEYNUMBER: u16 = 0x0003;
/// Envelope generator 1 (volume).
pub const CONN_SRC_EG1: u16 = 0x0004;
/// Envelope generator 2 (pitch/filter).
pub const CONN_SRC_EG2: u16 = 0x0005;
/// Pitch wheel.
pub const CONN_SRC_PITCHWHEEL: u16 = 0x0006;
/// CC1 modulation wheel.
pub const CONN_SRC_CC1: u16 = 0x0081;
/// CC7 channel volume.
pub const CONN_SRC_CC7: u16 = 0x0087;
/// CC10 pan.
pub const CONN_SRC_CC10: u16 = 0x008a;
/// CC11 expression.
pub const CONN_SRC_CC11: u16 = 0x008b;
// ---- dls2.h sources ----
/// Polyphonic key pressure.
pub const CONN_SRC_POLYPRESSURE: u16 = 0x0007;
/// Channel pressure.
pub const CONN_SRC_CHANNELPRESSURE: u16 = 0x0008;
/// Vibrato LFO.
pub const CONN_SRC_VIBRATO: u16 = 0x0009;
/// Monophonic pressure.
pub const CONN_SRC_MONOPRESSURE: u16 = 0x000a;
/// CC91 reverb send.
pub const CONN_SRC_CC91: u16 = 0x00db;
/// CC93 chorus send.
pub const CONN_SRC_CC93: u16 = 0x00dd;
/// RPN0: pitch-bend range.
pub const CONN_SRC_RPN0: u16 = 0x0100;
/// RPN1: fine tune.
pub const CONN_SRC_RPN1: u16 = 0x0101;
/// RPN2: coarse tune.
pub const CONN_SRC_RPN2: u16 = 0x0102;

// ---- destinations (dls1.h, dls2.h) ----
/// No destination.
pub const CONN_DST_NONE: u16 = 0x0000;
/// Attenuation (DLS1) / gain (DLS2).
pub const CONN_DST_ATTENUATION: u16 = 0x0001;
/// Gain (DLS2 name of 0x0001).
pub const CONN_DST_GAIN: u16 = 0x0001;
/// Reserved.
pub const CONN_DST_RESERVED: u16 = 0x0002;
/// Pitch.
pub const CONN_DST_PITCH: u16 = 0x0003;
/// Pan.
pub const CONN_DST_PAN: u16 = 0x0004;
/// Key number (DLS2).
pub const CONN_DST_KEYNUMBER: u16 = 0x0005;
/// Left output.
pub const CONN_DST_LEFT: u16 = 0x0010;
/// Right output.
pub const CONN_DST_RIGHT: u16 = 0x0011;
/// Centre output.
pub const CONN_DST_CENTER: u16 = 0x0012;
/// Left rear output.
pub const CONN_DST_LEFTREAR: u16 = 0x0013;
/// Right rear output.
pub const CONN_DST_RIGHTREAR: u16 = 0x0014;
/// LFE output.
pub const CONN_DST_LFE_CHANNEL: u16 = 0x0015;
/// Chorus send.
pub const CONN_DST_CHORUS: u16 = 0x0080;
/// Reverb send.
pub const CONN_DST_REVERB: u16 = 0x0081;
/// Modulation LFO frequency.
pub const CONN_DST_LFO_FREQUENCY: u16 = 0x0104;
/// Modulation LFO start delay.
pub const CONN_DST_LFO_STARTDELAY: u16 = 0x0105;
/// Vibrato LFO frequency.
pub const CONN_DST_VIB_FREQUENCY: u16 = 0x0114;
/// Vibrato LFO start delay.
pub const CONN_DST_VIB_STARTDELAY: u16 = 0x0115;
/// EG1 attack time.
pub const CONN_DST_EG1_ATTACKTIME: u16 = 0x0206;
/// EG1 decay time.
pub const CONN_DST_EG1_DECAYTIME: u16 = 0x0207;
/// EG1 reserved.
pub const CONN_DST_EG1_RESERVED: u16 = 0x0208;
/// EG1 release time.
pub const CONN_DST_EG1_RELEASETIME: u16 = 0x0209;
/// EG1 sustain level.
pub const CONN_DST_EG1_SUSTAINLEVEL: u16 = 0x020a;
/// EG1 delay time.
pub const CONN_DST_EG1_DELAYTIME: u16 = 0x020b;
/// EG1 hold time.
pub const CONN_DST_EG1_HOLDTIME: u16 = 0x020c;
/// EG1 shutdown time.
pub const CONN_DST_EG1_SHUTDOWNTIME: u16 = 0x020d;
/// EG2 attack time.
pub const CONN_DST_EG2_ATTACKTIME: u16 = 0x030a;
/// EG2 decay time.
pub const CONN_DST_EG2_DECAYTIME: u16 = 0x030b;
/// EG2 reserved.
pub const CONN_DST_EG2_RESERVED: u16 = 0x030c;
/// EG2 release time.
pub const CONN_DST_EG2_RELEASETIME: u16 = 0x030d;
/// EG2 sustain level.
pub const CONN_DST_EG2_SUSTAINLEVEL: u16 = 0x030e;
/// EG2 delay time.
pub const CONN_DST_EG2_DELAYTIME: u16 = 0x030f;
/// EG2 hold time.
pub const CONN_DST_EG2_HOLDTIME: u16 = 0x0310;
/// Filter cutoff.
pub const CONN_DST_FILTER_CUTOFF: u16 = 0x0500;
/// Filter resonance.
pub const CONN_DST_FILTER_Q: u16 = 0x0501;

// ---- transforms ----
/// No transform.
pub const CONN_TRN_NONE: u16 = 0x0000;
/// Concave.
pub const CONN_TRN_CONCAVE: u16 = 0x0001;
/// Convex (DLS2).
pub const CONN_TRN_CONVEX: u16 = 0x0002;
/// Switch (DLS2).
pub const CONN_TRN_SWITCH: u16 = 0x0003;

// ---- flags ----
/// `MIDILOCALE.ulBank` / `ulPatch` drum bit.
pub const F_INSTRUMENT_DRUMS: u32 = 0x8000_0000;
/// `RGNHEADER.fusOptions`: a re-struck key does not cut the sounding note.
pub const F_RGN_OPTION_SELFNONEXCLUSIVE: u16 = 0x0001;
/// `WAVELINK.ulChannel` left.
pub const WAVELINK_CHANNEL_LEFT: u32 = 0x0001;
/// `WAVELINK.ulChannel` right.
pub const WAVELINK_CHANNEL_RIGHT: u32 = 0x0002;
/// `WAVELINK.fusOptions` phase master.
pub const F_WAVELINK_PHASE_MASTER: u16 = 0x0001;
/// `WAVELINK.fusOptions` multichannel (DLS2).
pub const F_WAVELINK_MULTICHANNEL: u16 = 0x0002;
/// `POOLTABLE` empty cue.
pub const POOL_CUE_NULL: u32 = 0xffff_ffff;
/// `WSMPL.fulOptions`.
pub const F_WSMP_NO_TRUNCATION: u32 = 0x0001;
/// `WSMPL.fulOptions`.
pub const F_WSMP_NO_COMPRESSION: u32 = 0x0002;
/// `WLOOP.ulType` forward.
pub const WLOOP_TYPE_FORWARD: u32 = 0;
/// `WLOOP.ulType` release (the Windows XP+ value; 2 before XP).
pub const WLOOP_TYPE_RELEASE: u32 = 1;

// ---- dmdls.h ----
/// Download type: DX6 instrument with fixed `DMUS_ARTICPARAMS`.
pub const DMUS_DOWNLOADINFO_INSTRUMENT: u32 = 1;
/// Download type: wave.
pub const DMUS_DOWNLOADINFO_WAVE: u32 = 2;
/// Download type: instrument with DLS `CONNECTIONLIST` chains.
pub const DMUS_DOWNLOADINFO_INSTRUMENT2: u32 = 3;
/// Download type: wave articulation (XP+).
pub const DMUS_DOWNLOADINFO_WAVEARTICULATION: u32 = 4;
/// Download type: streaming wave (XP+).
pub const DMUS_DOWNLOADINFO_STREAMINGWAVE: u32 = 5;
/// Download type: one-shot wave (XP+).
pub const DMUS_DOWNLOADINFO_ONESHOTWAVE: u32 = 6;
/// Default offset-table size in the header's declaration.
pub const DMUS_DEFAULT_SIZE_OFFSETTABLE: u32 = 1;
/// `DMUS_INSTRUMENT.ulFlags`: a GM-set instrument.
pub const DMUS_INSTRUMENT_GM_INSTRUMENT: u32 = 1 << 0;
/// Minimum data size in the variable-length structs.
pub const DMUS_MIN_DATA_SIZE: u32 = 4;

// ---- DLS2 cdl opcodes ----
/// `cdl` AND.
pub const DLS_CDL_AND: u16 = 0x0001;
/// `cdl` OR.
pub const DLS_CDL_OR: u16 = 0x0002;
/// `cdl` XOR.
pub const DLS_CDL_XOR: u16 = 0x0003;
/// `cdl` ADD.
pub const DLS_CDL_ADD: u16 = 0x0004;
/// `cdl` SUBTRACT.
pub const DLS_CDL_SUBTRACT: u16 = 0x0005;
/// `cdl` MULTIPLY.
pub const DLS_CDL_MULTIPLY: u16 = 0x0006;
/// `cdl` DIVIDE.
pub const DLS_CDL_DIVIDE: u16 = 0x0007;
/// `cdl` LOGICAL_AND.
pub const DLS_CDL_LOGICAL_AND: u16 = 0x0008;
/// `cdl` LOGICAL_OR.
pub const DLS_CDL_LOGICAL_OR: u16 = 0x0009;
/// `cdl` LT.
pub const DLS_CDL_LT: u16 = 0x000A;
/// `cdl` LE.
pub const DLS_CDL_LE: u16 = 0x000B;
/// `cdl` GT.
pub const DLS_CDL_GT: u16 = 0x000C;
/// `cdl` GE.
pub const DLS_CDL_GE: u16 = 0x000D;
/// `cdl` EQ.
pub const DLS_CDL_EQ: u16 = 0x000E;
/// `cdl` NOT.
pub const DLS_CDL_NOT: u16 = 0x000F;
/// `cdl` CONST.
pub const DLS_CDL_CONST: u16 = 0x0010;
/// `cdl` QUERY.
pub const DLS_CDL_QUERY: u16 = 0x0011;
/// `cdl` QUERYSUPPORTED.
pub const DLS_CDL_QUERYSUPPORTED: u16 = 0x0012;
