//! Allocation-failure injection, as Driver Verifier's low-resources simulation: for every n, a
//! whole lifecycle runs with the n-th allocation made *by the miniport* (only inside calls into
//! its C ABI, only on the lifecycle's thread) failing:
//!
//! factory → QI → Init → GetDescription → NewStream(MIDI) → NewStream(wave) → QI sink →
//! PORTPARAMETERS → SetState RUN ×2 → SyncToMaster → VOLUME / Effects / CHANNELGROUPS /
//! interpolation SETs (engine rebuilds) → DOWNLOAD ×4 (two collections) → notes through PutMessage
//! → Render → UNLOAD → SetState STOP → Release all.
//!
//! The same sweep runs over the hardware-synth lifecycle (issue 9): `new_miniport_with_mode`
//! (core and engine built at creation) → QI → Init → GetDescription → NewStream(MIDI) → QI sink →
//! PORTPARAMETERS → SetState RUN → property SETs → the adapter's default collection through
//! `HardwareSynth::with_engine` → a second MIDI stream opened and closed → DOWNLOAD ×4 → notes →
//! `render_into` → UNLOAD → STOP → Release all, the adapter's handle last.
//!
//! Each n runs in a child process (this test binary re-run with `RELIABILITY_FAIL_AT=n`), so an
//! infallible allocation (`Box::new`, `Vec::push`, … → `handle_alloc_error` → abort) is caught as a
//! finding, with the backtrace of the failed allocation, instead of killing the sweep.
//!
//! In the child: the step that saw the failure must return `STATUS_INSUFFICIENT_RESOURCES`; the
//! step is then retried and must succeed (the filter stays usable); at the end every event is back,
//! no reference is left on the port's objects, and every block and byte is freed.
//!
//! `RELIABILITY_ALLOC_STRIDE` (default 1: every n) thins the sweep; `RELIABILITY_ALLOC_MAX` caps it.
#![allow(clippy::all, clippy::undocumented_unsafe_blocks, missing_docs)]

use miniport::SynthMode;
use portcls_host::unpack::MidiEvent;
use portcls_host::{GuardedAllocator, SampleFormat, platform};
use portcls_sys::*;
use reliability::drive::{
    Arm, Filter, NoArm, Setup, StepFailed, download, download_buffers, item, property_raw, tiny_collection,
};
use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

// ------------------------------------------------------------------------------------------------
// The failing allocator.

static FAIL_AT: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static SEEN: Cell<u64> = const { Cell::new(0) };
    static FIRED: Cell<bool> = const { Cell::new(false) };
    static IN_HOOK: Cell<bool> = const { Cell::new(false) };
    /// Live blocks and bytes allocated on this thread (the libtest threads allocate concurrently,
    /// so the process-wide counters of `portcls_host::platform` would be noisy here).
    static LIVE_BLOCKS: Cell<i64> = const { Cell::new(0) };
    static LIVE_BYTES: Cell<i64> = const { Cell::new(0) };
}

fn note(blocks: i64, bytes: i64) {
    let _ = LIVE_BLOCKS.try_with(|live| live.set(live.get() + blocks));
    let _ = LIVE_BYTES.try_with(|live| live.set(live.get() + bytes));
}

fn live() -> (i64, i64) {
    (LIVE_BLOCKS.with(Cell::get), LIVE_BYTES.with(Cell::get))
}

static FAILED_AT: Mutex<Option<std::backtrace::Backtrace>> = Mutex::new(None);

struct FailingAllocator;

/// Whether this allocation is the one to fail.
fn should_fail(size: usize) -> bool {
    let armed = ARMED.try_with(Cell::get).unwrap_or(false);
    let in_hook = IN_HOOK.try_with(Cell::get).unwrap_or(true);
    if !armed || in_hook {
        return false;
    }
    let seen = SEEN.with(|seen| {
        seen.set(seen.get() + 1);
        seen.get()
    });
    if seen != FAIL_AT.load(Ordering::Relaxed) {
        return false;
    }
    FIRED.with(|fired| fired.set(true));
    // Record where (allocations inside are let through).
    IN_HOOK.with(|hook| hook.set(true));
    let trace = std::backtrace::Backtrace::force_capture();
    if let Ok(mut slot) = FAILED_AT.lock() {
        *slot = Some(trace);
    }
    let _ = size;
    IN_HOOK.with(|hook| hook.set(false));
    true
}

