//! Cost of the effects at 48 kHz, in ns per frame, so the engine can report what reverb and chorus
//! cost. Plain `std::time` harness (no dependency): `cargo bench -p synth --bench effects`.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used,
    clippy::cast_precision_loss,
    missing_docs
)]

use std::hint::black_box;
use std::time::Instant;
use synth::chorus::{Chorus, ChorusParams};
use synth::reverb::{Reverb, ReverbParams};

const SAMPLE_RATE: u32 = 48_000;
/// One 10 ms render buffer.
const BLOCK: usize = 480;
/// Seconds of audio per measurement run.
const SECONDS: usize = 1;
/// Runs; the fastest counts (on a shared machine the others were preempted).
const RUNS: usize = 15;

fn noise_block() -> Vec<f32> {
    let mut seed = 0x2468_ACE1u32;
    (0..BLOCK)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            (seed as f32 / u32::MAX as f32 - 0.5) * 0.5
        })
        .collect()
}

/// Best of `RUNS` runs of `SECONDS` of audio, in ns per frame, and the 99.9th-percentile time of a
/// 10 ms block in µs (the maximum on a shared VM is the scheduler's tick, not the effect).
fn measure(mut process: impl FnMut(&[f32], &mut [f32])) -> (f64, f64) {
    let send = noise_block();
    let mut out = vec![0.0f32; BLOCK * 2];
    let blocks = SECONDS * SAMPLE_RATE as usize / BLOCK;
    let mut best = f64::MAX;
    let mut block_times = Vec::with_capacity(blocks * RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        for _ in 0..blocks {
            let block_start = Instant::now();
            process(black_box(&send), black_box(&mut out));
            block_times.push(block_start.elapsed().as_secs_f64());
        }
        let ns_per_frame = start.elapsed().as_secs_f64() * 1e9 / (blocks * BLOCK) as f64;
        best = best.min(ns_per_frame);
        out.fill(0.0);
    }
    block_times.sort_by(f64::total_cmp);
    let p999 = block_times[block_times.len() * 999 / 1000];
    (best, p999 * 1e6)
}

fn report(name: &str, (ns_per_frame, block_us): (f64, f64)) {
    // One core's share when running in real time at 48 kHz.
    let cpu_percent = ns_per_frame * f64::from(SAMPLE_RATE) / 1e9 * 100.0;
    println!(
        "{name:<28} {ns_per_frame:7.2} ns/frame  {cpu_percent:5.2} % of one core at 48 kHz  \
         10 ms block p99.9 {block_us:6.1} µs"
    );
}

fn main() {
    // `cargo test --benches` runs this too; keep that quick.
    if std::env::args().any(|a| a == "--test" || a == "--list") {
        return;
    }
    println!("effects at {SAMPLE_RATE} Hz, {BLOCK}-frame blocks, best of {RUNS} × {SECONDS} s:");

    let mut reverb = Reverb::new(SAMPLE_RATE).unwrap();
    reverb.set_params(ReverbParams {
        time_ms: 2000.0,
        hf_rt_ratio: 0.5,
        ..ReverbParams::default()
    });
    report("reverb (FDN 8 lines)", measure(|s, o| reverb.process(s, o)));

    let mut chorus = Chorus::new(SAMPLE_RATE).unwrap();
    chorus.set_params(ChorusParams::default());
    report("chorus (3 voices)", measure(|s, o| chorus.process(s, o)));

    // A silent send once the tails have died: the cost of leaving the effects on.
    let mut reverb = Reverb::new(SAMPLE_RATE).unwrap();
    let mut chorus = Chorus::new(SAMPLE_RATE).unwrap();
    let silence = vec![0.0f32; BLOCK];
    report(
        "reverb + chorus, idle",
        measure(|_, o| {
            reverb.process(&silence, o);
            chorus.process(&silence, o);
        }),
    );

    let mut reverb = Reverb::new(SAMPLE_RATE).unwrap();
    let mut chorus = Chorus::new(SAMPLE_RATE).unwrap();
    report(
        "reverb + chorus",
        measure(|s, o| {
            reverb.process(s, o);
            chorus.process(s, o);
        }),
    );
}
