//! A simulated capture session: the render thread ticks the [`wavert::Pump`] every `tick` (with
//! jitter and stalls), and the audio engine reads the cyclic buffer as Windows' does: it wakes
//! every `reader_period` (polling) or after each notification event (event mode, with a wake-up
//! latency), asks `GetPosition` at DISPATCH_LEVEL, and copies `[last read, position)` out of the
//! buffer. Simulated time only (the platform's interrupt time), so every run is deterministic.

use crate::host::WaveRtHost;
use crate::platform::thread_allocations;
use portcls_host::rng::Rng;
use portcls_sys::{KSSTATE_ACQUIRE, KSSTATE_PAUSE, KSSTATE_RUN, STATUS_SUCCESS};
use wavert::format::SampleFormat;
use wavert::{PumpMode, SharedSynth};

/// How the audio engine learns that data is there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    /// Wakes every `period` ± `jitter` (100 ns).
    Poll {
        /// Period.
        period: u64,
        /// Jitter amplitude.
        jitter: u64,
    },
    /// Wakes `0..=latency` after each notification event.
    Event {
        /// Largest wake-up latency.
        latency: u64,
    },
}

/// The two ways the tests capture: float samples read by a 10 ms ± 1 ms poll, and PCM 16 read
/// after each notification event with up to 1 ms of wake-up latency.
pub const FORMATS_AND_READERS: [(SampleFormat, Reader); 2] = [
    (
        SampleFormat::Float32,
        Reader::Poll {
            period: 100_000,
            jitter: 10_000,
        },
    ),
    (SampleFormat::Pcm16, Reader::Event { latency: 10_000 }),
];

/// The schedule of one session (times in 100 ns, relative to RUN).
#[derive(Clone, Debug)]
pub struct Schedule {
    /// Render thread period.
    pub tick: u64,
    /// Its jitter amplitude.
    pub tick_jitter: u64,
    /// `(start, length)`: no tick fires inside.
    pub stalls: Vec<(u64, u64)>,
    /// The audio engine.
    pub reader: Reader,
    /// Length of the session.
    pub duration: u64,
    /// Seed.
    pub seed: u64,
}

impl Schedule {
    /// 2 ms ticks ± 0.3 ms, the engine polling every 10 ms ± 1 ms, for `seconds`.
    pub fn typical(seconds: u64) -> Self {
        Self {
            tick: 20_000,
            tick_jitter: 3_000,
            stalls: Vec::new(),
            reader: Reader::Poll {
                period: 100_000,
                jitter: 10_000,
            },
            duration: seconds * 10_000_000,
            seed: 0x005E_ED0F_5EED,
        }
    }
}

/// What the audio engine got.
#[derive(Clone, Debug, Default)]
pub struct Captured {
    /// Every frame read, in stream order, as raw bytes of `frame_bytes` each.
    pub bytes: Vec<u8>,
    /// Bytes per frame.
    pub frame_bytes: usize,
    /// The stream's format.
    pub format: Option<SampleFormat>,
    /// Reads done.
    pub reads: u64,
    /// `GetPosition` results that differed from `floor(elapsed × 48000 / 10⁷) mod buffer`.
    pub position_mismatches: u64,
    /// Times the reader's position wrapped around the buffer.
    pub wraps: u64,
    /// Pump ticks done.
    pub ticks: u64,
    /// Ticks that found the stream running and filled it.
    pub capture_ticks: u64,
    /// Allocations made by the pump's ticks (must be 0); `None` when the test's global
    /// allocator is not [`crate::CountingAllocator`].
    pub tick_allocations: Option<u64>,
    /// Notification events seen by the reader.
    pub events: u64,
    /// The capture frame at each fill, computed by the session (not the pump): 0 for the fill
    /// at RUN, then one per tick.
    pub tick_frames: Vec<u64>,
}

impl Captured {
    /// Frames read.
    pub fn frames(&self) -> usize {
        self.bytes.len() / self.frame_bytes.max(1)
    }

    /// The bytes of frame `index`.
    pub fn frame(&self, index: usize) -> &[u8] {
        &self.bytes[index * self.frame_bytes..(index + 1) * self.frame_bytes]
    }

    /// Every frame decoded as f32 stereo (interleaved).
    pub fn samples(&self) -> Vec<f32> {
        let format = self.format.unwrap();
        (0..self.frames())
            .flat_map(|index| format.read_frame(self.frame(index)).expect("a whole frame"))
            .collect()
    }
}

/// Runs a session on `host`, whose stream is open with a buffer (and, for event mode, the event
/// registered) and in KSSTATE_STOP: ACQUIRE → PAUSE → RUN at the current interrupt time, then the
/// schedule, then a last tick and a last read at the end (so every stale frame the engine read is
/// also accounted for by the pump). The stream is left in PAUSE.
pub fn run<S: SharedSynth + Send + 'static>(host: &mut WaveRtHost<S>, schedule: &Schedule) -> Captured {
    run_with(host, schedule, |_| {})
}

