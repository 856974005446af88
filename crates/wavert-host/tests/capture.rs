//! The capture path through the C ABI: the audio engine reads every frame exactly once, in order,
//! across thousands of buffer wraps with timer and reader jitter; stalls cost exactly the frames
//! the pump reports; positions are exact; the pump discards while only MIDI runs.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    missing_docs
)]

use portcls_sys::{KSSTATE_PAUSE, KSSTATE_RUN, KSSTATE_STOP, STATUS_SUCCESS};
use std::sync::atomic::Ordering;
use wavert::format::SampleFormat;
use wavert::{PumpConfig, PumpMode};
use wavert_host::session::{self, FORMATS_AND_READERS, Reader, Schedule};
use wavert_host::synths::{Counter, decode_code, frame_code};
use wavert_host::{Captured, CountingAllocator, WaveRtHost};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const START: u64 = 7_000_000_000; // arbitrary interrupt time at creation

/// A host with a stream in `format` and a 20 ms buffer (2 notifications, or polled), event
/// registered.
fn open(format: SampleFormat, notifications: u32) -> WaveRtHost<Counter> {
    let mut host = WaveRtHost::create(Counter::new(format), PumpConfig::default(), START).unwrap();
    host.new_stream(1, true, &wavert_host::host::format_bytes(format))
        .unwrap();
    let bytes = 960 * format.frame_bytes() as u32;
    let buffer = host.allocate(notifications, bytes).unwrap();
    assert_eq!(buffer.bytes, bytes);
    if notifications > 0 {
        assert_eq!(host.register_event(), STATUS_SUCCESS);
    }
    host
}

/// Frames whose content is not their own stream frame's code.
fn wrong_frames(captured: &Captured) -> Vec<usize> {
    let format = captured.format.unwrap();
    (0..captured.frames())
        .filter(|&i| decode_code(format, captured.frame(i)) != frame_code(format, i as u64))
        .collect()
}

fn expected_frames(duration: u64) -> usize {
    (u128::from(duration) * 48_000 / 10_000_000) as usize
}

#[test]
fn every_frame_once_in_order_across_3000_wraps_with_jitter() {
    for (format, reader) in FORMATS_AND_READERS {
        let mut host = open(format, 2);
        let mut schedule = Schedule::typical(60);
        schedule.reader = reader;
        let captured = session::run(&mut host, &schedule);
        let frames = expected_frames(schedule.duration);
        assert_eq!(captured.frames(), frames, "{format:?}");
        assert!(captured.wraps >= 2_999, "{format:?}: {} wraps", captured.wraps);
        assert_eq!(
            wrong_frames(&captured),
            Vec::<usize>::new(),
            "{format:?}: gap, duplicate or stale"
        );
        assert_eq!(captured.position_mismatches, 0, "{format:?}");
        assert_eq!(captured.tick_allocations, Some(0), "{format:?}: a tick allocated");
        assert_eq!(captured.capture_ticks, captured.ticks);
        let stats = host.pump().stats();
        assert_eq!(stats.underruns, 0, "{format:?}");
        // One signal per 480-frame period boundary the position crossed.
        assert_eq!(stats.signals, (frames / 480) as u64, "{format:?}");
        assert_eq!(host.event().signals(), stats.signals);
        if let Reader::Event { .. } = reader {
            assert_eq!(captured.events, stats.signals);
            // Each event woke one read (the last one may fall after the end), and those reads
            // alone carried every frame.
            assert!(
                captured.reads.abs_diff(stats.signals) <= 1,
                "{} reads",
                captured.reads
            );
        }
        // The synth was asked for contiguous frames only, each tick reported the captured frame
        // first (one report per fill: the ticks and the fill at RUN), never ahead of the render.
        let counter = &host.pump().synth().state;
        assert_eq!(counter.jumps.load(Ordering::SeqCst), 0);
        assert_eq!(counter.syncs.load(Ordering::SeqCst), stats.capture_ticks);
        assert_eq!(stats.capture_ticks, captured.ticks + 1);
        assert_eq!(counter.last_sync.load(Ordering::SeqCst), frames as u64);
        assert_eq!(counter.behind_sync.load(Ordering::SeqCst), 0);
        println!(
            "{format:?} {reader:?}: {} frames, {} wraps, {} reads, {} ticks, max lead {}",
            captured.frames(),
            captured.wraps,
            captured.reads,
            captured.ticks,
            host.pump().config().lead_frames
        );
        let accounting = host.teardown();
        assert_eq!(accounting.live_mdls, 0);
    }
}

