//! A host stand-in for PortCls's DMus port: it drives the dmksynth miniport only through its C ABI,
//! in the order and at the (simulated) IRQL the real port uses.
//!
//! * [`HostPort`]: the high-level API the CLI uses (open, download a collection, schedule MIDI,
//!   render periods, stats, close with accounting).
//! * [`harness::Harness`]: the port's side of every call, for tests.
//! * [`HostPlatform`]: the miniport's platform on a host (also what the root package's
//!   `dmksynth_create_miniport` uses off Windows).
//! * [`objects`]: the port-side COM objects (IPortDMus, IAllocatorMXF, IMasterClock).
//! * [`unpack`]: DirectMusic `DMUS_EVENTHEADER` and legacy `KSMUSICFORMAT` buffers → kernel events.
//! * [`measure`]: audio measurements for the tests of both host stand-ins (FFT pitch, cents).
//!
//! The simulated world: the wave sink's sample clock is "real time"; the master clock reads
//! `start + frames · 10^7 / rate · (1 + drift)`. Events scheduled with [`HostPort::schedule_midi`]
//! are held host-side in time order and handed to the miniport (packed into a DirectMusic buffer,
//! unpacked into kernel events from the allocator, `PutMessage` at DISPATCH_LEVEL) once they are
//! due within [`LOOKAHEAD_100NS`], as dmusic.dll and the port's sequencer would.
//!
//! Both modes of the driver ([`miniport::SynthMode`], ADR 002): in **classic** mode the port pulls
//! audio through the wave sink (`SyncToMaster` + `Render` once per period); in **hardware-synth**
//! mode the filter has only the MIDI pin and the audio comes from
//! [`miniport::HardwareSynth::render_into`], called as the adapter's render thread would: in ticks
//! of [`PortConfig::tick_frames`] frames with a deterministic jitter of up to
//! [`PortConfig::tick_jitter_frames`], the master clock reading the time of each tick's first frame.

pub mod harness;
pub mod measure;
pub mod objects;
pub mod platform;
pub mod rng;
pub mod unpack;

pub use harness::{CallFailed, Harness, SampleFormat, Target};
pub use platform::{GuardedAllocator, HostMutex, HostPlatform, HostSpinLock, current_irql, raise_irql};

use dls::model::Collection;
use miniport::properties::{KSPROPERTY_DMKSYNTH_INTERPOLATION, KSPROPSETID_DMKSYNTH};
use portcls_sys::{
    GUID_DMUS_PROP_INSTRUMENT2, KSPROPERTY_SYNTH_DLS_DOWNLOAD, KSPROPERTY_SYNTH_PORTPARAMETERS,
    KSPROPERTY_SYNTH_RUNNINGSTATS, KSPROPERTY_TYPE_GET, KSPROPERTY_TYPE_SET, KSPROPSETID_Synth,
    KSPROPSETID_Synth_Dls, KSSTATE_RUN, KSSTATE_STOP, NTSTATUS, STATUS_NOT_ALL_ASSIGNED, SYNTH_BUFFER,
    SYNTH_EFFECT_CHORUS, SYNTH_EFFECT_REVERB, SYNTH_PORTPARAMS, SYNTH_PORTPARAMS_AUDIOCHANNELS,
    SYNTH_PORTPARAMS_CHANNELGROUPS, SYNTH_PORTPARAMS_EFFECTS, SYNTH_PORTPARAMS_SAMPLERATE,
    SYNTH_PORTPARAMS_VOICES, SYNTH_STATS, SYNTHDOWNLOAD, nt_success,
};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::mem::size_of;
use unpack::MidiEvent;

/// How long before its time an event is handed to the miniport.
pub const LOOKAHEAD_100NS: i64 = 800_000;
/// Events in the port's allocator pool.
pub const EVENT_POOL: usize = 1024;

