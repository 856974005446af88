//! What the miniport needs from its host: the kernel (`src/kernel`, over wdk-sys) or the host
//! stand-in (`portcls-host`). Kept small so that both can implement it honestly.
//!
//! * a spin lock that raises IRQL to DISPATCH_LEVEL while held (kernel: `KeAcquireSpinLockRaiseToDpc`);
//! * a non-raising mutex for the engine, taken only at PASSIVE_LEVEL or APC_LEVEL (kernel:
//!   `KGUARDED_MUTEX`, `KeAcquireGuardedMutex`), so that rendering never runs at DISPATCH_LEVEL
//!   (ADR 002, ADR 005);
//! * the current IRQL (for assertions and the log);
//! * a log line (kernel: `DbgPrintEx`, callable at DISPATCH_LEVEL);
//! * the capture of a caller's buffer (`SYNTH_BUFFER`) into a kernel copy (kernel: `ProbeForRead` +
//!   copy under SEH, because the address comes from user mode);
//! * a monotonic clock in 100-ns units (kernel: `KeQueryInterruptTimePrecise`).

use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::fmt;
use core::ops::{Deref, DerefMut};

/// An interrupt request level, as the kernel numbers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Irql(pub u8);

impl Irql {
    /// PASSIVE_LEVEL: threads; paged memory and allocation allowed.
    pub const PASSIVE: Self = Self(0);
    /// APC_LEVEL.
    pub const APC: Self = Self(1);
    /// DISPATCH_LEVEL: DPCs and spin locks; no paging, no blocking, no allocation in this driver.
    pub const DISPATCH: Self = Self(2);
}

/// Severity of a log line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// Something failed or a contract was broken by a caller.
    Error,
    /// Something unusual that the driver handled (a full queue, a clamped value).
    Warning,
    /// Lifecycle information.
    Info,
    /// Details for debugging.
    Trace,
}

/// A caller's buffer as `SYNTH_BUFFER` describes it: an address in the caller's address space and
/// a length. Nothing is known about the address until the platform has checked it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallerBuffer {
    /// The address (`SYNTH_BUFFER.BufferAddress`, zero-extended from 32 bits for WOW64 callers).
    pub address: usize,
    /// Length in bytes (`SYNTH_BUFFER.BufferSize`).
    pub size: u32,
}

/// Why a caller's buffer could not be captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptureError {
    /// The address range is not readable by the caller (kernel: `ProbeForRead` raised).
    Inaccessible,
    /// The kernel copy could not be allocated.
    OutOfMemory,
}

/// A raw spin lock. Acquiring raises IRQL to DISPATCH_LEVEL; releasing restores it.
///
/// # Safety
/// Implementations must provide mutual exclusion: between `lock` returning and the matching
/// `unlock`, no other `lock` on the same object returns.
pub unsafe trait RawSpinLock: Send + Sync {
    /// What `unlock` needs back (the kernel: the previous IRQL).
    type Token;
    /// A new, unlocked lock.
    fn new() -> Self;
    /// Spins until the lock is held; raises to DISPATCH_LEVEL.
    fn lock(&self) -> Self::Token;
    /// Releases the lock and restores the IRQL in `token`.
    ///
    /// # Safety
    /// The caller holds the lock, and `token` came from the `lock` call that acquired it.
    unsafe fn unlock(&self, token: Self::Token);
}

/// A raw non-raising mutex: a waiter blocks (sleeps) instead of spinning, and holding it leaves
/// the IRQL where it was (PASSIVE_LEVEL or APC_LEVEL), so the holder may allocate, fault on pageable
/// memory and run for milliseconds (a render pass). Never taken at DISPATCH_LEVEL.
///
/// Kernel: `KGUARDED_MUTEX` (`KeAcquireGuardedMutex` enters a guarded region, which also keeps
/// APCs from suspending the holder; so the holder must not wait for I/O, whose completion needs
/// an APC: no file access under the engine mutex). Host: an atomic flag whose `lock` asserts the simulated IRQL
/// is at most APC_LEVEL, so a test fails if anything takes the engine lock at DISPATCH_LEVEL.
///
/// # Safety
/// Implementations must provide mutual exclusion: between `lock` returning and the matching
/// `unlock`, no other `lock` on the same object returns.
pub unsafe trait RawMutex: Send + Sync {
    /// What `unlock` needs back (nothing for a guarded mutex; the host keeps a marker).
    type Token;
    /// A new, unlocked mutex.
    fn new() -> Self;
    /// Blocks until the mutex is held. PASSIVE_LEVEL or APC_LEVEL only.
    fn lock(&self) -> Self::Token;
    /// Releases the mutex.
    ///
    /// # Safety
    /// The caller holds the mutex, and `token` came from the `lock` call that acquired it.
    unsafe fn unlock(&self, token: Self::Token);
}

