//! Engine throughput and worst-case latency at 48 kHz. Plain `std::time` harness:
//! `cargo bench -p synth --bench engine` (or `bench/engine.sh`).
//!
//! * ns per voice-sample with ~220 voices sounding (looped saw waves at 44.1 kHz, 15 melodic
//!   channels of overlapping chords plus drums, re-struck continuously), per interpolation, with
//!   the filter off and on (resonant low-pass swept by EG2), effects off and on;
//! * the worst (and 99.9th percentile) render time of a 10 ms buffer with 256 and 1000 voices
//!   held, with events in every buffer.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used,
    clippy::cast_precision_loss,
    missing_docs
)]

use std::hint::black_box;

use dls::model::Patch;
use portcls_sys::dls::*;
use synth::test_support::*;
use synth::{Engine, EngineConfig, Interpolation, TimedEvent};

const RATE: u32 = 48_000;

/// CPU time of this thread in seconds (`CLOCK_THREAD_CPUTIME_ID`), so that a busy shared
/// machine inflates the figures less than wall-clock time would.
fn cpu_seconds() -> f64 {
    #[repr(C)]
    struct Timespec {
        seconds: i64,
        nanoseconds: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut t = Timespec {
        seconds: 0,
        nanoseconds: 0,
    };
    // SAFETY: `t` is a valid, writable timespec (two 64-bit fields on x86_64 Linux); the C
    // library's clock_gettime writes only into it.
    let status = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut t) };
    if status != 0 {
        return 0.0;
    }
    t.seconds as f64 + t.nanoseconds as f64 * 1e-9
}
const BLOCK: usize = 480;

fn build(voices: u32, interpolation: Interpolation, filter: bool, effects: bool) -> Engine {
    let config = EngineConfig {
        sample_rate: RATE,
        voices,
        reverb: effects,
        chorus: effects,
        interpolation,
        event_capacity: 65_536,
        ..EngineConfig::default()
    };
    let mut engine = Engine::new(&config).unwrap();
    let mut connections = vec![
        constant(CONN_DST_EG1_ATTACKTIME, timecents(0.005)),
        constant(CONN_DST_EG1_DECAYTIME, timecents(4.0)),
        constant(CONN_DST_EG1_SUSTAINLEVEL, 700 << 16),
        constant(CONN_DST_EG1_RELEASETIME, timecents(0.3)),
        connection(CONN_SRC_VIBRATO, CONN_SRC_CC1, CONN_DST_PITCH, 50 << 16),
    ];
    if filter {
        connections.push(constant(CONN_DST_FILTER_CUTOFF, absolute_cents(1500.0)));
        connections.push(constant(CONN_DST_FILTER_Q, 6 * 655_360));
        connections.push(connection(CONN_SRC_EG2, 0, CONN_DST_FILTER_CUTOFF, 3600 << 16));
        connections.push(constant(CONN_DST_EG2_DECAYTIME, timecents(1.0)));
        connections.push(constant(CONN_DST_EG2_SUSTAINLEVEL, 200 << 16));
    }
    // A 44.1 kHz saw of period 201 samples (≈ 219 Hz at key 60): every voice resamples.
    let wave = saw_wave(44_100, 201, 40, 40);
    let melodic = instrument(Patch::default(), vec![region(1)], connections.clone());
    load(&mut engine, 1, wave, 2, melodic);
    engine.reserve_bank(1).unwrap();
    let kit = instrument(
        Patch {
            drums: true,
            ..Patch::default()
        },
        vec![region(1)],
        connections,
    );
    engine
        .install(synth::Download::Instrument(
            3,
            Engine::prepare_instrument(kit).unwrap(),
        ))
        .ok()
        .unwrap();
    engine
}

/// Dense workload: every 250 ms each of 15 channels re-strikes a 4-note chord held 1 s (so
/// about 15 × 4 × 4 = 240 notes overlap, some releasing), drums every 125 ms.
fn dense_events(seconds: f64) -> Vec<TimedEvent> {
    let mut events = Vec::new();
    let step = (RATE / 4) as u64;
    let end = (seconds * f64::from(RATE)) as u64;
    let mut t = 0;
    let mut round = 0u32;
    while t < end {
        for ch in (0..16u8).filter(|&c| c != 9) {
            let root = 36 + ((u32::from(ch) * 5 + round * 7) % 36) as u8;
            for (i, interval) in [0u8, 4, 7, 11].iter().enumerate() {
                let on = t + u64::from(ch) * 37 + i as u64 * 11;
                events.push(event(on, 0x90 | ch, root + interval, 70 + (round % 50) as u8));
                events.push(event(on + 4 * step - 100, 0x80 | ch, root + interval, 0));
            }
            events.push(event(t, 0xB0 | ch, 1, (round * 13 % 128) as u8));
        }
        for d in 0..2 {
            let on = t + d * step / 2;
            events.push(event(on, 0x99, 36 + (round % 10) as u8, 100));
            events.push(event(on + 2000, 0x89, 36 + (round % 10) as u8, 0));
        }
        t += step;
        round += 1;
    }
    events.sort_by_key(|e| e.time);
    events
}

