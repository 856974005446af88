//! ddksynth's known bugs (shared/reference/dmus-miniport-and-ddksynth.md §f) that no other test
//! pins down, each shown absent through the C ABI. The others are cited in docs/threat-model.md.
#![allow(clippy::all, clippy::undocumented_unsafe_blocks, missing_docs)]

use portcls_host::harness::{music_format, query_interface, release, wave_format};
use portcls_host::unpack::MidiEvent;
use portcls_host::{GuardedAllocator, HostPlatform, SampleFormat};
use portcls_sys::*;
use reliability::drive::{
    Filter, NoArm, Setup, download, download_buffers, empty_harness, property, tiny_collection,
};
use std::ffi::c_void;
use std::ptr::null_mut;

#[global_allocator]
static ALLOCATOR: GuardedAllocator = GuardedAllocator;

/// §f.10: with only the wave pin open there is no master clock; SyncToMaster, SampleToRefTime,
/// RefTimeToSample and Render must still work (ddksynth dereferenced a NULL clock).
#[test]
fn f10_wave_pin_alone_has_no_master_clock_and_does_not_crash() {
    let mut harness = empty_harness(16);
    let mut unknown: *mut c_void = null_mut();
    assert_eq!(
        unsafe { miniport::create_miniport(HostPlatform, &mut unknown) },
        STATUS_SUCCESS
    );
    let (status, miniport) = unsafe { query_interface(unknown, &IID_IMiniportDMus) };
    assert_eq!(status, STATUS_SUCCESS);
    unsafe { release(unknown) };
    harness.miniport = miniport.cast();
    harness.init().unwrap();
    harness.describe().unwrap();
    let mut ks = wave_format(48_000, 2, SampleFormat::S16);
    let (status, wave, _) = unsafe {
        harness.new_stream_raw(
            1,
            DMUS_STREAM_WAVE_SINK,
            (&mut ks as *mut KSDATAFORMAT_WAVEFORMATEX).cast(),
            null_mut(),
            null_mut(),
        )
    };
    assert_eq!(status, STATUS_SUCCESS);
    harness.wave = wave;
    let (status, sink) = unsafe { query_interface(wave, &IID_ISynthSinkDMus) };
    assert_eq!(status, STATUS_SUCCESS);
    harness.sink = sink.cast();
    assert_eq!(harness.sync_to_master(0, true), STATUS_SUCCESS);
    assert_eq!(harness.sync_to_master(1_000_000, false), STATUS_SUCCESS);
    let mut buffer = vec![0xAAu8; 480 * 4];
    harness.render(&mut buffer, 480, 0, 4);
    assert!(buffer.iter().all(|&b| b == 0), "silence, fully written");
    let frame = harness.ref_time_to_sample(harness.sample_to_ref_time(48_000));
    assert!(
        (frame - 48_000).abs() <= 1,
        "the platform clock stands in: {frame}"
    );
    // A late MIDI pin still pairs with it.
    let mut format = music_format();
    let (status, midi, _) = unsafe {
        harness.new_stream_raw(
            0,
            DMUS_STREAM_MIDI_RENDER,
            &mut format,
            harness.allocator.cast(),
            harness.clock.cast(),
        )
    };
    assert_eq!(status, STATUS_SUCCESS);
    harness.midi = midi;
    harness.release_miniport_side();
    assert_eq!(harness.foreign_references(), (0, 0, 0));
}

/// §f.7: download handles are opaque small numbers, never kernel addresses.
#[test]
fn f7_download_handles_are_not_pointers() {
    let mut filter = Filter::open(&NoArm, Setup::default()).unwrap();
    let buffers = download_buffers(&tiny_collection(), 1);
    let heap_probe = Box::new(0u8);
    let heap = &*heap_probe as *const u8 as usize;
    for buffer in &buffers {
        let (status, handle) = download(&NoArm, &filter.harness, buffer);
        assert_eq!(status, STATUS_SUCCESS);
        assert!(handle != 0 && handle < 1 << 32, "handle {handle:#x}");
        assert!(
            handle.abs_diff(heap) > 1 << 32,
            "handle {handle:#x} looks like a heap address"
        );
        filter.handles.push(handle);
    }
    // A forged handle (an address) is refused, not dereferenced.
    let status = reliability::drive::unload(&NoArm, &filter.harness, heap);
    assert_eq!(status, STATUS_INVALID_HANDLE);
    filter.close(&NoArm).assert_balanced();
}

