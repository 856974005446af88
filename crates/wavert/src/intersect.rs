//! Format negotiation of the capture host pin, one list for `DataRangeIntersection` and
//! `NewStream` (so the audio engine is never offered a format `NewStream` then refuses).
//!
//! PortCls's default intersection handler does PCM only, so the WaveRT miniport answers
//! `DataRangeIntersection` itself with [`intersect`] (after reading the client's range
//! defensively: the `KSDATARANGE_AUDIO` tail only when `FormatSize ≥ 88`), and checks the format
//! given to `NewStream` with [`stream_format`].

use portcls_sys::{
    GUID, KSDATAFORMAT_PACKED, KSDATAFORMAT_SPECIFIER_WAVEFORMATEX, KSDATAFORMAT_SPECIFIER_WILDCARD,
    KSDATAFORMAT_SUBTYPE_IEEE_FLOAT, KSDATAFORMAT_SUBTYPE_PCM, KSDATAFORMAT_SUBTYPE_WILDCARD,
    KSDATAFORMAT_TYPE_AUDIO, KSDATAFORMAT_TYPE_WILDCARD, KSDATAFORMAT_WAVEFORMATEX, KSDATARANGE,
    KSDATARANGE_AUDIO, WAVE_FORMAT_EXTENSIBLE, WAVE_FORMAT_IEEE_FLOAT, WAVE_FORMAT_PCM, WAVEFORMATEX,
};

use crate::format::{CHANNELS, SAMPLE_RATE, SampleFormat};

impl SampleFormat {
    /// The `KSDATAFORMAT` sub-format GUID.
    pub const fn subformat(self) -> GUID {
        match self {
            Self::Pcm16 => KSDATAFORMAT_SUBTYPE_PCM,
            Self::Float32 => KSDATAFORMAT_SUBTYPE_IEEE_FLOAT,
        }
    }

    /// The format of a range of ours (by sub-format), `None` for anything else.
    pub fn from_subformat(subformat: &GUID) -> Option<Self> {
        [Self::Float32, Self::Pcm16]
            .into_iter()
            .find(|format| format.subformat() == *subformat)
    }

    /// The complete `KSDATAFORMAT_WAVEFORMATEX` (82 bytes) of this format.
    pub const fn ks_format(self) -> KSDATAFORMAT_WAVEFORMATEX {
        let block = self.frame_bytes() as u16;
        KSDATAFORMAT_WAVEFORMATEX {
            DataFormat: KSDATAFORMAT_PACKED {
                FormatSize: core::mem::size_of::<KSDATAFORMAT_WAVEFORMATEX>() as u32,
                Flags: 0,
                SampleSize: block as u32,
                Reserved: 0,
                MajorFormat: KSDATAFORMAT_TYPE_AUDIO,
                SubFormat: self.subformat(),
                Specifier: KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
            },
            WaveFormatEx: WAVEFORMATEX {
                wFormatTag: match self {
                    Self::Pcm16 => WAVE_FORMAT_PCM,
                    Self::Float32 => WAVE_FORMAT_IEEE_FLOAT,
                },
                nChannels: CHANNELS,
                nSamplesPerSec: SAMPLE_RATE,
                nAvgBytesPerSec: SAMPLE_RATE.saturating_mul(block as u32),
                nBlockAlign: block,
                wBitsPerSample: self.bits(),
                cbSize: 0,
            },
        }
    }
}

fn matches(theirs: &GUID, ours: &GUID, wildcard: &GUID) -> bool {
    theirs == ours || theirs == wildcard
}

/// The format to offer for the client's range `client_header` (and its audio tail when the client
/// sent a `KSDATARANGE_AUDIO`) against our matching range `matching` (one of the host pin's).
/// `None`: no match (`STATUS_NO_MATCH`).
pub fn intersect(
    client_header: &KSDATARANGE,
    client_audio: Option<&KSDATARANGE_AUDIO>,
    matching: SampleFormat,
) -> Option<KSDATAFORMAT_WAVEFORMATEX> {
    let ours = matching.subformat();
    if !matches(
        &client_header.MajorFormat,
        &KSDATAFORMAT_TYPE_AUDIO,
        &KSDATAFORMAT_TYPE_WILDCARD,
    ) || !matches(&client_header.SubFormat, &ours, &KSDATAFORMAT_SUBTYPE_WILDCARD)
        || !matches(
            &client_header.Specifier,
            &KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
            &KSDATAFORMAT_SPECIFIER_WILDCARD,
        )
    {
        return None;
    }
    if let Some(audio) = client_audio {
        let bits = u32::from(matching.bits());
        let fits = audio.MaximumChannels >= u32::from(CHANNELS)
            && (audio.MinimumBitsPerSample..=audio.MaximumBitsPerSample).contains(&bits)
            && (audio.MinimumSampleFrequency..=audio.MaximumSampleFrequency).contains(&SAMPLE_RATE);
        if !fits {
            return None;
        }
    }
    Some(matching.ks_format())
}

