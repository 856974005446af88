//! The WaveRT platform on a host: `portcls-host`'s simulated IRQL, spin lock and non-raising
//! mutex, plus a **simulated interrupt time** the tests move by hand, a count of render-thread
//! wake-ups, and fake `KEVENT`s that count their signals. Also a counting global allocator that
//! tells how many allocations the calling thread made (to prove a tick allocates nothing).

use miniport::platform::{CallerBuffer, CaptureError, Irql, LogLevel, Platform};
use portcls_host::platform::{GuardedAllocator, HostMutex, HostPlatform, HostSpinLock, current_irql};
use portcls_sys::PKEVENT;
use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use wavert::WaveRtPlatform;

/// Shared simulated time and counters of one host.
#[derive(Debug, Default)]
pub struct SimState {
    /// Interrupt time, 100 ns.
    pub time: AtomicU64,
    /// `wake_renderer` calls.
    pub wakes: AtomicU64,
    /// `signal_event` calls made above DISPATCH_LEVEL or with a null event (must stay 0;
    /// counted in [`crate::Accounting::breaches`]).
    pub bad_signals: AtomicU64,
}

/// The host's WaveRT platform: cheap to clone (an `Arc`).
#[derive(Clone, Debug, Default)]
pub struct HostRtPlatform {
    /// The shared state.
    pub sim: Arc<SimState>,
}

impl HostRtPlatform {
    /// A platform at interrupt time `start`.
    pub fn new(start: u64) -> Self {
        let platform = Self::default();
        platform.set_time(start);
        platform
    }

    /// Sets the simulated interrupt time.
    pub fn set_time(&self, time: u64) {
        self.sim.time.store(time, Ordering::SeqCst);
    }

    /// The simulated interrupt time.
    pub fn time(&self) -> u64 {
        self.sim.time.load(Ordering::SeqCst)
    }

    /// `wake_renderer` calls so far.
    pub fn wakes(&self) -> u64 {
        self.sim.wakes.load(Ordering::SeqCst)
    }
}

impl Platform for HostRtPlatform {
    type Lock = HostSpinLock;
    type Mutex = HostMutex;

    fn irql(&self) -> Irql {
        current_irql()
    }

    fn log(&self, level: LogLevel, message: fmt::Arguments<'_>) {
        HostPlatform.log(level, message);
    }

    unsafe fn capture(&self, buffer: CallerBuffer) -> Result<Vec<u8>, CaptureError> {
        // SAFETY: forwarded contract.
        unsafe { HostPlatform.capture(buffer) }
    }

    fn now_100ns(&self) -> i64 {
        i64::try_from(self.time()).unwrap_or(i64::MAX)
    }
}

impl WaveRtPlatform for HostRtPlatform {
    fn interrupt_time(&self) -> u64 {
        self.time()
    }

    fn wake_renderer(&self) {
        self.sim.wakes.fetch_add(1, Ordering::SeqCst);
    }

    unsafe fn signal_event(&self, event: PKEVENT) {
        if event.is_null() || current_irql() > Irql::DISPATCH {
            self.sim.bad_signals.fetch_add(1, Ordering::SeqCst);
            return;
        }
        // SAFETY: the host registers only `FakeEvent`s, alive until unregistered.
        unsafe { &*event.cast::<FakeEvent>() }.signal();
    }
}

/// A stand-in `KEVENT`: counts `KeSetEvent`s.
#[derive(Debug, Default)]
pub struct FakeEvent {
    signals: AtomicU64,
}

impl FakeEvent {
    /// `KeSetEvent`.
    pub fn signal(&self) {
        self.signals.fetch_add(1, Ordering::SeqCst);
    }

    /// Signals so far.
    pub fn signals(&self) -> u64 {
        self.signals.load(Ordering::SeqCst)
    }

    /// As the `PKEVENT` handed to the miniport.
    pub fn as_kevent(&self) -> PKEVENT {
        (self as *const Self).cast_mut().cast()
    }
}

thread_local! {
    static THREAD_ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

/// Set by the first allocation [`CountingAllocator`] counts: it is the global allocator.
static COUNTING: AtomicBool = AtomicBool::new(false);

/// Allocations (and reallocations) made by the calling thread since it started; `None` unless
/// [`CountingAllocator`] is the global allocator (a count that could only read 0 is no count).
pub fn thread_allocations() -> Option<u64> {
    COUNTING
        .load(Ordering::Relaxed)
        .then(|| THREAD_ALLOCATIONS.try_with(Cell::get).unwrap_or(0))
}

fn count_allocation() {
    COUNTING.store(true, Ordering::Relaxed);
    let _ = THREAD_ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
}

/// [`GuardedAllocator`] (DISPATCH_LEVEL and leak accounting) plus a per-thread allocation count.
pub struct CountingAllocator;

// SAFETY: forwards every call to `GuardedAllocator` with the same arguments; the extra
// bookkeeping touches only a const-initialised thread-local.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_allocation();
        // SAFETY: forwarded contract.
        unsafe { GuardedAllocator.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_allocation();
        // SAFETY: forwarded contract.
        unsafe { GuardedAllocator.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { GuardedAllocator.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_allocation();
        // SAFETY: forwarded contract.
        unsafe { GuardedAllocator.realloc(ptr, layout, new_size) }
    }
}
