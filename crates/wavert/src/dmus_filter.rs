//! The DMus filter of the hardware-synth mode: what `IMiniportDMus::GetDescription` must return
//! when the driver renders into its own capture endpoint instead of PortCls's wave sink.
//!
//! Differences from the classic filter (`crates/miniport/src/descriptor.rs`):
//!
//! * **One pin**, the MIDI render pin (`KSPIN_DATAFLOW_IN`, `KSPIN_COMMUNICATION_SINK`), whose
//!   ranges list **`KSDATAFORMAT_SUBTYPE_MIDI` first** (WDMAud and Windows MIDI Services' KS
//!   aggregate transport take the first legacy MIDI range; KSA opens `{MUSIC, MIDI, NONE}` directly
//!   on the filter) and the DirectMusic range second.
//! * **No wave-out pin**: nothing on Vista+ would connect it (KMixer is gone), and WMS never opens it.
//! * **Categories AUDIO, RENDER, SYNTHESIZER**, in that order (AUDIO before RENDER "so that SysAudio
//!   and DMusic.DLL will agree"; RENDER instead of DATATRANSFORM because the device has its own
//!   output). KSA only watches KSCATEGORY_AUDIO interfaces.
//! * The synth node stays (all synth/DLS properties live on its automation table), fed by the pin:
//!   connection pin 0 → node input; the node's output goes to no pin (the audio leaves through
//!   the WaveRT capture endpoint, a separate subdevice).
//!
//! The node table belongs to the miniport (its automation table holds the property handlers), so
//! the filter is assembled by [`hardware_synth_filter`] from the miniport's node array.

use core::mem::size_of;
use core::ptr::null;
use portcls_sys::{
    GUID, KSCATEGORY_AUDIO, KSCATEGORY_RENDER, KSCATEGORY_SYNTHESIZER, KSDATARANGE, KSDATARANGE_MUSIC,
    KSNODEPIN_STANDARD_IN, KSTOPOLOGY_CONNECTION, PCFILTER_DESCRIPTOR, PCFILTER_NODE, PCNODE_DESCRIPTOR,
    PCPIN_DESCRIPTOR,
};

use crate::descriptor::RangeList;

/// The MIDI render pin.
pub const PIN_MIDI: u32 = 0;
/// The synth node (index into the miniport's node array).
pub const NODE_SYNTH: u32 = 0;

/// The MIDI pin's name GUID and ranges are the classic filter's, so the INF's friendly name and
/// the formats agree in both modes; only the order of the ranges differs.
pub use miniport::descriptor::{PIN_NAME_GUID, RANGE_DIRECTMUSIC, RANGE_MIDI};

/// The MIDI pin's ranges, MIDI first.
pub static MIDI_RANGES: RangeList<2> = RangeList([
    &RANGE_MIDI as *const KSDATARANGE_MUSIC as *mut KSDATARANGE,
    &RANGE_DIRECTMUSIC as *const KSDATARANGE_MUSIC as *mut KSDATARANGE,
]);

/// The only pin: the classic filter's MIDI pin over the MIDI-first range list.
pub static PINS: [PCPIN_DESCRIPTOR; 1] = [miniport::descriptor::midi_pin(&MIDI_RANGES)];

/// Pin 0 → synth node input.
pub static CONNECTIONS: [KSTOPOLOGY_CONNECTION; 1] = [KSTOPOLOGY_CONNECTION {
    FromNode: PCFILTER_NODE,
    FromNodePin: PIN_MIDI,
    ToNode: NODE_SYNTH,
    ToNodePin: KSNODEPIN_STANDARD_IN,
}];

/// AUDIO, RENDER, SYNTHESIZER.
pub static CATEGORIES: [GUID; 3] = [KSCATEGORY_AUDIO, KSCATEGORY_RENDER, KSCATEGORY_SYNTHESIZER];

/// The hardware-synth filter over the miniport's one-element node array (the synth node with its
/// automation table). Usable in a `static` initializer:
/// `static HW: PCFILTER_DESCRIPTOR = wavert::dmus_filter::hardware_synth_filter(NODES.as_ptr());`
pub const fn hardware_synth_filter(synth_node: *const PCNODE_DESCRIPTOR) -> PCFILTER_DESCRIPTOR {
    PCFILTER_DESCRIPTOR {
        Version: 0,
        AutomationTable: null(),
        PinSize: size_of::<PCPIN_DESCRIPTOR>() as u32,
        PinCount: 1,
        Pins: PINS.as_ptr(),
        NodeSize: size_of::<PCNODE_DESCRIPTOR>() as u32,
        NodeCount: 1,
        Nodes: synth_node,
        ConnectionCount: 1,
        Connections: CONNECTIONS.as_ptr(),
        CategoryCount: 3,
        Categories: CATEGORIES.as_ptr(),
    }
}