/// §f.8: APPEND reserves room for a whole guard sample under either reading of its unit, and the
/// synth never writes into the client's buffer (the download is copied first).
#[test]
fn f8_append_covers_a_guard_sample_and_the_client_buffer_is_never_written() {
    let filter = Filter::open(&NoArm, Setup::default()).unwrap();
    let mut value = [0u8; 4];
    let (status, _) = property(
        &NoArm,
        &filter.harness,
        &KSPROPSETID_Synth_Dls,
        KSPROPERTY_SYNTH_DLS_APPEND,
        KSPROPERTY_TYPE_GET,
        &[],
        &mut value,
    );
    assert_eq!(status, STATUS_SUCCESS);
    assert!(
        u32::from_le_bytes(value) >= 4,
        "APPEND must cover a stereo 16-bit sample"
    );
    let buffers = download_buffers(&tiny_collection(), 1);
    for buffer in &buffers {
        let before = buffer.clone();
        let (status, _) = download(&NoArm, &filter.harness, buffer);
        assert_eq!(status, STATUS_SUCCESS);
        assert_eq!(*buffer, before, "the client's download buffer was modified");
    }
    filter.close(&NoArm);
}

/// §f.12: CHANNELGROUPS answers the real count before any PORTPARAMETERS (ddksynth answered 0).
#[test]
fn f12_channel_groups_are_answered_before_portparameters() {
    let mut harness = empty_harness(16);
    let mut unknown: *mut c_void = null_mut();
    assert_eq!(
        unsafe { miniport::create_miniport(HostPlatform, &mut unknown) },
        STATUS_SUCCESS
    );
    let (_, miniport) = unsafe { query_interface(unknown, &IID_IMiniportDMus) };
    unsafe { release(unknown) };
    harness.miniport = miniport.cast();
    harness.init().unwrap();
    harness.describe().unwrap();
    harness.open_midi().unwrap();
    harness.open_wave(48_000, 2, SampleFormat::S16).unwrap();
    let mut value = [0u8; 4];
    let (status, _) = property(
        &NoArm,
        &harness,
        &KSPROPSETID_Synth,
        KSPROPERTY_SYNTH_CHANNELGROUPS,
        KSPROPERTY_TYPE_GET,
        &[],
        &mut value,
    );
    assert_eq!(status, STATUS_SUCCESS);
    assert!(u32::from_le_bytes(value) >= 1);
}

/// §f.3: a stream released while events are pending and notes sound: every event is already
/// back (PutMessage returns chains at once), nothing is freed twice, nothing leaks.
#[test]
fn f3_streams_released_with_pending_events_return_everything() {
    let mut filter = Filter::open(&NoArm, Setup::default()).unwrap();
    filter
        .download_all(&NoArm, &download_buffers(&tiny_collection(), 1))
        .unwrap();
    // Events far in the future stay pending in the miniport's ring.
    let future: Vec<MidiEvent> = (0..200)
        .map(|n| MidiEvent {
            time: 50_000_000 + n,
            channel_group: 1,
            bytes: vec![0x90, (n % 128) as u8, 90],
        })
        .collect();
    assert_eq!(filter.send(&NoArm, &future), STATUS_SUCCESS);
    assert_eq!(filter.harness.allocator().counters().outstanding, 0);
    filter.render(&NoArm, 480);
    // The port releases in any order: MIDI pin first here, while the sink still renders.
    unsafe { release(filter.harness.midi) };
    filter.harness.midi = null_mut();
    filter.render(&NoArm, 480);
    filter.handles.clear();
    let books = filter.close(&NoArm);
    books.assert_balanced();
}
