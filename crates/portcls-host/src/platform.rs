//! The miniport's platform on a host: a simulated IRQL per thread, a spin lock that raises it to
//! DISPATCH_LEVEL, a log, a capture that copies from the pointer, and an allocator wrapper that
//! counts allocations and catches any made at DISPATCH_LEVEL.
//!
//! Tests install [`GuardedAllocator`] as their `#[global_allocator]`; then
//! [`dispatch_allocations`] counts every allocation, reallocation or free made while the calling
//! thread's simulated IRQL was DISPATCH_LEVEL or higher (the kernel rule: none at all), and
//! [`live_allocations`] / [`live_bytes`] give the balance for leak checks.

use miniport::platform::{CallerBuffer, CaptureError, Irql, LogLevel, Platform, RawMutex, RawSpinLock};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fmt;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicU64, Ordering};
use std::time::Instant;

thread_local! {
    static IRQL: Cell<u8> = const { Cell::new(0) };
}

/// The calling thread's simulated IRQL.
pub fn current_irql() -> Irql {
    Irql(IRQL.try_with(Cell::get).unwrap_or(0))
}

fn set_irql(irql: Irql) {
    let _ = IRQL.try_with(|cell| cell.set(irql.0));
}

/// Raises the simulated IRQL until the guard drops (as `KeRaiseIrql`/`KeLowerIrql`).
pub struct IrqlGuard {
    previous: Irql,
}

impl Drop for IrqlGuard {
    fn drop(&mut self) {
        set_irql(self.previous);
    }
}

/// Raises the calling thread's simulated IRQL to `irql` (never lowers it).
pub fn raise_irql(irql: Irql) -> IrqlGuard {
    let previous = current_irql();
    set_irql(previous.max(irql));
    IrqlGuard { previous }
}

static DISPATCH_ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static LIVE_ALLOCATIONS: AtomicIsize = AtomicIsize::new(0);
static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);
static LOG_ERRORS: AtomicU64 = AtomicU64::new(0);
static LOG_WARNINGS: AtomicU64 = AtomicU64::new(0);
static LOG_TO_STDERR: AtomicBool = AtomicBool::new(false);

/// Allocations, reallocations and frees made at DISPATCH_LEVEL or above since the process started
/// (only counted when [`GuardedAllocator`] is the global allocator).
pub fn dispatch_allocations() -> u64 {
    DISPATCH_ALLOCATIONS.load(Ordering::SeqCst)
}

/// Blocks currently allocated through [`GuardedAllocator`].
pub fn live_allocations() -> isize {
    LIVE_ALLOCATIONS.load(Ordering::SeqCst)
}

/// Bytes currently allocated through [`GuardedAllocator`].
pub fn live_bytes() -> isize {
    LIVE_BYTES.load(Ordering::SeqCst)
}

/// Error lines logged by the miniport so far.
pub fn logged_errors() -> u64 {
    LOG_ERRORS.load(Ordering::SeqCst)
}

/// Warning lines logged by the miniport so far.
pub fn logged_warnings() -> u64 {
    LOG_WARNINGS.load(Ordering::SeqCst)
}

/// Sends the miniport's log lines to stderr (off by default).
pub fn log_to_stderr(enabled: bool) {
    LOG_TO_STDERR.store(enabled, Ordering::SeqCst);
}

/// A global allocator over `System` that counts live blocks and catches DISPATCH_LEVEL use.
pub struct GuardedAllocator;

fn note(delta_blocks: isize, delta_bytes: isize) {
    if current_irql() >= Irql::DISPATCH {
        DISPATCH_ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
    }
    LIVE_ALLOCATIONS.fetch_add(delta_blocks, Ordering::SeqCst);
    LIVE_BYTES.fetch_add(delta_bytes, Ordering::SeqCst);
}

// SAFETY: every method forwards to `System` with the same arguments; the bookkeeping touches only
// atomics and a const-initialised thread-local (no allocation, no reentrancy).
unsafe impl GlobalAlloc for GuardedAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(1, layout.size() as isize);
        // SAFETY: forwarded contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(1, layout.size() as isize);
        // SAFETY: forwarded contract.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(-1, -(layout.size() as isize));
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(0, new_size as isize - layout.size() as isize);
        // SAFETY: forwarded contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// A spin lock that raises the simulated IRQL to DISPATCH_LEVEL while held.