/// [`run`], calling `before_tick(t)` before each render tick, `t` the time since RUN (100 ns):
/// the place to move a master clock and to send MIDI.
pub fn run_with<S: SharedSynth + Send + 'static>(
    host: &mut WaveRtHost<S>,
    schedule: &Schedule,
    mut before_tick: impl FnMut(u64),
) -> Captured {
    let format = host.format.expect("stream open");
    let buffer = host.buffer.expect("buffer allocated");
    let frame_bytes = format.frame_bytes();
    let buffer_frames = u64::from(buffer.bytes) / frame_bytes as u64;
    let start = host.platform.time();
    for state in [KSSTATE_ACQUIRE, KSSTATE_PAUSE, KSSTATE_RUN] {
        assert_eq!(host.set_state(state), STATUS_SUCCESS);
    }
    let mut captured = Captured {
        frame_bytes,
        format: Some(format),
        tick_frames: vec![0],
        ..Captured::default()
    };
    let mut rng = Rng::from_state(schedule.seed);
    let mut next_tick = schedule.tick;
    let mut next_read = match schedule.reader {
        Reader::Poll { period, .. } => period,
        Reader::Event { .. } => u64::MAX,
    };
    let mut events_seen = host.event().signals();
    let (mut tick_index, mut read_index) = (1u64, 1u64);
    let mut last_frame = 0u64;
    let mut last_offset = 0u64;
    let expected_frames = |t: u64| -> u64 { (u128::from(t) * 48_000 / 10_000_000) as u64 };

    let mut tick = |host: &WaveRtHost<S>, captured: &mut Captured, t: u64| {
        before_tick(t);
        host.platform.set_time(start + t);
        let before = thread_allocations();
        let report = host.pump().tick(start + t);
        captured.tick_allocations = match (before, thread_allocations()) {
            (Some(before), Some(after)) => Some(captured.tick_allocations.unwrap_or(0) + after - before),
            _ => None,
        };
        captured.tick_frames.push(expected_frames(t));
        captured.ticks += 1;
        if report.mode == PumpMode::Capture {
            captured.capture_ticks += 1;
        }
    };
    let mut read = |host: &WaveRtHost<S>, captured: &mut Captured, t: u64| {
        host.platform.set_time(start + t);
        let position = host.position();
        assert_eq!(position.PlayOffset, position.WriteOffset);
        let offset = position.PlayOffset / frame_bytes as u64;
        if offset != expected_frames(t) % buffer_frames {
            captured.position_mismatches += 1;
        }
        // The engine unwraps the offset (it reads at least once per buffer).
        let advance = (offset + buffer_frames - last_offset) % buffer_frames;
        let bytes = host.buffer_bytes();
        for frame in last_frame..last_frame + advance {
            let slot = (frame % buffer_frames) as usize;
            if slot == 0 && frame > 0 {
                captured.wraps += 1;
            }
            captured
                .bytes
                .extend_from_slice(&bytes[slot * frame_bytes..(slot + 1) * frame_bytes]);
        }
        last_frame += advance;
        last_offset = offset;
        captured.reads += 1;
    };

    loop {
        let at = next_tick.min(next_read);
        if at > schedule.duration {
            break;
        }
        if next_tick <= next_read {
            let t = next_tick;
            let stalled = schedule.stalls.iter().any(|&(s, l)| t >= s && t < s + l);
            if !stalled {
                tick(host, &mut captured, t);
                if let Reader::Event { latency } = schedule.reader {
                    let signals = host.event().signals();
                    if signals > events_seen {
                        captured.events += signals - events_seen;
                        events_seen = signals;
                        if next_read == u64::MAX {
                            next_read = t + rng.below(latency + 1);
                        }
                    }
                }
            }
            tick_index += 1;
            let nominal = tick_index * schedule.tick;
            next_tick = (nominal as i64 + rng.jitter(schedule.tick_jitter)).max(t as i64 + 1) as u64;
        } else {
            let t = next_read;
            read(host, &mut captured, t);
            next_read = match schedule.reader {
                Reader::Poll { period, jitter } => {
                    read_index += 1;
                    let nominal = read_index * period;
                    (nominal as i64 + rng.jitter(jitter)).max(t as i64 + 1) as u64
                }
                Reader::Event { .. } => u64::MAX,
            };
        }
    }
    tick(host, &mut captured, schedule.duration);
    if let Reader::Event { .. } = schedule.reader {
        captured.events += host.event().signals() - events_seen;
    }
    read(host, &mut captured, schedule.duration);
    assert_eq!(host.set_state(KSSTATE_PAUSE), STATUS_SUCCESS);
    captured
}
