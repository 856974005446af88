//! Test doubles: the engine behind a std Mutex, a frame-counter synth, a simulated audio engine.
#![allow(dead_code)]

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

pub use portcls_host::rng::Rng;
use synth::Engine;
use wavert::format::SampleFormat;
use wavert::{CyclicWriter, INTERRUPT_TIME_HZ, SharedSynth, StreamClock, WriterConfig};

/// The real engine, as the host stands in for the miniport's spin lock.
pub struct MutexSynth(pub Mutex<Engine>);

impl SharedSynth for MutexSynth {
    fn render_into(&self, _position: u64, out: &mut [f32]) {
        self.0.lock().unwrap().render_f32(out);
    }
}

/// Renders frame number n as (n, −n): the reader can tell exactly which engine frame it got.
pub struct CounterSynth(pub AtomicU64);

impl SharedSynth for CounterSynth {
    fn render_into(&self, _position: u64, out: &mut [f32]) {
        for frame in out.chunks_exact_mut(2) {
            let n = self.0.fetch_add(1, Ordering::Relaxed) as f32;
            frame[0] = n;
            frame[1] = -n;
        }
    }
}

/// A simulated capture session: timer ticks drive the writer, an audio-engine reader wakes
/// periodically and reads `[last_read, C)` out of the cyclic buffer.
pub struct Session {
    /// Timer period, 100 ns ticks.
    pub tick: u64,
    /// Timer jitter amplitude (uniform ±), 100 ns.
    pub tick_jitter: u64,
    /// Reader (audio engine) period, 100 ns.
    pub reader_period: u64,
    /// Reader jitter amplitude, 100 ns.
    pub reader_jitter: u64,
    /// (time, length) of timer stalls: no tick fires inside `[time, time + length)`.
    pub stalls: Vec<(u64, u64)>,
    /// Simulated duration, 100 ns.
    pub duration: u64,
    /// The writer's configuration.
    pub config: WriterConfig,
    /// Seed.
    pub seed: u64,
}

/// What the reader got.
pub struct Outcome {
    /// Every frame the reader read, in order, decoded to f32 stereo.
    pub frames: Vec<[f32; 2]>,
    /// The writer at the end.
    pub writer: CyclicWriter,
    /// Positions the reader checked (KSAUDIO_POSITION against the expected byte offset).
    pub position_checks: u64,
    /// Times the read position wrapped around the buffer.
    pub wraps: u64,
    /// Largest (cursor − C) seen right after a tick, frames.
    pub max_ahead: u64,
    /// Smallest (cursor − C) seen by the reader, frames (negative: underrun visible).
    pub min_margin: i64,
    /// The stream frame at which each tick happened (C), and frames rendered.
    pub ticks: Vec<(u64, u32)>,
}

impl Session {
    /// 1 ms timer ±0.3 ms, audio engine reading every 10 ms ±1 ms from a 20 ms buffer, 3 ms lead.
    pub fn typical(format: SampleFormat, seconds: u64) -> Self {
        Self {
            tick: 10_000,
            tick_jitter: 3_000,
            reader_period: 100_000,
            reader_jitter: 10_000,
            stalls: Vec::new(),
            duration: seconds * INTERRUPT_TIME_HZ,
            config: WriterConfig::for_buffer(960, 2, format, 144),
            seed: 0x1234_5678_9ABC_DEF1,
        }
    }

    pub fn run(&self, synth: &dyn SharedSynth) -> Outcome {
        self.run_with(synth, |_, _| {})
    }

    /// Runs; `before_tick(now_frames, writer)` is called before each tick (to schedule MIDI).
    pub fn run_with(
        &self,
        synth: &dyn SharedSynth,
        mut before_tick: impl FnMut(u64, &CyclicWriter),
    ) -> Outcome {
        let mut rng = Rng::from_state(self.seed);
        let mut clock = StreamClock::new(48_000, INTERRUPT_TIME_HZ);
        let start = 5_000_000u64; // RUN at an arbitrary interrupt time
        clock.run(start);
        let mut writer = CyclicWriter::new(self.config).unwrap();
        let format = self.config.format;
        let frame_bytes = format.frame_bytes();
        let mut buffer = vec![0xAAu8; self.config.buffer_bytes()];
        let mut scratch = vec![0f32; 256];
        let mut outcome = Outcome {
            frames: Vec::new(),
            writer: writer.clone(),
            position_checks: 0,
            wraps: 0,
            max_ahead: 0,
            min_margin: i64::MAX,
            ticks: Vec::new(),
        };
        let mut next_tick = 0u64;
        let mut next_read = self.reader_period;
        let mut last_read = 0u64;
        let end = self.duration;
        loop {
            let tick_at = next_tick;
            let read_at = next_read;
            if tick_at.min(read_at) > end {
                break;
            }
            if tick_at <= read_at {
                let stalled = self.stalls.iter().any(|&(s, l)| tick_at >= s && tick_at < s + l);
                if !stalled {
                    let c = clock.frames_at(start + tick_at);
                    before_tick(c, &writer);
                    let report = writer.fill(c, synth, &mut buffer, &mut scratch).unwrap();
                    outcome.ticks.push((c, report.frames));
                    outcome.max_ahead = outcome.max_ahead.max(writer.cursor() - c);
                }
                let nominal = (tick_at / self.tick + 1) * self.tick;
                next_tick = (nominal as i64 + rng.jitter(self.tick_jitter)).max(tick_at as i64 + 1) as u64;
            } else {
                let c = clock.frames_at(start + read_at);
                let position = writer.position(c);
                let expected = (c % u64::from(self.config.buffer_frames)) * frame_bytes as u64;
                assert_eq!(position.play_offset, expected);
                assert_eq!(position.write_offset, expected);
                outcome.position_checks += 1;
                outcome.min_margin = outcome.min_margin.min(writer.cursor() as i64 - c as i64);
                for f in last_read..c {
                    let slot = (f % u64::from(self.config.buffer_frames)) as usize;
                    if slot == 0 && f > 0 {
                        outcome.wraps += 1;
                    }
                    let bytes = &buffer[slot * frame_bytes..(slot + 1) * frame_bytes];
                    outcome.frames.push(format.read_frame(bytes).unwrap());
                }
                last_read = c;
                let nominal = (read_at / self.reader_period + 1) * self.reader_period;
                next_read = (nominal as i64 + rng.jitter(self.reader_jitter)).max(read_at as i64 + 1) as u64;
            }
        }
        outcome.writer = writer;
        outcome
    }
}
