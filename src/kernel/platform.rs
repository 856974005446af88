//! The miniport's [`Platform`] in the kernel, over wdk-sys: a spin lock that raises to
//! DISPATCH_LEVEL, a guarded mutex that does not, the current IRQL, `DbgPrintEx`, the
//! SEH-protected capture of a caller's buffer, and the interrupt-time clock.
//!
//! wdk-sys names as windows-drivers-rs and Toornax/Conduit use them:
//! `wdk_sys::ntddk::{KeAcquireSpinLockRaiseToDpc, KeReleaseSpinLock, KeGetCurrentIrql,
//! KeQueryInterruptTimePrecise}`, `wdk_sys::{KIRQL, KSPIN_LOCK}` (`KeGetCurrentIrql` is what
//! wdk-sys's own `PAGED_CODE!` calls; `KeQueryInterruptTime` is a macro on x64 and absent), and
//! wdm.h's exported `KeInitializeGuardedMutex`/`KeAcquireGuardedMutex`/`KeReleaseGuardedMutex`
//! over `KGUARDED_MUTEX` (an alias of `FAST_MUTEX` in current headers).

use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::fmt;
use core::sync::atomic::{AtomicBool, Ordering};

use miniport::platform::{CallerBuffer, CaptureError, Irql, LogLevel, Platform, RawMutex, RawSpinLock};
use wdk_sys::ntddk::{
    KeAcquireGuardedMutex, KeAcquireSpinLockRaiseToDpc, KeGetCurrentIrql, KeInitializeGuardedMutex,
    KeQueryInterruptTimePrecise, KeReleaseGuardedMutex, KeReleaseSpinLock,
};
use wdk_sys::{KGUARDED_MUTEX, KIRQL, KSPIN_LOCK};

use super::{capture, log};

/// The current IRQL.
fn current_irql() -> Irql {
    // SAFETY: reading the current processor's IRQL has no preconditions.
    Irql(unsafe { KeGetCurrentIrql() })
}

/// Debug builds: asserts the caller runs at PASSIVE_LEVEL (the PortCls adapter callbacks).
pub(crate) fn debug_assert_passive() {
    debug_assert!(current_irql() == Irql::PASSIVE, "expected PASSIVE_LEVEL");
}

/// A `KSPIN_LOCK` acquired with `KeAcquireSpinLockRaiseToDpc`: holding it means DISPATCH_LEVEL.
pub struct KernelSpinLock {
    lock: UnsafeCell<KSPIN_LOCK>,
}

// SAFETY: a KSPIN_LOCK is designed to be shared between processors; all access goes through the
// kernel's interlocked acquire and release.
unsafe impl Sync for KernelSpinLock {}
// SAFETY: an unlocked KSPIN_LOCK is a plain word that may move between threads.
unsafe impl Send for KernelSpinLock {}

// SAFETY: KeAcquireSpinLockRaiseToDpc/KeReleaseSpinLock provide mutual exclusion between `lock`
// and the matching `unlock`.
unsafe impl RawSpinLock for KernelSpinLock {
    type Token = KIRQL;

    fn new() -> Self {
        // KeInitializeSpinLock stores 0 on x64 (KzInitializeSpinLock, wdm.h).
        Self {
            lock: UnsafeCell::new(0),
        }
    }

    fn lock(&self) -> KIRQL {
        debug_assert!(
            current_irql() <= Irql::DISPATCH,
            "spin lock taken above DISPATCH_LEVEL"
        );
        // SAFETY: the lock word is valid and stays in place while `&self` is borrowed; IRQL is
        // <= DISPATCH_LEVEL (asserted in debug builds, the miniport's contract otherwise).
        unsafe { KeAcquireSpinLockRaiseToDpc(self.lock.get()) }
    }

    unsafe fn unlock(&self, token: KIRQL) {
        // SAFETY: the caller holds the lock and `token` is the IRQL its acquisition returned.
        unsafe { KeReleaseSpinLock(self.lock.get(), token) };
    }
}

/// Serialises the deferred initialisation of every [`KernelMutex`]. Taken at DISPATCH_LEVEL for the
/// few stores of `KeInitializeGuardedMutex` (callable at IRQL <= DISPATCH_LEVEL), so that a
/// real-time thread waiting for it cannot starve the initialising thread.
static INITIALISATION: KernelSpinLock = KernelSpinLock {
    lock: UnsafeCell::new(0),
};

