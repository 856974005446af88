//! The capture pin's sample formats and the f32 → buffer conversion.

/// Channels of every stream of the capture endpoint.
pub const CHANNELS: u16 = 2;
/// The endpoint's only sample rate.
pub const SAMPLE_RATE: u32 = 48_000;

/// Sample format of the WaveRT buffer (both interleaved stereo, 48 kHz, little-endian).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SampleFormat {
    /// `WAVE_FORMAT_PCM`, 16-bit signed: samples are scaled by 32767, rounded and saturated.
    Pcm16,
    /// `WAVE_FORMAT_IEEE_FLOAT`, 32-bit: the engine's samples as they are (finite, not clipped).
    Float32,
}

impl SampleFormat {
    /// Bytes of one sample.
    pub const fn sample_bytes(self) -> usize {
        match self {
            Self::Pcm16 => 2,
            Self::Float32 => 4,
        }
    }

    /// Bytes of one stereo frame (`nBlockAlign`).
    pub const fn frame_bytes(self) -> usize {
        match self {
            Self::Pcm16 => 4,
            Self::Float32 => 8,
        }
    }

    /// Bits per sample (`wBitsPerSample`).
    pub const fn bits(self) -> u16 {
        match self {
            Self::Pcm16 => 16,
            Self::Float32 => 32,
        }
    }

    /// Reads the format from `wFormatTag`/`wBitsPerSample`/`nChannels`/`nSamplesPerSec`
    /// (`WAVEFORMATEXTENSIBLE` callers pass the sub-format's tag). `None`: not a format of ours.
    pub const fn from_wave_format(tag: u16, bits: u16, channels: u16, rate: u32) -> Option<Self> {
        if channels != CHANNELS || rate != SAMPLE_RATE {
            return None;
        }
        match (tag, bits) {
            (1, 16) => Some(Self::Pcm16),
            (3, 32) => Some(Self::Float32),
            _ => None,
        }
    }

    /// Writes `samples` into `out` in this format; returns the bytes written (stops when either
    /// side runs out).
    pub fn write(self, samples: &[f32], out: &mut [u8]) -> usize {
        let mut written = 0usize;
        match self {
            Self::Pcm16 => {
                for (bytes, &sample) in out.chunks_exact_mut(2).zip(samples) {
                    bytes.copy_from_slice(&to_i16(sample).to_le_bytes());
                    written = written.saturating_add(2);
                }
            }
            Self::Float32 => {
                for (bytes, &sample) in out.chunks_exact_mut(4).zip(samples) {
                    bytes.copy_from_slice(&sample.to_le_bytes());
                    written = written.saturating_add(4);
                }
            }
        }
        written
    }

    /// Reads the first stereo frame of `bytes` in this format as f32 (PCM 16 scaled by
    /// 1/32767, as [`Self::write`] scales it); `None` when `bytes` is shorter than a frame. The
    /// reverse of `write`, for the tests and tools that read the capture buffer.
    pub fn read_frame(self, bytes: &[u8]) -> Option<[f32; 2]> {
        match (self, bytes) {
            (Self::Pcm16, [a, b, c, d, ..]) => Some([
                f32::from(i16::from_le_bytes([*a, *b])) / 32_767.0,
                f32::from(i16::from_le_bytes([*c, *d])) / 32_767.0,
            ]),
            (Self::Float32, [a, b, c, d, e, f, g, h, ..]) => Some([
                f32::from_le_bytes([*a, *b, *c, *d]),
                f32::from_le_bytes([*e, *f, *g, *h]),
            ]),
            _ => None,
        }
    }
}

/// f32 → i16: × 32767, rounded to nearest, saturated (NaN → 0 by `as`).
pub fn to_i16(sample: f32) -> i16 {
    let scaled = (sample * 32767.0).clamp(-32768.0, 32767.0);
    // `as` saturates and maps NaN to 0; the value is already in range.
    libm_round(scaled) as i16
}

fn libm_round(value: f32) -> f32 {
    // round half away from zero without std: truncate value ± 0.5.
    if value >= 0.0 {
        (value + 0.5) as i32 as f32
    } else {
        (value - 0.5) as i32 as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_scales_rounds_and_saturates() {
        assert_eq!(to_i16(0.0), 0);
        assert_eq!(to_i16(1.0), 32767);
        assert_eq!(to_i16(-1.0), -32767);
        assert_eq!(to_i16(2.5), 32767);
        assert_eq!(to_i16(-7.0), -32768);
        assert_eq!(to_i16(0.5 / 32767.0), 1);
        assert_eq!(to_i16(f32::NAN), 0);
        let mut out = [0u8; 8];
        assert_eq!(SampleFormat::Pcm16.write(&[0.5, -0.5, 1.0], &mut out[..4]), 4);
        assert_eq!(out[..4], [0x00, 0x40, 0x00, 0xC0]);
        assert_eq!(SampleFormat::Float32.write(&[0.25, 9.0], &mut out), 8);
        assert_eq!(f32::from_le_bytes([out[4], out[5], out[6], out[7]]), 9.0);
    }

    /// `read_frame` undoes `write` (PCM 16 to within its step) and refuses a partial frame.
    #[test]
    fn read_frame_reverses_write() {
        for format in [SampleFormat::Pcm16, SampleFormat::Float32] {
            let mut out = [0u8; 8];
            format.write(&[0.25, -0.75], &mut out);
            let [left, right] = format.read_frame(&out).unwrap();
            assert!(
                (left - 0.25).abs() < 1e-4 && (right + 0.75).abs() < 1e-4,
                "{format:?}"
            );
            assert_eq!(format.read_frame(&out[..format.frame_bytes() - 1]), None);
        }
    }

    #[test]
    fn only_48k_stereo_pcm16_and_float32() {
        assert_eq!(
            SampleFormat::from_wave_format(1, 16, 2, 48_000),
            Some(SampleFormat::Pcm16)
        );
        assert_eq!(
            SampleFormat::from_wave_format(3, 32, 2, 48_000),
            Some(SampleFormat::Float32)
        );
        assert_eq!(SampleFormat::from_wave_format(1, 24, 2, 48_000), None);
        assert_eq!(SampleFormat::from_wave_format(1, 16, 1, 48_000), None);
        assert_eq!(SampleFormat::from_wave_format(3, 32, 2, 44_100), None);
        assert_eq!(SampleFormat::Float32.frame_bytes(), 8);
    }
}
