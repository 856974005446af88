//! The capture stream's state, as `IMiniportWaveRTStreamNotification` sees it: everything the
//! kernel object does except the COM plumbing, the MDL and the events themselves.
//!
//! Locking in the kernel: `tick` renders (milliseconds at high voice counts), so the
//! [`CaptureStream`] lives behind a **non-raising** lock (guarded mutex) taken by the render thread
//! and by the PASSIVE_LEVEL stream methods: `allocate` (after `AllocatePagesForMdl` /
//! `MapAllocatedPages` succeeded for [`crate::buffer::buffer_frames`] frames), `free`, `set_state`.
//! `GetPosition` may come at DISPATCH_LEVEL, so after each of those calls the kernel copies
//! [`CaptureStream::position_source`] (a small `Copy` value) under a spin lock, and `GetPosition`
//! reads only that copy. [`CaptureStream::needs_timer`] says whether the render timer must be
//! armed (RUN with a buffer).

use portcls_sys::{KSSTATE, KSSTATE_ACQUIRE, KSSTATE_PAUSE, KSSTATE_RUN, KSSTATE_STOP};

use crate::buffer::Notifier;
use crate::clock::StreamClock;
use crate::format::{SAMPLE_RATE, SampleFormat};
use crate::shared::SharedSynth;
use crate::writer::{BufferPosition, BufferTooSmall, ConfigError, CyclicWriter, WriterConfig, WriterStats};

/// What a tick did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TickOutcome {
    /// Frames rendered.
    pub frames: u32,
    /// Frames the audio engine read stale (an underrun), 0 normally.
    pub skipped: u64,
    /// Signal the registered notification events (`KeSetEvent`).
    pub signal: bool,
}

/// What `GetPosition` needs, copied out of the stream after every state or buffer change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PositionSource {
    clock: StreamClock,
    buffer_frames: u32,
    frame_bytes: u32,
}

impl PositionSource {
    /// `KSAUDIO_POSITION` at `now` (zeros without a buffer).
    pub fn position(&self, now: u64) -> BufferPosition {
        BufferPosition::of_frame(
            self.clock.frames_at(now),
            self.buffer_frames,
            u64::from(self.frame_bytes),
        )
    }
}

/// Why a state change or an allocation is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamError {
    /// A second buffer on the same stream (`STATUS_INVALID_DEVICE_REQUEST`).
    BufferExists,
    /// The buffer does not fit the writer (`STATUS_INVALID_PARAMETER`).
    Config(ConfigError),
    /// Not a KSSTATE value (`STATUS_INVALID_PARAMETER`).
    UnknownState(KSSTATE),
}

/// One capture stream.
#[derive(Clone, Debug)]
pub struct CaptureStream {
    format: SampleFormat,
    wanted_lead: u32,
    clock: StreamClock,
    state: KSSTATE,
    writer: Option<CyclicWriter>,
    notifier: Option<Notifier>,
    /// Underruns of earlier buffers of this stream.
    earlier_underruns: u32,
}

impl CaptureStream {
    /// `NewStream` for `format`; the clock ticks `ticks_per_second` (interrupt time: 10⁷).
    pub const fn new(format: SampleFormat, ticks_per_second: u64, wanted_lead: u32) -> Self {
        Self {
            format,
            wanted_lead,
            clock: StreamClock::new(SAMPLE_RATE, ticks_per_second),
            state: KSSTATE_STOP,
            writer: None,
            notifier: None,
            earlier_underruns: 0,
        }
    }

    /// The stream's format.
    pub const fn format(&self) -> SampleFormat {
        self.format
    }

    /// The KS state.
    pub const fn state(&self) -> KSSTATE {
        self.state
    }

    /// A buffer of `buffer_frames` frames was mapped at platform time `now`, read in
    /// `notification_count` periods (0 = no notifications: polling). The writer starts at the
    /// stream's position at `now` (0 in STOP; a buffer mapped while paused or running is not an
    /// underrun), and the notifier at that position's period.
    pub fn allocate(
        &mut self,
        buffer_frames: u32,
        notification_count: u32,
        now: u64,
    ) -> Result<(), StreamError> {
        if self.writer.is_some() {
            return Err(StreamError::BufferExists);
        }
        let config =
            WriterConfig::for_buffer(buffer_frames, notification_count, self.format, self.wanted_lead);
        let mut writer = CyclicWriter::new(config).map_err(StreamError::Config)?;
        let position = self.clock.frames_at(now);
        writer.start_at(position);
        self.writer = Some(writer);
        self.notifier = (notification_count > 0).then(|| {
            let mut notifier = Notifier::new(buffer_frames, notification_count);
            notifier.advance(position);
            notifier
        });
        Ok(())
    }

