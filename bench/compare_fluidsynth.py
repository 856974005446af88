#!/usr/bin/env python3
"""Render one song with dmksynth and with Debian's FluidSynth, both from FluidR3_GM, and compare.

Note: fluidsynth -F starts notes on its 64-frame block grid from a millisecond player clock, so its
onsets trail the MIDI file by about 2 ms; the script therefore also measures each render against
the MIDI file's own note-on times, and prints the spread of the offsets around their median.

Reports, for each render: wall time, audio length, RMS and peak level (dBFS); then the note-onset
alignment between the two (onsets found by energy flux, matched to the nearest onset of the other
render within 50 ms: median and maximum offset in ms; goal: within 2 ms) and the speed ratio.

Usage: bench/compare_fluidsynth.py [SONG.mid] [--sf2 FILE] [--rate HZ] [--keep DIR]
Needs: python3 (standard library only), fluidsynth, cargo. The dmksynth binary is built first
(release); the build is not timed.
"""

import argparse
import array
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import wave

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOP_MS = 0.25  # onset-detection resolution
WINDOW_MS = 2.0
RISE_DB = 9.0  # a rise this large within LOOKBACK_MS makes an onset
LOOKBACK_MS = 10.0
FLOOR_DB = 45.0  # ignore onsets more than this far below the loudest frame
MIN_GAP_MS = 40.0


def read_wav(path):
    """Returns (mono samples as floats in [-1, 1], sample rate)."""
    with wave.open(path, "rb") as handle:
        channels = handle.getnchannels()
        width = handle.getsampwidth()
        rate = handle.getframerate()
        raw = handle.readframes(handle.getnframes())
    if width != 2:
        raise SystemExit(f"{path}: only 16-bit PCM is supported here (got {8 * width}-bit)")
    data = array.array("h")
    data.frombytes(raw)
    if sys.byteorder == "big":
        data.byteswap()
    if channels == 1:
        mono = [x / 32768.0 for x in data]
    else:
        mono = [sum(data[i : i + channels]) / (32768.0 * channels) for i in range(0, len(data), channels)]
    return mono, rate


def levels(samples):
    """(RMS dBFS, peak dBFS)."""
    if not samples:
        return float("-inf"), float("-inf")
    energy = math.fsum(x * x for x in samples) / len(samples)
    peak = max(abs(x) for x in samples)
    to_db = lambda value: 10 * math.log10(value) if value > 0 else float("-inf")
    return to_db(energy), (20 * math.log10(peak) if peak > 0 else float("-inf"))


