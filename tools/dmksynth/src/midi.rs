//! Standard MIDI Files (type 0 and 1) → time-stamped MIDI byte messages.
//!
//! Times are absolute, in 100 ns units (DirectMusic's `REFERENCE_TIME`), computed exactly from
//! the tempo map (integer arithmetic from the last tempo change, so long files do not drift).

use anyhow::{Result, bail};
use midly::{Format, MetaMessage, Smf, Timing, TrackEventKind};

/// One MIDI message at an absolute time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TimedEvent {
    /// Time since the start, 100 ns units.
    pub(crate) time: i64,
    /// The message bytes (channel messages with their status byte; SysEx as F0 … F7).
    pub(crate) bytes: Vec<u8>,
}

/// A whole song.
#[derive(Debug)]
pub(crate) struct Song {
    /// Events sorted by time (stable: file order within one tick).
    pub(crate) events: Vec<TimedEvent>,
    /// Time of the last event of any kind (end-of-track included), 100 ns units.
    pub(crate) length: i64,
    /// Number of note-ons with velocity > 0.
    pub(crate) notes: usize,
}

/// Checks the chunk structure before parsing, so truncation gets a precise message.
fn check_chunks(bytes: &[u8]) -> Result<()> {
    if bytes.get(0..4) != Some(b"MThd".as_slice()) {
        bail!("not a Standard MIDI File (no MThd header)");
    }
    let mut offset = 0_usize;
    let mut track = 0_usize;
    while offset < bytes.len() {
        let Some(header) = bytes.get(offset..offset.saturating_add(8)) else {
            bail!(
                "truncated MIDI file: {} stray bytes at offset {offset}",
                bytes.len() - offset
            );
        };
        let id = header.get(0..4).unwrap_or_default();
        let length = u32::from_be_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let end = offset.saturating_add(8).saturating_add(length);
        if id == b"MTrk" {
            track += 1;
            if end > bytes.len() {
                bail!(
                    "truncated MIDI file: track {track} declares {length} bytes but only {} remain",
                    bytes.len() - offset - 8
                );
            }
        }
        offset = end;
    }
    Ok(())
}