fn throughput(label: &str, interpolation: Interpolation, filter: bool, effects: bool) {
    throughput_with(label, &dense_events(20.0), || {
        build(256, interpolation, filter, effects)
    });
}

/// `ENGINE_BENCH_ONLY=a|b` runs only the cases whose label contains `a` or `b` (the worst-case
/// runs are labelled `worst 256` and `worst 1000`); `ENGINE_BENCH_SECONDS` and
/// `ENGINE_BENCH_RUNS` shorten a run (e.g. under callgrind).
fn selected(label: &str) -> bool {
    std::env::var("ENGINE_BENCH_ONLY").map_or(true, |only| only.split('|').any(|part| label.contains(part)))
}

fn setting(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn throughput_with(label: &str, events: &[TimedEvent], make: impl Fn() -> Engine) {
    if !selected(label) {
        return;
    }
    let seconds = setting("ENGINE_BENCH_SECONDS", 20.0);
    let mut best = f64::MAX;
    let mut result = (0.0, 0.0, 0.0);
    for _ in 0..setting("ENGINE_BENCH_RUNS", 2.0) as usize {
        let mut engine = make();
        let mut out = vec![0.0f32; BLOCK * 2];
        let mut next = 0;
        let blocks = (seconds * f64::from(RATE)) as usize / BLOCK;
        // Warm-up second (not timed) so the voice count is at its steady level.
        let mut voice_sum = 0u64;
        let start_samples = engine.voice_samples();
        let mut elapsed = 0.0;
        let mut timed_samples = 0u64;
        for block in 0..blocks {
            let horizon = engine.position() + BLOCK as u64;
            while next < events.len() && events[next].time < horizon {
                engine.schedule(events[next]).unwrap();
                next += 1;
            }
            let before = engine.voice_samples();
            let t0 = cpu_seconds();
            engine.render_f32(&mut out);
            let dt = cpu_seconds() - t0;
            black_box(&out);
            if block >= RATE as usize / BLOCK {
                elapsed += dt;
                timed_samples += engine.voice_samples() - before;
                voice_sum += u64::from(engine.active_voices());
            }
        }
        if std::env::var_os("ENGINE_BENCH_SECONDS").is_some() {
            // For instruction counts (callgrind): every voice-sample rendered, warm-up included.
            eprintln!(
                "{label}: {} voice-samples rendered in total",
                engine.voice_samples() - start_samples
            );
        }
        let timed_blocks = blocks - RATE as usize / BLOCK;
        let ns = elapsed * 1e9 / timed_samples as f64;
        if ns < best {
            best = ns;
            let audio = timed_blocks as f64 * BLOCK as f64 / f64::from(RATE);
            result = (voice_sum as f64 / timed_blocks as f64, audio / elapsed, ns);
        }
    }
    let (voices, realtime, ns) = result;
    println!(
        "{label:<34} avg voices {voices:6.1}  {ns:6.2} ns/voice-sample  {realtime:6.1}x real time  ~{:.0} voices/core @48 kHz",
        1e9 / (ns * f64::from(RATE))
    );
}

fn worst_case(voices: u32) {
    if !selected(&format!("worst {voices}")) {
        return;
    }
    let mut engine = build(voices, Interpolation::Cubic, false, true);
    // Hold `voices` notes across 16 channels (keys spread), then keep poking controllers.
    let mut n = 0;
    'outer: for ch in 0..16u8 {
        for key in 20..110u8 {
            if n >= voices {
                break 'outer;
            }
            let mut e = event(0, 0x90 | ch, key, 100);
            e.channel_group = 1;
            engine.schedule(e).unwrap();
            n += 1;
        }
    }
    let mut out = vec![0.0f32; BLOCK * 2];
    for _ in 0..50 {
        engine.render_f32(&mut out);
    }
    let mut times = Vec::new();
    for block in 0..1000u64 {
        let t = engine.position();
        for ch in 0..16u8 {
            engine
                .schedule(event(
                    t + (block * 7 + u64::from(ch)) % 480,
                    0xB0 | ch,
                    7,
                    90 + (block % 30) as u8,
                ))
                .unwrap();
            engine
                .schedule(event(t + 100, 0xE0 | ch, 0, 64 + (block % 8) as u8))
                .unwrap();
        }
        let t0 = cpu_seconds();
        engine.render_f32(&mut out);
        times.push((cpu_seconds() - t0) * 1e6);
        black_box(&out);
    }
    let active = engine.active_voices();
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = times[times.len() / 2];
    let p999 = times[times.len() * 999 / 1000];
    let worst = times[times.len() - 1];
    println!(
        "10 ms buffer, {voices:4} voices ({active} active, cubic, effects on): median {median:7.1} µs ({:.1} % of one core), 99.9th pct {p999:7.1} µs, worst {worst:7.1} µs",
        median / 100.0
    );
}

