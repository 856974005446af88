//! The hardware-synth mode's render thread and the WaveRT objects' kernel platform.
//!
//! One render thread per started device (ADR 002, "Who renders"): a system thread at real-time
//! priority (`LOW_REALTIME_PRIORITY + 8`) that calls `wavert::Pump::tick` at PASSIVE_LEVEL. It
//! sleeps on one synchronisation event ([`RenderSignal`]'s `wake`), which three things set:
//!
//! * a high-resolution timer (`ExAllocateTimer(EX_TIMER_HIGH_RESOLUTION)`), armed with a 2 ms
//!   period only while the last tick said `keep_ticking`; its callback (DISPATCH_LEVEL) only sets
//!   the event, it never renders;
//! * the WaveRT stream, through [`KernelWaveRtPlatform::wake_renderer`], when it starts, stops or
//!   gets or loses its buffer;
//! * [`RenderThread::stop`].
//!
//! While the timer is disarmed the wait has a 50 ms timeout, so that a MIDI client that starts
//! while nobody records (the DMus miniport does not know the pump) gets its discard ticks within
//! 50 ms (`wavert::pump`'s module doc).
//!
//! Ownership: the thread's [`ThreadContext`] (pump, timer, a signal reference) is allocated by
//! [`RenderThread::start`] and freed by [`RenderThread::stop`] after the thread has ended (it waits
//! on the thread object, referenced with `ObReferenceObjectByHandle`) and the timer is deleted with
//! `Wait = TRUE` (no callback runs any more). The [`RenderSignal`] is reference counted: the WaveRT
//! objects' platform copies keep it alive after the thread is gone (a stream may still call
//! `wake_renderer`, which then sets an event nobody waits on).

use core::cell::UnsafeCell;
use core::ffi::c_void;
use core::fmt;
use core::ptr::{NonNull, null_mut};
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering, fence};

use miniport::HardwareSynth;
use miniport::com::{free_box, try_box};
use miniport::platform::{CallerBuffer, CaptureError, Irql, LogLevel, Platform};
use portcls_sys::dmerror::{NTSTATUS, STATUS_INSUFFICIENT_RESOURCES, STATUS_SUCCESS};
use wdk_sys::ntddk::{
    ExAllocateTimer, ExCancelTimer, ExDeleteTimer, ExSetTimer, KeInitializeEvent, KeSetEvent,
    KeSetPriorityThread, KeWaitForSingleObject, ObReferenceObjectByHandle, ObfDereferenceObject,
    PsCreateSystemThread, PsTerminateSystemThread, ZwClose, ZwWaitForSingleObject,
};
use wdk_sys::{
    _EVENT_TYPE, _KWAIT_REASON, _MODE, HANDLE, KEVENT, KPROCESSOR_MODE, LARGE_INTEGER, OBJECT_ATTRIBUTES,
    PEX_TIMER, PKTHREAD, PVOID, ULONG,
};

use super::OBJ_KERNEL_HANDLE;
use super::platform::{KernelMutex, KernelPlatform, KernelSpinLock};
use crate::render_loop::RenderLoopHost;

/// `EX_TIMER_HIGH_RESOLUTION` (wdm.h).
const EX_TIMER_HIGH_RESOLUTION: ULONG = 0x4;
/// `THREAD_ALL_ACCESS` (wdm.h, NTDDI_VERSION >= Vista: `STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE |
/// 0xFFFF`).
const THREAD_ALL_ACCESS: ULONG = 0x001F_FFFF;
/// `LOW_REALTIME_PRIORITY` (wdm.h).
const LOW_REALTIME_PRIORITY: i32 = 16;
/// The render thread's priority: in the real-time range, below the system's most critical threads
/// (ADR 002).
const RENDER_PRIORITY: i32 = LOW_REALTIME_PRIORITY + 8;
/// `FALSE`/`TRUE` as `BOOLEAN`.
const FALSE: u8 = 0;
const TRUE: u8 = 1;

