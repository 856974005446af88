//! The miniport seen through its vtables only, as PortCls sees it: interfaces, stream types,
//! event ownership, pin states, filter instances, properties, data intersection.
#![allow(
    clippy::all,
    clippy::undocumented_unsafe_blocks,
    clippy::multiple_unsafe_ops_per_block,
    missing_docs
)]

mod common;

use common::*;
use portcls_host::harness::{Harness, Target, query_interface, reference_count, release};
use portcls_host::unpack::{MidiEvent, pack_ksmusicformat, to_kernel_events, unpack_ksmusicformat};
use portcls_host::{GuardedAllocator, SampleFormat, platform};
use portcls_sys::*;
use std::mem::size_of;
use std::ptr::null_mut;

#[global_allocator]
static ALLOCATOR: GuardedAllocator = GuardedAllocator;

fn bytes_of<T: Copy>(value: &T) -> Vec<u8> {
    let mut bytes = vec![0u8; size_of::<T>()];
    unsafe {
        std::ptr::copy_nonoverlapping((value as *const T).cast::<u8>(), bytes.as_mut_ptr(), bytes.len())
    };
    bytes
}

/// Init, GetDescription, both pins, the DC instrument downloaded, both pins running, clock started.
fn ready() -> Harness {
    let mut harness = Harness::create(256, 0).unwrap();
    harness.init().unwrap();
    harness.describe().unwrap();
    harness.open_midi().unwrap();
    harness.open_wave(48_000, 2, SampleFormat::S16).unwrap();
    // Dry: no reverb or chorus tails in the measurements.
    let mut effects = [0u8; 4];
    let (status, _) = harness.property(
        Target::MidiStream,
        &GUID_DMUS_PROP_Effects,
        0,
        KSPROPERTY_TYPE_SET,
        &[],
        &mut effects,
    );
    assert_eq!(status, STATUS_SUCCESS);
    download(&harness, &dc_collection(16_000), 1);
    unsafe {
        harness
            .transition(harness.midi, KSSTATE_RUN, KSSTATE_STOP)
            .unwrap();
        harness
            .transition(harness.wave, KSSTATE_RUN, KSSTATE_STOP)
            .unwrap();
    }
    assert_eq!(harness.sync_to_master(0, true), STATUS_SUCCESS);
    harness
}

fn download(harness: &Harness, collection: &::dls::model::Collection, first_id: u32) -> Vec<usize> {
    let options = ::dls::download::build::BuildOptions {
        instrument2: true,
        first_id,
    };
    let buffers = ::dls::download::build::build_downloads(collection, options).unwrap();
    let mut handles = Vec::new();
    for buffer in buffers {
        let instance = SYNTH_BUFFER {
            BufferSize: buffer.bytes.len() as u32,
            BufferAddress: buffer.bytes.as_ptr() as _,
        };
        let mut value = [0u8; 16];
        let (status, size) = harness.property(
            Target::MidiStream,
            &KSPROPSETID_Synth_Dls,
            KSPROPERTY_SYNTH_DLS_DOWNLOAD,
            KSPROPERTY_TYPE_GET,
            &bytes_of(&instance),
            &mut value,
        );
        assert_eq!(status, STATUS_SUCCESS);
        assert_eq!(size, 16);
        let download: SYNTHDOWNLOAD = unsafe { value.as_ptr().cast::<SYNTHDOWNLOAD>().read_unaligned() };
        assert_eq!(download.Free, 1);
        handles.push(download.DownloadHandle as usize);
    }
    handles
}

/// Kernel events for `events`, handed to PutMessage at DISPATCH_LEVEL.
fn send(harness: &Harness, events: &[MidiEvent]) {
    let (chain, count) = to_kernel_events(harness.allocator(), events);
    assert!(count >= events.len());
    assert_eq!(unsafe { harness.put_message(chain) }, STATUS_SUCCESS);
}

fn note(time: i64, bytes: &[u8]) -> MidiEvent {
    MidiEvent {
        time,
        channel_group: 1,
        bytes: bytes.to_vec(),
    }
}

/// Renders `periods` periods of 480 frames starting at `position`; returns the left samples.
fn render(harness: &Harness, position: &mut i64, periods: usize) -> Vec<i16> {
    let mut samples = Vec::new();
    let mut buffer = vec![0xAAu8; 480 * 4];
    for _ in 0..periods {
        harness.clock().set(*position * 10_000_000 / 48_000);
        harness.render(&mut buffer, 480, *position, 4);
        samples.extend(left_s16(&buffer));
        *position += 480;
    }
    samples
}

