//! The render thread's loop (`dmksynth::render_loop::run`) against a scripted host: the timer is
//! armed once when the pump starts ticking and cancelled when it stops, the wait has the idle
//! timeout exactly while the timer is off, and a stop ends the loop with the timer cancelled.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use std::collections::VecDeque;

use dmksynth::render_loop::{IDLE_TIMEOUT_100NS, LoopStats, RenderLoopHost, TICK_100NS, run};

#[derive(Debug, PartialEq, Eq)]
enum Call {
    Tick,
    Arm(i64),
    Cancel,
    Wait(Option<i64>),
}

struct Script {
    /// What each tick answers; the loop is stopped when it runs out (checked before each tick and
    /// after each wait).
    keep_ticking: VecDeque<bool>,
    /// Ask for a stop right after this many ticks, before the wait.
    stop_after_ticks: Option<usize>,
    ticks: usize,
    calls: Vec<Call>,
}

impl Script {
    fn new(keep_ticking: &[bool]) -> Self {
        Self {
            keep_ticking: keep_ticking.iter().copied().collect(),
            stop_after_ticks: None,
            ticks: 0,
            calls: Vec::new(),
        }
    }
}

impl RenderLoopHost for Script {
    fn stop_requested(&self) -> bool {
        self.keep_ticking.is_empty() || self.stop_after_ticks == Some(self.ticks)
    }

    fn tick(&mut self) -> bool {
        self.calls.push(Call::Tick);
        self.ticks += 1;
        self.keep_ticking.pop_front().unwrap()
    }

    fn arm_timer(&mut self, period_100ns: i64) {
        self.calls.push(Call::Arm(period_100ns));
    }

    fn cancel_timer(&mut self) {
        self.calls.push(Call::Cancel);
    }

    fn wait(&mut self, timeout_100ns: Option<i64>) {
        self.calls.push(Call::Wait(timeout_100ns));
    }
}

const IDLE: Call = Call::Wait(Some(IDLE_TIMEOUT_100NS));
const TIMED: Call = Call::Wait(None);

#[test]
fn the_timer_runs_exactly_while_the_pump_keeps_ticking() {
    let mut script = Script::new(&[false, false, true, true, true, false, false, true, false]);
    let stats = run(&mut script);
    assert_eq!(
        script.calls,
        [
            Call::Tick,
            IDLE,
            Call::Tick,
            IDLE,
            Call::Tick,
            Call::Arm(TICK_100NS),
            TIMED,
            Call::Tick,
            TIMED,
            Call::Tick,
            TIMED,
            Call::Tick,
            Call::Cancel,
            IDLE,
            Call::Tick,
            IDLE,
            Call::Tick,
            Call::Arm(TICK_100NS),
            TIMED,
            Call::Tick,
            Call::Cancel,
            // The script ran out: stop (the timer is already off).
        ]
    );
    assert_eq!(stats, LoopStats { ticks: 9, arms: 2 });
    assert_eq!(TICK_100NS, 20_000, "2 ms");
    assert_eq!(IDLE_TIMEOUT_100NS, 500_000, "50 ms");
}

#[test]
fn a_stop_while_ticking_cancels_the_timer_and_does_not_wait() {
    let mut script = Script::new(&[true, true, true, true]);
    script.stop_after_ticks = Some(2);
    let stats = run(&mut script);
    assert_eq!(
        script.calls,
        [
            Call::Tick,
            Call::Arm(TICK_100NS),
            TIMED,
            Call::Tick,
            // Stop seen after the tick: no wait, timer cancelled.
            Call::Cancel,
        ]
    );
    assert_eq!(stats.ticks, 2);
}

#[test]
fn a_stop_before_the_first_tick_does_nothing() {
    let mut script = Script::new(&[true]);
    script.stop_after_ticks = Some(0);
    assert_eq!(run(&mut script), LoopStats::default());
    assert!(script.calls.is_empty());
}
