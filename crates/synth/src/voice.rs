//! One sounding note of one region: oscillator, envelopes, LFOs, filter, gains.
//!
//! A voice renders in *segments* between control updates. At an update it evaluates its
//! articulation (constant + note-on part cached at note-on, the channel part re-evaluated when a
//! controller changed, the time part — LFOs, EGs — every update), and sets linear per-sample
//! ramps of its four gains (left, right, reverb send, chorus send) towards their values at the
//! *end* of the segment, and the phase increment for the segment. Segments are at most one
//! control block long and end exactly at envelope stage boundaries; a MIDI event that concerns
//! the voice forces an update at its exact sample (so a note-off releases on that sample and a
//! controller change ramps over one control block: no zipper noise, no smeared onsets).

use dls::model::LoopKind;

use crate::Interpolation;
use crate::articulation::{
    CompiledArticulation, DestValues, MOVING_CONTROL, MOVING_SOURCE, Op, Shape, dest, source,
};
use crate::bank::{LoopPoints, PAD, WaveData};
use crate::channel::ChannelState;
use crate::envelope::{Envelope, EnvelopeParams};
use crate::filter::Filter;
use crate::interp::{CUBIC_PHASES, CUBIC_UNIT, InterpTables, SINC_PHASES};
use crate::lfo::Lfo;
use crate::math::{self, Curves};
use dls::model::Curve;

/// Longest control block (samples between updates).
pub const MAX_CONTROL: usize = 64;

/// 2^32 as f32/f64 (the phase fraction).
const PHASE_ONE: f64 = 4_294_967_296.0;

/// Cutoff (absolute cents) at and above which an unresonant filter is bypassed.
const OPEN_CUTOFF_CENTS: f32 = 13_500.0;

/// Gain (full-scale units) below which a released voice ends: −100 dB.
const SILENCE: f32 = 1e-5;

/// Largest playback ratio (≈ 10 octaves up at equal rates).
const MAX_RATIO: f32 = 1024.0;

/// Time-varying connections whose constant factor a voice caches per channel change.
const TIME_FACTORS: usize = 8;

/// Gain index: left, right (then reverb send, chorus send).
const LEFT: usize = 0;
const RIGHT: usize = 1;

/// Everything an update needs besides the voice.
pub struct UpdateContext<'a> {
    /// The voice's channel.
    pub channel: &'a ChannelState,
    /// The region's articulation (`None` once its instrument was unloaded).
    pub articulation: Option<&'a CompiledArticulation>,
    /// Transform curves.
    pub curves: &'a Curves,
    /// Output rate.
    pub sample_rate: f32,
    /// Samples per control block.
    pub control_block: u32,
    /// Engine master gain (amplitude).
    pub master: f32,
    /// Reverb bus in use.
    pub reverb_on: bool,
    /// Chorus bus in use.
    pub chorus_on: bool,
}

/// One precompiled time-varying connection: `factor × input`, added to `destination`.
#[derive(Clone, Copy, Debug, Default)]
struct Term {
    destination: u8,
    /// [`Term::EG1`] .. [`Term::VIBRATO`] (an index into the update's inputs), or
    /// [`Term::GENERAL`]: the connection at `index` through the general path.
    input: u8,
    index: u8,
    factor: f32,
}

impl Term {
    const EG1: u8 = 0;
    const EG2: u8 = 1;
    const LFO: u8 = 2;
    const VIBRATO: u8 = 3;
    const GENERAL: u8 = 4;
}

/// The time-varying part of a time-varying connection (its other part is the cached factor).
fn moving_part(sources: &Sources<'_>, op: &Op, curves: &Curves) -> f32 {
    match op.moving {
        MOVING_SOURCE => sources.moving(op.source, op.source_shape, curves),
        MOVING_CONTROL => sources.moving(op.control, op.control_shape, curves),
        _ => {
            sources.moving(op.source, op.source_shape, curves)
                * sources.moving(op.control, op.control_shape, curves)
        }
    }
}

/// Source values of one voice at one instant.
struct Sources<'a> {
    velocity: f32,
    key: f32,
    note: u8,
    eg1: f32,
    eg2: f32,
    lfo: f32,
    vibrato: f32,
    channel: &'a ChannelState,
}

impl Sources<'_> {
    fn raw(&self, code: u8) -> f32 {
        match code {
            source::VELOCITY => self.velocity,
            source::KEY => self.key,
            source::EG1 => self.eg1,
            source::EG2 => self.eg2,
            _ => self.channel.source_value(code, self.note),
        }
    }

    /// [`Self::shaped`] for a time-varying source, with the common cases inline: the LFOs and
    /// an EG through the plain linear transform.
    #[inline]
    fn moving(&self, code: u8, shape: Shape, curves: &Curves) -> f32 {
        let plain = shape.curve == Curve::Linear && !shape.invert && !shape.bipolar;
        match code {
            source::LFO | source::VIBRATO => self.lfo_value(code, shape),
            source::EG1 if plain => self.eg1,
            source::EG2 if plain => self.eg2,
            _ => self.shaped(code, shape, curves),
        }
    }

    /// An LFO's value: bipolar already, so only inversion applies.
    #[inline(always)]
    fn lfo_value(&self, code: u8, shape: Shape) -> f32 {
        let v = if code == source::LFO {
            self.lfo
        } else {
            self.vibrato
        };
        if shape.invert { -v } else { v }
    }

    fn shaped(&self, code: u8, shape: Shape, curves: &Curves) -> f32 {
        match code {
            source::NONE => 1.0,
            source::LFO | source::VIBRATO => self.lfo_value(code, shape),
            _ => {
                let x = self.raw(code);
                let y = match shape.curve {
                    Curve::Linear => {
                        if shape.invert {
                            1.0 - x
                        } else {
                            x
                        }
                    }
                    curve => {
                        let u = (x * (128.0 / 127.0)).min(1.0);
                        let u = if shape.invert { 1.0 - u } else { u };
                        match curve {
                            Curve::Concave => curves.concave(u),
                            Curve::Convex => curves.convex(u),
                            _ => {
                                if u >= 0.5 {
                                    1.0
                                } else {
                                    0.0
                                }
                            }
                        }
                    }
                };
                if shape.bipolar { 2.0 * y - 1.0 } else { y }
            }
        }
    }

    fn evaluate(&self, op: &Op, curves: &Curves) -> f32 {
        let s = self.shaped(op.source, op.source_shape, curves);
        if s == 0.0 {
            return 0.0;
        }
        op.scale * s * self.shaped(op.control, op.control_shape, curves)
    }
}

/// Note-on parameters.
pub struct NoteOn<'a> {
    /// Channel index (group × 16 + channel).
    pub channel_index: u16,
    /// Key.
    pub key: u8,
    /// Velocity 1..=127.
    pub velocity: u8,
    /// Instrument slot.
    pub instrument_slot: usize,
    /// Region index.
    pub region_index: usize,
    /// Wave slot.
    pub wave_slot: usize,
    /// The wave.
    pub wave: &'a WaveData,
    /// Region `WSMP` if any (else the wave's is used).
    pub sample: Option<dls::model::SampleInfo>,
    /// Key group.
    pub key_group: u16,
    /// −1/0/+1: hard left, mono, hard right.
    pub stereo_side: i8,
    /// Interpolation.
    pub interpolation: Interpolation,
    /// Start order (for "oldest").
    pub age: u64,
}

