//! The `dmksynth` binary seen from outside: bad input gets one line and a non-zero exit and
//! leaves no output behind; the examples regenerate byte-identically; banks export and inspect.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

// The dls crate's tiny SoundFont writer (generated data only).
#[path = "../../../crates/dls/tests/sf2_common/mod.rs"]
mod sf2_common;

fn dmksynth(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dmksynth"))
        .args(args)
        .output()
        .expect("run dmksynth")
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files_in(directory: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(directory)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Asserts that the command succeeded (showing its stderr if not).
fn assert_succeeded(output: &Output) {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Asserts a failure with exactly one stderr line containing `needle`.
fn assert_fails_with(output: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "expected failure, got success; stderr: {stderr}"
    );
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "expected one line, got: {stderr}");
    assert!(stderr.starts_with("dmksynth: error: "), "{stderr}");
    assert!(stderr.contains(needle), "expected {needle:?} in {stderr:?}");
}

struct Scratch {
    directory: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        Self {
            directory: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.directory.path().join(name)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_string_lossy().into_owned()
    }

    fn out(&self, name: &str) -> String {
        self.path(name).to_string_lossy().into_owned()
    }

    /// Only the given inputs exist: no output, no leftover temporary file.
    fn assert_only(&self, inputs: &[&str]) {
        let mut expected: Vec<String> = inputs.iter().map(|name| (*name).to_owned()).collect();
        expected.sort();
        assert_eq!(files_in(self.directory.path()), expected);
    }
}

/// A valid one-note type-0 MIDI file.
fn tiny_midi() -> Vec<u8> {
    let track: &[u8] = &[0x00, 0x90, 60, 100, 0x60, 0x80, 60, 0, 0x00, 0xFF, 0x2F, 0x00];
    let mut bytes = b"MThd\0\0\0\x06\0\0\0\x01\0\x60MTrk".to_vec();
    bytes.extend_from_slice(&(track.len() as u32).to_be_bytes());
    bytes.extend_from_slice(track);
    bytes
}

#[test]
fn not_a_midi_file() {
    let scratch = Scratch::new();
    let input = scratch.write("song.mid", b"RIFF\x10\0\0\0WAVEfmt this is not midi");
    assert_fails_with(
        &dmksynth(&["render", &input, "-o", &scratch.out("out.wav")]),
        "not a Standard MIDI File",
    );
    scratch.assert_only(&["song.mid"]);
}

#[test]
fn truncated_track() {
    let scratch = Scratch::new();
    let mut bytes = tiny_midi();
    bytes.truncate(bytes.len() - 5);
    let input = scratch.write("song.mid", &bytes);
    assert_fails_with(
        &dmksynth(&["render", &input, "-o", &scratch.out("out.wav")]),
        "truncated",
    );
    scratch.assert_only(&["song.mid"]);
}

#[test]
fn absurdly_long_song() {
    // One note-off 2^27 quarter notes in at the slowest tempo: thousands of years.
    let scratch = Scratch::new();
    let track: &[u8] = &[
        0x00, 0xFF, 0x51, 0x03, 0xFF, 0xFF, 0xFF, 0x00, 0x90, 60, 100, 0xC0, 0x80, 0x80, 0x00, 0x80, 60, 0,
        0x00, 0xFF, 0x2F, 0x00,
    ];
    let mut bytes = b"MThd\0\0\0\x06\0\0\0\x01\0\x01MTrk".to_vec();
    bytes.extend_from_slice(&(track.len() as u32).to_be_bytes());
    bytes.extend_from_slice(track);
    let input = scratch.write("long.mid", &bytes);
    assert_fails_with(
        &dmksynth(&["render", &input, "-o", &scratch.out("out.wav")]),
        "hours",
    );
    scratch.assert_only(&["long.mid"]);
}

#[test]
fn missing_input() {
    let scratch = Scratch::new();
    assert_fails_with(
        &dmksynth(&[
            "render",
            &scratch.out("absent.mid"),
            "-o",
            &scratch.out("out.wav"),
        ]),
        "cannot read",
    );
    scratch.assert_only(&[]);
}

#[test]
fn unknown_bank_format() {
    let scratch = Scratch::new();
    let input = scratch.write("song.mid", &tiny_midi());
    let bank = scratch.write("bank.sf2", b"this is neither DLS nor SoundFont");
    assert_fails_with(
        &dmksynth(&["render", &input, "-o", &scratch.out("out.wav"), "--bank", &bank]),
        "unknown bank format",
    );
    scratch.assert_only(&["bank.sf2", "song.mid"]);
}

#[test]
fn malformed_dls_bank() {
    let scratch = Scratch::new();
    let input = scratch.write("song.mid", &tiny_midi());
    // A RIFF 'DLS ' form whose first chunk runs past the end.
    let bank = scratch.write("bank.dls", b"RIFF\x40\0\0\0DLS colh\xff\0\0\0\x01\0");
    assert_fails_with(
        &dmksynth(&["render", &input, "-o", &scratch.out("out.wav"), "--bank", &bank]),
        "malformed DLS bank",
    );
    scratch.assert_only(&["bank.dls", "song.mid"]);
}

#[test]
fn malformed_soundfont_bank() {
    let scratch = Scratch::new();
    let input = scratch.write("song.mid", &tiny_midi());
    let bank = scratch.write("bank.dls", b"RIFF\x40\0\0\0sfbkLIST\xff\0\0\0INFO");
    let output = dmksynth(&["render", &input, "-o", &scratch.out("out.wav"), "--bank", &bank]);
    assert_fails_with(&output, "SoundFont");
    scratch.assert_only(&["bank.dls", "song.mid"]);
}

#[test]
fn unwritable_output() {
    let scratch = Scratch::new();
    let input = scratch.write("song.mid", &tiny_midi());
    let output = scratch.path("no/such/directory/out.wav");
    assert_fails_with(
        &dmksynth(&["render", &input, "-o", &output.to_string_lossy()]),
        "cannot write",
    );
    // A directory as the output.
    assert_fails_with(
        &dmksynth(&[
            "render",
            &input,
            "-o",
            &scratch.directory.path().to_string_lossy(),
        ]),
        "cannot write",
    );
    scratch.assert_only(&["song.mid"]);
}

#[test]
fn absurd_options() {
    let scratch = Scratch::new();
    let input = scratch.write("song.mid", &tiny_midi());
    let out = scratch.out("out.wav");
    for (option, value, needle) in [
        ("--rate", "7999", "invalid --rate"),
        ("--rate", "192001", "invalid --rate"),
        ("--rate", "0", "invalid --rate"),
        ("--voices", "0", "invalid --voices"),
        ("--voices", "1001", "invalid --voices"),
    ] {
        assert_fails_with(&dmksynth(&["render", &input, "-o", &out, option, value]), needle);
    }
    scratch.assert_only(&["song.mid"]);
}

#[test]
fn examples_regenerate_identically() {
    let scratch = Scratch::new();
    let output = dmksynth(&[
        "make-examples",
        "--dir",
        &scratch.directory.path().to_string_lossy(),
    ]);
    assert_succeeded(&output);
    for name in ["tour.mid", "groove.mid", "dense.mid"] {
        let generated = std::fs::read(scratch.path(name)).unwrap();
        let committed = std::fs::read(repository().join("examples").join(name)).unwrap();
        assert!(
            generated == committed,
            "examples/{name} differs from what make-examples generates"
        );
    }
}

#[test]
fn export_default_writes_a_dls_that_reads_back_and_inspects() {
    let scratch = Scratch::new();
    let path = scratch.out("default.dls");
    let output = dmksynth(&["export-default", "-o", &path]);
    assert_succeeded(&output);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[0..4], b"RIFF");
    assert_eq!(&bytes[8..12], b"DLS ");
    assert!(bytes.len() < 5 * 1024 * 1024, "{} bytes", bytes.len());
    let collection = dls::file::read_dls(&bytes).unwrap();
    let built = gm_bank::build(gm_bank::DEFAULT_SAMPLE_RATE).unwrap();
    assert_eq!(collection.instruments.len(), 129);
    assert_eq!(collection.waves.len(), built.waves.len());
    for (read, original) in collection.waves.iter().zip(&built.waves) {
        assert_eq!(read.data, original.data);
    }
    let inspect = dmksynth(&["inspect", &path]);
    assert!(
        inspect.status.success(),
        "{}",
        String::from_utf8_lossy(&inspect.stderr)
    );
    let text = String::from_utf8_lossy(&inspect.stdout);
    assert!(
        text.contains("instruments: 129 (128 melodic, 1 drum kits)"),
        "{text}"
    );
    assert!(text.contains("Acoustic Grand Piano"), "{text}");
    assert!(text.contains("Standard Kit"), "{text}");
}

