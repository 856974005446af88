//! Range checks applied once at load, so the render path can trust the model.
//!
//! Every parser (download buffers, `.dls` files, SoundFont import) calls [`Instrument::validate`]
//! and [`Wave::validate`] on what it built; [`Collection::validate`] also checks wave links and
//! loops against the pool. Validation either refuses a value that can only come from corruption
//! (typed [`ValidationError`]) or normalises one that real banks are known to carry, so that
//! every value the engine sees is in range. The ddksynth `Verify()` clamps are a floor.
//!
//! | Value | Rule |
//! |---|---|
//! | key range | `low <= high <= 127`, else [`ValidationError::KeyRange`] |
//! | velocity range | normalised, never an error (see [`normalize_velocities`]): high clamped to 127; empty or `(0, 0)` (DLS1 files that never set it) becomes `0..=127` |
//! | unity note | `<= 127`, else [`ValidationError::UnityNote`] |
//! | WSMP gain | clamped to ±96 dB |
//! | loop | length 0 = no loop (dropped); `start + length` must not overflow u32, else [`ValidationError::Loop`] |
//! | loop vs. wave (collections, and at bind time) | see [`fit_loop`]: clamped to the wave, dropped if it starts past the end |
//! | sample rate | `1..=384_000` Hz, else [`ValidationError::SampleRate`] |
//! | wave data | at least one frame, else [`ValidationError::EmptyWave`] |
//! | connection scale | clamped per destination, see [`clamp_connection`] |
//! | wave link (collections) | wave index inside the pool, else [`ValidationError::WaveLink`] |
//! | key group | any value (0 = none); the engine compares, never indexes, with it |
//! | fine tune | any `i16` cents |

use portcls_sys::dls::{
    CONN_DST_CHORUS, CONN_DST_EG1_ATTACKTIME, CONN_DST_EG1_DECAYTIME, CONN_DST_EG1_DELAYTIME,
    CONN_DST_EG1_HOLDTIME, CONN_DST_EG1_RELEASETIME, CONN_DST_EG1_SHUTDOWNTIME, CONN_DST_EG1_SUSTAINLEVEL,
    CONN_DST_EG2_ATTACKTIME, CONN_DST_EG2_DECAYTIME, CONN_DST_EG2_DELAYTIME, CONN_DST_EG2_HOLDTIME,
    CONN_DST_EG2_RELEASETIME, CONN_DST_EG2_SUSTAINLEVEL, CONN_DST_FILTER_CUTOFF, CONN_DST_FILTER_Q,
    CONN_DST_GAIN, CONN_DST_KEYNUMBER, CONN_DST_LFO_FREQUENCY, CONN_DST_LFO_STARTDELAY, CONN_DST_PAN,
    CONN_DST_PITCH, CONN_DST_REVERB, CONN_DST_VIB_FREQUENCY, CONN_DST_VIB_STARTDELAY,
};

use crate::articulation::{FILTER_OFF, TIME_ZERO};
use crate::error::ValidationError;
use crate::model::{Collection, Connection, Instrument, Loop, Range, Region, SampleInfo, Wave};

/// Highest accepted wave sample rate in Hz.
pub const MAX_SAMPLE_RATE: u32 = 384_000;

/// ±96 dB in DLS gain units (1/655360 dB).
const GAIN_LIMIT: i32 = 960 << 16;

