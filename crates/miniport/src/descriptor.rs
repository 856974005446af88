//! The filter descriptor `IMiniport::GetDescription` returns: static, read-only data that PortCls
//! keeps pointers into for the lifetime of the port.
//!
//! * Pin 0, [`PIN_MIDI`]: the DirectMusic render pin (`KSPIN_DATAFLOW_IN`, `KSPIN_COMMUNICATION_SINK`)
//!   with two `KSDATARANGE_MUSIC` ranges: `SUBTYPE_DIRECTMUSIC` (wavetable technology) and
//!   `SUBTYPE_MIDI` (so that wdmaud/winmm MIDI applications see the synth). Category
//!   `KSCATEGORY_WDMAUD_USE_PIN_NAME`, name [`PIN_NAME_GUID`] (the INF writes its friendly name).
//! * Pin 1, [`PIN_WAVE`]: the PCM wave-out pin (`KSPIN_DATAFLOW_OUT`, `KSPIN_COMMUNICATION_SOURCE`),
//!   `KSDATARANGE_AUDIO` for 16-bit PCM and 32-bit IEEE float, 1–2 channels, 8–192 kHz.
//! * Node 0: `KSNODETYPE_SYNTHESIZER` named `KSNODETYPE_DMSYNTH`, carrying every synth property.
//! * Connections: pin 0 → node 0 input (`KSNODEPIN_STANDARD_IN`), node 0 output → pin 1.
//! * Categories, in the order sysaudio and dmusic.dll expect: DATATRANSFORM, AUDIO, SYNTHESIZER.
//!
//! [`hardware_synth`] holds the other filter, the one `GetDescription` returns in
//! [`crate::SynthMode::HardwareSynth`]: the same MIDI pin with the legacy MIDI range first, no
//! wave-out pin, categories AUDIO, RENDER, SYNTHESIZER. [`filter`] picks one by mode.

use crate::properties::{PROPERTY_ITEM_COUNT, PROPERTY_ITEMS};
use core::mem::size_of;
use core::ptr::{null, null_mut};
use portcls_sys::{
    GUID, KSCATEGORY_AUDIO, KSCATEGORY_DATATRANSFORM, KSCATEGORY_SYNTHESIZER, KSCATEGORY_WDMAUD_USE_PIN_NAME,
    KSDATAFORMAT_SPECIFIER_NONE, KSDATAFORMAT_SPECIFIER_WAVEFORMATEX, KSDATAFORMAT_SUBTYPE_DIRECTMUSIC,
    KSDATAFORMAT_SUBTYPE_IEEE_FLOAT, KSDATAFORMAT_SUBTYPE_MIDI, KSDATAFORMAT_SUBTYPE_PCM,
    KSDATAFORMAT_TYPE_AUDIO, KSDATAFORMAT_TYPE_MUSIC, KSDATARANGE, KSDATARANGE_AUDIO, KSDATARANGE_MUSIC,
    KSMUSIC_TECHNOLOGY_WAVETABLE, KSNODEPIN_STANDARD_IN, KSNODEPIN_STANDARD_OUT, KSNODETYPE_DMSYNTH,
    KSNODETYPE_SYNTHESIZER, KSPIN_COMMUNICATION_SINK, KSPIN_COMMUNICATION_SOURCE, KSPIN_DATAFLOW_IN,
    KSPIN_DATAFLOW_OUT, KSPIN_DESCRIPTOR, KSPIN_DESCRIPTOR_CONSTRAINED, KSPIN_DESCRIPTOR_RESERVED,
    KSTOPOLOGY_CONNECTION, PCAUTOMATION_TABLE, PCEVENT_ITEM, PCFILTER_DESCRIPTOR, PCFILTER_NODE,
    PCMETHOD_ITEM, PCNODE_DESCRIPTOR, PCPIN_DESCRIPTOR, PCPROPERTY_ITEM, PKSDATARANGE,
};

