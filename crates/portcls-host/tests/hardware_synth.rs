//! The hardware-synth mode (issue 9) seen from outside: the miniport created with
//! `SynthMode::HardwareSynth`, driven through its C ABI, audio through `HardwareSynth::render_into`.
//! The leak checks are in `hardware_synth_leaks.rs` (a binary of one test).
#![allow(clippy::all, clippy::undocumented_unsafe_blocks, missing_docs)]

mod common;

use common::*;
use miniport::SynthMode;
use portcls_host::harness::release;
use portcls_host::unpack::MidiEvent;
use portcls_host::{GuardedAllocator, HostPort, PortConfig, platform};
use portcls_sys::STATUS_SUCCESS;

#[global_allocator]
static ALLOCATOR: GuardedAllocator = GuardedAllocator;

/// The allocation counters are process-wide: the tests of this binary run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

const MODES: [SynthMode; 2] = [SynthMode::Classic, SynthMode::HardwareSynth];

/// A4 on the 440 Hz sine instrument sounds at 440 Hz within 1 cent, in both modes.
#[test]
#[cfg_attr(miri, ignore = "renders seconds of audio: too slow under Miri")]
fn pitch_is_within_one_cent_in_both_modes() {
    let _serial = serial();
    for mode in MODES {
        let mut port = HostPort::open(&config(mode)).unwrap();
        port.download(&sine_collection()).unwrap();
        port.schedule_midi(1_000_000, 1, &[0x90, 69, 100]);
        let left = render_left(&mut port, 200);
        // 0.5 s on: past the attack.
        let frequency = portcls_host::measure::fft_peak_hz(&left[24_000..], 48_000.0);
        let cents = 1200.0 * (frequency / 440.0).log2();
        eprintln!("{mode:?}: {frequency:.4} Hz, {cents:+.4} cents");
        assert!(cents.abs() < 1.0, "{mode:?}: {frequency:.3} Hz, {cents:.3} cents");
        if mode == SynthMode::HardwareSynth {
            assert!(port.ticks() > 900, "rendered in ticks: {}", port.ticks());
        }
        let accounting = port.close().unwrap();
        assert_eq!(accounting.events_out, accounting.events_back);
        assert_eq!(accounting.leaked_references, 0);
    }
    assert_eq!(platform::dispatch_allocations(), 0);
}

/// Notes stamped at reference times off the frame grid start exactly at the frame that time
/// falls on (round(t · 48000 / 10^7), the master clock running with the frames), in both modes;
/// in hardware-synth mode through jittered render ticks (tick edges fall anywhere relative to the
/// notes). Every event comes back to the allocator.
#[test]
#[cfg_attr(miri, ignore = "renders seconds of audio: too slow under Miri")]
fn onsets_land_on_the_exact_sample_in_both_modes() {
    let _serial = serial();
    for mode in MODES {
        for seed in [1u64, 7, 1234] {
            let mut port = open_dc(&PortConfig {
                jitter_seed: seed,
                ..config(mode)
            });
            let times: Vec<i64> = (0..12)
                .map(|k| 1_000_000 + k * 1_733_337 + seed as i64 * 97)
                .collect();
            for &time in &times {
                port.schedule_midi(time, 1, &[0x90, 60, 127]);
                port.schedule_midi(time + 800_000, 1, &[0x80, 60, 0]);
            }
            // The sustained DC note is silent only outside notes (release cut by the next onset).
            let left = render_left(&mut port, 500);
            let mut onsets = Vec::new();
            let mut sounding = false;
            for (frame, &sample) in left.iter().enumerate() {
                if sample != 0.0 && !sounding {
                    onsets.push(frame as i64);
                }
                sounding = sample != 0.0;
            }
            let expected: Vec<i64> = times
                .iter()
                .map(|&t| (t as f64 * 48_000.0 / 1e7).round() as i64)
                .collect();
            assert_eq!(onsets, expected, "{mode:?} seed {seed}");
            for (&time, &frame) in times.iter().zip(&expected) {
                assert_eq!(port.ref_time_to_sample(time), frame, "{mode:?}: RefTimeToSample");
            }
            let accounting = port.close().unwrap();
            assert_eq!(accounting.events_out, 2 * times.len() as u64);
            assert_eq!(accounting.events_back, accounting.events_out);
            assert_eq!(accounting.leaked_references, 0);
        }
    }
    assert_eq!(platform::dispatch_allocations(), 0);
}

