//! Downloaded waves and instruments: prepared (allocating) outside the lock, installed into
//! fixed-capacity slot tables (no allocation), found by id or patch.
//!
//! Regions name their wave by download id; the binding happens at note-on (with a cached slot
//! hint), so an instrument downloaded before its waves plays as soon as they arrive.

use alloc::vec::Vec;

use dls::model::{self, LoopKind, Patch, Range, SampleInfo};

use crate::EngineError;
use crate::articulation::CompiledArticulation;

/// Zero samples kept before and after the wave data, so every interpolation tap near the ends
/// reads inside the buffer.
pub const PAD: usize = 8;

/// Shortest loop the engine plays as a loop (shorter ones play as one-shot).
pub const MIN_LOOP: u32 = 2;

/// A wave ready for playback.
pub struct WaveData {
    /// Recorded rate, Hz (clamped to 1_000..=384_000).
    pub sample_rate: u32,
    /// Frames of real data.
    pub length: u32,
    /// `PAD` zeros, the frames, `PAD` zeros.
    pub samples: Vec<i16>,
    /// The wave's own `WSMP`.
    pub sample: Option<SampleInfo>,
}

impl WaveData {
    /// Copies a model wave into padded storage (allocates fallibly).
    pub fn prepare(wave: model::Wave) -> Result<Self, EngineError> {
        let length = u32::try_from(wave.data.len()).map_err(|_| EngineError::InvalidConfig)?;
        if length > u32::MAX / 2 {
            return Err(EngineError::InvalidConfig);
        }
        let total = wave.data.len().saturating_add(2 * PAD);
        let mut samples = Vec::new();
        samples
            .try_reserve_exact(total)
            .map_err(|_| EngineError::OutOfMemory)?;
        samples.resize(PAD, 0);
        samples.extend_from_slice(&wave.data);
        samples.resize(total, 0);
        Ok(Self {
            sample_rate: wave.sample_rate.clamp(1_000, 384_000),
            length,
            samples,
            sample: wave.sample,
        })
    }
}

/// Resolved loop of a voice, in frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoopPoints {
    /// Loop kind.
    pub kind: LoopKind,
    /// First frame.
    pub start: u32,
    /// One past the last frame.
    pub end: u32,
}

/// Validates a loop against a wave length; `None` plays one-shot.
pub fn loop_points(info: &SampleInfo, length: u32) -> Option<LoopPoints> {
    // Fitted as `.dls` files are at read time (dls::validate::fit_loop): a loop running past
    // the wave is clamped to its end. A download's region reaches the engine unfitted, because its
    // wave may arrive after the instrument.
    let frames = usize::try_from(length).unwrap_or(usize::MAX);
    let l = dls::validate::fit_loop(info.sample_loop?, frames)?;
    let end = l.start.checked_add(l.length)?;
    if l.length < MIN_LOOP || end > length {
        return None;
    }
    Some(LoopPoints {
        kind: l.kind,
        start: l.start,
        end,
    })
}

/// One compiled region.
pub struct PreparedRegion {
    /// Keys answered.
    pub keys: Range,
    /// Velocities answered.
    pub velocities: Range,
    /// Exclusive class (0 = none).
    pub key_group: u16,
    /// A re-struck key does not cut the sounding note.
    pub self_non_exclusive: bool,
    /// Wave download id.
    pub wave_id: u32,
    /// −1 hard left, +1 hard right, 0 mono (from `WAVELINK` channel bits).
    pub stereo_side: i8,
    /// Region `WSMP` (overrides the wave's).
    pub sample: Option<SampleInfo>,
    /// Articulation.
    pub articulation: CompiledArticulation,
    /// Cached wave slot (validated by id at every use).
    pub wave_hint: usize,
}

/// A compiled instrument.
pub struct InstrumentData {
    /// Patch.
    pub patch: Patch,
    /// Yields to non-GM instruments of the same patch.
    pub gm_instrument: bool,
    /// Regions.
    pub regions: Vec<PreparedRegion>,
}

impl InstrumentData {
    /// Compiles every region (allocates fallibly).
    pub fn prepare(instrument: model::Instrument) -> Result<Self, EngineError> {
        let mut regions = Vec::new();
        regions
            .try_reserve_exact(instrument.regions.len())
            .map_err(|_| EngineError::OutOfMemory)?;
        for region in &instrument.regions {
            let articulation = CompiledArticulation::compile(&instrument, region)?;
            let channel = region.wave_link.channel;
            let stereo_side = if channel & 3 == 2 {
                1
            } else if channel & 3 == 1 && stereo_partner(&instrument, region) {
                -1
            } else {
                0
            };
            regions.push(PreparedRegion {
                keys: region.keys,
                velocities: region.velocities,
                key_group: region.key_group,
                self_non_exclusive: region.self_non_exclusive,
                wave_id: region.wave_link.wave,
                stereo_side,
                sample: region.sample,
                articulation,
                wave_hint: usize::MAX,
            });
        }
        Ok(Self {
            patch: instrument.patch,
            gm_instrument: instrument.gm_instrument,
            regions,
        })
    }
}

/// Whether a left-channel region has a right-channel partner covering the same keys and
/// velocities (then it is the left half of a stereo pair and is hard-panned left; otherwise it
/// is an ordinary mono region).
fn stereo_partner(instrument: &model::Instrument, region: &model::Region) -> bool {
    instrument.regions.iter().any(|other| {
        other.wave_link.channel & 3 == 2
            && other.keys.low <= region.keys.high
            && region.keys.low <= other.keys.high
            && other.velocities.low <= region.velocities.high
            && region.velocities.low <= other.velocities.high
    })
}