/// A voice.
#[derive(Clone, Debug)]
pub struct Voice {
    /// In use.
    pub active: bool,
    /// Channel index.
    pub channel_index: u16,
    /// Key.
    pub key: u8,
    /// Instrument slot.
    pub instrument_slot: usize,
    /// Region index.
    pub region_index: usize,
    /// Instrument unloaded: articulation frozen.
    pub orphan: bool,
    /// Wave slot.
    pub wave_slot: usize,
    /// Key group.
    pub key_group: u16,
    /// Key still down (no note-off yet).
    pub key_down: bool,
    /// Note-off received while the sustain pedal was down.
    pub sustained: bool,
    /// Envelopes released.
    pub released: bool,
    /// Being faded out (stolen, exclusive class, all sound off).
    pub shutting_down: bool,
    /// Start order.
    pub age: u64,
    /// Current amplitude (for stealing the quietest).
    pub loudness: f32,
    /// Frames of the engine's current render pass already rendered.
    pub rendered: usize,

    velocity: u8,
    interpolation: Interpolation,
    position: u64,
    increment: u64,
    length: u32,
    sample_loop: Option<LoopPoints>,
    wrapped: bool,
    rate_ratio: f32,
    pitch_offset: f32,
    gain_offset: f32,
    stereo_side: i8,
    key_source: f32,
    eg1: Envelope,
    eg2: Envelope,
    lfo: Lfo,
    vibrato: Lfo,
    filter: Filter,
    filter_on: bool,
    filter_open: bool,
    base: DestValues,
    /// Constant, note-on and channel parts of the realtime destinations (re-summed when the
    /// channel changes).
    channel_part: [f32; dest::REALTIME],
    /// `scale × T(non-time input)` of the first time-varying connections (see `update_with`).
    time_factors: [f32; TIME_FACTORS],
    /// The time-varying connections with a non-zero factor, in order, precompiled with the
    /// factors (`terms_len` of them; unused when the articulation has more than
    /// [`TIME_FACTORS`] time-varying connections).
    terms: [Term; TIME_FACTORS],
    terms_len: u8,
    channel_generation: u32,
    last: [f32; dest::REALTIME],
    gains: [f32; 4],
    steps: [f32; 4],
    pan_value: f32,
    pan_gains: (f32, f32),
    to_update: u32,
    finished: bool,
    /// Released and below −100 dB at the end of the current segment: ends with it.
    silent: bool,
}

impl Default for Voice {
    fn default() -> Self {
        Self {
            active: false,
            channel_index: 0,
            key: 0,
            instrument_slot: 0,
            region_index: 0,
            orphan: false,
            wave_slot: 0,
            key_group: 0,
            key_down: false,
            sustained: false,
            released: false,
            shutting_down: false,
            age: 0,
            loudness: 0.0,
            rendered: 0,
            velocity: 0,
            interpolation: Interpolation::Cubic,
            position: 0,
            increment: 1 << 32,
            length: 0,
            sample_loop: None,
            wrapped: false,
            rate_ratio: 1.0,
            pitch_offset: 0.0,
            gain_offset: 0.0,
            stereo_side: 0,
            key_source: 0.0,
            eg1: Envelope::IDLE,
            eg2: Envelope::IDLE,
            lfo: Lfo::IDLE,
            vibrato: Lfo::IDLE,
            filter: Filter::IDLE,
            filter_on: false,
            filter_open: false,
            base: [0.0; dest::COUNT],
            channel_part: [0.0; dest::REALTIME],
            time_factors: [0.0; TIME_FACTORS],
            terms: [Term::default(); TIME_FACTORS],
            terms_len: 0,
            channel_generation: 0,
            last: [0.0; dest::REALTIME],
            gains: [0.0; 4],
            steps: [0.0; 4],
            pan_value: f32::NAN,
            pan_gains: (0.0, 0.0),
            to_update: 0,
            finished: false,
            silent: false,
        }
    }
}

impl Voice {
    /// Starts the voice (no allocation).
    pub fn start(&mut self, note: &NoteOn<'_>, context: &UpdateContext<'_>) {
        let Some(articulation) = context.articulation else {
            self.active = false;
            return;
        };
        let sample = note.sample.or(note.wave.sample).unwrap_or_default();
        let sample_rate = context.sample_rate;
        *self = Self {
            active: true,
            channel_index: note.channel_index,
            key: note.key,
            instrument_slot: note.instrument_slot,
            region_index: note.region_index,
            wave_slot: note.wave_slot,
            key_group: note.key_group,
            key_down: true,
            age: note.age,
            velocity: note.velocity,
            interpolation: note.interpolation,
            length: note.wave.length,
            sample_loop: crate::bank::loop_points(&sample, note.wave.length),
            rate_ratio: note.wave.sample_rate as f32 / sample_rate,
            pitch_offset: f32::from(sample.fine_tune) - 100.0 * f32::from(sample.unity_note.min(127)),
            gain_offset: (sample.gain as f32 / 655_360.0).min(0.0),
            stereo_side: note.stereo_side,
            filter_on: articulation.filter_enabled,
            ..Self::default()
        };
        // Note-on evaluation: key number destination first (it shifts the key source).
        self.base = articulation.constant;
        let mut sources = Sources {
            velocity: f32::from(note.velocity) / 128.0,
            key: f32::from(note.key) / 128.0,
            note: note.key,
            eg1: 0.0,
            eg2: 0.0,
            lfo: 0.0,
            vibrato: 0.0,
            channel: context.channel,
        };
        for op in articulation
            .note_on
            .iter()
            .filter(|op| usize::from(op.destination) == dest::KEYNUMBER)
        {
            self.base[dest::KEYNUMBER] += sources.evaluate(op, context.curves);
        }
        let shifted = (f32::from(note.key) + self.base[dest::KEYNUMBER] / 100.0).clamp(0.0, 127.0);
        sources.key = shifted / 128.0;
        self.key_source = sources.key;
        for op in articulation
            .note_on
            .iter()
            .filter(|op| usize::from(op.destination) != dest::KEYNUMBER)
        {
            if let Some(slot) = self.base.get_mut(usize::from(op.destination)) {
                *slot += sources.evaluate(op, context.curves);
            }
        }
        let eg1 = self.base.get(dest::EG1..dest::EG1 + 7).unwrap_or(&[]);
        self.eg1 = Envelope::start(EnvelopeParams::from_dls(eg1, sample_rate), true);
        let eg2 = self.base.get(dest::EG2..dest::EG2 + 6).unwrap_or(&[]);
        self.eg2 = Envelope::start(EnvelopeParams::from_dls(eg2, sample_rate), false);
        self.lfo = Lfo::new(
            self.base[dest::LFO_FREQUENCY],
            self.base[dest::LFO_DELAY],
            sample_rate,
        );
        self.vibrato = Lfo::new(
            self.base[dest::VIB_FREQUENCY],
            self.base[dest::VIB_DELAY],
            sample_rate,
        );
        self.channel_generation = context.channel.generation.wrapping_sub(1);
        // Gains start at their value at the note-on sample (no ramp from 0 unless the attack
        // says so), then the first regular update follows immediately.
        self.update_with(context, 0);
        self.gains = self.targets(context, 0);
        self.steps = [0.0; 4];
        self.to_update = 0;
    }