/// The `|lScale|` limit of a destination (in its unit × 65536), and whether the value is an
/// absolute time (where `0x80000000` means 0 s and must survive clamping).
const fn scale_limit(destination: u16) -> Option<(i32, bool)> {
    const fn units(value: i32) -> i32 {
        value << 16
    }
    match destination {
        // Gain: ±96 dB (1/655360 dB units; 960 cB).
        CONN_DST_GAIN => Some((GAIN_LIMIT, false)),
        // Pitch and key number: ±12800 cents (key→pitch and the pitch-bend range full scale).
        CONN_DST_PITCH | CONN_DST_KEYNUMBER => Some((units(12_800), false)),
        // Pan, sustain levels and sends: ±100 % (1000 tenths of a percent).
        CONN_DST_PAN
        | CONN_DST_EG1_SUSTAINLEVEL
        | CONN_DST_EG2_SUSTAINLEVEL
        | CONN_DST_REVERB
        | CONN_DST_CHORUS => Some((units(1000), false)),
        // LFO frequencies: absolute pitch cents, ±16000 (SF2's floor −16000 ≈ 0.001 Hz).
        CONN_DST_LFO_FREQUENCY | CONN_DST_VIB_FREQUENCY => Some((units(16_000), false)),
        // Times: ±12000 time cents (1 ms .. 1000 s), 0x80000000 = 0 s kept.
        CONN_DST_LFO_STARTDELAY
        | CONN_DST_VIB_STARTDELAY
        | CONN_DST_EG1_DELAYTIME
        | CONN_DST_EG1_ATTACKTIME
        | CONN_DST_EG1_HOLDTIME
        | CONN_DST_EG1_DECAYTIME
        | CONN_DST_EG1_RELEASETIME
        | CONN_DST_EG1_SHUTDOWNTIME
        | CONN_DST_EG2_DELAYTIME
        | CONN_DST_EG2_ATTACKTIME
        | CONN_DST_EG2_HOLDTIME
        | CONN_DST_EG2_DECAYTIME
        | CONN_DST_EG2_RELEASETIME => Some((units(12_000), true)),
        // Filter cutoff: ±14400 cents (absolute 14400 ≈ 35 kHz: above any Nyquist, so SF2's
        // 13500 "open" survives), 0x7FFFFFFF = filter off kept.
        CONN_DST_FILTER_CUTOFF => Some((units(14_400), false)),
        // Filter Q: ±96 dB in gain units (DLS2 range is 0..22.5 dB; the engine clamps further).
        CONN_DST_FILTER_Q => Some((GAIN_LIMIT, false)),
        // Unknown / output-channel destinations: the engine ignores them; leave as they came.
        _ => None,
    }
}

/// Clamps a connection's `lScale` to the sane range of its destination:
///
/// | Destination | Range (unit × 65536) | Kept special value |
/// |---|---|---|
/// | gain, filter Q | ±96 dB | — |
/// | pitch, key number | ±12800 cents | — |
/// | filter cutoff | ±14400 cents | `0x7FFFFFFF` (off) |
/// | pan, EG sustain, reverb, chorus | ±1000 (±100 %) | — |
/// | LFO/vibrato frequency | ±16000 cents | — |
/// | LFO delays and EG times | ±12000 time cents | `0x80000000` (0 s) |
/// | anything else | unchanged (ignored by the engine) | — |
pub fn clamp_connection(connection: &mut Connection) {
    let Some((limit, is_time)) = scale_limit(connection.destination) else {
        return;
    };
    let special = (is_time && connection.scale == TIME_ZERO)
        || (connection.destination == CONN_DST_FILTER_CUTOFF && connection.scale == FILTER_OFF);
    if !special {
        connection.scale = connection.scale.clamp(limit.saturating_neg(), limit);
    }
}

/// The loop as it can play on a wave of `frames` frames: clamped to end at the wave's end, or
/// `None` if it starts at or past the end (the region then plays one-shot). The `.dls` reader and
/// [`Collection::validate`] apply it; for downloads it is the rule for binding a region to a wave
/// that may arrive after the instrument (so it cannot be a download error): the engine's note-on
/// (`synth::bank::loop_points`) fits every loop with it.
pub fn fit_loop(sample_loop: Loop, frames: usize) -> Option<Loop> {
    let frames = u32::try_from(frames).unwrap_or(u32::MAX);
    if sample_loop.length == 0 || sample_loop.start >= frames {
        return None;
    }
    let room = frames.saturating_sub(sample_loop.start);
    Some(Loop {
        length: sample_loop.length.min(room),
        ..sample_loop
    })
}

