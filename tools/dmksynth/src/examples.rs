//! The example songs under `examples/`, generated here so the repository carries no opaque
//! binaries: `tour.mid` (a phrase per GM family, ~60 s, type 1), `groove.mid` (drums and bass,
//! ~20 s, type 0) and `dense.mid` (~220 simultaneous sustained notes, ~30 s, type 1).
//!
//! Generation is deterministic; a test checks that the committed files equal these bytes.

use std::path::Path;

use anyhow::{Context, Result};
use midly::num::{u4, u7, u15, u24, u28};
use midly::{Format, Header, MetaMessage, MidiMessage, Smf, Timing, TrackEvent, TrackEventKind};

use crate::output;

/// Ticks per quarter note in every example.
const PPQ: u32 = 480;

/// An event at an absolute tick, before it is turned into a delta-timed track.
#[derive(Clone, Copy)]
struct At<'a> {
    tick: u32,
    kind: TrackEventKind<'a>,
}

fn note_on(tick: u32, channel: u8, key: u8, velocity: u8) -> At<'static> {
    midi(
        tick,
        channel,
        MidiMessage::NoteOn {
            key: u7::new(key & 0x7F),
            vel: u7::new(velocity & 0x7F),
        },
    )
}

fn note_off(tick: u32, channel: u8, key: u8) -> At<'static> {
    midi(
        tick,
        channel,
        MidiMessage::NoteOff {
            key: u7::new(key & 0x7F),
            vel: u7::new(64),
        },
    )
}

fn program(tick: u32, channel: u8, number: u8) -> At<'static> {
    midi(
        tick,
        channel,
        MidiMessage::ProgramChange {
            program: u7::new(number & 0x7F),
        },
    )
}

fn controller(tick: u32, channel: u8, number: u8, value: u8) -> At<'static> {
    midi(
        tick,
        channel,
        MidiMessage::Controller {
            controller: u7::new(number & 0x7F),
            value: u7::new(value & 0x7F),
        },
    )
}

fn midi(tick: u32, channel: u8, message: MidiMessage) -> At<'static> {
    At {
        tick,
        kind: TrackEventKind::Midi {
            channel: u4::new(channel & 0x0F),
            message,
        },
    }
}