    /// Note-off (envelopes to release; a release loop stops looping).
    pub fn release(&mut self) {
        self.key_down = false;
        self.sustained = false;
        if !self.released {
            self.released = true;
            self.eg1.release();
            self.eg2.release();
        }
        self.to_update = 0;
    }

    /// Fast fade with EG1's shutdown time.
    pub fn shutdown(&mut self) {
        self.key_down = false;
        self.sustained = false;
        self.released = true;
        self.shutting_down = true;
        self.eg1.shutdown();
        self.eg2.release();
        self.to_update = 0;
    }

    /// Forces a control update at the next sample (a controller changed).
    pub fn touch(&mut self) {
        self.to_update = 0;
    }

    /// Freezes the articulation (its instrument is being unloaded) and fades out.
    pub fn orphan(&mut self) {
        self.orphan = true;
        self.shutdown();
    }

    /// Evaluates the realtime destinations into `self.last`.
    fn update_with(&mut self, context: &UpdateContext<'_>, _samples: u32) {
        let Some(articulation) = context.articulation.filter(|_| !self.orphan) else {
            return;
        };
        let sources = Sources {
            velocity: f32::from(self.velocity) / 128.0,
            key: self.key_source,
            note: self.key,
            eg1: self.eg1.position(),
            eg2: self.eg2.output(),
            lfo: self.lfo.value(),
            vibrato: self.vibrato.value(),
            channel: context.channel,
        };
        if self.channel_generation != context.channel.generation {
            self.channel_generation = context.channel.generation;
            let mut channel_part = [0.0; dest::REALTIME];
            for op in &articulation.channel {
                if let Some(slot) = channel_part.get_mut(usize::from(op.destination)) {
                    *slot += sources.evaluate(op, context.curves);
                }
            }
            for ((v, b), c) in self
                .channel_part
                .iter_mut()
                .zip(self.base.iter())
                .zip(channel_part)
            {
                *v = b + c;
            }
            // A time-varying connection is `scale × T(source) × T(control)` where at most one
            // input moves with time unless both do: the other factor only changes with the
            // channel (or never), so it is computed here, once per change.
            for (factor, op) in self.time_factors.iter_mut().zip(&articulation.time) {
                *factor = op.scale
                    * match op.moving {
                        MOVING_SOURCE => sources.shaped(op.control, op.control_shape, context.curves),
                        MOVING_CONTROL => sources.shaped(op.source, op.source_shape, context.curves),
                        _ => 1.0,
                    };
            }
            self.plan_terms(articulation);
        }
        // Accumulated in place with scalar adds: a local array read back whole after scalar
        // stores into it would stall on store forwarding.
        self.last = self.channel_part;
        if articulation.time.len() <= TIME_FACTORS {
            self.add_planned(&sources, articulation, context.curves);
        } else {
            self.add_general(&sources, articulation, context.curves);
        }
    }

    /// Adds the time-varying connections to `last` through the planned terms: the same
    /// products, in the same order, as [`Self::add_general`] (bit for bit; zero terms are
    /// skipped).
    fn add_planned(&mut self, sources: &Sources<'_>, articulation: &CompiledArticulation, curves: &Curves) {
        let inputs = [sources.eg1, sources.eg2, sources.lfo, sources.vibrato];
        for term in self.terms.iter().take(usize::from(self.terms_len)) {
            let value = match inputs.get(usize::from(term.input)) {
                Some(&input) => term.factor * input,
                None => match articulation.time.get(usize::from(term.index)) {
                    Some(op) => term.factor * moving_part(sources, op, curves),
                    None => 0.0,
                },
            };
            if let Some(slot) = self.last.get_mut(usize::from(term.destination)) {
                *slot += value;
            }
        }
    }

    /// Adds the time-varying connections to `last`, each through its cached factor (the
    /// first [`TIME_FACTORS`]) or evaluated whole.
    fn add_general(&mut self, sources: &Sources<'_>, articulation: &CompiledArticulation, curves: &Curves) {
        for (i, op) in articulation.time.iter().enumerate() {
            let value = match self.time_factors.get(i) {
                Some(&0.0) => 0.0,
                Some(&factor) => factor * moving_part(sources, op, curves),
                None => sources.evaluate(op, curves),
            };
            if let Some(slot) = self.last.get_mut(usize::from(op.destination)) {
                *slot += value;
            }
        }
    }

    /// Precompiles the time-varying connections for [`Self::update_with`] after their factors
    /// changed: those with a zero factor drop out, and a moving input that is an LFO (its
    /// inversion folded into the factor's sign, which is exact) or a plain EG becomes a direct
    /// read of that input.
    fn plan_terms(&mut self, articulation: &CompiledArticulation) {
        let mut len = 0usize;
        for (index, (op, &factor)) in articulation.time.iter().zip(&self.time_factors).enumerate() {
            if factor == 0.0 {
                continue;
            }
            let (code, shape) = match op.moving {
                MOVING_SOURCE => (op.source, op.source_shape),
                MOVING_CONTROL => (op.control, op.control_shape),
                _ => (source::NONE, op.source_shape),
            };
            let plain = shape.curve == Curve::Linear && !shape.invert && !shape.bipolar;
            let sign = if shape.invert { -1.0 } else { 1.0 };
            let (input, factor) = match code {
                source::EG1 if plain => (Term::EG1, factor),
                source::EG2 if plain => (Term::EG2, factor),
                source::LFO => (Term::LFO, factor * sign),
                source::VIBRATO => (Term::VIBRATO, factor * sign),
                _ => (Term::GENERAL, factor),
            };
            if let Some(term) = self.terms.get_mut(len) {
                *term = Term {
                    destination: op.destination,
                    input,
                    index: index as u8,
                    factor,
                };
                len = len.saturating_add(1);
            }
        }
        self.terms_len = len as u8;
    }

    /// The four gains `samples` from now (inlined: returned through memory, the four scalar
    /// results would be reloaded as one vector and stall on store forwarding).
    #[inline(always)]
    fn targets(&mut self, context: &UpdateContext<'_>, samples: u32) -> [f32; 4] {
        let (linear, envelope_db) = self.eg1.output_split_after(samples);
        if linear <= 0.0 {
            return [0.0; 4];
        }
        let gain_db = (self.last[dest::GAIN] + self.gain_offset).min(24.0) + envelope_db;
        let amplitude = linear
            * math::db_to_amplitude(math::finite_or(gain_db, -200.0))
            * context.master
            * context.channel.master
            * (1.0 / 32768.0);
        let (left, right) = match self.stereo_side {
            -1 => (1.0, 0.0),
            1 => (0.0, 1.0),
            _ => {
                // Pan law: constant power, square-root (DLS/DDKSynth: 10·log10 per side),
                // −3 dB each side at the centre. Recomputed only when the pan moves.
                let pan = math::finite_or(self.last[dest::PAN], 0.0).clamp(-500.0, 500.0);
                if pan != self.pan_value {
                    let x = (pan + 500.0) / 1000.0;
                    self.pan_value = pan;
                    self.pan_gains = (libm::sqrtf(1.0 - x), libm::sqrtf(x));
                }
                self.pan_gains
            }
        };
        let send = |v: f32| (math::finite_or(v, 0.0) / 1000.0).clamp(0.0, 1.0);
        [
            amplitude * left,
            amplitude * right,
            if context.reverb_on {
                amplitude * send(self.last[dest::REVERB])
            } else {
                0.0
            },
            if context.chorus_on {
                amplitude * send(self.last[dest::CHORUS])
            } else {
                0.0
            },
        ]
    }

