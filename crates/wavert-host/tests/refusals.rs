//! What the miniports refuse, with the exact NTSTATUS, through their vtables: formats in
//! `DataRangeIntersection`, `NewStream` and `SetFormat`; buffers; events; registers; interfaces.
//! And what they answer: descriptors, intersection size negotiation, latency.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    missing_docs
)]

use portcls_host::harness::{query_interface, release};
use portcls_sys::{
    GUID, IID_IMiniportWaveRTStream, IID_IPortWaveRT, KSDATAFORMAT_SUBTYPE_IEEE_FLOAT,
    KSDATAFORMAT_SUBTYPE_PCM, KSDATAFORMAT_SUBTYPE_WILDCARD, KSDATAFORMAT_WAVEFORMATEX, KSDATARANGE,
    KSRTAUDIO_HWLATENCY, MmCached, NTSTATUS, STATUS_BUFFER_OVERFLOW, STATUS_BUFFER_TOO_SMALL,
    STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, STATUS_NOT_FOUND,
    STATUS_NOT_IMPLEMENTED, STATUS_NOT_SUPPORTED, STATUS_SUCCESS, STATUS_UNSUCCESSFUL,
};
use std::ptr::null_mut;
use wavert::PumpConfig;
use wavert::descriptor::{RANGE_BRIDGE, RANGE_FLOAT32, RANGE_PCM16, TOPOLOGY_FILTER, WAVE_FILTER};
use wavert::error::STATUS_NO_MATCH;
use wavert::format::SampleFormat;
use wavert_host::host::{as_bytes, client_range, format_bytes};
use wavert_host::port::Faults;
use wavert_host::synths::Counter;
use wavert_host::{Failed, WaveRtHost};

fn host() -> WaveRtHost<Counter> {
    WaveRtHost::create(Counter::new(SampleFormat::Float32), PumpConfig::default(), 1_000).unwrap()
}

fn status<T>(result: Result<T, Failed>) -> NTSTATUS {
    match result {
        Ok(_) => STATUS_SUCCESS,
        Err(failed) => failed.status,
    }
}

fn range_ptr<T>(range: &'static T) -> *const KSDATARANGE {
    (range as *const T).cast()
}

fn with_wave(format: SampleFormat, edit: impl FnOnce(&mut KSDATAFORMAT_WAVEFORMATEX)) -> Vec<u8> {
    let mut value = format.ks_format();
    edit(&mut value);
    as_bytes(&value).to_vec()
}

/// `KSDATAFORMAT_WAVEFORMATEXTENSIBLE` bytes for `subformat` (`cb_size` in the WAVEFORMATEX).
fn extensible(format: SampleFormat, subformat: GUID, cb_size: u16) -> Vec<u8> {
    let mut bytes = with_wave(format, |wave| {
        wave.WaveFormatEx.wFormatTag = 0xFFFE;
        wave.WaveFormatEx.cbSize = cb_size;
        wave.DataFormat.FormatSize = 104;
    });
    bytes.extend_from_slice(&format.bits().to_le_bytes()); // wValidBitsPerSample
    bytes.extend_from_slice(&3u32.to_le_bytes()); // SPEAKER_FRONT_LEFT | SPEAKER_FRONT_RIGHT
    bytes.extend_from_slice(as_bytes(&subformat));
    assert_eq!(bytes.len(), 104);
    bytes
}