/// The DirectMusic render pin.
pub const PIN_MIDI: u32 = 0;
/// The PCM wave-out pin.
pub const PIN_WAVE: u32 = 1;
/// The synthesizer node.
pub const NODE_SYNTH: u32 = 0;
/// Lowest wave-pin sample rate.
pub const MIN_SAMPLE_RATE: u32 = 8_000;
/// Highest wave-pin sample rate.
pub const MAX_SAMPLE_RATE: u32 = 192_000;
/// Most wave-pin channels.
pub const MAX_CHANNELS: u32 = 2;

/// The MIDI pin's name GUID {313EE4D3-ACAB-467A-9BDF-CFCE5346DAC5}; the INF stores the friendly
/// name under `MediaCategories\{this}` (`src/adapter.rs::PIN_NAME_GUID` is the same value).
pub const PIN_NAME_GUID: GUID = GUID::from_u128(0x313E_E4D3_ACAB_467A_9BDF_CFCE_5346_DAC5);

const fn music_range(subformat: GUID) -> KSDATARANGE_MUSIC {
    KSDATARANGE_MUSIC {
        DataRange: KSDATARANGE {
            FormatSize: size_of::<KSDATARANGE_MUSIC>() as u32,
            Flags: 0,
            SampleSize: 0,
            Reserved: 0,
            MajorFormat: KSDATAFORMAT_TYPE_MUSIC,
            SubFormat: subformat,
            Specifier: KSDATAFORMAT_SPECIFIER_NONE,
        },
        Technology: KSMUSIC_TECHNOLOGY_WAVETABLE,
        Channels: 0,
        Notes: 0,
        ChannelMask: 0x0000_FFFF,
    }
}

/// A PCM/float `KSDATARANGE_AUDIO` (WAVEFORMATEX specifier) of one bit depth, up to `channels`,
/// over `min_rate..=max_rate`; shared with the WaveRT capture pin (crate `wavert`).
pub const fn audio_range(
    subformat: GUID,
    bits: u32,
    channels: u32,
    min_rate: u32,
    max_rate: u32,
) -> KSDATARANGE_AUDIO {
    KSDATARANGE_AUDIO {
        DataRange: KSDATARANGE {
            FormatSize: size_of::<KSDATARANGE_AUDIO>() as u32,
            Flags: 0,
            SampleSize: 0,
            Reserved: 0,
            MajorFormat: KSDATAFORMAT_TYPE_AUDIO,
            SubFormat: subformat,
            Specifier: KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
        },
        MaximumChannels: channels,
        MinimumBitsPerSample: bits,
        MaximumBitsPerSample: bits,
        MinimumSampleFrequency: min_rate,
        MaximumSampleFrequency: max_rate,
    }
}

/// DirectMusic range of the MIDI pin.
pub static RANGE_DIRECTMUSIC: KSDATARANGE_MUSIC = music_range(KSDATAFORMAT_SUBTYPE_DIRECTMUSIC);
/// Legacy MIDI range of the MIDI pin.
pub static RANGE_MIDI: KSDATARANGE_MUSIC = music_range(KSDATAFORMAT_SUBTYPE_MIDI);
/// 16-bit PCM range of the wave pin.
pub static RANGE_PCM16: KSDATARANGE_AUDIO = audio_range(
    KSDATAFORMAT_SUBTYPE_PCM,
    16,
    MAX_CHANNELS,
    MIN_SAMPLE_RATE,
    MAX_SAMPLE_RATE,
);
/// 32-bit float range of the wave pin.
pub static RANGE_FLOAT32: KSDATARANGE_AUDIO = audio_range(
    KSDATAFORMAT_SUBTYPE_IEEE_FLOAT,
    32,
    MAX_CHANNELS,
    MIN_SAMPLE_RATE,
    MAX_SAMPLE_RATE,
);

