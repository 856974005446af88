//! The Windows side: winmm MIDI output (`midiOut*`) and DirectMusic port enumeration.

use std::thread;
use std::time::{Duration, Instant};

use windows::Win32::Media::Audio::DirectMusic::{
    CLSID_DirectMusic, DMUS_PC_DLS, DMUS_PC_DLS2, DMUS_PC_EXTERNAL, DMUS_PC_INPUTCLASS, DMUS_PC_OUTPUTCLASS,
    DMUS_PC_SOFTWARESYNTH, DMUS_PORT_KERNEL_MODE, DMUS_PORT_USER_MODE_SYNTH, DMUS_PORT_WINMM_DRIVER,
    DMUS_PORTCAPS, IDirectMusic,
};
use windows::Win32::Media::Audio::{
    CALLBACK_NULL, HMIDIOUT, MHDR_DONE, MIDIHDR, MIDIOUTCAPSW, MOD_FMSYNTH, MOD_MAPPER, MOD_MIDIPORT,
    MOD_SQSYNTH, MOD_SWSYNTH, MOD_SYNTH, MOD_WAVETABLE, midiOutClose, midiOutGetDevCapsW, midiOutGetNumDevs,
    midiOutLongMsg, midiOutOpen, midiOutPrepareHeader, midiOutReset, midiOutShortMsg, midiOutUnprepareHeader,
};
use windows::Win32::Media::{MMSYSERR_NOERROR, timeBeginPeriod, timeEndPeriod};
use windows::Win32::System::Com::{
    CLSCTX_INPROC_SERVER, COINIT_MULTITHREADED, CoCreateInstance, CoInitializeEx,
};
use windows::core::{Interface, PSTR};

use crate::schedule::{Message, Schedule};

/// A winmm result code as an error message.
fn check(what: &str, result: u32) -> Result<(), String> {
    if result == MMSYSERR_NOERROR {
        Ok(())
    } else {
        Err(format!("{what} failed (MMRESULT {result})"))
    }
}

fn utf16_name(units: &[u16]) -> String {
    let end = units.iter().position(|&unit| unit == 0).unwrap_or(units.len());
    String::from_utf16_lossy(&units[..end])
}

fn technology(value: u32) -> &'static str {
    match value {
        MOD_MIDIPORT => "MIDI port",
        MOD_SYNTH => "synth",
        MOD_SQSYNTH => "square-wave synth",
        MOD_FMSYNTH => "FM synth",
        MOD_MAPPER => "MIDI mapper",
        MOD_WAVETABLE => "wavetable synth",
        MOD_SWSYNTH => "software synth",
        _ => "unknown technology",
    }
}

/// The winmm MIDI outputs: (device number, capabilities).
fn outputs() -> Vec<(u32, MIDIOUTCAPSW)> {
    // SAFETY: midiOutGetNumDevs has no preconditions.
    let count = unsafe { midiOutGetNumDevs() };
    (0..count)
        .filter_map(|device| {
            let mut caps = MIDIOUTCAPSW::default();
            // SAFETY: `caps` is a writable MIDIOUTCAPSW of the size passed.
            let result =
                unsafe { midiOutGetDevCapsW(device as usize, &mut caps, size_of::<MIDIOUTCAPSW>() as u32) };
            (result == MMSYSERR_NOERROR).then_some((device, caps))
        })
        .collect()
}

/// Prints every winmm MIDI output with its capabilities.
pub fn list_outputs() -> Result<(), String> {
    let outputs = outputs();
    if outputs.is_empty() {
        println!("no winmm MIDI output devices");
    }
    for (device, caps) in outputs {
        // Copy the packed fields out before formatting them.
        let (name, tech, voices, notes, mask, support) = (
            utf16_name(&{ caps.szPname }),
            caps.wTechnology,
            caps.wVoices,
            caps.wNotes,
            caps.wChannelMask,
            caps.dwSupport,
        );
        println!(
            "{device}: {name}  [{}; voices {voices}, notes {notes}, channels {mask:#06x}, support {support:#x}]",
            technology(u32::from(tech))
        );
    }
    Ok(())
}