    /// A control update at the current sample: evaluate, set ramps and pitch.
    fn update(&mut self, context: &UpdateContext<'_>) {
        let boundary = self.eg1.samples_to_boundary().min(self.eg2.samples_to_boundary());
        let samples = context.control_block.min(boundary).max(1);
        self.update_with(context, samples);
        let targets = self.targets(context, samples);
        let inverse = 1.0 / samples as f32;
        for ((step, gain), target) in self.steps.iter_mut().zip(self.gains.iter()).zip(targets) {
            *step = (target - gain) * inverse;
        }
        // Full-scale units: the output amplitude a full-scale sample would have.
        self.loudness = (targets[LEFT] + targets[RIGHT]) * 32768.0;
        // A released voice whose whole gain (envelope, velocity, volume, expression, pan) has
        // fallen below −100 dB is inaudible: it ends at the end of this segment (FluidSynth's
        // noise-floor kill), instead of running its release down to EG1's −96 dB floor.
        self.silent = self.released && self.loudness < SILENCE;
        let cents = self.last[dest::PITCH] + self.pitch_offset;
        let ratio =
            (math::cents_to_ratio(cents.clamp(-14_400.0, 14_400.0)) * self.rate_ratio).clamp(1e-6, MAX_RATIO);
        // ratio ≤ MAX_RATIO, so the product is below 2^42: the signed conversion (one
        // instruction on x86_64, where the unsigned one is a branchy sequence) is exact.
        self.increment = ((f64::from(ratio) * PHASE_ONE) as i64).max(1).unsigned_abs();
        if self.filter_on {
            let (cutoff, q) = (self.last[dest::CUTOFF], self.last[dest::Q]);
            // Wide open (≥ 13500 cents ≈ 19.9 kHz, no resonance: SoundFont's "no filter"
            // default, which imported banks carry everywhere): bypassed, state cleared.
            self.filter_open = cutoff >= OPEN_CUTOFF_CENTS && q < 0.01;
            if self.filter_open {
                self.filter.clear();
            } else {
                self.filter.set(cutoff, q, context.sample_rate);
            }
        }
        self.to_update = samples;
    }

    /// Renders `mix.len()/2` frames, adding into `mix` (interleaved stereo) and the sends.
    /// Returns false once the voice has finished (it is then inactive).
    pub fn render(
        &mut self,
        context: &UpdateContext<'_>,
        wave: Option<&WaveData>,
        tables: &InterpTables,
        lanes: [&mut [f32]; 4],
    ) -> bool {
        let Some(wave) = wave else {
            self.active = false;
            return false;
        };
        let [left, right, reverb, chorus] = lanes;
        let frames = left.len().min(right.len()).min(reverb.len()).min(chorus.len());
        let mut done = 0usize;
        // Every segment overwrites its part of the block before reading it.
        let mut scratch = [0.0f32; MAX_CONTROL];
        while done < frames {
            if self.to_update == 0 {
                self.update(context);
            }
            let count = frames
                .saturating_sub(done)
                .min(self.to_update as usize)
                .min(MAX_CONTROL);
            let Some(block) = scratch.get_mut(..count) else {
                break;
            };
            self.generate(wave, tables, block);
            if self.filter_on && !self.filter_open {
                self.filter.process(block);
            }
            let end = done.saturating_add(count);
            let (Some(left), Some(right), Some(reverb), Some(chorus)) = (
                left.get_mut(done..end),
                right.get_mut(done..end),
                reverb.get_mut(done..end),
                chorus.get_mut(done..end),
            ) else {
                break;
            };
            self.mix(block, [left, right, reverb, chorus]);
            let advanced = count as u32;
            self.eg1.advance(advanced);
            self.eg2.advance(advanced);
            self.lfo.advance(advanced);
            self.vibrato.advance(advanced);
            self.to_update = self.to_update.saturating_sub(advanced);
            done = end;
            if self.finished || self.eg1.is_done() || (self.silent && self.to_update == 0) {
                self.active = false;
                return false;
            }
        }
        true
    }

    /// Adds `block` into the pass's lanes (left, right, reverb send, chorus send) with the
    /// ramped gains, leaving out a silent send (both, always, with the effects off).
    fn mix(&mut self, block: &[f32], [left, right, reverb, chorus]: [&mut [f32]; 4]) {
        let [gl, gr, rev, cho] = self.gains;
        let [dl, dr, drev, dcho] = self.steps;
        // A silent send's lane is left out (it would add zeros).
        match (rev != 0.0 || drev != 0.0, cho != 0.0 || dcho != 0.0) {
            (false, false) => mix_lanes([left, right], block, [gl, gr], [dl, dr]),
            (true, false) => mix_lanes([left, right, reverb], block, [gl, gr, rev], [dl, dr, drev]),
            (false, true) => mix_lanes([left, right, chorus], block, [gl, gr, cho], [dl, dr, dcho]),
            (true, true) => mix_lanes([left, right, reverb, chorus], block, self.gains, self.steps),
        }
        let n = block.len() as f32;
        // Recompute from the start values to avoid accumulating rounding drift.
        self.gains = [
            (gl + dl * n).max(0.0),
            (gr + dr * n).max(0.0),
            (rev + drev * n).max(0.0),
            (cho + dcho * n).max(0.0),
        ];
    }

    fn looping(&self) -> Option<LoopPoints> {
        self.sample_loop
            .filter(|l| l.kind == LoopKind::Forward || !self.released)
    }

    /// Fills `block` with interpolated samples (scaled by 32768), handling loops and the end.
    ///
    /// Integer arithmetic here cannot overflow: positions are < 2^63 (frame index < 2^31 from
    /// `WaveData::prepare`, increments < 2^42 from `MAX_RATIO`), `i < block.len()` bounds every
    /// index offset, `l.end > l.start` by `loop_points`, and subtractions are guarded by the
    /// comparisons right before them.
    #[allow(clippy::arithmetic_side_effects)]
    fn generate(&mut self, wave: &WaveData, tables: &InterpTables, block: &mut [f32]) {
        let data = wave.samples.as_slice();
        let (left, right) = match self.interpolation {
            Interpolation::Linear => (0u64, 1u64),
            Interpolation::Cubic => (1, 2),
            Interpolation::Sinc => (3, 4),
        };
        let mut i = 0usize;
        while i < block.len() {
            let index = self.position >> 32;
            let looping = self.looping();
            if looping.is_none() && index >= u64::from(self.length) {
                self.finished = true;
                if let Some(rest) = block.get_mut(i..) {
                    rest.fill(0.0);
                }
                return;
            }
            // Highest read point whose taps stay inside the straight (unwrapped) data.
            let (lowest_ok, highest) = match looping {
                Some(l) => (
                    if self.wrapped { u64::from(l.start) } else { 0 },
                    u64::from(l.end).checked_sub(right.saturating_add(1)),
                ),
                None => (0, u64::from(self.length).checked_sub(1)),
            };
            let fast = match highest {
                Some(highest)
                    if index <= highest && (index >= lowest_ok.saturating_add(left) || !self.wrapped) =>
                {
                    let limit = (highest.saturating_add(1) << 32).saturating_sub(1);
                    let count = (limit.saturating_sub(self.position) / self.increment).saturating_add(1);
                    count.min((block.len() - i) as u64) as usize
                }
                _ => 0,
            };
            if fast > 0 {
                let Some(out) = block.get_mut(i..i + fast) else {
                    return;
                };
                self.position = match self.interpolation {
                    Interpolation::Linear => run_linear(data, self.position, self.increment, out),
                    Interpolation::Cubic => {
                        run_cubic(data, self.position, self.increment, out, &tables.cubic)
                    }
                    Interpolation::Sinc => run_sinc(data, self.position, self.increment, out, &tables.sinc),
                };
                i += fast;
            } else {
                let value = self.slow_sample(data, tables, looping);
                if let Some(o) = block.get_mut(i) {
                    *o = value;
                }
                self.position = self.position.saturating_add(self.increment);
                i += 1;
            }
            // Loop wrap.
            if let Some(l) = looping {
                let index = self.position >> 32;
                if index >= u64::from(l.end) {
                    let length = u64::from(l.end - l.start).max(1);
                    let wrapped = u64::from(l.start) + (index - u64::from(l.start)) % length;
                    self.position = (wrapped << 32) | (self.position & 0xFFFF_FFFF);
                    self.wrapped = true;
                }
            }
        }
    }