#[test]
fn inspects_real_download_buffers() {
    // The buffers dmusic.dll would send for the default bank: the drum kit and one of its waves.
    let scratch = Scratch::new();
    let bank = gm_bank::build(gm_bank::DEFAULT_SAMPLE_RATE).unwrap();
    let buffers =
        dls::download::build::build_downloads(&bank, dls::download::build::BuildOptions::default()).unwrap();
    let kit_index = bank
        .instruments
        .iter()
        .position(|instrument| instrument.patch.drums)
        .unwrap();
    let kit = buffers
        .iter()
        .find(|buffer| buffer.origin == dls::download::build::Origin::Instrument(kit_index))
        .unwrap();
    let path = scratch.write("kit.bin", &kit.bytes);
    let output = dmksynth(&["inspect", "--download", &path]);
    assert_succeeded(&output);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.starts_with(&format!("instrument download, id {}: drums", kit.id)),
        "{text}"
    );
    assert_eq!(
        text.lines()
            .filter(|line| line.trim_start().starts_with("keys "))
            .count(),
        47,
        "{text}"
    );
    assert!(
        text.contains("keys 42-42, velocities 0-127, key group 1"),
        "{text}"
    );
    let wave = buffers
        .iter()
        .find(|buffer| matches!(buffer.origin, dls::download::build::Origin::Wave(_)))
        .unwrap();
    let path = scratch.write("wave.bin", &wave.bytes);
    let output = dmksynth(&["inspect", "--download", &path]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.starts_with(&format!("wave download, id {}:", wave.id)),
        "{text}"
    );
    assert!(text.contains("at 22050 Hz"), "{text}");
    // Cut short, the same buffer is refused in one line.
    let path = scratch.write("short.bin", &wave.bytes[..wave.bytes.len() / 2]);
    assert_fails_with(
        &dmksynth(&["inspect", "--download", &path]),
        "malformed download buffer",
    );
}

