//! `winmm-play`: sends a Standard MIDI File to a named winmm MIDI output device, the way a legacy
//! MIDI application reaches the dmksynth driver (winmm → wdmaud → the synth's MIDI pin), and lists
//! the winmm outputs and the DirectMusic ports with their capabilities.
//!
//! ```text
//! winmm-play --list                       # winmm MIDI outputs (midiOutGetDevCaps)
//! winmm-play --dmusic-ports               # DirectMusic ports (IDirectMusic::EnumPort)
//! winmm-play --device dmksynth song.mid   # play to the first output whose name contains "dmksynth"
//! winmm-play --dry-run song.mid           # print the schedule, send nothing (any OS)
//! ```

mod schedule;

#[cfg(windows)]
mod player;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Plays a MIDI file to a winmm MIDI output (Windows only), or lists outputs and DirectMusic ports.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Arguments {
    /// The MIDI file (type 0 or 1) to play.
    #[arg(required_unless_present_any = ["list", "dmusic_ports"])]
    file: Option<PathBuf>,
    /// The output: a device number from --list, or text its name contains (case-insensitive).
    #[arg(short, long, default_value = "dmksynth")]
    device: String,
    /// List the winmm MIDI output devices and their capabilities, then exit.
    #[arg(long)]
    list: bool,
    /// List the DirectMusic ports (what DirectMusic apps can pick) and their capabilities, then exit.
    #[arg(long)]
    dmusic_ports: bool,
    /// Parse and schedule the file, print a summary, send nothing.
    #[arg(long)]
    dry_run: bool,
}

fn main() -> ExitCode {
    let arguments = Arguments::parse();
    match run(&arguments) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("winmm-play: {message}");
            ExitCode::FAILURE
        }
    }
}

fn load(path: &std::path::Path) -> Result<schedule::Schedule, String> {
    let bytes = std::fs::read(path).map_err(|error| format!("{}: {error}", path.display()))?;
    schedule::schedule(&bytes).map_err(|error| format!("{}: {error}", path.display()))
}

fn summary(song: &schedule::Schedule) -> String {
    let sysex = song
        .messages
        .iter()
        .filter(|m| matches!(m.message, schedule::Message::SysEx(_)))
        .count();
    format!(
        "{} messages ({} SysEx, {} escapes skipped), {:.3} s",
        song.messages.len(),
        sysex,
        song.skipped_escapes,
        song.length_micros as f64 / 1e6
    )
}

#[cfg(windows)]
fn run(arguments: &Arguments) -> Result<(), String> {
    if arguments.list {
        return player::list_outputs();
    }
    if arguments.dmusic_ports {
        return player::list_dmusic_ports();
    }
    let Some(path) = &arguments.file else {
        return Err("no MIDI file given".into());
    };
    let song = load(path)?;
    println!("{}: {}", path.display(), summary(&song));
    if arguments.dry_run {
        return Ok(());
    }
    player::play(&arguments.device, &song)
}

#[cfg(not(windows))]
fn run(arguments: &Arguments) -> Result<(), String> {
    if let (Some(path), true) = (&arguments.file, arguments.dry_run) {
        let song = load(path)?;
        println!("{}: {}", path.display(), summary(&song));
        return Ok(());
    }
    Err("Windows only: winmm-play talks to winmm and DirectMusic (only --dry-run works elsewhere)".into())
}