    /// One sample with every tap index resolved through the loop.
    ///
    /// i64 arithmetic on frame indexes < 2^31 plus offsets ≤ 4 and loop lengths ≥ 1: no
    /// overflow, no division by zero.
    #[allow(clippy::arithmetic_side_effects)]
    fn slow_sample(&self, data: &[i16], tables: &InterpTables, looping: Option<LoopPoints>) -> f32 {
        let index = (self.position >> 32) as i64;
        let fraction = self.position as u32;
        let tap = |offset: i64| -> f32 {
            let mut frame = index + offset;
            if let Some(l) = looping {
                let (start, end) = (i64::from(l.start), i64::from(l.end));
                let length = (end - start).max(1);
                if frame >= end {
                    frame = start + (frame - start) % length;
                } else if self.wrapped && frame < start {
                    frame = end - 1 - (start - 1 - frame) % length;
                }
            }
            let at = frame + PAD as i64;
            if at < 0 {
                return 0.0;
            }
            f32::from(data.get(at as usize).copied().unwrap_or(0))
        };
        match self.interpolation {
            Interpolation::Linear => {
                // The taps are i16 values held as f32: exact conversions back.
                let taps = [tap(0), tap(1)].map(|v| v as i16);
                q14_dot(&taps, &linear_row(self.position))
            }
            Interpolation::Cubic => {
                let row = tables.cubic.get((fraction >> 24) as usize).copied().unwrap_or([
                    0,
                    1 << crate::interp::CUBIC_SHIFT,
                    0,
                    0,
                ]);
                // The taps are i16 values held as f32: exact conversions back.
                let taps = [tap(-1), tap(0), tap(1), tap(2)].map(|v| v as i16);
                q14_dot(&taps, &row)
            }
            Interpolation::Sinc => {
                let c = tables
                    .sinc
                    .get((fraction >> 22) as usize)
                    .copied()
                    .unwrap_or([0.0; 8]);
                let mut sum = 0.0;
                for (k, coefficient) in c.iter().enumerate() {
                    sum += coefficient * tap(k as i64 - 3);
                }
                sum
            }
        }
    }
}

/// Adds `block` into each of the `N` lanes `outs`, lane `k`'s gain ramping from `gains[k]` by
/// `steps[k]` per frame. Planar lanes need no shuffles: per four frames and lane, one packed
/// multiply-add with the gains of those four frames (`g + j·d`, moving on by `4·d`).
fn mix_lanes<const N: usize>(mut outs: [&mut [f32]; N], block: &[f32], gains: [f32; N], steps: [f32; N]) {
    let n = outs.iter().fold(block.len(), |n, out| n.min(out.len()));
    let Some(block) = block.get(..n) else {
        return;
    };
    let (quads, rest) = block.as_chunks::<4>();
    #[cfg(target_arch = "x86_64")]
    // SAFETY: every lane holds at least `n` = 4·quads.len() + rest.len() samples (the fold
    // above), and SSE2, the function's target feature, is in the x86_64 baseline.
    let mut gain = unsafe { mix_lane_quads_sse2(&mut outs, quads, gains, steps) };
    #[cfg(not(target_arch = "x86_64"))]
    let mut gain = mix_lane_quads(&mut outs, quads, gains, steps);
    if rest.is_empty() {
        return;
    }
    let start = quads.len().saturating_mul(4);
    for ((out, g), d) in outs.iter_mut().zip(gain.iter_mut()).zip(steps) {
        let Some(out) = out.get_mut(start..n) else {
            continue;
        };
        for (o, s) in out.iter_mut().zip(rest) {
            *o += *g * s;
            *g += d;
        }
    }
}

/// The gains of frames 0..4 of the first quad, `g + j·d`, per lane.
fn quad_gains<const N: usize>(gains: [f32; N], steps: [f32; N]) -> [[f32; 4]; N] {
    let mut out = [[0.0; 4]; N];
    for ((lane, g), d) in out.iter_mut().zip(gains).zip(steps) {
        *lane = [g, g + d, g + 2.0 * d, g + 3.0 * d];
    }
    out
}

/// The whole quads of [`mix_lanes`], portable; returns each lane's gain at the frame after
/// them.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn mix_lane_quads<const N: usize>(
    outs: &mut [&mut [f32]; N],
    quads: &[[f32; 4]],
    gains: [f32; N],
    steps: [f32; N],
) -> [f32; N] {
    let mut next = gains;
    for (((out, mut g), d), next) in outs
        .iter_mut()
        .zip(quad_gains(gains, steps))
        .zip(steps)
        .zip(next.iter_mut())
    {
        let step = 4.0 * d;
        for (o, s) in out.as_chunks_mut::<4>().0.iter_mut().zip(quads) {
            for ((o, s), g) in o.iter_mut().zip(s).zip(g.iter_mut()) {
                *o += *g * s;
                *g += step;
            }
        }
        *next = g[0];
    }
    next
}