/// What [`HostPort::open`] opens.
#[derive(Clone, Debug, PartialEq)]
pub struct PortConfig {
    /// Output rate (8 000..=192 000).
    pub sample_rate: u32,
    /// 1 or 2.
    pub channels: u16,
    /// Voices (`SYNTH_PORTPARAMS.Voices`).
    pub voices: u32,
    /// Channel groups (`SYNTH_PORTPARAMS.ChannelGroups`).
    pub channel_groups: u32,
    /// Output sample format.
    pub format: SampleFormat,
    /// Frames per wave-sink period (`Render` call).
    pub period_frames: u32,
    /// Reverb on.
    pub reverb: bool,
    /// Chorus on.
    pub chorus: bool,
    /// Interpolation (through dmksynth's private property), or the engine's default.
    pub interpolation: Option<synth::Interpolation>,
    /// Master clock rate error against the sample clock, parts per million.
    pub clock_drift_ppm: f64,
    /// Which filter the miniport exposes and how audio leaves it. Hardware-synth mode needs
    /// 48 kHz stereo (the engine's fixed format; the host converts to `format`).
    pub mode: miniport::SynthMode,
    /// Hardware-synth mode: nominal frames per `render_into` call (the render thread's tick).
    pub tick_frames: u32,
    /// Hardware-synth mode: each tick is `tick_frames ± tick_jitter_frames` (uniform, seeded).
    pub tick_jitter_frames: u32,
    /// Seed of the tick jitter.
    pub jitter_seed: u64,
}

impl Default for PortConfig {
    fn default() -> Self {
        Self {
            sample_rate: 48_000,
            channels: 2,
            voices: 256,
            channel_groups: 1,
            format: SampleFormat::S16,
            period_frames: 480,
            reverb: true,
            chorus: true,
            interpolation: None,
            clock_drift_ppm: 0.0,
            mode: miniport::SynthMode::Classic,
            tick_frames: 96,
            tick_jitter_frames: 48,
            jitter_seed: 1,
        }
    }
}

/// A failure of the host port.
#[derive(Clone, Debug, PartialEq)]
pub enum HostError {
    /// A miniport call failed.
    Call(CallFailed),
    /// The filter descriptor is not what the port needs.
    Descriptor(String),
    /// The configuration is out of range.
    InvalidConfig(&'static str),
    /// The download builder refused the collection.
    Build(dls::error::DownloadError),
    /// The miniport refused download number `index` (download id `id`).
    Download {
        /// Position in the download sequence.
        index: usize,
        /// Its download id.
        id: u32,
        /// The NTSTATUS.
        status: NTSTATUS,
    },
    /// The books do not balance at close.
    Accounting(String),
}

impl std::fmt::Display for HostError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Call(call) => write!(f, "{call}"),
            Self::Descriptor(what) => write!(f, "{what}"),
            Self::InvalidConfig(what) => write!(f, "invalid port configuration: {what}"),
            Self::Build(error) => write!(f, "cannot build the download sequence: {error:?}"),
            Self::Download { index, id, status } => write!(
                f,
                "the synth refused download {index} (id {id}) with NTSTATUS {:#010X}",
                *status as u32
            ),
            Self::Accounting(what) => write!(f, "accounting: {what}"),
        }
    }
}

impl std::error::Error for HostError {}

impl From<CallFailed> for HostError {
    fn from(call: CallFailed) -> Self {
        Self::Call(call)
    }
}

/// What [`HostPort::download`] sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DownloadReport {
    /// Wave downloads.
    pub waves: usize,
    /// Instrument downloads.
    pub instruments: usize,
    /// Bytes sent.
    pub bytes: usize,
    /// The handles the synth returned, in download order.
    pub handles: Vec<usize>,
}

/// `KSPROPERTY_SYNTH_RUNNINGSTATS`, plus what the host measured.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RunningStats {
    /// Voices (the miniport reports the peak since the last query).
    pub voices: u32,
    /// Notes lost (stolen, refused or dropped).
    pub lost_notes: u32,
    /// Peak level in dB full scale (−96 = silence).
    pub peak_volume_db: i32,
    /// Peak absolute sample the host saw since the last query (0..=1).
    pub peak_level: f32,
}

