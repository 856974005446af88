//! The time-ordered event queue between `schedule` and `render`: a fixed-capacity ring,
//! allocated once, kept sorted by insertion from the back (events mostly arrive in order, so an
//! insertion usually moves nothing). Events with equal times keep their arrival order.

use alloc::vec::Vec;

use crate::{EngineError, MidiMessage, TimedEvent};

const EMPTY: TimedEvent = TimedEvent {
    time: 0,
    channel_group: 0,
    message: MidiMessage::Channel {
        status: 0,
        data1: 0,
        data2: 0,
    },
};

/// The queue.
pub struct EventQueue {
    ring: Vec<TimedEvent>,
    head: usize,
    len: usize,
}

impl EventQueue {
    /// A queue of `capacity` events (allocates).
    pub fn new(capacity: usize) -> Result<Self, EngineError> {
        let mut ring = Vec::new();
        ring.try_reserve_exact(capacity.max(1))
            .map_err(|_| EngineError::OutOfMemory)?;
        ring.resize(capacity.max(1), EMPTY);
        Ok(Self {
            ring,
            head: 0,
            len: 0,
        })
    }

    fn slot(&self, logical: usize) -> usize {
        let capacity = self.ring.len().max(1);
        self.head.wrapping_add(logical).checked_rem(capacity).unwrap_or(0)
    }

    /// Inserts in time order; `false` when full.
    pub fn push(&mut self, event: TimedEvent) -> bool {
        if self.len >= self.ring.len() {
            return false;
        }
        let mut at = self.len;
        while at > 0 {
            let previous = self.slot(at.wrapping_sub(1));
            let Some(p) = self.ring.get(previous).copied() else {
                break;
            };
            if p.time <= event.time {
                break;
            }
            let here = self.slot(at);
            if let Some(slot) = self.ring.get_mut(here) {
                *slot = p;
            }
            at = at.wrapping_sub(1);
        }
        let here = self.slot(at);
        if let Some(slot) = self.ring.get_mut(here) {
            *slot = event;
        }
        self.len = self.len.wrapping_add(1);
        true
    }

    /// Time of the earliest event.
    pub fn next_time(&self) -> Option<u64> {
        if self.len == 0 {
            return None;
        }
        self.ring.get(self.head).map(|e| e.time)
    }

    /// Removes the earliest event.
    pub fn pop(&mut self) -> Option<TimedEvent> {
        if self.len == 0 {
            return None;
        }
        let event = self.ring.get(self.head).copied();
        self.head = self.slot(1);
        self.len = self.len.wrapping_sub(1);
        event
    }

    /// Drops everything.
    pub fn clear(&mut self) {
        self.head = 0;
        self.len = 0;
    }
}
