//! `dmksynth render`: a MIDI file through the host PortCls stand-in (and so through the
//! miniport's C ABI and the engine) into a WAV file.

use std::io::{BufWriter, IsTerminal};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use dls::model::Collection;

use crate::midi::{self, Song};
use crate::output::Pending;
use crate::{Format, Interp, Mode, RenderArgs, bank, plot};

/// Lowest accepted `--rate`.
pub(crate) const MINIMUM_RATE: u32 = 8_000;
/// Highest accepted `--rate`.
pub(crate) const MAXIMUM_RATE: u32 = 192_000;
/// Most accepted `--voices`.
pub(crate) const MAXIMUM_VOICES: u32 = 1_000;
/// A render stops once the output has been silent this long after the last event...
const SILENT_TAIL_SECONDS: f64 = 0.5;
/// ...or this long after the last event, whichever comes first.
const MAXIMUM_TAIL_SECONDS: f64 = 5.0;
/// The longest song `render` accepts (the audio is held in memory until it is written).
const MAXIMUM_SONG_100NS: i64 = 3 * 36_000_000_000;
/// Below this the output counts as silent (-80 dBFS).
const SILENCE: f32 = 1.0e-4;
/// Channel group the song plays on (DirectMusic numbers groups from 1).
const CHANNEL_GROUP: u32 = 1;

/// What the port says after a render.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Stats {
    /// Most voices sounding at once.
    pub(crate) peak_voices: u32,
    /// Notes that could not get a voice (or events dropped).
    pub(crate) lost_notes: u64,
}

/// The rendering back end: the host port, seen from the tool.
pub(crate) trait Backend {
    /// Downloads the bank; returns a one-line description.
    fn download(&mut self, collection: &Collection) -> Result<String>;
    /// Queues one MIDI message at `time` (100 ns units since the start).
    fn schedule(&mut self, time: i64, bytes: &[u8]);
    /// Renders one period of `frames` frames, interleaved, as f32 or i16 bytes.
    fn render(&mut self, frames: u32) -> Result<&[u8]>;
    /// Running statistics.
    fn stats(&mut self) -> Result<Stats>;
    /// Closes the port.
    fn close(self: Box<Self>) -> Result<()>;
}

/// Port parameters chosen on the command line.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    pub(crate) rate: u32,
    pub(crate) channels: u16,
    pub(crate) voices: u32,
    pub(crate) format: Format,
    pub(crate) interp: Interp,
    pub(crate) reverb: bool,
    pub(crate) chorus: bool,
    pub(crate) period_frames: u32,
    pub(crate) mode: Mode,
}

/// The real back end: `portcls_host::HostPort`, i.e. the PortCls stand-in driving the miniport
/// through its C ABI.
mod host {
    use super::{Backend, Collection, Result, Settings, Stats};
    use crate::{Format, Interp, Mode};
    use anyhow::anyhow;
    use portcls_host::{HostPort, PortConfig, SampleFormat};

    /// Periods between two `KSPROPERTY_SYNTH_RUNNINGSTATS` queries (the miniport reports the
    /// peak voice count since the previous query, so the tool polls and keeps the maximum).
    const STATS_EVERY: u32 = 10;

    pub(crate) struct Host {
        port: HostPort,
        /// Master time of song time 0 (the simulated master clock does not start at 0).
        origin: i64,
        periods: u32,
        peak_voices: u32,
        lost_notes: u32,
    }

    pub(crate) fn open(settings: &Settings) -> Result<Box<dyn Backend>> {
        let config = PortConfig {
            sample_rate: settings.rate,
            channels: settings.channels,
            voices: settings.voices,
            channel_groups: 1,
            format: match settings.format {
                Format::S16 => SampleFormat::S16,
                Format::F32 => SampleFormat::F32,
            },
            period_frames: settings.period_frames,
            mode: match settings.mode {
                Mode::Classic => miniport::SynthMode::Classic,
                Mode::HardwareSynth => miniport::SynthMode::HardwareSynth,
            },
            reverb: settings.reverb,
            chorus: settings.chorus,
            interpolation: Some(match settings.interp {
                Interp::Linear => synth::Interpolation::Linear,
                Interp::Cubic => synth::Interpolation::Cubic,
                Interp::Sinc => synth::Interpolation::Sinc,
            }),
            ..PortConfig::default()
        };
        let port = HostPort::open(&config).map_err(|error| anyhow!("cannot open the synth port: {error}"))?;
        let origin = port.master_time_100ns();
        Ok(Box::new(Host {
            port,
            origin,
            periods: 0,
            peak_voices: 0,
            lost_notes: 0,
        }))
    }