/// A `KGUARDED_MUTEX`: a non-raising lock for PASSIVE/APC_LEVEL (the engine, the capture stream's
/// state). Holding it disables APCs (a guarded region), not the scheduler.
///
/// A guarded mutex contains a dispatcher object whose wait list points at itself once initialised,
/// so it must not move after `KeInitializeGuardedMutex`. `RawMutex::new` returns it by value (the
/// miniport moves it into its heap objects), so initialisation is deferred to the first `lock`,
/// when the owning object is at its final address: the miniport and wavert never move a lock
/// after using it (they live in `try_box`ed COM objects until freed).
pub struct KernelMutex {
    initialised: AtomicBool,
    mutex: UnsafeCell<KGUARDED_MUTEX>,
}

// SAFETY: a KGUARDED_MUTEX is made to be shared between threads; all access goes through the
// kernel's acquire and release, after a one-time initialisation under INITIALISATION.
unsafe impl Sync for KernelMutex {}
// SAFETY: an unlocked guarded mutex may move between threads (it is not bound to its creator).
unsafe impl Send for KernelMutex {}

impl KernelMutex {
    /// Initialises the mutex in place on first use.
    fn ensure_initialised(&self) {
        if self.initialised.load(Ordering::Acquire) {
            return;
        }
        let irql = INITIALISATION.lock();
        if !self.initialised.load(Ordering::Acquire) {
            // SAFETY: under INITIALISATION, so exactly one thread initialises, before any thread
            // acquires it (acquirers wait for `initialised`); the mutex stays at this address from
            // now on (see the type's doc); DISPATCH_LEVEL is allowed.
            unsafe { KeInitializeGuardedMutex(self.mutex.get()) };
            self.initialised.store(true, Ordering::Release);
        }
        // SAFETY: taken just above, with this IRQL.
        unsafe { INITIALISATION.unlock(irql) };
    }
}

// SAFETY: KeAcquireGuardedMutex/KeReleaseGuardedMutex provide mutual exclusion between `lock` and
// the matching `unlock`, on a mutex initialised exactly once before its first acquisition.
unsafe impl RawMutex for KernelMutex {
    type Token = ();

    fn new() -> Self {
        Self {
            initialised: AtomicBool::new(false),
            // SAFETY: all-zero is a valid bit pattern for this plain C struct; it is initialised
            // by KeInitializeGuardedMutex before any use.
            mutex: UnsafeCell::new(unsafe { core::mem::zeroed() }),
        }
    }

    fn lock(&self) {
        debug_assert!(current_irql() <= Irql::APC, "guarded mutex taken above APC_LEVEL");
        self.ensure_initialised();
        // SAFETY: initialised and in place; IRQL <= APC_LEVEL (the RawMutex contract, asserted in
        // debug builds); not held by this thread (the miniport never nests it).
        unsafe { KeAcquireGuardedMutex(self.mutex.get()) };
    }

    unsafe fn unlock(&self, (): ()) {
        // SAFETY: the caller holds the mutex (the RawMutex contract).
        unsafe { KeReleaseGuardedMutex(self.mutex.get()) };
    }
}

/// The kernel platform: a zero-sized handle, copied into each COM object.
#[derive(Clone, Copy, Debug, Default)]
pub struct KernelPlatform;

impl Platform for KernelPlatform {
    type Lock = KernelSpinLock;
    type Mutex = KernelMutex;

    fn irql(&self) -> Irql {
        current_irql()
    }

    fn log(&self, level: LogLevel, message: fmt::Arguments<'_>) {
        log::line_at(level, message);
    }

    unsafe fn capture(&self, buffer: CallerBuffer) -> Result<Vec<u8>, CaptureError> {
        debug_assert!(
            current_irql() == Irql::PASSIVE,
            "capture needs PASSIVE_LEVEL (ProbeForRead)"
        );
        let size = usize::try_from(buffer.size).map_err(|_| CaptureError::OutOfMemory)?;
        let mut copy = Vec::new();
        copy.try_reserve_exact(size)
            .map_err(|_| CaptureError::OutOfMemory)?;
        copy.resize(size, 0);
        // SAFETY: PASSIVE_LEVEL in the requestor's thread (the property handler's context, the
        // miniport's contract for `capture`); a null IRP makes capture.c take the originator's
        // mode from ExGetPreviousMode and probe anything that is not kernel mode.
        unsafe { capture::capture(core::ptr::null_mut(), buffer.address, &mut copy) }
            .map_err(|_| CaptureError::Inaccessible)?;
        Ok(copy)
    }

    fn now_100ns(&self) -> i64 {
        let mut performance_counter = 0u64;
        // SAFETY: the argument is a writable local; callable at any IRQL.
        let interrupt_time = unsafe { KeQueryInterruptTimePrecise(&mut performance_counter) };
        i64::try_from(interrupt_time).unwrap_or(i64::MAX)
    }

    fn caller_is_32bit(&self) -> bool {
        // SAFETY: a null IRP asks about the current process, which is the requestor's while a
        // property request is being served.
        unsafe { capture::is_32bit_requestor(core::ptr::null_mut()) }
    }
}
