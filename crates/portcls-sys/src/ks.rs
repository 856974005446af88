//! ks.h: the Kernel Streaming structs, enums, flags and GUIDs a PortCls miniport fills in.

use crate::com::GUID;
use crate::ntdef::{LONGLONG, ULONG};

// ---- KSSTATE ----
/// `KSSTATE` (a C enum: 4 bytes). Kept as an integer so that an unexpected value from the port is
/// not undefined behaviour.
pub type KSSTATE = i32;
/// Stopped.
pub const KSSTATE_STOP: KSSTATE = 0;
/// Resources acquired.
pub const KSSTATE_ACQUIRE: KSSTATE = 1;
/// Paused.
pub const KSSTATE_PAUSE: KSSTATE = 2;
/// Running.
pub const KSSTATE_RUN: KSSTATE = 3;

// ---- KSPIN_DATAFLOW / KSPIN_COMMUNICATION ----
/// `KSPIN_DATAFLOW` (a C enum: 4 bytes).
pub type KSPIN_DATAFLOW = i32;
/// Data flows into the filter.
pub const KSPIN_DATAFLOW_IN: KSPIN_DATAFLOW = 1;
/// Data flows out of the filter.
pub const KSPIN_DATAFLOW_OUT: KSPIN_DATAFLOW = 2;

/// `KSPIN_COMMUNICATION` (a C enum: 4 bytes).
pub type KSPIN_COMMUNICATION = i32;
/// No communication (a bridge-less physical pin).
pub const KSPIN_COMMUNICATION_NONE: KSPIN_COMMUNICATION = 0;
/// The pin is a sink (instantiable by a client).
pub const KSPIN_COMMUNICATION_SINK: KSPIN_COMMUNICATION = 1;
/// The pin is a source.
pub const KSPIN_COMMUNICATION_SOURCE: KSPIN_COMMUNICATION = 2;
/// Both sink and source.
pub const KSPIN_COMMUNICATION_BOTH: KSPIN_COMMUNICATION = 3;
/// A bridge to a physical connection.
pub const KSPIN_COMMUNICATION_BRIDGE: KSPIN_COMMUNICATION = 4;

// ---- KSPROPERTY_TYPE_* / KSMETHOD_TYPE_* / KSEVENT_TYPE_* ----
/// Get.
pub const KSPROPERTY_TYPE_GET: ULONG = 0x0000_0001;
/// Set.
pub const KSPROPERTY_TYPE_SET: ULONG = 0x0000_0002;
/// Set support.
pub const KSPROPERTY_TYPE_SETSUPPORT: ULONG = 0x0000_0100;
/// Basic support.
pub const KSPROPERTY_TYPE_BASICSUPPORT: ULONG = 0x0000_0200;
/// Relations.
pub const KSPROPERTY_TYPE_RELATIONS: ULONG = 0x0000_0400;
/// Serialize set.
pub const KSPROPERTY_TYPE_SERIALIZESET: ULONG = 0x0000_0800;
/// Unserialize set.
pub const KSPROPERTY_TYPE_UNSERIALIZESET: ULONG = 0x0000_1000;
/// Serialize raw.
pub const KSPROPERTY_TYPE_SERIALIZERAW: ULONG = 0x0000_2000;
/// Unserialize raw.
pub const KSPROPERTY_TYPE_UNSERIALIZERAW: ULONG = 0x0000_4000;
/// Serialize size.
pub const KSPROPERTY_TYPE_SERIALIZESIZE: ULONG = 0x0000_8000;
/// Default values.
pub const KSPROPERTY_TYPE_DEFAULTVALUES: ULONG = 0x0001_0000;
/// The request targets a topology node (the struct is a `KSNODEPROPERTY`).
pub const KSPROPERTY_TYPE_TOPOLOGY: ULONG = 0x1000_0000;

/// Method: none.
pub const KSMETHOD_TYPE_NONE: ULONG = 0x0000_0000;
/// Method: read.
pub const KSMETHOD_TYPE_READ: ULONG = 0x0000_0001;
/// Method: write.
pub const KSMETHOD_TYPE_WRITE: ULONG = 0x0000_0002;
/// Method: modify.
pub const KSMETHOD_TYPE_MODIFY: ULONG = 0x0000_0003;
/// Method: source.
pub const KSMETHOD_TYPE_SOURCE: ULONG = 0x0000_0004;
/// Method: send.
pub const KSMETHOD_TYPE_SEND: ULONG = 0x0000_0001;
/// Method: set support.
pub const KSMETHOD_TYPE_SETSUPPORT: ULONG = 0x0000_0100;
/// Method: basic support.
pub const KSMETHOD_TYPE_BASICSUPPORT: ULONG = 0x0000_0200;
/// Method: topology.
pub const KSMETHOD_TYPE_TOPOLOGY: ULONG = 0x1000_0000;

