//! MIDI semantics: channel messages, RPNs, modes, SysEx resets; note-on voice allocation,
//! exclusive classes and voice stealing.
//!
//! # Decisions
//!
//! * **Channel group 0 is broadcast**: an event for group 0 is applied to every group (as
//!   DDKSynth does; DirectMusic numbers groups from 1). Groups above the configured count are
//!   ignored.
//! * **Bank select** (CC0/CC32) is latched at the next program change (GM/GS rule).
//! * **Data entry**: CC6 sets the MSB of the selected RPN's value and clears its LSB; CC38 sets
//!   the LSB. Increment/decrement (CC96/97) step the 14-bit value by one (RPN 2, coarse tune,
//!   steps its MSB). NRPNs select nothing: their data entry is ignored. RPN 127/127 deselects.
//! * **GM System Off** (`F0 7E id 09 02 F7`) only leaves GM mode; it does not reset (unlike
//!   ddksynth, which treated it as GM On). GM On, GM2 On, GS Reset and XG On reset the group's
//!   channels ([`ChannelState::reset_system`]) and release its notes.
//! * **Roland SysEx**: the checksum is verified (address + data + checksum ≡ 0 mod 128);
//!   a bad one is ignored.
//! * **Master volume** (universal real-time `F0 7F id 04 01 lsb msb F7`): 14-bit, amplitude
//!   `(v/16383)²` (the 40·log10 law used for CC7), per channel group.
//! * **Stealing**: when all playing voices are busy, the victim is the voice with the lowest
//!   channel priority (at or below the new note's), then released before held, then quietest,
//!   then oldest. It fades out with EG1's shutdown time using a reserve voice; the stolen note
//!   counts as lost. A note for which no voice may be stolen is lost.

use dls::model::Patch;

use crate::channel::{Parameter, SystemMode};
use crate::engine::Engine;
use crate::voice::{NoteOn, UpdateContext};
use crate::{MidiMessage, TimedEvent};

impl Engine {
    /// Applies one event now.
    pub(crate) fn handle_event(&mut self, event: &TimedEvent) {
        let groups = self.config.channel_groups;
        if event.channel_group == 0 {
            for group in 0..groups {
                self.handle_message(group as usize, &event.message);
            }
        } else if u32::from(event.channel_group) <= groups {
            self.handle_message(usize::from(event.channel_group).saturating_sub(1), &event.message);
        }
    }

    fn handle_message(&mut self, group: usize, message: &MidiMessage) {
        // Voices the message may change are first rendered up to its frame (see render_pass).
        let scope = match *message {
            MidiMessage::Channel { status, .. } => {
                let channel = group
                    .saturating_mul(16)
                    .saturating_add(usize::from(status & 0x0F));
                match status & 0xF0 {
                    // A program change only matters to later notes. (A note-on that must steal
                    // catches every voice up itself, in `allocate`.)
                    0xC0 => Some(None),
                    _ => u16::try_from(channel).ok().map(Some),
                }
            }
            MidiMessage::SysEx { .. } => None,
        };
        match scope {
            Some(None) => {}
            Some(Some(channel)) => self.catch_up(Some(channel), self.event_frame),
            None => self.catch_up(None, self.event_frame),
        }
        match *message {
            MidiMessage::Channel { status, data1, data2 } => {
                let channel = group
                    .saturating_mul(16)
                    .saturating_add(usize::from(status & 0x0F));
                let (d1, d2) = (data1 & 0x7F, data2 & 0x7F);
                match status & 0xF0 {
                    0x80 => self.note_off(channel, d1),
                    0x90 if d2 == 0 => self.note_off(channel, d1),
                    0x90 => self.note_on(group, channel, d1, d2),
                    0xA0 => {
                        if let Some(c) = self.channels.get_mut(channel) {
                            if let Some(p) = c.poly_pressure.get_mut(usize::from(d1)) {
                                *p = d2;
                            }
                            c.touch();
                        }
                        self.touch_channel(channel);
                    }
                    0xB0 => self.control_change(group, channel, d1, d2),
                    0xC0 => {
                        if let Some(c) = self.channels.get_mut(channel) {
                            c.program = d1;
                            c.bank_msb = c.cc[0];
                            c.bank_lsb = c.cc[32];
                        }
                    }
                    0xD0 => {
                        if let Some(c) = self.channels.get_mut(channel) {
                            c.channel_pressure = d1;
                            c.touch();
                        }
                        self.touch_channel(channel);
                    }
                    0xE0 => {
                        if let Some(c) = self.channels.get_mut(channel) {
                            c.pitch_wheel = (u16::from(d2) << 7) | u16::from(d1);
                            c.touch();
                        }
                        self.touch_channel(channel);
                    }
                    _ => {}
                }
            }
            MidiMessage::SysEx { len, bytes } => {
                let len = usize::from(len).min(bytes.len());
                if let Some(message) = bytes.get(..len) {
                    self.sysex(group, message);
                }
            }
        }
    }

