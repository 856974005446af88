//! The engine: voices, channels, bank, event queue, the render loop.

use alloc::vec::Vec;

use crate::bank::{Bank, InstrumentData, WaveData};
use crate::channel::{ChannelState, SystemMode};
use crate::chorus::Chorus;
use crate::events::EventQueue;
use crate::interp::InterpTables;
use crate::math::{self, Curves};
use crate::reverb::Reverb;
use crate::voice::{UpdateContext, Voice};
use crate::{
    Download, EngineConfig, EngineError, Interpolation, PreparedInstrument, PreparedWave, QueueFull, Stats,
    TimedEvent,
};

/// Frames mixed per internal pass (the bus buffers' length).
pub const MIX_FRAMES: usize = 512;

/// Most voices, and most channel groups.
pub const MAX_VOICES: u32 = 1000;
/// Most channel groups.
pub const MAX_GROUPS: u32 = 1000;

/// What [`Engine::for_each_voice`] reports about one voice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VoiceInfo {
    /// Channel group, 1-based.
    pub channel_group: u32,
    /// MIDI channel 0..=15.
    pub channel: u8,
    /// Key.
    pub key: u8,
    /// No note-off yet.
    pub key_down: bool,
    /// Note-off received, held by the sustain pedal.
    pub sustained: bool,
    /// Envelopes in release.
    pub released: bool,
    /// Fading out with the shutdown time (stolen, exclusive class, all sound off).
    pub shutting_down: bool,
}

/// Per channel group state.
#[derive(Clone, Copy, Debug, Default)]
pub struct GroupState {
    /// Last System On.
    pub mode: SystemMode,
}

/// The engine.
pub struct Engine {
    pub(crate) config: EngineConfig,
    pub(crate) sample_rate: f32,
    pub(crate) control_block: u32,
    pub(crate) curves: Curves,
    pub(crate) tables: InterpTables,
    pub(crate) channels: Vec<ChannelState>,
    pub(crate) groups: Vec<GroupState>,
    pub(crate) voices: Vec<Voice>,
    /// Indexes of active voices.
    pub(crate) active: Vec<u16>,
    /// Indexes of free voices.
    pub(crate) free: Vec<u16>,
    pub(crate) queue: EventQueue,
    pub(crate) bank: Bank,
    /// The voices' sum for one pass, one buffer per lane (planar: a voice adds to each lane
    /// with one packed multiply-add per four frames, no shuffles): left, right, reverb send,
    /// chorus send.
    lanes: [Vec<f32>; 4],
    /// The stereo mix (interleaved): the dry lanes, then the effects' returns.
    mix: Vec<f32>,
    reverb: Option<Reverb>,
    chorus: Option<Chorus>,
    pub(crate) reverb_on: bool,
    pub(crate) chorus_on: bool,
    pub(crate) position: u64,
    pub(crate) age: u64,
    pub(crate) master: f32,
    pub(crate) interpolation: Interpolation,
    pub(crate) stats: Stats,
    pub(crate) voice_samples: u64,
    /// Frames of the current render pass.
    pub(crate) pass_frames: usize,
    /// Frame of the current pass at which events are being applied.
    pub(crate) event_frame: usize,
}

fn vec_of<T: Clone>(count: usize, value: T) -> Result<Vec<T>, EngineError> {
    let mut v = Vec::new();
    v.try_reserve_exact(count).map_err(|_| EngineError::OutOfMemory)?;
    v.resize(count, value);
    Ok(v)
}

