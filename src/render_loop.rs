//! The hardware-synth render thread's loop, written once over [`RenderLoopHost`]: the kernel
//! implements the host with `wavert::Pump::tick`, `ExSetTimer`/`ExCancelTimer` and
//! `KeWaitForSingleObject` (`src/kernel/render.rs`); `tests/render_loop.rs` drives it with a fake.
//!
//! Each pass: stop if asked; tick the pump; arm the periodic timer when the tick says
//! `keep_ticking` and it is not armed, cancel it when the tick says the opposite; then wait for the
//! wake event — with no timeout while the timer is armed (it wakes the thread every
//! [`TICK_100NS`]), with [`IDLE_TIMEOUT_100NS`] while it is not (so that a MIDI client that starts
//! while nobody records is noticed within 50 ms: the DMus miniport cannot wake the thread). On
//! stop the timer is left cancelled.

/// The timer period while the pump keeps ticking, 100 ns units: the pump's own tick
/// ([`wavert::DEFAULT_TICK_100NS`], 2 ms, ADR 002), as the signed due time the timer takes.
pub const TICK_100NS: i64 = wavert::DEFAULT_TICK_100NS as i64;

/// The idle wait's timeout, 100 ns units (50 ms).
pub const IDLE_TIMEOUT_100NS: i64 = 500_000;

/// What the loop needs from the thread it runs on.
pub trait RenderLoopHost {
    /// The thread has been asked to end.
    fn stop_requested(&self) -> bool;
    /// One `Pump::tick` at the current interrupt time; whether it should keep ticking.
    fn tick(&mut self) -> bool;
    /// Arms the periodic timer: first expiry after `period_100ns`, then every `period_100ns`.
    fn arm_timer(&mut self, period_100ns: i64);
    /// Cancels the periodic timer.
    fn cancel_timer(&mut self);
    /// Waits for the wake event, at most `timeout_100ns` when given.
    fn wait(&mut self, timeout_100ns: Option<i64>);
}

/// Counters of one run (for the log at thread end).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoopStats {
    /// Pump ticks.
    pub ticks: u64,
    /// Times the timer was armed.
    pub arms: u64,
}

/// Runs the loop until [`RenderLoopHost::stop_requested`]. PASSIVE_LEVEL in the kernel.
pub fn run<H: RenderLoopHost>(host: &mut H) -> LoopStats {
    let mut stats = LoopStats::default();
    let mut armed = false;
    while !host.stop_requested() {
        let keep_ticking = host.tick();
        stats.ticks = stats.ticks.saturating_add(1);
        if keep_ticking && !armed {
            host.arm_timer(TICK_100NS);
            stats.arms = stats.arms.saturating_add(1);
            armed = true;
        } else if !keep_ticking && armed {
            host.cancel_timer();
            armed = false;
        }
        if host.stop_requested() {
            break;
        }
        host.wait(if armed { None } else { Some(IDLE_TIMEOUT_100NS) });
    }
    if armed {
        host.cancel_timer();
    }
    stats
}
