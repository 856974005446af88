//! Model check (loom) of the lock protocol between PutMessage and Render, with the miniport's own
//! `SpinLock<R, T>` over a loom-instrumented `RawSpinLock`:
//!
//! * `queue` lock: PutMessage (the port's DPC) appends parsed messages to a bounded pending ring
//!   (full → counted, never blocking, never allocating);
//! * `synth` lock, then `queue` inside (the documented order): Render drains the ring into the
//!   engine's bounded queue (engine full → the rest stays pending, counted), and SetState(STOP)
//!   clears the ring;
//!
//! Every interleaving (within the preemption bound) must: finish (no deadlock), keep every
//! message accounted for (pushed = scheduled + dropped-full + cleared + still pending), keep
//! FIFO order, and touch the protected data only under its lock (loom's `UnsafeCell` tracking
//! reports any access not ordered by the lock's acquire/release).
#![allow(clippy::all, clippy::undocumented_unsafe_blocks, missing_docs)]

use loom::cell::UnsafeCell;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, Ordering};
use miniport::platform::{RawSpinLock, SpinLock};
use std::collections::VecDeque;

/// A spin lock whose atomics loom explores (the host's `HostSpinLock`, minus the IRQL).
struct LoomSpinLock {
    held: AtomicBool,
}

unsafe impl RawSpinLock for LoomSpinLock {
    type Token = ();
    fn new() -> Self {
        Self {
            held: AtomicBool::new(false),
        }
    }
    fn lock(&self) {
        while self
            .held
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            loom::thread::yield_now();
        }
    }
    unsafe fn unlock(&self, _token: ()) {
        self.held.store(false, Ordering::Release);
    }
}

/// The same lock, blocking instead of spinning (loom explores spinning threads' retries one by
/// one, which explodes with three threads): for the three-thread model, where the question is the
/// lock order and the accounting, not the spin.
struct LoomBlockingLock {
    held: loom::sync::Mutex<bool>,
    free: loom::sync::Condvar,
}

unsafe impl RawSpinLock for LoomBlockingLock {
    type Token = ();
    fn new() -> Self {
        Self {
            held: loom::sync::Mutex::new(false),
            free: loom::sync::Condvar::new(),
        }
    }
    fn lock(&self) {
        let mut held = self.held.lock().unwrap();
        while *held {
            held = self.free.wait(held).unwrap();
        }
        *held = true;
    }
    unsafe fn unlock(&self, _token: ()) {
        *self.held.lock().unwrap() = false;
        self.free.notify_one();
    }
}

const RING: usize = 2;
const ENGINE: usize = 2;

#[derive(Default)]
struct Queue {
    pending: VecDeque<u32>,
    ring_full: u32,
    cleared: u32,
}

#[derive(Default)]
struct Synth {
    scheduled: Vec<u32>,
    engine_full: u32,
}

struct Core<L: RawSpinLock> {
    queue: SpinLock<L, UnsafeCell<Queue>>,
    synth: SpinLock<L, UnsafeCell<Synth>>,
}

impl<L: RawSpinLock> Core<L> {
    fn new() -> Self {
        let mut pending = VecDeque::new();
        pending.reserve_exact(RING);
        Self {
            queue: SpinLock::new(UnsafeCell::new(Queue {
                pending,
                ..Queue::default()
            })),
            synth: SpinLock::new(UnsafeCell::new(Synth::default())),
        }
    }

    /// PutMessage: only the queue lock.
    fn put_message(&self, messages: &[u32]) {
        let guard = self.queue.lock();
        guard.with_mut(|queue| {
            let queue = unsafe { &mut *queue };
            for &message in messages {
                if queue.pending.len() < RING {
                    queue.pending.push_back(message);
                } else {
                    queue.ring_full += 1;
                }
            }
        });
    }

    /// Render: synth, then queue inside; drain into the bounded engine queue; "render" (consume).
    fn render(&self) {
        let synth = self.synth.lock();
        synth.with_mut(|synth| {
            let synth = unsafe { &mut *synth };
            let queue = self.queue.lock();
            queue.with_mut(|queue| {
                let queue = unsafe { &mut *queue };
                while let Some(&message) = queue.pending.front() {
                    if synth.scheduled.len() >= ENGINE {
                        synth.engine_full += 1;
                        break;
                    }
                    synth.scheduled.push(message);
                    queue.pending.pop_front();
                }
            });
        });
    }

    /// SetState(STOP) on the MIDI pin: synth, then queue; clears the ring.
    fn stop(&self) {
        let synth = self.synth.lock();
        synth.with(|_| {
            let queue = self.queue.lock();
            queue.with_mut(|queue| {
                let queue = unsafe { &mut *queue };
                queue.cleared += queue.pending.len() as u32;
                queue.pending.clear();
            });
        });
    }
}

fn check_books<L: RawSpinLock>(core: &Core<L>, pushed: u32) {
    let queue = core.queue.lock();
    let synth = core.synth.lock();
    queue.with(|queue| {
        synth.with(|synth| {
            let (queue, synth) = unsafe { (&*queue, &*synth) };
            let accounted =
                synth.scheduled.len() as u32 + queue.ring_full + queue.cleared + queue.pending.len() as u32;
            assert_eq!(accounted, pushed, "a message vanished");
            // FIFO: what reached the engine is in the order it was sent (per sender, increasing).
            let from_first: Vec<u32> = synth.scheduled.iter().copied().filter(|m| *m < 100).collect();
            let from_second: Vec<u32> = synth.scheduled.iter().copied().filter(|m| *m >= 100).collect();
            assert!(
                from_first.windows(2).all(|w| w[0] < w[1]),
                "order broken: {:?}",
                synth.scheduled
            );
            assert!(
                from_second.windows(2).all(|w| w[0] < w[1]),
                "order broken: {:?}",
                synth.scheduled
            );
        })
    });
}

static EXECUTIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Runs `f` under every interleaving loom explores; returns how many it ran (so a test can show
/// that the model was explored at all).
fn model(preemptions: usize, f: impl Fn() + Sync + Send + 'static) -> usize {
    let before = EXECUTIONS.load(std::sync::atomic::Ordering::SeqCst);
    let f = move || {
        EXECUTIONS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        f()
    };
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(preemptions);
    // Spinning threads yield; the bound on branches only has to cover the spins.
    builder.max_branches = 100_000;
    builder.check(f);
    EXECUTIONS.load(std::sync::atomic::Ordering::SeqCst) - before
}

#[test]
fn put_message_and_render_never_lose_or_reorder_messages() {
    let executions = model(5, || {
        let core = Arc::new(Core::<LoomSpinLock>::new());
        let dpc = {
            let core = core.clone();
            loom::thread::spawn(move || {
                core.put_message(&[1, 2]);
                core.put_message(&[3]);
            })
        };
        core.render();
        core.render();
        dpc.join().unwrap();
        check_books(&core, 3);
    });
    eprintln!("{executions} interleavings explored");
    assert!(executions > 10, "the model was not explored: {executions}");
}

#[test]
fn render_stop_and_two_dpcs_do_not_deadlock() {
    let executions = model(3, || {
        let core = Arc::new(Core::<LoomBlockingLock>::new());
        let dpc = {
            let core = core.clone();
            loom::thread::spawn(move || core.put_message(&[1, 2]))
        };
        let user = {
            let core = core.clone();
            loom::thread::spawn(move || core.stop())
        };
        core.put_message(&[100]);
        core.render();
        dpc.join().unwrap();
        user.join().unwrap();
        check_books(&core, 3);
    });
    eprintln!("{executions} interleavings explored");
    assert!(executions > 10, "the model was not explored: {executions}");
}
