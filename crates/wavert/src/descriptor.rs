//! The capture endpoint's two filters, as static data PortCls keeps pointers into.
//!
//! ```text
//!  TopoSynthCapture (PortTopology)           WaveSynthCapture (PortWaveRT)
//!  pin 0 endpoint ──► pin 1 bridge  ══phys══► pin 0 bridge ──► pin 1 host (SINK, 1 instance)
//!  IN/NONE, LINE_CONNECTOR,  OUT/NONE          IN/NONE          OUT/SINK: 48 kHz stereo
//!  Name = ENDPOINT_NAME_GUID ("dmksynth output")               PCM 16-bit, IEEE float 32-bit
//! ```
//!
//! * `PcRegisterPhysicalConnection(device, topology, TOPOLOGY_PIN_BRIDGE, wave, WAVE_PIN_BRIDGE)`
//!   joins them ([`PHYSICAL_CONNECTION`]); without it Windows builds no endpoint.
//! * Categories are left to PortCls (`CategoryCount = 0`): AUDIO + CAPTURE + REALTIME for the wave
//!   filter, AUDIO + TOPOLOGY for the topology filter; the INF registers the same interfaces.
//! * The endpoint pin's category is `KSNODETYPE_LINE_CONNECTOR`, the one Conduit measured to keep a
//!   custom name (a microphone category would make it a default-microphone candidate); the INF
//!   writes `HKR,MediaCategories\{ENDPOINT_NAME_GUID},Name,,"dmksynth output"`.
//! * No volume/mute nodes yet: Windows then inserts its software volume on the endpoint (the
//!   slider works, in software). Adding `KSNODETYPE_VOLUME`/`KSNODETYPE_MUTE` needs node property
//!   handlers in the kernel glue.
//! * The host pin offers IEEE float, which PortCls's default intersection handler does not do:
//!   `IMiniportWaveRT::DataRangeIntersection` must pick from [`crate::format::SampleFormat`]
//!   (same list as `NewStream` accepts) — see [`crate::format::SampleFormat::from_wave_format`].

use core::mem::size_of;
use core::ptr::{null, null_mut};
use portcls_sys::{
    GUID, KSCATEGORY_AUDIO, KSDATAFORMAT_SPECIFIER_NONE, KSDATAFORMAT_SUBTYPE_ANALOG,
    KSDATAFORMAT_SUBTYPE_IEEE_FLOAT, KSDATAFORMAT_SUBTYPE_PCM, KSDATAFORMAT_TYPE_AUDIO, KSDATARANGE,
    KSDATARANGE_AUDIO, KSNODETYPE_LINE_CONNECTOR, KSPIN_COMMUNICATION, KSPIN_COMMUNICATION_NONE,
    KSPIN_COMMUNICATION_SINK, KSPIN_DATAFLOW, KSPIN_DATAFLOW_IN, KSPIN_DATAFLOW_OUT, KSPIN_DESCRIPTOR,
    KSPIN_DESCRIPTOR_CONSTRAINED, KSPIN_DESCRIPTOR_RESERVED, KSTOPOLOGY_CONNECTION, PCFILTER_DESCRIPTOR,
    PCFILTER_NODE, PCNODE_DESCRIPTOR, PCPIN_DESCRIPTOR, PKSDATARANGE,
};

use crate::format::{CHANNELS, SAMPLE_RATE};

/// Wave filter: the bridge pin (from the topology filter).
pub const WAVE_PIN_BRIDGE: u32 = 0;
/// Wave filter: the host (capture) pin the audio engine opens.
pub const WAVE_PIN_HOST: u32 = 1;
/// Topology filter: the endpoint pin (what Windows names "dmksynth output").
pub const TOPOLOGY_PIN_ENDPOINT: u32 = 0;
/// Topology filter: the bridge pin (to the wave filter).
pub const TOPOLOGY_PIN_BRIDGE: u32 = 1;