    impl Host {
        fn poll(&mut self) -> Result<()> {
            let stats = self
                .port
                .stats()
                .map_err(|error| anyhow!("cannot read the synth's statistics: {error}"))?;
            self.peak_voices = self.peak_voices.max(stats.voices);
            self.lost_notes = self.lost_notes.max(stats.lost_notes);
            Ok(())
        }
    }

    impl Backend for Host {
        fn download(&mut self, collection: &Collection) -> Result<String> {
            let report = self
                .port
                .download(collection)
                .map_err(|error| anyhow!("the synth refused the bank: {error}"))?;
            Ok(format!(
                "{} waves and {} instruments ({} bytes)",
                report.waves, report.instruments, report.bytes
            ))
        }

        fn schedule(&mut self, time: i64, bytes: &[u8]) {
            self.port
                .schedule_midi(self.origin.saturating_add(time), super::CHANNEL_GROUP, bytes);
        }

        fn render(&mut self, frames: u32) -> Result<&[u8]> {
            self.periods = self.periods.wrapping_add(1);
            if self.periods.is_multiple_of(STATS_EVERY) {
                self.poll()?;
            }
            self.port
                .render(frames)
                .map_err(|error| anyhow!("render failed: {error}"))
        }

        fn stats(&mut self) -> Result<Stats> {
            self.poll()?;
            Ok(Stats {
                peak_voices: self.peak_voices,
                lost_notes: u64::from(self.lost_notes),
            })
        }

        fn close(self: Box<Self>) -> Result<()> {
            let accounting = self
                .port
                .close()
                .map_err(|error| anyhow!("closing the synth port failed: {error}"))?;
            if accounting.bad_returns != 0
                || accounting.leaked_references != 0
                || accounting.unload_failures != 0
            {
                anyhow::bail!("the synth port's books do not balance at close: {accounting:?}");
            }
            Ok(())
        }
    }
}

/// Opens the back end for `settings`.
pub(crate) fn open(settings: &Settings) -> Result<Box<dyn Backend>> {
    host::open(settings)
}

/// The hardware-synth mode's fixed engine: `miniport::hardware`'s rate, and the engine's default
/// voice count, which that mode keeps.
const HARDWARE_SYNTH_RATE: u32 = miniport::hardware::SAMPLE_RATE;
const HARDWARE_SYNTH_VOICES: u32 = 256;

/// Checks the numeric options (before anything is read or written).
pub(crate) fn validate(args: &RenderArgs) -> Result<()> {
    if !(MINIMUM_RATE..=MAXIMUM_RATE).contains(&args.rate) {
        bail!(
            "invalid --rate {}: must be within {MINIMUM_RATE}..={MAXIMUM_RATE} Hz",
            args.rate
        );
    }
    if args.voices == 0 || args.voices > MAXIMUM_VOICES {
        bail!(
            "invalid --voices {}: must be within 1..={MAXIMUM_VOICES}",
            args.voices
        );
    }
    if args.mode == Mode::HardwareSynth
        && (args.rate != HARDWARE_SYNTH_RATE || args.voices != HARDWARE_SYNTH_VOICES)
    {
        bail!(
            "--mode hardware-synth renders at {HARDWARE_SYNTH_RATE} Hz with {HARDWARE_SYNTH_VOICES} voices (the driver's fixed engine in that mode)"
        );
    }
    if args.png.as_deref() == Some(args.output.as_path()) {
        bail!("--png and -o name the same file {}", args.output.display());
    }
    Ok(())
}

/// Rendered audio, interleaved.
pub(crate) enum Audio {
    I16(Vec<i16>),
    F32(Vec<f32>),
}

impl Audio {
    fn len(&self) -> usize {
        match self {
            Self::I16(samples) => samples.len(),
            Self::F32(samples) => samples.len(),
        }
    }

