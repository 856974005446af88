//! The cyclic-buffer writer: renders the shared engine into the WaveRT buffer ahead of the audio
//! engine's read position.
//!
//! # Model
//!
//! Frames are absolute (counted from KSSTATE_RUN by [`crate::clock::StreamClock`]); frame `f`
//! lives at byte `(f mod buffer_frames) × frame_bytes`. At each timer tick the kernel reads the
//! position `C` (frames the audio engine may read: everything *below* `C`) and calls
//! [`CyclicWriter::fill`], which renders `[cursor, C + lead)` and sets `cursor = C + lead`:
//!
//! * **Invariant**: `cursor ≥ C` whenever the engine looks, so it never reads a frame we have
//!   not written this lap — provided ticks come at most `lead` frames apart.
//! * **Jitter**: a late tick sees a larger `C` and renders more frames, an early one fewer; an
//!   early tick that finds `cursor ≥ C + lead` renders nothing. Each tick renders at most `lead`
//!   frames, the cost is bounded.
//! * **No overwrite of unread data**: we write at most `lead` frames beyond `C`, so frame
//!   `C + lead − buffer_frames` is the oldest we can overwrite; the engine's reads start at most
//!   one engine period behind `C`. Hence the configuration rule `lead + engine_period ≤
//!   buffer_frames` ([`WriterConfig::validate`] enforces `lead < buffer_frames`; the kernel
//!   passes the engine period as `buffer_frames / NotificationCount`, see
//!   [`WriterConfig::for_buffer`]).
//! * **Underrun** (the reader overtook us: a tick came more than `lead` frames late): the frames
//!   `[cursor, C)` were read stale (the previous lap). We count one underrun and the skipped
//!   frames, jump `cursor` to `C` and render on from there. The engine is *not* asked to render
//!   the skipped frames (that would only make a late DPC later): its sample clock simply does not
//!   advance over the gap, i.e. the music shifts later by the skipped time. [`CyclicWriter::
//!   stream_to_engine`] maps stream frames to engine frames across such shifts, which is what the
//!   MIDI side uses to place timestamped events.
//! * **Positions**: `KSAUDIO_POSITION.PlayOffset = WriteOffset = (C mod buffer_frames) ×
//!   frame_bytes`, as a virtual device with no FIFO reports them.
//!
//! Nothing here allocates, locks or panics. It runs in the render thread (PASSIVE_LEVEL, woken by
//! the high-resolution timer; docs/adr/002-two-output-modes.md measures why not in the timer DPC).

use crate::format::SampleFormat;
use crate::shared::SharedSynth;

/// Default period of the render thread's timer, in 100 ns units (2 ms; docs/adr/002).
pub const DEFAULT_TICK_100NS: u64 = 20_000;
/// Default write-ahead: 5 ms at 48 kHz (covers a 2 ms tick plus ~3 ms of late wake-up).
pub const DEFAULT_LEAD_FRAMES: u32 = 240;

/// The writer's configuration, fixed per stream (per allocated buffer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriterConfig {
    /// Frames in the cyclic buffer.
    pub buffer_frames: u32,
    /// Sample format of the buffer.
    pub format: SampleFormat,
    /// Write-ahead target: frames rendered beyond the engine's position at each tick.
    pub lead_frames: u32,
}

/// A configuration the writer refuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// The buffer has no frames.
    EmptyBuffer,
    /// The lead is 0 or not smaller than the buffer.
    Lead,
}

/// The cyclic buffer passed to [`CyclicWriter::fill`] is shorter than the configuration says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BufferTooSmall;

impl WriterConfig {
    /// Checks `0 < lead < buffer_frames`.
    pub const fn validate(&self) -> Result<(), ConfigError> {
        if self.buffer_frames == 0 {
            Err(ConfigError::EmptyBuffer)
        } else if self.lead_frames == 0 || self.lead_frames >= self.buffer_frames {
            Err(ConfigError::Lead)
        } else {
            Ok(())
        }
    }

    /// The configuration for a buffer the audio engine reads in `notification_count` periods:
    /// the lead is `wanted_lead` frames, capped so that `lead + engine_period ≤ buffer_frames`
    /// (at least 1 frame). Polling (0) or a single notification counts as two periods: the audio
    /// engine is assumed to read half a buffer at a time, so that the lead can be more than one
    /// frame.
    pub fn for_buffer(
        buffer_frames: u32,
        notification_count: u32,
        format: SampleFormat,
        wanted_lead: u32,
    ) -> Self {
        let period = buffer_frames
            .checked_div(notification_count.max(2))
            .unwrap_or(buffer_frames);
        let room = buffer_frames.saturating_sub(period).max(1);
        Self {
            buffer_frames,
            format,
            lead_frames: wanted_lead.clamp(1, room),
        }
    }

