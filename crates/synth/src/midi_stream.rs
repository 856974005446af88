//! MIDI byte-stream parsing: running status, real-time bytes, split and fragmented SysEx.
//!
//! `IMXF::PutMessage` hands the miniport raw MIDI bytes: short events (≤ `sizeof(PBYTE)` bytes),
//! long events, and `DMUS_KEF_EVENT_INCOMPLETE` fragments of a longer stream. A message may be
//! split anywhere, may use running status across events, and may carry system real-time bytes
//! (`F8`..=`FF`) between any two bytes, even between a status byte and its data or inside a SysEx.
//! [`StreamParser`] turns such a stream back into complete [`MidiMessage`]s.
//!
//! It runs at DISPATCH_LEVEL: it never allocates (all state is fixed-size, the SysEx buffer is
//! [`SYSEX_MAX`] bytes), never blocks and cannot panic on any input. The miniport keeps one parser
//! per channel group, because running status and a SysEx in progress belong to one stream.
//!
//! # Decisions
//!
//! * **System real-time** (`F8` clock, `FA` start, `FB` continue, `FC` stop, `FE` active sensing,
//!   `FF` reset, and the undefined `F9`/`FD`) never interrupt or disturb the message they are
//!   embedded in. [`StreamParser::feed`] consumes them silently: a synth has no use for clock or
//!   transport, and the engine does not implement active-sensing timeouts. `FF` (System Reset) is
//!   deliberately **not** acted on: on a DirectMusic port it is indistinguishable from a stray byte,
//!   and resetting the synth on one is worse than ignoring a real one (the port resets the synth
//!   through `SetState`/GM reset SysEx). Callers that want them use
//!   [`StreamParser::feed_with_real_time`].
//! * **System common** (`F1` MTC quarter frame, `F2` song position, `F3` song select, `F6` tune
//!   request) cancel running status, as the MIDI 1.0 specification requires. Their data bytes are
//!   consumed; the messages are not emitted (a synth has no use for them) and are not counted as
//!   dropped. The undefined `F4`/`F5` also cancel running status and are counted as dropped.
//! * **SysEx** is reassembled across any number of `feed` calls into a [`SYSEX_MAX`]-byte buffer and
//!   emitted only when complete (`F0` … `F7`). A longer one is dropped whole and counted, never
//!   truncated into a different message. Any status byte other than real-time or `F7` ends a SysEx
//!   in progress: the unfinished SysEx is dropped and counted, and the interrupting status is then
//!   parsed normally (an `F0` starts a new SysEx).
//! * **Stray bytes** (data bytes with no running status, an `F7` outside SysEx) are dropped and
//!   counted, one count per byte.
//! * A SysEx cancels running status (MIDI 1.0: running status is cleared by system exclusive and
//!   system common messages).

use crate::{MidiMessage, SYSEX_MAX};

/// How long a MIDI message is, judged from its first byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageLength {
    /// A message of exactly this many bytes, the status byte included (1..=3).
    Fixed(u8),
    /// System Exclusive: variable length, from `F0` to `F7`.
    SysEx,
    /// Not a status byte (`00`..=`7F`): a data byte, valid only after a status (running status).
    Data,
}

/// The length of the message `status` begins, status byte included.
///
/// `8n`/`9n`/`An`/`Bn`/`En` and `F2` take 3 bytes; `Cn`/`Dn`, `F1` and `F3` take 2; `F6`, `F7`,
/// the undefined `F4`/`F5` and every real-time byte (`F8`..=`FF`) take 1; `F0` begins a SysEx.
pub const fn message_length(status: u8) -> MessageLength {
    match status {
        0x00..=0x7F => MessageLength::Data,
        0x80..=0xBF | 0xE0..=0xEF | 0xF2 => MessageLength::Fixed(3),
        0xC0..=0xDF | 0xF1 | 0xF3 => MessageLength::Fixed(2),
        0xF0 => MessageLength::SysEx,
        0xF4..=0xFF => MessageLength::Fixed(1),
    }
}

/// What the parser is in the middle of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Between messages; a data byte here uses running status (if any).
    Idle,
    /// A channel message has its status (`running_status`) and `have` of its data bytes.
    Channel {
        /// Data bytes received so far (0 or 1).
        have: u8,
    },
    /// A system common message with `remaining` data bytes still to consume.
    SystemCommon {
        /// Data bytes still expected.
        remaining: u8,
    },
    /// Inside `F0` … `F7`.
    SysEx,
}