fn meta(tick: u32, message: MetaMessage<'static>) -> At<'static> {
    At {
        tick,
        kind: TrackEventKind::Meta(message),
    }
}

/// A note with its off event.
fn note(events: &mut Vec<At<'static>>, tick: u32, length: u32, channel: u8, key: u8, velocity: u8) {
    events.push(note_on(tick, channel, key, velocity));
    events.push(note_off(tick + length, channel, key));
}

/// Sorts by tick (stable, note-offs before note-ons at the same tick so re-struck notes work),
/// converts to deltas and appends end-of-track.
fn track(mut events: Vec<At<'static>>) -> Vec<TrackEvent<'static>> {
    let rank = |kind: &TrackEventKind| match kind {
        TrackEventKind::Meta(_) => 0,
        TrackEventKind::Midi {
            message: MidiMessage::NoteOff { .. },
            ..
        } => 2,
        TrackEventKind::Midi {
            message: MidiMessage::NoteOn { .. },
            ..
        } => 3,
        _ => 1,
    };
    events.sort_by_key(|event| (event.tick, rank(&event.kind)));
    let mut out = Vec::with_capacity(events.len() + 1);
    let mut last = 0;
    for event in &events {
        out.push(TrackEvent {
            delta: u28::new(event.tick - last),
            kind: event.kind,
        });
        last = event.tick;
    }
    out.push(TrackEvent {
        delta: u28::new(0),
        kind: TrackEventKind::Meta(MetaMessage::EndOfTrack),
    });
    out
}

fn encode(format: Format, tracks: Vec<Vec<TrackEvent<'static>>>) -> Result<Vec<u8>> {
    let smf = Smf {
        header: Header::new(format, Timing::Metrical(u15::new(PPQ as u16))),
        tracks,
    };
    let mut bytes = Vec::new();
    smf.write_std(&mut bytes).context("cannot encode MIDI")?;
    Ok(bytes)
}

/// Tempo in µs per quarter.
fn tempo(tick: u32, microseconds: u32) -> At<'static> {
    meta(tick, MetaMessage::Tempo(u24::new(microseconds)))
}

/// The channel of family `family` (0..16), skipping the drum channel.
fn family_channel(family: u8) -> u8 {
    let channel = family % 15;
    if channel >= 9 { channel + 1 } else { channel }
}

/// `tour.mid`: one 8-beat phrase per GM family at 128 bpm (~60 s): an arpeggio on the family's
/// first program, then a chord on a characteristic second one.
pub(crate) fn tour() -> Result<Vec<u8>> {
    // (second program's offset in the family, base key)
    const FAMILIES: [(u8, u8); 16] = [
        (4, 60), // piano → Electric Piano 1
        (3, 72), // chromatic percussion → Vibraphone
        (3, 60), // organ → Church Organ
        (5, 52), // guitar → Overdriven
        (6, 36), // bass → Synth Bass 1
        (6, 60), // strings → Harp
        (4, 60), // ensemble → Choir Aahs
        (1, 58), // brass → Trombone
        (1, 62), // reed → Alto Sax
        (1, 72), // pipe → Flute
        (1, 64), // synth lead → Sawtooth
        (1, 60), // synth pad → Warm
        (4, 60), // synth effects → Brightness
        (4, 62), // ethnic → Kalimba
        (2, 60), // percussive → Steel Drums
        (3, 72), // sound effects → Bird Tweet
    ];
    let beat = PPQ;
    let segment = 8 * beat;
    let mut conductor = vec![
        meta(0, MetaMessage::TrackName(b"dmksynth GM tour")),
        meta(0, MetaMessage::TimeSignature(4, 2, 24, 8)),
        tempo(0, 468_750),
    ];
    let mut tracks = Vec::new();
    for (family, (second, base)) in FAMILIES.iter().enumerate() {
        let family = family as u8;
        let channel = family_channel(family);
        let start = u32::from(family) * segment;
        let first_program = family * 8;
        let mut events = vec![
            controller(0, channel, 7, 100),
            controller(0, channel, 91, 40),
            program(start, channel, first_program),
        ];
        if family == 15 {
            conductor.push(meta(start, MetaMessage::Marker(b"sound effects")));
        }
        // Arpeggio: root, third, fifth, octave, fifth, third, root, fifth in eighths.
        let arpeggio = [0, 4, 7, 12, 7, 4, 0, 7];
        for (step, interval) in arpeggio.iter().enumerate() {
            let tick = start + step as u32 * beat / 2;
            note(&mut events, tick, beat / 2 - 20, channel, base + interval, 96);
        }
        // Chord on the second program for 3 beats, then a final short root on beat 8.
        events.push(program(start + 4 * beat - 1, channel, first_program + second));
        for interval in [0, 4, 7] {
            note(
                &mut events,
                start + 4 * beat,
                3 * beat - 40,
                channel,
                base + interval,
                90,
            );
        }
        note(&mut events, start + 7 * beat, beat / 2, channel, base + 12, 100);
        tracks.push(track(events));
    }
    let mut all = vec![track(conductor)];
    all.extend(tracks);
    encode(Format::Parallel, all)
}

/// `groove.mid`: 10 bars of drums (with hi-hat chokes, a tom fill and Latin percussion) and a
/// finger-bass line at 120 bpm (~20 s), as one type-0 track.
pub(crate) fn groove() -> Result<Vec<u8>> {
    const DRUMS: u8 = 9;
    const BASS: u8 = 0;
    let beat = PPQ;
    let eighth = beat / 2;
    let bar = 4 * beat;
    let mut events = vec![
        meta(0, MetaMessage::TrackName(b"dmksynth groove")),
        tempo(0, 500_000),
        program(0, BASS, 33),
        controller(0, BASS, 7, 110),
        controller(0, DRUMS, 7, 120),
    ];
    let hit = |events: &mut Vec<At<'static>>, tick: u32, key: u8, velocity: u8| {
        note(events, tick, eighth / 2, DRUMS, key, velocity)
    };
    let bass_line = [40_u8, 40, 43, 45, 40, 40, 47, 45];
    for number in 0..10_u32 {
        let start = number * bar;
        // Kick, snare.
        hit(&mut events, start, 36, 110);
        hit(&mut events, start + 2 * beat, 36, 100);
        if number % 2 == 1 {
            hit(&mut events, start + 2 * beat + eighth, 36, 80);
        }
        hit(&mut events, start + beat, 38, 105);
        hit(&mut events, start + 3 * beat, 38, 105);
        // Hats (or ride in the last two bars): the open hat on the last eighth is choked by the
        // next bar's closed hat (exclusive class).
        for step in 0..8 {
            let tick = start + step * eighth;
            if number >= 8 {
                hit(&mut events, tick, 51, 80);
            } else if step == 7 {
                hit(&mut events, tick, 46, 85);
            } else {
                hit(&mut events, tick, 42, if step % 2 == 0 { 90 } else { 60 });
            }
        }
        if number == 0 || number == 8 {
            hit(&mut events, start, 49, 110);
        }
        if (4..8).contains(&number) {
            hit(&mut events, start + beat, 56, 70);
            hit(&mut events, start + 3 * beat, 56, 70);
            hit(&mut events, start + eighth, 63, 80);
            hit(&mut events, start + 3 * eighth, 62, 70);
            hit(&mut events, start + 5 * eighth, 64, 80);
            hit(&mut events, start + 2 * beat, 54, 60);
            hit(&mut events, start + 7 * eighth, 69, 60);
        }
        if number == 7 {
            // Tom fill over the last two beats.
            for (step, key) in [50_u8, 48, 47, 45, 43, 41].iter().enumerate() {
                hit(&mut events, start + 2 * beat + step as u32 * beat / 3, *key, 100);
            }
        }
        // Bass: eighths following the line.
        for step in 0..8 {
            let key = bass_line[((number as usize % 2) * 4 + step / 2) % bass_line.len()];
            note(
                &mut events,
                start + step as u32 * eighth,
                eighth - 30,
                BASS,
                key,
                95,
            );
        }
    }
    // Final hit.
    let end = 10 * bar;
    hit(&mut events, end, 36, 120);
    hit(&mut events, end, 49, 120);
    note(&mut events, end, beat, BASS, 28, 110);
    encode(Format::SingleTrack, vec![track(events)])
}