/// The books at close.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Accounting {
    /// Events taken from the allocator.
    pub events_out: u64,
    /// Events the miniport gave back.
    pub events_back: u64,
    /// Allocator `PutMessage` calls.
    pub allocator_put_calls: u64,
    /// Events given back twice or pointers not from the pool.
    pub bad_returns: u64,
    /// References the miniport still held on port-side objects after release (port, allocator,
    /// clock, summed).
    pub leaked_references: u32,
    /// Downloads unloaded at close.
    pub unloaded: usize,
    /// Unloads that failed.
    pub unload_failures: usize,
    /// Events scheduled but never delivered (after the last render).
    pub undelivered: usize,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Queued {
    time: i64,
    sequence: u64,
    channel_group: u32,
    bytes: Vec<u8>,
}

/// The host port: one filter with both pins open and running.
pub struct HostPort {
    harness: Harness,
    config: PortConfig,
    block_align: usize,
    frames_rendered: i64,
    start_time: i64,
    queue: BinaryHeap<Reverse<Queued>>,
    sequence: u64,
    output: Vec<u8>,
    handles: Vec<usize>,
    next_download_id: u32,
    peak: f32,
    /// Hardware-synth mode: the jitter generator's state and the f32 scratch of one tick.
    jitter: u64,
    scratch: Vec<f32>,
    ticks: u64,
}

fn property_ok(what: &'static str, status: NTSTATUS) -> Result<(), HostError> {
    if nt_success(status) {
        Ok(())
    } else {
        Err(HostError::Call(CallFailed { what, status }))
    }
}

fn as_bytes<T: Copy>(value: &T) -> Vec<u8> {
    let mut bytes = vec![0u8; size_of::<T>()];
    // SAFETY: `bytes` is exactly one T long; plain data.
    unsafe {
        std::ptr::copy_nonoverlapping((value as *const T).cast::<u8>(), bytes.as_mut_ptr(), bytes.len())
    };
    bytes
}

fn from_bytes<T: Copy>(bytes: &[u8]) -> T {
    assert!(bytes.len() >= size_of::<T>());
    // SAFETY: at least one T of bytes; every caller uses plain-data types.
    unsafe { bytes.as_ptr().cast::<T>().read_unaligned() }
}