def onsets(samples, rate):
    """Onset times in seconds by energy flux (log-energy rise over LOOKBACK_MS)."""
    hop = max(1, int(rate * HOP_MS / 1000))
    window = max(hop, int(rate * WINDOW_MS / 1000))
    squares = [x * x for x in samples]
    prefix = [0.0]
    running = 0.0
    for value in squares:
        running += value
        prefix.append(running)
    count = max(0, (len(samples) - window) // hop)
    log_energy = []
    for frame in range(count):
        start = frame * hop
        energy = (prefix[start + window] - prefix[start]) / window
        log_energy.append(10 * math.log10(energy + 1e-12))
    if not log_energy:
        return []
    loudest = max(log_energy)
    back = max(1, int(LOOKBACK_MS / HOP_MS))
    gap = int(MIN_GAP_MS / HOP_MS)
    found = []
    frame = back
    while frame < len(log_energy):
        base = log_energy[frame - back]
        if log_energy[frame] - base >= RISE_DB and log_energy[frame] >= loudest - FLOOR_DB:
            # Refine: the first frame in the look-back span that rose 3 dB over the base.
            first = frame
            for candidate in range(frame - back + 1, frame + 1):
                if log_energy[candidate] - base >= 3.0:
                    first = candidate
                    break
            found.append((first * hop + window / 2) / rate)
            frame = first + gap
            continue
        frame += 1
    return found


def midi_onsets(path):
    """Distinct note-on times (s) of a Standard MIDI File: the ground truth both renders aim at."""
    with open(path, "rb") as handle:
        data = handle.read()
    if data[:4] != b"MThd":
        raise SystemExit(f"{path}: not a MIDI file")
    division = int.from_bytes(data[12:14], "big")
    if division & 0x8000:
        raise SystemExit(f"{path}: SMPTE timing is not supported here")
    position = 8 + int.from_bytes(data[4:8], "big")
    tempos, notes = [], []
    while position + 8 <= len(data):
        kind, length = data[position : position + 4], int.from_bytes(data[position + 4 : position + 8], "big")
        body, position = data[position + 8 : position + 8 + length], position + 8 + length
        if kind != b"MTrk":
            continue
        index, tick, status = 0, 0, 0

        def vlq():
            nonlocal index
            value = 0
            while True:
                byte = body[index]
                index += 1
                value = (value << 7) | (byte & 0x7F)
                if not byte & 0x80:
                    return value

        while index < len(body):
            tick += vlq()
            if body[index] & 0x80:
                status = body[index]
                index += 1
            if status == 0xFF:
                meta = body[index]
                index += 1
                size = vlq()
                if meta == 0x51:
                    tempos.append((tick, int.from_bytes(body[index : index + 3], "big")))
                index += size
                status = 0
            elif status in (0xF0, 0xF7):
                index += vlq()
                status = 0
            else:
                high = status & 0xF0
                size = 1 if high in (0xC0, 0xD0) else 2
                if high == 0x90 and body[index + 1] > 0:
                    notes.append(tick)
                index += size
    tempos.sort()
    times = set()
    for note in notes:
        seconds, last_tick, tempo = 0.0, 0, 500000
        for at, value in tempos:
            if at > note:
                break
            seconds += (at - last_tick) * tempo / 1e6 / division
            last_tick, tempo = at, value
        seconds += (note - last_tick) * tempo / 1e6 / division
        times.add(round(seconds, 6))
    return sorted(times)


def attach(truth, detected):
    """For each MIDI note-on time, the earliest detected onset within -20..+30 ms (or None)."""
    out = []
    for time_ in truth:
        candidates = [x for x in detected if -0.020 <= x - time_ <= 0.030]
        out.append(min(candidates) if candidates else None)
    return out


def summarize(label, offsets, total):
    if not offsets:
        print(f"{label}: nothing to compare")
        return None
    absolute = sorted(abs(x) for x in offsets)
    centre = statistics.median(offsets)
    spread = statistics.median(abs(x - centre) for x in offsets)
    print(
        f"{label}: {len(offsets)} of {total} note times, median {centre:+.2f} ms "
        f"(spread around it {spread:.2f} ms), median |offset| {statistics.median(absolute):.2f} ms, "
        f"90th percentile |offset| {absolute[int(0.9 * (len(absolute) - 1))]:.2f} ms, max {absolute[-1]:.2f} ms"
    )
    return statistics.median(absolute)


def run(command, label):
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip().splitlines()
        print(f"{label}: FAILED ({' '.join(message[-1:]) if message else 'exit ' + str(result.returncode)})")
        return None
    return elapsed


def describe(label, path, elapsed):
    samples, rate = read_wav(path)
    seconds = len(samples) / rate
    rms, peak = levels(samples)
    print(
        f"{label:<11} {seconds:7.2f} s audio, rendered in {elapsed:6.2f} s ({seconds / elapsed:6.1f}x real time), "
        f"RMS {rms:6.1f} dBFS, peak {peak:6.1f} dBFS"
    )
    return samples, rate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("song", nargs="?", default=os.path.join(ROOT, "examples", "groove.mid"))
    parser.add_argument("--sf2", default="/usr/share/sounds/sf2/FluidR3_GM.sf2")
    parser.add_argument("--rate", type=int, default=48000)
    parser.add_argument("--keep", help="directory to keep both WAVs in")
    args = parser.parse_args()

    for tool in ("fluidsynth", "cargo"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed")
    if not os.path.exists(args.sf2):
        raise SystemExit(f"{args.sf2} not found (apt-get install fluid-soundfont-gm)")

    build = subprocess.run(
        ["cargo", "build", "--release", "-q", "-p", "dmksynth-cli"],
        cwd=ROOT,
    )
    if build.returncode != 0:
        raise SystemExit("cannot build dmksynth")
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    binary = os.path.join(target, "release", "dmksynth")

    directory = args.keep or tempfile.mkdtemp(prefix="dmksynth-compare-")
    os.makedirs(directory, exist_ok=True)
    ours_path = os.path.join(directory, "dmksynth.wav")
    fluid_path = os.path.join(directory, "fluidsynth.wav")
    print(f"song: {args.song}\nbank: {args.sf2}\nrate: {args.rate} Hz\n")

    fluid_time = run(
        ["fluidsynth", "-ni", "-F", fluid_path, "-r", str(args.rate), args.sf2, args.song], "fluidsynth"
    )
    ours_time = run(
        [binary, "render", args.song, "-o", ours_path, "--bank", args.sf2, "--rate", str(args.rate), "--quiet"],
        "dmksynth",
    )
    reference = describe("fluidsynth", fluid_path, fluid_time) if fluid_time else None
    ours = describe("dmksynth", ours_path, ours_time) if ours_time else None
    if not (reference and ours):
        raise SystemExit(1)

    # Onsets are looked for only near the song's own note-on times, so both renders are compared
    # note time by note time (and each against the MIDI file itself).
    truth = midi_onsets(args.song)
    theirs = attach(truth, onsets(*reference))
    mine = attach(truth, onsets(*ours))
    print(f"\nonsets: {len(truth)} distinct note-on times in the MIDI file")
    summarize("fluidsynth - MIDI      ", [(x - t) * 1000 for x, t in zip(theirs, truth) if x is not None], len(truth))
    summarize("dmksynth   - MIDI      ", [(x - t) * 1000 for x, t in zip(mine, truth) if x is not None], len(truth))
    median_abs = summarize(
        "dmksynth   - fluidsynth",
        [(x - y) * 1000 for x, y in zip(mine, theirs) if x is not None and y is not None],
        len(truth),
    )
    if median_abs is not None:
        verdict = "PASS" if median_abs <= 2.0 + 1e-9 else "FAIL"
        print(f"alignment goal (median |dmksynth - fluidsynth| within 2 ms): {verdict}")
    print(f"speed: dmksynth took {ours_time / fluid_time:.2f}x the time of fluidsynth")
    if not args.keep:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