/// A static array of data-range pointers (raw pointers are not `Sync` on their own).
#[repr(transparent)]
pub struct RangeList<const N: usize>(pub [PKSDATARANGE; N]);
// SAFETY: the pointers point at immutable statics and are only ever read.
unsafe impl<const N: usize> Sync for RangeList<N> {}

/// Ranges of the MIDI pin (both filters): DirectMusic and legacy MIDI.
pub const MIDI_PIN_RANGE_COUNT: usize = 2;

/// The MIDI pin's ranges.
pub static MIDI_RANGES: RangeList<MIDI_PIN_RANGE_COUNT> = RangeList([
    &RANGE_DIRECTMUSIC as *const KSDATARANGE_MUSIC as *mut KSDATARANGE,
    &RANGE_MIDI as *const KSDATARANGE_MUSIC as *mut KSDATARANGE,
]);
/// The wave pin's ranges.
pub static WAVE_RANGES: RangeList<2> = RangeList([
    &RANGE_PCM16 as *const KSDATARANGE_AUDIO as *mut KSDATARANGE,
    &RANGE_FLOAT32 as *const KSDATARANGE_AUDIO as *mut KSDATARANGE,
]);

const NO_CONSTRAINTS: KSPIN_DESCRIPTOR_RESERVED = KSPIN_DESCRIPTOR_RESERVED {
    Constrained: KSPIN_DESCRIPTOR_CONSTRAINED {
        ConstrainedDataRangesCount: 0,
        ConstrainedDataRanges: null_mut(),
    },
};

/// The MIDI render pin (DirectMusic/MIDI in, a sink, named by [`PIN_NAME_GUID`]) over `ranges`:
/// the classic filter lists the DirectMusic range first, the hardware-synth filter (crate `wavert`)
/// the legacy MIDI range first ([`hardware_synth`]).
pub const fn midi_pin(ranges: &'static RangeList<MIDI_PIN_RANGE_COUNT>) -> PCPIN_DESCRIPTOR {
    PCPIN_DESCRIPTOR {
        MaxGlobalInstanceCount: 64,
        MaxFilterInstanceCount: 1,
        MinFilterInstanceCount: 0,
        AutomationTable: null(),
        KsPinDescriptor: KSPIN_DESCRIPTOR {
            InterfacesCount: 0,
            Interfaces: null(),
            MediumsCount: 0,
            Mediums: null(),
            DataRangesCount: MIDI_PIN_RANGE_COUNT as u32,
            DataRanges: ranges.0.as_ptr(),
            DataFlow: KSPIN_DATAFLOW_IN,
            Communication: KSPIN_COMMUNICATION_SINK,
            Category: &KSCATEGORY_WDMAUD_USE_PIN_NAME,
            Name: &PIN_NAME_GUID,
            Reserved: NO_CONSTRAINTS,
        },
    }
}

/// Both pins. Instances: any number of filters (global 64), one pin of each per filter.
pub static PINS: [PCPIN_DESCRIPTOR; 2] = [
    midi_pin(&MIDI_RANGES),
    PCPIN_DESCRIPTOR {
        MaxGlobalInstanceCount: 64,
        MaxFilterInstanceCount: 1,
        MinFilterInstanceCount: 0,
        AutomationTable: null(),
        KsPinDescriptor: KSPIN_DESCRIPTOR {
            InterfacesCount: 0,
            Interfaces: null(),
            MediumsCount: 0,
            Mediums: null(),
            DataRangesCount: 2,
            DataRanges: WAVE_RANGES.0.as_ptr(),
            DataFlow: KSPIN_DATAFLOW_OUT,
            Communication: KSPIN_COMMUNICATION_SOURCE,
            Category: &KSCATEGORY_AUDIO,
            Name: null(),
            Reserved: NO_CONSTRAINTS,
        },
    },
];

