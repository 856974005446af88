//! DLS2 DAHDSR envelope generators (EG1 = volume, EG2 = pitch/filter), with EG1's shutdown.
//!
//! Both run on a *position* `p` in [0, 1] that moves at constant slopes:
//! * delay: `p = 0`; attack: `p` rises linearly over the attack time; hold: `p = 1`;
//! * decay: `p` falls at `1/decay_time` (so the decay time is the time of a **full-scale** fall,
//!   and the time to reach the sustain level `s` is `decay·(1 − s)`); sustain: `p = s`;
//! * release: `p` falls at `1/release_time` from wherever it is (full-scale time again);
//! * shutdown (EG1, voice stealing and exclusive classes): a release at `1/shutdown_time`.
//!
//! EG1's output is an amplitude: during attack `p` itself (attack is linear in amplitude), in
//! every other stage `10^(−96·(1 − p)/20)` (decay and release are linear in dB over 96 dB, and
//! `p = 0` is silence). EG2's output is `p` (linear). Stage times are whole samples, so a stage
//! boundary lands on an exact sample (the voice schedules a control update there).

use crate::math;

/// Envelope stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Before the attack.
    Delay,
    /// Rising.
    Attack,
    /// At full level.
    Hold,
    /// Falling to sustain.
    Decay,
    /// Holding the sustain level.
    Sustain,
    /// Released (or shut down).
    Release,
    /// Finished.
    Done,
}

/// Envelope times in samples and slopes per sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EnvelopeParams {
    /// Delay, samples.
    pub delay: u32,
    /// Attack, samples.
    pub attack: u32,
    /// Hold, samples.
    pub hold: u32,
    /// Full-scale decay slope per sample (`1/(decay·fs)`, infinite for 0 s).
    pub decay_slope: f32,
    /// Sustain position, 0..=1.
    pub sustain: f32,
    /// Full-scale release slope per sample.
    pub release_slope: f32,
    /// Full-scale shutdown slope per sample.
    pub shutdown_slope: f32,
}

impl EnvelopeParams {
    /// From DLS values: times in time cents, sustain in ‰.
    pub fn from_dls(values: &[f32], sample_rate: f32) -> Self {
        let get = |i: usize| values.get(i).copied().unwrap_or(-32768.0);
        let samples = |tc: f32| -> u32 {
            let seconds = math::timecents_to_seconds(math::finite_or(tc, -32768.0)).min(100.0);
            (seconds * sample_rate + 0.5) as u32
        };
        let slope = |tc: f32, minimum_seconds: f32| -> f32 {
            let seconds =
                math::timecents_to_seconds(math::finite_or(tc, -32768.0)).clamp(minimum_seconds, 100.0);
            if seconds <= 0.0 {
                2.0
            } else {
                1.0 / (seconds * sample_rate)
            }
        };
        Self {
            delay: samples(get(0)),
            attack: samples(get(1)),
            hold: samples(get(2)),
            decay_slope: slope(get(3), 0.0),
            sustain: (math::finite_or(get(4), 1000.0) / 1000.0).clamp(0.0, 1.0),
            // A release of 0 s would click: 1 ms is the shortest release.
            release_slope: slope(get(5), 0.001),
            shutdown_slope: slope(get(6), 0.001),
        }
    }
}

/// One envelope generator.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Envelope {
    params: EnvelopeParams,
    stage: Stage,
    /// Samples left in a timed stage (delay, attack, hold).
    remaining: u32,
    position: f32,
    slope: f32,
    volume: bool,
}

impl Envelope {
    /// A finished envelope.
    pub const IDLE: Self = Self {
        params: EnvelopeParams {
            delay: 0,
            attack: 0,
            hold: 0,
            decay_slope: 1.0,
            sustain: 1.0,
            release_slope: 1.0,
            shutdown_slope: 1.0,
        },
        stage: Stage::Done,
        remaining: 0,
        position: 0.0,
        slope: 0.0,
        volume: true,
    };

    /// Starts an envelope (`volume`: EG1 output mapping).
    pub fn start(params: EnvelopeParams, volume: bool) -> Self {
        let mut envelope = Self {
            params,
            stage: Stage::Delay,
            remaining: params.delay,
            position: 0.0,
            slope: 0.0,
            volume,
        };
        envelope.settle();
        envelope
    }