/// The steady level of a note on program 0 (0.2 s in, 0.1 s long): middle C at full velocity.
fn steady_level(port: &mut HostPort) -> f32 {
    let start = port.master_time_100ns() + 100_000;
    port.schedule_midi(start, 1, &[0x90, 60, 127]);
    port.schedule_midi(start + 3_000_000, 1, &[0x80, 60, 0]);
    let left = render_left(port, 60);
    let level = left[9_600..14_400].iter().fold(0.0f32, |m, s| m.max(s.abs()));
    let min = left[9_600..14_400].iter().fold(f32::MAX, |m, s| m.min(s.abs()));
    assert!((level - min) / level < 0.01, "not steady: {min}..{level}");
    // Let the release finish.
    render_left(port, 50);
    level
}

/// A GM-flagged default instrument (hardware-synth: installed by the adapter through
/// `with_engine`; classic: downloaded with the GM flag) yields to a DirectMusic download of the
/// same patch; unloading the download brings the default back. Levels: DC 4000 vs 16000, ratio 4.
#[test]
#[cfg_attr(miri, ignore = "renders seconds of audio: too slow under Miri")]
fn downloads_override_the_default_and_unloading_restores_it_in_both_modes() {
    let _serial = serial();
    for mode in MODES {
        let mut port = HostPort::open(&config(mode)).unwrap();
        let mut default = dc_collection(4_000);
        default.instruments[0].gm_instrument = true;
        match mode {
            SynthMode::HardwareSynth => {
                let synth = port.hardware().unwrap();
                synth
                    .with_engine(|engine| install_default(engine, default))
                    .unwrap();
            }
            SynthMode::Classic => {
                port.download(&default).unwrap();
            }
        }
        let default_level = steady_level(&mut port);
        let report = port.download(&dc_collection(16_000)).unwrap();
        let override_level = steady_level(&mut port);
        for &handle in report.handles.iter().rev() {
            assert_eq!(port.unload(handle), STATUS_SUCCESS);
        }
        let restored_level = steady_level(&mut port);
        eprintln!("{mode:?}: default {default_level}, override {override_level}, restored {restored_level}");
        assert!(default_level > 0.01, "{mode:?}: default silent");
        let ratio = override_level / default_level;
        assert!((ratio - 4.0).abs() < 0.04, "{mode:?}: override/default {ratio}");
        assert_eq!(restored_level, default_level, "{mode:?}: default back");
        let accounting = port.close().unwrap();
        assert_eq!(accounting.events_back, accounting.events_out);
        assert_eq!(accounting.unload_failures, 0);
    }
    assert_eq!(platform::dispatch_allocations(), 0);
}

/// Sends `events` on `stream` as one chain of `allocator`'s events, at DISPATCH_LEVEL.
fn put(stream: portcls_sys::PMXF, allocator: &portcls_host::objects::EventAllocator, events: &[MidiEvent]) {
    let (chain, _) = portcls_host::unpack::to_kernel_events(allocator, events);
    assert!(!chain.is_null());
    let _dispatch = portcls_host::raise_irql(miniport::Irql::DISPATCH);
    let status = unsafe { ((*(*stream).lpVtbl).PutMessage)(stream, chain) };
    assert_eq!(status, STATUS_SUCCESS);
}

fn note(time: i64, key: u8) -> MidiEvent {
    MidiEvent {
        time,
        channel_group: 1,
        bytes: vec![0x90, key, 127],
    }
}

/// Onsets (first non-zero left sample after silence) in `left`, offset by `first`.
fn onsets(left: &[f32], first: i64) -> Vec<i64> {
    let mut found = Vec::new();
    let mut sounding = false;
    for (frame, &sample) in left.iter().enumerate() {
        if sample != 0.0 && !sounding {
            found.push(first + frame as i64);
        }
        sounding = sample != 0.0;
    }
    found
}