const FLUID_R3: &str = "/usr/share/sounds/sf2/FluidR3_GM.sf2";

/// FluidR3_GM through the SF2 import, 1024 voices (no stealing: like fsbench's polyphony 1024).
fn fluid_r3(interpolation: Interpolation, effects: bool) -> Option<Engine> {
    let bytes = std::fs::read(FLUID_R3).ok()?;
    let collection = dls::sf2::import_sf2(&bytes).ok()?;
    let config = EngineConfig {
        sample_rate: RATE,
        voices: 1000,
        reverb: effects,
        chorus: effects,
        interpolation,
        event_capacity: 65_536,
        ..EngineConfig::default()
    };
    let mut engine = Engine::new(&config).ok()?;
    engine
        .reserve_bank(collection.waves.len().max(collection.instruments.len()))
        .ok()?;
    for (i, w) in collection.waves.into_iter().enumerate() {
        engine
            .install(synth::Download::Wave(i as u32, Engine::prepare_wave(w).ok()?))
            .ok()?;
    }
    for (i, inst) in collection.instruments.into_iter().enumerate() {
        engine
            .install(synth::Download::Instrument(
                1_000_000 + i as u32,
                Engine::prepare_instrument(inst).ok()?,
            ))
            .ok()?;
    }
    Some(engine)
}

/// The dense workload with a different GM program on each channel.
fn dense_gm_events() -> Vec<TimedEvent> {
    let mut events: Vec<TimedEvent> = (0..16u8)
        .filter(|&c| c != 9)
        .map(|ch| event(0, 0xC0 | ch, ch * 8, 0))
        .collect();
    events.extend(dense_events(20.0));
    events
}

/// Writes events as a format-0 MIDI file whose tick is one sample at 48 kHz (24000 ticks per
/// quarter at 120 bpm), so FluidSynth (`bench/fsbench.c`) plays exactly the same notes.
fn write_midi(path: &std::path::Path, events: &[TimedEvent]) {
    fn vlq(mut n: u64, out: &mut Vec<u8>) {
        let mut bytes = vec![(n & 0x7F) as u8];
        n >>= 7;
        while n > 0 {
            bytes.push((n & 0x7F) as u8 | 0x80);
            n >>= 7;
        }
        out.extend(bytes.iter().rev());
    }
    let mut track = Vec::new();
    let mut last = 0;
    for e in events {
        if let synth::MidiMessage::Channel { status, data1, data2 } = e.message {
            vlq(e.time - last, &mut track);
            last = e.time;
            track.push(status);
            track.push(data1);
            if !matches!(status & 0xF0, 0xC0 | 0xD0) {
                track.push(data2);
            }
        }
    }
    track.extend_from_slice(&[0, 0xFF, 0x2F, 0]);
    let mut file = b"MThd\0\0\0\x06\0\0\0\x01".to_vec();
    file.extend_from_slice(&24_000u16.to_be_bytes());
    file.extend_from_slice(b"MTrk");
    file.extend_from_slice(&(track.len() as u32).to_be_bytes());
    file.extend_from_slice(&track);
    std::fs::write(path, file).unwrap();
}

fn main() {
    println!("dmksynth engine benchmark, 48 kHz, 10 ms buffers (best of 2 runs of 20 s; thread CPU time)");
    throughput("cubic, filter off, fx off", Interpolation::Cubic, false, false);
    throughput("linear, filter off, fx off", Interpolation::Linear, false, false);
    throughput("sinc8, filter off, fx off", Interpolation::Sinc, false, false);
    throughput(
        "cubic, filter on (EG2 sweep), fx off",
        Interpolation::Cubic,
        true,
        false,
    );
    throughput(
        "cubic, filter off, reverb+chorus on",
        Interpolation::Cubic,
        false,
        true,
    );
    let gm = dense_gm_events();
    let midi = std::env::temp_dir().join("dmksynth-dense.mid");
    write_midi(&midi, &gm);
    if std::path::Path::new(FLUID_R3).exists() {
        println!(
            "FluidR3_GM (SF2 import), dense file written to {} (compare: bench/compare_dense.sh)",
            midi.display()
        );
        throughput_with("FluidR3 cubic, fx off", &gm, || {
            fluid_r3(Interpolation::Cubic, false).unwrap()
        });
        throughput_with("FluidR3 linear, fx off", &gm, || {
            fluid_r3(Interpolation::Linear, false).unwrap()
        });
        throughput_with("FluidR3 cubic, reverb+chorus on", &gm, || {
            fluid_r3(Interpolation::Cubic, true).unwrap()
        });
    } else {
        println!("{FLUID_R3} not installed: skipping the real-bank runs");
    }
    worst_case(256);
    worst_case(1000);
}