/// A MIDI 1.0 byte-stream parser for one channel group. Fixed size, no allocation.
#[derive(Clone, Debug)]
pub struct StreamParser {
    state: State,
    /// The current running status (a channel status byte), 0 when none.
    running_status: u8,
    /// The first data byte of a three-byte channel message.
    data1: u8,
    /// The SysEx being assembled, `F0` included.
    sysex: [u8; SYSEX_MAX],
    /// Bytes of the SysEx so far, saturating; above `SYSEX_MAX` the SysEx is too long.
    sysex_len: usize,
    /// Bytes and messages dropped since creation or [`StreamParser::reset`].
    dropped: u32,
}

impl Default for StreamParser {
    fn default() -> Self {
        Self::new()
    }
}

impl StreamParser {
    /// A parser with no running status and nothing in progress.
    pub const fn new() -> Self {
        Self {
            state: State::Idle,
            running_status: 0,
            data1: 0,
            sysex: [0; SYSEX_MAX],
            sysex_len: 0,
            dropped: 0,
        }
    }

    /// Forgets running status and any message in progress (an unfinished message is discarded
    /// without being counted) and zeroes the drop counter.
    pub fn reset(&mut self) {
        *self = Self::new();
    }

    /// Stray bytes, interrupted SysEx messages and overlong SysEx messages dropped so far
    /// (saturating).
    pub fn dropped(&self) -> u32 {
        self.dropped
    }

    /// True when a message is partly received (a later `feed` is expected to complete it).
    pub fn in_message(&self) -> bool {
        !matches!(self.state, State::Idle)
    }

    /// Parses `bytes`, calling `emit` for each message completed by them. State carries over to
    /// the next call, so a message may be split across calls anywhere. Real-time bytes are
    /// consumed silently (see the module documentation).
    pub fn feed(&mut self, bytes: &[u8], emit: impl FnMut(MidiMessage)) {
        self.feed_with_real_time(bytes, emit, |_| {});
    }

    /// As [`StreamParser::feed`], and calls `real_time` with each system real-time byte
    /// (`F8`..=`FF`), in stream order relative to the messages.
    pub fn feed_with_real_time(
        &mut self,
        bytes: &[u8],
        mut emit: impl FnMut(MidiMessage),
        mut real_time: impl FnMut(u8),
    ) {
        for &byte in bytes {
            if byte >= 0xF8 {
                real_time(byte);
            } else {
                self.byte(byte, &mut emit);
            }
        }
    }

    fn count_drop(&mut self) {
        self.dropped = self.dropped.saturating_add(1);
    }

    /// One byte that is not system real-time.
    fn byte(&mut self, byte: u8, emit: &mut impl FnMut(MidiMessage)) {
        if byte < 0x80 {
            self.data(byte, emit);
            return;
        }
        // A status byte. It ends a SysEx in progress: complete on F7, dropped otherwise.
        if self.state == State::SysEx {
            self.state = State::Idle;
            if byte == 0xF7 {
                self.finish_sysex(emit);
                return;
            }
            self.count_drop();
        } else if matches!(self.state, State::Channel { .. } | State::SystemCommon { .. }) {
            // A status interrupting an incomplete message: the partial message is lost.
            self.count_drop();
            self.state = State::Idle;
        }
        match byte {
            0x80..=0xEF => {
                self.running_status = byte;
                self.state = State::Channel { have: 0 };
            }
            0xF0 => {
                self.running_status = 0;
                self.state = State::SysEx;
                self.sysex_len = 1;
                if let Some(first) = self.sysex.first_mut() {
                    *first = 0xF0;
                }
            }
            0xF1 | 0xF3 => {
                self.running_status = 0;
                self.state = State::SystemCommon { remaining: 1 };
            }
            0xF2 => {
                self.running_status = 0;
                self.state = State::SystemCommon { remaining: 2 };
            }
            0xF6 => {
                self.running_status = 0;
            }
            // F4, F5 (undefined system common): cancel running status, dropped.
            // F7 outside a SysEx: a stray end of exclusive.
            _ => {
                if byte != 0xF7 {
                    self.running_status = 0;
                }
                self.count_drop();
            }
        }
    }

    /// One data byte (`00`..=`7F`).
    fn data(&mut self, byte: u8, emit: &mut impl FnMut(MidiMessage)) {
        match self.state {
            State::SysEx => {
                if let Some(slot) = self.sysex.get_mut(self.sysex_len) {
                    *slot = byte;
                }
                // Past SYSEX_MAX we only keep counting so the message is known to be too long.
                self.sysex_len = self.sysex_len.saturating_add(1).min(SYSEX_MAX + 1);
            }
            State::SystemCommon { remaining } => {
                self.state = if remaining > 1 {
                    State::SystemCommon {
                        remaining: remaining.saturating_sub(1),
                    }
                } else {
                    State::Idle
                };
            }
            State::Idle => {
                if self.running_status == 0 {
                    self.count_drop();
                } else {
                    self.state = State::Channel { have: 0 };
                    self.channel_data(byte, emit);
                }
            }
            State::Channel { .. } => self.channel_data(byte, emit),
        }
    }

