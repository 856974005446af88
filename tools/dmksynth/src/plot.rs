//! `--png`: the waveform (top) and a spectrogram (bottom), drawn with plotters' bitmap backend.
//! No text is drawn, so no font is needed.

use std::path::Path;

use anyhow::{Result, anyhow};
use plotters::prelude::*;
use portcls_host::measure::fft;

const WIDTH: u32 = 1_200;
const WAVE_HEIGHT: u32 = 200;
const SPECTRUM_HEIGHT: u32 = 300;
const FFT_SIZE: usize = 1_024;

/// A colour for a level in 0..1 (dark blue → red → yellow → white).
fn heat(level: f32) -> RGBColor {
    let level = level.clamp(0.0, 1.0);
    let r = (level * 3.0).clamp(0.0, 1.0);
    let g = (level * 3.0 - 1.0).clamp(0.0, 1.0);
    let b = (0.3 + level * 3.0 - 2.0)
        .clamp(0.0, 1.0)
        .max(0.3 * (1.0 - level * 3.0).max(0.0));
    RGBColor((r * 255.0) as u8, (g * 255.0) as u8, (b * 255.0) as u8)
}

/// Draws `samples` (mono, at `rate`) into a PNG at `path`.
pub(crate) fn draw(path: &Path, samples: &[f32], rate: u32) -> Result<()> {
    let root = BitMapBackend::new(path, (WIDTH, WAVE_HEIGHT + SPECTRUM_HEIGHT)).into_drawing_area();
    root.fill(&BLACK).map_err(|error| anyhow!("{error}"))?;
    let (top, bottom) = root.split_vertically(WAVE_HEIGHT);

    // Waveform: min/max per pixel column.
    let per_column = samples.len().div_ceil(WIDTH as usize).max(1);
    let middle = WAVE_HEIGHT as i32 / 2;
    let scale = (WAVE_HEIGHT as f32 / 2.0) - 2.0;
    top.draw(&PathElement::new(
        vec![(0, middle), (WIDTH as i32, middle)],
        RGBColor(60, 60, 60),
    ))
    .map_err(|error| anyhow!("{error}"))?;
    for (column, chunk) in samples.chunks(per_column).enumerate() {
        let (low, high) = chunk.iter().fold((0.0_f32, 0.0_f32), |(low, high), value| {
            (low.min(*value), high.max(*value))
        });
        let x = column as i32;
        let y_high = middle - (high.clamp(-1.0, 1.0) * scale) as i32;
        let y_low = middle - (low.clamp(-1.0, 1.0) * scale) as i32;
        top.draw(&PathElement::new(
            vec![(x, y_high), (x, y_low.max(y_high + 1))],
            RGBColor(80, 200, 120),
        ))
        .map_err(|error| anyhow!("{error}"))?;
    }

    // Spectrogram: one FFT frame per column, log-frequency rows from 30 Hz to Nyquist, dB colour.
    let window: Vec<f32> = (0..FFT_SIZE)
        .map(|i| 0.5 - 0.5 * (std::f32::consts::TAU * i as f32 / FFT_SIZE as f32).cos())
        .collect();
    let nyquist = rate as f32 / 2.0;
    let low_hz = 30.0_f32;
    let rows = SPECTRUM_HEIGHT as usize;
    let row_bins: Vec<usize> = (0..rows)
        .map(|row| {
            let fraction = 1.0 - row as f32 / rows as f32;
            let hz = low_hz * (nyquist / low_hz).powf(fraction);
            ((hz / nyquist) * (FFT_SIZE / 2) as f32)
                .round()
                .clamp(1.0, (FFT_SIZE / 2 - 1) as f32) as usize
        })
        .collect();
    // Dim lines at 100 Hz, 1 kHz and 10 kHz (no text: no font needed).
    let grid_rows: Vec<usize> = [100.0_f32, 1_000.0, 10_000.0]
        .iter()
        .filter(|hz| **hz < nyquist)
        .map(|hz| ((1.0 - (hz / low_hz).ln() / (nyquist / low_hz).ln()) * rows as f32).round() as usize)
        .collect();
    let hop = (samples.len() as f64 / f64::from(WIDTH)).max(1.0);
    let mut re = vec![0.0_f64; FFT_SIZE];
    let mut im = vec![0.0_f64; FFT_SIZE];
    for column in 0..WIDTH as usize {
        let start = (column as f64 * hop) as usize;
        if start >= samples.len() {
            break;
        }
        for i in 0..FFT_SIZE {
            re[i] = f64::from(samples.get(start + i).copied().unwrap_or(0.0) * window[i]);
            im[i] = 0.0;
        }
        fft(&mut re, &mut im);
        for (row, bin) in row_bins.iter().enumerate() {
            let magnitude =
                (re[*bin] * re[*bin] + im[*bin] * im[*bin]).sqrt() as f32 / (FFT_SIZE as f32 / 4.0);
            let db = 20.0 * magnitude.max(1.0e-7).log10();
            let colour = if grid_rows.contains(&row) {
                RGBColor(90, 90, 90)
            } else {
                heat((db + 110.0) / 100.0)
            };
            bottom
                .draw_pixel((column as i32, row as i32), &colour)
                .map_err(|error| anyhow!("{error}"))?;
        }
    }
    root.present().map_err(|error| anyhow!("{error}"))?;
    Ok(())
}