unsafe impl GlobalAlloc for FailingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if should_fail(layout.size()) {
            return std::ptr::null_mut();
        }
        let pointer = unsafe { GuardedAllocator.alloc(layout) };
        if !pointer.is_null() {
            note(1, layout.size() as i64);
        }
        pointer
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if should_fail(layout.size()) {
            return std::ptr::null_mut();
        }
        let pointer = unsafe { GuardedAllocator.alloc_zeroed(layout) };
        if !pointer.is_null() {
            note(1, layout.size() as i64);
        }
        pointer
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(-1, -(layout.size() as i64));
        unsafe { GuardedAllocator.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if should_fail(new_size) {
            return std::ptr::null_mut();
        }
        let pointer = unsafe { GuardedAllocator.realloc(ptr, layout, new_size) };
        if !pointer.is_null() {
            note(0, new_size as i64 - layout.size() as i64);
        }
        pointer
    }
}

#[global_allocator]
static ALLOCATOR: FailingAllocator = FailingAllocator;

/// Arms the failing allocator around each miniport call.
struct Armed;

impl Arm for Armed {
    fn call<R>(&self, f: impl FnOnce() -> R) -> R {
        ARMED.with(|armed| armed.set(true));
        let result = f();
        ARMED.with(|armed| armed.set(false));
        result
    }
}

fn fired() -> bool {
    FIRED.with(Cell::get)
}

// ------------------------------------------------------------------------------------------------
// The lifecycle.

fn setup(mode: SynthMode) -> Setup {
    match mode {
        SynthMode::Classic => Setup {
            pool: 256,
            voices: 16,
            channel_groups: 2,
            effects: true,
            format: SampleFormat::S16,
            channels: 2,
            rate: 44_100,
        },
        // The hardware-synth engine's fixed format.
        SynthMode::HardwareSynth => Setup {
            pool: 256,
            voices: 16,
            channel_groups: 2,
            effects: true,
            format: SampleFormat::F32,
            channels: 2,
            rate: 48_000,
        },
    }
}

/// The mode of this process's lifecycle (the sweep passes it to the child).
fn mode_from_env() -> SynthMode {
    match std::env::var("RELIABILITY_MODE").as_deref() {
        Ok("hardware-synth") => SynthMode::HardwareSynth,
        _ => SynthMode::Classic,
    }
}

/// The adapter's default collection through `with_engine` (as `wavert::collection::install`:
/// reserved ids, GM-flagged), idempotent so that a retry after a failure completes it.
fn install_default(engine: &mut synth::Engine, mut collection: ::dls::model::Collection) -> NTSTATUS {
    const WAVE_ID: u32 = 0xF000_0000;
    const INSTRUMENT_ID: u32 = 0xF800_0000;
    let wave = collection.waves.remove(0);
    let mut instrument = collection.instruments.remove(0);
    instrument.gm_instrument = true;
    instrument.regions[0].wave_link.wave = WAVE_ID;
    let result = (|| {
        engine.reserve_bank(2)?;
        for download in [
            synth::Download::Wave(WAVE_ID, synth::Engine::prepare_wave(wave)?),
            synth::Download::Instrument(INSTRUMENT_ID, synth::Engine::prepare_instrument(instrument)?),
        ] {
            match engine.install(download) {
                Ok(()) | Err((synth::EngineError::DuplicateId, _)) => {}
                Err((error, _)) => return Err(error),
            }
        }
        Ok(())
    })();
    match result {
        Ok(()) => STATUS_SUCCESS,
        Err(synth::EngineError::OutOfMemory) => STATUS_INSUFFICIENT_RESOURCES,
        Err(_) => STATUS_UNSUCCESSFUL,
    }
}