/// `KernelMode` as the `KPROCESSOR_MODE` the wait and reference calls take.
const KERNEL_MODE: KPROCESSOR_MODE = _MODE::KernelMode as KPROCESSOR_MODE;

/// What the render thread waits on, shared (counted) with the timer and the WaveRT platform.
pub(crate) struct RenderSignal {
    references: AtomicU32,
    /// The render thread must end.
    stop: AtomicBool,
    /// A `SynchronizationEvent`, initialised in place (a dispatcher object must not move).
    wake: UnsafeCell<KEVENT>,
}

impl RenderSignal {
    /// Sets the wake event. IRQL <= DISPATCH_LEVEL.
    fn wake(&self) {
        // SAFETY: the event was initialised in `SignalHandle::create` and lives while this
        // reference does; KeSetEvent with Wait = FALSE is callable at IRQL <= DISPATCH_LEVEL.
        unsafe { KeSetEvent(self.wake.get(), 0, FALSE) };
    }
}

/// One counted reference on a [`RenderSignal`]: `Clone` takes one, `Drop` gives it back.
pub(crate) struct SignalHandle(NonNull<RenderSignal>);

// SAFETY: the signal's state is atomics and a kernel event, which any thread may set.
unsafe impl Send for SignalHandle {}
// SAFETY: as above; every method takes `&self`.
unsafe impl Sync for SignalHandle {}

impl SignalHandle {
    /// A new signal with one reference. PASSIVE_LEVEL.
    ///
    /// # Errors
    /// `STATUS_INSUFFICIENT_RESOURCES`.
    pub(crate) fn create() -> Result<Self, NTSTATUS> {
        let signal = try_box(RenderSignal {
            references: AtomicU32::new(1),
            stop: AtomicBool::new(false),
            // SAFETY: all-zero is a valid bit pattern for KEVENT; KeInitializeEvent below sets it.
            wake: UnsafeCell::new(unsafe { core::mem::zeroed() }),
        })
        .map_err(|_| STATUS_INSUFFICIENT_RESOURCES)?;
        let signal = NonNull::new(signal).ok_or(STATUS_INSUFFICIENT_RESOURCES)?;
        // SAFETY: freshly allocated and initialised above, not yet shared.
        let event = unsafe { signal.as_ref() }.wake.get();
        // SAFETY: the event is at its final (heap) address and not yet shared.
        unsafe { KeInitializeEvent(event, _EVENT_TYPE::SynchronizationEvent, FALSE) };
        Ok(Self(signal))
    }

    fn signal(&self) -> &RenderSignal {
        // SAFETY: this handle owns a reference.
        unsafe { self.0.as_ref() }
    }

    /// The signal's address, for the timer callback's context (valid while a handle lives).
    fn as_context(&self) -> PVOID {
        self.0.as_ptr().cast()
    }
}

impl Clone for SignalHandle {
    fn clone(&self) -> Self {
        self.signal().references.fetch_add(1, Ordering::Relaxed);
        Self(self.0)
    }
}

impl Drop for SignalHandle {
    fn drop(&mut self) {
        if self.signal().references.fetch_sub(1, Ordering::Release) == 1 {
            fence(Ordering::Acquire);
            // SAFETY: the last reference: nothing else can reach the signal (the timer that used
            // it as context was deleted with Wait = TRUE before its holder's reference dropped).
            unsafe { free_box(self.0.as_ptr()) };
        }
    }
}

/// The platform of the WaveRT and topology objects: the kernel platform, plus the device's
/// render signal so that a stream can wake the render thread.
#[derive(Clone)]
pub(crate) struct KernelWaveRtPlatform {
    signal: SignalHandle,
}

impl KernelWaveRtPlatform {
    /// A platform waking `signal`'s thread.
    pub(crate) fn new(signal: SignalHandle) -> Self {
        Self { signal }
    }
}

impl Platform for KernelWaveRtPlatform {
    type Lock = KernelSpinLock;
    type Mutex = KernelMutex;

    fn irql(&self) -> Irql {
        KernelPlatform.irql()
    }