/// `dense.mid`: 11 channels × 20 sustained notes (220 voices at once) on organs, accordion,
/// strings, choir and brass, a new chord every 2.5 s for 30 s: the stress test. Each chord is
/// held 2 s; the 0.5 s gap lets every release (all ≤ 0.4 s) finish, so 256 voices suffice and
/// the voice count stays at 220 (render with `--voices 128` to exercise voice stealing).
pub(crate) fn dense() -> Result<Vec<u8>> {
    const PROGRAMS: [u8; 11] = [16, 19, 21, 48, 50, 52, 53, 56, 61, 62, 68];
    // Root of each chord (a cycle of fifths-ish progression), triad or seventh.
    const CHORDS: [(u8, [u8; 4]); 12] = [
        (0, [0, 4, 7, 11]),
        (9, [0, 3, 7, 10]),
        (5, [0, 4, 7, 11]),
        (7, [0, 4, 7, 10]),
        (2, [0, 3, 7, 10]),
        (7, [0, 4, 7, 10]),
        (0, [0, 4, 7, 12]),
        (4, [0, 3, 7, 10]),
        (9, [0, 3, 7, 10]),
        (2, [0, 3, 7, 10]),
        (7, [0, 4, 7, 10]),
        (0, [0, 4, 7, 11]),
    ];
    let beat = PPQ;
    let length = 5 * beat; // 2.5 s at 120 bpm
    let conductor = vec![
        meta(0, MetaMessage::TrackName(b"dmksynth dense chords")),
        tempo(0, 500_000),
    ];
    let mut tracks = vec![track(conductor)];
    for (index, program_number) in PROGRAMS.iter().enumerate() {
        let channel = family_channel(index as u8);
        let mut events = vec![
            program(0, channel, *program_number),
            controller(0, channel, 7, 40),
            controller(0, channel, 10, (index as u8 * 12) % 128),
        ];
        for (chord_index, (root, intervals)) in CHORDS.iter().enumerate() {
            let start = chord_index as u32 * length;
            // 20 distinct chord tones from key 28 up, shifted per channel so channels differ.
            let mut keys = Vec::with_capacity(20);
            let mut octave = 24 + (index as u8 % 3) * 12;
            while keys.len() < 20 {
                for interval in intervals {
                    let key = octave + root + interval + (index as u8 % 2);
                    if keys.len() < 20 && !keys.contains(&key) && key < 128 {
                        keys.push(key);
                    }
                }
                octave += 12;
                if octave > 108 {
                    octave = 26 + (index as u8 % 5);
                }
            }
            for key in keys {
                note(&mut events, start, 4 * beat, channel, key, 70);
            }
        }
        tracks.push(track(events));
    }
    encode(Format::Parallel, tracks)
}

/// All examples, by file name.
pub(crate) fn all() -> Result<Vec<(&'static str, Vec<u8>)>> {
    Ok(vec![
        ("tour.mid", tour()?),
        ("groove.mid", groove()?),
        ("dense.mid", dense()?),
    ])
}

/// `dmksynth make-examples --dir DIR`.
pub(crate) fn write_all(directory: &Path) -> Result<()> {
    if !directory.is_dir() {
        anyhow::bail!(
            "cannot write examples: {} is not a directory",
            directory.display()
        );
    }
    for (name, bytes) in all()? {
        let path = directory.join(name);
        output::write_all(&path, &bytes)?;
        let song = crate::midi::parse(&bytes)?;
        println!(
            "{}: {} notes, {:.1} s, {} bytes",
            path.display(),
            song.notes,
            song.length as f64 / 1.0e7,
            bytes.len()
        );
    }
    Ok(())
}
