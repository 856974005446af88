//! What the WaveRT objects need from their host beyond [`miniport::Platform`]: the kernel
//! (`src/kernel`, the `winglue` helper) or the host stand-in (`crates/wavert-host`).
//!
//! * the interrupt time the stream clock runs on (kernel: `KeQueryInterruptTimePrecise`);
//! * waking the adapter's render thread when a stream starts or stops, so that it re-evaluates
//!   [`crate::pump::Pump::tick`]'s `keep_ticking` (kernel: `KeSetEvent` on the thread's wake event
//!   and re-arming the high-resolution timer);
//! * signalling a WaveRT notification event (kernel: `KeSetEvent(event, 0, FALSE)`).
//!
//! The non-raising lock the capture stream's state sits behind is [`miniport::Platform::Mutex`]
//! (kernel: `KGUARDED_MUTEX`); `GetPosition` only takes [`miniport::Platform::Lock`].

use portcls_sys::PKEVENT;

/// The services of [`miniport::Platform`] plus the WaveRT ones.
pub trait WaveRtPlatform: miniport::Platform {
    /// The interrupt time, 100 ns units, monotonic; callable at any IRQL ≤ DISPATCH_LEVEL.
    /// Defaults to [`miniport::Platform::now_100ns`] (which the kernel implements with
    /// `KeQueryInterruptTimePrecise`).
    fn interrupt_time(&self) -> u64 {
        u64::try_from(self.now_100ns()).unwrap_or(0)
    }

    /// Wakes the render thread now: a capture stream entered or left RUN, got or lost its
    /// buffer, or was closed. The thread then calls [`crate::pump::Pump::tick`] and keeps its
    /// timer armed while that returns `keep_ticking`. Callable at PASSIVE_LEVEL (the stream
    /// methods); must not block.
    fn wake_renderer(&self);

    /// Signals a notification event registered by the port (`KeSetEvent(event, 0, FALSE)`).
    /// Called from the render thread (PASSIVE_LEVEL) with the stream's mutex held; must not block.
    ///
    /// # Safety
    /// `event` was handed to `RegisterNotificationEvent` and not yet unregistered (the port keeps
    /// it alive until `UnregisterNotificationEvent` returns).
    unsafe fn signal_event(&self, event: PKEVENT);
}
