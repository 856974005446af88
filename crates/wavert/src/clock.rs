//! The stream clock: the audio engine's position as a pure function of the platform time.
//!
//! The kernel side feeds it `KeQueryInterruptTimePrecise` (100 ns units, [`INTERRUPT_TIME_HZ`])
//! or `KeQueryPerformanceCounter` with its frequency. The position is never counted tick by tick:
//! it is `floor(elapsed_ticks × rate / ticks_per_second)` computed in `u128` from the *total*
//! running time, so the fraction of a frame left over by one call is carried implicitly into the
//! next and the clock cannot drift however irregular the calls are. Pausing accumulates running
//! time in ticks, not frames, so a pause loses no fraction either.

/// Ticks per second of the Windows interrupt time (`KeQueryInterruptTime`): 100 ns units.
pub const INTERRUPT_TIME_HZ: u64 = 10_000_000;

/// KS state of the stream, as far as the clock cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Running {
    /// Stopped or paused.
    No,
    /// Running since this platform time.
    Since(u64),
}

/// Frames of a stream as a function of platform time (RUN/PAUSE/STOP aware).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamClock {
    sample_rate: u32,
    ticks_per_second: u64,
    /// Ticks spent in RUN before the current run (accumulated at each pause).
    accumulated_ticks: u64,
    running: Running,
}

impl StreamClock {
    /// A stopped clock at frame 0. `ticks_per_second` of 0 is treated as 1.
    pub const fn new(sample_rate: u32, ticks_per_second: u64) -> Self {
        Self {
            sample_rate,
            ticks_per_second: if ticks_per_second == 0 {
                1
            } else {
                ticks_per_second
            },
            accumulated_ticks: 0,
            running: Running::No,
        }
    }

    /// The sample rate.
    pub const fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// KSSTATE_RUN at `now`. A second `run` while running is ignored.
    pub fn run(&mut self, now: u64) {
        if self.running == Running::No {
            self.running = Running::Since(now);
        }
    }

    /// KSSTATE_PAUSE/ACQUIRE at `now`: the position freezes where it is.
    pub fn pause(&mut self, now: u64) {
        if let Running::Since(start) = self.running {
            self.accumulated_ticks = self.accumulated_ticks.saturating_add(now.saturating_sub(start));
            self.running = Running::No;
        }
    }

    /// KSSTATE_STOP: back to frame 0.
    pub fn stop(&mut self) {
        self.accumulated_ticks = 0;
        self.running = Running::No;
    }

    /// Whether the clock runs.
    pub const fn is_running(&self) -> bool {
        matches!(self.running, Running::Since(_))
    }

    /// Ticks of running time at `now` (a `now` before the start of the run counts as the start).
    pub fn running_ticks(&self, now: u64) -> u64 {
        match self.running {
            Running::No => self.accumulated_ticks,
            Running::Since(start) => self.accumulated_ticks.saturating_add(now.saturating_sub(start)),
        }
    }

    /// The absolute frame position at `now`: `floor(running_ticks × rate / ticks_per_second)`.
    pub fn frames_at(&self, now: u64) -> u64 {
        let product = u128::from(self.running_ticks(now)).saturating_mul(u128::from(self.sample_rate));
        let frames = product
            .checked_div(u128::from(self.ticks_per_second))
            .unwrap_or(0);
        u64::try_from(frames).unwrap_or(u64::MAX)
    }

    /// Platform ticks that `frames` frames last (rounded up), e.g. to turn a period into a timer
    /// interval.
    pub fn ticks_for_frames(&self, frames: u64) -> u64 {
        let product = u128::from(frames).saturating_mul(u128::from(self.ticks_per_second));
        let rate = u128::from(self.sample_rate.max(1));
        let ticks = product.div_ceil(rate);
        u64::try_from(ticks).unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_follow_elapsed_time_exactly() {
        let mut clock = StreamClock::new(48_000, INTERRUPT_TIME_HZ);
        assert_eq!(clock.frames_at(123), 0);
        clock.run(1_000);
        assert_eq!(clock.frames_at(1_000), 0);
        // 10 ms = 100_000 ticks = 480 frames; one tick is 0.0048 frames.
        assert_eq!(clock.frames_at(101_000), 480);
        assert_eq!(clock.frames_at(101_208), 480);
        assert_eq!(clock.frames_at(101_209), 481);
    }

    #[test]
    fn pause_keeps_the_fraction_and_stop_resets() {
        let mut clock = StreamClock::new(48_000, INTERRUPT_TIME_HZ);
        // 1000 runs of 1 tick each (0.0048 frames): frame-based accumulation would give 0.
        let mut now = 0;
        for _ in 0..1000 {
            clock.run(now);
            now += 1;
            clock.pause(now);
            now += 77;
        }
        assert_eq!(clock.frames_at(now), 4);
        clock.run(now);
        clock.run(now + 50); // idempotent
        assert_eq!(clock.running_ticks(now + 100), 1100);
        clock.stop();
        assert_eq!(clock.frames_at(now + 1_000_000), 0);
        assert!(!clock.is_running());
    }

    #[test]
    fn no_overflow_near_the_end_of_time() {
        let mut clock = StreamClock::new(192_000, 1);
        clock.run(0);
        assert_eq!(clock.frames_at(u64::MAX), u64::MAX);
        assert_eq!(clock.ticks_for_frames(480), 1);
        let clock = StreamClock::new(48_000, INTERRUPT_TIME_HZ);
        assert_eq!(clock.ticks_for_frames(480), 100_000);
        assert_eq!(clock.ticks_for_frames(1), 209);
    }
}