    fn log(&self, level: LogLevel, message: fmt::Arguments<'_>) {
        KernelPlatform.log(level, message);
    }

    unsafe fn capture(&self, buffer: CallerBuffer) -> Result<alloc::vec::Vec<u8>, CaptureError> {
        // SAFETY: the caller's contract is the same as KernelPlatform's.
        unsafe { KernelPlatform.capture(buffer) }
    }

    fn now_100ns(&self) -> i64 {
        KernelPlatform.now_100ns()
    }

    fn caller_is_32bit(&self) -> bool {
        KernelPlatform.caller_is_32bit()
    }
}

impl wavert::WaveRtPlatform for KernelWaveRtPlatform {
    fn wake_renderer(&self) {
        self.signal.signal().wake();
    }

    unsafe fn signal_event(&self, event: portcls_sys::PKEVENT) {
        // SAFETY: `event` is a live KEVENT the port registered (the trait's contract); the render
        // thread calls this at PASSIVE_LEVEL; Wait = FALSE.
        unsafe { KeSetEvent(event.cast(), 0, FALSE) };
    }
}

/// The render loop body of a device, as the kernel instantiates it.
pub(crate) type KernelPump = wavert::Pump<KernelWaveRtPlatform, HardwareSynth<KernelPlatform>>;

/// What the render thread reads; freed by [`RenderThread::stop`] after the thread ended.
struct ThreadContext {
    pump: KernelPump,
    signal: SignalHandle,
    timer: PEX_TIMER,
}

/// The running render thread of a device. [`stop`](Self::stop) ends it.
pub(crate) struct RenderThread {
    context: NonNull<ThreadContext>,
    /// The thread object, referenced.
    thread: PVOID,
}

// SAFETY: the thread object reference and the context may be released from any PASSIVE thread.
unsafe impl Send for RenderThread {}

impl RenderThread {
    /// Starts the render thread over `pump`, woken by `signal` (the same signal the WaveRT
    /// platform of `pump` wakes). Consumes both on failure too. PASSIVE_LEVEL.
    ///
    /// # Errors
    /// `STATUS_INSUFFICIENT_RESOURCES` (timer or context), or the status of
    /// `PsCreateSystemThread`/`ObReferenceObjectByHandle`.
    pub(crate) fn start(pump: KernelPump, signal: SignalHandle) -> Result<Self, NTSTATUS> {
        // SAFETY: PASSIVE_LEVEL; the callback only sets the event of the signal whose address is
        // its context, and that signal outlives the timer (the context below holds a reference
        // until after ExDeleteTimer(Wait = TRUE)).
        let timer = unsafe {
            ExAllocateTimer(
                Some(timer_callback),
                signal.as_context(),
                EX_TIMER_HIGH_RESOLUTION,
            )
        };
        if timer.is_null() {
            return Err(STATUS_INSUFFICIENT_RESOURCES);
        }
        let context = match try_box(ThreadContext { pump, signal, timer }) {
            Ok(context) => context,
            Err(_) => {
                // SAFETY: never armed; PASSIVE_LEVEL (Wait = TRUE needs <= APC_LEVEL).
                unsafe { ExDeleteTimer(timer, TRUE, TRUE, null_mut()) };
                return Err(STATUS_INSUFFICIENT_RESOURCES);
            }
        };
        let Some(context) = NonNull::new(context) else {
            // SAFETY: as above.
            unsafe { ExDeleteTimer(timer, TRUE, TRUE, null_mut()) };
            return Err(STATUS_INSUFFICIENT_RESOURCES);
        };
        // SAFETY: zero is a valid OBJECT_ATTRIBUTES to fill in.
        let mut attributes: OBJECT_ATTRIBUTES = unsafe { core::mem::zeroed() };
        attributes.Length = core::mem::size_of::<OBJECT_ATTRIBUTES>() as ULONG;
        attributes.Attributes = OBJ_KERNEL_HANDLE;
        let mut handle: HANDLE = null_mut();
        // SAFETY: PASSIVE_LEVEL; `render_thread_main` only reads the context, which stays
        // allocated until `stop` has waited for the thread to end.
        let status = unsafe {
            PsCreateSystemThread(
                &mut handle,
                THREAD_ALL_ACCESS,
                &mut attributes,
                null_mut(),
                null_mut(),
                Some(render_thread_main),
                context.as_ptr().cast(),
            )
        };
        if status < 0 || handle.is_null() {
            // SAFETY: no thread uses the context; it came from try_box.
            unsafe { free_context(context) };
            return Err(if status < 0 {
                status
            } else {
                STATUS_INSUFFICIENT_RESOURCES
            });
        }
        let mut thread: PVOID = null_mut();
        // SAFETY: `handle` is our kernel handle to the new thread; a NULL object type is accepted
        // for KernelMode.
        let status = unsafe {
            ObReferenceObjectByHandle(
                handle,
                THREAD_ALL_ACCESS,
                null_mut(),
                KERNEL_MODE,
                &mut thread,
                null_mut(),
            )
        };
        if status < 0 || thread.is_null() {
            // We cannot join through an object reference: stop the thread and wait on the handle.
            // SAFETY: the context is live (the thread runs).
            unsafe { request_stop(context) };
            // SAFETY: our handle to the thread; PASSIVE_LEVEL; returns when the thread ended.
            let _ = unsafe { ZwWaitForSingleObject(handle, FALSE, null_mut()) };
            // SAFETY: our handle, closed once.
            let _ = unsafe { ZwClose(handle) };
            // SAFETY: the thread ended; the context came from try_box.
            unsafe { free_context(context) };
            return Err(if status < 0 {
                status
            } else {
                STATUS_INSUFFICIENT_RESOURCES
            });
        }
        // SAFETY: the object reference keeps the thread object; the handle is closed once.
        let _ = unsafe { ZwClose(handle) };
        // SAFETY: `thread` is a referenced KTHREAD (a PETHREAD is a PKTHREAD).
        unsafe { KeSetPriorityThread(thread as PKTHREAD, RENDER_PRIORITY) };
        Ok(Self { context, thread })
    }