impl HostPort {
    /// Creates the miniport and brings the filter up as the port and dmusic.dll do: factory, Init,
    /// GetDescription (validated), NewStream for the MIDI pin and the wave pin, PORTPARAMETERS,
    /// effects and interpolation, SetState to RUN on both pins, SyncToMaster(start).
    pub fn open(config: &PortConfig) -> Result<HostPort, HostError> {
        if !(8_000..=192_000).contains(&config.sample_rate) {
            return Err(HostError::InvalidConfig("sample rate must be 8000..=192000"));
        }
        if !(1..=2).contains(&config.channels) {
            return Err(HostError::InvalidConfig("channels must be 1 or 2"));
        }
        if config.period_frames == 0 || config.period_frames > config.sample_rate {
            return Err(HostError::InvalidConfig("period must be 1 frame..1 second"));
        }
        if !config.clock_drift_ppm.is_finite() || config.clock_drift_ppm.abs() > 10_000.0 {
            return Err(HostError::InvalidConfig("clock drift must be within ±10000 ppm"));
        }
        let hardware = config.mode == miniport::SynthMode::HardwareSynth;
        if hardware {
            if config.sample_rate != miniport::hardware::SAMPLE_RATE
                || config.channels != miniport::hardware::CHANNELS
            {
                return Err(HostError::InvalidConfig(
                    "hardware-synth mode renders 48 kHz stereo",
                ));
            }
            if config.tick_frames == 0 || config.tick_jitter_frames >= config.tick_frames {
                return Err(HostError::InvalidConfig(
                    "tick must be ≥ 1 frame and larger than its jitter",
                ));
            }
        }
        let start_time = 0;
        let mut harness = Harness::create_with_mode(EVENT_POOL, start_time, config.mode)?;
        harness.init()?;
        harness.describe().map_err(HostError::Descriptor)?;
        harness.open_midi()?;
        if hardware {
            harness.use_midi_stream_as_sink()?;
        } else {
            harness.open_wave(config.sample_rate, config.channels, config.format)?;
        }
        let block_align = usize::from(config.channels) * config.format.bytes();
        let mut port = HostPort {
            harness,
            config: config.clone(),
            block_align,
            frames_rendered: 0,
            start_time,
            queue: BinaryHeap::new(),
            sequence: 0,
            output: vec![0; config.period_frames as usize * block_align],
            handles: Vec::new(),
            next_download_id: 1,
            peak: 0.0,
            jitter: config.jitter_seed | 1,
            scratch: Vec::new(),
            ticks: 0,
        };
        port.port_parameters()?;
        if let Some(interpolation) = config.interpolation {
            let value: u32 = match interpolation {
                synth::Interpolation::Linear => 0,
                synth::Interpolation::Cubic => 1,
                synth::Interpolation::Sinc => 2,
            };
            let mut bytes = value.to_le_bytes();
            let (status, _) = port.harness.property(
                Target::MidiStream,
                &KSPROPSETID_DMKSYNTH,
                KSPROPERTY_DMKSYNTH_INTERPOLATION,
                KSPROPERTY_TYPE_SET,
                &[],
                &mut bytes,
            );
            property_ok("SET dmksynth interpolation", status)?;
        }
        // SAFETY: the stream is open and live.
        unsafe {
            port.harness
                .transition(port.harness.midi, KSSTATE_RUN, KSSTATE_STOP)
        }?;
        if !hardware {
            // SAFETY: the stream is open and live.
            unsafe {
                port.harness
                    .transition(port.harness.wave, KSSTATE_RUN, KSSTATE_STOP)
            }?;
            property_ok("SyncToMaster(start)", port.harness.sync_to_master(0, true))?;
        }
        Ok(port)
    }

    fn port_parameters(&mut self) -> Result<(), HostError> {
        let config = &self.config;
        let requested = SYNTH_PORTPARAMS {
            ValidParams: SYNTH_PORTPARAMS_VOICES
                | SYNTH_PORTPARAMS_CHANNELGROUPS
                | SYNTH_PORTPARAMS_AUDIOCHANNELS
                | SYNTH_PORTPARAMS_SAMPLERATE
                | SYNTH_PORTPARAMS_EFFECTS,
            Voices: config.voices,
            ChannelGroups: config.channel_groups,
            AudioChannels: u32::from(config.channels),
            SampleRate: config.sample_rate,
            EffectsFlags: (if config.reverb { SYNTH_EFFECT_REVERB } else { 0 })
                | (if config.chorus { SYNTH_EFFECT_CHORUS } else { 0 }),
            Share: 0,
        };
        let instance = as_bytes(&requested);
        let mut value = vec![0u8; size_of::<SYNTH_PORTPARAMS>()];
        let (status, _) = self.harness.property(
            Target::MidiStream,
            &KSPROPSETID_Synth,
            KSPROPERTY_SYNTH_PORTPARAMETERS,
            KSPROPERTY_TYPE_GET,
            &instance,
            &mut value,
        );
        property_ok("GET KSPROPERTY_SYNTH_PORTPARAMETERS", status)?;
        if status == STATUS_NOT_ALL_ASSIGNED {
            let granted: SYNTH_PORTPARAMS = from_bytes(&value);
            self.config.voices = granted.Voices;
            self.config.channel_groups = granted.ChannelGroups;
        }
        Ok(())
    }

    /// The low-level harness (for tests).
    pub fn harness(&self) -> &Harness {
        &self.harness
    }

    /// The configuration in force (voices and groups as the synth granted them).
    pub fn config(&self) -> &PortConfig {
        &self.config
    }

