//! The miniport's [`Platform`] in the kernel, over wdk-sys: a spin lock that raises to
//! DISPATCH_LEVEL, the current IRQL, `DbgPrintEx`, the SEH-protected capture of a caller's buffer,
//! and the interrupt-time clock. Plus the miniport factory `StartDevice` calls.
//!
//! wdk-sys names as windows-drivers-rs and Toornax/Conduit use them:
//! `wdk_sys::ntddk::{KeAcquireSpinLockRaiseToDpc, KeReleaseSpinLock, KeGetCurrentIrql,
//! KeQueryInterruptTimePrecise}`, `wdk_sys::{KIRQL, KSPIN_LOCK}` (`KeGetCurrentIrql` is what
//! wdk-sys's own `PAGED_CODE!` calls; `KeQueryInterruptTime` is a macro on x64 and absent).

use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::fmt;
use core::ptr::NonNull;

use miniport::platform::{CallerBuffer, CaptureError, Irql, LogLevel, Platform, RawSpinLock};
use portcls_sys::com::IUnknown;
use portcls_sys::dmerror::NTSTATUS;
use wdk_sys::ntddk::{
    KeAcquireSpinLockRaiseToDpc, KeGetCurrentIrql, KeQueryInterruptTimePrecise, KeReleaseSpinLock,
};
use wdk_sys::{KIRQL, KSPIN_LOCK};

use super::{capture, log};
use crate::adapter::SynthMode;

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

/// The kernel platform: a zero-sized handle, copied into each COM object.
#[derive(Clone, Copy, Debug, Default)]
pub struct KernelPlatform;

impl Platform for KernelPlatform {
    type Lock = KernelSpinLock;

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

/// The DirectMusic miniport for `mode`, over the kernel platform: one reference on its `IUnknown`.
///
/// # Errors
/// `STATUS_INSUFFICIENT_RESOURCES` and friends from the miniport factory.
pub(crate) fn create_dmus_miniport(mode: SynthMode) -> Result<NonNull<IUnknown>, NTSTATUS> {
    crate::factory::create_miniport(KernelPlatform, mode)
}