    /// Skips zero-length stages.
    fn settle(&mut self) {
        loop {
            match self.stage {
                Stage::Delay if self.remaining == 0 => {
                    self.stage = Stage::Attack;
                    self.remaining = self.params.attack;
                }
                Stage::Attack if self.remaining == 0 => {
                    self.position = 1.0;
                    self.stage = Stage::Hold;
                    self.remaining = self.params.hold;
                }
                Stage::Hold if self.remaining == 0 => {
                    self.stage = Stage::Decay;
                    self.slope = self.params.decay_slope;
                }
                Stage::Decay if self.position <= self.params.sustain => {
                    self.position = self.params.sustain;
                    self.stage = Stage::Sustain;
                }
                Stage::Release if self.position <= 0.0 => {
                    self.position = 0.0;
                    self.stage = Stage::Done;
                }
                _ => return,
            }
        }
    }

    /// The position `samples` from now when the envelope is mid-decay or mid-release with no
    /// stage boundary within reach, else `None`: the fast path of [`Self::advance`] and
    /// [`Self::output_split_after`]. The margin of one more step keeps `samples` strictly below
    /// `samples_to_boundary()` despite rounding, so the result is exactly the general path's.
    #[inline(always)]
    fn glide(&self, samples: u32) -> Option<f32> {
        let floor = match self.stage {
            Stage::Decay => self.params.sustain,
            Stage::Release => 0.0,
            _ => return None,
        };
        let position = self.position - self.slope * samples as f32;
        (position - self.slope > floor).then_some(position)
    }

    /// Advances by `samples`.
    pub fn advance(&mut self, mut samples: u32) {
        // Fast paths (most calls): sustaining, or mid-decay or mid-release.
        match self.stage {
            Stage::Sustain | Stage::Done => return,
            Stage::Decay | Stage::Release => {
                if let Some(position) = self.glide(samples) {
                    self.position = position;
                    return;
                }
            }
            Stage::Delay | Stage::Attack | Stage::Hold => {}
        }
        while samples > 0 {
            match self.stage {
                Stage::Delay | Stage::Attack | Stage::Hold => {
                    let step = samples.min(self.remaining);
                    self.remaining = self.remaining.saturating_sub(step);
                    samples = samples.saturating_sub(step);
                    if self.stage == Stage::Attack {
                        let total = self.params.attack.max(1) as f32;
                        self.position = (total - self.remaining as f32) / total;
                    }
                }
                Stage::Decay | Stage::Release => {
                    let step = samples.min(self.samples_to_boundary());
                    self.position -= self.slope * step as f32;
                    samples = samples.saturating_sub(step);
                    if step == 0 {
                        // Numerical corner: force the boundary.
                        self.position = if self.stage == Stage::Decay {
                            self.params.sustain
                        } else {
                            0.0
                        };
                    }
                }
                Stage::Sustain | Stage::Done => return,
            }
            self.settle();
        }
    }

    /// Samples until the next stage boundary (`u32::MAX` in sustain or done).
    pub fn samples_to_boundary(&self) -> u32 {
        match self.stage {
            Stage::Delay | Stage::Attack | Stage::Hold => self.remaining,
            Stage::Decay => ceil_div(self.position - self.params.sustain, self.slope),
            Stage::Release => ceil_div(self.position, self.slope),
            Stage::Sustain | Stage::Done => u32::MAX,
        }
    }

    /// Note-off: release from the current level (a delay-stage envelope ends).
    pub fn release(&mut self) {
        self.enter_release(self.params.release_slope);
    }

    /// Fast release with the shutdown time (a release already running faster keeps its pace).
    pub fn shutdown(&mut self) {
        self.enter_release(self.params.shutdown_slope);
    }

    fn enter_release(&mut self, slope: f32) {
        match self.stage {
            Stage::Done => return,
            Stage::Delay => {
                self.position = 0.0;
            }
            Stage::Attack if self.volume => {
                // Amplitude → linear-dB position.
                let amplitude = self.position.max(1e-6);
                self.position = (1.0 + 20.0 * libm::log10f(amplitude) / 96.0).clamp(0.0, 1.0);
            }
            _ => {}
        }
        if self.stage == Stage::Release {
            self.slope = self.slope.max(slope);
        } else {
            self.slope = slope;
        }
        self.stage = Stage::Release;
        self.settle();
    }

    /// Current stage.
    #[cfg(test)]
    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// Whether the envelope has finished.
    pub fn is_done(&self) -> bool {
        self.stage == Stage::Done
    }