/// Runs `operation` (armed); when it fails it must fail with STATUS_INSUFFICIENT_RESOURCES because
/// of the injected failure, and a retry (the failure has fired) must succeed.
fn checked(
    log: &mut Vec<String>,
    name: &'static str,
    mut operation: impl FnMut() -> NTSTATUS,
) -> Result<(), String> {
    let was_fired = fired();
    let before = SEEN.with(Cell::get);
    let status = operation();
    if std::env::var_os("RELIABILITY_TRACE").is_some() {
        eprintln!(
            "{name}: {} miniport allocations, status {status:#x}",
            SEEN.with(Cell::get) - before
        );
    }
    if nt_success(status) {
        return Ok(());
    }
    if was_fired || !fired() {
        return Err(format!(
            "{name} failed with {status:#x} without an injected failure"
        ));
    }
    if status != STATUS_INSUFFICIENT_RESOURCES {
        return Err(format!(
            "{name}: injected allocation failure surfaced as {status:#010x}, not STATUS_INSUFFICIENT_RESOURCES"
        ));
    }
    log.push(format!("step={} status={status:#x}", name.replace(' ', "_")));
    let retry = operation();
    if !nt_success(retry) {
        return Err(format!("{name}: retry after the failure failed with {retry:#x}"));
    }
    Ok(())
}

fn set_u32(arm: &impl Arm, filter: &Filter, set: &GUID, id: u32, value: u32) -> NTSTATUS {
    let Some(item) = item(set, id) else {
        return STATUS_NOT_FOUND;
    };
    let mut bytes = value.to_le_bytes();
    property_raw(
        arm,
        &filter.harness,
        portcls_host::Target::MidiStream,
        item,
        KSPROPERTY_TYPE_SET | KSPROPERTY_TYPE_TOPOLOGY,
        &[],
        &mut bytes,
        4,
    )
    .0
}

fn notes(time: i64, on: bool) -> Vec<MidiEvent> {
    [48u8, 60, 64, 67, 72]
        .iter()
        .map(|&key| MidiEvent {
            time,
            channel_group: 1,
            bytes: if on {
                vec![0x90, key, 100]
            } else {
                vec![0x80, key, 0]
            },
        })
        .collect()
}