/// The synth node's automation table: every property of [`crate::properties`].
pub static SYNTH_AUTOMATION: PCAUTOMATION_TABLE = PCAUTOMATION_TABLE {
    PropertyItemSize: size_of::<PCPROPERTY_ITEM>() as u32,
    PropertyCount: PROPERTY_ITEM_COUNT as u32,
    Properties: PROPERTY_ITEMS.as_ptr(),
    MethodItemSize: size_of::<PCMETHOD_ITEM>() as u32,
    MethodCount: 0,
    Methods: null(),
    EventItemSize: size_of::<PCEVENT_ITEM>() as u32,
    EventCount: 0,
    Events: null(),
    Reserved: 0,
};

/// The node.
pub static NODES: [PCNODE_DESCRIPTOR; 1] = [PCNODE_DESCRIPTOR {
    Flags: 0,
    AutomationTable: &SYNTH_AUTOMATION,
    Type: &KSNODETYPE_SYNTHESIZER,
    Name: &KSNODETYPE_DMSYNTH,
}];

/// Pin 0 → node in; node out → pin 1.
pub static CONNECTIONS: [KSTOPOLOGY_CONNECTION; 2] = [
    KSTOPOLOGY_CONNECTION {
        FromNode: PCFILTER_NODE,
        FromNodePin: PIN_MIDI,
        ToNode: NODE_SYNTH,
        ToNodePin: KSNODEPIN_STANDARD_IN,
    },
    KSTOPOLOGY_CONNECTION {
        FromNode: NODE_SYNTH,
        FromNodePin: KSNODEPIN_STANDARD_OUT,
        ToNode: PCFILTER_NODE,
        ToNodePin: PIN_WAVE,
    },
];

/// Filter categories, in the order sysaudio and dmusic.dll agree on.
pub static CATEGORIES: [GUID; 3] = [KSCATEGORY_DATATRANSFORM, KSCATEGORY_AUDIO, KSCATEGORY_SYNTHESIZER];

/// The filter.
pub static FILTER: PCFILTER_DESCRIPTOR = PCFILTER_DESCRIPTOR {
    Version: 0,
    AutomationTable: null(),
    PinSize: size_of::<PCPIN_DESCRIPTOR>() as u32,
    PinCount: 2,
    Pins: PINS.as_ptr(),
    NodeSize: size_of::<PCNODE_DESCRIPTOR>() as u32,
    NodeCount: 1,
    Nodes: NODES.as_ptr(),
    ConnectionCount: 2,
    Connections: CONNECTIONS.as_ptr(),
    CategoryCount: 3,
    Categories: CATEGORIES.as_ptr(),
};

/// The filter `IMiniport::GetDescription` returns in `mode`.
pub fn filter(mode: crate::SynthMode) -> &'static PCFILTER_DESCRIPTOR {
    match mode {
        crate::SynthMode::Classic => &FILTER,
        crate::SynthMode::HardwareSynth => &hardware_synth::FILTER,
    }
}

/// The DMus filter of the hardware-synth mode (issue 9, ADR 002): what `GetDescription` returns
/// when the driver renders into its own WaveRT capture endpoint instead of PortCls's wave sink.
///
/// Differences from the classic [`FILTER`]:
///
/// * **One pin**, the MIDI render pin ([`midi_pin`]), whose ranges list
///   **`KSDATAFORMAT_SUBTYPE_MIDI` first** (WDMAud and Windows MIDI Services' KS aggregate
///   transport take the first legacy MIDI range; KSA opens `{MUSIC, MIDI, NONE}` directly on the
///   filter) and the DirectMusic range second. Same name GUID and same range objects as the
///   classic pin, so the INF's friendly name and the formats agree in both modes.
/// * **No wave-out pin**: nothing on Vista+ would connect it (KMixer is gone), and WMS never opens it.
/// * **Categories AUDIO, RENDER, SYNTHESIZER**, in that order (AUDIO before RENDER "so that
///   SysAudio and DMusic.DLL will agree"; RENDER instead of DATATRANSFORM because the device has
///   its own output). KSA only watches KSCATEGORY_AUDIO interfaces.
/// * The synth node stays ([`NODES`]: all synth/DLS properties live on its automation
///   table), fed by the pin (pin 0 → node input); the node's output goes to no pin (the audio
///   leaves through the WaveRT capture endpoint, a separate subdevice).
pub mod hardware_synth {
    use super::{MIDI_PIN_RANGE_COUNT, NODES, RANGE_DIRECTMUSIC, RANGE_MIDI, RangeList, midi_pin};
    pub use super::{NODE_SYNTH, PIN_MIDI};
    use core::mem::size_of;
    use core::ptr::null;
    use portcls_sys::{
        GUID, KSCATEGORY_AUDIO, KSCATEGORY_RENDER, KSCATEGORY_SYNTHESIZER, KSDATARANGE, KSDATARANGE_MUSIC,
        KSNODEPIN_STANDARD_IN, KSTOPOLOGY_CONNECTION, PCFILTER_DESCRIPTOR, PCFILTER_NODE, PCNODE_DESCRIPTOR,
        PCPIN_DESCRIPTOR,
    };

