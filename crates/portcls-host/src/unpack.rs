//! What the port does between user mode's stream buffers and the miniport's event chains.
//!
//! * DirectMusic (`KSDATAFORMAT_SUBTYPE_DIRECTMUSIC`): `IDirectMusicBuffer` contents, a sequence of
//!   `DMUS_EVENTHEADER` (20 bytes, pack 4: `cbEvent`, `dwChannelGroup`, `rtDelta`, `dwFlags`)
//!   each followed by its bytes and padded to 8 (`DMUS_EVENT_SIZE`), with `rtDelta` relative to
//!   the buffer's start time.
//! * Legacy MIDI (`KSDATAFORMAT_SUBTYPE_MIDI`): `KSMUSICFORMAT` (`TimeDeltaMs`, `ByteCount`) followed
//!   by the bytes, padded to 4; deltas accumulate from the stream's start time.
//!
//! Both become [`MidiEvent`]s, which [`to_kernel_events`] turns into a `DMUS_KERNEL_EVENT` chain
//! from the allocator: up to `sizeof(PBYTE)` bytes inline, longer messages in allocator buffers,
//! split into `DMUS_KEF_EVENT_INCOMPLETE` fragments when longer than one buffer.

use crate::objects::EventAllocator;
use portcls_sys::{DMUS_KEF_EVENT_INCOMPLETE, PDMUS_KERNEL_EVENT, kBytePositionNone};
use std::mem::size_of;
use std::ptr::null_mut;

/// `DMUS_EVENTHEADER` size.
pub const EVENT_HEADER_SIZE: usize = 20;
/// `DMUS_EVENT_STRUCTURED`.
pub const DMUS_EVENT_STRUCTURED: u32 = 1;

/// One timed MIDI message (or SysEx) for one channel group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MidiEvent {
    /// Presentation time, master clock, 100 ns.
    pub time: i64,
    /// Channel group (1-based; 0 = all).
    pub channel_group: u32,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// `DMUS_EVENT_SIZE(cb)`.
pub fn event_size(bytes: usize) -> usize {
    (EVENT_HEADER_SIZE + bytes + 7) & !7
}

/// Packs events into a DirectMusic buffer starting at `start_time` (as `IDirectMusicBuffer`).
pub fn pack_dmus_buffer(start_time: i64, events: &[MidiEvent]) -> Vec<u8> {
    let mut buffer = Vec::new();
    for event in events {
        let at = buffer.len();
        buffer.resize(at + event_size(event.bytes.len()), 0);
        let header = &mut buffer[at..];
        header[0..4].copy_from_slice(&(event.bytes.len() as u32).to_le_bytes());
        header[4..8].copy_from_slice(&event.channel_group.to_le_bytes());
        header[8..16].copy_from_slice(&(event.time - start_time).to_le_bytes());
        let flags = if event.bytes.len() <= 3 && event.bytes.first().is_some_and(|b| *b != 0xF0) {
            DMUS_EVENT_STRUCTURED
        } else {
            0
        };
        header[16..20].copy_from_slice(&flags.to_le_bytes());
        header[EVENT_HEADER_SIZE..EVENT_HEADER_SIZE + event.bytes.len()].copy_from_slice(&event.bytes);
    }
    buffer
}

/// Why a stream buffer was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnpackError {
    /// A header or its data runs past the end at this offset.
    Truncated(usize),
}

/// Unpacks a DirectMusic buffer whose start time is `start_time`.
pub fn unpack_dmus_buffer(start_time: i64, buffer: &[u8]) -> Result<Vec<MidiEvent>, UnpackError> {
    let mut events = Vec::new();
    let mut at = 0usize;
    while at < buffer.len() {
        let header = buffer
            .get(at..at + EVENT_HEADER_SIZE)
            .ok_or(UnpackError::Truncated(at))?;
        let length = u32::from_le_bytes(header[0..4].try_into().unwrap_or_default()) as usize;
        let channel_group = u32::from_le_bytes(header[4..8].try_into().unwrap_or_default());
        let delta = i64::from_le_bytes(header[8..16].try_into().unwrap_or_default());
        let data = buffer
            .get(at + EVENT_HEADER_SIZE..at + EVENT_HEADER_SIZE + length)
            .ok_or(UnpackError::Truncated(at))?;
        events.push(MidiEvent {
            time: start_time.saturating_add(delta),
            channel_group,
            bytes: data.to_vec(),
        });
        at += event_size(length);
    }
    Ok(events)
}

/// Unpacks a legacy `KSMUSICFORMAT` stream buffer; the first delta counts from `start_time`.
/// Legacy MIDI has no channel groups: every event goes to group 1.
pub fn unpack_ksmusicformat(start_time: i64, buffer: &[u8]) -> Result<Vec<MidiEvent>, UnpackError> {
    let mut events = Vec::new();
    let mut at = 0usize;
    let mut time = start_time;
    while at < buffer.len() {
        let header = buffer.get(at..at + 8).ok_or(UnpackError::Truncated(at))?;
        let delta_ms = u32::from_le_bytes(header[0..4].try_into().unwrap_or_default());
        let count = u32::from_le_bytes(header[4..8].try_into().unwrap_or_default()) as usize;
        let data = buffer
            .get(at + 8..at + 8 + count)
            .ok_or(UnpackError::Truncated(at))?;
        time = time.saturating_add(i64::from(delta_ms) * 10_000);
        events.push(MidiEvent {
            time,
            channel_group: 1,
            bytes: data.to_vec(),
        });
        at += (8 + count + 3) & !3;
    }
    Ok(events)
}

