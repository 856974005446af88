//! Engine-level reproduction of the soak's check "no voice after all notes off + release": the
//! same dense random MIDI (reliability::drive::random_midi plus long XG SysEx), every program
//! downloaded, then pedals off and All Notes Off on every channel of every group.
#![allow(clippy::all, missing_docs)]

use reliability::drive::random_midi;
use reliability::rng::Rng;
use synth::midi_stream::StreamParser;
use synth::test_support::{instrument, looped, region};
use synth::{Download, Engine, EngineConfig, TimedEvent};

fn engine(groups: u32) -> Engine {
    let config = EngineConfig {
        voices: 128,
        channel_groups: groups,
        ..EngineConfig::default()
    };
    let mut engine = Engine::new(&config).unwrap();
    engine.reserve_bank(200).unwrap();
    let data: Vec<i16> = (0..64).map(|n| ((n * 1000) - 32_000) as i16).collect();
    let wave = looped(22_050, data, 0, 64, dls::model::LoopKind::Forward);
    engine
        .install(Download::Wave(1, Engine::prepare_wave(wave).unwrap()))
        .map_err(|e| e.0)
        .unwrap();
    for program in 0..128u8 {
        let patch = dls::model::Patch {
            program,
            ..Default::default()
        };
        let prepared = Engine::prepare_instrument(instrument(patch, vec![region(1)], vec![])).unwrap();
        engine
            .install(Download::Instrument(100 + u32::from(program), prepared))
            .map_err(|e| e.0)
            .unwrap();
    }
    engine
}

fn schedule(engine: &mut Engine, parsers: &mut [StreamParser], group: u32, bytes: &[u8], time: u64) {
    let parser = &mut parsers[group as usize];
    let mut messages = Vec::new();
    parser.feed(bytes, |message| messages.push(message));
    for message in messages {
        let _ = engine.schedule(TimedEvent {
            time,
            channel_group: group as u16,
            message,
        });
    }
}

fn voices(engine: &Engine) -> Vec<synth::VoiceInfo> {
    let mut list = Vec::new();
    engine.for_each_voice(|voice| list.push(voice));
    list
}

#[test]
fn no_voice_survives_all_notes_off_after_dense_random_midi() {
    let groups = 4;
    for seed in 1..=3u64 {
        let mut engine = engine(groups);
        let mut parsers: Vec<StreamParser> = (0..=groups).map(|_| StreamParser::new()).collect();
        let mut rng = Rng::new(seed);
        let mut out = vec![0f32; 960];
        for _ in 0..1500 {
            let now = engine.position();
            let count = 1 + rng.below(64) as usize;
            for event in random_midi(&mut rng, count, groups, 0) {
                schedule(
                    &mut engine,
                    &mut parsers,
                    event.channel_group,
                    &event.bytes,
                    now + event.time as u64 / 208,
                );
            }
            if rng.chance(1, 10) {
                let mut sysex = vec![0xF0, 0x43, 0x10, 0x4C];
                sysex.extend((0..rng.below(300)).map(|n| (n % 128) as u8));
                sysex.push(0xF7);
                schedule(&mut engine, &mut parsers, 1, &sysex, now);
            }
            engine.render_f32(&mut out);
        }
        let now = engine.position() + 2000;
        for group in 1..=groups {
            for channel in 0..16u8 {
                for bytes in [[0xB0 | channel, 64, 0], [0xB0 | channel, 123, 0]] {
                    schedule(&mut engine, &mut parsers, group, &bytes, now);
                }
            }
        }
        for _ in 0..300 {
            engine.render_f32(&mut out);
        }
        let left = voices(&engine);
        assert!(
            left.is_empty(),
            "seed {seed}: {} voices after all notes off: {:?}",
            left.len(),
            &left[..left.len().min(6)]
        );
    }
}
