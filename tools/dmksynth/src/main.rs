//! `dmksynth`: the host tool of the dmksynth driver.
//!
//! - `render`: plays a Standard MIDI File through the driver's own code path (the host PortCls
//!   stand-in → the miniport's C ABI → the engine) into a WAV file.
//! - `inspect`: summarises a `.dls`, a `.sf2` or a raw DirectMusic download buffer.
//! - `convert`: SoundFont → DLS Level 2.
//! - `export-default`: writes the embedded default GM bank as DLS Level 2.
//! - `make-examples`: regenerates the example MIDI files under `examples/`.
//!
//! Errors print one line on stderr (`dmksynth: error: ...`) and exit with status 1; nothing is
//! left behind (outputs are written to a temporary file in the target directory and renamed).

mod bank;
mod examples;
mod inspect;
mod midi;
mod output;
mod plot;
mod render;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Render MIDI through the dmksynth driver's code path; inspect and convert DLS/SF2 banks.
#[derive(Parser, Debug)]
#[command(name = "dmksynth", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Output sample format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// 16-bit signed integer.
    S16,
    /// 32-bit float.
    F32,
}

/// The driver mode a render goes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Mode {
    /// The DMus wave sink (`ISynthSinkDMus::Render`).
    Classic,
    /// The hardware-synth mode's shared engine (`HardwareSynth::render_into`).
    HardwareSynth,
}

/// Resampling interpolation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Interp {
    /// 2-point linear.
    Linear,
    /// 4-point cubic.
    Cubic,
    /// Windowed sinc.
    Sinc,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Render a Standard MIDI File (type 0 or 1) to WAV.
    Render(RenderArgs),
    /// Print a summary of a .dls, .sf2 or raw download buffer (--download).
    Inspect {
        /// The file to inspect.
        file: PathBuf,
        /// Treat the file as one raw DirectMusic download buffer (DMUS_DOWNLOADINFO...).
        #[arg(long)]
        download: bool,
    },
    /// Convert a SoundFont (.sf2) to a DLS Level 2 collection.
    Convert {
        /// The SoundFont.
        input: PathBuf,
        /// The .dls to write.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Write the embedded default GM bank as a DLS Level 2 file.
    ExportDefault {
        /// The .dls to write.
        #[arg(short, long)]
        output: PathBuf,
        /// Wave sample rate of the bank in Hz.
        #[arg(long, default_value_t = gm_bank::DEFAULT_SAMPLE_RATE)]
        bank_rate: u32,
    },
    /// (Re)generate the example MIDI files (tour.mid, groove.mid, dense.mid).
    MakeExamples {
        /// Directory to write them into.
        #[arg(long, default_value = "examples")]
        dir: PathBuf,
    },
}

/// Arguments of `render`.
#[derive(clap::Args, Debug)]
pub(crate) struct RenderArgs {
    /// The MIDI file.
    pub(crate) input: PathBuf,
    /// The WAV file to write.
    #[arg(short, long)]
    pub(crate) output: PathBuf,
    /// A .dls or .sf2 bank (default: the embedded GM bank). The format is read from the content.
    #[arg(long)]
    pub(crate) bank: Option<PathBuf>,
    /// Output sample rate in Hz (8000..=192000).
    #[arg(long, default_value_t = 48_000)]
    pub(crate) rate: u32,
    /// Voices (1..=1000).
    #[arg(long, default_value_t = 256)]
    pub(crate) voices: u32,
    /// Output sample format.
    #[arg(long, value_enum, default_value_t = Format::S16)]
    pub(crate) format: Format,
    /// Interpolation.
    #[arg(long, value_enum, default_value_t = Interp::Cubic)]
    pub(crate) interp: Interp,
    /// Disable the reverb.
    #[arg(long)]
    pub(crate) no_reverb: bool,
    /// Disable the chorus.
    #[arg(long)]
    pub(crate) no_chorus: bool,
    /// Also draw the waveform and a spectrogram into this PNG.
    #[arg(long)]
    pub(crate) png: Option<PathBuf>,
    /// No progress bar and no summary.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Which of the driver's two modes renders: `classic` (the DMus wave sink pulled by
    /// `ISynthSinkDMus::Render`) or `hardware-synth` (one engine on its own clock, pulled by the
    /// render thread's `render_into` ticks; 48 kHz, 256 voices, as on Windows 10/11).
    #[arg(long, value_enum, default_value_t = Mode::Classic)]
    pub(crate) mode: Mode,
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Render(args) => render::run(&args),
        Command::Inspect { file, download } => inspect::inspect(&file, download),
        Command::Convert { input, output } => inspect::convert(&input, &output),
        Command::ExportDefault { output, bank_rate } => inspect::export_default(&output, bank_rate),
        Command::MakeExamples { dir } => examples::write_all(&dir),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One line: the context chain joined with ": ".
            let message = format!("{error:#}").replace('\n', " ");
            eprintln!("dmksynth: error: {message}");
            ExitCode::FAILURE
        }
    }
}
