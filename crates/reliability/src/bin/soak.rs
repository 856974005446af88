//! Concurrent soak of one filter through the miniport's C ABI, as Windows would drive it at once:
//!
//! * the port's sequencer DPC: `PutMessage` at DISPATCH_LEVEL with random dense MIDI (notes,
//!   controllers, bends, programs, SysEx split into INCOMPLETE fragments) on several groups;
//! * the sink thread: `SyncToMaster` + `Render` back to back (no pacing: hammering), timed;
//! * user mode: DOWNLOAD/UNLOAD of real download buffers, property requests (volume, stats,
//!   latency clock, caps, port parameters, effects), SetState PAUSE/RUN on the MIDI pin.
//!
//! A watchdog reports a deadlock when a thread makes no progress for 10 s. At the end: all notes
//! off, release time, no voice active, books balanced (events, references), no allocation at
//! DISPATCH_LEVEL, no block or byte leaked, no NaN/inf rendered. Prints the worst-case render time.
//!
//! Usage: `cargo run --release -p reliability --bin soak -- [seconds] [seed] [hardware-synth]`
//! (default 600 s, classic mode); `bench/soak.sh` wraps it. In hardware-synth mode (issue 9) the
//! sink thread is the adapter's render thread: `sync_position` + `HardwareSynth::render_into`.

use portcls_host::platform::{dispatch_allocations, live_allocations, live_bytes};
use portcls_host::{GuardedAllocator, SampleFormat, Target, raise_irql};
use portcls_sys::*;
use reliability::drive::{
    Books, Filter, NoArm, Setup, all_notes_off, download, download_buffers, peak_voices, property,
    random_midi, running_stats, set_value, tiny_collection, unload,
};
use reliability::rng::Rng;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: GuardedAllocator = GuardedAllocator;

/// All notes off, 500 periods of release, then the voices still sounding (the peak query after
/// one more period, the first query having restarted the peak).
fn voices_after_notes_off(filter: &mut Filter) -> u32 {
    assert_eq!(filter.send(&NoArm, &all_notes_off(GROUPS)), STATUS_SUCCESS);
    for _ in 0..500 {
        filter.render(&NoArm, PERIOD);
    }
    peak_voices(&NoArm, &filter.harness);
    filter.render(&NoArm, PERIOD);
    peak_voices(&NoArm, &filter.harness).unwrap_or(u32::MAX)
}

#[derive(Default)]
struct Progress {
    dpc: AtomicU64,
    sink: AtomicU64,
    user: AtomicU64,
    events: AtomicU64,
    downloads: AtomicU64,
    download_failures: AtomicU64,
    unloads: AtomicU64,
    property_failures: AtomicU64,
    non_finite: AtomicU64,
    worst_render_ns: AtomicU64,
    total_render_ns: AtomicU64,
    frames: AtomicU64,
}

const RATE: u32 = 48_000;
const PERIOD: u32 = 480;
const GROUPS: u32 = 4;

fn dpc_thread(filter: &Filter, progress: &Progress, stop: &AtomicBool, seed: u64) {
    let mut rng = Rng::new(seed);
    while !stop.load(Ordering::Relaxed) {
        let now = filter.harness.clock().get();
        let count = 1 + rng.below(64) as usize;
        let mut events = random_midi(&mut rng, count, GROUPS, now);
        if rng.chance(1, 10) {
            let mut sysex = vec![0xF0, 0x43, 0x10, 0x4C];
            sysex.extend((0..rng.below(6000)).map(|n| (n % 128) as u8));
            sysex.push(0xF7);
            events.push(portcls_host::unpack::MidiEvent {
                time: now,
                channel_group: 1,
                bytes: sysex,
            });
        }
        let (chain, built) = portcls_host::unpack::to_kernel_events(filter.harness.allocator(), &events);
        if !chain.is_null() {
            let status = {
                let _dispatch = raise_irql(miniport::Irql::DISPATCH);
                // SAFETY: a live stream; the chain of the port's allocator is handed over.
                unsafe { ((*(*filter.harness.midi).lpVtbl).PutMessage)(filter.harness.midi, chain) }
            };
            assert_eq!(status, STATUS_SUCCESS, "PutMessage failed");
            progress.events.fetch_add(built as u64, Ordering::Relaxed);
        }
        progress.dpc.fetch_add(1, Ordering::Relaxed);
        std::thread::sleep(Duration::from_micros(rng.below(1500)));
    }
}