/// The services the miniport needs. `Clone` must be cheap (a handle or a zero-sized type): each
/// COM object keeps its own copy.
pub trait Platform: Clone + Send + Sync + 'static {
    /// The spin lock.
    type Lock: RawSpinLock;
    /// The non-raising mutex that guards the engine (PASSIVE/APC_LEVEL only).
    type Mutex: RawMutex;
    /// The current IRQL.
    fn irql(&self) -> Irql;
    /// Writes one log line. Callable at any IRQL up to DISPATCH_LEVEL; must not allocate.
    fn log(&self, level: LogLevel, message: fmt::Arguments<'_>);
    /// Copies a caller's buffer into memory the driver owns. PASSIVE_LEVEL only.
    ///
    /// # Safety
    /// `buffer` comes from the current request (the kernel checks that the range is in the caller's
    /// address space; the host trusts it to point at `size` readable bytes).
    unsafe fn capture(&self, buffer: CallerBuffer) -> Result<Vec<u8>, CaptureError>;
    /// A monotonic clock in 100-ns units.
    fn now_100ns(&self) -> i64;
    /// Whether the request being served comes from a 32-bit process on a 64-bit system
    /// (`IoIs32bitProcess`). The miniport also recognises the 32-bit layouts by their size.
    fn caller_is_32bit(&self) -> bool {
        false
    }
}

/// Data protected by a [`RawSpinLock`].
pub struct SpinLock<R: RawSpinLock, T> {
    raw: R,
    data: UnsafeCell<T>,
}

// SAFETY: the lock hands out `&mut T` to one holder at a time, so sharing the lock between threads
// is sound whenever moving a `T` between threads is.
unsafe impl<R: RawSpinLock, T: Send> Sync for SpinLock<R, T> {}
// SAFETY: owning the lock owns the `T`.
unsafe impl<R: RawSpinLock, T: Send> Send for SpinLock<R, T> {}

impl<R: RawSpinLock, T> SpinLock<R, T> {
    /// Wraps `data`.
    pub fn new(data: T) -> Self {
        Self {
            raw: R::new(),
            data: UnsafeCell::new(data),
        }
    }

    /// Acquires the lock (raising to DISPATCH_LEVEL until the guard drops).
    pub fn lock(&self) -> SpinLockGuard<'_, R, T> {
        let token = self.raw.lock();
        SpinLockGuard {
            lock: self,
            token: Some(token),
        }
    }
}

/// Holds a [`SpinLock`]; releases it on drop.
pub struct SpinLockGuard<'a, R: RawSpinLock, T> {
    lock: &'a SpinLock<R, T>,
    token: Option<R::Token>,
}

impl<R: RawSpinLock, T> Deref for SpinLockGuard<'_, R, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard exists only while the lock is held, so no other reference to the data
        // exists.
        unsafe { &*self.lock.data.get() }
    }
}

impl<R: RawSpinLock, T> DerefMut for SpinLockGuard<'_, R, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes this the only borrow through the guard.
        unsafe { &mut *self.lock.data.get() }
    }
}

impl<R: RawSpinLock, T> Drop for SpinLockGuard<'_, R, T> {
    fn drop(&mut self) {
        if let Some(token) = self.token.take() {
            // SAFETY: this guard acquired the lock and `token` is what that `lock` call returned.
            unsafe { self.lock.raw.unlock(token) };
        }
    }
}

/// Data protected by a [`RawMutex`]: a non-raising lock for PASSIVE_LEVEL code (the engine).
pub struct Mutex<R: RawMutex, T> {
    raw: R,
    data: UnsafeCell<T>,
}

// SAFETY: the mutex hands out `&mut T` to one holder at a time, so sharing it between threads is
// sound whenever moving a `T` between threads is.
unsafe impl<R: RawMutex, T: Send> Sync for Mutex<R, T> {}
// SAFETY: owning the mutex owns the `T`.
unsafe impl<R: RawMutex, T: Send> Send for Mutex<R, T> {}

impl<R: RawMutex, T> Mutex<R, T> {
    /// Wraps `data`.
    pub fn new(data: T) -> Self {
        Self {
            raw: R::new(),
            data: UnsafeCell::new(data),
        }
    }

    /// Acquires the mutex (blocking; PASSIVE_LEVEL or APC_LEVEL only) until the guard drops.
    pub fn lock(&self) -> MutexGuard<'_, R, T> {
        let token = self.raw.lock();
        MutexGuard {
            mutex: self,
            token: Some(token),
        }
    }
}

/// Holds a [`Mutex`]; releases it on drop.
pub struct MutexGuard<'a, R: RawMutex, T> {
    mutex: &'a Mutex<R, T>,
    token: Option<R::Token>,
}

impl<R: RawMutex, T> Deref for MutexGuard<'_, R, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard exists only while the mutex is held, so no other reference to the
        // data exists.
        unsafe { &*self.mutex.data.get() }
    }
}

impl<R: RawMutex, T> DerefMut for MutexGuard<'_, R, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and `&mut self` makes this the only borrow through the guard.
        unsafe { &mut *self.mutex.data.get() }
    }
}

impl<R: RawMutex, T> Drop for MutexGuard<'_, R, T> {
    fn drop(&mut self) {
        if let Some(token) = self.token.take() {
            // SAFETY: this guard acquired the mutex and `token` is what that `lock` call returned.
            unsafe { self.mutex.raw.unlock(token) };
        }
    }
}

/// `format_args!` into [`Platform::log`].
#[macro_export]
macro_rules! log {
    ($platform:expr, $level:ident, $($arg:tt)*) => {
        {
            #[allow(unused_imports)]
            use $crate::platform::Platform as _;
            ($platform).log($crate::platform::LogLevel::$level, format_args!($($arg)*))
        }
    };
}