impl Engine {
    /// Creates an engine, allocating everything it needs for `config`.
    pub fn new(config: &EngineConfig) -> Result<Self, EngineError> {
        let c = *config;
        if !(8_000..=192_000).contains(&c.sample_rate)
            || !(1..=2).contains(&c.channels)
            || !(1..=MAX_VOICES).contains(&c.voices)
            || !(1..=MAX_GROUPS).contains(&c.channel_groups)
            || c.event_capacity == 0
            || c.event_capacity > 1 << 20
        {
            return Err(EngineError::InvalidConfig);
        }
        let voices = c.voices as usize;
        let reserve = (voices / 4).max(4);
        let total = voices.saturating_add(reserve);
        let channel_count = (c.channel_groups as usize).saturating_mul(16);
        let mut channels = Vec::new();
        channels
            .try_reserve_exact(channel_count)
            .map_err(|_| EngineError::OutOfMemory)?;
        for index in 0..channel_count {
            channels.push(ChannelState::new((index % 16) as u8));
        }
        let mut free = Vec::new();
        free.try_reserve_exact(total)
            .map_err(|_| EngineError::OutOfMemory)?;
        for index in (0..total).rev() {
            free.push(index as u16);
        }
        let mut active = Vec::new();
        active
            .try_reserve_exact(total)
            .map_err(|_| EngineError::OutOfMemory)?;
        let sample_rate = c.sample_rate as f32;
        // 1.33 ms at 48 kHz (FluidSynth's and rustysynth's 64-sample block); envelope stage
        // boundaries and events still land on their exact samples (see voice.rs).
        let control_block = match c.sample_rate {
            0..=12_000 => 16,
            12_001..=24_000 => 32,
            _ => 64,
        };
        let mut bank = Bank::default();
        bank.waves.reserve(64)?;
        bank.instruments.reserve(64)?;
        let reverb = Reverb::new(c.sample_rate)?;
        let chorus = Chorus::new(c.sample_rate)?;
        Ok(Self {
            config: c,
            sample_rate,
            control_block,
            curves: Curves::new(),
            tables: InterpTables::new()?,
            channels,
            groups: vec_of(c.channel_groups as usize, GroupState::default())?,
            voices: vec_of(total, Voice::default())?,
            active,
            free,
            queue: EventQueue::new(c.event_capacity as usize)?,
            bank,
            lanes: [
                vec_of(MIX_FRAMES, 0.0)?,
                vec_of(MIX_FRAMES, 0.0)?,
                vec_of(MIX_FRAMES, 0.0)?,
                vec_of(MIX_FRAMES, 0.0)?,
            ],
            mix: vec_of(2 * MIX_FRAMES, 0.0)?,
            reverb: Some(reverb),
            chorus: Some(chorus),
            reverb_on: c.reverb,
            chorus_on: c.chorus,
            position: 0,
            age: 0,
            master: 1.0,
            interpolation: c.interpolation,
            stats: Stats::default(),
            voice_samples: 0,
            pass_frames: 0,
            event_frame: 0,
        })
    }

    /// The configuration the engine runs with.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Converts a wave for playback (allocates; call outside any lock).
    pub fn prepare_wave(wave: dls::model::Wave) -> Result<PreparedWave, EngineError> {
        Ok(PreparedWave {
            data: WaveData::prepare(wave)?,
        })
    }

    /// Compiles an instrument for playback (allocates; call outside any lock).
    pub fn prepare_instrument(instrument: dls::model::Instrument) -> Result<PreparedInstrument, EngineError> {
        Ok(PreparedInstrument {
            data: InstrumentData::prepare(instrument)?,
        })
    }

    /// Makes room for at least `additional` more downloads of each kind (allocates).
    pub fn reserve_bank(&mut self, additional: usize) -> Result<(), EngineError> {
        self.bank.waves.reserve(additional)?;
        self.bank.instruments.reserve(additional)
    }

    /// Installs a prepared download. No allocation.
    pub fn install(&mut self, download: Download) -> Result<(), (EngineError, Download)> {
        let id = match &download {
            Download::Wave(id, _) | Download::Instrument(id, _) => *id,
        };
        if self.bank.id_in_use(id) {
            return Err((EngineError::DuplicateId, download));
        }
        match download {
            Download::Wave(id, wave) => self
                .bank
                .waves
                .insert(id, wave.data)
                .map(|_| ())
                .map_err(|data| (EngineError::BankFull, Download::Wave(id, PreparedWave { data }))),
            Download::Instrument(id, instrument) => self
                .bank
                .instruments
                .insert(id, instrument.data)
                .map(|_| ())
                .map_err(|data| {
                    (
                        EngineError::BankFull,
                        Download::Instrument(id, PreparedInstrument { data }),
                    )
                }),
        }
    }

    /// Removes a download by id, stopping voices that use it. No allocation, no free.
    pub fn unload(&mut self, id: u32) -> Result<Download, EngineError> {
        if let Some(slot) = self.bank.waves.find(id) {
            // Voices reading this wave stop now (they cannot outlive their data).
            let mut i = 0;
            while let Some(&index) = self.active.get(i) {
                let hit = self
                    .voices
                    .get(usize::from(index))
                    .is_some_and(|v| v.wave_slot == slot);
                if hit {
                    self.free_voice_at(i);
                } else {
                    i = i.wrapping_add(1);
                }
            }
            let data = self.bank.waves.remove(slot).ok_or(EngineError::UnknownHandle)?;
            return Ok(Download::Wave(id, PreparedWave { data }));
        }
        if let Some(slot) = self.bank.instruments.find(id) {
            // Voices of this instrument keep their state and fade out with the shutdown time.
            for &index in &self.active {
                if let Some(v) = self.voices.get_mut(usize::from(index))
                    && v.instrument_slot == slot
                    && !v.orphan
                {
                    v.orphan();
                }
            }
            let data = self
                .bank
                .instruments
                .remove(slot)
                .ok_or(EngineError::UnknownHandle)?;
            return Ok(Download::Instrument(id, PreparedInstrument { data }));
        }
        Err(EngineError::UnknownHandle)
    }