#[test]
fn descriptors_and_intersection() {
    let host = host();
    assert!(std::ptr::eq(host.description(true).unwrap(), &WAVE_FILTER));
    assert!(std::ptr::eq(host.description(false).unwrap(), &TOPOLOGY_FILTER));
    // The audio engine's wide range against each of our ranges: the format NewStream accepts.
    let wide = client_range(KSDATAFORMAT_SUBTYPE_WILDCARD, 8, (8, 32), (8_000, 192_000));
    for (ours, format) in [
        (range_ptr(&RANGE_FLOAT32), SampleFormat::Float32),
        (range_ptr(&RANGE_PCM16), SampleFormat::Pcm16),
    ] {
        let result = host.intersect(true, 1, &wide, ours).unwrap();
        assert_eq!(result, format_bytes(format));
    }
    // Short output buffer; no match; bridge pin and topology left to PortCls; malformed.
    let mut written = 0u32;
    let mut small = [0u8; 81];
    let vtable = {
        // SAFETY: the host's live miniport.
        unsafe { &*(*host.wave()).lpVtbl }
    };
    // SAFETY: live miniport; valid ranges; `small` writable for 81 bytes.
    let short = unsafe {
        (vtable.DataRangeIntersection)(
            host.wave(),
            1,
            wide.as_ptr().cast_mut().cast(),
            range_ptr(&RANGE_PCM16).cast_mut(),
            81,
            small.as_mut_ptr().cast(),
            &mut written,
        )
    };
    assert_eq!((short, written), (STATUS_BUFFER_TOO_SMALL, 82));
    let mono = client_range(KSDATAFORMAT_SUBTYPE_PCM, 1, (16, 16), (48_000, 48_000));
    assert_eq!(
        status(host.intersect(true, 1, &mono, range_ptr(&RANGE_PCM16))),
        STATUS_NO_MATCH
    );
    let rate = client_range(KSDATAFORMAT_SUBTYPE_IEEE_FLOAT, 2, (32, 32), (44_100, 44_100));
    assert_eq!(
        status(host.intersect(true, 1, &rate, range_ptr(&RANGE_FLOAT32))),
        STATUS_NO_MATCH
    );
    let float_only = client_range(KSDATAFORMAT_SUBTYPE_IEEE_FLOAT, 2, (32, 32), (48_000, 48_000));
    assert_eq!(
        status(host.intersect(true, 1, &float_only, range_ptr(&RANGE_PCM16))),
        STATUS_NO_MATCH
    );
    let bridge = as_bytes(&RANGE_BRIDGE).to_vec();
    assert_eq!(
        status(host.intersect(true, 0, &bridge, range_ptr(&RANGE_BRIDGE))),
        STATUS_NOT_IMPLEMENTED
    );
    assert_eq!(
        status(host.intersect(false, 0, &bridge, range_ptr(&RANGE_BRIDGE))),
        STATUS_NOT_IMPLEMENTED
    );
    let mut truncated = wide.clone();
    truncated[0..4].copy_from_slice(&40u32.to_le_bytes());
    assert_eq!(
        status(host.intersect(true, 1, &truncated, range_ptr(&RANGE_PCM16))),
        STATUS_INVALID_PARAMETER
    );
    // A bare KSDATARANGE (no audio tail) with our subformat gets our format.
    let bare = as_bytes(&KSDATARANGE {
        FormatSize: 64,
        ..RANGE_PCM16.DataRange
    })
    .to_vec();
    assert_eq!(
        host.intersect(true, 1, &bare, range_ptr(&RANGE_PCM16)).unwrap(),
        format_bytes(SampleFormat::Pcm16)
    );
    // The size query alone, as the port sends it first.
    let mut size = 0u32;
    // SAFETY: live miniport; valid ranges; no output buffer with length 0.
    let query_status = unsafe {
        (vtable.DataRangeIntersection)(
            host.wave(),
            1,
            wide.as_ptr().cast_mut().cast(),
            range_ptr(&RANGE_FLOAT32).cast_mut(),
            0,
            null_mut(),
            &mut size,
        )
    };
    assert_eq!((query_status, size), (STATUS_BUFFER_OVERFLOW, 82));
    host.teardown();
}