#[test]
fn inspect_rejects_garbage_in_one_line() {
    let scratch = Scratch::new();
    let garbage = scratch.write("garbage.bin", &[0xAB; 64]);
    assert_fails_with(&dmksynth(&["inspect", &garbage]), "unknown format");
    assert_fails_with(
        &dmksynth(&["inspect", &garbage, "--download"]),
        "malformed download buffer",
    );
    let truncated = scratch.write("truncated.dls", b"RIFF\x40\0\0\0DLS colh\xff\0\0\0\x01\0");
    assert_fails_with(&dmksynth(&["inspect", &truncated]), "malformed DLS bank");
}

#[test]
fn converts_and_inspects_a_soundfont() {
    let scratch = Scratch::new();
    let sf2 = sf2_common::small_bank();
    let input = scratch.write("small.sf2", &sf2);
    let out = scratch.out("small.dls");
    let output = dmksynth(&["convert", &input, "-o", &out]);
    assert_succeeded(&output);
    let expected = dls::sf2::import_sf2(&sf2).unwrap();
    let written = dls::file::read_dls(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(written.instruments.len(), expected.instruments.len());
    assert_eq!(written.waves.len(), expected.waves.len());
    for (read, original) in written.waves.iter().zip(&expected.waves) {
        assert_eq!(read.data, original.data);
        assert_eq!(
            read.sample.and_then(|s| s.sample_loop),
            original.sample.and_then(|s| s.sample_loop)
        );
    }
    let inspect = dmksynth(&["inspect", &input]);
    assert!(
        inspect.status.success(),
        "{}",
        String::from_utf8_lossy(&inspect.stderr)
    );
    let text = String::from_utf8_lossy(&inspect.stdout);
    assert!(text.contains("SoundFont 2"), "{text}");
    assert!(
        text.contains(&format!("instruments: {}", expected.instruments.len())),
        "{text}"
    );
    // The DLS written from it inspects too, with the same counts.
    let text = String::from_utf8_lossy(&dmksynth(&["inspect", &out]).stdout).into_owned();
    assert!(
        text.contains(&format!("instruments: {}", expected.instruments.len())),
        "{text}"
    );
    scratch.assert_only(&["small.dls", "small.sf2"]);
}

#[test]
fn convert_rejects_non_soundfonts() {
    let scratch = Scratch::new();
    let input = scratch.write("bank.dls", b"RIFF\x40\0\0\0DLS colh\x04\0\0\0\x01\0\0\0");
    assert_fails_with(
        &dmksynth(&["convert", &input, "-o", &scratch.out("out.dls")]),
        "not a SoundFont",
    );
    scratch.assert_only(&["bank.dls"]);
}

/// Reads a WAV's (frames, rate, peak, rms).
fn measure(path: &Path) -> (usize, u32, f32, f32) {
    let mut reader = hound::WavReader::open(path).unwrap();
    let spec = reader.spec();
    let samples: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Int => reader
            .samples::<i16>()
            .map(|s| f32::from(s.unwrap()) / 32768.0)
            .collect(),
        hound::SampleFormat::Float => reader.samples::<f32>().map(|s| s.unwrap()).collect(),
    };
    let peak = samples.iter().fold(0.0_f32, |a, s| a.max(s.abs()));
    let rms = (samples.iter().map(|s| s * s).sum::<f32>() / samples.len().max(1) as f32).sqrt();
    (
        samples.len() / usize::from(spec.channels),
        spec.sample_rate,
        peak,
        rms,
    )
}

