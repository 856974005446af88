//! Randomised robustness: arbitrary instruments (extreme connection scales, tiny and odd
//! loops, extreme tunings and rates), arbitrary MIDI and SysEx bytes, arbitrary render sizes.
//! Nothing may panic (debug builds check every overflow) and every output sample stays finite.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    missing_docs
)]

use dls::model::{Connection, Curve, Loop, LoopKind, Patch, Range, SampleInfo, Transform, Wave, WaveLink};
use synth::test_support::*;
use synth::{Download, Engine, EngineConfig, Interpolation, MidiMessage, SYSEX_MAX, TimedEvent};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

const SOURCES: [u16; 18] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0x81, 0x87, 0x8A, 0x8B, 0xDB, 0x100, 0x102,
];
const DESTINATIONS: [u16; 30] = [
    0, 1, 2, 3, 4, 5, 0x10, 0x80, 0x81, 0x104, 0x105, 0x114, 0x115, 0x206, 0x207, 0x209, 0x20A, 0x20B, 0x20C,
    0x20D, 0x30A, 0x30B, 0x30D, 0x30E, 0x30F, 0x310, 0x500, 0x501, 0x208, 0x999,
];

fn random_connection(r: &mut Rng) -> Connection {
    let scale = match r.below(6) {
        0 => i32::MIN,
        1 => i32::MAX,
        2 => 0,
        _ => (r.next() as i32) >> r.below(16),
    };
    let curves = [Curve::Linear, Curve::Concave, Curve::Convex, Curve::Switch];
    Connection {
        source: r.pick(&SOURCES),
        control: r.pick(&SOURCES),
        destination: r.pick(&DESTINATIONS),
        transform: Transform {
            source: r.pick(&curves),
            source_bipolar: r.below(2) == 0,
            source_invert: r.below(2) == 0,
            control: r.pick(&curves),
            control_bipolar: r.below(2) == 0,
            control_invert: r.below(2) == 0,
            output: Curve::Linear,
        },
        scale,
    }
}

fn random_sample_info(r: &mut Rng, length: u32) -> SampleInfo {
    let start = r.below(u64::from(length) + 2) as u32;
    SampleInfo {
        unity_note: r.below(128) as u8,
        fine_tune: r.next() as i16,
        gain: (r.next() as i32) >> r.below(8),
        no_truncation: false,
        no_compression: false,
        sample_loop: (r.below(4) != 0).then(|| Loop {
            kind: if r.below(2) == 0 {
                LoopKind::Forward
            } else {
                LoopKind::Release
            },
            start,
            length: r.below(u64::from(length) + 3) as u32,
        }),
    }
}

fn random_event(r: &mut Rng, time: u64) -> TimedEvent {
    let message = if r.below(8) == 0 {
        let mut bytes = [0u8; SYSEX_MAX];
        let len = 1 + r.below(SYSEX_MAX as u64) as usize;
        let templates: [&[u8]; 5] = [
            &[0xF0, 0x7E, 0x7F, 0x09, 0x01, 0xF7],
            &[0xF0, 0x7F, 0x7F, 0x04, 0x01, 0x11, 0x22, 0xF7],
            &[0xF0, 0x41, 0x10, 0x42, 0x12, 0x40, 0x00, 0x7F, 0x00, 0x41, 0xF7],
            &[0xF0, 0x41, 0x10, 0x42, 0x12, 0x40, 0x1A, 0x15, 0x02, 0x0F, 0xF7],
            &[0xF0, 0x43, 0x10, 0x4C, 0x00, 0x00, 0x7E, 0x00, 0xF7],
        ];
        let t = r.pick(&templates);
        for (i, b) in bytes.iter_mut().enumerate().take(len) {
            *b = if i < t.len() && r.below(4) != 0 {
                t[i]
            } else {
                r.next() as u8
            };
        }
        MidiMessage::SysEx {
            len: len as u8,
            bytes,
        }
    } else {
        let status = 0x80 | (r.next() as u8 & 0x7F);
        let controllers = [
            0u8, 1, 6, 7, 10, 11, 32, 38, 64, 91, 93, 96, 97, 98, 99, 100, 101, 120, 121, 123, 126, 127,
        ];
        let data1 = if status & 0xF0 == 0xB0 && r.below(2) == 0 {
            r.pick(&controllers)
        } else {
            r.next() as u8
        };
        MidiMessage::Channel {
            status,
            data1,
            data2: r.next() as u8,
        }
    };
    TimedEvent {
        time,
        channel_group: r.below(4) as u16,
        message,
    }
}