/// [`mix_lane_quads`] with SSE2 (the same element-wise operations: bit for bit), quad by quad
/// across the lanes (one load of the block per quad).
///
/// # Safety
///
/// Every lane of `outs` must hold at least `4 · quads.len()` samples.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
unsafe fn mix_lane_quads_sse2<const N: usize>(
    outs: &mut [&mut [f32]; N],
    quads: &[[f32; 4]],
    gains: [f32; N],
    steps: [f32; N],
) -> [f32; N] {
    use core::arch::x86_64::*;
    // g + j·d for j = 0..4 as one multiply-add per lane (the same products and sums as
    // `quad_gains`: j·d is exact for j ≤ 2, and 0·d adds an exact zero).
    let j = _mm_setr_ps(0.0, 1.0, 2.0, 3.0);
    let mut g = [_mm_setzero_ps(); N];
    let mut step = [_mm_setzero_ps(); N];
    for (((g, step), &gain), &d) in g.iter_mut().zip(step.iter_mut()).zip(&gains).zip(&steps) {
        let d = _mm_set1_ps(d);
        *g = _mm_add_ps(_mm_set1_ps(gain), _mm_mul_ps(j, d));
        *step = _mm_mul_ps(_mm_set1_ps(4.0), d);
    }
    let lanes = outs.each_mut().map(|out| out.as_mut_ptr());
    for (q, input) in quads.iter().enumerate() {
        // SAFETY: `input` is a 16-byte array; `_mm_loadu_ps` has no alignment requirement.
        let s = unsafe { _mm_loadu_ps(input.as_ptr()) };
        for ((lane, g), step) in lanes.iter().zip(g.iter_mut()).zip(&step) {
            // SAFETY: q < quads.len(), so samples 4q..4q + 4 are inside the lane (the
            // caller's guarantee); the lanes are distinct `&mut` slices.
            let at = unsafe { lane.add(q.wrapping_mul(4)) };
            // SAFETY: 16 readable bytes at `at` (as above); no alignment requirement.
            let o = unsafe { _mm_loadu_ps(at) };
            let sum = _mm_add_ps(o, _mm_mul_ps(*g, s));
            // SAFETY: as above, writable.
            unsafe { _mm_storeu_ps(at, sum) };
            *g = _mm_add_ps(*g, *step);
        }
    }
    let mut next = [0.0f32; N];
    for (next, g) in next.iter_mut().zip(g) {
        *next = _mm_cvtss_f32(g);
    }
    next
}

// The three inner loops. Allowed arithmetic/indexing: `at` is a frame index < 2^31 plus PAD
// (no overflow), and the table indexes are masked to the table length (a fixed-size array).
// Each reads its taps with one `get(range)` (a slice pattern: no panic,
// and the compiler drops the per-tap checks). Callers guarantee the taps are in range; if they
// were not, the sample would read as 0, never panic.

#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
fn run_linear(data: &[i16], mut position: u64, increment: u64, out: &mut [f32]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    let out = proven_quads(data, &mut position, increment, out, PAD + 2, linear_quad_sse2, ());
    for o in out.iter_mut() {
        let at = (position >> 32) as usize + PAD;
        *o = match data.get(at..at + 2) {
            Some(taps) => q14_dot(taps, &linear_row(position)),
            _ => 0.0,
        };
        position = position.wrapping_add(increment);
    }
    position
}

/// An SSE2 kernel: the four outputs at `position + k·increment` (k < 4) into the array, from
/// `data` and the kernel's table `T`; returns the position after them.
///
/// # Safety
///
/// The taps of the four outputs must lie inside the allocation `data` points into.
#[cfg(target_arch = "x86_64")]
type QuadKernel<T> = unsafe fn(*const i16, u64, u64, &mut [f32; 4], T) -> u64;

/// The whole quads of a kernel run on x86_64, after one range proof for the whole run: the
/// positions `position + i·increment` for i < `out.len()` never wrap (checked) and only grow,
/// so every output's taps start at or before the last output's, whose taps end `taps_end`
/// frames after its index, inside `data` (checked). Returns the outputs left for the scalar
/// loop (all of them when the proof fails); `position` moves past the quads.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn proven_quads<'o, T: Copy>(
    data: &[i16],
    position: &mut u64,
    increment: u64,
    out: &'o mut [f32],
    taps_end: usize,
    kernel: QuadKernel<T>,
    table: T,
) -> &'o mut [f32] {
    let last_end = (out.len() as u64)
        .checked_sub(1)
        .and_then(|n| increment.checked_mul(n))
        .and_then(|span| position.checked_add(span))
        .and_then(|last| usize::try_from(last >> 32).ok())
        .and_then(|index| index.checked_add(taps_end));
    match last_end {
        Some(end) if end <= data.len() => {
            let mut quads = out.chunks_exact_mut(4);
            for quad in &mut quads {
                if let Ok(quad) = <&mut [f32; 4]>::try_from(quad) {
                    // SAFETY: the taps of these four outputs are inside `data` by the range proof
                    // above (and SSE2, the kernels' target feature, is in the x86_64 baseline).
                    *position = unsafe { kernel(data.as_ptr(), *position, increment, quad, table) };
                }
            }
            quads.into_remainder()
        }
        _ => out,
    }
}

/// Q14 weights `[1 − f, f]` of linear interpolation at `position` (`f`: the top 14 bits of
/// the fraction, 0..=16383, so both weights fit an i16).
#[inline]
fn linear_row(position: u64) -> [i16; 2] {
    let f = ((position as u32) >> 18) as i16;
    [(1i16 << crate::interp::CUBIC_SHIFT).wrapping_sub(f), f]
}

/// Four linear outputs with SSE2: each output's two taps are one 32-bit load, its Q14 weights
/// one 32-bit word; one `pmaddwd` gives the four exact dot products. Returns the position after
/// the four outputs.
///
/// # Safety
///
/// For the four positions `position + k·increment` (k < 4, no wrap), the two taps
/// `data[(p >> 32) + PAD ..][..2]` must lie inside the allocation `data` points into. (The last
/// argument is the table linear interpolation does not have, so that it is a [`QuadKernel`].)
#[cfg(target_arch = "x86_64")]
#[allow(clippy::arithmetic_side_effects)]
#[target_feature(enable = "sse2")]
#[inline]
unsafe fn linear_quad_sse2(
    data: *const i16,
    position: u64,
    increment: u64,
    out: &mut [f32; 4],
    _: (),
) -> u64 {
    use core::arch::x86_64::*;
    let taps = |p: u64| {
        // SAFETY: the caller guarantees the 4 bytes of taps at `p` are inside `data`'s
        // allocation, so the offset pointer stays inside it.
        let at = unsafe { data.add((p >> 32) as usize + PAD) };
        // SAFETY: 4 readable bytes at `at` (as above); an unaligned read.
        _mm_cvtsi32_si128(unsafe { core::ptr::read_unaligned(at.cast::<i32>()) })
    };
    let p0 = position;
    let p1 = p0.wrapping_add(increment);
    let p2 = p1.wrapping_add(increment);
    let p3 = p2.wrapping_add(increment);
    let pack = |a, b, c, d| _mm_unpacklo_epi64(_mm_unpacklo_epi32(a, b), _mm_unpacklo_epi32(c, d));
    // The four `linear_row`s at once: f = fraction >> 18 in each 32-bit lane, then the i16 pair
    // (1 − f, f) as `f << 16 | (16384 − f)` (both below 2^15: no carry between the halves).
    let fraction = |p: u64| _mm_cvtsi32_si128(p as u32 as i32);
    let f = _mm_srli_epi32::<18>(pack(fraction(p0), fraction(p1), fraction(p2), fraction(p3)));
    let one = _mm_set1_epi32(1 << crate::interp::CUBIC_SHIFT);
    let rows = _mm_or_si128(_mm_slli_epi32::<16>(f), _mm_sub_epi32(one, f));
    let sums = _mm_madd_epi16(pack(taps(p0), taps(p1), taps(p2), taps(p3)), rows);
    let y = _mm_mul_ps(_mm_cvtepi32_ps(sums), _mm_set1_ps(CUBIC_UNIT));
    // SAFETY: `out` is a `&mut [f32; 4]`, 16 writable bytes; `_mm_storeu_ps` has no alignment
    // requirement.
    unsafe { _mm_storeu_ps(out.as_mut_ptr(), y) };
    p3.wrapping_add(increment)
}