    /// `Free*Buffer*` (whatever the state).
    pub fn free(&mut self) {
        if let Some(writer) = self.writer.take() {
            self.earlier_underruns = self.earlier_underruns.saturating_add(writer.stats().underruns);
        }
        self.notifier = None;
    }

    /// `SetState` at platform time `now`. Transitions may skip steps (tolerated, like SysVAD).
    pub fn set_state(&mut self, state: KSSTATE, now: u64) -> Result<(), StreamError> {
        match state {
            KSSTATE_RUN => self.clock.run(now),
            KSSTATE_PAUSE | KSSTATE_ACQUIRE => self.clock.pause(now),
            KSSTATE_STOP => {
                self.clock.stop();
                if let Some(writer) = self.writer.as_mut() {
                    writer.reset();
                }
                if let Some(notifier) = self.notifier.as_mut() {
                    notifier.reset();
                }
            }
            other => return Err(StreamError::UnknownState(other)),
        }
        self.state = state;
        Ok(())
    }

    /// Whether the render timer must run: RUN with a buffer.
    pub fn needs_timer(&self) -> bool {
        self.state == KSSTATE_RUN && self.writer.is_some()
    }

    /// `GetPosition` at `now` (zeros without a buffer).
    pub fn position(&self, now: u64) -> BufferPosition {
        self.writer
            .as_ref()
            .map(|writer| writer.position(self.clock.frames_at(now)))
            .unwrap_or_default()
    }

    /// The copy `GetPosition` reads (see the module doc).
    pub fn position_source(&self) -> PositionSource {
        PositionSource {
            clock: self.clock,
            buffer_frames: self
                .writer
                .as_ref()
                .map_or(0, |writer| writer.config().buffer_frames),
            frame_bytes: self.format.frame_bytes() as u32,
        }
    }

    /// The absolute frame position at `now`.
    pub fn frames_at(&self, now: u64) -> u64 {
        self.clock.frames_at(now)
    }

    /// One timer period: report the position at `now` to the synth
    /// ([`SharedSynth::sync_position`]), fill ahead of it, say whether to signal the events.
    /// Does nothing unless [`Self::needs_timer`].
    pub fn tick(
        &mut self,
        now: u64,
        synth: &dyn SharedSynth,
        buffer: &mut [u8],
        scratch: &mut [f32],
    ) -> Result<TickOutcome, BufferTooSmall> {
        if self.state != KSSTATE_RUN {
            return Ok(TickOutcome::default());
        }
        let position = self.clock.frames_at(now);
        let Some(writer) = self.writer.as_mut() else {
            return Ok(TickOutcome::default());
        };
        synth.sync_position(position);
        let report = writer.fill(position, synth, buffer, scratch)?;
        let signal = self
            .notifier
            .as_mut()
            .is_some_and(|notifier| notifier.advance(position));
        Ok(TickOutcome {
            frames: report.frames,
            skipped: report.skipped,
            signal,
        })
    }

    /// The writer's counters (`None` without a buffer).
    pub fn stats(&self) -> Option<&WriterStats> {
        self.writer.as_ref().map(CyclicWriter::stats)
    }

    /// Underruns over the stream's life (all its buffers).
    pub fn total_underruns(&self) -> u32 {
        let current = self.writer.as_ref().map_or(0, |writer| writer.stats().underruns);
        self.earlier_underruns.saturating_add(current)
    }