/// The `WSMP` a region plays a wave with: the region's own, else the wave's, else the DLS
/// default (unity note 60, no loop), with the loop fitted to the wave by [`fit_loop`]. Cannot
/// fail. Meant for the engine's binding of a region to a wave (at install, or at note-on when
/// the wave arrived after the instrument). The engine applies the same loop rule through
/// [`fit_loop`] at note-on.
pub fn bind_sample(region: &Region, wave: &Wave) -> SampleInfo {
    let mut sample = region.sample.or(wave.sample).unwrap_or_default();
    sample.sample_loop = sample.sample_loop.and_then(|l| fit_loop(l, wave.data.len()));
    sample
}

/// Velocity ranges are never an error: DLS1 ignores them, so DLS1 banks (which a download
/// cannot be told apart from) may carry anything there, and ddksynth ignored them too. A high
/// end above 127 becomes 127; an empty range (`low > high`) and the DLS1 "never set" `(0, 0)`
/// become `0..=127`.
pub fn normalize_velocities(velocities: Range) -> Range {
    let high = velocities.high.min(127);
    if velocities.low > high || (velocities.low, high) == (0, 0) {
        Range::FULL
    } else {
        Range {
            low: velocities.low,
            high,
        }
    }
}

fn range(value: Range, error: ValidationError) -> Result<(), ValidationError> {
    if value.low <= value.high && value.high <= 127 {
        Ok(())
    } else {
        Err(error)
    }
}

impl SampleInfo {
    /// Checks the unity note, clamps the gain, drops a zero-length loop and refuses an
    /// overflowing one.
    pub fn validate(&mut self) -> Result<(), ValidationError> {
        if self.unity_note > 127 {
            return Err(ValidationError::UnityNote);
        }
        self.gain = self.gain.clamp(-GAIN_LIMIT, GAIN_LIMIT);
        if let Some(sample_loop) = self.sample_loop {
            if sample_loop.length == 0 {
                self.sample_loop = None;
            } else if sample_loop.start.checked_add(sample_loop.length).is_none() {
                return Err(ValidationError::Loop);
            }
        }
        Ok(())
    }
}

impl Region {
    /// Checks the key and velocity ranges, the sample info and clamps the connections.
    pub fn validate(&mut self) -> Result<(), ValidationError> {
        range(self.keys, ValidationError::KeyRange)?;
        self.velocities = normalize_velocities(self.velocities);
        if let Some(sample) = self.sample.as_mut() {
            sample.validate()?;
        }
        if let Some(articulation) = self.articulation.as_mut() {
            articulation.connections.iter_mut().for_each(clamp_connection);
        }
        Ok(())
    }
}

impl Instrument {
    /// Validates every region and clamps the global connections (see the module table).
    pub fn validate(&mut self) -> Result<(), ValidationError> {
        if let Some(articulation) = self.articulation.as_mut() {
            articulation.connections.iter_mut().for_each(clamp_connection);
        }
        self.regions.iter_mut().try_for_each(Region::validate)
    }
}

impl Wave {
    /// Checks the sample rate, that there is data, and the wave's own sample info.
    pub fn validate(&mut self) -> Result<(), ValidationError> {
        if self.sample_rate == 0 || self.sample_rate > MAX_SAMPLE_RATE {
            return Err(ValidationError::SampleRate);
        }
        if self.data.is_empty() {
            return Err(ValidationError::EmptyWave);
        }
        if let Some(sample) = self.sample.as_mut() {
            sample.validate()?;
        }
        Ok(())
    }
}

impl Collection {
    /// Validates every wave and instrument, then checks each region's wave link against the pool
    /// and fits its loop (the region's, else the wave's) to the wave with [`fit_loop`]; a loop
    /// that starts past the end of its wave is refused ([`ValidationError::Loop`]): in a file the
    /// wave is known, so such a loop is corruption, not a late binding.
    pub fn validate(&mut self) -> Result<(), ValidationError> {
        for wave in &mut self.waves {
            wave.validate()?;
            if let Some(sample) = wave.sample.as_mut() {
                sample.sample_loop = fit_checked(sample.sample_loop, wave.data.len())?;
            }
        }
        for instrument in &mut self.instruments {
            instrument.validate()?;
            for region in &mut instrument.regions {
                let index = usize::try_from(region.wave_link.wave).map_err(|_| ValidationError::WaveLink)?;
                let wave = self.waves.get(index).ok_or(ValidationError::WaveLink)?;
                if let Some(sample) = region.sample.as_mut() {
                    sample.sample_loop = fit_checked(sample.sample_loop, wave.data.len())?;
                }
            }
        }
        Ok(())
    }
}

