//! WaveRT and topology additions (portcls.h, ksmedia.h): what a WaveRT capture endpoint and its
//! topology filter need besides the generic descriptors of [`crate::portcls`].
//!
//! Added for the hardware-synth mode (issue 9). The WaveRT vtables are not transcribed yet; the
//! GUIDs and structs here are checked against mingw by `tests/layout.rs` like the rest.

use crate::com::GUID;
use crate::ntdef::ULONGLONG;

/// `KSAUDIO_POSITION` (ksmedia.h): byte offsets in the cyclic buffer. For capture, `PlayOffset`
/// is the record position and `WriteOffset` the position up to which the client may read.
#[repr(C)]
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct KSAUDIO_POSITION {
    /// Play (capture: record) position, bytes.
    pub PlayOffset: ULONGLONG,
    /// Write (capture: readable-up-to) position, bytes.
    pub WriteOffset: ULONGLONG,
}

/// Pointer to [`KSAUDIO_POSITION`].
pub type PKSAUDIO_POSITION = *mut KSAUDIO_POSITION;

// ---- GUIDs (ksmedia.h) ----
/// KSDATAFORMAT_SUBTYPE_ANALOG {6DBA3190-67BD-11CF-A0F7-0020AFD156E4}: bridge pin ranges.
pub const KSDATAFORMAT_SUBTYPE_ANALOG: GUID = GUID::from_u128(0x6DBA3190_67BD_11CF_A0F7_0020AFD156E4);
/// KSNODETYPE_LINE_CONNECTOR {DFF21FE3-F70F-11D0-B917-00A0C9223196}: endpoint pin category.
pub const KSNODETYPE_LINE_CONNECTOR: GUID = GUID::from_u128(0xDFF21FE3_F70F_11D0_B917_00A0C9223196);
/// KSNODETYPE_MUTE {02B223C0-C557-11D0-8A2B-00A0C9255AC1}.
pub const KSNODETYPE_MUTE: GUID = GUID::from_u128(0x02B223C0_C557_11D0_8A2B_00A0C9255AC1);
/// KSCATEGORY_REALTIME {EB115FFC-10C8-4964-831D-6DCB02E6F23F}: WaveRT filter interface category.
pub const KSCATEGORY_REALTIME: GUID = GUID::from_u128(0xEB115FFC_10C8_4964_831D_6DCB02E6F23F);
/// KSPROPSETID_RtAudio {A855A48C-2F78-4729-9051-1968746B9EEF}.
pub const KSPROPSETID_RtAudio: GUID = GUID::from_u128(0xA855A48C_2F78_4729_9051_1968746B9EEF);

// ---- GUIDs (portcls.h) ----
/// CLSID_PortWaveRT {CC9BE57A-EB9E-42B4-94FC-0CAD3DBCE7FA}: `PcNewPort` class of the WaveRT port.
pub const CLSID_PortWaveRT: GUID = GUID::from_u128(0xCC9BE57A_EB9E_42B4_94FC_0CAD3DBCE7FA);
/// IID_IPortWaveRT {339FF909-68A9-4310-B09B-274E96EE4CBD}.
pub const IID_IPortWaveRT: GUID = GUID::from_u128(0x339FF909_68A9_4310_B09B_274E96EE4CBD);
/// IID_IPortWaveRTStream {1809CE5A-64BC-4E62-BD7D-95BCE43DE393}.
pub const IID_IPortWaveRTStream: GUID = GUID::from_u128(0x1809CE5A_64BC_4E62_BD7D_95BCE43DE393);
/// IID_IMiniportWaveRTStream {000AC9AB-FAAB-4F3D-9455-6FF8306A74A0}.
pub const IID_IMiniportWaveRTStream: GUID = GUID::from_u128(0x000AC9AB_FAAB_4F3D_9455_6FF8306A74A0);
/// IID_IMiniportWaveRTStreamNotification {23759128-96F1-423B-AB4D-81635BCF8CA1}.
pub const IID_IMiniportWaveRTStreamNotification: GUID =
    GUID::from_u128(0x23759128_96F1_423B_AB4D_81635BCF8CA1);
/// IID_IMiniportWaveRT {0F9FC4D6-6061-4F3C-B1FC-075E35F7960A}.
pub const IID_IMiniportWaveRT: GUID = GUID::from_u128(0x0F9FC4D6_6061_4F3C_B1FC_075E35F7960A);
