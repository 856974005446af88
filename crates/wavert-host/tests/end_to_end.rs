//! End to end through both C ABIs, as on Windows in hardware-synth mode: a DMus miniport opened by
//! `portcls-host`'s port stand-in (download, MIDI pin in RUN, `PutMessage` at DISPATCH_LEVEL with
//! reference-time stamps) shares its `HardwareSynth` with the WaveRT miniport; the pump renders it
//! into the cyclic buffer that the simulated audio engine records. Notes stamped at reference time
//! `T` are recorded at the capture frame `floor(T · 48000 / 10⁷)` or the next (the capture position
//! is reported in whole frames), with their pitch, in both formats; every event goes back to the
//! port's allocator.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss,
    missing_docs
)]

use dls::model::{Collection, LoopKind};
use miniport::{Irql, SynthMode};
use portcls_host::unpack::{MidiEvent, to_kernel_events};
use portcls_host::{HostPort, PortConfig, raise_irql};
use portcls_sys::STATUS_SUCCESS;
use synth::test_support::{channel, looped, one_instrument};
use wavert::PumpConfig;
use wavert::format::SampleFormat;
use wavert_host::WaveRtHost;
use wavert_host::measure::{cents, fft_peak_hz};
use wavert_host::session::{self, FORMATS_AND_READERS, Reader, Schedule};

/// One instrument on every key whose wave is `data` at 48 kHz, looped whole, unity key 60.
fn collection(data: Vec<i16>) -> Collection {
    let length = data.len() as u32;
    one_instrument(looped(48_000, data, 0, length, LoopKind::Forward))
}

fn midi(time: i64, bytes: [u8; 3]) -> MidiEvent {
    MidiEvent {
        time,
        channel_group: 1,
        bytes: bytes.to_vec(),
    }
}

/// Runs `seconds` of capture with `events` sent (stamped, early, as DirectMusic does) 100 ms
/// after RUN; the master clock reads the time since RUN. Returns the recorded left channel.
fn record(
    format: SampleFormat,
    reader: Reader,
    wave: Vec<i16>,
    events: &[MidiEvent],
    seconds: u64,
) -> Vec<f32> {
    let mut port = HostPort::open(&PortConfig {
        mode: SynthMode::HardwareSynth,
        reverb: false,
        chorus: false,
        format: portcls_host::SampleFormat::F32,
        ..PortConfig::default()
    })
    .unwrap();
    port.download(&collection(wave)).unwrap();
    let synth = port.hardware().unwrap().clone();
    let mut host = WaveRtHost::create(synth, PumpConfig::default(), 9_000_000).unwrap();
    host.new_stream(1, true, &wavert_host::host::format_bytes(format))
        .unwrap();
    host.allocate(2, 960 * format.frame_bytes() as u32).unwrap();
    assert_eq!(host.register_event(), STATUS_SUCCESS);
    let mut schedule = Schedule::typical(seconds);
    schedule.reader = reader;
    let harness = port.harness();
    let mut sent = false;
    let captured = session::run_with(&mut host, &schedule, |t| {
        harness.clock().set(t as i64);
        if !sent && t >= 1_000_000 {
            let (chain, _) = to_kernel_events(harness.allocator(), events);
            assert!(!chain.is_null());
            let _dispatch = raise_irql(Irql::DISPATCH);
            // SAFETY: the harness's live MIDI stream; the chain comes from its allocator.
            let status = unsafe { ((*(*harness.midi).lpVtbl).PutMessage)(harness.midi, chain) };
            assert_eq!(status, STATUS_SUCCESS);
            sent = true;
        }
    });
    assert!(sent);
    assert_eq!(host.pump().stats().underruns, 0);
    assert_eq!(host.teardown(), wavert_host::Accounting::default());
    let accounting = port.close().unwrap();
    assert_eq!(
        accounting.events_back, accounting.events_out,
        "every event back to the port"
    );
    assert!(accounting.events_out >= events.len() as u64);
    channel(&captured.samples(), 0)
}

/// Onsets (first non-zero left sample after silence).
fn onsets(left: &[f32]) -> Vec<i64> {
    let mut found = Vec::new();
    let mut sounding = false;
    for (frame, &sample) in left.iter().enumerate() {
        if sample != 0.0 && !sounding {
            found.push(frame as i64);
        }
        sounding = sample != 0.0;
    }
    found
}

#[test]
fn midi_stamped_at_t_is_recorded_at_the_frame_captured_at_t() {
    for (format, reader) in FORMATS_AND_READERS {
        // 20 notes of 50 ms, irregularly spaced, from 0.3 s on.
        let times: Vec<i64> = (0..20).map(|k| 3_000_000 + k * 1_234_567).collect();
        let events: Vec<MidiEvent> = times
            .iter()
            .flat_map(|&t| [midi(t, [0x90, 60, 127]), midi(t + 500_000, [0x80, 60, 0])])
            .collect();
        let left = record(format, reader, vec![16_000; 4_800], &events, 26);
        let found = onsets(&left);
        assert_eq!(found.len(), times.len(), "{format:?}: onsets {found:?}");
        let errors: Vec<i64> = found
            .iter()
            .zip(&times)
            // The frame being captured at T: floor(T · 48000 / 10⁷), as the stream clock counts.
            .map(|(&onset, &t)| onset - (i128::from(t) * 48_000 / 10_000_000) as i64)
            .collect();
        println!("{format:?}: onset − expected frame: {errors:?}");
        // The capture position is reported in whole frames at the tick's time, so the reference
        // clock ↔ frame phase lock is exact to within that one frame: the note lands on the frame
        // captured at T or the next one, never earlier, never later.
        assert!(
            errors.iter().all(|&error| (0..=1).contains(&error)),
            "{format:?}: {errors:?}"
        );
        assert!(
            errors.iter().filter(|&&error| error == 0).count() >= errors.len() / 2,
            "{format:?}: {errors:?}"
        );
    }
}

#[test]
fn the_recorded_note_has_its_pitch() {
    // A 48 kHz sine of period 100 frames (480 Hz at unity key 60); key 72 plays 960 Hz.
    let sine: Vec<i16> = (0..4_800)
        .map(|n| ((n as f64 * std::f64::consts::TAU / 100.0).sin() * 20_000.0) as i16)
        .collect();
    for format in [SampleFormat::Float32, SampleFormat::Pcm16] {
        let events = [midi(3_000_000, [0x90, 72, 127]), midi(13_000_000, [0x80, 72, 0])];
        let left = record(
            format,
            Reader::Poll {
                period: 100_000,
                jitter: 10_000,
            },
            sine.clone(),
            &events,
            2,
        );
        let start = 14_400 + 2_400; // 0.3 s + 50 ms of attack
        let hz = fft_peak_hz(&left[start..start + 32_768], 48_000.0);
        let off = cents(hz, 960.0);
        println!("{format:?}: {hz:.4} Hz ({off:+.4} cents)");
        assert!(off.abs() < 1.0, "{format:?}: {hz} Hz");
    }
}