#[test]
fn stalls_longer_than_the_lead_cost_exactly_the_reported_frames() {
    for format in [SampleFormat::Float32, SampleFormat::Pcm16] {
        let mut host = open(format, 2);
        let mut schedule = Schedule::typical(10);
        // Five 12 ms stalls (> 5 ms lead + 2 ms tick: one underrun each) and five 1.5 ms stalls
        // (tick gap ≤ 2 + 1.5 + 0.6 ms < 5 ms lead: absorbed).
        for second in 1..=5u64 {
            schedule.stalls.push((second * 10_000_000 + 1_234, 120_000));
            schedule.stalls.push((second * 10_000_000 + 5_000_000, 15_000));
        }
        let captured = session::run(&mut host, &schedule);
        let stats = host.pump().stats();
        assert_eq!(stats.underruns, 5, "{format:?}");
        let wrong = wrong_frames(&captured);
        assert_eq!(
            wrong.len() as u64,
            stats.skipped_frames,
            "{format:?}: stale frames read vs reported"
        );
        // Each stall's stale frames are one contiguous run, right after the stall began.
        let runs = wrong.windows(2).filter(|pair| pair[1] != pair[0] + 1).count() + 1;
        assert_eq!(runs, 5, "{format:?}");
        // 12 ms stall from a tick 2 ms earlier: the engine overtook the 5 ms lead by 7–10 ms.
        assert!(
            (5 * 300..=5 * 500).contains(&stats.skipped_frames),
            "{format:?}: {}",
            stats.skipped_frames
        );
        for &stall in schedule.stalls.iter().step_by(2) {
            let stall_frame = expected_frames(stall.0);
            assert!(
                wrong
                    .iter()
                    .any(|&f| (stall_frame..stall_frame + 600).contains(&f)),
                "{format:?}: no stale frame near the stall at frame {stall_frame}"
            );
        }
        assert_eq!(captured.position_mismatches, 0);
        println!(
            "{format:?}: 5 stalls of 12 ms → {} underruns, {} frames skipped = {} stale frames read",
            stats.underruns,
            stats.skipped_frames,
            wrong.len()
        );
        host.teardown();
    }
}

#[test]
fn a_polled_buffer_keeps_a_real_lead() {
    let mut host = open(SampleFormat::Float32, 0);
    let captured = session::run(&mut host, &Schedule::typical(5));
    assert_eq!(host.pump().stats().underruns, 0);
    assert_eq!(wrong_frames(&captured), Vec::<usize>::new());
    assert_eq!(host.pump().stats().signals, 0, "no events in polled mode");
    host.teardown();
}

#[test]
fn positions_freeze_in_pause_reset_in_stop_and_the_renderer_is_woken() {
    let mut host = open(SampleFormat::Pcm16, 2);
    assert_eq!(host.position().PlayOffset, 0);
    let wakes = host.platform.wakes();
    assert_eq!(host.set_state(KSSTATE_RUN), STATUS_SUCCESS);
    assert!(host.platform.wakes() > wakes, "RUN must wake the render thread");
    // RUN rendered the first lead at once: the engine sees no underrun at start.
    assert_eq!(host.pump().stats().capture_frames, 240);
    host.platform.set_time(START + 52_083 * 3); // 15.6 ms: frame 749
    assert_eq!(host.position().PlayOffset, 749 * 4);
    assert_eq!(host.set_state(KSSTATE_PAUSE), STATUS_SUCCESS);
    host.platform.set_time(START + 10_000_000);
    assert_eq!(host.position().PlayOffset, 749 * 4, "frozen in PAUSE");
    assert!(!host.pump().keep_ticking());
    assert_eq!(host.pump().tick(START + 10_000_000).mode, PumpMode::Idle);
    assert_eq!(host.set_state(KSSTATE_RUN), STATUS_SUCCESS);
    host.platform.set_time(START + 10_000_000 + 4_375); // +21 frames
    assert_eq!(host.position().PlayOffset, 770 * 4);
    assert!(host.pump().keep_ticking());
    assert_eq!(host.set_state(KSSTATE_STOP), STATUS_SUCCESS);
    assert_eq!(host.position().PlayOffset, 0);
    host.free_buffer();
    assert_eq!(host.position().PlayOffset, 0, "no buffer: zeros");
    let accounting = host.teardown();
    assert_eq!(accounting, wavert_host::Accounting::default());
}