#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
fn run_cubic(data: &[i16], mut position: u64, increment: u64, out: &mut [f32], table: &[[i16; 4]]) -> u64 {
    let table: &[[i16; 4]; CUBIC_PHASES] = match table.try_into() {
        Ok(t) => t,
        Err(_) => return run_linear(data, position, increment, out),
    };
    #[cfg(target_arch = "x86_64")]
    let out = proven_quads(
        data,
        &mut position,
        increment,
        out,
        PAD + 3,
        cubic_quad_sse2,
        table,
    );
    for o in out.iter_mut() {
        let at = (position >> 32) as usize + PAD - 1;
        // (position as u32) >> 24 < 256 = CUBIC_PHASES: this index is always in range.
        let row = &table[((position as u32) >> 24) as usize & (CUBIC_PHASES - 1)];
        *o = match data.get(at..at + 4) {
            Some(taps) => q14_dot(taps, row),
            _ => 0.0,
        };
        position = position.wrapping_add(increment);
    }
    position
}

/// One linear or cubic output: the exact integer dot product of the i16 taps and a Q14 row
/// (`[1 − f, f]` or a cubic table row), scaled to f32 (the SSE2 kernels compute the same
/// integers, so the two agree bit for bit). The sum cannot overflow: each product is below 2^29
/// in magnitude and a row's weights sum in magnitude to less than 1.2 × 2^14, so the total stays
/// below 2^30; wrapping arithmetic matches `pmaddwd`.
#[inline]
fn q14_dot(taps: &[i16], row: &[i16]) -> f32 {
    let sum = taps.iter().zip(row).fold(0i32, |sum, (&x, &c)| {
        sum.wrapping_add(i32::from(x).wrapping_mul(i32::from(c)))
    });
    sum as f32 * CUBIC_UNIT
}

/// Four cubic outputs with SSE2 (the x86_64 baseline: no extended state to save): each
/// output's four i16 taps are one unaligned 64-bit load, as is its Q14 coefficient row; two
/// outputs share a register, `pmaddwd` forms the pair sums, one shuffle-add finishes the four
/// dot products in i32 (exact, as in [`q14_dot`]: bit for bit the scalar result), then one
/// conversion and scale. Returns the position after the four outputs.
///
/// # Safety
///
/// For the four positions `position + k·increment` (k < 4, no wrap), the four taps
/// `data[(p >> 32) + PAD − 1 ..][..4]` must lie inside the allocation `data` points into.
#[cfg(target_arch = "x86_64")]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
#[target_feature(enable = "sse2")]
#[inline]
unsafe fn cubic_quad_sse2(
    data: *const i16,
    position: u64,
    increment: u64,
    out: &mut [f32; 4],
    table: &[[i16; 4]; CUBIC_PHASES],
) -> u64 {
    use core::arch::x86_64::*;
    let taps = |p: u64| {
        // SAFETY: the caller guarantees the 8 bytes of taps at `p` are inside `data`'s
        // allocation, so the offset pointer stays inside it.
        let at = unsafe { data.add((p >> 32) as usize + PAD - 1) };
        // SAFETY: 8 readable bytes at `at` (as above); `_mm_loadl_epi64` has no alignment
        // requirement.
        unsafe { _mm_loadl_epi64(at.cast::<__m128i>()) }
    };
    let row = |p: u64| {
        // (p as u32) >> 24 < 256 = CUBIC_PHASES: always in range.
        let row: &[i16; 4] = &table[((p as u32) >> 24) as usize];
        // SAFETY: `row` is 8 readable bytes; `_mm_loadl_epi64` has no alignment requirement.
        unsafe { _mm_loadl_epi64(row.as_ptr().cast::<__m128i>()) }
    };
    let p0 = position;
    let p1 = p0.wrapping_add(increment);
    let p2 = p1.wrapping_add(increment);
    let p3 = p2.wrapping_add(increment);
    // [a·c0 + b·c1, c·c2 + d·c3] for two outputs per register.
    let m01 = _mm_madd_epi16(
        _mm_unpacklo_epi64(taps(p0), taps(p1)),
        _mm_unpacklo_epi64(row(p0), row(p1)),
    );
    let m23 = _mm_madd_epi16(
        _mm_unpacklo_epi64(taps(p2), taps(p3)),
        _mm_unpacklo_epi64(row(p2), row(p3)),
    );
    // Even and odd lanes of (m01, m23), moved as bit patterns (no float arithmetic on them).
    let (f01, f23) = (_mm_castsi128_ps(m01), _mm_castsi128_ps(m23));
    let even = _mm_castps_si128(_mm_shuffle_ps::<0b10_00_10_00>(f01, f23));
    let odd = _mm_castps_si128(_mm_shuffle_ps::<0b11_01_11_01>(f01, f23));
    let y = _mm_mul_ps(_mm_cvtepi32_ps(_mm_add_epi32(even, odd)), _mm_set1_ps(CUBIC_UNIT));
    // SAFETY: `out` is a `&mut [f32; 4]`, 16 writable bytes; `_mm_storeu_ps` has no alignment
    // requirement.
    unsafe { _mm_storeu_ps(out.as_mut_ptr(), y) };
    p3.wrapping_add(increment)
}