/// Subdevice name of the wave filter (`PcRegisterSubdevice`, INF reference string).
pub const WAVE_SUBDEVICE: &str = "WaveSynthCapture";
/// Subdevice name of the topology filter.
pub const TOPOLOGY_SUBDEVICE: &str = "TopoSynthCapture";
/// The endpoint's friendly name, written by the INF under `MediaCategories\{ENDPOINT_NAME_GUID}`.
pub const ENDPOINT_NAME: &str = "dmksynth output";
/// Name GUID of the endpoint pin {F3E5C5CA-CC12-410B-9D2E-76E165BA3CF3}.
pub const ENDPOINT_NAME_GUID: GUID = GUID::from_u128(0xF3E5_C5CA_CC12_410B_9D2E_76E1_65BA_3CF3);

/// The physical connection `PcRegisterPhysicalConnection` makes: (from subdevice, pin) → (to, pin).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhysicalConnection {
    /// Source subdevice (its `PcRegisterSubdevice` name).
    pub from_subdevice: &'static str,
    /// Source pin.
    pub from_pin: u32,
    /// Sink subdevice.
    pub to_subdevice: &'static str,
    /// Sink pin.
    pub to_pin: u32,
}

/// Topology bridge out → wave bridge in.
pub const PHYSICAL_CONNECTION: PhysicalConnection = PhysicalConnection {
    from_subdevice: TOPOLOGY_SUBDEVICE,
    from_pin: TOPOLOGY_PIN_BRIDGE,
    to_subdevice: WAVE_SUBDEVICE,
    to_pin: WAVE_PIN_BRIDGE,
};

const fn audio_range(subformat: GUID, bits: u32) -> KSDATARANGE_AUDIO {
    miniport::descriptor::audio_range(subformat, bits, CHANNELS as u32, SAMPLE_RATE, SAMPLE_RATE)
}

/// Host pin: 48 kHz stereo 16-bit PCM.
pub static RANGE_PCM16: KSDATARANGE_AUDIO = audio_range(KSDATAFORMAT_SUBTYPE_PCM, 16);
/// Host pin: 48 kHz stereo 32-bit float.
pub static RANGE_FLOAT32: KSDATARANGE_AUDIO = audio_range(KSDATAFORMAT_SUBTYPE_IEEE_FLOAT, 32);
/// Bridge pins: analog audio, no specifier.
pub static RANGE_BRIDGE: KSDATARANGE = KSDATARANGE {
    FormatSize: size_of::<KSDATARANGE>() as u32,
    Flags: 0,
    SampleSize: 0,
    Reserved: 0,
    MajorFormat: KSDATAFORMAT_TYPE_AUDIO,
    SubFormat: KSDATAFORMAT_SUBTYPE_ANALOG,
    Specifier: KSDATAFORMAT_SPECIFIER_NONE,
};

/// A static array of data-range pointers: the miniport's, shared by every filter of the driver.
pub use miniport::descriptor::RangeList;

/// The host pin's ranges: float first (the engine's native format), PCM 16 second.
pub static HOST_RANGES: RangeList<2> = RangeList([
    &RANGE_FLOAT32 as *const KSDATARANGE_AUDIO as *mut KSDATARANGE,
    &RANGE_PCM16 as *const KSDATARANGE_AUDIO as *mut KSDATARANGE,
]);
/// The bridge pins' range.
pub static BRIDGE_RANGES: RangeList<1> = RangeList([&RANGE_BRIDGE as *const KSDATARANGE as *mut KSDATARANGE]);

const NO_CONSTRAINTS: KSPIN_DESCRIPTOR_RESERVED = KSPIN_DESCRIPTOR_RESERVED {
    Constrained: KSPIN_DESCRIPTOR_CONSTRAINED {
        ConstrainedDataRangesCount: 0,
        ConstrainedDataRanges: null_mut(),
    },
};

#[allow(clippy::too_many_arguments)]
const fn pin(
    instances: u32,
    ranges: &'static [PKSDATARANGE],
    flow: KSPIN_DATAFLOW,
    communication: KSPIN_COMMUNICATION,
    category: &'static GUID,
    name: *const GUID,
) -> PCPIN_DESCRIPTOR {
    PCPIN_DESCRIPTOR {
        MaxGlobalInstanceCount: instances,
        MaxFilterInstanceCount: instances,
        MinFilterInstanceCount: 0,
        AutomationTable: null(),
        KsPinDescriptor: KSPIN_DESCRIPTOR {
            InterfacesCount: 0,
            Interfaces: null(),
            MediumsCount: 0,
            Mediums: null(),
            DataRangesCount: ranges.len() as u32,
            DataRanges: ranges.as_ptr(),
            DataFlow: flow,
            Communication: communication,
            Category: category,
            Name: name,
            Reserved: NO_CONSTRAINTS,
        },
    }
}