/// Two applications (two MIDI streams, each with its own allocator) play into the one engine of
/// the hardware-synth miniport: both are heard; each stream's events go back to its own
/// allocator; `midi_running` is true while either is in RUN; a STOP on one drops only its own
/// queued events (the other's still play at their frame).
#[test]
#[cfg_attr(miri, ignore = "renders audio: too slow under Miri")]
fn several_midi_streams_share_the_hardware_synth() {
    let _serial = serial();
    let mut port = open_dc(&config(SynthMode::HardwareSynth));
    let synth = port.hardware().unwrap().clone();
    assert!(synth.midi_running(), "the port put its MIDI pin in RUN");
    let harness = port.harness();
    let first = harness.midi;
    let second_allocator = portcls_host::objects::EventAllocator::create(64, 16, 4096);
    let mut music = portcls_host::harness::music_format();
    let (status, second, _) = unsafe {
        harness.new_stream_raw(
            0,
            portcls_sys::DMUS_STREAM_MIDI_RENDER,
            &mut music,
            second_allocator.cast(),
            harness.clock.cast(),
        )
    };
    assert_eq!(
        status, STATUS_SUCCESS,
        "a second MIDI stream attaches to the same synth"
    );
    let allocator = unsafe { &*second_allocator };
    assert!(
        allocator.references() >= 2,
        "the second stream keeps its allocator"
    );
    unsafe { harness.transition(second, portcls_sys::KSSTATE_RUN, portcls_sys::KSSTATE_STOP) }.unwrap();

    // Both streams queue notes (released quickly, far apart); then the first stream stops.
    let off = |time: i64, key: u8| MidiEvent {
        time,
        channel_group: 1,
        bytes: vec![0x80, key, 0],
    };
    let first_times = [2_000_000i64, 6_000_000];
    let second_times = [4_000_000i64, 8_000_000];
    put(
        first,
        harness.allocator(),
        &[note(first_times[0], 60), off(first_times[0] + 500_000, 60)],
    );
    put(
        second,
        allocator,
        &[note(second_times[0], 62), off(second_times[0] + 500_000, 62)],
    );
    let mut left = render_left(&mut port, 50); // 0.5 s: both first notes
    // Queued for later: one note on each stream; then STOP the first stream.
    let harness = port.harness();
    put(
        first,
        harness.allocator(),
        &[note(first_times[1], 60), off(first_times[1] + 500_000, 60)],
    );
    put(
        second,
        allocator,
        &[note(second_times[1], 62), off(second_times[1] + 500_000, 62)],
    );
    unsafe { harness.transition(first, portcls_sys::KSSTATE_STOP, portcls_sys::KSSTATE_RUN) }.unwrap();
    assert!(synth.midi_running(), "the second stream still runs");
    left.extend(render_left(&mut port, 50));
    let expected = |t: i64| (t as f64 * 48_000.0 / 1e7).round() as i64;
    assert_eq!(
        onsets(&left, 0),
        vec![
            expected(first_times[0]),
            expected(second_times[0]),
            expected(second_times[1])
        ],
        "the stopped stream's queued note is dropped, the other stream's plays"
    );
    let harness = port.harness();
    unsafe { harness.transition(second, portcls_sys::KSSTATE_PAUSE, portcls_sys::KSSTATE_RUN) }.unwrap();
    assert!(!synth.midi_running(), "no MIDI pin in RUN");
    unsafe { harness.transition(second, portcls_sys::KSSTATE_STOP, portcls_sys::KSSTATE_PAUSE) }.unwrap();
    let counters = allocator.counters();
    assert_eq!((counters.events_out, counters.events_back), (4, 4));
    unsafe { release(second) };
    assert_eq!(
        allocator.references(),
        1,
        "released with its stream (the synth outlives it)"
    );
    unsafe { portcls_host::objects::EventAllocator::destroy(second_allocator) };
    // The port restarts its own stream (the pin's state is its own).
    unsafe { harness.transition(first, portcls_sys::KSSTATE_RUN, portcls_sys::KSSTATE_STOP) }.unwrap();
    assert!(synth.midi_running());
    drop(synth);
    let accounting = port.close().unwrap();
    assert_eq!(accounting.events_back, accounting.events_out);
    assert_eq!(accounting.leaked_references, 0);
    assert_eq!(platform::dispatch_allocations(), 0);
}