#[test]
fn random_instruments_events_and_buffers_never_panic_and_stay_finite() {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let mut sounded = 0u32;
    for round in 0..200 {
        let config = EngineConfig {
            sample_rate: r.pick(&[8_000, 22_050, 44_100, 48_000, 96_000, 192_000]),
            channels: r.pick(&[1, 2]),
            voices: 1 + r.below(24) as u32,
            channel_groups: 1 + r.below(3) as u32,
            reverb: r.below(2) == 0,
            chorus: r.below(2) == 0,
            interpolation: r.pick(&[Interpolation::Linear, Interpolation::Cubic, Interpolation::Sinc]),
            event_capacity: 1 + r.below(256) as u32,
        };
        let mut engine = Engine::new(&config).unwrap();
        engine.reserve_bank(16).unwrap();
        for id in 0..4u32 {
            let length = r.pick(&[0u32, 1, 2, 3, 7, 64, 1000]);
            let data = (0..length).map(|_| r.next() as i16).collect();
            let info = random_sample_info(&mut r, length);
            let wave = Wave {
                sample_rate: r.pick(&[0, 1, 8_000, 44_100, 1_000_000]),
                data,
                sample: Some(info),
                name: None,
                copyright: None,
            };
            engine
                .install(Download::Wave(id, Engine::prepare_wave(wave).unwrap()))
                .ok()
                .unwrap();
        }
        for id in 10..14u32 {
            let regions = (0..1 + r.below(4))
                .map(|_| {
                    let mut reg = region(r.below(5) as u32);
                    let (a, b) = (r.below(128) as u8, r.below(128) as u8);
                    reg.keys = Range {
                        low: a.min(b),
                        high: a.max(b),
                    };
                    reg.key_group = r.below(3) as u16;
                    reg.self_non_exclusive = r.below(2) == 0;
                    reg.wave_link = WaveLink {
                        channel: r.below(4) as u32,
                        ..reg.wave_link
                    };
                    if r.below(2) == 0 {
                        reg.sample = Some(random_sample_info(&mut r, 64));
                    }
                    reg
                })
                .collect();
            let connections = (0..r.below(12)).map(|_| random_connection(&mut r)).collect();
            let patch = Patch {
                program: r.below(3) as u8,
                drums: r.below(3) == 0,
                ..Patch::default()
            };
            let inst = instrument(patch, regions, connections);
            engine
                .install(Download::Instrument(
                    id,
                    Engine::prepare_instrument(inst).unwrap(),
                ))
                .ok()
                .unwrap();
        }
        let mut buffer = vec![0.0f32; 8192];
        let mut buffer16 = vec![0i16; 8192];
        for step in 0..30 {
            let now = engine.position();
            for _ in 0..r.below(40) {
                let time = now.saturating_sub(5) + r.below(600);
                let _ = engine.schedule(random_event(&mut r, time));
            }
            if step % 7 == 3 {
                let _ = engine.unload(r.below(14) as u32);
            }
            if step % 11 == 5 {
                engine.set_master_gain_centibels(r.next() as i32);
            }
            let frames = r.pick(&[0usize, 1, 5, 37, 441, 480, 4096]);
            let length = (frames * usize::from(config.channels) + r.below(2) as usize).min(8192);
            if r.below(2) == 0 {
                engine.render_f32(&mut buffer[..length]);
                assert!(
                    buffer[..length].iter().all(|v| v.is_finite()),
                    "round {round} step {step}"
                );
            } else {
                engine.render_i16(&mut buffer16[..length]);
            }
        }
        let stats = engine.take_stats();
        assert!(stats.peak_level.is_finite() && stats.peak_level <= 1.0);
        sounded += u32::from(stats.peak_voices > 0 && stats.peak_level > 0.0);
    }
    assert!(
        sounded > 50,
        "only {sounded} rounds made sound: the stress is not reaching the voices"
    );
}