/// Parses `bytes` as a Standard MIDI File.
pub(crate) fn parse(bytes: &[u8]) -> Result<Song> {
    check_chunks(bytes)?;
    let smf = Smf::parse(bytes).map_err(|error| anyhow::anyhow!("malformed MIDI file: {error}"))?;
    if smf.header.format == Format::Sequential {
        bail!("MIDI file type 2 (sequential tracks) is not supported; use type 0 or 1");
    }
    if smf.tracks.is_empty() {
        bail!("MIDI file has no tracks");
    }
    // Merge all tracks by tick (stable: track order, then file order).
    struct Raw<'a> {
        tick: u64,
        order: usize,
        kind: TrackEventKind<'a>,
    }
    let mut raw = Vec::new();
    for track in &smf.tracks {
        let mut tick = 0_u64;
        for event in track {
            tick += u64::from(event.delta.as_int());
            let order = raw.len();
            raw.push(Raw {
                tick,
                order,
                kind: event.kind,
            });
        }
    }
    raw.sort_by_key(|event| (event.tick, event.order));

    // Tick → 100 ns.
    enum Clock {
        Metrical { ticks_per_quarter: u128 },
        Timecode { ticks_per_second: u128 },
    }
    let clock = match smf.header.timing {
        Timing::Metrical(ticks) => {
            if ticks.as_int() == 0 {
                bail!("malformed MIDI file: 0 ticks per quarter note");
            }
            Clock::Metrical {
                ticks_per_quarter: u128::from(ticks.as_int()),
            }
        }
        Timing::Timecode(fps, subframes) => {
            let per_second = (fps.as_f32() * f32::from(subframes)).round() as u128;
            if per_second == 0 {
                bail!("malformed MIDI file: SMPTE timing with 0 ticks per second");
            }
            Clock::Timecode {
                ticks_per_second: per_second,
            }
        }
    };
    let mut tempo: u128 = 500_000; // µs per quarter
    let mut base_tick = 0_u64;
    let mut base_time: u128 = 0;
    let time_at = |tick: u64, base_tick: u64, base_time: u128, tempo: u128| -> u128 {
        let delta = u128::from(tick - base_tick);
        match clock {
            Clock::Metrical { ticks_per_quarter } => {
                base_time + (delta * tempo * 10 + ticks_per_quarter / 2) / ticks_per_quarter
            }
            Clock::Timecode { ticks_per_second } => {
                base_time + (delta * 10_000_000 + ticks_per_second / 2) / ticks_per_second
            }
        }
    };

    let mut events = Vec::with_capacity(raw.len());
    let mut length = 0_u128;
    let mut notes = 0_usize;
    for event in &raw {
        let time = time_at(event.tick, base_tick, base_time, tempo);
        length = length.max(time);
        let bytes = match event.kind {
            TrackEventKind::Midi { channel, message } => {
                if let midly::MidiMessage::NoteOn { vel, .. } = message
                    && vel.as_int() > 0
                {
                    notes += 1;
                }
                let mut bytes = Vec::with_capacity(3);
                let live = midly::live::LiveEvent::Midi { channel, message };
                live.write_std(&mut bytes)
                    .map_err(|error| anyhow::anyhow!("cannot encode MIDI event: {error}"))?;
                bytes
            }
            TrackEventKind::SysEx(data) => {
                let mut bytes = Vec::with_capacity(data.len() + 2);
                bytes.push(0xF0);
                bytes.extend_from_slice(data);
                bytes
            }
            TrackEventKind::Escape(data) => data.to_vec(),
            TrackEventKind::Meta(MetaMessage::Tempo(value)) => {
                base_time = time;
                base_tick = event.tick;
                tempo = u128::from(value.as_int()).max(1);
                continue;
            }
            TrackEventKind::Meta(_) => continue,
        };
        if bytes.is_empty() {
            continue;
        }
        events.push(TimedEvent {
            time: i64::try_from(time).unwrap_or(i64::MAX),
            bytes,
        });
    }
    Ok(Song {
        events,
        length: i64::try_from(length).unwrap_or(i64::MAX),
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(tracks: &[&[u8]], division: u16, format: u16) -> Vec<u8> {
        let mut out = b"MThd".to_vec();
        out.extend_from_slice(&6_u32.to_be_bytes());
        out.extend_from_slice(&format.to_be_bytes());
        out.extend_from_slice(&(tracks.len() as u16).to_be_bytes());
        out.extend_from_slice(&division.to_be_bytes());
        for track in tracks {
            out.extend_from_slice(b"MTrk");
            out.extend_from_slice(&(track.len() as u32).to_be_bytes());
            out.extend_from_slice(track);
        }
        out
    }

    #[test]
    fn tempo_map_running_status_and_sysex() {
        // Track 0: tempo 500000 at 0, then 250000 at tick 96 (one quarter at 96 ppq).
        let conductor: &[u8] = &[
            0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20, 0x60, 0xFF, 0x51, 0x03, 0x03, 0xD0, 0x90, 0x00, 0xFF,
            0x2F, 0x00,
        ];
        // Track 1: note on at 0, running-status note on at 96, SysEx GM reset at 192, end.
        let notes: &[u8] = &[
            0x00, 0x90, 60, 100, // note on
            0x60, 64, 100, // running status, tick 96
            0x60, 0xF0, 0x05, 0x7E, 0x7F, 0x09, 0x01, 0xF7, // tick 192
            0x00, 0xF7, 0x02, 0xF8, 0xF8, // escape: raw bytes
            0x00, 0xFF, 0x2F, 0x00,
        ];
        let song = parse(&file(&[conductor, notes], 96, 1)).unwrap();
        let times: Vec<i64> = song.events.iter().map(|event| event.time).collect();
        // 96 ticks at 500 ms/quarter = 0.5 s; the next 96 ticks at 250 ms/quarter = 0.25 s.
        assert_eq!(times, vec![0, 5_000_000, 7_500_000, 7_500_000]);
        assert_eq!(song.events[1].bytes, vec![0x90, 64, 100]);
        assert_eq!(song.events[2].bytes, vec![0xF0, 0x7E, 0x7F, 0x09, 0x01, 0xF7]);
        assert_eq!(song.events[3].bytes, vec![0xF8, 0xF8]);
        assert_eq!(song.notes, 2);
        assert_eq!(song.length, 7_500_000);
    }

    #[test]
    fn truncated_track_is_reported() {
        let mut bytes = file(&[&[0x00, 0x90, 60, 100, 0x00, 0xFF, 0x2F, 0x00]], 96, 0);
        bytes.truncate(bytes.len() - 3);
        let error = parse(&bytes).unwrap_err().to_string();
        assert!(error.contains("truncated"), "{error}");
    }

    #[test]
    fn mutated_files_never_panic() {
        let original = crate::examples::groove().unwrap();
        let mut state = 0x2545_F491_u32;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        for _ in 0..3_000 {
            let mut bytes = original.clone();
            for _ in 0..1 + next() % 8 {
                let index = next() as usize % bytes.len();
                bytes[index] = next() as u8;
            }
            if next() % 4 == 0 {
                let keep = next() as usize % bytes.len();
                bytes.truncate(keep);
            }
            let _ = parse(&bytes);
        }
    }

    #[test]
    fn not_midi_is_reported() {
        let error = parse(b"RIFF\0\0\0\0WAVE").unwrap_err().to_string();
        assert!(error.contains("not a Standard MIDI File"), "{error}");
    }
}
