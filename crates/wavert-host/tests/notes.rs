//! Notes through the whole WaveRT path, as the audio engine records them: the real engine (MIDI
//! timed on the stream axis) behind the pump, the cyclic buffer read with jitter; each note starts
//! at its exact stream frame and has its pitch (FFT, within 1 cent) in both formats, also across an
//! underrun; and the miniport's own `HardwareSynth` renders through the pump.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    missing_docs
)]

use portcls_sys::STATUS_SUCCESS;
use synth::test_support::{channel, onset};
use wavert::PumpConfig;
use wavert::format::SampleFormat;
use wavert_host::measure::{cents, fft_peak_hz};
use wavert_host::session::{self, FORMATS_AND_READERS, Schedule};
use wavert_host::synths::{EngineSynth, StreamEvent};
use wavert_host::{HostRtPlatform, WaveRtHost};

const START: u64 = 3_000_000_000;

fn note(frame: u64, on: bool) -> StreamEvent {
    StreamEvent {
        frame,
        status: if on { 0x90 } else { 0x80 },
        data1: 60,
        data2: if on { 127 } else { 0 },
    }
}

fn open<S: wavert::SharedSynth + Send + 'static>(synth: S, format: SampleFormat) -> WaveRtHost<S> {
    let mut host = WaveRtHost::create(synth, PumpConfig::default(), START).unwrap();
    host.new_stream(1, true, &wavert_host::host::format_bytes(format))
        .unwrap();
    host.allocate(2, 960 * format.frame_bytes() as u32).unwrap();
    assert_eq!(host.register_event(), STATUS_SUCCESS);
    host
}

#[test]
fn notes_start_at_their_frame_with_their_pitch_in_both_formats() {
    for (format, reader) in FORMATS_AND_READERS {
        let synth = EngineSynth::cosine();
        // Around buffer wraps (960 frames) and tick boundaries; the last one held 0.9 s for the FFT.
        let notes = [
            (12_345u64, 4_800u64),
            (47_999, 4_800),
            (60_000, 4_800),
            (96_001, 43_200),
        ];
        for &(at, length) in &notes {
            synth.schedule(note(at, true));
            synth.schedule(note(at + length, false));
        }
        let mut host = open(synth, format);
        let mut schedule = Schedule::typical(3);
        schedule.reader = reader;
        let captured = session::run(&mut host, &schedule);
        assert_eq!(host.pump().stats().underruns, 0);
        let left = channel(&captured.samples(), 0);
        let mut from = 0usize;
        for &(at, length) in &notes {
            let found = from + onset(&left[from..], 1e-3).unwrap();
            assert_eq!(
                found as u64, at,
                "{format:?}: note for frame {at} starts at {found}"
            );
            let tone = &left[found + 100..found + length as usize - 100];
            let hz = fft_peak_hz(tone, 48_000.0);
            let off = cents(hz, 480.0);
            assert!(off.abs() < 1.0, "{format:?}: {hz} Hz ({off:+.3} cents)");
            println!("{format:?}: note at {at}: onset {found}, {hz:.4} Hz ({off:+.4} cents)");
            from = found + length as usize + 2_400; // past the release
            assert!(
                left[found + length as usize + 1_500..from]
                    .iter()
                    .all(|s| s.abs() < 1e-3)
            );
        }
        host.teardown();
    }
}

#[test]
fn a_note_keeps_its_stream_frame_across_an_underrun() {
    let synth = EngineSynth::cosine();
    let target = 80_000u64; // 1.67 s, after the stall
    synth.schedule(note(target, true));
    let mut host = open(synth, SampleFormat::Float32);
    let mut schedule = Schedule::typical(2);
    schedule.tick_jitter = 0;
    schedule.stalls = vec![(10_000_000, 120_000)]; // 12 ms at 1 s: an underrun
    let captured = session::run(&mut host, &schedule);
    let stats = host.pump().stats();
    assert_eq!(stats.underruns, 1);
    assert!(stats.skipped_frames > 300, "{}", stats.skipped_frames);
    // The engine rendered fewer frames than the stream has (the skipped ones were not rendered),
    // yet the note sounds at its stream frame.
    assert_eq!(
        host.pump().synth().engine_position() + stats.skipped_frames,
        96_000 + 240,
        "engine frames + skipped = stream frames written"
    );
    let left = channel(&captured.samples(), 0);
    assert_eq!(onset(&left, 1e-3), Some(target as usize));
    host.teardown();
}

/// The miniport's hardware-synth instance (the synth the kernel passes in) renders through the
/// pump into the cyclic buffer: a note scheduled on its engine sounds at the expected frame with
/// the expected pitch.
#[test]
fn the_miniports_hardware_synth_renders_through_the_pump() {
    let platform = HostRtPlatform::new(START);
    let (dmus, hardware) =
        miniport::new_miniport_with_mode(platform.clone(), miniport::SynthMode::HardwareSynth).unwrap();
    let hardware = hardware.unwrap();
    hardware
        .with_engine(|engine| {
            synth::test_support::load(
                engine,
                1,
                synth::test_support::cosine_wave(48_000, 100.0, 40, 0.5),
                2,
                synth::test_support::instrument(
                    dls::model::Patch::default(),
                    vec![synth::test_support::region(1)],
                    vec![],
                ),
            );
            engine
                .schedule(synth::test_support::event(24_000, 0x90, 60, 127))
                .unwrap();
        })
        .unwrap();
    let mut host = open(hardware, SampleFormat::Float32);
    let captured = session::run(&mut host, &Schedule::typical(2));
    assert_eq!(host.pump().stats().underruns, 0);
    let left = channel(&captured.samples(), 0);
    assert_eq!(onset(&left, 1e-3), Some(24_000));
    let hz = fft_peak_hz(&left[24_100..24_100 + 32_768], 48_000.0);
    assert!(cents(hz, 480.0).abs() < 1.0, "{hz} Hz");
    let accounting = host.teardown();
    assert_eq!(accounting.live_mdls, 0);
    // SAFETY: the factory's reference on the DMus miniport.
    unsafe { portcls_host::harness::release(dmus.as_ptr()) };
}