    /// Sends a collection as dmusic.dll does: the builder's buffers, one
    /// `KSPROPERTY_SYNTH_DLS_DOWNLOAD` GET each (instance `SYNTH_BUFFER`).
    pub fn download(&mut self, collection: &Collection) -> Result<DownloadReport, HostError> {
        let mut value = [0u8; 4];
        let (status, _) = self.harness.property(
            Target::MidiStream,
            &GUID_DMUS_PROP_INSTRUMENT2,
            0,
            KSPROPERTY_TYPE_GET,
            &[],
            &mut value,
        );
        let instrument2 = nt_success(status) && u32::from_le_bytes(value) != 0;
        let options = dls::download::build::BuildOptions {
            instrument2,
            first_id: self.next_download_id,
        };
        let buffers = dls::download::build::build_downloads(collection, options).map_err(HostError::Build)?;
        let mut report = DownloadReport::default();
        for (index, buffer) in buffers.iter().enumerate() {
            let instance = SYNTH_BUFFER {
                BufferSize: buffer.bytes.len() as u32,
                BufferAddress: buffer.bytes.as_ptr() as *mut std::ffi::c_void,
            };
            let mut value = vec![0u8; size_of::<SYNTHDOWNLOAD>()];
            let (status, _) = self.harness.property(
                Target::MidiStream,
                &KSPROPSETID_Synth_Dls,
                KSPROPERTY_SYNTH_DLS_DOWNLOAD,
                KSPROPERTY_TYPE_GET,
                &as_bytes(&instance),
                &mut value,
            );
            if !nt_success(status) {
                return Err(HostError::Download {
                    index,
                    id: buffer.id,
                    status,
                });
            }
            let handle: usize = from_bytes(&value);
            self.handles.push(handle);
            report.handles.push(handle);
            report.bytes += buffer.bytes.len();
            match buffer.origin {
                dls::download::build::Origin::Wave(_) => report.waves += 1,
                dls::download::build::Origin::Instrument(_) => report.instruments += 1,
            }
            self.next_download_id = self.next_download_id.max(buffer.id.saturating_add(1));
        }
        Ok(report)
    }

    /// `KSPROPERTY_SYNTH_DLS_UNLOAD` of one handle [`HostPort::download`] returned (it is then
    /// not unloaded again at close). Returns the NTSTATUS.
    pub fn unload(&mut self, handle: usize) -> NTSTATUS {
        let status = self.harness.unload(handle);
        if nt_success(status) {
            self.handles.retain(|&kept| kept != handle);
        }
        status
    }

    /// Schedules MIDI bytes (one message, or a SysEx) at master time `time_100ns` for
    /// `channel_group` (1-based; 0 = all groups).
    pub fn schedule_midi(&mut self, time_100ns: i64, channel_group: u32, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.sequence += 1;
        self.queue.push(Reverse(Queued {
            // 0 means "now" in a kernel event; keep real times distinct from it.
            time: time_100ns.max(1),
            sequence: self.sequence,
            channel_group,
            bytes: bytes.to_vec(),
        }));
    }

    /// Master time at stream frame `frames` in the simulated world.
    fn master_at(&self, frames: i64) -> i64 {
        let rate = f64::from(self.config.sample_rate);
        let ticks = frames as f64 * 1e7 / rate * (1.0 + self.config.clock_drift_ppm * 1e-6);
        self.start_time + ticks.round() as i64
    }

    /// Hands every queued event due before `horizon` to the miniport.
    fn deliver(&mut self, horizon: i64) {
        let mut due = Vec::new();
        while let Some(Reverse(next)) = self.queue.peek() {
            if next.time >= horizon {
                break;
            }
            let Some(Reverse(event)) = self.queue.pop() else {
                break;
            };
            due.push(MidiEvent {
                time: event.time,
                channel_group: event.channel_group,
                bytes: event.bytes,
            });
        }
        if due.is_empty() {
            return;
        }
        // As dmusic.dll: one DirectMusic buffer; as the port: unpack it into kernel events.
        let start = due[0].time;
        let buffer = unpack::pack_dmus_buffer(start, &due);
        let events = unpack::unpack_dmus_buffer(start, &buffer).unwrap_or(due);
        for batch in events.chunks(EVENT_POOL / 4) {
            let (chain, _) = unpack::to_kernel_events(self.harness.allocator(), batch);
            if !chain.is_null() {
                // SAFETY: a chain of this harness's allocator's events, handed over.
                unsafe { self.harness.put_message(chain) };
            }
        }
    }

