//! A Standard MIDI File turned into what a MIDI output port is sent: channel messages packed as
//! `midiOutShortMsg` words and SysEx as `midiOutLongMsg` buffers, each at its time in microseconds
//! from the start, tracks merged and the tempo map applied.

use std::fmt;

use midly::{MetaMessage, MidiMessage, Smf, Timing, TrackEventKind};

/// One message to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// A channel message in `midiOutShortMsg` form: status in the low byte, then the data bytes.
    Short(u32),
    /// A complete System Exclusive message, `F0 … F7`, for `midiOutLongMsg`.
    SysEx(Vec<u8>),
}

/// A message and when to send it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimedMessage {
    /// Microseconds from the start of the song.
    pub at_micros: u64,
    /// What to send.
    pub message: Message,
}

/// A song ready to play.
#[derive(Debug, Default)]
pub struct Schedule {
    /// Messages in sending order (by time; ties keep track order, then file order).
    pub messages: Vec<TimedMessage>,
    /// Microseconds from the start to the last event of any track (end of track included).
    pub length_micros: u64,
    /// Escape (`F7`) events, which carry raw bytes this player does not send.
    pub skipped_escapes: usize,
}

/// Why a file cannot be scheduled.
#[derive(Debug)]
pub enum ScheduleError {
    /// Not a Standard MIDI File, or a malformed one.
    Parse(midly::Error),
    /// A timing division of zero ticks per beat or per frame.
    ZeroDivision,
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Parse(error) => write!(formatter, "not a valid Standard MIDI File: {error}"),
            Self::ZeroDivision => formatter.write_str("the file's timing division is zero"),
        }
    }
}

impl std::error::Error for ScheduleError {}

/// The default tempo of a Standard MIDI File: 120 beats per minute.
const DEFAULT_MICROS_PER_BEAT: u64 = 500_000;

/// Packs a channel message the way `midiOutShortMsg` takes it.
#[must_use]
pub fn pack_short(channel: u8, message: MidiMessage) -> u32 {
    let channel = u32::from(channel & 0x0F);
    let (status, data1, data2) = match message {
        MidiMessage::NoteOff { key, vel } => (0x80, key.as_int(), vel.as_int()),
        MidiMessage::NoteOn { key, vel } => (0x90, key.as_int(), vel.as_int()),
        MidiMessage::Aftertouch { key, vel } => (0xA0, key.as_int(), vel.as_int()),
        MidiMessage::Controller { controller, value } => (0xB0, controller.as_int(), value.as_int()),
        MidiMessage::ProgramChange { program } => (0xC0, program.as_int(), 0),
        MidiMessage::ChannelAftertouch { vel } => (0xD0, vel.as_int(), 0),
        MidiMessage::PitchBend { bend } => {
            let raw = bend.0.as_int();
            (0xE0, (raw & 0x7F) as u8, (raw >> 7) as u8)
        }
    };
    (status | channel) | (u32::from(data1) << 8) | (u32::from(data2) << 16)
}