#[test]
fn query_interface_answers_its_interfaces_and_misses_with_invalid_parameter() {
    let harness = ready();
    let miniport = harness.miniport;
    for iid in [IID_IUnknown, IID_IMiniport, IID_IMiniportDMus] {
        let (status, out) = unsafe { query_interface(miniport, &iid) };
        assert_eq!(status, STATUS_SUCCESS);
        assert_eq!(out, miniport.cast());
        unsafe { release(out) };
    }
    for iid in [
        IID_IMXF,
        IID_ISynthSinkDMus,
        IID_IPortDMus,
        IID_IPowerNotify,
        GUID::zeroed(),
    ] {
        let (status, out) = unsafe { query_interface(miniport, &iid) };
        assert_eq!(status, STATUS_INVALID_PARAMETER);
        assert!(out.is_null());
    }
    for stream in [harness.midi, harness.wave] {
        for iid in [IID_IUnknown, IID_IMXF, IID_ISynthSinkDMus] {
            let (status, out) = unsafe { query_interface(stream, &iid) };
            assert_eq!(status, STATUS_SUCCESS);
            assert_eq!(out, stream.cast());
            unsafe { release(out) };
        }
        let (status, out) = unsafe { query_interface(stream, &IID_IMiniportDMus) };
        assert_eq!(status, STATUS_INVALID_PARAMETER);
        assert!(out.is_null());
    }
    // The port's reference plus the synth core's.
    assert_eq!(unsafe { reference_count(miniport) }, 2);
    // The MIDI stream: the port's; the wave stream: the port's and the sink QI.
    assert_eq!(unsafe { reference_count(harness.midi) }, 1);
    assert_eq!(unsafe { reference_count(harness.wave) }, 2);
}

#[test]
fn new_stream_rejects_capture_unknown_types_and_bad_formats() {
    let mut harness = Harness::create(16, 0).unwrap();
    harness.init().unwrap();
    harness.describe().unwrap();
    let allocator = harness.allocator.cast();
    let clock = harness.clock.cast();
    let mut music = portcls_host::harness::music_format();
    for kind in [DMUS_STREAM_MIDI_CAPTURE, DMUS_STREAM_MIDI_INVALID, 7] {
        let (status, mxf, prefetch) =
            unsafe { harness.new_stream_raw(0, kind, &mut music, allocator, clock) };
        assert_eq!(status, STATUS_INVALID_DEVICE_REQUEST, "type {kind}");
        assert!(mxf.is_null());
        assert_eq!(prefetch, DONT_HOLD_FOR_SEQUENCING);
    }
    let (status, mxf, _) =
        unsafe { harness.new_stream_raw(0, DMUS_STREAM_MIDI_RENDER, &mut music, null_mut(), clock) };
    assert_eq!(status, STATUS_INVALID_PARAMETER);
    assert!(mxf.is_null());
    for (rate, channels) in [(4_000, 2), (48_000, 3), (400_000, 1)] {
        let mut format = portcls_host::harness::wave_format(rate, channels, SampleFormat::S16);
        let (status, mxf, _) = unsafe {
            harness.new_stream_raw(
                1,
                DMUS_STREAM_WAVE_SINK,
                (&mut format as *mut KSDATAFORMAT_WAVEFORMATEX).cast(),
                null_mut(),
                null_mut(),
            )
        };
        assert_eq!(status, STATUS_INVALID_PARAMETER, "{rate} Hz {channels} ch");
        assert!(mxf.is_null());
    }
    // Nothing was leaked by the refusals.
    assert_eq!(unsafe { reference_count(harness.miniport) }, 1);
    assert_eq!(harness.foreign_references(), (1, 0, 0));
}

#[test]
fn every_event_returns_to_the_allocator_including_packages_and_fragments() {
    let harness = ready();
    let allocator = harness.allocator();
    let before = platform::dispatch_allocations();
    // A package of two events (note on now, note off later), built as the port would.
    let header = allocator.get_message();
    let (inner, count) = to_kernel_events(
        allocator,
        &[note(500_000, &[0x90, 60, 127]), note(3_000_000, &[0x80, 60, 0])],
    );
    assert_eq!(count, 2);
    unsafe {
        (*header).usFlags = DMUS_KEF_PACKAGE_EVENT;
        (*header).uData.pPackageEvt = inner;
        (*header).usChannelGroup = 1;
    }
    // A GM reset SysEx split into incomplete fragments of 3, 3 and 2 bytes, and a long event.
    let sysex = [0xF0u8, 0x7E, 0x7F, 0x09, 0x01, 0xF7];
    let mut fragments = Vec::new();
    for (index, piece) in sysex.chunks(3).enumerate() {
        let event = allocator.get_message();
        unsafe {
            (*event).cbEvent = piece.len() as u16;
            (*event).usChannelGroup = 1;
            (*event).ullPresTime100ns = 100_000;
            (*event).short_data_mut()[..piece.len()].copy_from_slice(piece);
            if index < 1 {
                (*event).usFlags = DMUS_KEF_EVENT_INCOMPLETE;
            }
        }
        fragments.push(event);
    }
    let (long, _) = to_kernel_events(
        allocator,
        &[note(
            200_000,
            &[0xF0, 0x43, 0x10, 0x4C, 0x00, 0x00, 0x7E, 0x00, 0xF7],
        )],
    );
    unsafe {
        (*header).pNextEvt = fragments[0];
        (*fragments[0]).pNextEvt = fragments[1];
        (*fragments[1]).pNextEvt = long;
    }
    let out = allocator.counters().events_out;
    assert_eq!(out, 6);
    assert_eq!(unsafe { harness.put_message(header) }, STATUS_SUCCESS);
    let counters = allocator.counters();
    assert_eq!(counters.events_back, 6, "{counters:?}");
    assert_eq!(counters.double_returns + counters.foreign_returns, 0);
    assert_eq!(platform::dispatch_allocations(), before);
    // And the package's note plays.
    let mut position = 0;
    let samples = render(&harness, &mut position, 40);
    let onset = samples
        .iter()
        .position(|s| *s != 0)
        .expect("the packaged note must sound");
    assert!((onset as i64 - 2_400).abs() <= 1, "onset {onset}");
}