    fn truncate(&mut self, length: usize) {
        match self {
            Self::I16(samples) => samples.truncate(length),
            Self::F32(samples) => samples.truncate(length),
        }
    }

    /// The sample at `index` as f32 in [-1, 1].
    fn get(&self, index: usize) -> f32 {
        match self {
            Self::I16(samples) => samples
                .get(index)
                .map_or(0.0, |value| f32::from(*value) / 32_768.0),
            Self::F32(samples) => samples.get(index).copied().unwrap_or(0.0),
        }
    }

    /// Appends a period's bytes; returns its peak and the index (in samples, from the start of
    /// the period) just past its last sample louder than [`SILENCE`], if any.
    fn append(&mut self, bytes: &[u8]) -> (f32, Option<usize>) {
        let mut peak = 0.0_f32;
        let mut loud_until = None;
        let mut note = |index: usize, magnitude: f32| {
            peak = peak.max(magnitude);
            if magnitude > SILENCE {
                loud_until = Some(index + 1);
            }
        };
        match self {
            Self::I16(samples) => {
                for (index, pair) in bytes.chunks_exact(2).enumerate() {
                    let value = i16::from_le_bytes([pair[0], pair[1]]);
                    note(index, (f32::from(value) / 32_768.0).abs());
                    samples.push(value);
                }
            }
            Self::F32(samples) => {
                for (index, quad) in bytes.chunks_exact(4).enumerate() {
                    let value = f32::from_le_bytes([quad[0], quad[1], quad[2], quad[3]]);
                    note(
                        index,
                        if value.is_finite() {
                            value.abs()
                        } else {
                            f32::INFINITY
                        },
                    );
                    samples.push(value);
                }
            }
        }
        (peak, loud_until)
    }
}

/// The result of playing a song.
pub(crate) struct Rendered {
    pub(crate) audio: Audio,
    pub(crate) stats: Stats,
    pub(crate) download: String,
}

fn frames_to_time(frames: u64, rate: u32) -> i64 {
    i64::try_from(u128::from(frames) * 10_000_000 / u128::from(rate)).unwrap_or(i64::MAX)
}

/// Plays `song` with `collection` through a back end opened with `settings`.
pub(crate) fn play(
    song: &Song,
    collection: &Collection,
    settings: &Settings,
    progress: &indicatif::ProgressBar,
) -> Result<Rendered> {
    let mut backend = open(settings)?;
    let download = backend.download(collection)?;
    let mut rendered = drive(song, &mut *backend, settings, progress)?;
    backend.close()?;
    rendered.download = download;
    Ok(rendered)
}

/// Schedules `song` into `backend` period by period and collects the audio until the song has
/// ended and the output has been silent for [`SILENT_TAIL_SECONDS`] (at most
/// [`MAXIMUM_TAIL_SECONDS`] after the last event). The result keeps the song's whole length,
/// plus the audible tail and 0.1 s.
fn drive(
    song: &Song,
    backend: &mut dyn Backend,
    settings: &Settings,
    progress: &indicatif::ProgressBar,
) -> Result<Rendered> {
    let channels = u64::from(settings.channels);
    let period = settings.period_frames.max(1);
    let rate = settings.rate;
    let mut audio = match settings.format {
        Format::S16 => Audio::I16(Vec::new()),
        Format::F32 => Audio::F32(Vec::new()),
    };
    let end_of_song = song.length;
    let cap = end_of_song.saturating_add((MAXIMUM_TAIL_SECONDS * 1.0e7) as i64);
    let silent_needed = (SILENT_TAIL_SECONDS * f64::from(rate)) as u64;
    let mut next_event = 0_usize;
    let mut frames: u64 = 0;
    let mut last_loud_frame: u64 = 0;
    loop {
        // Hand the port every event up to two periods ahead, as PortCls would.
        let horizon = frames_to_time(frames + 2 * u64::from(period), rate);
        while let Some(event) = song.events.get(next_event) {
            if event.time >= horizon {
                break;
            }
            backend.schedule(event.time, &event.bytes);
            next_event += 1;
        }
        let bytes = backend.render(period)?;
        let expected = usize::try_from(u64::from(period) * channels).unwrap_or(usize::MAX)
            * match settings.format {
                Format::S16 => 2,
                Format::F32 => 4,
            };
        if bytes.len() != expected {
            bail!(
                "the port returned {} bytes for a period of {period} frames (expected {expected})",
                bytes.len()
            );
        }
        let (peak, loud_until) = audio.append(bytes);
        if !peak.is_finite() {
            bail!("the synth produced a non-finite sample");
        }
        if let Some(samples) = loud_until {
            last_loud_frame = frames + (samples as u64).div_ceil(channels);
        }
        frames += u64::from(period);
        progress.set_position(frames);
        let now = frames_to_time(frames, rate);
        if now >= end_of_song && next_event >= song.events.len() {
            let quiet_for = frames.saturating_sub(last_loud_frame);
            if quiet_for >= silent_needed || now >= cap {
                break;
            }
        }
    }
    let song_frames = u64::try_from(i128::from(end_of_song) * i128::from(rate) / 10_000_000).unwrap_or(0);
    // The song's whole length; if the sound rings on past it, up to 0.1 s after it falls silent.
    let tail = if last_loud_frame > song_frames {
        last_loud_frame + u64::from(rate) / 10
    } else {
        0
    };
    let keep_frames = song_frames.max(tail).min(frames);
    audio.truncate(usize::try_from(keep_frames * channels).unwrap_or(usize::MAX));
    let stats = backend.stats()?;
    Ok(Rendered {
        audio,
        stats,
        download: String::new(),
    })
}