#[test]
fn renders_the_tour_to_a_non_silent_wav_of_its_length() {
    let scratch = Scratch::new();
    let tour = repository().join("examples/tour.mid");
    let out = scratch.out("tour.wav");
    let png = scratch.out("tour.png");
    let output = dmksynth(&["render", &tour.to_string_lossy(), "-o", &out, "--png", &png]);
    assert_succeeded(&output);
    let (frames, rate, peak, rms) = measure(Path::new(&out));
    assert_eq!(rate, 48_000);
    // The tour lasts 16 × 8 beats at 128 bpm = 60 s.
    let seconds = frames as f64 / f64::from(rate);
    assert!((seconds - 60.0).abs() <= 1.0, "{seconds} s");
    assert!(peak > 0.05 && peak <= 1.0, "peak {peak}");
    assert!(rms > 0.005, "rms {rms}");
    assert!(std::fs::metadata(&png).unwrap().len() > 10_000);
    scratch.assert_only(&["tour.png", "tour.wav"]);
}

/// Interleaved stereo f32 samples of a WAV written with `--format f32`.
fn read_f32(path: &Path) -> (Vec<f32>, u32) {
    let mut reader = hound::WavReader::open(path).unwrap();
    let spec = reader.spec();
    assert_eq!(
        (spec.channels, spec.sample_format),
        (2, hound::SampleFormat::Float)
    );
    (
        reader.samples::<f32>().map(|s| s.unwrap()).collect(),
        spec.sample_rate,
    )
}