#[test]
fn legacy_ksmusicformat_buffers_play() {
    let harness = ready();
    let buffer = pack_ksmusicformat(&[(10, &[0x90, 64, 100]), (100, &[0x80, 64, 0])]);
    let events = unpack_ksmusicformat(0, &buffer).unwrap();
    send(&harness, &events);
    let mut position = 0;
    let samples = render(&harness, &mut position, 20);
    let onset = samples.iter().position(|s| *s != 0).expect("sound");
    assert!((onset as i64 - 480).abs() <= 1, "onset {onset}");
    let counters = harness.allocator().counters();
    assert_eq!(counters.events_out, counters.events_back);
}

#[test]
fn pausing_the_midi_pin_does_not_mute_the_wave_pin_and_stop_silences() {
    let harness = ready();
    send(&harness, &[note(1, &[0x90, 60, 127])]);
    let mut position = 0;
    assert!(render(&harness, &mut position, 2).iter().any(|s| *s != 0));
    unsafe {
        harness
            .transition(harness.midi, KSSTATE_PAUSE, KSSTATE_RUN)
            .unwrap()
    };
    let samples = render(&harness, &mut position, 5);
    assert!(
        samples.iter().all(|s| *s != 0),
        "a MIDI-pin PAUSE must not touch the wave pin"
    );
    unsafe {
        harness
            .transition(harness.midi, KSSTATE_STOP, KSSTATE_PAUSE)
            .unwrap()
    };
    let samples = render(&harness, &mut position, 10);
    let last = samples.iter().rposition(|s| *s != 0);
    assert!(
        samples[samples.len() - 480..].iter().all(|s| *s == 0),
        "STOP on the MIDI pin silences its notes: last {last:?} {:?}",
        samples.iter().step_by(200).collect::<Vec<_>>()
    );
}

#[test]
fn render_writes_the_whole_buffer() {
    let harness = ready();
    let mut buffer = vec![0xAAu8; 480 * 4 + 16];
    harness.render(&mut buffer, 480, 0, 4);
    assert!(buffer[..480 * 4].iter().all(|b| *b == 0));
    assert!(
        buffer[480 * 4..].iter().all(|b| *b == 0xAA),
        "no byte past frames · block align"
    );
}

#[test]
fn two_filter_instances_are_two_independent_synths() {
    let mut harness = ready();
    let (midi_a, wave_a, sink_a) = (harness.midi, harness.wave, harness.sink);
    harness.open_midi().unwrap();
    harness.open_wave(48_000, 2, SampleFormat::S16).unwrap();
    assert_ne!(harness.midi, midi_a);
    assert_ne!(harness.wave, wave_a);
    download(&harness, &dc_collection(8_000), 1);
    unsafe {
        harness
            .transition(harness.midi, KSSTATE_RUN, KSSTATE_STOP)
            .unwrap();
        harness
            .transition(harness.wave, KSSTATE_RUN, KSSTATE_STOP)
            .unwrap();
    }
    harness.sync_to_master(0, true);
    // A note to instance B only.
    send(&harness, &[note(1, &[0x90, 60, 127])]);
    let mut position = 0;
    let b = render(&harness, &mut position, 2);
    assert!(b.iter().any(|s| *s != 0));
    // Instance A (its own sink) stays silent.
    let mut buffer = vec![0xAAu8; 480 * 4];
    unsafe { ((*(*sink_a).lpVtbl).Render)(sink_a, buffer.as_mut_ptr(), 480, 0) };
    assert!(buffer.iter().all(|b| *b == 0));
    // Release instance A entirely; B keeps playing.
    unsafe {
        release(sink_a);
        release(wave_a);
        release(midi_a);
    }
    let b = render(&harness, &mut position, 2);
    assert!(b.iter().all(|s| *s != 0));
}