/// Writes `audio` as a WAV file into `pending`.
fn write_wav(pending: &mut Pending, audio: &Audio, settings: &Settings) -> Result<()> {
    let spec = hound::WavSpec {
        channels: settings.channels,
        sample_rate: settings.rate,
        bits_per_sample: match audio {
            Audio::I16(_) => 16,
            Audio::F32(_) => 32,
        },
        sample_format: match audio {
            Audio::I16(_) => hound::SampleFormat::Int,
            Audio::F32(_) => hound::SampleFormat::Float,
        },
    };
    let mut writer = hound::WavWriter::new(BufWriter::new(pending.file()), spec)?;
    match audio {
        Audio::I16(samples) => {
            for sample in samples {
                writer.write_sample(*sample)?;
            }
        }
        Audio::F32(samples) => {
            for sample in samples {
                writer.write_sample(*sample)?;
            }
        }
    }
    writer.finalize()?;
    Ok(())
}

/// `dmksynth render`.
pub(crate) fn run(args: &RenderArgs) -> Result<()> {
    validate(args)?;
    let bytes =
        std::fs::read(&args.input).with_context(|| format!("cannot read {}", args.input.display()))?;
    let song = midi::parse(&bytes).with_context(|| format!("{}", args.input.display()))?;
    if song.length > MAXIMUM_SONG_100NS {
        bail!(
            "{}: the song lasts {:.1} hours; dmksynth renders at most {} hours",
            args.input.display(),
            song.length as f64 / 3.6e10,
            MAXIMUM_SONG_100NS / 36_000_000_000
        );
    }
    let collection = match &args.bank {
        Some(path) => bank::load(path)?,
        None => bank::default_bank(gm_bank::DEFAULT_SAMPLE_RATE)?,
    };
    // Create the outputs before the (long) render, so an unwritable path fails fast.
    let mut wav = Pending::create(&args.output)?;
    let png = args.png.as_deref().map(Pending::create).transpose()?;

    let settings = Settings {
        rate: args.rate,
        channels: 2,
        voices: args.voices,
        format: args.format,
        interp: args.interp,
        reverb: !args.no_reverb,
        chorus: !args.no_chorus,
        period_frames: (args.rate / 100).max(64),
        mode: args.mode,
    };
    let estimate = u64::try_from(i128::from(song.length) * i128::from(args.rate) / 10_000_000).unwrap_or(0)
        + u64::from(args.rate);
    let progress = if !args.quiet && std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(estimate);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} rendering [{bar:40}] {percent:>3}% {elapsed_precise}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let started = Instant::now();
    let rendered = play(&song, &collection, &settings, &progress)?;
    let elapsed = started.elapsed().as_secs_f64();
    progress.finish_and_clear();

    write_wav(&mut wav, &rendered.audio, &settings)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    if let (Some(pending), Some(path)) = (png, args.png.as_deref()) {
        let mono = mixdown(&rendered.audio, settings.channels);
        plot::draw(pending.path(), &mono, settings.rate)
            .with_context(|| format!("cannot draw {}", path.display()))?;
        wav.commit()?;
        pending.commit()?;
    } else {
        wav.commit()?;
    }

    if !args.quiet {
        let frames = rendered.audio.len() / usize::from(settings.channels);
        let seconds = frames as f64 / f64::from(settings.rate);
        let peak = (0..rendered.audio.len())
            .map(|index| rendered.audio.get(index).abs())
            .fold(0.0_f32, f32::max);
        let peak_db = if peak > 0.0 {
            format!("{:.1} dBFS", 20.0 * peak.log10())
        } else {
            String::from("silent")
        };
        println!(
            "{}: {:.2} s of audio at {} Hz in {:.2} s ({:.1}× real time); {} notes; peak voices {}; lost notes {}; peak level {}",
            args.output.display(),
            seconds,
            settings.rate,
            elapsed,
            if elapsed > 0.0 {
                seconds / elapsed
            } else {
                f64::INFINITY
            },
            song.notes,
            rendered.stats.peak_voices,
            rendered.stats.lost_notes,
            peak_db
        );
        let _ = &rendered.download;
    }
    Ok(())
}