#[test]
fn new_stream_refuses_what_it_cannot_capture() {
    let mut host = host();
    let pcm = SampleFormat::Pcm16;
    let refusals: Vec<(&str, u32, bool, Vec<u8>, NTSTATUS)> = vec![
        (
            "mono",
            1,
            true,
            with_wave(pcm, |w| {
                w.WaveFormatEx.nChannels = 1;
                w.WaveFormatEx.nBlockAlign = 2;
                w.WaveFormatEx.nAvgBytesPerSec = 96_000;
            }),
            STATUS_NOT_SUPPORTED,
        ),
        (
            "44.1 kHz",
            1,
            true,
            with_wave(pcm, |w| {
                w.WaveFormatEx.nSamplesPerSec = 44_100;
                w.WaveFormatEx.nAvgBytesPerSec = 176_400;
            }),
            STATUS_NOT_SUPPORTED,
        ),
        (
            "24-bit",
            1,
            true,
            with_wave(pcm, |w| {
                w.WaveFormatEx.wBitsPerSample = 24;
                w.WaveFormatEx.nBlockAlign = 6;
                w.WaveFormatEx.nAvgBytesPerSec = 288_000;
            }),
            STATUS_NOT_SUPPORTED,
        ),
        (
            "subtype says float, tag says PCM",
            1,
            true,
            with_wave(pcm, |w| {
                w.DataFormat.SubFormat = KSDATAFORMAT_SUBTYPE_IEEE_FLOAT;
            }),
            STATUS_NOT_SUPPORTED,
        ),
        (
            "FormatSize 64",
            1,
            true,
            with_wave(pcm, |w| w.DataFormat.FormatSize = 64),
            STATUS_INVALID_PARAMETER,
        ),
        (
            "extensible without its tail",
            1,
            true,
            with_wave(pcm, |w| {
                w.WaveFormatEx.wFormatTag = 0xFFFE;
            }),
            STATUS_INVALID_PARAMETER,
        ),
        (
            "extensible, cbSize 0",
            1,
            true,
            extensible(pcm, KSDATAFORMAT_SUBTYPE_PCM, 0),
            STATUS_INVALID_PARAMETER,
        ),
        (
            "render stream",
            1,
            false,
            format_bytes(pcm),
            STATUS_INVALID_DEVICE_REQUEST,
        ),
        ("bridge pin", 0, true, format_bytes(pcm), STATUS_INVALID_PARAMETER),
        ("pin 2", 2, true, format_bytes(pcm), STATUS_INVALID_PARAMETER),
    ];
    for (what, pin, capture, format, expected) in refusals {
        assert_eq!(status(host.new_stream(pin, capture, &format)), expected, "{what}");
    }
    // A null format.
    let mut stream = null_mut();
    // SAFETY: the host's live miniport; a live port stream.
    let null_format = unsafe {
        ((*(*host.wave()).lpVtbl).NewStream)(
            host.wave(),
            &mut stream,
            host.port_stream.cast(),
            1,
            1,
            null_mut(),
        )
    };
    assert_eq!((null_format, stream), (STATUS_INVALID_PARAMETER, null_mut()));
    // WAVEFORMATEXTENSIBLE float is accepted; then the pin's one instance is taken.
    host.new_stream(
        1,
        true,
        &extensible(SampleFormat::Float32, KSDATAFORMAT_SUBTYPE_IEEE_FLOAT, 22),
    )
    .unwrap();
    assert_eq!(host.format, Some(SampleFormat::Float32));
    let (second, stream) = host.new_stream_raw(1, true, &format_bytes(pcm));
    assert_eq!((second, stream), (STATUS_INSUFFICIENT_RESOURCES, null_mut()));
    // SetFormat: its own format yes, another no, garbage invalid.
    assert_eq!(
        host.set_format(&format_bytes(SampleFormat::Float32)),
        STATUS_SUCCESS
    );
    assert_eq!(host.set_format(&format_bytes(pcm)), STATUS_NOT_SUPPORTED);
    assert_eq!(
        host.set_format(&with_wave(pcm, |w| w.DataFormat.FormatSize = 64)),
        STATUS_INVALID_PARAMETER
    );
    // After closing, the pin's instance is free again.
    assert_eq!(host.close_stream(), 0);
    host.new_stream(1, true, &format_bytes(pcm)).unwrap();
    host.teardown();
}