    /// Bytes the cyclic buffer must have.
    pub const fn buffer_bytes(&self) -> usize {
        (self.buffer_frames as usize).saturating_mul(self.format.frame_bytes())
    }
}

/// `KSAUDIO_POSITION` in the writer's terms (bytes into the cyclic buffer).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BufferPosition {
    /// Record position (capture's `PlayOffset`).
    pub play_offset: u64,
    /// Readable-up-to position (capture's `WriteOffset`): the same for a virtual device.
    pub write_offset: u64,
}

impl BufferPosition {
    /// The position of absolute stream frame `frame` in a cyclic buffer of `buffer_frames`
    /// frames of `frame_bytes` bytes (zeros without a buffer).
    pub fn of_frame(frame: u64, buffer_frames: u32, frame_bytes: u64) -> Self {
        let offset = frame
            .checked_rem(u64::from(buffer_frames))
            .unwrap_or(0)
            .saturating_mul(frame_bytes);
        Self {
            play_offset: offset,
            write_offset: offset,
        }
    }
}

impl From<BufferPosition> for portcls_sys::KSAUDIO_POSITION {
    fn from(position: BufferPosition) -> Self {
        Self {
            PlayOffset: position.play_offset,
            WriteOffset: position.write_offset,
        }
    }
}

/// Counters for diagnostics and the tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriterStats {
    /// Ticks that found the reader past the cursor.
    pub underruns: u32,
    /// Frames the reader read stale because of those underruns.
    pub skipped_frames: u64,
    /// Frames rendered into the buffer.
    pub rendered_frames: u64,
    /// Calls to [`CyclicWriter::fill`].
    pub ticks: u64,
    /// Ticks that rendered nothing (early or duplicate).
    pub idle_ticks: u64,
    /// Most frames rendered by one tick.
    pub max_frames_per_tick: u32,
}

/// What one [`CyclicWriter::fill`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FillReport {
    /// Frames rendered.
    pub frames: u32,
    /// The reader had overtaken the cursor by this many frames (0: no underrun).
    pub skipped: u64,
}

/// Renders ahead of the audio engine into a WaveRT cyclic buffer.
#[derive(Clone, Debug)]
pub struct CyclicWriter {
    config: WriterConfig,
    /// Next absolute frame to write.
    cursor: u64,
    stats: WriterStats,
}

impl CyclicWriter {
    /// A writer at frame 0.
    pub const fn new(config: WriterConfig) -> Result<Self, ConfigError> {
        match config.validate() {
            Ok(()) => Ok(Self {
                config,
                cursor: 0,
                stats: WriterStats {
                    underruns: 0,
                    skipped_frames: 0,
                    rendered_frames: 0,
                    ticks: 0,
                    idle_ticks: 0,
                    max_frames_per_tick: 0,
                },
            }),
            Err(error) => Err(error),
        }
    }

    /// The configuration.
    pub const fn config(&self) -> &WriterConfig {
        &self.config
    }

    /// The next absolute frame the writer will write.
    pub const fn cursor(&self) -> u64 {
        self.cursor
    }

    /// The counters.
    pub const fn stats(&self) -> &WriterStats {
        &self.stats
    }

    /// KSSTATE_STOP: back to frame 0, counters kept.
    pub fn reset(&mut self) {
        self.start_at(0);
    }

    /// The next frame to write is `frame` (a buffer mapped while the stream runs starts at the
    /// position, not at 0: no underrun). For a fresh writer, stream frame `frame` then maps to
    /// engine frame 0 of this writer's renders (see [`Self::stream_to_engine`]).
    pub fn start_at(&mut self, frame: u64) {
        self.cursor = frame;
    }

    /// The `KSAUDIO_POSITION` for engine position `position` (absolute frames).
    pub fn position(&self, position: u64) -> BufferPosition {
        BufferPosition::of_frame(
            position,
            self.config.buffer_frames,
            self.config.format.frame_bytes() as u64,
        )
    }

    /// The engine frame that the stream frame `frame` is (or will be) rendered from; frames
    /// before the last skip map to where they were. `None` for a frame the engine cannot reach
    /// any more (skipped). Use it to turn a MIDI event's stream time into an engine time.
    pub fn stream_to_engine(&self, frame: u64) -> Option<u64> {
        frame.checked_sub(self.engine_offset())
    }

    /// The stream frame where engine frame `frame` lands (after the last skip).
    pub fn engine_to_stream(&self, frame: u64) -> u64 {
        frame.saturating_add(self.engine_offset())
    }

    /// Stream frames minus engine frames: the total of skipped frames since RUN.
    fn engine_offset(&self) -> u64 {
        self.cursor.saturating_sub(self.stats.rendered_frames)
    }