    /// The writer, for the MIDI side's stream/engine time mapping.
    pub fn writer(&self) -> Option<&CyclicWriter> {
        self.writer.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::INTERRUPT_TIME_HZ;
    use crate::shared::Silence;

    #[test]
    fn lifecycle_run_pause_stop_free() {
        let mut stream = CaptureStream::new(SampleFormat::Pcm16, INTERRUPT_TIME_HZ, 240);
        let mut buffer = [0u8; 960 * 4];
        let mut scratch = [0f32; 512];
        assert!(!stream.needs_timer());
        assert_eq!(stream.set_state(7, 0), Err(StreamError::UnknownState(7)));
        stream.set_state(KSSTATE_ACQUIRE, 0).unwrap();
        stream.set_state(KSSTATE_PAUSE, 0).unwrap();
        stream.set_state(KSSTATE_RUN, 1_000).unwrap();
        assert!(!stream.needs_timer(), "no buffer yet");
        assert_eq!(
            stream.tick(2_000, &Silence, &mut buffer, &mut scratch).unwrap(),
            TickOutcome::default()
        );
        stream.allocate(960, 2, 1_000).unwrap();
        assert_eq!(stream.allocate(960, 2, 1_000), Err(StreamError::BufferExists));
        assert!(stream.needs_timer());
        // First tick 10 ms after RUN (the kernel should tick at RUN): the engine read 480 frames
        // of the zeroed buffer, counted as an underrun; 240 rendered ahead; one boundary crossed.
        let outcome = stream.tick(101_000, &Silence, &mut buffer, &mut scratch).unwrap();
        assert_eq!(
            outcome,
            TickOutcome {
                frames: 240,
                skipped: 480,
                signal: true
            }
        );
        assert_eq!(
            stream.position(101_000),
            BufferPosition {
                play_offset: 480 * 4,
                write_offset: 480 * 4
            }
        );
        assert_eq!(stream.total_underruns(), 1, "the first tick came late: counted");
        // PAUSE freezes the position; RUN resumes it.
        stream.set_state(KSSTATE_PAUSE, 111_000).unwrap();
        assert_eq!(stream.frames_at(500_000), 528);
        assert!(!stream.needs_timer());
        stream.set_state(KSSTATE_RUN, 500_000).unwrap();
        assert_eq!(stream.frames_at(510_000), 576);
        let outcome = stream.tick(510_000, &Silence, &mut buffer, &mut scratch).unwrap();
        assert_eq!((outcome.frames, outcome.skipped, outcome.signal), (96, 0, false));
        // STOP: back to 0.
        stream.set_state(KSSTATE_STOP, 600_000).unwrap();
        assert_eq!(stream.position(700_000), BufferPosition::default());
        assert_eq!(
            stream.position_source().position(700_000),
            BufferPosition::default()
        );
        assert_eq!(stream.writer().unwrap().cursor(), 0);
        stream.free();
        assert!(stream.stats().is_none());
        assert_eq!(stream.total_underruns(), 1);
        stream.allocate(480, 0, 800_000).unwrap();
        // Polling: the engine is assumed to read half a buffer at a time, so the lead (240 asked)
        // is capped at 240 = 480 − 240, not at 1 frame.
        assert_eq!(stream.writer().unwrap().config().lead_frames, 240);
        assert_eq!(stream.format(), SampleFormat::Pcm16);
        assert_eq!(stream.state(), KSSTATE_STOP);
    }

    #[test]
    fn a_buffer_mapped_while_running_starts_at_the_position() {
        let mut stream = CaptureStream::new(SampleFormat::Float32, INTERRUPT_TIME_HZ, 240);
        let mut buffer = [0u8; 960 * 8];
        let mut scratch = [0f32; 512];
        stream.set_state(KSSTATE_RUN, 0).unwrap();
        // 1 s later (frame 48 000, boundary 100) the buffer arrives: no underrun, no stale signal.
        stream.allocate(960, 2, 10_000_000).unwrap();
        assert_eq!(stream.writer().unwrap().cursor(), 48_000);
        let outcome = stream
            .tick(10_000_000, &Silence, &mut buffer, &mut scratch)
            .unwrap();
        assert_eq!(
            outcome,
            TickOutcome {
                frames: 240,
                skipped: 0,
                signal: false
            }
        );
        // Ticks every 2 ms: no underrun; the next boundary (frame 48 480, 10 ms on) is signalled
        // by the tick that crosses it, and only by it.
        for step in 1..=5u64 {
            let outcome = stream
                .tick(10_000_000 + step * 20_000, &Silence, &mut buffer, &mut scratch)
                .unwrap();
            assert_eq!(
                (outcome.frames, outcome.skipped, outcome.signal),
                (96, 0, step == 5)
            );
        }
        assert_eq!(stream.total_underruns(), 0);
    }
}