fn sink_thread(filter: &Filter, progress: &Progress, stop: &AtomicBool) -> Vec<u32> {
    let mut times = Vec::with_capacity(1 << 16);
    let harness = &filter.harness;
    let block_align = 2 * SampleFormat::F32.bytes();
    let mut buffer = vec![0u8; PERIOD as usize * block_align];
    let mut position = 0i64;
    let mut samples = vec![0.0f32; PERIOD as usize * 2];
    while !stop.load(Ordering::Relaxed) {
        let now = position * 10_000_000 / i64::from(RATE);
        harness.clock().set(now);
        let started = Instant::now();
        if let Some(synth) = harness.hardware.as_ref() {
            synth.sync_position(position as u64);
            synth.render_into(position as u64, &mut samples);
            for (bytes, sample) in buffer.chunks_exact_mut(4).zip(&samples) {
                bytes.copy_from_slice(&sample.to_le_bytes());
            }
        } else {
            harness.sync_to_master(now, false);
            harness.render(&mut buffer, PERIOD, position, block_align);
        }
        let elapsed = started.elapsed().as_nanos() as u64;
        times.push(u32::try_from(elapsed / 1000).unwrap_or(u32::MAX));
        progress.worst_render_ns.fetch_max(elapsed, Ordering::Relaxed);
        progress.total_render_ns.fetch_add(elapsed, Ordering::Relaxed);
        let bad = buffer
            .chunks_exact(4)
            .filter(|s| !f32::from_le_bytes([s[0], s[1], s[2], s[3]]).is_finite())
            .count();
        progress.non_finite.fetch_add(bad as u64, Ordering::Relaxed);
        position += i64::from(PERIOD);
        progress.frames.store(position as u64, Ordering::Relaxed);
        progress.sink.fetch_add(1, Ordering::Relaxed);
    }
    times
}