    /// Removes the active-list entry `i` and frees its voice.
    pub(crate) fn free_voice_at(&mut self, i: usize) {
        if i < self.active.len() {
            let index = self.active.swap_remove(i);
            if let Some(v) = self.voices.get_mut(usize::from(index)) {
                v.active = false;
            }
            if self.free.len() < self.free.capacity() {
                self.free.push(index);
            }
        }
    }

    /// Queues an event. No allocation.
    pub fn schedule(&mut self, event: TimedEvent) -> Result<(), QueueFull> {
        if self.queue.push(event) {
            Ok(())
        } else {
            self.stats.dropped_events = self.stats.dropped_events.saturating_add(1);
            Err(QueueFull)
        }
    }

    /// Renders interleaved `f32`, overwriting `out`.
    pub fn render_f32(&mut self, out: &mut [f32]) {
        let channels = usize::from(self.config.channels).max(1);
        let mut rest = out;
        while !rest.is_empty() {
            let frames = rest.len().checked_div(channels).unwrap_or(0).min(MIX_FRAMES);
            if frames == 0 {
                rest.fill(0.0);
                return;
            }
            let (now, later) = rest.split_at_mut(frames.saturating_mul(channels));
            self.render_pass(frames);
            let mut peak = self.stats.peak_level;
            match channels {
                1 => {
                    for (o, frame) in now.iter_mut().zip(self.mix.chunks_exact(2)) {
                        let v = sanitize(frame.iter().sum::<f32>() * core::f32::consts::FRAC_1_SQRT_2);
                        peak = peak.max(v.abs());
                        *o = v;
                    }
                }
                _ => {
                    for (frame_out, frame) in now.chunks_exact_mut(channels).zip(self.mix.chunks_exact(2)) {
                        for (o, &v) in frame_out.iter_mut().zip(frame) {
                            let v = sanitize(v);
                            peak = peak.max(v.abs());
                            *o = v;
                        }
                    }
                }
            }
            self.stats.peak_level = peak.min(1.0);
            rest = later;
        }
    }

    /// Renders interleaved saturating `i16`, overwriting `out`.
    pub fn render_i16(&mut self, out: &mut [i16]) {
        let channels = usize::from(self.config.channels).max(1);
        let mut rest = out;
        while !rest.is_empty() {
            let frames = rest.len().checked_div(channels).unwrap_or(0).min(MIX_FRAMES);
            if frames == 0 {
                rest.fill(0);
                return;
            }
            let (now, later) = rest.split_at_mut(frames.saturating_mul(channels));
            self.render_pass(frames);
            let mut peak = self.stats.peak_level;
            let convert = |v: f32| -> i16 { (sanitize(v).clamp(-1.0, 1.0) * 32767.0) as i16 };
            match channels {
                1 => {
                    for (o, frame) in now.iter_mut().zip(self.mix.chunks_exact(2)) {
                        let v = frame.iter().sum::<f32>() * core::f32::consts::FRAC_1_SQRT_2;
                        peak = peak.max(sanitize(v).abs());
                        *o = convert(v);
                    }
                }
                _ => {
                    for (frame_out, frame) in now.chunks_exact_mut(channels).zip(self.mix.chunks_exact(2)) {
                        for (o, &v) in frame_out.iter_mut().zip(frame) {
                            peak = peak.max(sanitize(v).abs());
                            *o = convert(v);
                        }
                    }
                }
            }
            self.stats.peak_level = peak.min(1.0);
            rest = later;
        }
    }