/// A slot table: fixed capacity between [`Slots::reserve`] calls.
pub struct Slots<T> {
    entries: Vec<Option<(u32, T)>>,
}

impl<T> Slots<T> {
    /// An empty table.
    pub const fn new() -> Self {
        Self { entries: Vec::new() }
    }

    /// Grows the table so that at least `additional` more entries fit (allocates).
    pub fn reserve(&mut self, additional: usize) -> Result<(), EngineError> {
        let free = self.entries.iter().filter(|e| e.is_none()).count();
        let missing = additional.saturating_sub(free);
        if missing == 0 {
            return Ok(());
        }
        self.entries
            .try_reserve(missing)
            .map_err(|_| EngineError::OutOfMemory)?;
        for _ in 0..missing {
            self.entries.push(None);
        }
        Ok(())
    }

    /// Puts a value in a free slot without allocating; hands it back when full.
    pub fn insert(&mut self, id: u32, value: T) -> Result<usize, T> {
        match self.entries.iter_mut().enumerate().find(|(_, e)| e.is_none()) {
            Some((index, entry)) => {
                *entry = Some((id, value));
                Ok(index)
            }
            None => Err(value),
        }
    }

    /// Slot of an id.
    pub fn find(&self, id: u32) -> Option<usize> {
        self.entries
            .iter()
            .position(|e| matches!(e, Some((i, _)) if *i == id))
    }

    /// Takes a value out (no free).
    pub fn remove(&mut self, slot: usize) -> Option<T> {
        self.entries.get_mut(slot).and_then(Option::take).map(|(_, v)| v)
    }

    /// Value in a slot.
    pub fn get(&self, slot: usize) -> Option<&T> {
        self.entries.get(slot).and_then(Option::as_ref).map(|(_, v)| v)
    }

    /// Value in a slot, with its id.
    pub fn get_with_id(&self, slot: usize) -> Option<(u32, &T)> {
        self.entries
            .get(slot)
            .and_then(Option::as_ref)
            .map(|(i, v)| (*i, v))
    }

    /// Mutable value in a slot.
    pub fn get_mut(&mut self, slot: usize) -> Option<&mut T> {
        self.entries
            .get_mut(slot)
            .and_then(Option::as_mut)
            .map(|(_, v)| v)
    }

    /// Iterates the filled slots.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &T)> {
        self.entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.as_ref().map(|(_, v)| (i, v)))
    }
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// Waves and instruments.
#[derive(Default)]
pub struct Bank {
    /// Waves by download id.
    pub waves: Slots<WaveData>,
    /// Instruments by download id.
    pub instruments: Slots<InstrumentData>,
}

impl Bank {
    /// Whether a download id is taken.
    pub fn id_in_use(&self, id: u32) -> bool {
        self.waves.find(id).is_some() || self.instruments.find(id).is_some()
    }

    /// Finds the instrument for a patch: a non-GM instrument of that exact patch, else a GM one.
    pub fn find_exact(&self, patch: Patch) -> Option<usize> {
        let mut gm = None;
        for (slot, instrument) in self.instruments.iter() {
            if instrument.patch == patch {
                if !instrument.gm_instrument {
                    return Some(slot);
                }
                gm = gm.or(Some(slot));
            }
        }
        gm
    }

    /// Finds the instrument a channel plays: the exact patch, then for drums the same kit in
    /// bank 0 and then kit 0 of bank 0, for melodic channels the same program in bank 0 (GM).
    pub fn find(&self, patch: Patch) -> Option<usize> {
        if let Some(slot) = self.find_exact(patch) {
            return Some(slot);
        }
        let bank0 = Patch {
            bank_msb: 0,
            bank_lsb: 0,
            ..patch
        };
        if let Some(slot) = self.find_exact(bank0) {
            return Some(slot);
        }
        if patch.drums {
            return self.find_exact(Patch {
                bank_msb: 0,
                bank_lsb: 0,
                program: 0,
                drums: true,
            });
        }
        None
    }

    /// The wave slot of an id, using and refreshing a hint.
    pub fn wave_slot(&self, id: u32, hint: usize) -> Option<usize> {
        if let Some((found, _)) = self.waves.get_with_id(hint)
            && found == id
        {
            return Some(hint);
        }
        self.waves.find(id)
    }
}

#[cfg(test)]
mod loop_fitting_tests {
    use super::*;
    use dls::model::{Loop, LoopKind};

    fn info(start: u32, length: u32) -> SampleInfo {
        SampleInfo {
            sample_loop: Some(Loop {
                kind: LoopKind::Forward,
                start,
                length,
            }),
            ..SampleInfo::default()
        }
    }

    #[test]
    fn a_loop_past_the_wave_is_clamped_like_a_file_loop() {
        let points = loop_points(&info(100, 1_000), 600).unwrap();
        assert_eq!((points.start, points.end), (100, 600));
        assert!(
            loop_points(&info(600, 10), 600).is_none(),
            "a loop starting at the end is dropped"
        );
        let inside = loop_points(&info(10, 20), 600).unwrap();
        assert_eq!((inside.start, inside.end), (10, 30));
    }
}
