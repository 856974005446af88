//! The capture endpoint's filters, read back through their pointers as PortCls reads them. (The
//! hardware-synth DMus filter lives and is tested in `miniport::descriptor::hardware_synth`.)
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs,
    clippy::undocumented_unsafe_blocks
)]

use std::mem::size_of;

use ::wavert::descriptor::*;
use portcls_sys::*;

fn pins(filter: &PCFILTER_DESCRIPTOR) -> &[PCPIN_DESCRIPTOR] {
    assert_eq!(filter.PinSize as usize, size_of::<PCPIN_DESCRIPTOR>());
    unsafe { std::slice::from_raw_parts(filter.Pins, filter.PinCount as usize) }
}

fn ranges(pin: &PCPIN_DESCRIPTOR) -> Vec<&KSDATARANGE> {
    let list = unsafe {
        std::slice::from_raw_parts(
            pin.KsPinDescriptor.DataRanges,
            pin.KsPinDescriptor.DataRangesCount as usize,
        )
    };
    list.iter().map(|&p| unsafe { &*p }).collect()
}

fn connections(filter: &PCFILTER_DESCRIPTOR) -> &[KSTOPOLOGY_CONNECTION] {
    unsafe { std::slice::from_raw_parts(filter.Connections, filter.ConnectionCount as usize) }
}

fn audio_range(range: &KSDATARANGE) -> KSDATARANGE_AUDIO {
    assert_eq!(range.FormatSize as usize, size_of::<KSDATARANGE_AUDIO>());
    unsafe { *(range as *const KSDATARANGE).cast::<KSDATARANGE_AUDIO>() }
}

#[test]
fn wave_filter_has_a_bridge_in_and_a_48k_stereo_host_capture_pin() {
    let pins = pins(&WAVE_FILTER);
    assert_eq!(pins.len(), 2);
    let bridge = &pins[WAVE_PIN_BRIDGE as usize];
    assert_eq!(bridge.KsPinDescriptor.DataFlow, KSPIN_DATAFLOW_IN);
    assert_eq!(bridge.KsPinDescriptor.Communication, KSPIN_COMMUNICATION_NONE);
    let bridge_ranges = ranges(bridge);
    assert_eq!(bridge_ranges.len(), 1);
    assert_eq!(bridge_ranges[0].SubFormat, KSDATAFORMAT_SUBTYPE_ANALOG);
    assert_eq!(bridge_ranges[0].Specifier, KSDATAFORMAT_SPECIFIER_NONE);
    assert_eq!(bridge_ranges[0].FormatSize as usize, size_of::<KSDATARANGE>());

    let host = &pins[WAVE_PIN_HOST as usize];
    assert_eq!(host.KsPinDescriptor.DataFlow, KSPIN_DATAFLOW_OUT);
    assert_eq!(host.KsPinDescriptor.Communication, KSPIN_COMMUNICATION_SINK);
    assert_eq!(unsafe { *host.KsPinDescriptor.Category }, KSCATEGORY_AUDIO);
    assert_eq!((host.MaxGlobalInstanceCount, host.MaxFilterInstanceCount), (1, 1));
    let formats: Vec<(GUID, u32)> = ranges(host)
        .into_iter()
        .map(|r| {
            let audio = audio_range(r);
            assert_eq!(audio.DataRange.MajorFormat, KSDATAFORMAT_TYPE_AUDIO);
            assert_eq!(audio.DataRange.Specifier, KSDATAFORMAT_SPECIFIER_WAVEFORMATEX);
            assert_eq!(audio.MaximumChannels, 2);
            assert_eq!(
                (audio.MinimumSampleFrequency, audio.MaximumSampleFrequency),
                (48_000, 48_000)
            );
            assert_eq!(audio.MinimumBitsPerSample, audio.MaximumBitsPerSample);
            (audio.DataRange.SubFormat, audio.MinimumBitsPerSample)
        })
        .collect();
    assert_eq!(
        formats,
        vec![
            (KSDATAFORMAT_SUBTYPE_IEEE_FLOAT, 32),
            (KSDATAFORMAT_SUBTYPE_PCM, 16)
        ]
    );
    // Bridge → host, through no node; PortCls supplies the categories.
    assert_eq!(WAVE_FILTER.NodeCount, 0);
    assert_eq!(WAVE_FILTER.CategoryCount, 0);
    let c = connections(&WAVE_FILTER);
    assert_eq!(c.len(), 1);
    assert_eq!(
        (c[0].FromNode, c[0].FromNodePin, c[0].ToNode, c[0].ToNodePin),
        (PCFILTER_NODE, WAVE_PIN_BRIDGE, PCFILTER_NODE, WAVE_PIN_HOST)
    );
}

#[test]
fn topology_filter_names_the_endpoint_and_bridges_to_the_wave_filter() {
    let pins = pins(&TOPOLOGY_FILTER);
    assert_eq!(pins.len(), 2);
    let endpoint = &pins[TOPOLOGY_PIN_ENDPOINT as usize].KsPinDescriptor;
    assert_eq!(endpoint.DataFlow, KSPIN_DATAFLOW_IN);
    assert_eq!(unsafe { *endpoint.Category }, KSNODETYPE_LINE_CONNECTOR);
    assert_eq!(unsafe { *endpoint.Name }, ENDPOINT_NAME_GUID);
    let bridge = &pins[TOPOLOGY_PIN_BRIDGE as usize].KsPinDescriptor;
    assert_eq!(bridge.DataFlow, KSPIN_DATAFLOW_OUT);
    assert!(bridge.Name.is_null());
    for pin in pins {
        assert_eq!(pin.KsPinDescriptor.Communication, KSPIN_COMMUNICATION_NONE);
        assert_eq!(ranges(pin)[0].SubFormat, KSDATAFORMAT_SUBTYPE_ANALOG);
    }
    let c = connections(&TOPOLOGY_FILTER);
    assert_eq!(
        (c[0].FromNode, c[0].FromNodePin, c[0].ToNode, c[0].ToNodePin),
        (
            PCFILTER_NODE,
            TOPOLOGY_PIN_ENDPOINT,
            PCFILTER_NODE,
            TOPOLOGY_PIN_BRIDGE
        )
    );
    // The physical connection goes from the topology's OUT bridge to the wave filter's IN bridge.
    assert_eq!(PHYSICAL_CONNECTION.from_subdevice, TOPOLOGY_SUBDEVICE);
    assert_eq!(PHYSICAL_CONNECTION.to_subdevice, WAVE_SUBDEVICE);
    let from = &pins[PHYSICAL_CONNECTION.from_pin as usize].KsPinDescriptor;
    let to = &self::pins(&WAVE_FILTER)[PHYSICAL_CONNECTION.to_pin as usize].KsPinDescriptor;
    assert_eq!(
        (from.DataFlow, to.DataFlow),
        (KSPIN_DATAFLOW_OUT, KSPIN_DATAFLOW_IN)
    );
    assert_eq!(ENDPOINT_NAME, "dmksynth output");
}