    /// The MIDI pin's ranges, legacy MIDI first.
    pub static MIDI_RANGES: RangeList<MIDI_PIN_RANGE_COUNT> = RangeList([
        &RANGE_MIDI as *const KSDATARANGE_MUSIC as *mut KSDATARANGE,
        &RANGE_DIRECTMUSIC as *const KSDATARANGE_MUSIC as *mut KSDATARANGE,
    ]);

    /// The only pin ([`PIN_MIDI`], as in the classic filter): the classic filter's MIDI pin over
    /// the MIDI-first range list.
    pub static PINS: [PCPIN_DESCRIPTOR; 1] = [midi_pin(&MIDI_RANGES)];

    /// Pin 0 → synth node input.
    pub static CONNECTIONS: [KSTOPOLOGY_CONNECTION; 1] = [KSTOPOLOGY_CONNECTION {
        FromNode: PCFILTER_NODE,
        FromNodePin: PIN_MIDI,
        ToNode: NODE_SYNTH,
        ToNodePin: KSNODEPIN_STANDARD_IN,
    }];

    /// AUDIO, RENDER, SYNTHESIZER.
    pub static CATEGORIES: [GUID; 3] = [KSCATEGORY_AUDIO, KSCATEGORY_RENDER, KSCATEGORY_SYNTHESIZER];