/// Prints every DirectMusic port with its capabilities (`IDirectMusic::EnumPort`).
pub fn list_dmusic_ports() -> Result<(), String> {
    // SAFETY: first COM call of this thread; the result (S_FALSE if already initialised) is fine.
    let _ = unsafe { CoInitializeEx(None, COINIT_MULTITHREADED) };
    // SAFETY: plain COM activation of an in-process server.
    let music: IDirectMusic = unsafe { CoCreateInstance(&CLSID_DirectMusic, None, CLSCTX_INPROC_SERVER) }
        .map_err(|error| format!("CoCreateInstance(CLSID_DirectMusic): {error}"))?;
    for index in 0.. {
        let mut caps = DMUS_PORTCAPS {
            dwSize: size_of::<DMUS_PORTCAPS>() as u32,
            ..Default::default()
        };
        // The raw slot, because the wrapper maps S_FALSE ("no more ports") to Ok.
        // SAFETY: `music` is a live IDirectMusic and `caps` a writable DMUS_PORTCAPS with dwSize set.
        let result = unsafe { (music.vtable().EnumPort)(music.as_raw(), index, &mut caps) };
        if result.0 == 1 {
            break; // S_FALSE: past the last port
        }
        result
            .ok()
            .map_err(|error| format!("EnumPort({index}): {error}"))?;
        let class = match caps.dwClass {
            DMUS_PC_OUTPUTCLASS => "output",
            DMUS_PC_INPUTCLASS => "input",
            _ => "?",
        };
        let kind = match caps.dwType {
            DMUS_PORT_KERNEL_MODE => "kernel mode",
            DMUS_PORT_USER_MODE_SYNTH => "user-mode synth",
            DMUS_PORT_WINMM_DRIVER => "winmm driver",
            _ => "?",
        };
        let mut flags = Vec::new();
        for (bit, name) in [
            (DMUS_PC_DLS, "DLS"),
            (DMUS_PC_DLS2, "DLS2"),
            (DMUS_PC_SOFTWARESYNTH, "software synth"),
            (DMUS_PC_EXTERNAL, "external"),
        ] {
            if caps.dwFlags & bit != 0 {
                flags.push(name);
            }
        }
        println!(
            "{index}: {}  [{class}, {kind}; {}; voices {}, channel groups {}, audio channels {}, \
             memory {:#x}; guid {:?}]",
            utf16_name(&caps.wszDescription),
            flags.join(", "),
            caps.dwMaxVoices,
            caps.dwMaxChannelGroups,
            caps.dwMaxAudioChannels,
            caps.dwMemorySize,
            caps.guidPort,
        );
    }
    Ok(())
}

/// Picks the output `selector` names: a device number, or text contained in the device name.
fn find_output(selector: &str) -> Result<(u32, String), String> {
    let outputs = outputs();
    let named = |caps: &MIDIOUTCAPSW| utf16_name(&{ caps.szPname });
    if let Ok(number) = selector.parse::<u32>() {
        return outputs
            .iter()
            .find(|(device, _)| *device == number)
            .map(|(device, caps)| (*device, named(caps)))
            .ok_or_else(|| format!("no MIDI output number {number} (see --list)"));
    }
    let wanted = selector.to_lowercase();
    outputs
        .iter()
        .map(|(device, caps)| (*device, named(caps)))
        .find(|(_, name)| name.to_lowercase().contains(&wanted))
        .ok_or_else(|| format!("no MIDI output whose name contains {selector:?} (see --list)"))
}

/// An open winmm output, closed (after silencing every channel) when dropped.
struct Output(HMIDIOUT);