    /// One tick: renders `[cursor, position + lead)` from `synth` into `buffer` (the whole cyclic
    /// buffer, at least [`WriterConfig::buffer_bytes`] long), through `scratch` (any non-empty
    /// length; at least `2 × lead` samples renders a tick in one engine call).
    pub fn fill(
        &mut self,
        position: u64,
        synth: &dyn SharedSynth,
        buffer: &mut [u8],
        scratch: &mut [f32],
    ) -> Result<FillReport, BufferTooSmall> {
        let buffer_bytes = self.config.buffer_bytes();
        let buffer = buffer.get_mut(..buffer_bytes).ok_or(BufferTooSmall)?;
        self.stats.ticks = self.stats.ticks.saturating_add(1);
        let mut report = FillReport::default();
        if self.cursor < position {
            report.skipped = position.saturating_sub(self.cursor);
            self.stats.underruns = self.stats.underruns.saturating_add(1);
            self.stats.skipped_frames = self.stats.skipped_frames.saturating_add(report.skipped);
            // The skipped frames are not rendered (see the module doc): the stream/engine offset grows.
            self.cursor = position;
        }
        let target = position.saturating_add(u64::from(self.config.lead_frames));
        // ≤ lead frames, since cursor ≥ position now.
        let due = u32::try_from(target.saturating_sub(self.cursor)).unwrap_or(self.config.lead_frames);
        let scratch_frames = u32::try_from(scratch.len() / 2).unwrap_or(u32::MAX);
        if due == 0 || scratch_frames == 0 {
            self.stats.idle_ticks = self.stats.idle_ticks.saturating_add(1);
            return Ok(report);
        }
        let frame_bytes = self.config.format.frame_bytes();
        let mut left = due;
        while left > 0 {
            // One contiguous run: up to the wrap, the scratch size and what is due.
            let slot = self
                .cursor
                .checked_rem(u64::from(self.config.buffer_frames))
                .unwrap_or(0);
            let to_wrap = u64::from(self.config.buffer_frames).saturating_sub(slot);
            let frames = u64::from(left).min(to_wrap).min(u64::from(scratch_frames));
            let frames = u32::try_from(frames).unwrap_or(0);
            if frames == 0 {
                break;
            }
            let samples = (frames as usize).saturating_mul(2);
            let Some(chunk) = scratch.get_mut(..samples) else {
                break;
            };
            synth.render_into(self.cursor, chunk);
            let start = (slot as usize).saturating_mul(frame_bytes);
            let end = start.saturating_add((frames as usize).saturating_mul(frame_bytes));
            if let Some(bytes) = buffer.get_mut(start..end) {
                self.config.format.write(chunk, bytes);
            }
            self.cursor = self.cursor.saturating_add(u64::from(frames));
            self.stats.rendered_frames = self.stats.rendered_frames.saturating_add(u64::from(frames));
            left = left.saturating_sub(frames);
        }
        report.frames = due.saturating_sub(left);
        self.stats.max_frames_per_tick = self.stats.max_frames_per_tick.max(report.frames);
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::Silence;

    fn config(buffer_frames: u32, lead_frames: u32) -> WriterConfig {
        WriterConfig {
            buffer_frames,
            format: SampleFormat::Pcm16,
            lead_frames,
        }
    }

    #[test]
    fn configuration_rules() {
        assert_eq!(
            CyclicWriter::new(config(0, 1)).err(),
            Some(ConfigError::EmptyBuffer)
        );
        assert_eq!(CyclicWriter::new(config(480, 0)).err(), Some(ConfigError::Lead));
        assert_eq!(CyclicWriter::new(config(480, 480)).err(), Some(ConfigError::Lead));
        assert!(CyclicWriter::new(config(480, 479)).is_ok());
        // 20 ms buffer read in 2 notifications of 480 frames: the lead is capped at 480.
        let capped = WriterConfig::for_buffer(960, 2, SampleFormat::Float32, 2000);
        assert_eq!(capped.lead_frames, 480);
        assert_eq!(capped.buffer_bytes(), 960 * 8);
        assert_eq!(
            WriterConfig::for_buffer(960, 2, SampleFormat::Float32, 144).lead_frames,
            144
        );
    }

    #[test]
    fn short_buffer_is_refused_and_positions_wrap() {
        let mut writer = CyclicWriter::new(config(480, 96)).unwrap();
        let mut buffer = [0u8; 480 * 4 - 1];
        let mut scratch = [0f32; 64];
        assert_eq!(
            writer.fill(0, &Silence, &mut buffer, &mut scratch),
            Err(BufferTooSmall)
        );
        assert_eq!(
            writer.position(481),
            BufferPosition {
                play_offset: 4,
                write_offset: 4
            }
        );
        let ks: portcls_sys::KSAUDIO_POSITION = writer.position(959).into();
        assert_eq!(ks.PlayOffset, 479 * 4);
    }
}