#[test]
fn with_only_midi_running_the_pump_renders_and_discards_on_its_own_clock() {
    let host = WaveRtHost::create(Counter::new(SampleFormat::Float32), PumpConfig::default(), START).unwrap();
    let pump = host.pump();
    let counter = &pump.synth().state;
    assert!(!pump.keep_ticking());
    assert_eq!(pump.tick(START).mode, PumpMode::Idle);
    counter.midi.store(true, Ordering::SeqCst);
    assert!(pump.keep_ticking());
    let first = pump.tick(START + 1_000);
    assert_eq!(
        (first.mode, first.frames, first.keep_ticking),
        (PumpMode::Discard, 0, true)
    );
    // 10 ms later: 480 frames, from position 0 on.
    let report = pump.tick(START + 101_000);
    assert_eq!(
        (report.mode, report.frames, report.skipped),
        (PumpMode::Discard, 480, 0)
    );
    assert_eq!(counter.next.load(Ordering::SeqCst), 480);
    assert_eq!(
        counter.last_sync.load(Ordering::SeqCst),
        480,
        "the discard clock's frame now"
    );
    // A 1 s stall: at most 100 ms rendered, the rest skipped and counted.
    let report = pump.tick(START + 10_101_000);
    assert_eq!((report.frames, report.skipped), (4_800, 48_000 - 4_800));
    assert_eq!(pump.stats().discard_skipped, 43_200);
    assert_eq!(pump.stats().discard_frames, 480 + 4_800);
    counter.midi.store(false, Ordering::SeqCst);
    let report = pump.tick(START + 10_200_000);
    assert_eq!((report.mode, report.keep_ticking), (PumpMode::Idle, false));
    assert_eq!(counter.frames.load(Ordering::SeqCst), 480 + 4_800);
    host.teardown();
}

#[test]
fn capture_takes_over_from_discard_and_hands_back() {
    let host = open(SampleFormat::Float32, 2);
    host.pump().synth().state.midi.store(true, Ordering::SeqCst);
    assert_eq!(host.pump().tick(START).mode, PumpMode::Discard);
    host.platform.set_time(START + 50_000);
    assert_eq!(host.set_state(KSSTATE_RUN), STATUS_SUCCESS);
    let report = host.pump().tick(START + 70_000);
    assert_eq!(report.mode, PumpMode::Capture);
    assert_eq!(report.frames, 96, "2 ms after RUN: the lead moved by 96 frames");
    assert_eq!(host.set_state(KSSTATE_PAUSE), STATUS_SUCCESS);
    let report = host.pump().tick(START + 90_000);
    assert_eq!(
        (report.mode, report.frames),
        (PumpMode::Discard, 0),
        "the discard clock restarts"
    );
    let report = host.pump().tick(START + 110_000);
    assert_eq!((report.mode, report.frames), (PumpMode::Discard, 96));
    host.teardown();
}

/// Forty random sessions (tick jitter ±0.8 ms, reader ±2 ms, three stalls of 0–20 ms each): the
/// pump counts an underrun exactly when two consecutive fills are more than the lead apart (as
/// computed from the session's own clock), and the stale frames the engine read are exactly the
/// frames the pump reports skipped; every other frame is right.
#[test]
fn random_sessions_account_for_every_stale_frame() {
    let mut rng = portcls_host::rng::Rng::from_state(0xC0FF_EE00_D15C_0DE5);
    let (mut total_underruns, mut total_skipped) = (0u64, 0u64);
    for session_index in 0..40 {
        let format = if session_index % 2 == 0 {
            SampleFormat::Float32
        } else {
            SampleFormat::Pcm16
        };
        let mut host = open(format, 2);
        let mut schedule = Schedule::typical(5);
        schedule.seed = rng.next_u64();
        schedule.tick_jitter = 8_000;
        schedule.reader = Reader::Poll {
            period: 100_000,
            jitter: 20_000,
        };
        for _ in 0..3 {
            let at = 5_000_000 + rng.next_u64() % 40_000_000;
            schedule.stalls.push((at, rng.next_u64() % 200_000));
        }
        let captured = session::run(&mut host, &schedule);
        let lead = u64::from(host.pump().config().lead_frames);
        let expected_underruns = captured
            .tick_frames
            .windows(2)
            .filter(|pair| pair[1] - pair[0] > lead)
            .count() as u64;
        let expected_skipped: u64 = captured
            .tick_frames
            .windows(2)
            .map(|pair| (pair[1] - pair[0]).saturating_sub(lead))
            .sum();
        let stats = host.pump().stats();
        assert_eq!(stats.underruns, expected_underruns, "session {session_index}");
        assert_eq!(stats.skipped_frames, expected_skipped, "session {session_index}");
        assert_eq!(
            wrong_frames(&captured).len() as u64,
            expected_skipped,
            "session {session_index}"
        );
        assert_eq!(captured.position_mismatches, 0);
        total_underruns += stats.underruns;
        total_skipped += stats.skipped_frames;
        host.teardown();
    }
    println!(
        "40 random sessions: {total_underruns} underruns, {total_skipped} stale frames, all accounted for"
    );
    assert!(
        total_underruns > 20,
        "the stalls must produce underruns to prove anything"
    );
}
