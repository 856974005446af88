//! The MIDI byte-stream parser seen from outside: fragmentation invariance (every way of splitting
//! a stream into `DMUS_KEF_EVENT_INCOMPLETE`-style fragments yields the same messages), and a
//! deterministic byte-soup run that must never panic and must keep every emitted message valid.
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used,
    missing_docs
)]

use synth::midi_stream::StreamParser;
use synth::{MidiMessage, SYSEX_MAX};

fn parse_whole(bytes: &[u8]) -> (Vec<MidiMessage>, u32) {
    let mut parser = StreamParser::new();
    let mut out = Vec::new();
    parser.feed(bytes, |m| out.push(m));
    (out, parser.dropped())
}

/// Feeds `bytes` split after every position whose bit is set in `mask`.
fn parse_split(bytes: &[u8], mask: u64) -> (Vec<MidiMessage>, u32) {
    let mut parser = StreamParser::new();
    let mut out = Vec::new();
    let mut start = 0;
    for cut in 1..bytes.len() {
        if mask >> (cut - 1) & 1 == 1 {
            parser.feed(&bytes[start..cut], |m| out.push(m));
            start = cut;
        }
    }
    parser.feed(&bytes[start..], |m| out.push(m));
    (out, parser.dropped())
}

/// A stream with running status, real-time bytes inside a message and a SysEx, a stray byte and
/// an interrupted SysEx: every feature whose state must survive a fragment boundary.
const MIXED: &[u8] = &[
    0x90, 60, 0xF8, 100, 62, 90, 0xF0, 0x7E, 0xFE, 0x7F, 0x09, 0x01, 0xF7, 0x05, 0xC3, 7, 0xF0, 0x41, 0xB0,
    64, 127,
];

#[test]
fn every_split_of_a_mixed_stream_yields_the_same_messages() {
    let (expected, expected_dropped) = parse_whole(MIXED);
    // Sanity: the whole stream parses to what the MIDI spec says.
    let note = |status, data1, data2| MidiMessage::Channel { status, data1, data2 };
    let mut gm_on = [0u8; SYSEX_MAX];
    gm_on[..6].copy_from_slice(&[0xF0, 0x7E, 0x7F, 0x09, 0x01, 0xF7]);
    assert_eq!(
        expected,
        [
            note(0x90, 60, 100),
            note(0x90, 62, 90),
            MidiMessage::SysEx { len: 6, bytes: gm_on },
            note(0xC3, 7, 0),
            note(0xB0, 64, 127),
        ]
    );
    // The stray 0x05 after the SysEx and the interrupted F0 41.
    assert_eq!(expected_dropped, 2);

    let cuts = MIXED.len() - 1;
    for mask in 0..(1u64 << cuts) {
        let (messages, dropped) = parse_split(MIXED, mask);
        assert_eq!(messages, expected, "split mask {mask:#x}");
        assert_eq!(dropped, expected_dropped, "split mask {mask:#x}");
    }
}

#[test]
fn sysex_in_many_fragments_reassembles() {
    // A Roland GS reset, as the port might deliver it in 8-byte (sizeof(PBYTE)) fragments.
    let gs_reset = [0xF0, 0x41, 0x10, 0x42, 0x12, 0x40, 0x00, 0x7F, 0x00, 0x41, 0xF7];
    for fragment in 1..=gs_reset.len() {
        let mut parser = StreamParser::new();
        let mut out = Vec::new();
        for chunk in gs_reset.chunks(fragment) {
            parser.feed(chunk, |m| out.push(m));
        }
        assert_eq!(out.len(), 1, "fragment size {fragment}");
        let MidiMessage::SysEx { len, bytes } = out[0] else {
            panic!("not a SysEx")
        };
        assert_eq!(&bytes[..usize::from(len)], &gs_reset);
    }
}

#[test]
fn running_status_across_events() {
    // Each DMus event carries one message; the later ones rely on running status.
    let events: [&[u8]; 4] = [&[0x91, 60, 100], &[64, 100], &[67, 100], &[0x81, 60, 0]];
    let mut parser = StreamParser::new();
    let mut out = Vec::new();
    for event in events {
        parser.feed(event, |m| out.push(m));
    }
    let statuses: Vec<(u8, u8)> = out
        .iter()
        .map(|m| match *m {
            MidiMessage::Channel { status, data1, .. } => (status, data1),
            MidiMessage::SysEx { .. } => (0, 0),
        })
        .collect();
    assert_eq!(statuses, [(0x91, 60), (0x91, 64), (0x91, 67), (0x81, 60)]);
}

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

#[test]
fn random_byte_soup_never_panics_and_emits_only_valid_messages() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut parser = StreamParser::new();
    let mut buffer = [0u8; 64];
    let mut emitted = 0u64;
    for iteration in 0..100_000u32 {
        let len = (rng.next() % 65) as usize;
        for byte in &mut buffer[..len] {
            let r = rng.next();
            // Bias towards data bytes so that long messages and SysEx actually complete.
            *byte = if r.is_multiple_of(4) {
                (r >> 8) as u8 | 0x80
            } else {
                (r >> 8) as u8 & 0x7F
            };
        }
        parser.feed(&buffer[..len], |m| {
            emitted += 1;
            match m {
                MidiMessage::Channel { status, data1, data2 } => {
                    assert!((0x80..=0xEF).contains(&status));
                    assert!(data1 < 0x80 && data2 < 0x80);
                    if (0xC0..=0xDF).contains(&status) {
                        assert_eq!(data2, 0);
                    }
                }
                MidiMessage::SysEx { len, bytes } => {
                    let len = usize::from(len);
                    assert!((2..=SYSEX_MAX).contains(&len));
                    assert_eq!(bytes[0], 0xF0);
                    assert_eq!(bytes[len - 1], 0xF7);
                    assert!(bytes[1..len - 1].iter().all(|&b| b < 0x80));
                }
            }
        });
        if iteration.is_multiple_of(10_007) {
            parser.reset();
        }
    }
    assert!(emitted > 100_000, "the soup produced only {emitted} messages");
}