fn fit_checked(sample_loop: Option<Loop>, frames: usize) -> Result<Option<Loop>, ValidationError> {
    match sample_loop {
        None => Ok(None),
        Some(l) => fit_loop(l, frames).map(Some).ok_or(ValidationError::Loop),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Articulation, ArticulationFormat, LoopKind, Patch, Transform, WaveLink};
    use alloc::vec;

    fn region() -> Region {
        Region {
            keys: Range { low: 10, high: 20 },
            velocities: Range::FULL,
            key_group: 0,
            self_non_exclusive: false,
            wave_link: WaveLink::default(),
            sample: Some(SampleInfo::default()),
            articulation: None,
        }
    }

    fn wave(frames: usize) -> Wave {
        Wave {
            sample_rate: 22050,
            data: vec![0; frames],
            sample: None,
            name: None,
            copyright: None,
        }
    }

    #[test]
    fn ranges() {
        let mut r = region();
        assert_eq!(r.validate(), Ok(()));
        r.keys = Range { low: 21, high: 20 };
        assert_eq!(r.validate(), Err(ValidationError::KeyRange));
        r.keys = Range { low: 0, high: 128 };
        assert_eq!(r.validate(), Err(ValidationError::KeyRange));
        let mut r = region();
        r.velocities = Range { low: 0, high: 0 };
        assert_eq!(r.validate(), Ok(()));
        assert_eq!(r.velocities, Range::FULL, "DLS1 0..0 velocity range means all");
        r.velocities = Range { low: 100, high: 99 };
        assert_eq!(r.validate(), Ok(()));
        assert_eq!(
            r.velocities,
            Range::FULL,
            "an empty range means all (DLS1 ignores it)"
        );
        r.velocities = Range { low: 100, high: 200 };
        assert_eq!(r.validate(), Ok(()));
        assert_eq!(r.velocities, Range { low: 100, high: 127 });
        r.velocities = Range { low: 128, high: 200 };
        assert_eq!(r.validate(), Ok(()));
        assert_eq!(r.velocities, Range::FULL);
        let mut r = region();
        r.sample.as_mut().unwrap().unity_note = 128;
        assert_eq!(r.validate(), Err(ValidationError::UnityNote));
    }

    #[test]
    fn loops() {
        let mut s = SampleInfo {
            sample_loop: Some(Loop {
                kind: LoopKind::Forward,
                start: 5,
                length: 0,
            }),
            ..SampleInfo::default()
        };
        assert_eq!(s.validate(), Ok(()));
        assert_eq!(s.sample_loop, None, "zero-length loop dropped");
        s.sample_loop = Some(Loop {
            kind: LoopKind::Release,
            start: u32::MAX,
            length: 1,
        });
        assert_eq!(s.validate(), Err(ValidationError::Loop));
        s.gain = i32::MIN;
        s.sample_loop = None;
        s.validate().unwrap();
        assert_eq!(s.gain, -GAIN_LIMIT);

        let l = Loop {
            kind: LoopKind::Forward,
            start: 90,
            length: 20,
        };
        assert_eq!(fit_loop(l, 100), Some(Loop { length: 10, ..l }));
        assert_eq!(fit_loop(l, 110), Some(l));
        assert_eq!(fit_loop(l, 90), None);
        assert_eq!(fit_loop(l, 0), None);
    }

    #[test]
    fn binding_merges_and_fits() {
        let mut w = wave(10);
        let mut r = region();
        r.sample = None;
        assert_eq!(bind_sample(&r, &w), SampleInfo::default());
        let l = Loop {
            kind: LoopKind::Forward,
            start: 4,
            length: 50,
        };
        w.sample = Some(SampleInfo {
            unity_note: 40,
            sample_loop: Some(l),
            ..SampleInfo::default()
        });
        let bound = bind_sample(&r, &w);
        assert_eq!(bound.unity_note, 40, "the wave's WSMP");
        assert_eq!(
            bound.sample_loop,
            Some(Loop { length: 6, ..l }),
            "fitted to 10 frames"
        );
        r.sample = Some(SampleInfo {
            unity_note: 70,
            ..SampleInfo::default()
        });
        assert_eq!(bind_sample(&r, &w).unity_note, 70, "the region's WSMP wins");
        assert_eq!(bind_sample(&r, &w).sample_loop, None);
    }

    #[test]
    fn waves() {
        assert_eq!(wave(1).validate(), Ok(()));
        assert_eq!(wave(0).validate(), Err(ValidationError::EmptyWave));
        let mut w = wave(4);
        w.sample_rate = 0;
        assert_eq!(w.validate(), Err(ValidationError::SampleRate));
        w.sample_rate = 384_001;
        assert_eq!(w.validate(), Err(ValidationError::SampleRate));
        w.sample_rate = 384_000;
        assert_eq!(w.validate(), Ok(()));
    }

    #[test]
    fn connection_clamps() {
        let mk = |destination, scale| Connection {
            source: 0,
            control: 0,
            destination,
            transform: Transform::default(),
            scale,
        };
        let clamp = |destination, scale| {
            let mut c = mk(destination, scale);
            clamp_connection(&mut c);
            c.scale
        };
        assert_eq!(clamp(CONN_DST_GAIN, i32::MIN), -(960 << 16));
        assert_eq!(clamp(CONN_DST_GAIN, -(100 << 16)), -(100 << 16));
        assert_eq!(clamp(CONN_DST_PITCH, i32::MAX), 12800 << 16);
        assert_eq!(clamp(CONN_DST_EG1_ATTACKTIME, i32::MIN), i32::MIN, "0 s survives");
        assert_eq!(clamp(CONN_DST_EG1_ATTACKTIME, i32::MIN + 1), -(12000 << 16));
        assert_eq!(
            clamp(CONN_DST_FILTER_CUTOFF, i32::MAX),
            i32::MAX,
            "filter off survives"
        );
        assert_eq!(clamp(CONN_DST_FILTER_CUTOFF, i32::MAX - 1), 14400 << 16);
        assert_eq!(clamp(CONN_DST_EG1_SUSTAINLEVEL, 5000 << 16), 1000 << 16);
        assert_eq!(clamp(0x0013, i32::MAX), i32::MAX, "unknown destination untouched");
    }

    #[test]
    fn collection_checks_links_and_loops() {
        let mut r = region();
        r.sample.as_mut().unwrap().sample_loop = Some(Loop {
            kind: LoopKind::Forward,
            start: 2,
            length: 100,
        });
        let instrument = Instrument {
            patch: Patch::default(),
            gm_instrument: false,
            name: None,
            regions: vec![r],
            articulation: Some(Articulation {
                format: ArticulationFormat::Dls2,
                connections: vec![],
            }),
            copyright: None,
        };
        let mut c = Collection {
            instruments: vec![instrument],
            waves: vec![wave(10)],
            ..Default::default()
        };
        c.clone().validate().unwrap();
        let mut fitted = c.clone();
        fitted.validate().unwrap();
        let l = fitted.instruments[0].regions[0]
            .sample
            .unwrap()
            .sample_loop
            .unwrap();
        assert_eq!(
            (l.start, l.length),
            (2, 8),
            "loop past the end is clamped to the wave"
        );
        // A loop that starts past the end of the wave is refused.
        c.instruments[0].regions[0].sample.as_mut().unwrap().sample_loop = Some(Loop {
            kind: LoopKind::Forward,
            start: 10,
            length: 1,
        });
        assert_eq!(c.clone().validate(), Err(ValidationError::Loop));
        c.instruments[0].regions[0].sample.as_mut().unwrap().sample_loop = None;
        c.instruments[0].regions[0].wave_link.wave = 1;
        assert_eq!(c.validate(), Err(ValidationError::WaveLink));
    }
}