    /// The hardware-synth filter.
    pub static FILTER: PCFILTER_DESCRIPTOR = PCFILTER_DESCRIPTOR {
        Version: 0,
        AutomationTable: null(),
        PinSize: size_of::<PCPIN_DESCRIPTOR>() as u32,
        PinCount: PINS.len() as u32,
        Pins: PINS.as_ptr(),
        NodeSize: size_of::<PCNODE_DESCRIPTOR>() as u32,
        NodeCount: NODES.len() as u32,
        Nodes: NODES.as_ptr(),
        ConnectionCount: CONNECTIONS.len() as u32,
        Connections: CONNECTIONS.as_ptr(),
        CategoryCount: CATEGORIES.len() as u32,
        Categories: CATEGORIES.as_ptr(),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    /// Reads the filter back through its pointers, as PortCls does.
    fn pins(filter: &PCFILTER_DESCRIPTOR) -> &[PCPIN_DESCRIPTOR] {
        // SAFETY: the descriptors point at statics of `PinCount` elements.
        unsafe { core::slice::from_raw_parts(filter.Pins, filter.PinCount as usize) }
    }

    fn ranges(pin: &PCPIN_DESCRIPTOR) -> Vec<GUID> {
        let descriptor = &pin.KsPinDescriptor;
        // SAFETY: `DataRangesCount` pointers to static ranges.
        let list = unsafe {
            core::slice::from_raw_parts(descriptor.DataRanges, descriptor.DataRangesCount as usize)
        };
        // SAFETY: each points at a static KSDATARANGE_MUSIC/AUDIO starting with a KSDATARANGE.
        list.iter().map(|&range| unsafe { (*range).SubFormat }).collect()
    }

    fn categories(filter: &PCFILTER_DESCRIPTOR) -> &[GUID] {
        // SAFETY: `CategoryCount` static GUIDs.
        unsafe { core::slice::from_raw_parts(filter.Categories, filter.CategoryCount as usize) }
    }

    #[test]
    fn hardware_synth_filter_is_one_midi_pin_midi_range_first_audio_render_synthesizer() {
        let filter = filter(crate::SynthMode::HardwareSynth);
        let pins = pins(filter);
        assert_eq!(pins.len(), 1);
        let pin = &pins[0].KsPinDescriptor;
        assert_eq!(pin.DataFlow, KSPIN_DATAFLOW_IN);
        assert_eq!(pin.Communication, KSPIN_COMMUNICATION_SINK);
        // SAFETY: static GUIDs.
        assert_eq!(unsafe { *pin.Name }, PIN_NAME_GUID);
        assert_eq!(
            ranges(&pins[0]),
            vec![KSDATAFORMAT_SUBTYPE_MIDI, KSDATAFORMAT_SUBTYPE_DIRECTMUSIC]
        );
        assert_eq!(
            categories(filter),
            &[
                KSCATEGORY_AUDIO,
                portcls_sys::KSCATEGORY_RENDER,
                KSCATEGORY_SYNTHESIZER
            ]
        );
        // The synth node (with every property) is the classic one; one connection pin → node.
        assert_eq!(filter.Nodes, NODES.as_ptr());
        assert_eq!(filter.NodeCount, 1);
        assert_eq!(filter.ConnectionCount, 1);
        // SAFETY: one static connection.
        let connection = unsafe { *filter.Connections };
        assert_eq!(
            (
                connection.FromNode,
                connection.FromNodePin,
                connection.ToNode,
                connection.ToNodePin
            ),
            (PCFILTER_NODE, PIN_MIDI, NODE_SYNTH, KSNODEPIN_STANDARD_IN)
        );
    }

    #[test]
    fn classic_filter_keeps_directmusic_first_and_the_wave_pin() {
        let filter = filter(crate::SynthMode::Classic);
        let pins = pins(filter);
        assert_eq!(pins.len(), 2);
        assert_eq!(
            ranges(&pins[0]),
            vec![KSDATAFORMAT_SUBTYPE_DIRECTMUSIC, KSDATAFORMAT_SUBTYPE_MIDI]
        );
        assert_eq!(
            ranges(&pins[1]),
            vec![KSDATAFORMAT_SUBTYPE_PCM, KSDATAFORMAT_SUBTYPE_IEEE_FLOAT]
        );
        assert_eq!(
            categories(filter),
            &[KSCATEGORY_DATATRANSFORM, KSCATEGORY_AUDIO, KSCATEGORY_SYNTHESIZER]
        );
    }

    #[test]
    fn ranges_declare_their_real_sizes() {
        assert_eq!(RANGE_DIRECTMUSIC.DataRange.FormatSize, 96);
        assert_eq!(RANGE_MIDI.DataRange.FormatSize, 96);
        assert_eq!(RANGE_PCM16.DataRange.FormatSize, 88);
        assert_eq!(RANGE_FLOAT32.DataRange.FormatSize, 88);
        assert_eq!(FILTER.PinSize as usize, size_of::<PCPIN_DESCRIPTOR>());
        assert_eq!(
            SYNTH_AUTOMATION.PropertyItemSize as usize,
            size_of::<PCPROPERTY_ITEM>()
        );
    }

    #[test]
    fn every_property_item_has_the_handler_and_a_set() {
        for item in PROPERTY_ITEMS.iter() {
            assert!(item.Handler.is_some());
            assert!(!item.Set.is_null());
            assert_ne!(item.Flags & portcls_sys::KSPROPERTY_TYPE_BASICSUPPORT, 0);
        }
    }
}