/// Averages the channels.
fn mixdown(audio: &Audio, channels: u16) -> Vec<f32> {
    let channels = usize::from(channels.max(1));
    let frames = audio.len() / channels;
    (0..frames)
        .map(|frame| {
            (0..channels)
                .map(|channel| audio.get(frame * channels + channel))
                .sum::<f32>()
                / channels as f32
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CLI's hardware-synth voice count is the one the driver's fixed engine has.
    #[test]
    fn hardware_synth_voices_are_the_engines() {
        assert_eq!(HARDWARE_SYNTH_VOICES, synth::EngineConfig::default().voices);
    }

    use crate::midi::TimedEvent;

    /// A fake port: plays a full-scale square while any note is on (plus `ring` frames after the
    /// last note-off), and records when each event was handed over.
    struct Fake {
        rate: u32,
        frames: u64,
        sounding: i32,
        ring: u64,
        ringing_until: u64,
        forever: bool,
        scheduled: Vec<(i64, u64)>,
        pending: Vec<(u64, bool)>,
        bytes: Vec<u8>,
    }

    impl Backend for Fake {
        fn download(&mut self, _: &Collection) -> Result<String> {
            Ok(String::new())
        }
        fn schedule(&mut self, time: i64, bytes: &[u8]) {
            self.scheduled.push((time, self.frames));
            let frame = u64::try_from(i128::from(time) * i128::from(self.rate) / 10_000_000).unwrap();
            self.pending
                .push((frame, bytes[0] & 0xF0 == 0x90 && bytes[2] > 0));
        }
        fn render(&mut self, frames: u32) -> Result<&[u8]> {
            self.bytes.clear();
            for offset in 0..u64::from(frames) {
                let now = self.frames + offset;
                let due: Vec<bool> = self
                    .pending
                    .iter()
                    .filter(|(at, _)| *at == now)
                    .map(|(_, on)| *on)
                    .collect();
                for on in due {
                    self.sounding += if on { 1 } else { -1 };
                    if self.sounding == 0 {
                        self.ringing_until = now + self.ring;
                    }
                }
                let loud = self.forever || self.sounding > 0 || now < self.ringing_until;
                let value: i16 = if loud {
                    if now.is_multiple_of(2) { 16_000 } else { -16_000 }
                } else {
                    0
                };
                for _ in 0..2 {
                    self.bytes.extend_from_slice(&value.to_le_bytes());
                }
            }
            self.frames += u64::from(frames);
            Ok(&self.bytes)
        }
        fn stats(&mut self) -> Result<Stats> {
            Ok(Stats::default())
        }
        fn close(self: Box<Self>) -> Result<()> {
            Ok(())
        }
    }

    const RATE: u32 = 48_000;

    fn settings() -> Settings {
        Settings {
            rate: RATE,
            channels: 2,
            voices: 16,
            format: Format::S16,
            interp: Interp::Cubic,
            reverb: false,
            chorus: false,
            period_frames: 480,
            mode: Mode::Classic,
        }
    }

    fn song(on_seconds: f64, off_seconds: f64) -> Song {
        let time = |seconds: f64| (seconds * 1.0e7) as i64;
        Song {
            events: vec![
                TimedEvent {
                    time: time(on_seconds),
                    bytes: vec![0x90, 60, 100],
                },
                TimedEvent {
                    time: time(off_seconds),
                    bytes: vec![0x80, 60, 0],
                },
            ],
            length: time(off_seconds),
            notes: 1,
        }
    }

    fn fake(ring_seconds: f64, forever: bool) -> Fake {
        Fake {
            rate: RATE,
            frames: 0,
            sounding: 0,
            ring: (ring_seconds * f64::from(RATE)) as u64,
            ringing_until: 0,
            forever,
            scheduled: Vec::new(),
            pending: Vec::new(),
            bytes: Vec::new(),
        }
    }

    fn play_with(song: &Song, backend: Fake) -> (Rendered, Vec<(i64, u64)>) {
        let mut backend = backend;
        let rendered = drive(song, &mut backend, &settings(), &indicatif::ProgressBar::hidden()).unwrap();
        (rendered, backend.scheduled)
    }

    fn frames(rendered: &Rendered) -> usize {
        rendered.audio.len() / 2
    }

    #[test]
    fn events_reach_the_port_before_their_period_is_rendered() {
        let (rendered, scheduled) = play_with(&song(0.25, 1.0), fake(0.0, false));
        for (time, rendered_frames_then) in scheduled {
            let frame = u64::try_from(i128::from(time) * i128::from(RATE) / 10_000_000).unwrap();
            assert!(
                rendered_frames_then <= frame,
                "event at frame {frame} handed over after {rendered_frames_then} frames"
            );
            assert!(
                frame - rendered_frames_then <= 3 * 480,
                "event at frame {frame} handed over too early"
            );
        }
        // Sound exactly from 0.25 s to 1.0 s.
        let first_loud = (0..rendered.audio.len())
            .find(|i| rendered.audio.get(*i) != 0.0)
            .unwrap()
            / 2;
        assert_eq!(first_loud, 12_000);
    }

    #[test]
    fn a_silent_ending_keeps_exactly_the_song_length() {
        let (rendered, _) = play_with(&song(0.0, 2.0), fake(0.0, false));
        assert_eq!(frames(&rendered), 2 * RATE as usize);
    }

    #[test]
    fn a_release_tail_is_kept_plus_a_tenth_of_a_second() {
        let (rendered, _) = play_with(&song(0.0, 1.0), fake(1.5, false));
        // Loud until 2.5 s, then 0.1 s.
        assert_eq!(frames(&rendered), 26 * RATE as usize / 10);
    }

    #[test]
    fn a_never_ending_tail_is_cut_five_seconds_after_the_last_event() {
        let (rendered, _) = play_with(&song(0.0, 1.0), fake(0.0, true));
        let seconds = frames(&rendered) as f64 / f64::from(RATE);
        assert!((6.0..=6.02).contains(&seconds), "{seconds} s");
    }

    #[test]
    fn validate_rejects_absurd_options() {
        let mut args = RenderArgs {
            input: "in.mid".into(),
            output: "out.wav".into(),
            bank: None,
            rate: 48_000,
            voices: 256,
            format: Format::S16,
            interp: Interp::Cubic,
            no_reverb: false,
            no_chorus: false,
            png: None,
            quiet: true,
            mode: Mode::Classic,
        };
        assert!(validate(&args).is_ok());
        args.mode = Mode::HardwareSynth;
        assert!(validate(&args).is_ok());
        args.rate = 44_100;
        assert!(validate(&args).is_err());
        args.rate = 48_000;
        args.mode = Mode::Classic;
        args.rate = 192_001;
        assert!(validate(&args).is_err());
        args.rate = 8_000;
        args.voices = 1_001;
        assert!(validate(&args).is_err());
        args.voices = 1_000;
        args.png = Some("out.wav".into());
        assert!(validate(&args).is_err());
    }
}
