//! The wave sink's sample clock, phase-locked to the port's master clock.
//!
//! Stream frame `s` (the `llPosition` of `Render`, counted from the start of the stream) maps to
//! master time `t(s) = offset + s · period`, where `period` starts at `10^7 / rate` (100-ns units
//! per frame). Everything is integer, in Q32 fixed point (`i128`), so the mapping is exact to far
//! below one 100-ns tick and identical on every machine.
//!
//! * `SyncToMaster(rt, fStart = TRUE)`: frame 0 of the stream sounds at the master clock's "now"
//!   (ddksynth's reading; the `rt` argument is not trusted as an origin, see docs/port-contract.md).
//! * `SyncToMaster(rt, FALSE)`: `rt` is the sink's own time (its frame position in 100-ns units of
//!   its own sample clock, ddksynth's `rtSlaveTime`). The error `t(s_sink) − master_now` is reduced
//!   by 1/[`PHASE_DIVISOR`] per call (ddksynth: 1/100) and, once at least one second of sink time has
//!   passed, the period is re-estimated from the whole baseline
//!   (`(master_now − master_start) / (s_sink − s_start)`), which removes the steady-state error
//!   a first-order loop leaves under a constant drift. The mapping stays continuous at the current
//!   frame when the period changes.
//! * `SampleToRefTime` and `RefTimeToSample` round to nearest and are inverse of each other for
//!   every frame (the period is at least 52 ticks, at 192 kHz).

/// 100-ns ticks per second.
pub const TICKS_PER_SECOND: i64 = 10_000_000;
/// Fraction of the phase error removed per `SyncToMaster`.
pub const PHASE_DIVISOR: i128 = 32;
/// The estimated period may differ from nominal by at most this many parts per million.
pub const MAX_DRIFT_PPM: i128 = 10_000;

const Q: u32 = 32;
const ONE: i128 = 1 << Q;

/// The sample clock of one wave sink.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SampleClock {
    rate: u32,
    /// Master time of frame 0, Q32 100-ns units.
    offset: i128,
    /// Master time per frame, Q32 100-ns units.
    period: i128,
    nominal_period: i128,
    started: bool,
    /// Master time and sink frame at `SyncToMaster(fStart)`.
    start_master: i64,
    start_sink_time: i64,
    start_frame: i64,
}

impl SampleClock {
    /// A clock for `rate` frames per second (0 is treated as 1), not yet started: frame 0 is master
    /// time 0 until the first `start`.
    pub fn new(rate: u32) -> Self {
        let rate = rate.max(1);
        let nominal_period = (i128::from(TICKS_PER_SECOND) << Q)
            .checked_div(i128::from(rate))
            .unwrap_or(ONE);
        Self {
            rate,
            offset: 0,
            period: nominal_period,
            nominal_period,
            started: false,
            start_master: 0,
            start_sink_time: 0,
            start_frame: 0,
        }
    }

    /// Forgets the mapping (as [`Self::new`] at the same rate): the next `start` or `sync_frame`
    /// maps afresh.
    pub fn reset(&mut self) {
        *self = Self::new(self.rate);
    }

    /// The sample rate.
    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// Whether `start` has been called.
    pub fn started(&self) -> bool {
        self.started
    }

    /// `SyncToMaster(rt, TRUE)`: `frame` (the next frame the sink will render, normally 0) sounds at
    /// `master_now`. `sink_time` is the `rt` argument, kept as the origin of later sink times.
    pub fn start(&mut self, master_now: i64, sink_time: i64, frame: i64) {
        self.period = self.nominal_period;
        self.offset =
            (i128::from(master_now) << Q).saturating_sub(i128::from(frame).saturating_mul(self.period));
        self.started = true;
        self.start_master = master_now;
        self.start_sink_time = sink_time;
        self.start_frame = frame;
    }

    /// `SyncToMaster(rt, FALSE)`: the sink reports its time `sink_time` (100-ns units of its own
    /// sample clock since the stream started) while the master clock reads `master_now`.
    /// Returns the phase error before correction, in 100-ns units (positive: the sample clock is
    /// ahead of the master clock).
    pub fn sync(&mut self, master_now: i64, sink_time: i64) -> i64 {
        if !self.started {
            self.start(master_now, sink_time, 0);
            return 0;
        }
        // The sink's frame position, from its own time.
        let elapsed_sink = i128::from(sink_time).saturating_sub(i128::from(self.start_sink_time));
        let sink_frames = elapsed_sink
            .saturating_mul(i128::from(self.rate))
            .checked_div(i128::from(TICKS_PER_SECOND))
            .unwrap_or(0);
        let frame = clamp_i64(i128::from(self.start_frame).saturating_add(sink_frames));
        self.sync_frame(master_now, frame)
    }