#[test]
fn buffers_events_registers_and_interfaces() {
    let mut host = host();
    host.new_stream(1, true, &format_bytes(SampleFormat::Float32))
        .unwrap();
    // SAFETY: the host's own port stream, alive until teardown.
    let port_stream = unsafe { &*host.port_stream };
    let vtable = {
        // SAFETY: the host's live stream.
        unsafe { &*(*host.stream()).lpVtbl }
    };
    let (mut mdl, mut bytes, mut offset, mut cache) = (null_mut(), 0u32, 0u32, 0);
    // SAFETY: a live stream; outputs writable.
    let zero_count = unsafe {
        (vtable.AllocateBufferWithNotification)(
            host.stream(),
            0,
            3_840,
            &mut mdl,
            &mut bytes,
            &mut offset,
            &mut cache,
        )
    };
    assert_eq!(zero_count, STATUS_INVALID_PARAMETER);
    // Over 500 ms: refused before any page is asked.
    assert_eq!(
        status(host.allocate(2, 24_001 * 8)),
        STATUS_INSUFFICIENT_RESOURCES
    );
    assert_eq!(port_stream.counters().allocations, 0);
    // The port's failures, each cleaned up.
    for faults in [
        Faults {
            allocate: true,
            ..Faults::default()
        },
        Faults {
            partial: true,
            ..Faults::default()
        },
        Faults {
            map: true,
            ..Faults::default()
        },
    ] {
        port_stream.inject(faults);
        assert_eq!(
            status(host.allocate(2, 3_840)),
            STATUS_INSUFFICIENT_RESOURCES,
            "{faults:?}"
        );
        assert_eq!(port_stream.live_mdls(), 0, "{faults:?}: MDL leaked");
    }
    assert_eq!(port_stream.counters().allocations, 2);
    assert_eq!(port_stream.counters().frees, 2);
    // Never smaller than asked, whole frames, whole periods; MmCached, offset 0, zeroed.
    let buffer = host.allocate(2, 3_841).unwrap();
    assert_eq!(
        (buffer.bytes, buffer.offset, buffer.cache),
        (482 * 8, 0, MmCached)
    );
    assert_eq!(port_stream.counters().last_request, 482 * 8);
    assert_eq!(port_stream.counters().last_high_address, i64::MAX);
    assert!(
        host.buffer_bytes().iter().all(|&b| b == 0),
        "the buffer must be zeroed"
    );
    assert_eq!(status(host.allocate(2, 3_840)), STATUS_INVALID_DEVICE_REQUEST);
    // Events.
    assert_eq!(host.register_event(), STATUS_SUCCESS);
    assert_eq!(host.register_event(), STATUS_UNSUCCESSFUL);
    let others: Vec<wavert_host::FakeEvent> = (0..4).map(|_| wavert_host::FakeEvent::default()).collect();
    let register = |event: &wavert_host::FakeEvent| {
        // SAFETY: a live stream; the events outlive their registration.
        unsafe { (vtable.RegisterNotificationEvent)(host.stream(), event.as_kevent()) }
    };
    assert_eq!(register(&others[0]), STATUS_SUCCESS);
    assert_eq!(register(&others[1]), STATUS_SUCCESS);
    assert_eq!(register(&others[2]), STATUS_SUCCESS);
    assert_eq!(register(&others[3]), STATUS_INSUFFICIENT_RESOURCES);
    // SAFETY: a live stream.
    let unknown = unsafe { (vtable.UnregisterNotificationEvent)(host.stream(), others[3].as_kevent()) };
    assert_eq!(unknown, STATUS_NOT_FOUND);
    for event in &others[..3] {
        // SAFETY: a live stream.
        let status = unsafe { (vtable.UnregisterNotificationEvent)(host.stream(), event.as_kevent()) };
        assert_eq!(status, STATUS_SUCCESS);
    }
    // SAFETY: a live stream; null is refused.
    let null_event = unsafe { (vtable.RegisterNotificationEvent)(host.stream(), null_mut()) };
    assert_eq!(null_event, STATUS_INVALID_PARAMETER);
    // No registers, no latency, no unknown state, no null position.
    assert_eq!(host.registers(), (STATUS_NOT_SUPPORTED, STATUS_NOT_SUPPORTED));
    assert_eq!(host.hw_latency(), KSRTAUDIO_HWLATENCY::default());
    assert_eq!(host.set_state(7), STATUS_INVALID_PARAMETER);
    // SAFETY: a live stream; null is refused.
    let null_position = unsafe { (vtable.GetPosition)(host.stream(), null_mut()) };
    assert_eq!(null_position, STATUS_INVALID_PARAMETER);
    // Interfaces: the plain stream interface is the same object; a port IID is a miss.
    // SAFETY: a live stream.
    let (found, plain) = unsafe { query_interface(host.stream(), &IID_IMiniportWaveRTStream) };
    assert_eq!((found, plain), (STATUS_SUCCESS, host.stream().cast()));
    // SAFETY: the reference just taken.
    unsafe { release(plain) };
    // SAFETY: a live stream.
    let (missed, none) = unsafe { query_interface(host.stream(), &IID_IPortWaveRT) };
    assert_eq!((missed, none), (STATUS_INVALID_PARAMETER, null_mut()));
    // SAFETY: a live miniport.
    let (missed, none) = unsafe { query_interface(host.wave(), &IID_IMiniportWaveRTStream) };
    assert_eq!((missed, none), (STATUS_INVALID_PARAMETER, null_mut()));
    // A free of someone else's MDL is ignored; the real one goes back to the port.
    // SAFETY: a live stream; the MDL is not its own (ignored).
    unsafe { (vtable.FreeBufferWithNotification)(host.stream(), std::ptr::without_provenance_mut(8), 16) };
    assert_eq!(port_stream.live_mdls(), 1);
    assert_eq!(host.unregister_event(), STATUS_SUCCESS);
    host.free_buffer();
    assert_eq!(port_stream.live_mdls(), 0);
    let counters = port_stream.counters();
    assert_eq!((counters.maps, counters.unmaps, counters.breaches), (1, 1, 0));
    assert_eq!(host.teardown(), wavert_host::Accounting::default());
}

#[test]
fn a_stream_released_running_with_its_buffer_and_event_cleans_up() {
    let mut host = host();
    host.new_stream(1, true, &format_bytes(SampleFormat::Pcm16))
        .unwrap();
    host.allocate(2, 3_840).unwrap();
    assert_eq!(host.register_event(), STATUS_SUCCESS);
    assert_eq!(host.set_state(portcls_sys::KSSTATE_RUN), STATUS_SUCCESS);
    host.platform.set_time(1_000 + 200_000);
    let report = host.pump().tick(1_000 + 200_000);
    assert_eq!((report.mode, report.signalled), (wavert::PumpMode::Capture, true));
    // SAFETY: the host's own port stream.
    let port_stream = unsafe { &*host.port_stream };
    assert_eq!(port_stream.live_mdls(), 1);
    assert_eq!(host.close_stream(), 0);
    assert_eq!(
        port_stream.live_mdls(),
        0,
        "the stream freed the buffer the port left"
    );
    assert!(!host.pump().keep_ticking());
    assert_eq!(host.pump().tick(1_000 + 400_000).mode, wavert::PumpMode::Idle);
    assert_eq!(host.teardown(), wavert_host::Accounting::default());
}