/// Value size of each property (GET or SET), and an instance it needs.
fn property_shape(set: &GUID, id: u32) -> (u32, Vec<u8>) {
    if *set == KSPROPSETID_Synth {
        return match id {
            KSPROPERTY_SYNTH_CAPS => (296, vec![]),
            KSPROPERTY_SYNTH_PORTPARAMETERS => (28, vec![]),
            KSPROPERTY_SYNTH_VOICEPRIORITY => (
                4,
                bytes_of(&SYNTHVOICEPRIORITY_INSTANCE {
                    ChannelGroup: 1,
                    Channel: 0,
                }),
            ),
            KSPROPERTY_SYNTH_LATENCYCLOCK => (8, vec![]),
            KSPROPERTY_SYNTH_RUNNINGSTATS => (28, vec![]),
            _ => (4, vec![]),
        };
    }
    if *set == KSPROPSETID_Synth_Dls {
        return match id {
            KSPROPERTY_SYNTH_DLS_DOWNLOAD => (
                16,
                bytes_of(&SYNTH_BUFFER {
                    BufferSize: 16,
                    BufferAddress: [0u8; 16].as_ptr() as _,
                }),
            ),
            KSPROPERTY_SYNTH_DLS_UNLOAD => (8, vec![]),
            KSPROPERTY_SYNTH_DLS_COMPACT => (0, vec![]),
            KSPROPERTY_SYNTH_DLS_WAVEFORMAT => (18, vec![]),
            _ => (4, vec![]),
        };
    }
    if *set == KSPROPSETID_SynthClock {
        return (8, vec![]);
    }
    if *set == GUID_DMUS_PROP_WavesReverb {
        return (16, vec![]);
    }
    (4, vec![])
}

#[test]
fn every_property_follows_ks_rules() {
    let harness = ready();
    let descriptor = unsafe { &*harness.descriptor };
    let node = unsafe { &*descriptor.Nodes };
    let table = unsafe { &*node.AutomationTable };
    let items = unsafe { std::slice::from_raw_parts(table.Properties, table.PropertyCount as usize) };
    assert!(items.len() >= 27);
    for item in items {
        let set = unsafe { *item.Set };
        let name = format!("{set:?}/{}", item.Id);
        let access = item.Flags & (KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET | KSPROPERTY_TYPE_BASICSUPPORT);
        // BASICSUPPORT: the access flags.
        let mut value = [0u8; 4];
        let (status, size) = harness.property(
            Target::MidiStream,
            &set,
            item.Id,
            KSPROPERTY_TYPE_BASICSUPPORT,
            &[],
            &mut value,
        );
        assert_eq!((status, size), (STATUS_SUCCESS, 4), "{name} basic support");
        assert_eq!(u32::from_le_bytes(value), access, "{name}");
        let (status, size) = harness.property_sized(
            Target::MidiStream,
            &set,
            item.Id,
            KSPROPERTY_TYPE_BASICSUPPORT,
            &[],
            &mut value,
            0,
        );
        assert_eq!(
            (status, size),
            (STATUS_BUFFER_OVERFLOW, 4),
            "{name} basic support size"
        );
        let (needed, instance) = property_shape(&set, item.Id);
        for verb in [KSPROPERTY_TYPE_GET, KSPROPERTY_TYPE_SET] {
            let mut value = vec![0u8; 512];
            if access & verb == 0 {
                let (status, _) =
                    harness.property(Target::MidiStream, &set, item.Id, verb, &instance, &mut value);
                assert_eq!(status, STATUS_INVALID_DEVICE_REQUEST, "{name} verb {verb}");
                continue;
            }
            if needed == 0 {
                continue;
            }
            // Size query.
            let (status, size) =
                harness.property_sized(Target::MidiStream, &set, item.Id, verb, &instance, &mut value, 0);
            assert_eq!(
                (status, size),
                (STATUS_BUFFER_OVERFLOW, needed),
                "{name} verb {verb} size query"
            );
            // Too small.
            let (status, size) = harness.property_sized(
                Target::MidiStream,
                &set,
                item.Id,
                verb,
                &instance,
                &mut value,
                needed - 1,
            );
            assert_eq!(
                (status, size),
                (STATUS_BUFFER_TOO_SMALL, 0),
                "{name} verb {verb} short buffer"
            );
            // A GET with the right size succeeds (DOWNLOAD of a zeroed buffer is refused instead).
            if verb == KSPROPERTY_TYPE_GET
                && !(set == KSPROPSETID_Synth_Dls && item.Id == KSPROPERTY_SYNTH_DLS_DOWNLOAD)
            {
                let (status, size) = harness.property_sized(
                    Target::MidiStream,
                    &set,
                    item.Id,
                    verb,
                    &instance,
                    &mut value,
                    needed,
                );
                assert!(nt_success(status), "{name} GET: {status:#x}");
                assert_eq!(size, needed, "{name} GET size");
            }
        }
    }
}