    /// The phase lock of [`sync`](Self::sync) for a caller that knows its stream frame directly:
    /// stream frame `frame` sounds at `master_now`. The hardware-synth mode calls this from every
    /// `HardwareSynth::render_into` (there is no `SyncToMaster` then) with the frame the render
    /// starts at. Starts the clock (as [`start`](Self::start)) on the first call. Returns the
    /// phase error before correction, in 100-ns units.
    pub fn sync_frame(&mut self, master_now: i64, frame: i64) -> i64 {
        if !self.started {
            self.start(master_now, 0, frame);
            return 0;
        }
        let sink_frames = i128::from(frame).saturating_sub(i128::from(self.start_frame));
        let frame = i128::from(frame);
        let mapped = self.offset.saturating_add(frame.saturating_mul(self.period));
        let master = i128::from(master_now) << Q;
        let error = mapped.saturating_sub(master);

        // Frequency: from the whole baseline, once it is long enough to be meaningful.
        if sink_frames >= i128::from(self.rate) {
            let elapsed_master = i128::from(master_now).saturating_sub(i128::from(self.start_master));
            let estimate = elapsed_master
                .saturating_mul(ONE)
                .checked_div(sink_frames)
                .unwrap_or(self.period);
            let limit = self.nominal_period.saturating_mul(MAX_DRIFT_PPM) / 1_000_000;
            let estimate = estimate.clamp(
                self.nominal_period.saturating_sub(limit),
                self.nominal_period.saturating_add(limit),
            );
            // Keep t(frame) continuous.
            self.offset = mapped.saturating_sub(frame.saturating_mul(estimate));
            self.period = estimate;
        }
        // Phase.
        self.offset = self.offset.saturating_sub(error / PHASE_DIVISOR);
        clamp_i64(error >> Q)
    }

    /// `SampleToRefTime`: master time of stream frame `frame`, rounded to the nearest tick.
    pub fn sample_to_ref_time(&self, frame: i64) -> i64 {
        let value = self
            .offset
            .saturating_add(i128::from(frame).saturating_mul(self.period));
        clamp_i64(value.saturating_add(ONE / 2) >> Q)
    }

    /// `RefTimeToSample`: the stream frame nearest to master time `time`.
    pub fn ref_time_to_sample(&self, time: i64) -> i64 {
        let delta = (i128::from(time) << Q).saturating_sub(self.offset);
        let period = self.period.max(1);
        let half = period / 2;
        let rounded = if delta >= 0 {
            delta.saturating_add(half).checked_div(period).unwrap_or(0)
        } else {
            half.saturating_sub(delta)
                .checked_div(period)
                .unwrap_or(0)
                .saturating_neg()
        };
        clamp_i64(rounded)
    }

    /// The current estimate of the period, in 100-ns ticks per frame (for tests and the log).
    pub fn period_ticks(&self) -> f64 {
        self.period as f64 / ONE as f64
    }
}

fn clamp_i64(value: i128) -> i64 {
    value.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_is_exact_for_every_rate() {
        for rate in [8_000u32, 22_050, 44_100, 48_000, 96_000, 192_000] {
            let mut clock = SampleClock::new(rate);
            clock.start(123_456_789, 0, 0);
            for frame in (0..2_000_000i64).step_by(997) {
                let time = clock.sample_to_ref_time(frame);
                assert_eq!(clock.ref_time_to_sample(time), frame, "rate {rate} frame {frame}");
            }
            assert_eq!(
                clock.sample_to_ref_time(i64::from(rate)),
                123_456_789 + TICKS_PER_SECOND
            );
        }
    }

    #[test]
    fn frames_before_the_start_are_negative() {
        let mut clock = SampleClock::new(48_000);
        clock.start(1_000_000, 0, 0);
        assert_eq!(clock.ref_time_to_sample(1_000_000 - TICKS_PER_SECOND), -48_000);
    }

    /// The master clock runs 0.1 % fast against the sink for 10 minutes; syncs every 10 ms.
    /// After the first seconds the mapping predicts the master time of the sink's frame within a
    /// fraction of a frame.
    #[test]
    fn tracks_a_drifting_master_within_one_frame() {
        for drift_ppm in [1_000i64, -1_000, 0, 50] {
            let rate = 48_000i64;
            let mut clock = SampleClock::new(rate as u32);
            let master_at = |frames: i64| -> i64 {
                // master ticks elapsed = sink seconds · 10^7 · (1 + drift)
                let ticks = frames as i128 * TICKS_PER_SECOND as i128 * (1_000_000 + drift_ppm as i128)
                    / (rate as i128 * 1_000_000);
                5_000_000_000 + ticks as i64
            };
            clock.start(master_at(0), 0, 0);
            let mut worst_late = 0i64;
            let period_frames = 480i64;
            // Ten minutes of 10 ms periods (five seconds under Miri, which is slow).
            let (calls, settle) = if cfg!(miri) {
                (500i64, 400i64)
            } else {
                (60_000, 1_000)
            };
            for call in 1..=calls {
                let frames = call * period_frames;
                let sink_time = frames * TICKS_PER_SECOND / rate;
                clock.sync(master_at(frames), sink_time);
                if call > settle {
                    let error = clock.sample_to_ref_time(frames) - master_at(frames);
                    worst_late = worst_late.max(error.abs());
                }
            }
            // One frame at 48 kHz is 208 ticks.
            assert!(
                worst_late < 208,
                "drift {drift_ppm} ppm: worst error {worst_late} ticks"
            );
            let expected = 1e7 / 48_000.0 * (1.0 + drift_ppm as f64 * 1e-6);
            assert!(
                (clock.period_ticks() - expected).abs() < 1e-3,
                "{}",
                clock.period_ticks()
            );
        }
    }

    #[test]
    fn absurd_inputs_saturate_instead_of_panicking() {
        let mut clock = SampleClock::new(0);
        clock.start(i64::MAX, i64::MIN, i64::MAX);
        clock.sync(i64::MIN, i64::MAX);
        let _ = clock.sample_to_ref_time(i64::MIN);
        let _ = clock.ref_time_to_sample(i64::MAX);
    }
}