/// Parses `bytes` (a type 0, 1 or 2 SMF) and schedules every channel and SysEx message.
///
/// Type 2 files (independent patterns) are played as if their tracks were simultaneous, which is
/// what most players do.
///
/// # Errors
/// [`ScheduleError`] for files midly rejects or with a zero timing division.
pub fn schedule(bytes: &[u8]) -> Result<Schedule, ScheduleError> {
    let smf = Smf::parse(bytes).map_err(ScheduleError::Parse)?;

    // Absolute ticks of every event, tracks merged, stable by (tick, track, position).
    struct Event<'a> {
        tick: u64,
        track: usize,
        index: usize,
        kind: TrackEventKind<'a>,
    }
    let mut events = Vec::new();
    let mut last_tick = 0u64;
    for (track, track_events) in smf.tracks.iter().enumerate() {
        let mut tick = 0u64;
        for (index, event) in track_events.iter().enumerate() {
            tick += u64::from(event.delta.as_int());
            events.push(Event {
                tick,
                track,
                index,
                kind: event.kind,
            });
        }
        last_tick = last_tick.max(tick);
    }
    events.sort_by_key(|event| (event.tick, event.track, event.index));

    let mut clock = Clock::new(smf.header.timing)?;
    let mut result = Schedule::default();
    for event in events {
        let at_micros = clock.micros_at(event.tick);
        match event.kind {
            TrackEventKind::Midi { channel, message } => result.messages.push(TimedMessage {
                at_micros,
                message: Message::Short(pack_short(channel.as_int(), message)),
            }),
            TrackEventKind::SysEx(data) => {
                let mut bytes = Vec::with_capacity(data.len() + 2);
                bytes.push(0xF0);
                bytes.extend_from_slice(data);
                if bytes.last() != Some(&0xF7) {
                    bytes.push(0xF7);
                }
                result.messages.push(TimedMessage {
                    at_micros,
                    message: Message::SysEx(bytes),
                });
            }
            TrackEventKind::Escape(_) => result.skipped_escapes += 1,
            TrackEventKind::Meta(MetaMessage::Tempo(micros_per_beat)) => {
                clock.set_tempo(event.tick, u64::from(micros_per_beat.as_int()));
            }
            TrackEventKind::Meta(_) => {}
        }
    }
    result.length_micros = clock.micros_at(last_tick);
    Ok(result)
}

/// Ticks to microseconds under a tempo map that is built while the events are walked in order.
struct Clock {
    /// `Some(ticks per beat)` for metrical timing; `None` for timecode.
    ticks_per_beat: Option<u64>,
    /// Microseconds per tick for timecode timing, as a fraction numerator / denominator.
    timecode: (u64, u64),
    micros_per_beat: u64,
    /// The tick and time of the last tempo change.
    anchor_tick: u64,
    anchor_micros: u64,
}

impl Clock {
    fn new(timing: Timing) -> Result<Self, ScheduleError> {
        match timing {
            Timing::Metrical(ticks) => {
                let ticks = u64::from(ticks.as_int());
                if ticks == 0 {
                    return Err(ScheduleError::ZeroDivision);
                }
                Ok(Self::with(Some(ticks), (0, 1)))
            }
            Timing::Timecode(fps, subframes) => {
                // ticks per second = fps × subframes; 29.97 drop-frame is 30000/1001 frames/s.
                let (frames_numerator, frames_denominator) = match fps {
                    midly::Fps::Fps24 => (24, 1),
                    midly::Fps::Fps25 => (25, 1),
                    midly::Fps::Fps29 => (30_000, 1001),
                    midly::Fps::Fps30 => (30, 1),
                };
                let subframes = u64::from(subframes);
                if subframes == 0 {
                    return Err(ScheduleError::ZeroDivision);
                }
                Ok(Self::with(
                    None,
                    (1_000_000 * frames_denominator, frames_numerator * subframes),
                ))
            }
        }
    }

    fn with(ticks_per_beat: Option<u64>, timecode: (u64, u64)) -> Self {
        Self {
            ticks_per_beat,
            timecode,
            micros_per_beat: DEFAULT_MICROS_PER_BEAT,
            anchor_tick: 0,
            anchor_micros: 0,
        }
    }

    fn micros_at(&self, tick: u64) -> u64 {
        let since = u128::from(tick.saturating_sub(self.anchor_tick));
        let micros = match self.ticks_per_beat {
            Some(ticks_per_beat) => since * u128::from(self.micros_per_beat) / u128::from(ticks_per_beat),
            None => since * u128::from(self.timecode.0) / u128::from(self.timecode.1),
        };
        self.anchor_micros
            .saturating_add(u64::try_from(micros).unwrap_or(u64::MAX))
    }