#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
fn run_sinc(data: &[i16], mut position: u64, increment: u64, out: &mut [f32], table: &[[f32; 8]]) -> u64 {
    let table: &[[f32; 8]; SINC_PHASES] = match table.try_into() {
        Ok(t) => t,
        Err(_) => return run_linear(data, position, increment, out),
    };
    for o in out.iter_mut() {
        let at = (position >> 32) as usize + PAD - 3;
        let c = &table[((position as u32) >> 22) as usize & (SINC_PHASES - 1)];
        *o = match data.get(at..at + 8) {
            Some(taps) => {
                let mut sum = 0.0;
                for (coefficient, &sample) in c.iter().zip(taps) {
                    sum += coefficient * f32::from(sample);
                }
                sum
            }
            None => 0.0,
        };
        position = position.wrapping_add(increment);
    }
    position
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The planned terms give the general path's sums bit for bit: LFOs (one inverted as a
    /// source, one as a bipolar inverted control), plain and curved EGs, a connection with
    /// two moving inputs, and one whose factor is zero.
    #[test]
    fn planned_terms_match_the_general_path() {
        let channel = ChannelState::new(0);
        let curves = Curves::new();
        let shape = |curve, bipolar, invert| Shape {
            curve,
            bipolar,
            invert,
        };
        let plain = shape(Curve::Linear, false, false);
        let op = |source, control, destination: usize, scale, source_shape, control_shape| Op {
            source,
            control,
            destination: destination as u8,
            source_shape,
            control_shape,
            scale,
            moving: if source::is_time(source) { MOVING_SOURCE } else { 0 }
                | if source::is_time(control) {
                    MOVING_CONTROL
                } else {
                    0
                },
        };
        let time = alloc::vec![
            op(source::LFO, source::NONE, dest::PITCH, 50.0, plain, plain),
            op(
                source::VIBRATO,
                source::NONE,
                dest::PITCH,
                30.0,
                shape(Curve::Linear, false, true),
                plain
            ),
            op(source::EG2, source::NONE, dest::CUTOFF, 1_200.0, plain, plain),
            op(
                source::EG2,
                source::NONE,
                dest::PITCH,
                -100.0,
                shape(Curve::Convex, false, false),
                plain
            ),
            op(source::EG1, source::LFO, dest::GAIN, -3.0, plain, plain),
            op(
                source::VELOCITY,
                source::LFO,
                dest::PAN,
                100.0,
                plain,
                shape(Curve::Linear, true, true)
            ),
            op(source::LFO, source::CHANNEL_PRESSURE, dest::Q, 7.0, plain, plain),
            op(source::EG1, source::NONE, dest::GAIN, -960.0, plain, plain),
        ];
        let articulation = CompiledArticulation {
            constant: [0.0; dest::COUNT],
            note_on: alloc::vec![],
            channel: alloc::vec![],
            time,
            filter_enabled: true,
        };
        let mut voice = Voice::default();
        for (eg1, eg2, lfo, vibrato) in [
            (0.8, 0.3, -0.6, 0.9),
            (0.0, 1.0, 1.0, -1.0),
            (0.123, 0.456, 0.789, -0.321),
        ] {
            let sources = Sources {
                velocity: 0.7,
                key: 0.5,
                note: 64,
                eg1,
                eg2,
                lfo,
                vibrato,
                channel: &channel,
            };
            // The factors as `update_with` caches them (channel pressure 0 zeroes one).
            for (factor, op) in voice.time_factors.iter_mut().zip(&articulation.time) {
                *factor = op.scale
                    * match op.moving {
                        MOVING_SOURCE => sources.shaped(op.control, op.control_shape, &curves),
                        MOVING_CONTROL => sources.shaped(op.source, op.source_shape, &curves),
                        _ => 1.0,
                    };
            }
            voice.plan_terms(&articulation);
            assert_eq!(voice.terms_len, 7, "the zero-factor connection drops out");
            voice.last = [0.25; dest::REALTIME];
            voice.add_planned(&sources, &articulation, &curves);
            let planned = voice.last;
            voice.last = [0.25; dest::REALTIME];
            voice.add_general(&sources, &articulation, &curves);
            assert_eq!(planned.map(f32::to_bits), voice.last.map(f32::to_bits));
            assert_ne!(planned, [0.25; dest::REALTIME]);
        }
    }

    /// The lane mix's SSE2 quads agree bit for bit with the portable ones, and the whole call
    /// ramps each lane by its own step per frame, for two and four lanes.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn lane_mix_sse2_matches_portable() {
        fn check<const N: usize>(gains: [f32; N], steps: [f32; N]) {
            let block: [f32; 37] = core::array::from_fn(|i| (i as f32 * 0.37).sin());
            let start: [[f32; 37]; N] =
                core::array::from_fn(|k| core::array::from_fn(|i| 0.125 * (i + k) as f32));
            let (mut a, mut b) = (start, start);
            let (quads, _) = block.as_chunks::<4>();
            let ga = mix_lane_quads(&mut a.each_mut().map(|l| l.as_mut_slice()), quads, gains, steps);
            // SAFETY: every lane holds 37 ≥ 4·9 samples; SSE2 is in the x86_64 baseline.
            let gb = unsafe {
                mix_lane_quads_sse2(&mut b.each_mut().map(|l| l.as_mut_slice()), quads, gains, steps)
            };
            assert_eq!(ga.map(f32::to_bits), gb.map(f32::to_bits));
            assert_eq!(a.map(|l| l.map(f32::to_bits)), b.map(|l| l.map(f32::to_bits)));
            let mut c = start;
            mix_lanes(c.each_mut().map(|l| l.as_mut_slice()), &block, gains, steps);
            for (k, (out, before)) in c.iter().zip(start).enumerate() {
                for (i, ((o, b), s)) in out.iter().zip(before).zip(block).enumerate() {
                    let want = b + (gains[k] + steps[k] * i as f32) * s;
                    assert!((o - want).abs() < 1e-5, "lane {k} frame {i}: {o} vs {want}");
                }
            }
        }
        check([0.1, 0.7], [0.003, -0.002]);
        check([0.1, 0.7, 0.0, 0.3], [0.003, -0.002, 0.001, 0.0]);
    }

    /// The linear kernel: SSE2 quads (x86_64) and scalar loop against the integer formula.
    #[test]
    fn linear_kernel_matches_the_scalar_formula() {
        let data: alloc::vec::Vec<i16> = (0..200)
            .map(|i: i32| ((i * 7919) % 65_536 - 32_768) as i16)
            .collect();
        for (start, increment) in [
            (0u64, 1u64 << 32),
            (5 << 32 | 0x1234_5678, 0x1_8000_0001),
            (100 << 32, 0x3_0F00_0000),
            (180 << 32, 0x0_9000_0000),
        ] {
            for n in 0..=MAX_CONTROL {
                let mut out = [f32::NAN; MAX_CONTROL];
                let end = run_linear(&data, start, increment, &mut out[..n]);
                let mut position = start;
                for (k, y) in out[..n].iter().enumerate() {
                    let at = (position >> 32) as usize + PAD;
                    let f = i32::from(((position as u32) >> 18) as i16);
                    let expected = match data.get(at..at + 2) {
                        Some(&[a, b]) => (i32::from(a) * (16_384 - f) + i32::from(b) * f) as f32 / 16_384.0,
                        _ => 0.0,
                    };
                    assert_eq!(
                        y.to_bits(),
                        expected.to_bits(),
                        "start {start:#x} n {n} sample {k}"
                    );
                    position += increment;
                }
                assert_eq!(end, position);
            }
        }
    }

    /// The cubic kernel: SSE2 quads (x86_64) and scalar loop agree bit for bit with the integer
    /// formula, for every run length, across runs that start in range and one whose last taps
    /// leave the data (which takes the checked scalar path and reads zeros there).
    #[test]
    fn cubic_kernel_matches_the_scalar_formula() {
        let tables = InterpTables::new().unwrap();
        let data: alloc::vec::Vec<i16> = (0..200)
            .map(|i: i32| ((i * 7919) % 65_536 - 32_768) as i16)
            .collect();
        let reference = |mut position: u64, increment: u64, n: usize| {
            let mut out = alloc::vec::Vec::new();
            for _ in 0..n {
                let at = (position >> 32) as usize + PAD - 1;
                let c = tables.cubic[((position as u32) >> 24) as usize];
                let tap = |k: usize| i32::from(data.get(at + k).copied().unwrap_or(0));
                let sum: i32 = (0..4).map(|k| tap(k) * i32::from(c[k])).sum();
                out.push(if at + 4 <= data.len() {
                    sum as f32 / 16384.0
                } else {
                    0.0
                });
                position += increment;
            }
            (out, position)
        };
        for (start, increment) in [
            (0u64, 1u64 << 32),
            (5 << 32 | 0x1234_5678, 0x1_8000_0001),
            (100 << 32, 0x3_0F00_0000),
            (170 << 32, 0x0_9000_0000),
        ] {
            for n in 0..=MAX_CONTROL {
                let mut out = [f32::NAN; MAX_CONTROL];
                let end = run_cubic(&data, start, increment, &mut out[..n], &tables.cubic);
                let (expected, expected_end) = reference(start, increment, n);
                assert_eq!(end, expected_end);
                for (k, (a, b)) in out[..n].iter().zip(&expected).enumerate() {
                    assert_eq!(a.to_bits(), b.to_bits(), "start {start:#x} n {n} sample {k}");
                }
            }
        }
    }
}
