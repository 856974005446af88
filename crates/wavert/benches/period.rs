//! Worst-case render time of one WaveRT period through the writer and the shared engine, with the
//! embedded GM bank and dense sustained notes: decides DPC vs real-time thread
//! (docs/adr/002-two-output-modes.md). `cargo bench -p wavert --bench period`.
//!
//! For 256 and 1000 voices (effects on, the default), it times `CyclicWriter::fill` for a 10 ms
//! period (480 frames) and for a 1 ms timer tick (48 frames), with note events in every period,
//! and prints median, 99.9th percentile and worst wall-clock time per call (the machine is shared:
//! the worst case is pessimistic, the median is the CPU cost).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_precision_loss,
    missing_docs
)]

use std::sync::Mutex;
use std::time::Instant;

/// CPU time of this thread in µs (`CLOCK_THREAD_CPUTIME_ID`): preemption on the shared build
/// machine does not count, only the work a DPC or a real-time thread would do.
fn cpu_micros() -> f64 {
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
    t.seconds as f64 * 1e6 + t.nanoseconds as f64 * 1e-3
}

use synth::test_support::event;
use synth::{Engine, EngineConfig};
use wavert::collection::install;
use wavert::format::SampleFormat;
use wavert::{CyclicWriter, SharedSynth, WriterConfig, default_collection};

struct MutexSynth(Mutex<Engine>);

impl SharedSynth for MutexSynth {
    fn render_into(&self, _position: u64, out: &mut [f32]) {
        self.0.lock().unwrap().render_f32(out);
    }
}

/// Sustained GM programs (organs, strings, pads, brass) on the 15 melodic channels.
const PROGRAMS: [u8; 15] = [16, 19, 48, 49, 50, 52, 61, 88, 89, 90, 91, 94, 95, 20, 51];

fn engine(voices: u32) -> MutexSynth {
    let config = EngineConfig {
        voices,
        event_capacity: 65_536,
        ..EngineConfig::default()
    };
    let mut engine = Engine::new(&config).unwrap();
    install(&mut engine, default_collection(None).unwrap()).unwrap();
    for (i, &program) in PROGRAMS.iter().enumerate() {
        let channel = if i >= 9 { i + 1 } else { i } as u8;
        engine.schedule(event(0, 0xC0 | channel, program, 0)).unwrap();
    }
    MutexSynth(Mutex::new(engine))
}

fn channel_of(i: usize) -> u8 {
    let c = i % 15;
    if c >= 9 { c as u8 + 1 } else { c as u8 }
}

/// Holds `notes` notes (spread over channels and keys), then re-strikes 8 of them and hits a drum
/// in every period, so each period carries events and voice starts.
fn measure(label: &str, voices: u32, notes: usize, period_frames: u32, periods: usize) {
    let synth = engine(voices);
    {
        let mut engine = synth.0.lock().unwrap();
        for i in 0..notes {
            let key = 24 + (i / 15 % 80) as u8;
            engine
                .schedule(event(i as u64, 0x90 | channel_of(i), key, 90))
                .unwrap();
        }
    }
    let config = WriterConfig {
        buffer_frames: 4 * period_frames.max(480),
        format: SampleFormat::Float32,
        lead_frames: period_frames,
    };
    let mut writer = CyclicWriter::new(config).unwrap();
    let mut buffer = vec![0u8; config.buffer_bytes()];
    let mut scratch = vec![0f32; 2 * period_frames as usize];
    // Warm up 1 s: every held note started.
    let mut position = 0u64;
    while position < 48_000 {
        writer.fill(position, &synth, &mut buffer, &mut scratch).unwrap();
        position += u64::from(period_frames);
    }
    let mut times = Vec::with_capacity(periods);
    let mut walls = Vec::with_capacity(periods);
    let mut active = 0u32;
    for p in 0..periods {
        {
            let mut engine = synth.0.lock().unwrap();
            let now = engine.position();
            for k in 0..8usize {
                let i = (p * 8 + k) % notes.max(1);
                let key = 24 + (i / 15 % 80) as u8;
                let ch = channel_of(i);
                engine.schedule(event(now + k as u64, 0x80 | ch, key, 0)).unwrap();
                engine
                    .schedule(event(now + k as u64 + 1, 0x90 | ch, key, 90))
                    .unwrap();
            }
            engine
                .schedule(event(now, 0x99, 36 + (p % 12) as u8, 110))
                .unwrap();
        }
        let start = Instant::now();
        let cpu = cpu_micros();
        writer.fill(position, &synth, &mut buffer, &mut scratch).unwrap();
        times.push(cpu_micros() - cpu);
        walls.push(start.elapsed().as_secs_f64() * 1e6);
        position += u64::from(period_frames);
        active = active.max(synth.0.lock().unwrap().active_voices());
    }
    times.sort_by(f64::total_cmp);
    walls.sort_by(f64::total_cmp);
    let pct = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    let period_us = f64::from(period_frames) / 48.0 * 1000.0;
    println!(
        "{label:<28} voices {voices:>4} (≤{active:>4} sounding): CPU median {:>7.1} µs, p99.9 {:>7.1} µs, worst {:>7.1} µs (wall median {:>7.1}) per {:.0} µs period: {:.0}% of real time",
        pct(0.5),
        pct(0.999),
        times[times.len() - 1],
        walls[walls.len() / 2],
        period_us,
        pct(0.5) / period_us * 100.0
    );
}

fn main() {
    println!("wavert period bench: embedded GM bank, effects on, 48 kHz stereo f32, dense sustained notes");
    for (voices, notes) in [(256u32, 256usize), (1000, 1000)] {
        measure("10 ms period (480 fr)", voices, notes, 480, 400);
        measure("5 ms tick (240 frames)", voices, notes, 240, 800);
        measure("2 ms tick (96 frames)", voices, notes, 96, 1500);
        measure("1 ms tick (48 frames)", voices, notes, 48, 2000);
    }
    // The light case a DPC could afford: 32 voices, 1 ms ticks.
    measure("1 ms tick (48 frames)", 32, 32, 48, 2000);
}