/// One lifecycle with the armed allocator. Returns the log of failures seen and handled.
fn lifecycle(arm: &impl Arm, mode: SynthMode) -> Result<Vec<String>, String> {
    let mut log = Vec::new();
    let opened = match mode {
        SynthMode::Classic => Filter::open(arm, setup(mode)),
        SynthMode::HardwareSynth => Filter::open_hardware(arm, setup(mode)),
    };
    let mut filter = match opened {
        Ok(filter) => filter,
        Err(StepFailed { step, status }) => {
            // Bring-up failed: the failure must be the injected one, with the right status; the
            // partial filter is torn down by the harness (Drop releases what exists).
            if !fired() {
                return Err(format!(
                    "open failed at {step} with {status:#x} without an injected failure"
                ));
            }
            if status != STATUS_INSUFFICIENT_RESOURCES {
                return Err(format!(
                    "open: injected allocation failure surfaced at {step} as {status:#010x}, not STATUS_INSUFFICIENT_RESOURCES"
                ));
            }
            log.push(format!("step=open:{step} status={status:#x}"));
            return Ok(log);
        }
    };
    // Properties that rebuild the engine (allocations at PASSIVE_LEVEL).
    checked(&mut log, "SET VOLUME", || {
        set_u32(
            arm,
            &filter,
            &KSPROPSETID_Synth,
            KSPROPERTY_SYNTH_VOLUME,
            (-600i32) as u32,
        )
    })?;
    checked(&mut log, "SET Effects", || {
        set_u32(arm, &filter, &GUID_DMUS_PROP_Effects, 0, 1)
    })?;
    checked(&mut log, "SET CHANNELGROUPS", || {
        set_u32(
            arm,
            &filter,
            &KSPROPSETID_Synth,
            KSPROPERTY_SYNTH_CHANNELGROUPS,
            4,
        )
    })?;
    checked(&mut log, "SET interpolation", || {
        set_u32(
            arm,
            &filter,
            &miniport::properties::KSPROPSETID_DMKSYNTH,
            miniport::properties::KSPROPERTY_DMKSYNTH_INTERPOLATION,
            2,
        )
    })?;
    if mode == SynthMode::HardwareSynth {
        // The adapter installs the default collection (its own allocations, in the engine mutex).
        checked(&mut log, "default collection", || {
            let synth = filter.harness.hardware.as_ref().unwrap();
            // Built by the adapter before (gm.dls or the embedded bank), outside the armed call.
            let collection = tiny_collection();
            arm.call(|| synth.with_engine(|engine| install_default(engine, collection)))
                .unwrap_or(STATUS_UNSUCCESSFUL)
        })?;
        // A second application opens (and later closes) a MIDI stream on the same synth.
        let mut second: PMXF = std::ptr::null_mut();
        checked(&mut log, "NewStream(MIDI 2)", || {
            let harness = &filter.harness;
            let mut music = portcls_host::harness::music_format();
            let (status, stream, _) = arm.call(|| unsafe {
                harness.new_stream_raw(
                    0,
                    DMUS_STREAM_MIDI_RENDER,
                    &mut music,
                    harness.allocator.cast(),
                    harness.clock.cast(),
                )
            });
            second = stream;
            status
        })?;
        let harness = &filter.harness;
        arm.call(|| unsafe { harness.transition(second, KSSTATE_RUN, KSSTATE_STOP) })
            .map_err(|failed| format!("SetState on the second MIDI stream: {failed}"))?;
        arm.call(|| unsafe { harness.transition(second, KSSTATE_STOP, KSSTATE_RUN) })
            .map_err(|failed| format!("SetState on the second MIDI stream: {failed}"))?;
        arm.call(|| unsafe { portcls_host::harness::release(second) });
    }
    // Downloads: two collections (waves then instruments each).
    let mut buffers = download_buffers(&tiny_collection(), 1);
    let mut second = tiny_collection();
    second.instruments[0].patch.program = 5;
    buffers.extend(download_buffers(&second, 3));
    for buffer in &buffers {
        let mut handle = 0;
        checked(&mut log, "DOWNLOAD", || {
            let (status, got) = download(arm, &filter.harness, buffer);
            handle = got;
            status
        })?;
        filter.handles.push(handle);
    }
    // Play: PutMessage (DISPATCH_LEVEL: must not allocate at all) and Render.
    checked(&mut log, "PutMessage(on)", || filter.send(arm, &notes(1, true)))?;
    for _ in 0..10 {
        filter.render(arm, 441);
    }
    checked(&mut log, "PutMessage(off)", || {
        filter.send(arm, &notes(filter.now() + 1, false))
    })?;
    for _ in 0..10 {
        filter.render(arm, 441);
    }
    // Unload one while the rest stays, then close (stop, unload the rest, release).
    if let Some(handle) = filter.handles.pop() {
        checked(&mut log, "UNLOAD", || {
            reliability::drive::unload(arm, &filter.harness, handle)
        })?;
    }
    let books = filter.close(arm);
    if let Some(failed) = books.unload_failed {
        return Err(format!("close: {failed:?}"));
    }
    books.assert_balanced();
    Ok(log)
}

// ------------------------------------------------------------------------------------------------
// The child: one n.

extern "C" fn on_abort(_signal: i32) {
    IN_HOOK.with(|hook| hook.set(true));
    if let Ok(slot) = FAILED_AT.try_lock() {
        if let Some(trace) = slot.as_ref() {
            eprintln!("ABORTED after the injected failure; the failed allocation:\n{trace}");
        }
    }
}

unsafe extern "C" {
    fn signal(signum: i32, handler: extern "C" fn(i32)) -> usize;
}