    fn set_tempo(&mut self, tick: u64, micros_per_beat: u64) {
        // Timecode files ignore tempo events: their ticks are fixed fractions of a second.
        if self.ticks_per_beat.is_some() {
            self.anchor_micros = self.micros_at(tick);
            self.anchor_tick = tick;
            self.micros_per_beat = micros_per_beat;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal SMF writer for the tests: header + tracks of (delta, raw event bytes).
    fn smf(format: u16, division: u16, tracks: &[&[(u32, &[u8])]]) -> Vec<u8> {
        let mut out = b"MThd".to_vec();
        out.extend_from_slice(&6u32.to_be_bytes());
        out.extend_from_slice(&format.to_be_bytes());
        out.extend_from_slice(&(tracks.len() as u16).to_be_bytes());
        out.extend_from_slice(&division.to_be_bytes());
        for track in tracks {
            let mut body = Vec::new();
            for (delta, event) in *track {
                let mut groups = vec![(delta & 0x7F) as u8];
                let mut rest = delta >> 7;
                while rest > 0 {
                    groups.push((rest & 0x7F) as u8 | 0x80);
                    rest >>= 7;
                }
                body.extend(groups.iter().rev());
                body.extend_from_slice(event);
            }
            body.extend_from_slice(&[0, 0xFF, 0x2F, 0]);
            out.extend_from_slice(b"MTrk");
            out.extend_from_slice(&(body.len() as u32).to_be_bytes());
            out.extend_from_slice(&body);
        }
        out
    }

    #[test]
    fn short_messages_pack_status_then_data() {
        let note_on = MidiMessage::NoteOn {
            key: 60.into(),
            vel: 100.into(),
        };
        assert_eq!(pack_short(9, note_on), 0x0064_3C99);
        let bend = MidiMessage::PitchBend {
            bend: midly::PitchBend(0x2000.into()),
        };
        assert_eq!(pack_short(0, bend), 0x0040_00E0);
        let program = MidiMessage::ProgramChange { program: 5.into() };
        assert_eq!(pack_short(15, program), 0x0000_05CF);
    }

    #[test]
    fn tempo_changes_in_the_conductor_track_time_the_other_tracks() {
        // 480 ticks per beat; 120 bpm, then 60 bpm from tick 960.
        let conductor: &[(u32, &[u8])] = &[(960, &[0xFF, 0x51, 3, 0x0F, 0x42, 0x40])];
        let notes: &[(u32, &[u8])] = &[
            (480, &[0x90, 60, 100]),     // beat 1 at 120 bpm: 0.5 s
            (960, &[0x80, 60, 0]),       // tick 1440: 1.0 s + 480 ticks at 60 bpm = 2.0 s
            (0, &[0xF0, 2, 0x7E, 0xF7]), // SysEx: length 2, then 7E F7
        ];
        let song = schedule(&smf(1, 480, &[conductor, notes])).unwrap();
        let times: Vec<u64> = song.messages.iter().map(|m| m.at_micros).collect();
        assert_eq!(times, [500_000, 2_000_000, 2_000_000]);
        assert_eq!(song.messages[0].message, Message::Short(0x0064_3C90));
        assert_eq!(song.messages[2].message, Message::SysEx(vec![0xF0, 0x7E, 0xF7]));
        assert_eq!(song.length_micros, 2_000_000);
    }

    #[test]
    fn running_status_and_timecode_division() {
        // 25 fps × 40 subframes = 1000 ticks/s: one tick per millisecond.
        let division = u16::from_be_bytes([(-25i8) as u8, 40]);
        let track: &[(u32, &[u8])] = &[(250, &[0x91, 64, 90]), (250, &[64, 0])];
        let song = schedule(&smf(0, division, &[track])).unwrap();
        assert_eq!(
            song.messages,
            [
                TimedMessage {
                    at_micros: 250_000,
                    message: Message::Short(0x005A_4091)
                },
                TimedMessage {
                    at_micros: 500_000,
                    message: Message::Short(0x0000_4091)
                },
            ]
        );
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(matches!(schedule(b"RIFF0000WAVE"), Err(ScheduleError::Parse(_))));
        assert!(matches!(
            schedule(&smf(0, 0, &[&[]])),
            Err(ScheduleError::ZeroDivision)
        ));
    }
}