/// Event: enable.
pub const KSEVENT_TYPE_ENABLE: ULONG = 0x0000_0001;
/// Event: one-shot.
pub const KSEVENT_TYPE_ONESHOT: ULONG = 0x0000_0002;
/// Event: enable buffered.
pub const KSEVENT_TYPE_ENABLEBUFFERED: ULONG = 0x0000_0004;
/// Event: set support.
pub const KSEVENT_TYPE_SETSUPPORT: ULONG = 0x0000_0100;
/// Event: basic support.
pub const KSEVENT_TYPE_BASICSUPPORT: ULONG = 0x0000_0200;
/// Event: query buffer.
pub const KSEVENT_TYPE_QUERYBUFFER: ULONG = 0x0000_0400;
/// Event: topology.
pub const KSEVENT_TYPE_TOPOLOGY: ULONG = 0x1000_0000;

/// `KSFILTER_NODE`: "the filter itself, not a node" (`(ULONG)-1`).
pub const KSFILTER_NODE: ULONG = 0xFFFF_FFFF;
/// Standard input pin of a node.
pub const KSNODEPIN_STANDARD_IN: ULONG = 1;
/// Standard output pin of a node.
pub const KSNODEPIN_STANDARD_OUT: ULONG = 0;

/// `KSDATAFORMAT.Flags`: attributes follow the format.
pub const KSDATAFORMAT_ATTRIBUTES: ULONG = 0x0000_0002;
/// `KSDATAFORMAT.Flags`: temporal compression.
pub const KSDATAFORMAT_TEMPORAL_COMPRESSION: ULONG = 0x0000_0001;

// ---- structs ----
/// `KSIDENTIFIER`: in C a union of `{GUID Set; ULONG Id; ULONG Flags;}` with `LONGLONG Alignment`,
/// hence 24 bytes aligned to 8.
#[repr(C, align(8))]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct KSIDENTIFIER {
    /// The set.
    pub Set: GUID,
    /// The id within the set.
    pub Id: ULONG,
    /// `KSPROPERTY_TYPE_*` / `KSMETHOD_TYPE_*` / `KSEVENT_TYPE_*` flags.
    pub Flags: ULONG,
}

/// `KSPROPERTY`.
pub type KSPROPERTY = KSIDENTIFIER;
/// `KSMETHOD`.
pub type KSMETHOD = KSIDENTIFIER;
/// `KSEVENT`.
pub type KSEVENT = KSIDENTIFIER;
/// `KSPIN_INTERFACE`.
pub type KSPIN_INTERFACE = KSIDENTIFIER;
/// `KSPIN_MEDIUM`.
pub type KSPIN_MEDIUM = KSIDENTIFIER;
/// `PKSPROPERTY`.
pub type PKSPROPERTY = *mut KSPROPERTY;

/// `KSNODEPROPERTY`: a property addressed to a topology node.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct KSNODEPROPERTY {
    /// The property.
    pub Property: KSPROPERTY,
    /// The node.
    pub NodeId: ULONG,
    /// Reserved.
    pub Reserved: ULONG,
}

/// `KSP_PIN`: a property addressed to a pin of the filter.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct KSP_PIN {
    /// The property.
    pub Property: KSPROPERTY,
    /// The pin.
    pub PinId: ULONG,
    /// Reserved (a union with `Flags` in newer headers).
    pub Reserved: ULONG,
}

/// `KSDATAFORMAT` (= `KSDATARANGE`): 64 bytes aligned to 8 (a union with `LONGLONG Alignment` in C).
#[repr(C, align(8))]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct KSDATAFORMAT {
    /// Size of the whole format, including what follows this header.
    pub FormatSize: ULONG,
    /// `KSDATAFORMAT_*` flags.
    pub Flags: ULONG,
    /// Sample size (0 = variable).
    pub SampleSize: ULONG,
    /// Reserved, zero.
    pub Reserved: ULONG,
    /// Major format (e.g. `KSDATAFORMAT_TYPE_MUSIC`).
    pub MajorFormat: GUID,
    /// Sub format (e.g. `KSDATAFORMAT_SUBTYPE_DIRECTMUSIC`).
    pub SubFormat: GUID,
    /// Specifier (e.g. `KSDATAFORMAT_SPECIFIER_NONE`).
    pub Specifier: GUID,
}