/// The format `NewStream` was given, if it is one of ours (read by `FormatSize` first; a
/// `WAVEFORMATEXTENSIBLE` tail is accepted when its base fields and sub-format say the same).
pub fn stream_format(
    format: &KSDATAFORMAT_WAVEFORMATEX,
    extensible_subformat: Option<&GUID>,
) -> Option<SampleFormat> {
    let wave = format.WaveFormatEx;
    let header = format.DataFormat;
    if header.MajorFormat != KSDATAFORMAT_TYPE_AUDIO
        || header.Specifier != KSDATAFORMAT_SPECIFIER_WAVEFORMATEX
    {
        return None;
    }
    let tag = match (wave.wFormatTag, extensible_subformat) {
        (WAVE_FORMAT_EXTENSIBLE, Some(sub)) if *sub == KSDATAFORMAT_SUBTYPE_PCM => WAVE_FORMAT_PCM,
        (WAVE_FORMAT_EXTENSIBLE, Some(sub)) if *sub == KSDATAFORMAT_SUBTYPE_IEEE_FLOAT => {
            WAVE_FORMAT_IEEE_FLOAT
        }
        (tag, _) => tag,
    };
    let found =
        SampleFormat::from_wave_format(tag, wave.wBitsPerSample, wave.nChannels, wave.nSamplesPerSec)?;
    let consistent = header.SubFormat == found.subformat()
        && usize::from(wave.nBlockAlign) == found.frame_bytes()
        && wave.nAvgBytesPerSec == SAMPLE_RATE.saturating_mul(u32::from(wave.nBlockAlign));
    consistent.then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::{RANGE_FLOAT32, RANGE_PCM16};

    fn client(subformat: GUID, channels: u32, bits: (u32, u32), rates: (u32, u32)) -> KSDATARANGE_AUDIO {
        KSDATARANGE_AUDIO {
            DataRange: KSDATARANGE {
                SubFormat: subformat,
                ..RANGE_PCM16.DataRange
            },
            MaximumChannels: channels,
            MinimumBitsPerSample: bits.0,
            MaximumBitsPerSample: bits.1,
            MinimumSampleFrequency: rates.0,
            MaximumSampleFrequency: rates.1,
        }
    }

    #[test]
    fn offers_only_what_new_stream_accepts() {
        for ours in [SampleFormat::Pcm16, SampleFormat::Float32] {
            let wide = client(KSDATAFORMAT_SUBTYPE_WILDCARD, 8, (8, 32), (8_000, 192_000));
            let offered = intersect(&wide.DataRange, Some(&wide), ours).unwrap();
            assert_eq!(stream_format(&offered, None), Some(ours));
            let size = offered.DataFormat.FormatSize;
            assert_eq!(size, 82);
            let rate = offered.WaveFormatEx.nSamplesPerSec;
            assert_eq!(rate, 48_000);
            // A bare KSDATARANGE (no audio tail) with wildcards gets our format.
            assert!(intersect(&wide.DataRange, None, ours).is_some());
        }
        // Our descriptor ranges agree with the formats.
        assert_eq!(
            SampleFormat::from_subformat(&RANGE_FLOAT32.DataRange.SubFormat),
            Some(SampleFormat::Float32)
        );
        assert_eq!(
            SampleFormat::from_subformat(&RANGE_PCM16.DataRange.SubFormat),
            Some(SampleFormat::Pcm16)
        );
    }

    #[test]
    fn refuses_what_we_cannot_capture() {
        let pcm = SampleFormat::Pcm16;
        let mono = client(KSDATAFORMAT_SUBTYPE_PCM, 1, (16, 16), (48_000, 48_000));
        assert!(intersect(&mono.DataRange, Some(&mono), pcm).is_none());
        let rate = client(KSDATAFORMAT_SUBTYPE_PCM, 2, (16, 16), (44_100, 44_100));
        assert!(intersect(&rate.DataRange, Some(&rate), pcm).is_none());
        let bits = client(KSDATAFORMAT_SUBTYPE_PCM, 2, (24, 32), (48_000, 48_000));
        assert!(intersect(&bits.DataRange, Some(&bits), pcm).is_none());
        let float_only = client(KSDATAFORMAT_SUBTYPE_IEEE_FLOAT, 2, (32, 32), (48_000, 48_000));
        assert!(intersect(&float_only.DataRange, Some(&float_only), pcm).is_none());
        assert!(intersect(&float_only.DataRange, Some(&float_only), SampleFormat::Float32).is_some());

        let mut bad = SampleFormat::Float32.ks_format();
        bad.WaveFormatEx.nChannels = 1;
        assert_eq!(stream_format(&bad, None), None);
        let mut lying = SampleFormat::Pcm16.ks_format();
        lying.DataFormat.SubFormat = KSDATAFORMAT_SUBTYPE_IEEE_FLOAT;
        assert_eq!(stream_format(&lying, None), None);
        let mut extensible = SampleFormat::Float32.ks_format();
        extensible.WaveFormatEx.wFormatTag = WAVE_FORMAT_EXTENSIBLE;
        assert_eq!(
            stream_format(&extensible, Some(&KSDATAFORMAT_SUBTYPE_IEEE_FLOAT)),
            Some(SampleFormat::Float32)
        );
        assert_eq!(stream_format(&extensible, None), None);
    }
}