    /// The position `p` in [0, 1] (the EG's value as a DLS source).
    pub fn position(&self) -> f32 {
        self.position
    }

    /// EG1 output split as `linear × 10^(db/20)` (so the caller can fold its own gain into a
    /// single exponential): attack gives `(p, 0)`, the dB stages `(1, −96·(1 − p))`.
    pub fn output_split(&self) -> (f32, f32) {
        if !self.volume || self.stage == Stage::Attack {
            return (self.position, 0.0);
        }
        match self.stage {
            Stage::Delay | Stage::Done => (0.0, 0.0),
            Stage::Hold => (1.0, 0.0),
            _ => self.split_at(self.position),
        }
    }

    /// The split of a decay, sustain or release stage at position `position`.
    fn split_at(&self, position: f32) -> (f32, f32) {
        if !self.volume {
            (position, 0.0)
        } else if position <= 0.0 {
            (0.0, 0.0)
        } else {
            (1.0, 96.0 * (position - 1.0))
        }
    }

    /// [`Self::output_split`] `samples` from now, without moving the envelope (and, in the
    /// common stages, without copying it).
    pub fn output_split_after(&self, samples: u32) -> (f32, f32) {
        match self.stage {
            Stage::Sustain | Stage::Done => return self.output_split(),
            Stage::Decay | Stage::Release => {
                if let Some(position) = self.glide(samples) {
                    return self.split_at(position);
                }
            }
            Stage::Delay | Stage::Attack | Stage::Hold => {}
        }
        let mut ahead = *self;
        ahead.advance(samples);
        ahead.output_split()
    }

    /// Output: EG1 amplitude, or EG2 level.
    pub fn output(&self) -> f32 {
        if !self.volume || self.stage == Stage::Attack {
            return self.position;
        }
        match self.stage {
            Stage::Delay | Stage::Done => 0.0,
            Stage::Hold => 1.0,
            _ => {
                if self.position <= 0.0 {
                    0.0
                } else {
                    math::db_to_amplitude(96.0 * (self.position - 1.0))
                }
            }
        }
    }
}

fn ceil_div(distance: f32, slope: f32) -> u32 {
    if distance <= 0.0 {
        return 0;
    }
    if slope <= 0.0 {
        return u32::MAX;
    }
    let steps = distance / slope;
    if steps >= 4.0e9 {
        return u32::MAX;
    }
    let whole = steps as u32;
    if (whole as f32) < steps {
        whole.saturating_add(1)
    } else {
        whole
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(delay: u32, attack: u32, hold: u32, decay: f32, sustain: f32, release: f32) -> EnvelopeParams {
        EnvelopeParams {
            delay,
            attack,
            hold,
            decay_slope: 1.0 / decay,
            sustain,
            release_slope: 1.0 / release,
            shutdown_slope: 1.0 / 720.0,
        }
    }

    #[test]
    fn stages_take_their_sample_counts() {
        let mut e = Envelope::start(params(100, 200, 50, 1000.0, 0.5, 400.0), true);
        assert_eq!(e.stage(), Stage::Delay);
        assert_eq!(e.samples_to_boundary(), 100);
        e.advance(100);
        assert_eq!(e.stage(), Stage::Attack);
        e.advance(100);
        assert!((e.output() - 0.5).abs() < 1e-6, "attack is linear in amplitude");
        e.advance(100);
        assert_eq!(e.stage(), Stage::Hold);
        e.advance(50);
        assert_eq!(e.stage(), Stage::Decay);
        // Decay to 50 % takes half the full-scale decay time.
        assert_eq!(e.samples_to_boundary(), 500);
        e.advance(500);
        assert_eq!(e.stage(), Stage::Sustain);
        // -48 dB.
        assert!((20.0 * libm::log10f(e.output()) + 48.0).abs() < 0.01);
        e.release();
        assert_eq!(e.samples_to_boundary(), 200);
        e.advance(200);
        assert!(e.is_done());
    }

    #[test]
    fn release_during_attack_continues_from_the_level() {
        let mut e = Envelope::start(params(0, 1000, 0, 1000.0, 1.0, 1000.0), true);
        e.advance(100);
        let before = e.output();
        e.release();
        assert!((e.output() - before).abs() < 1e-3, "{} vs {before}", e.output());
    }
}