    fn touch_channel(&mut self, channel: usize) {
        for &index in &self.active {
            if let Some(v) = self.voices.get_mut(usize::from(index))
                && usize::from(v.channel_index) == channel
            {
                v.touch();
            }
        }
    }

    fn for_channel_voices(&mut self, channel: usize, mut f: impl FnMut(&mut crate::voice::Voice)) {
        for &index in &self.active {
            if let Some(v) = self.voices.get_mut(usize::from(index))
                && usize::from(v.channel_index) == channel
            {
                f(v);
            }
        }
    }

    fn note_off(&mut self, channel: usize, key: u8) {
        let sustain = self.channels.get(channel).is_some_and(|c| c.sustain);
        self.for_channel_voices(channel, |v| {
            if v.key == key && v.key_down {
                if sustain {
                    v.key_down = false;
                    v.sustained = true;
                } else {
                    v.release();
                }
            }
        });
    }

    fn all_notes_off(&mut self, channel: usize) {
        let sustain = self.channels.get(channel).is_some_and(|c| c.sustain);
        self.for_channel_voices(channel, |v| {
            if v.key_down {
                if sustain {
                    v.key_down = false;
                    v.sustained = true;
                } else {
                    v.release();
                }
            }
        });
    }

    fn control_change(&mut self, group: usize, channel: usize, controller: u8, value: u8) {
        let Some(c) = self.channels.get_mut(channel) else {
            return;
        };
        if let Some(slot) = c.cc.get_mut(usize::from(controller)) {
            *slot = value;
        }
        match controller {
            6 | 38 | 96 | 97 => {
                if let Parameter::Rpn(number) = c.parameter {
                    let current = match number {
                        0 => c.bend_range,
                        1 => c.fine_tune,
                        2 => u16::from(c.coarse_tune) << 7,
                        _ => 0,
                    };
                    let new = match controller {
                        6 => u16::from(value) << 7,
                        38 => (current & 0x3F80) | u16::from(value),
                        96 if number == 2 => current.saturating_add(128).min(0x3F80),
                        97 if number == 2 => current.saturating_sub(128),
                        96 => current.saturating_add(1).min(0x3FFF),
                        _ => current.saturating_sub(1),
                    };
                    match number {
                        0 => c.bend_range = new,
                        1 => c.fine_tune = new,
                        2 => c.coarse_tune = (new >> 7) as u8,
                        _ => {}
                    }
                }
            }
            98 | 99 => c.parameter = Parameter::Nrpn,
            100 | 101 => {
                let (msb, lsb) = (c.cc[101], c.cc[100]);
                c.parameter = if msb == 127 && lsb == 127 {
                    Parameter::None
                } else {
                    Parameter::Rpn((u16::from(msb) << 7) | u16::from(lsb))
                };
            }
            64 => {
                let down = value >= 64;
                let was = c.sustain;
                c.sustain = down;
                if was && !down {
                    self.for_channel_voices(channel, |v| {
                        if v.sustained {
                            v.release();
                        }
                    });
                }
            }
            120 => {
                self.for_channel_voices(channel, |v| v.shutdown());
                return;
            }
            121 => c.reset_controllers(),
            123 => {
                self.all_notes_off(channel);
                return;
            }
            124 | 125 => {
                self.all_notes_off(channel);
                return;
            }
            126 => {
                c.mono = true;
                self.all_notes_off(channel);
                return;
            }
            127 => {
                c.mono = false;
                self.all_notes_off(channel);
                return;
            }
            _ => {}
        }
        let _ = group;
        if let Some(c) = self.channels.get_mut(channel) {
            c.touch();
        }
        self.touch_channel(channel);
    }