    /// One period of `frames` frames: deliver due events, then, in classic mode, SyncToMaster and
    /// Render; in hardware-synth mode, `render_into` in jittered ticks. Returns the period's bytes
    /// in the configured format (interleaved, little-endian).
    pub fn render(&mut self, frames: u32) -> Result<&[u8], HostError> {
        if frames == 0 || frames > self.config.sample_rate {
            return Err(HostError::InvalidConfig(
                "render period must be 1 frame..1 second",
            ));
        }
        let now = self.master_at(self.frames_rendered);
        self.harness.clock().set(now);
        self.deliver(now + LOOKAHEAD_100NS);
        let bytes = frames as usize * self.block_align;
        if self.output.len() < bytes {
            self.output.resize(bytes, 0);
        }
        if self.harness.hardware.is_some() {
            self.render_ticks(frames);
        } else {
            let sink_time =
                (i128::from(self.frames_rendered) * 10_000_000 / i128::from(self.config.sample_rate)) as i64;
            property_ok("SyncToMaster", self.harness.sync_to_master(sink_time, false))?;
            let output = &mut self.output[..bytes];
            self.harness
                .render(output, frames, self.frames_rendered, self.block_align);
        }
        let output = &self.output[..bytes];
        self.frames_rendered += i64::from(frames);
        let peak = match self.config.format {
            SampleFormat::S16 => output
                .chunks_exact(2)
                .map(|s| (f32::from(i16::from_le_bytes([s[0], s[1]])) / 32768.0).abs())
                .fold(0.0f32, f32::max),
            SampleFormat::F32 => output
                .chunks_exact(4)
                .map(|s| f32::from_le_bytes([s[0], s[1], s[2], s[3]]).abs())
                .fold(0.0f32, f32::max),
        };
        self.peak = self.peak.max(peak);
        Ok(&self.output[..bytes])
    }

    /// Hardware-synth mode: renders the period `[frames_rendered, + frames)` into `output` as the
    /// render thread would, one `render_into` per tick of `tick_frames ± tick_jitter_frames`
    /// frames (the last one cut at the period's end), the master clock set to the time of each
    /// tick's first frame; f32 converted to the configured format (PCM 16 as the WaveRT writer
    /// does: × 32767, rounded, saturated).
    fn render_ticks(&mut self, frames: u32) {
        let Some(synth) = self.harness.hardware.as_ref() else {
            return;
        };
        let mut done = 0u32;
        while done < frames {
            // xorshift64: deterministic jitter.
            self.jitter ^= self.jitter << 13;
            self.jitter ^= self.jitter >> 7;
            self.jitter ^= self.jitter << 17;
            let span = u64::from(self.config.tick_jitter_frames) * 2 + 1;
            let tick = self.config.tick_frames - self.config.tick_jitter_frames + (self.jitter % span) as u32;
            let chunk = tick.min(frames - done);
            let position = self.frames_rendered + i64::from(done);
            self.harness.clock().set(self.master_at(position));
            let samples = chunk as usize * 2;
            if self.scratch.len() < samples {
                self.scratch.resize(samples, 0.0);
            }
            let scratch = &mut self.scratch[..samples];
            synth.render_into(position as u64, scratch);
            self.ticks += 1;
            let start = done as usize * self.block_align;
            let output = &mut self.output[start..start + chunk as usize * self.block_align];
            match self.config.format {
                SampleFormat::F32 => {
                    for (bytes, sample) in output.chunks_exact_mut(4).zip(scratch.iter()) {
                        bytes.copy_from_slice(&sample.to_le_bytes());
                    }
                }
                SampleFormat::S16 => {
                    for (bytes, sample) in output.chunks_exact_mut(2).zip(scratch.iter()) {
                        let value = (sample * 32767.0).round().clamp(-32768.0, 32767.0) as i16;
                        bytes.copy_from_slice(&value.to_le_bytes());
                    }
                }
            }
            done += chunk;
        }
    }