    /// Mixes `frames` (≤ MIX_FRAMES) into `self.mix`, applying events at their exact frames.
    fn render_pass(&mut self, frames: usize) {
        let frames = frames.min(MIX_FRAMES);
        for lane in &mut self.lanes {
            if let Some(m) = lane.get_mut(..frames) {
                m.fill(0.0);
            }
        }
        // Events apply at their exact frames, but a voice is only rendered up to an event's frame
        // when the event concerns it (its channel, or every voice for SysEx and for a note-on
        // that may steal): until then it lags behind, and the rest of the pass is rendered in
        // one piece at the end. A voice reads only its own channel's state and the engine's
        // settings (which no event changes), so the audio is the same as rendering every voice
        // up to every event, at a fraction of the segments.
        for &index in &self.active {
            if let Some(v) = self.voices.get_mut(usize::from(index)) {
                v.rendered = 0;
            }
        }
        self.pass_frames = frames;
        let mut done = 0usize;
        loop {
            let now = self.position.saturating_add(done as u64);
            self.event_frame = done;
            while self.queue.next_time().is_some_and(|t| t <= now) {
                if let Some(event) = self.queue.pop() {
                    self.handle_event(&event);
                }
            }
            match self.queue.next_time() {
                Some(t) if t < self.position.saturating_add(frames as u64) => {
                    // t > now (the queue is drained up to now), so `done` moves forward.
                    done = (t.saturating_sub(self.position) as usize).max(done.saturating_add(1));
                }
                _ => break,
            }
        }
        self.catch_up(None, frames);
        let [left, right, reverb_send, chorus_send] = &self.lanes;
        if let (Some(mix), Some(left), Some(right)) = (
            self.mix.get_mut(..frames.saturating_mul(2)),
            left.get(..frames),
            right.get(..frames),
        ) {
            for ((out, &l), &r) in mix.chunks_exact_mut(2).zip(left).zip(right) {
                if let [out_l, out_r] = out {
                    *out_l = l;
                    *out_r = r;
                }
            }
        }
        if self.reverb_on
            && let (Some(reverb), Some(send), Some(out)) = (
                self.reverb.as_mut(),
                reverb_send.get(..frames),
                self.mix.get_mut(..frames.saturating_mul(2)),
            )
        {
            reverb.process(send, out);
        }
        if self.chorus_on
            && let (Some(chorus), Some(send), Some(out)) = (
                self.chorus.as_mut(),
                chorus_send.get(..frames),
                self.mix.get_mut(..frames.saturating_mul(2)),
            )
        {
            chorus.process(send, out);
        }
        self.position = self.position.saturating_add(frames as u64);
        self.stats.frames_rendered = self.position;
        let active = self.active.len() as u32;
        self.stats.active_voices = active;
        self.stats.peak_voices = self.stats.peak_voices.max(active);
    }

    /// Renders the active voices of `channel` (every voice for `None`) up to frame `to` of the
    /// current pass (from where each one stopped); voices that finish leave the active list.
    pub(crate) fn catch_up(&mut self, channel: Option<u16>, to: usize) {
        let to = to.min(self.pass_frames);
        let mut i = 0;
        while let Some(&index) = self.active.get(i) {
            let Some(voice) = self.voices.get_mut(usize::from(index)) else {
                i = i.wrapping_add(1);
                continue;
            };
            let from = voice.rendered;
            if from >= to || channel.is_some_and(|c| c != voice.channel_index) {
                i = i.wrapping_add(1);
                continue;
            }
            voice.rendered = to;
            let [left, right, reverb, chorus] = &mut self.lanes;
            let alive = match (
                self.channels.get(usize::from(voice.channel_index)),
                left.get_mut(from..to),
                right.get_mut(from..to),
                reverb.get_mut(from..to),
                chorus.get_mut(from..to),
            ) {
                (Some(channel), Some(left), Some(right), Some(reverb), Some(chorus)) => {
                    let articulation = if voice.orphan {
                        None
                    } else {
                        self.bank
                            .instruments
                            .get(voice.instrument_slot)
                            .and_then(|inst| inst.regions.get(voice.region_index))
                            .map(|r| &r.articulation)
                    };
                    let context = UpdateContext {
                        channel,
                        articulation,
                        curves: &self.curves,
                        sample_rate: self.sample_rate,
                        control_block: self.control_block,
                        master: self.master,
                        reverb_on: self.reverb_on,
                        chorus_on: self.chorus_on,
                    };
                    let wave = self.bank.waves.get(voice.wave_slot);
                    voice.render(&context, wave, &self.tables, [left, right, reverb, chorus])
                }
                _ => false,
            };
            self.voice_samples = self.voice_samples.saturating_add(to.saturating_sub(from) as u64);
            if alive {
                i = i.wrapping_add(1);
            } else {
                // Inline free_voice_at (the borrows above are over).
                let index = self.active.swap_remove(i);
                if let Some(v) = self.voices.get_mut(usize::from(index)) {
                    v.active = false;
                }
                if self.free.len() < self.free.capacity() {
                    self.free.push(index);
                }
            }
        }
    }