    fn note_on(&mut self, group: usize, channel: usize, key: u8, velocity: u8) {
        let mode = self.groups.get(group).map(|g| g.mode).unwrap_or_default();
        let Some(c) = self.channels.get(channel) else {
            return;
        };
        let patch = Patch {
            bank_msb: c.bank_msb,
            bank_lsb: c.bank_lsb,
            program: c.program,
            drums: c.is_drums(mode),
        };
        let (priority, mono) = (c.priority, c.mono);
        if mono {
            self.for_channel_voices(channel, |v| {
                if !v.shutting_down {
                    v.shutdown();
                }
            });
        }
        let Some(instrument_slot) = self.bank.find(patch) else {
            return;
        };
        let region_count = self
            .bank
            .instruments
            .get(instrument_slot)
            .map_or(0, |i| i.regions.len());
        for region_index in 0..region_count {
            let Some(region) = self
                .bank
                .instruments
                .get(instrument_slot)
                .and_then(|i| i.regions.get(region_index))
            else {
                continue;
            };
            if !region.keys.contains(key) || !region.velocities.contains(velocity) {
                continue;
            }
            let (key_group, self_non_exclusive, wave_id, hint) = (
                region.key_group,
                region.self_non_exclusive,
                region.wave_id,
                region.wave_hint,
            );
            // Exclusive class: cut the channel's voices of the same key group and instrument.
            // Self-exclusive region: a re-struck key cuts its previous note of this region.
            self.for_channel_voices(channel, |v| {
                if v.shutting_down || v.instrument_slot != instrument_slot {
                    return;
                }
                let same_group = key_group != 0 && v.key_group == key_group;
                let same_note = !self_non_exclusive && v.region_index == region_index && v.key == key;
                if same_group || same_note {
                    v.shutdown();
                }
            });
            let Some(wave_slot) = self.bank.wave_slot(wave_id, hint) else {
                continue;
            };
            if let Some(r) = self
                .bank
                .instruments
                .get_mut(instrument_slot)
                .and_then(|i| i.regions.get_mut(region_index))
            {
                r.wave_hint = wave_slot;
            }
            let Some(voice_index) = self.allocate(priority) else {
                self.stats.lost_notes = self.stats.lost_notes.saturating_add(1);
                continue;
            };
            self.age = self.age.wrapping_add(1);
            let (Some(channel_state), Some(wave), Some(region)) = (
                self.channels.get(channel),
                self.bank.waves.get(wave_slot),
                self.bank
                    .instruments
                    .get(instrument_slot)
                    .and_then(|i| i.regions.get(region_index)),
            ) else {
                continue;
            };
            let note = NoteOn {
                channel_index: channel as u16,
                key,
                velocity,
                instrument_slot,
                region_index,
                wave_slot,
                wave,
                sample: region.sample,
                key_group,
                stereo_side: region.stereo_side,
                interpolation: self.interpolation,
                age: self.age,
            };
            let context = UpdateContext {
                channel: channel_state,
                articulation: Some(&region.articulation),
                curves: &self.curves,
                sample_rate: self.sample_rate,
                control_block: self.control_block,
                master: self.master,
                reverb_on: self.reverb_on,
                chorus_on: self.chorus_on,
            };
            if let Some(v) = self.voices.get_mut(voice_index) {
                v.start(&note, &context);
                v.rendered = self.event_frame;
                if v.active && self.active.len() < self.active.capacity() {
                    self.active.push(voice_index as u16);
                    continue;
                }
            }
            // Could not start: return the voice.
            if self.free.len() < self.free.capacity() {
                self.free.push(voice_index as u16);
            }
        }
    }

    /// Finds a voice for a new note of `priority`, stealing if every playing voice is busy.
    ///
    /// Stealing and cutting choose among every voice as it is at the event's frame, so before
    /// either, the voices still lagging behind it (see `render_pass`) catch up. Those can only
    /// have ended since, never started: when neither is needed with them counted, it is not
    /// needed in the exact state either, and they may go on lagging.
    fn allocate(&mut self, priority: u32) -> Option<usize> {
        let playing = |engine: &Self| {
            engine
                .active
                .iter()
                .filter(|&&i| {
                    engine
                        .voices
                        .get(usize::from(i))
                        .is_some_and(|v| !v.shutting_down)
                })
                .count()
        };
        let limit = self.config.voices as usize;
        let mut count = playing(self);
        if count >= limit || self.free.is_empty() {
            self.catch_up(None, self.event_frame);
            count = playing(self);
        }
        if count >= limit {
            let victim = self.choose_victim(priority)?;
            if let Some(v) = self.voices.get_mut(victim) {
                v.shutdown();
            }
            self.stats.lost_notes = self.stats.lost_notes.saturating_add(1);
        }
        if let Some(index) = self.free.pop() {
            return Some(usize::from(index));
        }
        // Every slot (reserve included) is busy: cut the quietest fading voice.
        let (position, _) = self
            .active
            .iter()
            .enumerate()
            .filter_map(|(p, &i)| {
                self.voices
                    .get(usize::from(i))
                    .filter(|v| v.shutting_down)
                    .map(|v| (p, v.loudness))
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))?;
        self.free_voice_at(position);
        self.free.pop().map(usize::from)
    }