#[test]
fn stream_independent_properties_answer_without_a_stream() {
    let harness = ready();
    let mut caps = [0u8; 296];
    for target in [Target::Filter, Target::Nothing] {
        let (status, size) = harness.property(
            target,
            &KSPROPSETID_Synth,
            KSPROPERTY_SYNTH_CAPS,
            KSPROPERTY_TYPE_GET,
            &[],
            &mut caps,
        );
        assert_eq!((status, size), (STATUS_SUCCESS, 296));
    }
    let caps: SYNTHCAPS = unsafe { caps.as_ptr().cast::<SYNTHCAPS>().read_unaligned() };
    assert_eq!(caps.MaxAudioChannels, 2);
    assert_ne!(caps.Flags & SYNTH_PC_DLS2, 0);
    // A per-stream property with no target at all is refused, not a crash.
    let mut value = [0u8; 4];
    let (status, _) = harness.property(
        Target::Nothing,
        &KSPROPSETID_Synth,
        KSPROPERTY_SYNTH_VOLUME,
        KSPROPERTY_TYPE_GET,
        &[],
        &mut value,
    );
    assert_eq!(status, STATUS_INVALID_DEVICE_REQUEST);
    // Through the miniport (filter-level) it reaches the synth instance.
    let (status, _) = harness.property(
        Target::Filter,
        &KSPROPSETID_Synth,
        KSPROPERTY_SYNTH_VOLUME,
        KSPROPERTY_TYPE_GET,
        &[],
        &mut value,
    );
    assert_eq!(status, STATUS_SUCCESS);
}

#[test]
fn port_parameters_report_what_was_changed() {
    let harness = ready();
    let ask = |voices, groups, rate| {
        let request = SYNTH_PORTPARAMS {
            ValidParams: SYNTH_PORTPARAMS_VOICES
                | SYNTH_PORTPARAMS_CHANNELGROUPS
                | SYNTH_PORTPARAMS_SAMPLERATE,
            Voices: voices,
            ChannelGroups: groups,
            AudioChannels: 0,
            SampleRate: rate,
            EffectsFlags: 0,
            Share: 0,
        };
        let mut value = [0u8; 28];
        let (status, _) = harness.property(
            Target::MidiStream,
            &KSPROPSETID_Synth,
            KSPROPERTY_SYNTH_PORTPARAMETERS,
            KSPROPERTY_TYPE_GET,
            &bytes_of(&request),
            &mut value,
        );
        (status, unsafe {
            value.as_ptr().cast::<SYNTH_PORTPARAMS>().read_unaligned()
        })
    };
    // Downloads are installed: a reconfiguration that would rebuild the engine is refused.
    let (status, _) = ask(64, 2, 48_000);
    assert_eq!(status, STATUS_INVALID_DEVICE_STATE);
    let fresh = {
        let mut harness = Harness::create(16, 0).unwrap();
        harness.init().unwrap();
        harness.describe().unwrap();
        harness.open_midi().unwrap();
        harness.open_wave(44_100, 2, SampleFormat::S16).unwrap();
        harness
    };
    let request = |voices: u32, groups: u32, rate: u32| SYNTH_PORTPARAMS {
        ValidParams: SYNTH_PORTPARAMS_VOICES | SYNTH_PORTPARAMS_CHANNELGROUPS | SYNTH_PORTPARAMS_SAMPLERATE,
        Voices: voices,
        ChannelGroups: groups,
        AudioChannels: 0,
        SampleRate: rate,
        EffectsFlags: 0,
        Share: 0,
    };
    let mut value = [0u8; 28];
    let (status, _) = fresh.property(
        Target::MidiStream,
        &KSPROPSETID_Synth,
        KSPROPERTY_SYNTH_PORTPARAMETERS,
        KSPROPERTY_TYPE_GET,
        &bytes_of(&request(5_000, 2, 44_100)),
        &mut value,
    );
    assert_eq!(status, STATUS_NOT_ALL_ASSIGNED);
    let granted: SYNTH_PORTPARAMS = unsafe { value.as_ptr().cast::<SYNTH_PORTPARAMS>().read_unaligned() };
    assert_eq!(
        (granted.Voices, granted.ChannelGroups, granted.SampleRate),
        (1_000, 2, 44_100)
    );
    let (status, _) = fresh.property(
        Target::MidiStream,
        &KSPROPSETID_Synth,
        KSPROPERTY_SYNTH_PORTPARAMETERS,
        KSPROPERTY_TYPE_GET,
        &bytes_of(&request(64, 2, 48_000)),
        &mut value,
    );
    assert_eq!(
        status, STATUS_NOT_ALL_ASSIGNED,
        "the sample rate is the wave pin's"
    );
    let (status, _) = fresh.property(
        Target::MidiStream,
        &KSPROPSETID_Synth,
        KSPROPERTY_SYNTH_PORTPARAMETERS,
        KSPROPERTY_TYPE_GET,
        &bytes_of(&request(64, 2, 44_100)),
        &mut value,
    );
    assert_eq!(status, STATUS_SUCCESS);
    let mut groups = [0u8; 4];
    fresh.property(
        Target::MidiStream,
        &KSPROPSETID_Synth,
        KSPROPERTY_SYNTH_CHANNELGROUPS,
        KSPROPERTY_TYPE_GET,
        &[],
        &mut groups,
    );
    assert_eq!(u32::from_le_bytes(groups), 2);
}