    /// Ends the thread and frees what it used: sets `stop`, wakes it, waits for it to end,
    /// deletes the timer (waiting for a running callback) and drops the pump. PASSIVE_LEVEL, not
    /// from the render thread.
    pub(crate) fn stop(self) {
        let context = self.context;
        let thread = self.thread;
        core::mem::forget(self);
        // SAFETY: the context is live until freed below.
        unsafe { request_stop(context) };
        // SAFETY: the thread object is referenced; the wait is at PASSIVE_LEVEL (PnP IRPs), with
        // no timeout: the thread checks `stop` after every wake and a tick is bounded (a few ms).
        let _ = unsafe {
            KeWaitForSingleObject(thread, _KWAIT_REASON::Executive, KERNEL_MODE, FALSE, null_mut())
        };
        // SAFETY: gives back the reference ObReferenceObjectByHandle took; not used again.
        unsafe { ObfDereferenceObject(thread) };
        // SAFETY: the thread ended; the context came from try_box and is not used again.
        unsafe { free_context(context) };
    }
}

impl Drop for RenderThread {
    fn drop(&mut self) {
        // `stop` forgets `self`; a RenderThread dropped otherwise is stopped the same way.
        let this = Self {
            context: self.context,
            thread: self.thread,
        };
        this.stop();
    }
}

/// Asks the render thread to end and wakes it.
///
/// # Safety
/// `context` is a live [`ThreadContext`].
unsafe fn request_stop(context: NonNull<ThreadContext>) {
    // SAFETY: live by the caller's contract.
    let signal = unsafe { &context.as_ref().signal };
    signal.signal().stop.store(true, Ordering::Release);
    signal.signal().wake();
}