/// Wave filter pins: bridge in (no instances: it is a connection, not a pin to open) and the
/// host capture pin (one stream; shared-mode clients are multiplexed by the audio engine).
pub static WAVE_PINS: [PCPIN_DESCRIPTOR; 2] = [
    pin(
        0,
        &BRIDGE_RANGES.0,
        KSPIN_DATAFLOW_IN,
        KSPIN_COMMUNICATION_NONE,
        &KSCATEGORY_AUDIO,
        null(),
    ),
    pin(
        1,
        &HOST_RANGES.0,
        KSPIN_DATAFLOW_OUT,
        KSPIN_COMMUNICATION_SINK,
        &KSCATEGORY_AUDIO,
        null(),
    ),
];

/// Wave filter: bridge → host.
pub static WAVE_CONNECTIONS: [KSTOPOLOGY_CONNECTION; 1] = [KSTOPOLOGY_CONNECTION {
    FromNode: PCFILTER_NODE,
    FromNodePin: WAVE_PIN_BRIDGE,
    ToNode: PCFILTER_NODE,
    ToNodePin: WAVE_PIN_HOST,
}];

/// What `IMiniportWaveRT::GetDescription` returns.
pub static WAVE_FILTER: PCFILTER_DESCRIPTOR = PCFILTER_DESCRIPTOR {
    Version: 0,
    AutomationTable: null(),
    PinSize: size_of::<PCPIN_DESCRIPTOR>() as u32,
    PinCount: 2,
    Pins: WAVE_PINS.as_ptr(),
    NodeSize: size_of::<PCNODE_DESCRIPTOR>() as u32,
    NodeCount: 0,
    Nodes: null(),
    ConnectionCount: 1,
    Connections: WAVE_CONNECTIONS.as_ptr(),
    CategoryCount: 0,
    Categories: null(),
};

/// Topology filter pins: the named endpoint (in) and the bridge (out).
pub static TOPOLOGY_PINS: [PCPIN_DESCRIPTOR; 2] = [
    pin(
        0,
        &BRIDGE_RANGES.0,
        KSPIN_DATAFLOW_IN,
        KSPIN_COMMUNICATION_NONE,
        &KSNODETYPE_LINE_CONNECTOR,
        &ENDPOINT_NAME_GUID,
    ),
    pin(
        0,
        &BRIDGE_RANGES.0,
        KSPIN_DATAFLOW_OUT,
        KSPIN_COMMUNICATION_NONE,
        &KSCATEGORY_AUDIO,
        null(),
    ),
];

/// Topology filter: endpoint → bridge.
pub static TOPOLOGY_CONNECTIONS: [KSTOPOLOGY_CONNECTION; 1] = [KSTOPOLOGY_CONNECTION {
    FromNode: PCFILTER_NODE,
    FromNodePin: TOPOLOGY_PIN_ENDPOINT,
    ToNode: PCFILTER_NODE,
    ToNodePin: TOPOLOGY_PIN_BRIDGE,
}];

/// What `IMiniportTopology::GetDescription` returns.
pub static TOPOLOGY_FILTER: PCFILTER_DESCRIPTOR = PCFILTER_DESCRIPTOR {
    Version: 0,
    AutomationTable: null(),
    PinSize: size_of::<PCPIN_DESCRIPTOR>() as u32,
    PinCount: 2,
    Pins: TOPOLOGY_PINS.as_ptr(),
    NodeSize: size_of::<PCNODE_DESCRIPTOR>() as u32,
    NodeCount: 0,
    Nodes: null(),
    ConnectionCount: 1,
    Connections: TOPOLOGY_CONNECTIONS.as_ptr(),
    CategoryCount: 0,
    Categories: null(),
};