/// `KSDATARANGE`: the same layout as `KSDATAFORMAT`.
pub type KSDATARANGE = KSDATAFORMAT;
/// `PKSDATAFORMAT`.
pub type PKSDATAFORMAT = *mut KSDATAFORMAT;
/// `PKSDATARANGE`.
pub type PKSDATARANGE = *mut KSDATARANGE;

/// The fields of `KSDATAFORMAT` without the union's 8-byte alignment: what `KSDATAFORMAT` becomes
/// inside a `#pragma pack(1)` struct such as `KSDATAFORMAT_WAVEFORMATEX` (Rust cannot put an
/// `align(8)` type inside a packed one). Not a C name.
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct KSDATAFORMAT_PACKED {
    /// See [`KSDATAFORMAT::FormatSize`].
    pub FormatSize: ULONG,
    /// See [`KSDATAFORMAT::Flags`].
    pub Flags: ULONG,
    /// See [`KSDATAFORMAT::SampleSize`].
    pub SampleSize: ULONG,
    /// See [`KSDATAFORMAT::Reserved`].
    pub Reserved: ULONG,
    /// See [`KSDATAFORMAT::MajorFormat`].
    pub MajorFormat: GUID,
    /// See [`KSDATAFORMAT::SubFormat`].
    pub SubFormat: GUID,
    /// See [`KSDATAFORMAT::Specifier`].
    pub Specifier: GUID,
}

impl From<KSDATAFORMAT> for KSDATAFORMAT_PACKED {
    fn from(f: KSDATAFORMAT) -> Self {
        Self {
            FormatSize: f.FormatSize,
            Flags: f.Flags,
            SampleSize: f.SampleSize,
            Reserved: f.Reserved,
            MajorFormat: f.MajorFormat,
            SubFormat: f.SubFormat,
            Specifier: f.Specifier,
        }
    }
}

impl From<KSDATAFORMAT_PACKED> for KSDATAFORMAT {
    fn from(f: KSDATAFORMAT_PACKED) -> Self {
        Self {
            FormatSize: f.FormatSize,
            Flags: f.Flags,
            SampleSize: f.SampleSize,
            Reserved: f.Reserved,
            MajorFormat: f.MajorFormat,
            SubFormat: f.SubFormat,
            Specifier: f.Specifier,
        }
    }
}

/// `KSTOPOLOGY_CONNECTION` (= `PCCONNECTION_DESCRIPTOR`).
#[repr(C)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct KSTOPOLOGY_CONNECTION {
    /// Source node, or `KSFILTER_NODE`.
    pub FromNode: ULONG,
    /// Source pin.
    pub FromNodePin: ULONG,
    /// Destination node, or `KSFILTER_NODE`.
    pub ToNode: ULONG,
    /// Destination pin.
    pub ToNodePin: ULONG,
}

/// The constrained-ranges half of `KSPIN_DESCRIPTOR`'s trailing union.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct KSPIN_DESCRIPTOR_CONSTRAINED {
    /// Count of constrained ranges.
    pub ConstrainedDataRangesCount: ULONG,
    /// The constrained ranges.
    pub ConstrainedDataRanges: *mut PKSDATARANGE,
}

/// `KSPIN_DESCRIPTOR`'s trailing anonymous union (16 bytes on 64-bit, 8 on 32-bit).
#[repr(C)]
#[derive(Clone, Copy)]
pub union KSPIN_DESCRIPTOR_RESERVED {
    /// Reserved, zero.
    pub Reserved: LONGLONG,
    /// Constrained data ranges.
    pub Constrained: KSPIN_DESCRIPTOR_CONSTRAINED,
}