/// `render_into` at a position that does not continue the last call (the capture stream
/// restarted at 0 half a second later) maps that position to the master clock's now afresh: a
/// note stamped 10 ms after that moment sounds 480 frames into the new axis.
#[test]
#[cfg_attr(miri, ignore = "renders audio: too slow under Miri")]
fn a_restarted_stream_axis_restarts_the_mapping() {
    let _serial = serial();
    let mut port = open_dc(&config(SynthMode::HardwareSynth));
    render_left(&mut port, 20);
    let restart = port.master_time_100ns() + 5_000_000;
    let harness = port.harness();
    harness.clock().set(restart);
    put(harness.midi, harness.allocator(), &[note(restart + 100_000, 60)]);
    let mut out = vec![0.0f32; 2 * 2048];
    port.hardware().unwrap().render_into(0, &mut out);
    let left: Vec<f32> = out.chunks_exact(2).map(|frame| frame[0]).collect();
    assert_eq!(onsets(&left, 0), vec![480]);
    assert_eq!(port.ref_time_to_sample(restart + 100_000), 480);
    port.close().unwrap();
}

/// A render thread as ADR 002 has it: woken every 2 ms ± 1 ms (master time `T`), the capture
/// stream's frame `C = floor(T · 48000 / 10^7)`, rendering `[cursor, C + lead)` with a 5 ms lead,
/// split in two calls where it crosses a (simulated) 100 ms buffer wrap. Returns the onset of
/// every note minus the frame its reference time falls on.
fn onset_errors_with_a_leading_render_thread(report_positions: bool) -> Vec<i64> {
    let port = open_dc(&config(SynthMode::HardwareSynth));
    let synth = port.hardware().unwrap().clone();
    let harness = port.harness();
    let times: Vec<i64> = (0..40).map(|k| 3_000_000 + k * 1_234_567).collect();
    let events: Vec<MidiEvent> = times
        .iter()
        .flat_map(|&t| {
            [
                note(t, 60),
                MidiEvent {
                    time: t + 500_000,
                    channel_group: 1,
                    bytes: vec![0x80, 60, 0],
                },
            ]
        })
        .collect();
    let lead = 240u64;
    let mut output = vec![0.0f32; 60 * 48_000];
    let mut cursor = 0u64;
    let mut time = 0i64;
    let mut jitter = 0x2545_F491_4F6C_DD1Du64;
    let mut sent = false;
    while cursor + 4_800 < output.len() as u64 {
        jitter ^= jitter << 13;
        jitter ^= jitter >> 7;
        jitter ^= jitter << 17;
        time += 10_000 + (jitter % 20_001) as i64; // 1..3 ms
        harness.clock().set(time);
        let capture = (time as i128 * 48_000 / 10_000_000) as u64;
        if !sent && time > 1_000_000 {
            // The application sends everything early, stamped (as DirectMusic does).
            put(harness.midi, harness.allocator(), &events);
            sent = true;
        }
        if report_positions {
            synth.sync_position(capture);
        }
        let end = capture + lead;
        while cursor < end {
            let wrap = (cursor / 4_800 + 1) * 4_800;
            let piece_end = end.min(wrap);
            let out = &mut output[cursor as usize..piece_end as usize];
            let mut stereo = vec![0.0f32; out.len() * 2];
            synth.render_into(cursor, &mut stereo);
            for (sample, frame) in out.iter_mut().zip(stereo.chunks_exact(2)) {
                *sample = frame[0];
            }
            cursor = piece_end;
        }
        if report_positions && cursor > 48_000 {
            // DirectMusic schedules no earlier than the latency clock: the end of what is
            // rendered, i.e. now + the lead (5 ms = 50,000 ticks, within a frame: the reported
            // frame is the one that began before now), never in the past.
            let mut value = [0u8; 8];
            let (status, _) = harness.property(
                portcls_host::Target::MidiStream,
                &portcls_sys::KSPROPSETID_Synth,
                portcls_sys::KSPROPERTY_SYNTH_LATENCYCLOCK,
                portcls_sys::KSPROPERTY_TYPE_GET,
                &[],
                &mut value,
            );
            assert_eq!(status, STATUS_SUCCESS);
            let ahead = i64::from_le_bytes(value) - time;
            assert!(
                (49_750..=50_250).contains(&ahead),
                "latency clock {ahead} ticks ahead"
            );
        }
    }
    drop(synth);
    let found = onsets(&output, 0);
    assert_eq!(found.len(), times.len(), "onsets {found:?}");
    let accounting = port.close().unwrap();
    assert_eq!(accounting.events_back, accounting.events_out);
    found
        .iter()
        .zip(&times)
        .map(|(&onset, &t)| onset - (t as f64 * 48_000.0 / 1e7).round() as i64)
        .collect()
}