    /// Hardware-synth mode: `render_into` calls made so far.
    pub fn ticks(&self) -> u64 {
        self.ticks
    }

    /// Hardware-synth mode: the adapter's synth handle.
    pub fn hardware(&self) -> Option<&miniport::HardwareSynth<HostPlatform>> {
        self.harness.hardware.as_ref()
    }

    /// Frames rendered so far.
    pub fn frames_rendered(&self) -> i64 {
        self.frames_rendered
    }

    /// The master clock now (at the start of the next period).
    pub fn master_time_100ns(&self) -> i64 {
        self.master_at(self.frames_rendered)
    }

    /// `ISynthSinkDMus::SampleToRefTime`.
    pub fn sample_to_ref_time(&self, frame: i64) -> i64 {
        self.harness.sample_to_ref_time(frame)
    }

    /// `ISynthSinkDMus::RefTimeToSample`.
    pub fn ref_time_to_sample(&self, time: i64) -> i64 {
        self.harness.ref_time_to_sample(time)
    }

    /// `KSPROPERTY_SYNTH_RUNNINGSTATS` (peaks restart) plus the host's own peak.
    pub fn stats(&mut self) -> Result<RunningStats, HostError> {
        let mut value = vec![0u8; size_of::<SYNTH_STATS>()];
        let (status, _) = self.harness.property(
            Target::MidiStream,
            &KSPROPSETID_Synth,
            KSPROPERTY_SYNTH_RUNNINGSTATS,
            KSPROPERTY_TYPE_GET,
            &[],
            &mut value,
        );
        property_ok("GET KSPROPERTY_SYNTH_RUNNINGSTATS", status)?;
        let stats: SYNTH_STATS = from_bytes(&value);
        let peak = std::mem::take(&mut self.peak);
        Ok(RunningStats {
            voices: stats.Voices,
            lost_notes: stats.LostNotes,
            peak_volume_db: stats.PeakVolume,
            peak_level: peak,
        })
    }

    /// Stops both pins, unloads every download, releases everything, and checks the books: every
    /// event back, no reference left on the port's objects.
    pub fn close(mut self) -> Result<Accounting, HostError> {
        if !self.harness.wave.is_null() {
            // SAFETY: the stream is open and live.
            unsafe {
                self.harness
                    .transition(self.harness.wave, KSSTATE_STOP, KSSTATE_RUN)
            }?;
        }
        // SAFETY: the stream is open and live.
        unsafe {
            self.harness
                .transition(self.harness.midi, KSSTATE_STOP, KSSTATE_RUN)
        }?;
        let mut accounting = Accounting {
            undelivered: self.queue.len(),
            ..Accounting::default()
        };
        for handle in std::mem::take(&mut self.handles).into_iter().rev() {
            if nt_success(self.harness.unload(handle)) {
                accounting.unloaded += 1;
            } else {
                accounting.unload_failures += 1;
            }
        }
        self.harness.release_miniport_side();
        let (port, allocator, clock) = self.harness.foreign_references();
        let counters = self.harness.allocator().counters();
        accounting.events_out = counters.events_out;
        accounting.events_back = counters.events_back;
        accounting.allocator_put_calls = counters.put_calls;
        accounting.bad_returns = counters.double_returns + counters.foreign_returns;
        accounting.leaked_references = port + allocator + clock;
        if accounting.events_out != accounting.events_back {
            return Err(HostError::Accounting(format!(
                "{} events out, {} back",
                accounting.events_out, accounting.events_back
            )));
        }
        if accounting.leaked_references != 0 || accounting.bad_returns != 0 {
            return Err(HostError::Accounting(format!("{accounting:?}")));
        }
        Ok(accounting)
    }
}
