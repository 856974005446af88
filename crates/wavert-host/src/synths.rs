//! Synths for the tests: one that writes each frame's own stream position (so a reader can tell
//! gaps, duplicates and stale frames exactly) and the real engine keeping MIDI on the stream axis.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use synth::Engine;
use synth::test_support::{cosine_wave, dry_engine_playing, event};
use wavert::SharedSynth;
use wavert::format::SampleFormat;

/// Writes stream frame `F` as a code the reader decodes back ([`frame_code`]).
#[derive(Debug, Default)]
pub struct CounterSynth {
    /// What `midi_running` answers.
    pub midi: AtomicBool,
    /// Frames rendered.
    pub frames: AtomicU64,
    /// Calls.
    pub calls: AtomicU64,
    /// Stream position the next call is expected to start at, if it continues the last one.
    pub next: AtomicU64,
    /// Calls whose position did not continue the previous call's end.
    pub jumps: AtomicU64,
    /// `sync_position` calls.
    pub syncs: AtomicU64,
    /// The last frame `sync_position` reported.
    pub last_sync: AtomicU64,
    /// Renders that started before the last reported capture frame (must stay 0: the pump
    /// renders at or ahead of the capture).
    pub behind_sync: AtomicU64,
}

/// The code of stream frame `frame` in `format`, as [`decode_code`] reads it back.
pub fn frame_code(format: SampleFormat, frame: u64) -> u64 {
    match format {
        SampleFormat::Float32 => frame % (1 << 24),
        SampleFormat::Pcm16 => frame % (1 << 30),
    }
}

/// The two samples [`CounterSynth`] writes for stream frame `frame` in `format`.
fn encode(format: SampleFormat, frame: u64) -> [f32; 2] {
    match format {
        SampleFormat::Float32 => {
            let code = (frame % (1 << 24)) as f32;
            [code, -code]
        }
        SampleFormat::Pcm16 => [
            (frame % 32_768) as f32 / 32_767.0,
            ((frame >> 15) % 32_768) as f32 / 32_767.0,
        ],
    }
}

/// Reads a frame's code back from its bytes.
pub fn decode_code(format: SampleFormat, bytes: &[u8]) -> u64 {
    match format {
        SampleFormat::Float32 => f32::from_le_bytes(bytes[0..4].try_into().unwrap()) as u64,
        SampleFormat::Pcm16 => {
            let low = i16::from_le_bytes([bytes[0], bytes[1]]) as u64;
            let high = i16::from_le_bytes([bytes[2], bytes[3]]) as u64;
            low | (high << 15)
        }
    }
}

/// A [`CounterSynth`] for one format (the code depends on it).
#[derive(Debug)]
pub struct Counter {
    /// The format whose code is written.
    pub format: SampleFormat,
    /// The counters.
    pub state: CounterSynth,
}

impl Counter {
    /// A counter for `format`, MIDI not running.
    pub fn new(format: SampleFormat) -> Self {
        Self {
            format,
            state: CounterSynth::default(),
        }
    }
}

impl SharedSynth for Counter {
    fn render_into(&self, position: u64, out: &mut [f32]) {
        let state = &self.state;
        if state.calls.load(Ordering::SeqCst) > 0 && state.next.load(Ordering::SeqCst) != position {
            state.jumps.fetch_add(1, Ordering::SeqCst);
        }
        if state.syncs.load(Ordering::SeqCst) > 0 && position < state.last_sync.load(Ordering::SeqCst) {
            state.behind_sync.fetch_add(1, Ordering::SeqCst);
        }
        let frames = (out.len() / 2) as u64;
        for (k, frame) in out.chunks_exact_mut(2).enumerate() {
            let [left, right] = encode(self.format, position + k as u64);
            frame[0] = left;
            frame[1] = right;
        }
        state.calls.fetch_add(1, Ordering::SeqCst);
        state.frames.fetch_add(frames, Ordering::SeqCst);
        state.next.store(position + frames, Ordering::SeqCst);
    }

    fn midi_running(&self) -> bool {
        self.state.midi.load(Ordering::SeqCst)
    }

    fn sync_position(&self, frame: u64) {
        self.state.syncs.fetch_add(1, Ordering::SeqCst);
        self.state.last_sync.store(frame, Ordering::SeqCst);
    }
}

/// A note on the stream axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamEvent {
    /// Stream frame.
    pub frame: u64,
    /// Status byte.
    pub status: u8,
    /// First data byte.
    pub data1: u8,
    /// Second data byte.
    pub data2: u8,
}

/// The real engine, with MIDI timed on the stream axis: at each render the pending events due
/// in the block move into the engine at `frame − (position − engine.position())`, as the
/// miniport's core does.
pub struct EngineSynth {
    inner: Mutex<(Engine, Vec<StreamEvent>)>,
    /// What `midi_running` answers.
    pub midi: AtomicBool,
}

impl EngineSynth {
    /// An engine without effects and a cosine instrument: key 60 plays 480 Hz (period 100
    /// samples) and its first sample is the peak, so the onset is the note's exact frame.
    pub fn cosine() -> Self {
        Self {
            inner: Mutex::new((
                dry_engine_playing(cosine_wave(48_000, 100.0, 40, 0.5), vec![]),
                Vec::new(),
            )),
            midi: AtomicBool::new(false),
        }
    }

    /// Queues an event for stream frame `frame`.
    pub fn schedule(&self, event: StreamEvent) {
        self.inner.lock().unwrap().1.push(event);
    }

    /// The engine's own frame position.
    pub fn engine_position(&self) -> u64 {
        self.inner.lock().unwrap().0.position()
    }
}

impl SharedSynth for EngineSynth {
    fn render_into(&self, position: u64, out: &mut [f32]) {
        let mut inner = self.inner.lock().unwrap();
        let (engine, pending) = &mut *inner;
        let end = position + (out.len() / 2) as u64;
        let offset = position as i64 - engine.position() as i64;
        let now = engine.position() as i64;
        pending.retain(|e| {
            if e.frame < end {
                let time = (e.frame as i64 - offset).max(now) as u64;
                engine.schedule(event(time, e.status, e.data1, e.data2)).unwrap();
                false
            } else {
                true
            }
        });
        engine.render_f32(out);
    }

    fn midi_running(&self) -> bool {
        self.midi.load(Ordering::SeqCst)
    }
}