/// With the renderer reporting the capture position (`sync_position`), notes land on the frame
/// their reference time is captured at, within one frame, despite the 5 ms lead, the ±1 ms tick
/// jitter and split calls. Without the reports, `render_into`'s own positions drive the
/// mapping: the notes come later by about the lead minus a tick, steadily (the phase lock
/// smooths the jitter).
#[test]
#[cfg_attr(miri, ignore = "renders a minute of audio: too slow under Miri")]
fn a_leading_jittered_render_thread_keeps_notes_on_their_frames() {
    let _serial = serial();
    let reported = onset_errors_with_a_leading_render_thread(true);
    let unreported = onset_errors_with_a_leading_render_thread(false);
    eprintln!("with sync_position: {reported:?}");
    eprintln!("without: {unreported:?}");
    assert!(reported.iter().all(|error| error.abs() <= 1), "{reported:?}");
    let (min, max) = (
        *unreported.iter().min().unwrap(),
        *unreported.iter().max().unwrap(),
    );
    assert!(min >= 0 && max <= 240, "{unreported:?}");
    assert!(max - min <= 4, "spread {min}..{max}");
}

/// With reported capture positions, an axis that jumps forward (the pump switching from its
/// discard clock to a capture stream further on) or back restarts the mapping: a note stamped
/// 10 ms after the jump sounds 480 frames after the reported frame.
#[test]
#[cfg_attr(miri, ignore = "renders audio: too slow under Miri")]
fn a_jump_in_the_reported_positions_restarts_the_mapping() {
    let _serial = serial();
    for jump in [1_000_000i64, -10_000] {
        let port = open_dc(&config(SynthMode::HardwareSynth));
        let synth = port.hardware().unwrap().clone();
        let harness = port.harness();
        let mut out = vec![0.0f32; 2 * 96];
        // 100 ticks of 2 ms on a first axis.
        let mut time = 0i64;
        let mut frame = 100_000i64;
        for _ in 0..100 {
            time += 20_000;
            frame += 96;
            harness.clock().set(time);
            synth.sync_position(frame as u64);
            synth.render_into(frame as u64, &mut out);
        }
        // The axis jumps; a note 10 ms later.
        time += 20_000;
        let reported = (frame + 96 + jump) as u64;
        harness.clock().set(time);
        put(harness.midi, harness.allocator(), &[note(time + 100_000, 60)]);
        synth.sync_position(reported);
        let mut block = vec![0.0f32; 2 * 2048];
        synth.render_into(reported, &mut block);
        let left: Vec<f32> = block.chunks_exact(2).map(|frame| frame[0]).collect();
        assert_eq!(
            onsets(&left, reported as i64),
            vec![reported as i64 + 480],
            "jump {jump}"
        );
        drop(synth);
        port.close().unwrap();
    }
}

fn port_parameters(
    port: &HostPort,
    voices: u32,
    groups: u32,
) -> (portcls_sys::NTSTATUS, portcls_sys::SYNTH_PORTPARAMS) {
    let requested = portcls_sys::SYNTH_PORTPARAMS {
        ValidParams: portcls_sys::SYNTH_PORTPARAMS_VOICES | portcls_sys::SYNTH_PORTPARAMS_CHANNELGROUPS,
        Voices: voices,
        ChannelGroups: groups,
        AudioChannels: 2,
        SampleRate: 48_000,
        EffectsFlags: 0,
        Share: 0,
    };
    let instance = unsafe {
        std::slice::from_raw_parts(
            (&requested as *const portcls_sys::SYNTH_PORTPARAMS).cast::<u8>(),
            std::mem::size_of::<portcls_sys::SYNTH_PORTPARAMS>(),
        )
    };
    let mut value = vec![0u8; std::mem::size_of::<portcls_sys::SYNTH_PORTPARAMS>()];
    let (status, _) = port.harness().property(
        portcls_host::Target::MidiStream,
        &portcls_sys::KSPROPSETID_Synth,
        portcls_sys::KSPROPERTY_SYNTH_PORTPARAMETERS,
        portcls_sys::KSPROPERTY_TYPE_GET,
        instance,
        &mut value,
    );
    let granted = unsafe {
        value
            .as_ptr()
            .cast::<portcls_sys::SYNTH_PORTPARAMS>()
            .read_unaligned()
    };
    (status, granted)
}