pub struct HostSpinLock {
    held: AtomicBool,
}

// SAFETY: `lock` returns only after swapping `held` from false to true (acquire), `unlock` stores
// false (release): mutual exclusion between them.
unsafe impl RawSpinLock for HostSpinLock {
    type Token = IrqlGuard;

    fn new() -> Self {
        Self {
            held: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> IrqlGuard {
        assert!(
            current_irql() <= Irql::DISPATCH,
            "spin lock taken above DISPATCH_LEVEL"
        );
        let guard = raise_irql(Irql::DISPATCH);
        while self
            .held
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            std::hint::spin_loop();
        }
        guard
    }

    unsafe fn unlock(&self, token: IrqlGuard) {
        self.held.store(false, Ordering::Release);
        drop(token);
    }
}

/// A non-raising mutex (the kernel's `KGUARDED_MUTEX`): taking it leaves the simulated IRQL as it
/// is, and taking it above APC_LEVEL panics, so any test path that would take the engine lock at
/// DISPATCH_LEVEL (e.g. from `PutMessage`) fails. Waiters yield instead of spinning hot (the
/// kernel's waiters sleep).
pub struct HostMutex {
    held: AtomicBool,
}

static MUTEX_ACQUISITIONS: AtomicU64 = AtomicU64::new(0);

/// How many times any [`HostMutex`] was acquired since the process started (lets a test prove a
/// path really took the engine mutex).
pub fn mutex_acquisitions() -> u64 {
    MUTEX_ACQUISITIONS.load(Ordering::SeqCst)
}

// SAFETY: `lock` returns only after swapping `held` from false to true (acquire), `unlock` stores
// false (release): mutual exclusion between them.
unsafe impl RawMutex for HostMutex {
    type Token = ();

    fn new() -> Self {
        Self {
            held: AtomicBool::new(false),
        }
    }

    fn lock(&self) {
        assert!(
            current_irql() <= Irql::APC,
            "non-raising mutex taken at IRQL {:?} (must be PASSIVE or APC)",
            current_irql()
        );
        while self
            .held
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            std::thread::yield_now();
        }
        MUTEX_ACQUISITIONS.fetch_add(1, Ordering::Relaxed);
    }

    unsafe fn unlock(&self, _token: ()) {
        self.held.store(false, Ordering::Release);
    }
}

/// The host platform: zero-sized, copied into every COM object of the miniport.
#[derive(Clone, Copy, Debug, Default)]
pub struct HostPlatform;

fn process_start() -> Instant {
    use std::sync::OnceLock;
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

impl Platform for HostPlatform {
    type Lock = HostSpinLock;
    type Mutex = HostMutex;

    fn irql(&self) -> Irql {
        current_irql()
    }

    fn log(&self, level: LogLevel, message: fmt::Arguments<'_>) {
        match level {
            LogLevel::Error => LOG_ERRORS.fetch_add(1, Ordering::SeqCst),
            LogLevel::Warning => LOG_WARNINGS.fetch_add(1, Ordering::SeqCst),
            _ => 0,
        };
        if LOG_TO_STDERR.load(Ordering::Relaxed) {
            // Unbuffered stderr: `write_fmt` on the locked handle does not allocate.
            let _ = writeln!(std::io::stderr().lock(), "[dmksynth {level:?}] {message}");
        }
    }

    unsafe fn capture(&self, buffer: CallerBuffer) -> Result<Vec<u8>, CaptureError> {
        if current_irql() != Irql::PASSIVE {
            return Err(CaptureError::Inaccessible);
        }
        if buffer.address == 0 {
            return Err(CaptureError::Inaccessible);
        }
        let size = buffer.size as usize;
        let mut copy = Vec::new();
        copy.try_reserve_exact(size)
            .map_err(|_| CaptureError::OutOfMemory)?;
        // SAFETY: the host's callers pass a pointer to `size` readable bytes (the contract of
        // `Platform::capture` on the host).
        let source = unsafe { std::slice::from_raw_parts(buffer.address as *const u8, size) };
        copy.extend_from_slice(source);
        Ok(copy)
    }

    fn now_100ns(&self) -> i64 {
        i64::try_from(process_start().elapsed().as_nanos() / 100).unwrap_or(i64::MAX)
    }
}