impl Output {
    fn open(device: u32) -> Result<Self, String> {
        let mut handle = HMIDIOUT::default();
        // SAFETY: `handle` is writable; no callback is requested.
        check("midiOutOpen", unsafe {
            midiOutOpen(&mut handle, device, None, None, CALLBACK_NULL)
        })?;
        Ok(Self(handle))
    }

    fn short(&self, message: u32) -> Result<(), String> {
        // SAFETY: the handle is open.
        check("midiOutShortMsg", unsafe { midiOutShortMsg(self.0, message) })
    }

    /// Sends one SysEx message and waits until the driver has taken it.
    fn long(&self, bytes: &[u8]) -> Result<(), String> {
        let mut data = bytes.to_vec();
        let mut header = MIDIHDR {
            lpData: PSTR(data.as_mut_ptr()),
            dwBufferLength: data.len() as u32,
            ..Default::default()
        };
        let size = size_of::<MIDIHDR>() as u32;
        // SAFETY: `header` and `data` outlive the prepare/send/unprepare sequence below.
        check("midiOutPrepareHeader", unsafe {
            midiOutPrepareHeader(self.0, &mut header, size)
        })?;
        // SAFETY: as above; the header is prepared.
        let sent = check("midiOutLongMsg", unsafe { midiOutLongMsg(self.0, &header, size) });
        let deadline = Instant::now() + Duration::from_secs(5);
        // winmm sets MHDR_DONE from another thread: read the packed field through a raw pointer.
        while sent.is_ok()
            // SAFETY: `header` is live; read_unaligned because MIDIHDR is packed.
            && unsafe { std::ptr::addr_of!(header.dwFlags).read_unaligned() } & MHDR_DONE == 0
            && Instant::now() < deadline
        {
            thread::sleep(Duration::from_millis(1));
        }
        // SAFETY: the header was prepared on this handle and the driver is done with it.
        let unprepared = check("midiOutUnprepareHeader", unsafe {
            midiOutUnprepareHeader(self.0, &mut header, size)
        });
        sent.and(unprepared)
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        for channel in 0..16u32 {
            // All Sound Off (CC 120) and All Notes Off (CC 123) on every channel.
            let _ = self.short(0xB0 | channel | (120 << 8));
            let _ = self.short(0xB0 | channel | (123 << 8));
        }
        // SAFETY: the handle is open and closed only here.
        unsafe {
            midiOutReset(self.0);
            midiOutClose(self.0);
        }
    }
}

/// Plays `song` to the output `selector` names, in real time.
pub fn play(selector: &str, song: &Schedule) -> Result<(), String> {
    let (device, name) = find_output(selector)?;
    println!("playing to {device}: {name}");
    let output = Output::open(device)?;
    // 1 ms scheduler resolution while playing (sleep granularity), restored at the end.
    // SAFETY: no preconditions; paired with timeEndPeriod below.
    unsafe { timeBeginPeriod(1) };
    let start = Instant::now();
    let mut result = Ok(());
    for timed in &song.messages {
        let due = start + Duration::from_micros(timed.at_micros);
        // Sleep to within 2 ms of the due time, then spin: sub-millisecond onsets.
        loop {
            let now = Instant::now();
            if now >= due {
                break;
            }
            let left = due - now;
            if left > Duration::from_millis(2) {
                thread::sleep(left - Duration::from_millis(2));
            } else {
                std::hint::spin_loop();
            }
        }
        result = match &timed.message {
            Message::Short(word) => output.short(*word),
            Message::SysEx(bytes) => output.long(bytes),
        };
        if result.is_err() {
            break;
        }
    }
    let tail = (start + Duration::from_micros(song.length_micros)).saturating_duration_since(Instant::now());
    if result.is_ok() {
        thread::sleep(tail);
    }
    // SAFETY: pairs the timeBeginPeriod above.
    unsafe { timeEndPeriod(1) };
    drop(output);
    result
}