fn set_channel_groups(port: &HostPort, groups: u32) -> portcls_sys::NTSTATUS {
    let mut value = groups.to_le_bytes();
    port.harness()
        .property(
            portcls_host::Target::MidiStream,
            &portcls_sys::KSPROPSETID_Synth,
            portcls_sys::KSPROPERTY_SYNTH_CHANNELGROUPS,
            portcls_sys::KSPROPERTY_TYPE_SET,
            &[],
            &mut value,
        )
        .0
}

/// Hardware-synth mode: a client's PORTPARAMETERS or CHANNELGROUPS cannot rebuild the shared
/// engine (which would drop the default collection the adapter installed): the engine's counts
/// are granted (`STATUS_NOT_ALL_ASSIGNED`), fewer channel groups are accepted, more refused, and
/// the default instrument still plays afterwards. Classic mode still rebuilds (no download yet).
#[test]
#[cfg_attr(miri, ignore = "renders audio: too slow under Miri")]
fn a_client_cannot_rebuild_the_shared_engine() {
    let _serial = serial();
    let mut port = HostPort::open(&config(SynthMode::HardwareSynth)).unwrap();
    let mut default = dc_collection(4_000);
    default.instruments[0].gm_instrument = true;
    port.hardware()
        .unwrap()
        .with_engine(|engine| install_default(engine, default))
        .unwrap();
    let before = port
        .hardware()
        .unwrap()
        .with_engine(|engine| engine.config().clone())
        .unwrap();
    let (status, granted) = port_parameters(&port, 48, 2);
    assert_eq!(status, portcls_sys::STATUS_NOT_ALL_ASSIGNED);
    assert_eq!(
        (granted.Voices, granted.ChannelGroups),
        (before.voices, before.channel_groups)
    );
    assert_eq!(
        set_channel_groups(&port, 4),
        STATUS_SUCCESS,
        "fewer groups: served already"
    );
    assert_eq!(
        set_channel_groups(&port, before.channel_groups + 1),
        portcls_sys::STATUS_INVALID_DEVICE_STATE
    );
    let after = port
        .hardware()
        .unwrap()
        .with_engine(|engine| engine.config().clone())
        .unwrap();
    assert_eq!(
        (after.voices, after.channel_groups),
        (before.voices, before.channel_groups)
    );
    assert!(steady_level(&mut port) > 0.01, "the default collection survived");
    port.close().unwrap();

    let classic = HostPort::open(&config(SynthMode::Classic)).unwrap();
    let (status, granted) = port_parameters(&classic, 48, 2);
    assert_eq!(status, STATUS_SUCCESS);
    assert_eq!((granted.Voices, granted.ChannelGroups), (48, 2));
    classic.close().unwrap();
}

/// Hardware-synth mode has no wave sink: should anything call `ISynthSinkDMus::Render` or
/// `SyncToMaster` on the MIDI stream (it answers the interface), the buffer is left untouched and
/// the engine and the mapping are not disturbed (a note still lands on its exact frame).
#[test]
#[cfg_attr(miri, ignore = "renders audio: too slow under Miri")]
fn render_and_sync_to_master_on_the_midi_stream_do_nothing_in_hardware_synth_mode() {
    let _serial = serial();
    let mut port = open_dc(&config(SynthMode::HardwareSynth));
    let time = 2_345_678;
    port.schedule_midi(time, 1, &[0x90, 60, 127]);
    let mut left = render_left(&mut port, 10);
    let harness = port.harness();
    let warnings = portcls_host::platform::logged_warnings();
    let mut buffer = vec![0xA5u8; 480 * 8];
    harness.render(&mut buffer, 480, 0, 8);
    assert!(
        buffer.iter().all(|&byte| byte == 0xA5),
        "Render wrote into the buffer"
    );
    assert!(
        portcls_host::platform::logged_warnings() > warnings,
        "the stray Render is logged"
    );
    assert_eq!(harness.sync_to_master(123_456_789, true), STATUS_SUCCESS);
    assert_eq!(harness.sync_to_master(987_654_321, false), STATUS_SUCCESS);
    left.extend(render_left(&mut port, 50));
    assert_eq!(
        onsets(&left, 0),
        vec![(time as f64 * 48_000.0 / 1e7).round() as i64]
    );
    port.close().unwrap();
}