/// `KSPIN_DESCRIPTOR` (ks.h, `_NTDDK_` flavour).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct KSPIN_DESCRIPTOR {
    /// Number of interfaces (0 = standard streaming).
    pub InterfacesCount: ULONG,
    /// Interfaces.
    pub Interfaces: *const KSPIN_INTERFACE,
    /// Number of mediums (0 = standard).
    pub MediumsCount: ULONG,
    /// Mediums.
    pub Mediums: *const KSPIN_MEDIUM,
    /// Number of data ranges.
    pub DataRangesCount: ULONG,
    /// Array of pointers to data ranges (`const PKSDATARANGE*`).
    pub DataRanges: *const PKSDATARANGE,
    /// `KSPIN_DATAFLOW_*`.
    pub DataFlow: KSPIN_DATAFLOW,
    /// `KSPIN_COMMUNICATION_*`.
    pub Communication: KSPIN_COMMUNICATION,
    /// Pin category GUID, or null.
    pub Category: *const GUID,
    /// Pin name GUID, or null.
    pub Name: *const GUID,
    /// The trailing union (`Reserved` / constrained ranges).
    pub Reserved: KSPIN_DESCRIPTOR_RESERVED,
}

// ---- GUIDs (ks.h) ----
/// KSCATEGORY_RENDER {65E8773E-8F56-11D0-A3B9-00A0C9223196}.
pub const KSCATEGORY_RENDER: GUID = GUID::from_u128(0x65E8773E_8F56_11D0_A3B9_00A0C9223196);
/// KSCATEGORY_CAPTURE {65E8773D-8F56-11D0-A3B9-00A0C9223196}.
pub const KSCATEGORY_CAPTURE: GUID = GUID::from_u128(0x65E8773D_8F56_11D0_A3B9_00A0C9223196);
/// KSCATEGORY_DATATRANSFORM {2EB07EA0-7E70-11D0-A5D6-28DB04C10000}.
pub const KSCATEGORY_DATATRANSFORM: GUID = GUID::from_u128(0x2EB07EA0_7E70_11D0_A5D6_28DB04C10000);
/// KSDATAFORMAT_SPECIFIER_NONE {0F6417D6-C318-11D0-A43F-00A0C9223196}.
pub const KSDATAFORMAT_SPECIFIER_NONE: GUID = GUID::from_u128(0x0F6417D6_C318_11D0_A43F_00A0C9223196);
/// KSDATAFORMAT_TYPE_WILDCARD (= GUID_NULL).
pub const KSDATAFORMAT_TYPE_WILDCARD: GUID = GUID::zeroed();
/// KSDATAFORMAT_SUBTYPE_WILDCARD (= GUID_NULL).
pub const KSDATAFORMAT_SUBTYPE_WILDCARD: GUID = GUID::zeroed();
/// KSDATAFORMAT_SPECIFIER_WILDCARD (= GUID_NULL).
pub const KSDATAFORMAT_SPECIFIER_WILDCARD: GUID = GUID::zeroed();
/// KSINTERFACESETID_Standard {1A8766A0-62CE-11CF-A5D6-28DB04C10000}.
pub const KSINTERFACESETID_Standard: GUID = GUID::from_u128(0x1A8766A0_62CE_11CF_A5D6_28DB04C10000);
/// KSMEDIUMSETID_Standard {4747B320-62CE-11CF-A5D6-28DB04C10000}.
pub const KSMEDIUMSETID_Standard: GUID = GUID::from_u128(0x4747B320_62CE_11CF_A5D6_28DB04C10000);
/// KSPROPSETID_Pin {8C134960-51AD-11CF-878A-94F801C10000}.
pub const KSPROPSETID_Pin: GUID = GUID::from_u128(0x8C134960_51AD_11CF_878A_94F801C10000);
/// KSPROPSETID_Topology {720D4AC0-7533-11D0-A5D6-28DB04C10000}.
pub const KSPROPSETID_Topology: GUID = GUID::from_u128(0x720D4AC0_7533_11D0_A5D6_28DB04C10000);
/// KSPROPSETID_Connection {1D58C920-AC9B-11CF-A5D6-28DB04C10000}.
pub const KSPROPSETID_Connection: GUID = GUID::from_u128(0x1D58C920_AC9B_11CF_A5D6_28DB04C10000);
/// KSPROPSETID_General {1464EDA5-6A8F-11D1-9AA7-00A0C9223196}.
pub const KSPROPSETID_General: GUID = GUID::from_u128(0x1464EDA5_6A8F_11D1_9AA7_00A0C9223196);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_and_aligned_data_formats_round_trip() {
        let format = KSDATAFORMAT {
            FormatSize: 82,
            Flags: 0,
            SampleSize: 4,
            Reserved: 0,
            MajorFormat: GUID::from_u128(1),
            SubFormat: GUID::from_u128(2),
            Specifier: GUID::from_u128(3),
        };
        assert_eq!(KSDATAFORMAT::from(KSDATAFORMAT_PACKED::from(format)), format);
    }
}
