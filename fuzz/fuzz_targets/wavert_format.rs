//! The WaveRT miniport's format entry points fed arbitrary client bytes, as any process that opens
//! the capture filter can send them: `DataRangeIntersection` on the host pin against each of our
//! ranges (`KSPROPERTY_PIN_DATAINTERSECTION`) and `NewStream` / `SetFormat` with the bytes as a
//! `KSDATAFORMAT` (`KSPROPERTY_PIN_PROPOSEDATAFORMAT`, pin creation). KS hands the miniport a
//! range at least `sizeof(KSDATARANGE)` long whose `FormatSize` fits the buffer; the target keeps
//! that contract and nothing else. Checks: no crash, a status from the documented set, an accepted
//! format that is one of ours, and, at teardown, every reference, MDL and buffer returned.
#![no_main]
use libfuzzer_sys::fuzz_target;
use portcls_host::harness::release;
use portcls_sys::{
    KSDATARANGE, KSSTATE_STOP, NTSTATUS, STATUS_BUFFER_OVERFLOW, STATUS_INSUFFICIENT_RESOURCES,
    STATUS_INVALID_PARAMETER, STATUS_NOT_SUPPORTED, STATUS_SUCCESS,
};
use wavert::SampleFormat;
use wavert::error::STATUS_NO_MATCH;
use wavert::pump::PumpConfig;
use wavert::shared::Silence;
use wavert_host::WaveRtHost;
use wavert_host::host::format_bytes;

const HEADER: usize = core::mem::size_of::<KSDATARANGE>();

fn as_ks(data: &[u8]) -> Vec<u8> {
    let mut bytes = data.to_vec();
    if bytes.len() < HEADER {
        bytes.resize(HEADER, 0);
    }
    let stated = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let size = stated.min(bytes.len() as u32);
    bytes[..4].copy_from_slice(&size.to_le_bytes());
    bytes
}

fuzz_target!(|data: &[u8]| {
    let bytes = as_ks(data);
    let mut host = WaveRtHost::create(Silence, PumpConfig::default(), 1_000_000).expect("host");
    for matching in [
        &wavert::descriptor::RANGE_FLOAT32,
        &wavert::descriptor::RANGE_PCM16,
    ] {
        let matching: *const KSDATARANGE = (matching as *const portcls_sys::KSDATARANGE_AUDIO).cast();
        match host.intersect(true, wavert::descriptor::WAVE_PIN_HOST, &bytes, matching) {
            Ok(format) => {
                let ours = [SampleFormat::Float32, SampleFormat::Pcm16]
                    .into_iter()
                    .any(|ours| format == format_bytes(ours));
                assert!(ours, "intersection produced a format that is not ours");
            }
            Err(failed) => assert!(
                [STATUS_NO_MATCH, STATUS_BUFFER_OVERFLOW, STATUS_INVALID_PARAMETER].contains(&failed.status),
                "intersection: unexpected {:#x}",
                failed.status
            ),
        }
    }
    let (status, stream) = host.new_stream_raw(wavert::descriptor::WAVE_PIN_HOST, true, &bytes);
    let allowed: [NTSTATUS; 4] = [
        STATUS_SUCCESS,
        STATUS_NOT_SUPPORTED,
        STATUS_INVALID_PARAMETER,
        STATUS_INSUFFICIENT_RESOURCES,
    ];
    assert!(allowed.contains(&status), "NewStream: unexpected {status:#x}");
    if status == STATUS_SUCCESS {
        assert!(!stream.is_null());
        // SAFETY: NewStream's reference, dropped once.
        unsafe { release(stream) };
    } else {
        assert!(stream.is_null(), "a failed NewStream returned a stream");
    }
    if host
        .new_stream(
            wavert::descriptor::WAVE_PIN_HOST,
            true,
            &format_bytes(SampleFormat::Float32),
        )
        .is_ok()
    {
        let status = host.set_format(&bytes);
        assert!(
            [STATUS_SUCCESS, STATUS_NOT_SUPPORTED, STATUS_INVALID_PARAMETER].contains(&status),
            "SetFormat: unexpected {status:#x}"
        );
        let _ = host.set_state(KSSTATE_STOP);
    }
    let accounting = host.teardown();
    assert_eq!(accounting.wave_remaining, 0);
    assert_eq!(accounting.topology_remaining, 0);
    assert_eq!(accounting.live_mdls, 0);
    assert_eq!(accounting.port_stream_references, 0);
});