    /// Frames rendered so far (the engine clock).
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Restarts the engine clock at 0 (pending events are dropped, notes released).
    pub fn reset_clock(&mut self) {
        self.position = 0;
        self.queue.clear();
        for &index in &self.active {
            if let Some(v) = self.voices.get_mut(usize::from(index)) {
                v.release();
            }
        }
    }

    /// Current statistics; peaks restart.
    pub fn take_stats(&mut self) -> Stats {
        let stats = self.stats;
        self.stats.peak_level = 0.0;
        self.stats.peak_voices = self.active.len() as u32;
        stats
    }

    /// Master gain in 1/100 dB.
    pub fn set_master_gain_centibels(&mut self, hundredths_db: i32) {
        let db = (hundredths_db.clamp(-20_000, 2_000) as f32) / 100.0;
        self.master = if db <= -150.0 {
            0.0
        } else {
            math::db_to_amplitude(db)
        };
        self.touch_all();
    }

    fn touch_all(&mut self) {
        for &index in &self.active {
            if let Some(v) = self.voices.get_mut(usize::from(index)) {
                v.touch();
            }
        }
    }

    /// `SYNTHVOICEPRIORITY`: priority of one channel (group 1-based, channel 0..=15).
    pub fn set_channel_priority(&mut self, group: u32, channel: u32, priority: u32) -> bool {
        match self
            .channel_index(group, channel)
            .and_then(|i| self.channels.get_mut(i))
        {
            Some(c) => {
                c.priority = priority;
                true
            }
            None => false,
        }
    }

    /// The priority of one channel, `None` when out of range.
    pub fn channel_priority(&self, group: u32, channel: u32) -> Option<u32> {
        self.channel_index(group, channel)
            .and_then(|i| self.channels.get(i))
            .map(|c| c.priority)
    }

    fn channel_index(&self, group: u32, channel: u32) -> Option<usize> {
        if group == 0 || group > self.config.channel_groups || channel > 15 {
            return None;
        }
        Some((group.saturating_sub(1).saturating_mul(16).saturating_add(channel)) as usize)
    }

    /// Silences everything with the shutdown fade, keeps downloads.
    pub fn all_sound_off(&mut self) {
        for &index in &self.active {
            if let Some(v) = self.voices.get_mut(usize::from(index)) {
                v.shutdown();
            }
        }
    }

    // ---- Additive API ----

    /// Turns the effects on or off (the config flags at creation).
    pub fn set_effects(&mut self, reverb: bool, chorus: bool) {
        self.reverb_on = reverb;
        self.chorus_on = chorus;
        if !reverb && let Some(r) = self.reverb.as_mut() {
            r.clear();
        }
        if !chorus && let Some(c) = self.chorus.as_mut() {
            c.clear();
        }
    }

    /// Sets the reverb parameters (`SYNTH_REVERB_PARAMS`). No allocation.
    pub fn set_reverb_params(&mut self, params: crate::reverb::ReverbParams) {
        if let Some(r) = self.reverb.as_mut() {
            r.set_params(params);
        }
    }

    /// Sets the chorus parameters. No allocation.
    pub fn set_chorus_params(&mut self, params: crate::chorus::ChorusParams) {
        if let Some(c) = self.chorus.as_mut() {
            c.set_params(params);
        }
    }

    /// The interpolation used by voices started from now on.
    pub fn set_interpolation(&mut self, interpolation: Interpolation) {
        self.interpolation = interpolation;
    }

    /// Voice-samples rendered since creation (for CPU-per-voice figures).
    pub fn voice_samples(&self) -> u64 {
        self.voice_samples
    }

    /// Voices sounding now.
    pub fn active_voices(&self) -> u32 {
        self.active.len() as u32
    }

    /// Calls `f` for every sounding voice (diagnostics and tests; no allocation).
    pub fn for_each_voice(&self, mut f: impl FnMut(VoiceInfo)) {
        for &index in &self.active {
            if let Some(v) = self.voices.get(usize::from(index)) {
                f(VoiceInfo {
                    channel_group: (usize::from(v.channel_index) / 16).saturating_add(1) as u32,
                    channel: (v.channel_index % 16) as u8,
                    key: v.key,
                    key_down: v.key_down,
                    sustained: v.sustained,
                    released: v.released,
                    shutting_down: v.shutting_down,
                });
            }
        }
    }

    /// Voices preallocated, reserve included.
    pub fn voice_capacity(&self) -> usize {
        self.voices.len()
    }
}

fn sanitize(v: f32) -> f32 {
    if v.is_finite() { v } else { 0.0 }
}