fn user_thread(filter: &Filter, progress: &Progress, stop: &AtomicBool, seed: u64) {
    let harness = &filter.harness;
    let mut rng = Rng::new(seed);
    let mut handles: Vec<usize> = Vec::new();
    let mut next_id = 100u32;
    let mut collection = tiny_collection();
    while !stop.load(Ordering::Relaxed) {
        match rng.below(10) {
            0..=2 => {
                collection.instruments[0].patch.program = rng.below(128) as u8;
                for buffer in download_buffers(&collection, next_id) {
                    let (status, handle) = download(&NoArm, harness, &buffer);
                    if nt_success(status) {
                        handles.push(handle);
                        progress.downloads.fetch_add(1, Ordering::Relaxed);
                    } else {
                        progress.download_failures.fetch_add(1, Ordering::Relaxed);
                    }
                }
                next_id += 2;
            }
            3 | 4 if !handles.is_empty() => {
                let index = rng.below(handles.len() as u64) as usize;
                let handle = handles.swap_remove(index);
                // Unloading a wave while its instrument still plays must be safe.
                let status = unload(&NoArm, harness, handle);
                assert!(nt_success(status), "unload of a live handle failed: {status:#x}");
                progress.unloads.fetch_add(1, Ordering::Relaxed);
            }
            5 => {
                let volume = -(rng.below(2000) as i32);
                let status = set_value(
                    &NoArm,
                    harness,
                    &KSPROPSETID_Synth,
                    KSPROPERTY_SYNTH_VOLUME,
                    volume,
                );
                if !nt_success(status) {
                    progress.property_failures.fetch_add(1, Ordering::Relaxed);
                }
            }
            6 => {
                for id in [
                    KSPROPERTY_SYNTH_RUNNINGSTATS,
                    KSPROPERTY_SYNTH_LATENCYCLOCK,
                    KSPROPERTY_SYNTH_CAPS,
                ] {
                    let mut value = [0u8; 512];
                    let (status, _) = property(
                        &NoArm,
                        harness,
                        &KSPROPSETID_Synth,
                        id,
                        KSPROPERTY_TYPE_GET,
                        &[],
                        &mut value,
                    );
                    if !nt_success(status) {
                        progress.property_failures.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            7 => {
                // Effects on/off: refused (not a failure of the soak) while downloads exist if the
                // engine must be rebuilt.
                let mut value = (rng.below(4) as u32).to_le_bytes();
                property(
                    &NoArm,
                    harness,
                    &GUID_DMUS_PROP_Effects,
                    0,
                    KSPROPERTY_TYPE_SET,
                    &[],
                    &mut value,
                );
            }
            8 => {
                // SAFETY: a live stream.
                unsafe {
                    harness.set_state(harness.midi, KSSTATE_PAUSE);
                    harness.set_state(harness.midi, KSSTATE_RUN);
                }
            }
            _ => {
                let mut value = [0u8; 4];
                let _ = harness.property(
                    Target::Filter,
                    &GUID_DMUS_PROP_DLS2,
                    0,
                    KSPROPERTY_TYPE_GET,
                    &[],
                    &mut value,
                );
            }
        }
        progress.user.fetch_add(1, Ordering::Relaxed);
        std::thread::sleep(Duration::from_micros(rng.below(3000)));
    }
    for handle in handles {
        unload(&NoArm, harness, handle);
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(600);
    let seed: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let hardware = args.next().as_deref() == Some("hardware-synth");
    let open = |setup: Setup| {
        if hardware {
            Filter::open_hardware(&NoArm, setup)
        } else {
            Filter::open(&NoArm, setup)
        }
    };
    // stdout's buffer is allocated on first use: before the leak baseline.
    println!(
        "soak: {seconds} s, seed {seed}, {} mode",
        if hardware { "hardware-synth" } else { "classic" }
    );
    // Warm-up (lazily initialised process state), then the baseline.
    {
        let filter = open(Setup::default()).expect("open");
        filter.close(&NoArm).assert_balanced();
    }
    let (blocks, bytes) = (live_allocations(), live_bytes());
    let dispatch_before = dispatch_allocations();
    let setup = Setup {
        pool: 4096,
        voices: 128,
        channel_groups: GROUPS,
        effects: true,
        format: SampleFormat::F32,
        channels: 2,
        rate: RATE,
    };
    let mut filter = open(setup).expect("open");
    filter
        .download_all(&NoArm, &download_buffers(&tiny_collection(), 1))
        .expect("download");
    let progress = Progress::default();
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    let mut deadlock = None;
    let mut times = std::thread::scope(|scope| {
        scope.spawn(|| dpc_thread(&filter, &progress, &stop, seed));
        let sink = scope.spawn(|| sink_thread(&filter, &progress, &stop));
        scope.spawn(|| user_thread(&filter, &progress, &stop, seed ^ 0xABCD));
        let mut last = (0, 0, 0);
        let mut last_change = Instant::now();
        while started.elapsed() < Duration::from_secs(seconds) {
            std::thread::sleep(Duration::from_millis(250));
            let now = (
                progress.dpc.load(Ordering::Relaxed),
                progress.sink.load(Ordering::Relaxed),
                progress.user.load(Ordering::Relaxed),
            );
            if now.0 != last.0 && now.1 != last.1 && now.2 != last.2 {
                last = now;
                last_change = Instant::now();
            } else if last_change.elapsed() > Duration::from_secs(10) {
                deadlock = Some(now);
                break;
            }
        }
        stop.store(true, Ordering::Relaxed);
        if let Some(stuck) = deadlock {
            eprintln!("soak: DEADLOCK: no progress for 10 s (dpc, sink, user) = {stuck:?}");
            std::process::exit(2);
        }
        sink.join().unwrap_or_default()
    });
    times.sort_unstable();
    let percentile = |p: f64| {
        let index = ((times.len() as f64 - 1.0) * p).round() as usize;
        times.get(index).copied().unwrap_or(0) as f64 / 1000.0
    };
    let (p50, p99, p999) = (percentile(0.5), percentile(0.99), percentile(0.999));
    drop(times);
    let elapsed = started.elapsed();
    // Let every event the DPC scheduled ahead (up to 20 ms) become due, then all notes off,
    // release, no voice left.
    filter.position = progress.frames.load(Ordering::Relaxed) as i64;
    for _ in 0..100 {
        filter.render(&NoArm, PERIOD);
    }
    let stuck_voices = voices_after_notes_off(&mut filter);
    if stuck_voices != 0 {
        // Diagnose: were the notes-off lost (a second round ends them), or are voices stuck?
        let lost = running_stats(&NoArm, &filter.harness).map_or(u32::MAX, |stats| stats.LostNotes);
        println!("  {stuck_voices} voices after all notes off; lost notes (all causes) {lost}");
        println!(
            "  after a second all-notes-off: {} voices",
            voices_after_notes_off(&mut filter)
        );
    }
    let non_finite = progress.non_finite.load(Ordering::Relaxed) + filter.non_finite;
    let mut books: Books = filter.close(&NoArm);
    books.non_finite = non_finite;
    let leaked = (live_allocations() - blocks, live_bytes() - bytes);
    let dispatch = dispatch_allocations() - dispatch_before;
    let renders = progress.sink.load(Ordering::Relaxed).max(1);
    println!("soak: ran {:.1} s", elapsed.as_secs_f64());
    println!(
        "  PutMessage calls {} ({} events), renders {} ({:.1} s of audio), user operations {}",
        progress.dpc.load(Ordering::Relaxed),
        progress.events.load(Ordering::Relaxed),
        renders,
        progress.frames.load(Ordering::Relaxed) as f64 / f64::from(RATE),
        progress.user.load(Ordering::Relaxed)
    );
    println!(
        "  downloads {} (refused {}), unloads {}, property failures {}",
        progress.downloads.load(Ordering::Relaxed),
        progress.download_failures.load(Ordering::Relaxed),
        progress.unloads.load(Ordering::Relaxed),
        progress.property_failures.load(Ordering::Relaxed)
    );
    println!(
        "  render of {PERIOD} frames: worst {:.3} ms, mean {:.3} ms (period {:.1} ms)",
        progress.worst_render_ns.load(Ordering::Relaxed) as f64 / 1e6,
        progress.total_render_ns.load(Ordering::Relaxed) as f64 / renders as f64 / 1e6,
        f64::from(PERIOD) * 1e3 / f64::from(RATE)
    );
    println!("  render wall time percentiles: p50 {p50:.3} ms, p99 {p99:.3} ms, p99.9 {p999:.3} ms");
    println!(
        "  books: events out {} back {}, bad returns {}, references left {:?}, non-finite samples {}, \
         voices after notes off {stuck_voices}, leaked blocks/bytes {leaked:?}, allocations at DISPATCH {dispatch}",
        books.events_out, books.events_back, books.bad_returns, books.foreign_references, books.non_finite
    );
    let ok = books.events_out == books.events_back
        && books.bad_returns == 0
        && books.foreign_references == (0, 0, 0)
        && books.non_finite == 0
        && books.unload_failed.is_none()
        && stuck_voices == 0
        && leaked == (0, 0)
        && dispatch == 0;
    println!("soak: {}", if ok { "PASS" } else { "FAIL" });
    std::process::exit(if ok { 0 } else { 1 });
}
