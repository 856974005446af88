//! Sizing the cyclic buffer (`AllocateAudioBuffer` / `AllocateBufferWithNotification`) and
//! signalling its notification events.
//!
//! * The actual size is **never smaller than requested** (the audio engine refuses a smaller
//!   buffer and stream creation fails), a whole number of frames and, with notifications, of
//!   `NotificationCount` equal periods; at least [`MIN_BUFFER_FRAMES`]; a request above
//!   [`MAX_BUFFER_FRAMES`] is refused, not clipped.
//! * `NotificationCount` is only required to be non-zero (the docs say 1 or 2; refusing others
//!   made event mode fail silently for Conduit).
//! * [`Notifier`] works on absolute frames: one signal per tick that crossed at least one period
//!   boundary (a late tick that crossed several signals once).

use crate::format::SampleFormat;

/// Smallest buffer: 1 ms at 48 kHz.
pub const MIN_BUFFER_FRAMES: u32 = 48;
/// Largest buffer: 500 ms at 48 kHz.
pub const MAX_BUFFER_FRAMES: u32 = 24_000;

/// Why a buffer request is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BufferError {
    /// `NotificationCount` of 0.
    NotificationCount,
    /// More than [`MAX_BUFFER_FRAMES`] would be needed.
    TooLarge,
}

/// The frames to allocate for `requested_bytes` in `format`, cut into `notification_count` equal
/// periods (1 without notifications).
pub fn buffer_frames(
    requested_bytes: u32,
    notification_count: u32,
    format: SampleFormat,
) -> Result<u32, BufferError> {
    if notification_count == 0 {
        return Err(BufferError::NotificationCount);
    }
    let frame_bytes = format.frame_bytes() as u32;
    let frames = requested_bytes.div_ceil(frame_bytes).max(MIN_BUFFER_FRAMES);
    let frames = frames
        .div_ceil(notification_count)
        .checked_mul(notification_count)
        .ok_or(BufferError::TooLarge)?;
    if frames > MAX_BUFFER_FRAMES {
        return Err(BufferError::TooLarge);
    }
    Ok(frames)
}

/// Signals the notification events at period boundaries of the absolute frame position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Notifier {
    period_frames: u64,
    /// Index of the last boundary signalled (`position / period`).
    last_boundary: u64,
}

impl Notifier {
    /// For a buffer of `buffer_frames` cut into `notification_count` periods.
    pub fn new(buffer_frames: u32, notification_count: u32) -> Self {
        let period = buffer_frames
            .checked_div(notification_count)
            .unwrap_or(buffer_frames)
            .max(1);
        Self {
            period_frames: u64::from(period),
            last_boundary: 0,
        }
    }

    /// Frames per period.
    pub const fn period_frames(&self) -> u64 {
        self.period_frames
    }

    /// Whether the events must be signalled now, the audio engine's position being `position`.
    pub fn advance(&mut self, position: u64) -> bool {
        let boundary = position.checked_div(self.period_frames).unwrap_or(0);
        if boundary > self.last_boundary {
            self.last_boundary = boundary;
            true
        } else {
            false
        }
    }

    /// KSSTATE_STOP.
    pub fn reset(&mut self) {
        self.last_boundary = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_never_smaller_whole_frames_and_periods() {
        let f = SampleFormat::Float32;
        // 10 ms float stereo = 3840 bytes = 480 frames.
        assert_eq!(buffer_frames(3840, 1, f), Ok(480));
        assert_eq!(buffer_frames(3841, 1, f), Ok(481));
        assert_eq!(buffer_frames(3840, 2, f), Ok(480));
        assert_eq!(buffer_frames(3848, 2, f), Ok(482));
        assert_eq!(buffer_frames(3840, 7, f), Ok(483));
        assert_eq!(buffer_frames(0, 1, f), Ok(MIN_BUFFER_FRAMES));
        assert_eq!(buffer_frames(3840, 0, f), Err(BufferError::NotificationCount));
        assert_eq!(buffer_frames(24_000 * 8, 1, f), Ok(24_000));
        assert_eq!(buffer_frames(24_000 * 8 + 1, 1, f), Err(BufferError::TooLarge));
        assert_eq!(buffer_frames(u32::MAX, u32::MAX, f), Err(BufferError::TooLarge));
        assert_eq!(buffer_frames(1920, 2, SampleFormat::Pcm16), Ok(480));
        for requested in (0..20_000u32).step_by(37) {
            for count in 1..4 {
                let frames = buffer_frames(requested, count, SampleFormat::Pcm16).unwrap();
                assert!(frames * 4 >= requested);
                assert_eq!(frames % count, 0);
            }
        }
    }

    #[test]
    fn one_signal_per_tick_that_crossed_a_boundary() {
        let mut notifier = Notifier::new(960, 2);
        assert_eq!(notifier.period_frames(), 480);
        assert!(!notifier.advance(0));
        assert!(!notifier.advance(479));
        assert!(notifier.advance(480));
        assert!(!notifier.advance(481));
        assert!(notifier.advance(2000)); // crossed three boundaries late: once
        assert!(!notifier.advance(2000));
        assert!(notifier.advance(2400));
        notifier.reset();
        assert!(!notifier.advance(100));
        assert!(Notifier::new(0, 0).period_frames() >= 1);
    }
}