    /// A data byte for the channel message whose status is `running_status`.
    fn channel_data(&mut self, byte: u8, emit: &mut impl FnMut(MidiMessage)) {
        let status = self.running_status;
        let two_data_bytes = matches!(message_length(status), MessageLength::Fixed(3));
        let have = match self.state {
            State::Channel { have } => have,
            _ => 0,
        };
        if two_data_bytes && have == 0 {
            self.data1 = byte;
            self.state = State::Channel { have: 1 };
            return;
        }
        let message = if two_data_bytes {
            MidiMessage::Channel {
                status,
                data1: self.data1,
                data2: byte,
            }
        } else {
            MidiMessage::Channel {
                status,
                data1: byte,
                data2: 0,
            }
        };
        self.state = State::Idle;
        emit(message);
    }

    /// The `F7` of a SysEx in progress arrived.
    fn finish_sysex(&mut self, emit: &mut impl FnMut(MidiMessage)) {
        // Room for the F7 means sysex_len < SYSEX_MAX.
        let Some(slot) = self.sysex.get_mut(self.sysex_len) else {
            self.count_drop();
            return;
        };
        *slot = 0xF7;
        let len = self.sysex_len.saturating_add(1);
        let Ok(len) = u8::try_from(len) else {
            self.count_drop();
            return;
        };
        emit(MidiMessage::SysEx {
            len,
            bytes: self.sysex,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn parse(bytes: &[u8]) -> (Vec<MidiMessage>, u32) {
        let mut parser = StreamParser::new();
        let mut out = Vec::new();
        parser.feed(bytes, |m| out.push(m));
        (out, parser.dropped())
    }

    fn ch(status: u8, data1: u8, data2: u8) -> MidiMessage {
        MidiMessage::Channel { status, data1, data2 }
    }

    fn sysex(bytes: &[u8]) -> MidiMessage {
        let mut buffer = [0u8; SYSEX_MAX];
        buffer[..bytes.len()].copy_from_slice(bytes);
        MidiMessage::SysEx {
            len: bytes.len() as u8,
            bytes: buffer,
        }
    }

    #[test]
    fn lengths_by_status() {
        assert_eq!(message_length(0x90), MessageLength::Fixed(3));
        assert_eq!(message_length(0xB3), MessageLength::Fixed(3));
        assert_eq!(message_length(0xEF), MessageLength::Fixed(3));
        assert_eq!(message_length(0xC0), MessageLength::Fixed(2));
        assert_eq!(message_length(0xDF), MessageLength::Fixed(2));
        assert_eq!(message_length(0xF0), MessageLength::SysEx);
        assert_eq!(message_length(0xF1), MessageLength::Fixed(2));
        assert_eq!(message_length(0xF2), MessageLength::Fixed(3));
        assert_eq!(message_length(0xF3), MessageLength::Fixed(2));
        assert_eq!(message_length(0xF6), MessageLength::Fixed(1));
        assert_eq!(message_length(0xF8), MessageLength::Fixed(1));
        assert_eq!(message_length(0x45), MessageLength::Data);
    }

    #[test]
    fn running_status_and_one_data_byte_messages() {
        let (messages, dropped) = parse(&[0x90, 60, 100, 64, 0, 0xC1, 5, 6, 0xD2, 70]);
        assert_eq!(
            messages,
            [
                ch(0x90, 60, 100),
                ch(0x90, 64, 0),
                ch(0xC1, 5, 0),
                ch(0xC1, 6, 0),
                ch(0xD2, 70, 0)
            ]
        );
        assert_eq!(dropped, 0);
    }

    #[test]
    fn real_time_inside_note_on_and_sysex() {
        let (messages, dropped) = parse(&[
            0x90, 0xF8, 60, 0xFE, 100, 0xFF, 0xF0, 0x7E, 0xF8, 0x7F, 0x09, 0xFA, 0x01, 0xF7, 0xFC,
        ]);
        assert_eq!(
            messages,
            [ch(0x90, 60, 100), sysex(&[0xF0, 0x7E, 0x7F, 0x09, 0x01, 0xF7])]
        );
        assert_eq!(dropped, 0);
    }

    #[test]
    fn real_time_bytes_reported_in_order() {
        let mut parser = StreamParser::new();
        let mut seen = Vec::new();
        let mut messages = Vec::new();
        parser.feed_with_real_time(
            &[0xF8, 0x90, 0xFA, 60, 100, 0xFF],
            |m| messages.push(m),
            |b| seen.push(b),
        );
        assert_eq!(seen, [0xF8, 0xFA, 0xFF]);
        assert_eq!(messages, [ch(0x90, 60, 100)]);
    }

    #[test]
    fn system_common_cancels_running_status() {
        // F2 (2 data bytes) then a data pair with no status: both dropped.
        let (messages, dropped) = parse(&[0x90, 60, 100, 0xF2, 1, 2, 61, 100]);
        assert_eq!(messages, [ch(0x90, 60, 100)]);
        assert_eq!(dropped, 2);
        // F1 and F3 take one data byte; F6 none.
        let (messages, dropped) = parse(&[0xF1, 3, 0xF3, 4, 0xF6, 0xB0, 7, 100]);
        assert_eq!(messages, [ch(0xB0, 7, 100)]);
        assert_eq!(dropped, 0);
        let (messages, dropped) = parse(&[0xB0, 7, 100, 0xF6, 7, 90]);
        assert_eq!(messages, [ch(0xB0, 7, 100)]);
        assert_eq!(dropped, 2);
    }

    #[test]
    fn sysex_cancels_running_status() {
        let (messages, dropped) = parse(&[0x90, 60, 100, 0xF0, 0x41, 0xF7, 61, 100]);
        assert_eq!(messages, [ch(0x90, 60, 100), sysex(&[0xF0, 0x41, 0xF7])]);
        assert_eq!(dropped, 2);
    }

    #[test]
    fn stray_bytes_dropped_and_counted() {
        let (messages, dropped) = parse(&[1, 2, 0xF7, 0x80, 60, 0]);
        assert_eq!(messages, [ch(0x80, 60, 0)]);
        assert_eq!(dropped, 3);
        let (messages, dropped) = parse(&[0xF4, 0xF5]);
        assert!(messages.is_empty());
        assert_eq!(dropped, 2);
    }

    #[test]
    fn status_interrupting_a_channel_message_drops_it() {
        let (messages, dropped) = parse(&[0x90, 60, 0x80, 60, 0]);
        assert_eq!(messages, [ch(0x80, 60, 0)]);
        assert_eq!(dropped, 1);
    }

    #[test]
    fn interrupted_sysex_is_dropped_and_status_parsed() {
        let (messages, dropped) = parse(&[0xF0, 0x41, 0x10, 0x90, 60, 100]);
        assert_eq!(messages, [ch(0x90, 60, 100)]);
        assert_eq!(dropped, 1);
        // F0 inside a SysEx: the first is dropped, the second completes.
        let (messages, dropped) = parse(&[0xF0, 0x41, 0xF0, 0x43, 0xF7]);
        assert_eq!(messages, [sysex(&[0xF0, 0x43, 0xF7])]);
        assert_eq!(dropped, 1);
    }

    #[test]
    fn sysex_of_exactly_max_fits_and_one_more_is_dropped() {
        let mut exact = alloc::vec![0xF0];
        exact.extend(core::iter::repeat_n(0x11, SYSEX_MAX - 2));
        exact.push(0xF7);
        let (messages, dropped) = parse(&exact);
        assert_eq!(messages, [sysex(&exact)]);
        assert_eq!(dropped, 0);

        let mut over = alloc::vec![0xF0];
        over.extend(core::iter::repeat_n(0x11, SYSEX_MAX - 1));
        over.push(0xF7);
        over.extend([0x90, 60, 100]);
        let (messages, dropped) = parse(&over);
        assert_eq!(messages, [ch(0x90, 60, 100)]);
        assert_eq!(dropped, 1);

        let mut huge = alloc::vec![0xF0];
        huge.extend(core::iter::repeat_n(0x22, 10_000));
        huge.push(0xF7);
        let (messages, dropped) = parse(&huge);
        assert!(messages.is_empty());
        assert_eq!(dropped, 1);
    }

    #[test]
    fn reset_forgets_running_status_and_counts() {
        let mut parser = StreamParser::new();
        let mut messages = Vec::new();
        parser.feed(&[0x90, 60, 100, 1, 0xF0, 1], |m| messages.push(m));
        assert!(parser.in_message());
        parser.reset();
        assert_eq!(parser.dropped(), 0);
        assert!(!parser.in_message());
        parser.feed(&[61, 100], |m| messages.push(m));
        assert_eq!(messages, [ch(0x90, 60, 100)]);
        assert_eq!(parser.dropped(), 2);
    }
}