/// Deletes the timer (cancelling it and waiting for a running callback) and frees the context,
/// dropping the pump and the signal reference. PASSIVE_LEVEL.
///
/// # Safety
/// `context` came from `try_box` and no thread uses it any more.
unsafe fn free_context(context: NonNull<ThreadContext>) {
    // SAFETY: live and unshared (caller's contract).
    let timer = unsafe { context.as_ref().timer };
    // SAFETY: the timer is ours; Cancel = TRUE, Wait = TRUE at PASSIVE_LEVEL, so no callback uses
    // the signal after this returns.
    unsafe { ExDeleteTimer(timer, TRUE, TRUE, null_mut()) };
    // SAFETY: from try_box, not used again.
    unsafe { free_box(context.as_ptr()) };
}

/// The high-resolution timer's callback: wakes the render thread.
///
/// IRQL: DISPATCH_LEVEL.
///
/// # Safety
/// Called only by the kernel for the timer `RenderThread::start` allocated, whose context is a
/// live [`RenderSignal`] (a reference is held until the timer is deleted with Wait = TRUE).
unsafe extern "C" fn timer_callback(_timer: PEX_TIMER, context: PVOID) {
    let signal = context.cast::<RenderSignal>();
    // SAFETY: live per the contract above; KeSetEvent is callable at DISPATCH_LEVEL.
    if let Some(signal) = unsafe { signal.as_ref() } {
        signal.wake();
    }
}

/// [`RenderLoopHost`] over the thread's context: the loop's decisions are
/// [`crate::render_loop::run`]'s (tested on the host).
struct KernelLoop<'a> {
    context: &'a ThreadContext,
}

impl RenderLoopHost for KernelLoop<'_> {
    fn stop_requested(&self) -> bool {
        self.context.signal.signal().stop.load(Ordering::Acquire)
    }

    fn tick(&mut self) -> bool {
        let now = u64::try_from(KernelPlatform.now_100ns()).unwrap_or(0);
        self.context.pump.tick(now).keep_ticking
    }

    fn arm_timer(&mut self, period_100ns: i64) {
        // SAFETY: our timer; a relative due time (negative, as high-resolution timers require)
        // and a positive period; no parameters.
        unsafe {
            ExSetTimer(
                self.context.timer,
                period_100ns.saturating_neg(),
                period_100ns,
                null_mut(),
            )
        };
    }

    fn cancel_timer(&mut self) {
        // SAFETY: our timer; callable up to DISPATCH_LEVEL.
        unsafe { ExCancelTimer(self.context.timer, null_mut()) };
    }

    fn wait(&mut self, timeout_100ns: Option<i64>) {
        let mut timeout = LARGE_INTEGER {
            QuadPart: timeout_100ns.map_or(0, |timeout| timeout.saturating_neg()),
        };
        let timeout: *mut LARGE_INTEGER = if timeout_100ns.is_some() {
            &mut timeout
        } else {
            null_mut()
        };
        let event = self.context.signal.signal().wake.get();
        // SAFETY: the event is live (the context holds a signal reference); PASSIVE_LEVEL; kernel
        // mode, not alertable; `timeout` is null (wait for the event) or a relative time.
        let _ = unsafe {
            KeWaitForSingleObject(
                event.cast::<c_void>(),
                _KWAIT_REASON::Executive,
                KERNEL_MODE,
                FALSE,
                timeout,
            )
        };
    }
}

/// The render thread: runs [`crate::render_loop::run`] until told to stop.
///
/// IRQL: PASSIVE_LEVEL, in the system process.
///
/// # Safety
/// Started only by [`RenderThread::start`], whose context outlives the thread.
unsafe extern "C" fn render_thread_main(context: PVOID) {
    // SAFETY: the context is live until `stop` has waited for this thread (contract above).
    if let Some(context) = unsafe { context.cast::<ThreadContext>().as_ref() } {
        let stats = crate::render_loop::run(&mut KernelLoop { context });
        super::log::line(format_args!(
            "render thread: {} ticks, timer armed {} times",
            stats.ticks, stats.arms
        ));
    }
    // SAFETY: a system thread ending itself; nothing of the context is used after this.
    let _ = unsafe { PsTerminateSystemThread(STATUS_SUCCESS) };
}