#[test]
fn a_note_sounds_at_its_time_and_pitch_through_the_whole_chain() {
    // Program 80 (square lead), A4 from 0.5 s to 1.5 s at 120 bpm / 96 ppq, on the default bank
    // through the port, no effects: the onset must land on sample 24 000 and the pitch be 440 Hz.
    let scratch = Scratch::new();
    let track: &[u8] = &[
        0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20, // 500 000 µs per quarter
        0x00, 0xC0, 80, // program change
        0x60, 0x90, 69, 110, // tick 96 = 0.5 s
        0x81, 0x40, 0x80, 69, 0, // tick 288 = 1.5 s
        0x00, 0xFF, 0x2F, 0x00,
    ];
    let mut bytes = b"MThd\0\0\0\x06\0\0\0\x01\0\x60MTrk".to_vec();
    bytes.extend_from_slice(&(track.len() as u32).to_be_bytes());
    bytes.extend_from_slice(track);
    let input = scratch.write("a4.mid", &bytes);
    let out = scratch.out("a4.wav");
    let output = dmksynth(&[
        "render",
        &input,
        "-o",
        &out,
        "--format",
        "f32",
        "--no-reverb",
        "--no-chorus",
    ]);
    assert_succeeded(&output);
    let (samples, rate) = read_f32(Path::new(&out));
    assert_eq!(rate, 48_000);
    let left: Vec<f32> = samples.chunks(2).map(|frame| frame[0]).collect();
    let onset = left.iter().position(|value| value.abs() > 1.0e-4).unwrap();
    assert!((24_000..24_000 + 48).contains(&onset), "onset at sample {onset}");
    // Rising zero crossings (interpolated) over 0.8..1.3 s.
    let span = &left[38_400..62_400];
    let crossings: Vec<f64> = span
        .windows(2)
        .enumerate()
        .filter(|(_, pair)| pair[0] < 0.0 && pair[1] >= 0.0)
        .map(|(index, pair)| index as f64 + f64::from(pair[0] / (pair[0] - pair[1])))
        .collect();
    let periods = (crossings.len() - 1) as f64;
    let frequency = f64::from(rate) * periods / (crossings.last().unwrap() - crossings[0]);
    let cents = 1200.0 * (frequency / 440.0).log2();
    assert!(cents.abs() < 3.0, "{frequency} Hz ({cents:+.1} cents)");
    // Silent again soon after the release, and the file ends within 0.5 s of the note-off.
    let seconds = left.len() as f64 / f64::from(rate);
    assert!((1.5..=2.0).contains(&seconds), "{seconds} s");
}

#[test]
fn both_driver_modes_render_the_same_music() {
    // Classic (wave sink pulled by ISynthSinkDMus::Render in 10 ms periods) and hardware-synth
    // (one engine pulled by jittered render_into ticks on the capture stream's clock) run the same
    // engine on the same events: the two renders agree to within rounding and at most a frame of
    // event placement.
    let scratch = Scratch::new();
    let tour = repository().join("examples/tour.mid");
    let mut renders = Vec::new();
    for mode in ["classic", "hardware-synth"] {
        let out = scratch.out(&format!("{mode}.wav"));
        let output = dmksynth(&[
            "render",
            &tour.to_string_lossy(),
            "-o",
            &out,
            "--format",
            "f32",
            "--mode",
            mode,
        ]);
        assert_succeeded(&output);
        let (samples, rate) = read_f32(Path::new(&out));
        assert_eq!(rate, 48_000);
        renders.push(samples);
    }
    let length = renders[0].len().min(renders[1].len());
    assert!(length > 48_000 * 2 * 55, "{length} samples");
    let energy = |samples: &[f32]| samples.iter().map(|s| f64::from(*s).powi(2)).sum::<f64>();
    let signal = energy(&renders[0][..length]);
    let difference: f64 = renders[0][..length]
        .iter()
        .zip(&renders[1][..length])
        .map(|(a, b)| f64::from(a - b).powi(2))
        .sum();
    let db = 10.0 * (difference / signal).log10();
    assert!(signal > 0.0 && db < -50.0, "modes differ by {db:.1} dB");
    let hardware = scratch.out("bad.wav");
    assert_fails_with(
        &dmksynth(&[
            "render",
            &tour.to_string_lossy(),
            "-o",
            &hardware,
            "--mode",
            "hardware-synth",
            "--rate",
            "44100",
        ]),
        "--mode hardware-synth renders at 48000 Hz",
    );
}