#[test]
fn downloads_refuse_garbage_and_unload_refuses_bogus_handles() {
    let harness = ready();
    let garbage = [0u8; 64];
    let mut truncated = ::dls::download::build::build_downloads(&dc_collection(1), Default::default())
        .unwrap()[0]
        .bytes
        .clone();
    truncated.truncate(40);
    for bytes in [&garbage[..], &truncated[..]] {
        let instance = SYNTH_BUFFER {
            BufferSize: bytes.len() as u32,
            BufferAddress: bytes.as_ptr() as _,
        };
        let mut value = [0u8; 16];
        let (status, size) = harness.property(
            Target::MidiStream,
            &KSPROPSETID_Synth_Dls,
            KSPROPERTY_SYNTH_DLS_DOWNLOAD,
            KSPROPERTY_TYPE_GET,
            &bytes_of(&instance),
            &mut value,
        );
        assert!(!nt_success(status), "garbage accepted");
        assert_eq!(size, 0);
    }
    for handle in [0usize, 12_345, usize::MAX, 0xFFFF_FFFF_0000_0001] {
        assert_eq!(
            harness.unload(handle),
            STATUS_INVALID_HANDLE,
            "handle {handle:#x}"
        );
    }
}

#[test]
fn download_id_whose_handle_cannot_round_trip_is_refused() {
    // Handles are id + 1; id 0xFFFF_FFFF would make a handle a 32-bit caller cannot hold.
    let harness = ready();
    let buffers = ::dls::download::build::build_downloads(&dc_collection(1), Default::default()).unwrap();
    let mut bytes = buffers[0].bytes.clone();
    // DMUS_DOWNLOADINFO.dwDLId is at offset 4.
    bytes[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
    let bytes = &bytes;
    assert!(::dls::download::parse(bytes).is_ok(), "only the id is unusual");
    assert_eq!(::dls::download::header(bytes).unwrap().id, u32::MAX);
    let instance = SYNTH_BUFFER {
        BufferSize: bytes.len() as u32,
        BufferAddress: bytes.as_ptr() as _,
    };
    let mut value = [0u8; 16];
    let (status, size) = harness.property(
        Target::MidiStream,
        &KSPROPSETID_Synth_Dls,
        KSPROPERTY_SYNTH_DLS_DOWNLOAD,
        KSPROPERTY_TYPE_GET,
        &bytes_of(&instance),
        &mut value,
    );
    assert_eq!(status, STATUS_INVALID_PARAMETER);
    assert_eq!(size, 0);
}

#[test]
fn download_sizes_beyond_the_limit_are_refused_before_any_copy() {
    let harness = ready();
    let bytes = [0u8; 64];
    for size in [miniport::properties::MAX_DOWNLOAD_BYTES + 1, u32::MAX] {
        // The address is valid for 64 bytes only: the size must be refused before the capture.
        let instance = SYNTH_BUFFER {
            BufferSize: size,
            BufferAddress: bytes.as_ptr() as _,
        };
        let mut value = [0u8; 16];
        let (status, _) = harness.property(
            Target::MidiStream,
            &KSPROPSETID_Synth_Dls,
            KSPROPERTY_SYNTH_DLS_DOWNLOAD,
            KSPROPERTY_TYPE_GET,
            &bytes_of(&instance),
            &mut value,
        );
        assert_eq!(status, STATUS_INVALID_PARAMETER, "size {size}");
    }
}

#[test]
fn unloading_a_sounding_wave_is_safe() {
    let harness = ready();
    let handles = download(&harness, &dc_collection(4_000), 100);
    send(&harness, &[note(1, &[0x90, 60, 127])]);
    let mut position = 0;
    assert!(render(&harness, &mut position, 2).iter().any(|s| *s != 0));
    for &handle in handles.iter().rev() {
        assert_eq!(harness.unload(handle), STATUS_SUCCESS);
    }
    render(&harness, &mut position, 5);
    // Unloading twice is refused.
    assert_eq!(harness.unload(handles[0]), STATUS_INVALID_HANDLE);
}

#[test]
fn data_range_intersection_answers_both_pins() {
    let harness = ready();
    let vtable = unsafe { &*(*harness.miniport).lpVtbl };
    let descriptor = unsafe { &*harness.descriptor };
    let pins = unsafe { std::slice::from_raw_parts(descriptor.Pins, 2) };
    // Wave pin: a client range 8..44.1 kHz, up to 6 channels, 16 bits.
    let matching = unsafe { *pins[1].KsPinDescriptor.DataRanges };
    let mut client = unsafe { matching.cast::<KSDATARANGE_AUDIO>().read() };
    client.MaximumChannels = 6;
    client.MaximumSampleFrequency = 44_100;
    let mut result = [0u8; 128];
    let mut length = 0u32;
    let status = unsafe {
        (vtable.DataRangeIntersection)(
            harness.miniport,
            1,
            (&mut client as *mut KSDATARANGE_AUDIO).cast(),
            matching,
            0,
            result.as_mut_ptr().cast(),
            &mut length,
        )
    };
    assert_eq!((status, length), (STATUS_BUFFER_OVERFLOW, 82));
    let status = unsafe {
        (vtable.DataRangeIntersection)(
            harness.miniport,
            1,
            (&mut client as *mut KSDATARANGE_AUDIO).cast(),
            matching,
            128,
            result.as_mut_ptr().cast(),
            &mut length,
        )
    };
    assert_eq!(status, STATUS_SUCCESS);
    let format: KSDATAFORMAT_WAVEFORMATEX = unsafe {
        result
            .as_ptr()
            .cast::<KSDATAFORMAT_WAVEFORMATEX>()
            .read_unaligned()
    };
    let wave = format.WaveFormatEx;
    assert_eq!(
        (
            wave.nChannels,
            wave.nSamplesPerSec,
            wave.wBitsPerSample,
            wave.nBlockAlign
        ),
        (2, 44_100, 16, 4)
    );
    // Music pin: a DirectMusic client range.
    let music = unsafe { *pins[0].KsPinDescriptor.DataRanges };
    let mut client = unsafe { music.cast::<KSDATARANGE_MUSIC>().read() };
    let status = unsafe {
        (vtable.DataRangeIntersection)(
            harness.miniport,
            0,
            (&mut client as *mut KSDATARANGE_MUSIC).cast(),
            music,
            128,
            result.as_mut_ptr().cast(),
            &mut length,
        )
    };
    assert_eq!((status, length), (STATUS_SUCCESS, 64));
    // An audio range offered to the music pin does not match.
    let status = unsafe {
        (vtable.DataRangeIntersection)(
            harness.miniport,
            0,
            matching,
            music,
            128,
            result.as_mut_ptr().cast(),
            &mut length,
        )
    };
    assert_eq!(status, miniport::error::STATUS_NO_MATCH);
}

#[test]
fn sample_and_reference_time_are_inverse_through_the_abi() {
    let harness = ready();
    harness.clock().set(7_777_777);
    harness.sync_to_master(0, true);
    for frame in [0i64, 1, 479, 48_000, 1_234_567] {
        let time = harness.sample_to_ref_time(frame);
        assert_eq!(harness.ref_time_to_sample(time), frame);
    }
    assert_eq!(harness.sample_to_ref_time(48_000), 7_777_777 + 10_000_000);
    // The latency clock is never behind the master clock.
    let mut value = [0u8; 8];
    harness.property(
        Target::MidiStream,
        &KSPROPSETID_Synth,
        KSPROPERTY_SYNTH_LATENCYCLOCK,
        KSPROPERTY_TYPE_GET,
        &[],
        &mut value,
    );
    assert!(i64::from_le_bytes(value) >= 7_777_777);
}

#[test]
fn a_full_pending_queue_is_counted_logged_and_every_event_still_returns() {
    let mut harness = Harness::create(6_000, 0).unwrap();
    harness.init().unwrap();
    harness.describe().unwrap();
    harness.open_midi().unwrap();
    harness.open_wave(48_000, 2, SampleFormat::S16).unwrap();
    let warnings = platform::logged_warnings();
    let events: Vec<MidiEvent> = (0..5_000)
        .map(|k| note(1_000 + k, &[0x90, (k % 128) as u8, 1]))
        .collect();
    send(&harness, &events);
    let counters = harness.allocator().counters();
    assert_eq!((counters.events_out, counters.events_back), (5_000, 5_000));
    let overflow = 5_000 - miniport::stream::PENDING_CAPACITY as u32;
    assert!(platform::logged_warnings() > warnings, "the loss is logged");
    let mut stats = [0u8; 28];
    let (status, _) = harness.property(
        Target::MidiStream,
        &KSPROPSETID_Synth,
        KSPROPERTY_SYNTH_RUNNINGSTATS,
        KSPROPERTY_TYPE_GET,
        &[],
        &mut stats,
    );
    assert_eq!(status, STATUS_SUCCESS);
    let stats: SYNTH_STATS = unsafe { stats.as_ptr().cast::<SYNTH_STATS>().read_unaligned() };
    assert!(stats.LostNotes >= overflow, "{stats:?}");
}

/// The port's sequencer DPC (PutMessage) and its sink thread (Render) run at once on two threads:
/// no deadlock, no lost event, no allocation at DISPATCH_LEVEL.
#[test]
fn put_message_and_render_run_concurrently() {
    let harness = ready();
    let before = platform::dispatch_allocations();
    std::thread::scope(|scope| {
        let shared = &harness;
        scope.spawn(move || {
            let harness = shared;
            for k in 0..if cfg!(miri) { 30i64 } else { 300 } {
                let key = (k % 64) as u8 + 30;
                send(
                    harness,
                    &[
                        note(k * 20_000 + 1, &[0x90, key, 90]),
                        note(k * 20_000 + 15_000, &[0x80, key, 0]),
                    ],
                );
            }
        });
        scope.spawn(move || {
            let harness = shared;
            let mut position = 0;
            for _ in 0..if cfg!(miri) { 2 } else { 20 } {
                render(harness, &mut position, 10);
            }
        });
    });
    let counters = harness.allocator().counters();
    let sent = if cfg!(miri) { 60 } else { 600 };
    assert_eq!((counters.events_out, counters.events_back), (sent, sent));
    assert_eq!(platform::dispatch_allocations(), before);
}

/// Closing and reopening the MIDI pin of a filter pairs the new stream with the running wave sink.
#[test]
fn a_reopened_midi_pin_drives_the_same_synth() {
    let mut harness = ready();
    unsafe {
        harness
            .transition(harness.midi, KSSTATE_STOP, KSSTATE_RUN)
            .unwrap()
    };
    unsafe { release(harness.midi) };
    harness.midi = null_mut();
    harness.open_midi().unwrap();
    unsafe {
        harness
            .transition(harness.midi, KSSTATE_RUN, KSSTATE_STOP)
            .unwrap()
    };
    send(&harness, &[note(1, &[0x90, 60, 127])]);
    let mut position = 0;
    assert!(
        render(&harness, &mut position, 2).iter().any(|s| *s != 0),
        "the new MIDI stream reaches the old sink"
    );
    assert_eq!(
        unsafe { reference_count(harness.miniport) },
        2,
        "still one synth instance"
    );
}

/// Arbitrary property requests (any item, verb bits, instance and value sizes and contents, any
/// target) never crash, never write past ValueSize, and never report more than they may.
#[test]
fn arbitrary_property_requests_are_answered_safely() {
    let harness = ready();
    let descriptor = unsafe { &*harness.descriptor };
    let table = unsafe { &*(*descriptor.Nodes).AutomationTable };
    let items = unsafe { std::slice::from_raw_parts(table.Properties, table.PropertyCount as usize) };
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let download_source = vec![0x5Au8; 4096];
    let iterations = if cfg!(miri) { 300 } else { 20_000 };
    for _ in 0..iterations {
        let item = &items[(next() % items.len() as u64) as usize];
        let set = unsafe { *item.Set };
        let verb = [
            KSPROPERTY_TYPE_GET,
            KSPROPERTY_TYPE_SET,
            KSPROPERTY_TYPE_BASICSUPPORT,
            0,
            0x7FFF_FFFF,
        ][(next() % 5) as usize];
        let mut instance: Vec<u8> = (0..next() % 40).map(|_| next() as u8).collect();
        if set == KSPROPSETID_Synth_Dls && item.Id == KSPROPERTY_SYNTH_DLS_DOWNLOAD && instance.len() >= 8 {
            // A caller's address must point at readable memory on the host (the kernel probes it
            // instead): a real buffer in the 64-bit layout, a null one in the 32-bit layout.
            let size = (next() % 4096) as u32;
            instance[..4].copy_from_slice(&size.to_le_bytes());
            if instance.len() >= 16 {
                instance[8..16].copy_from_slice(&(download_source.as_ptr() as usize).to_le_bytes());
            } else {
                instance[4..8].copy_from_slice(&0u32.to_le_bytes());
            }
        }
        let capacity = (next() % 320) as usize;
        let mut value: Vec<u8> = (0..capacity + 64).map(|_| next() as u8).collect();
        let guard = value[capacity..].to_vec();
        let value_size = if next() % 4 == 0 { 0 } else { capacity as u32 };
        let target = [
            Target::MidiStream,
            Target::WaveStream,
            Target::Filter,
            Target::Nothing,
        ][(next() % 4) as usize];
        let (status, size) =
            harness.property_sized(target, &set, item.Id, verb, &instance, &mut value, value_size);
        assert_eq!(&value[capacity..], &guard[..], "wrote past the value buffer");
        if nt_success(status) && status != STATUS_BUFFER_OVERFLOW {
            assert!(size <= value_size, "claims {size} bytes of {value_size}");
        }
    }
    // Still alive and playing.
    send(&harness, &[note(1, &[0x90, 60, 127])]);
    let mut position = 0;
    render(&harness, &mut position, 1);
    let counters = harness.allocator().counters();
    assert_eq!(counters.events_out, counters.events_back);
}