    fn choose_victim(&self, priority: u32) -> Option<usize> {
        let mut best: Option<(usize, u32, bool, f32, u64)> = None;
        for &index in &self.active {
            let Some(v) = self.voices.get(usize::from(index)) else {
                continue;
            };
            if v.shutting_down {
                continue;
            }
            let p = self
                .channels
                .get(usize::from(v.channel_index))
                .map_or(0, |c| c.priority);
            if p > priority {
                continue;
            }
            let held = v.key_down || v.sustained;
            let candidate = (usize::from(index), p, held, v.loudness, v.age);
            let better = match best {
                None => true,
                Some((_, bp, bh, bl, ba)) => (p, held)
                    .cmp(&(bp, bh))
                    .then(v.loudness.total_cmp(&bl))
                    .then(v.age.cmp(&ba))
                    .is_lt(),
            };
            if better {
                best = Some(candidate);
            }
        }
        best.map(|b| b.0)
    }

    fn sysex(&mut self, group: usize, message: &[u8]) {
        match message {
            // Universal non-real-time, General MIDI.
            [0xF0, 0x7E, _, 0x09, sub, 0xF7, ..] => match sub {
                0x01 => self.reset_group(group, SystemMode::Gm),
                0x03 => self.reset_group(group, SystemMode::Gm2),
                0x02 => {
                    if let Some(g) = self.groups.get_mut(group) {
                        g.mode = SystemMode::None;
                    }
                }
                _ => {}
            },
            // Universal real-time master volume.
            [0xF0, 0x7F, _, 0x04, 0x01, lsb, msb, 0xF7, ..] => {
                let value = (u16::from(*msb & 0x7F) << 7) | u16::from(*lsb & 0x7F);
                let x = f32::from(value) / 16383.0;
                for c in self.channels.iter_mut().skip(group.saturating_mul(16)).take(16) {
                    c.master = x * x;
                    c.touch();
                }
                for &index in &self.active {
                    if let Some(v) = self.voices.get_mut(usize::from(index))
                        && usize::from(v.channel_index) / 16 == group
                    {
                        v.touch();
                    }
                }
            }
            // Yamaha XG System On.
            [0xF0, 0x43, device, 0x4C, 0x00, 0x00, 0x7E, 0x00, 0xF7, ..] if device & 0xF0 == 0x10 => {
                self.reset_group(group, SystemMode::Xg);
            }
            // Roland DT1 (GS): F0 41 dev 42 12 addr(3) data… sum F7.
            [0xF0, 0x41, _, 0x42, 0x12, body @ ..] => {
                let Some((&0xF7, body)) = body.split_last() else {
                    return;
                };
                if body.len() < 5 {
                    return;
                }
                let sum = body.iter().fold(0u32, |s, &b| s.wrapping_add(u32::from(b)));
                if sum & 0x7F != 0 {
                    return; // bad checksum: ignored
                }
                match body {
                    [0x40, 0x00, 0x7F, 0x00, _] => self.reset_group(group, SystemMode::Gs),
                    [0x40, part, 0x15, map, _] if part & 0xF0 == 0x10 => {
                        // GS block number → MIDI channel: 0 → 10, 1..=9 → 1..=9, 10..=15 → 11..=16.
                        let block = part & 0x0F;
                        let channel = match block {
                            0 => 9,
                            1..=9 => block.saturating_sub(1),
                            _ => block,
                        };
                        if let Some(c) = self
                            .channels
                            .get_mut(group.saturating_mul(16).saturating_add(usize::from(channel)))
                        {
                            c.rhythm = *map != 0;
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    fn reset_group(&mut self, group: usize, mode: SystemMode) {
        if let Some(g) = self.groups.get_mut(group) {
            g.mode = mode;
        }
        let first = group.saturating_mul(16);
        for channel in first..first.saturating_add(16) {
            self.for_channel_voices(channel, |v| v.release());
            if let Some(c) = self.channels.get_mut(channel) {
                c.reset_system();
            }
            self.touch_channel(channel);
        }
    }
}