/// Packs a legacy `KSMUSICFORMAT` buffer (`(delta ms, bytes)` pairs).
pub fn pack_ksmusicformat(events: &[(u32, &[u8])]) -> Vec<u8> {
    let mut buffer = Vec::new();
    for (delta, bytes) in events {
        buffer.extend_from_slice(&delta.to_le_bytes());
        buffer.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        buffer.extend_from_slice(bytes);
        while buffer.len() % 4 != 0 {
            buffer.push(0);
        }
    }
    buffer
}

/// Builds one chain of kernel events from the allocator for `events` (in order). Returns the head
/// and the number of events; stops early (returning what it built) when the pool runs dry.
pub fn to_kernel_events(allocator: &EventAllocator, events: &[MidiEvent]) -> (PDMUS_KERNEL_EVENT, usize) {
    let mut head: PDMUS_KERNEL_EVENT = null_mut();
    let mut tail: PDMUS_KERNEL_EVENT = null_mut();
    let mut count = 0usize;
    let mut append = |event: PDMUS_KERNEL_EVENT| {
        if tail.is_null() {
            head = event;
        } else {
            // SAFETY: `tail` is an event this function took from the allocator.
            unsafe { (*tail).pNextEvt = event };
        }
        tail = event;
        count += 1;
    };
    'events: for midi in events {
        let group = midi.channel_group.min(u32::from(u16::MAX)) as u16;
        let pieces: Vec<&[u8]> = if midi.bytes.len() <= size_of::<usize>() {
            vec![&midi.bytes[..]]
        } else {
            midi.bytes.chunks(allocator.buffer_size().max(1)).collect()
        };
        let last = pieces.len().saturating_sub(1);
        for (index, piece) in pieces.into_iter().enumerate() {
            let event = allocator.get_message();
            if event.is_null() {
                break 'events;
            }
            // SAFETY: a fresh, zeroed event from the pool, exclusively ours until handed over.
            let kernel = unsafe { &mut *event };
            kernel.cbStruct = std::mem::size_of::<portcls_sys::DMUS_KERNEL_EVENT>() as u8;
            kernel.cbEvent = piece.len() as u16;
            kernel.usChannelGroup = group;
            kernel.ullPresTime100ns = midi.time;
            kernel.ullBytePosition = kBytePositionNone;
            if index != last {
                kernel.usFlags |= DMUS_KEF_EVENT_INCOMPLETE;
            }
            if piece.len() <= size_of::<usize>() {
                kernel.short_data_mut()[..piece.len()].copy_from_slice(piece);
            } else {
                let buffer = allocator.get_buffer();
                if buffer.is_null() {
                    // No buffer: give the event back unused and stop.
                    // SAFETY: our event, handed back alone.
                    unsafe { allocator.put_message(event) };
                    break 'events;
                }
                // SAFETY: the buffer holds `buffer_size` ≥ piece.len() bytes.
                unsafe { std::ptr::copy_nonoverlapping(piece.as_ptr(), buffer, piece.len()) };
                kernel.uData.pbData = buffer;
                allocator.attach_buffer(event, buffer);
            }
            append(event);
        }
    }
    (head, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dmus_buffer_round_trip() {
        let events = vec![
            MidiEvent {
                time: 1_000,
                channel_group: 1,
                bytes: vec![0x90, 60, 100],
            },
            MidiEvent {
                time: 1_500,
                channel_group: 2,
                bytes: vec![0xF0, 0x7E, 0x7F, 0x09, 0x01, 0xF7],
            },
        ];
        let buffer = pack_dmus_buffer(900, &events);
        assert_eq!(buffer.len(), 24 + 32);
        assert_eq!(&buffer[8..16], &100i64.to_le_bytes());
        assert_eq!(unpack_dmus_buffer(900, &buffer).unwrap(), events);
        assert_eq!(
            unpack_dmus_buffer(900, &buffer[..30]),
            Err(UnpackError::Truncated(24))
        );
    }

    #[test]
    fn ksmusicformat_accumulates_deltas() {
        let buffer = pack_ksmusicformat(&[(0, &[0x90, 60, 100]), (250, &[0x80, 60, 0])]);
        assert_eq!(buffer.len(), 12 + 12);
        let events = unpack_ksmusicformat(5_000_000, &buffer).unwrap();
        assert_eq!(events[0].time, 5_000_000);
        assert_eq!(events[1].time, 5_000_000 + 2_500_000);
        assert_eq!(events[1].channel_group, 1);
    }
}