#[test]
#[ignore = "run by every_injected_allocation_failure_is_handled in a child process"]
fn child_lifecycle() {
    let Some(n) = std::env::var("RELIABILITY_FAIL_AT")
        .ok()
        .and_then(|n| n.parse::<u64>().ok())
    else {
        return;
    };
    // SAFETY (test): SIGABRT = 6 on Linux; the handler only prints the stored backtrace.
    unsafe { signal(6, on_abort) };
    // Warm-up (lazily initialised process state), then the baseline.
    let mode = mode_from_env();
    lifecycle(&NoArm, mode).expect("unarmed lifecycle");
    // Lazily allocated process state of the test itself: stdout's buffer, backtrace machinery.
    println!("warm-up done");
    drop(std::backtrace::Backtrace::force_capture());
    let (blocks, bytes) = live();
    FAIL_AT.store(n, Ordering::SeqCst);
    let result = lifecycle(&Armed, mode);
    FAIL_AT.store(0, Ordering::SeqCst);
    // The recorded backtrace is the test's own allocation: report it on failure, then free it
    // before counting what the miniport left behind.
    let trace = FAILED_AT.lock().ok().and_then(|mut slot| slot.take());
    if let (Err(error), Some(trace)) = (&result, &trace) {
        eprintln!("n={n}: {error}\nthe failed allocation:\n{trace}");
    }
    drop(trace);
    match result {
        Ok(log) => println!("LOG n={n} {}", log.join(" ")),
        Err(error) => panic!("n={n}: {error}"),
    }
    let seen = SEEN.with(Cell::get);
    let (now_blocks, now_bytes) = live();
    let (leaked_blocks, leaked_bytes) = (now_blocks - blocks, now_bytes - bytes);
    println!(
        "RESULT n={n} fired={} seen={seen} leaked_blocks={leaked_blocks} leaked_bytes={leaked_bytes}",
        fired()
    );
    assert_eq!(
        (leaked_blocks, leaked_bytes),
        (0, 0),
        "n={n}: leaked after the injected failure"
    );
    assert_eq!(
        platform::dispatch_allocations(),
        0,
        "allocation at DISPATCH_LEVEL"
    );
}

// ------------------------------------------------------------------------------------------------
// The sweep.

#[test]
fn every_injected_allocation_failure_is_handled() {
    sweep(SynthMode::Classic);
}

#[test]
fn every_injected_allocation_failure_in_hardware_synth_mode_is_handled() {
    sweep(SynthMode::HardwareSynth);
}

fn sweep(mode: SynthMode) {
    let stride: u64 = std::env::var("RELIABILITY_ALLOC_STRIDE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let max: u64 = std::env::var("RELIABILITY_ALLOC_MAX")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5_000);
    let exe = std::env::current_exe().unwrap();
    let mut findings = Vec::new();
    let mut handled = std::collections::BTreeMap::<String, u64>::new();
    let mut n = 1;
    let mut total = None;
    let started = std::time::Instant::now();
    while n <= max {
        let output = std::process::Command::new(&exe)
            .args([
                "--exact",
                "child_lifecycle",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("RELIABILITY_FAIL_AT", n.to_string())
            .env(
                "RELIABILITY_MODE",
                if mode == SynthMode::HardwareSynth {
                    "hardware-synth"
                } else {
                    "classic"
                },
            )
            .env("RUST_BACKTRACE", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let result = stdout.lines().find(|line| line.starts_with("RESULT "));
        match (output.status.success(), result) {
            (true, Some(line)) => {
                if line.contains("fired=false") {
                    let seen = line
                        .split_whitespace()
                        .find_map(|word| word.strip_prefix("seen="))
                        .unwrap_or("?");
                    total = Some(seen.to_string());
                    break;
                }
                let log = stdout
                    .lines()
                    .find(|line| line.starts_with("LOG "))
                    .unwrap_or_default();
                for word in log.split_whitespace().filter(|word| word.starts_with("step=")) {
                    *handled.entry(word.to_string()).or_default() += 1;
                }
            }
            _ => {
                let mut trace: Vec<&str> = stderr
                    .lines()
                    .filter(|line| {
                        line.contains("at ./")
                            || line.contains("crates/")
                            || line.contains("panicked")
                            || line.contains("n=")
                            || line.contains("memory allocation")
                    })
                    .collect();
                trace.truncate(40);
                findings.push(format!(
                    "n={n}: child {} \n  {}",
                    output.status,
                    trace.join("\n  ")
                ));
            }
        }
        if findings.len() >= 20 {
            break;
        }
        n += stride;
    }
    eprintln!(
        "allocation-failure sweep ({mode:?}): n = 1..{} (stride {stride}) over {} miniport allocations in {:?}",
        n - 1,
        total.clone().unwrap_or_else(|| "?".into()),
        started.elapsed()
    );
    for (step, count) in &handled {
        eprintln!("  handled: {step} ×{count}");
    }
    for finding in &findings {
        eprintln!("FINDING {finding}");
    }
    assert!(
        total.is_some() || max < 5_000 || !findings.is_empty(),
        "the sweep never reached the end of the lifecycle"
    );
    assert!(
        findings.is_empty(),
        "{} injected allocation failures were not handled",
        findings.len()
    );
}
