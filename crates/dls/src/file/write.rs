//! The `.dls` writer (host only): DLS Level 2.
//!
//! Layout (what DLS2 writers such as spessasynth and DirectMusic Producer produce):
//! `RIFF 'DLS '` → `colh`, `vers`?, `dlid`?, `LIST lins` → `LIST 'ins '` → `insh`,
//! `LIST lrgn` → `LIST 'rgn '` → `rgnh` (14 bytes, usLayer 0), `wsmp`?, `wlnk`, `LIST lar2|lart`?;
//! then the instrument's `LIST lar2|lart`? and `LIST INFO`?; then `ptbl` (one cue per wave) and
//! `LIST wvpl` → `LIST wave` → `fmt ` (16-bit mono PCM), `wsmp`?, `data`, `LIST INFO`?; then the
//! collection's `LIST INFO`.
//!
//! The model is written as it is: a `wsmp` appears in a wave or region exactly when the model has
//! one there, so `read_dls(&write_dls(c)) == c` for every valid collection. DLS2 articulations are
//! written as `art2` in `lar2`; DLS1 ones as `art1` in `lart` (their transform is the source curve).
//! Region wave ids are written as pool-table indices (wave `i` is cue `i`).

use std::vec::Vec;

use portcls_sys::dls as c;

use super::ids;
use crate::model::{Articulation, ArticulationFormat, Collection, Info, SampleInfo, Wave};

struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn u16(&mut self, v: u16) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    fn i32(&mut self, v: i32) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }

    /// Writes a chunk whose body `body` produces; fixes up the size and pads to even length.
    fn chunk(&mut self, id: u32, body: impl FnOnce(&mut Self)) {
        self.u32(id);
        let size_at = self.out.len();
        self.u32(0);
        body(self);
        let size = self.out.len().saturating_sub(size_at).saturating_sub(4);
        let size32 = u32::try_from(size).unwrap_or(u32::MAX);
        if let Some(slot) = self.out.get_mut(size_at..size_at.saturating_add(4)) {
            slot.copy_from_slice(&size32.to_le_bytes());
        }
        if size % 2 == 1 {
            self.out.push(0);
        }
    }

    fn list(&mut self, id: u32, list_type: u32, body: impl FnOnce(&mut Self)) {
        self.chunk(id, |w| {
            w.u32(list_type);
            body(w);
        });
    }

    fn string(&mut self, id: u32, text: &str) {
        self.chunk(id, |w| {
            w.out.extend(text.bytes().filter(|&b| b != 0));
            w.out.push(0);
        });
    }

    fn info(&mut self, info: &Info) {
        let entries = [
            (ids::INAM, &info.name),
            (ids::ICOP, &info.copyright),
            (ids::ICMT, &info.comment),
            (ids::ISFT, &info.software),
        ];
        if entries.iter().all(|(_, text)| text.is_none()) {
            return;
        }
        self.list(crate::riff::LIST, ids::INFO, |w| {
            for (id, text) in entries {
                if let Some(text) = text {
                    w.string(id, text);
                }
            }
        });
    }

    fn wsmp(&mut self, sample: &SampleInfo) {
        self.chunk(ids::WSMP, |w| {
            w.u32(20);
            w.u16(u16::from(sample.unity_note));
            w.out.extend_from_slice(&sample.fine_tune.to_le_bytes());
            w.i32(sample.gain);
            let options = if sample.no_truncation {
                c::F_WSMP_NO_TRUNCATION
            } else {
                0
            } | if sample.no_compression {
                c::F_WSMP_NO_COMPRESSION
            } else {
                0
            };
            w.u32(options);
            w.u32(u32::from(sample.sample_loop.is_some()));
            if let Some(l) = sample.sample_loop {
                w.u32(16);
                w.u32(match l.kind {
                    crate::model::LoopKind::Forward => c::WLOOP_TYPE_FORWARD,
                    crate::model::LoopKind::Release => c::WLOOP_TYPE_RELEASE,
                });
                w.u32(l.start);
                w.u32(l.length);
            }
        });
    }

    fn articulation(&mut self, articulation: &Articulation) {
        let (list_type, chunk_id) = match articulation.format {
            ArticulationFormat::Dls1 => (ids::LART, ids::ART1),
            ArticulationFormat::Dls2 => (ids::LAR2, ids::ART2),
        };
        self.list(crate::riff::LIST, list_type, |w| {
            w.chunk(chunk_id, |w| {
                w.u32(8);
                w.u32(u32::try_from(articulation.connections.len()).unwrap_or(u32::MAX));
                for connection in &articulation.connections {
                    w.u16(connection.source);
                    w.u16(connection.control);
                    w.u16(connection.destination);
                    w.u16(match articulation.format {
                        ArticulationFormat::Dls1 => connection.transform.source.bits(),
                        ArticulationFormat::Dls2 => connection.transform.to_art2(),
                    });
                    w.i32(connection.scale);
                }
            });
        });
    }

    fn wave(&mut self, wave: &Wave) {
        self.list(crate::riff::LIST, ids::WAVE, |w| {
            w.chunk(ids::FMT, |w| {
                w.u16(ids::WAVE_FORMAT_PCM);
                w.u16(1);
                w.u32(wave.sample_rate);
                w.u32(wave.sample_rate.saturating_mul(2));
                w.u16(2);
                w.u16(16);
            });
            if let Some(sample) = &wave.sample {
                w.wsmp(sample);
            }
            w.chunk(ids::DATA, |w| {
                w.out.reserve(wave.data.len().saturating_mul(2));
                for frame in &wave.data {
                    w.out.extend_from_slice(&frame.to_le_bytes());
                }
            });
            w.info(&Info {
                name: wave.name.clone(),
                copyright: wave.copyright.clone(),
                ..Info::default()
            });
        });
    }
}

/// Writes `collection` as a DLS Level 2 file (see the module docs for the layout).
pub fn write_dls(collection: &Collection) -> Vec<u8> {
    let mut w = Writer { out: Vec::new() };
    w.list(crate::riff::RIFF, ids::DLS, |w| {
        w.chunk(ids::COLH, |w| {
            w.u32(u32::try_from(collection.instruments.len()).unwrap_or(u32::MAX));
        });
        if let Some((ms, ls)) = collection.version {
            w.chunk(ids::VERS, |w| {
                w.u32(ms);
                w.u32(ls);
            });
        }
        if let Some(dlid) = collection.dlid {
            w.chunk(ids::DLID, |w| w.out.extend_from_slice(&dlid));
        }
        w.list(crate::riff::LIST, ids::LINS, |w| {
            for instrument in &collection.instruments {
                w.list(crate::riff::LIST, ids::INS, |w| {
                    w.chunk(ids::INSH, |w| {
                        let (bank, program) = instrument.patch.to_midilocale();
                        w.u32(u32::try_from(instrument.regions.len()).unwrap_or(u32::MAX));
                        w.u32(bank);
                        w.u32(program);
                    });
                    w.list(crate::riff::LIST, ids::LRGN, |w| {
                        for region in &instrument.regions {
                            w.list(crate::riff::LIST, ids::RGN, |w| {
                                w.chunk(ids::RGNH, |w| {
                                    w.u16(u16::from(region.keys.low));
                                    w.u16(u16::from(region.keys.high));
                                    w.u16(u16::from(region.velocities.low));
                                    w.u16(u16::from(region.velocities.high));
                                    w.u16(if region.self_non_exclusive {
                                        c::F_RGN_OPTION_SELFNONEXCLUSIVE
                                    } else {
                                        0
                                    });
                                    w.u16(region.key_group);
                                    w.u16(0); // usLayer
                                });
                                if let Some(sample) = &region.sample {
                                    w.wsmp(sample);
                                }
                                w.chunk(ids::WLNK, |w| {
                                    let link = &region.wave_link;
                                    let options = if link.phase_master {
                                        c::F_WAVELINK_PHASE_MASTER
                                    } else {
                                        0
                                    } | if link.multichannel {
                                        c::F_WAVELINK_MULTICHANNEL
                                    } else {
                                        0
                                    };
                                    w.u16(options);
                                    w.u16(link.phase_group);
                                    w.u32(link.channel);
                                    w.u32(link.wave);
                                });
                                if let Some(articulation) = &region.articulation {
                                    w.articulation(articulation);
                                }
                            });
                        }
                    });
                    if let Some(articulation) = &instrument.articulation {
                        w.articulation(articulation);
                    }
                    w.info(&Info {
                        name: instrument.name.clone(),
                        copyright: instrument.copyright.clone(),
                        ..Info::default()
                    });
                });
            }
        });
        // Offsets of each wave's LIST header from the start of the wvpl list data.
        let mut offsets = Vec::with_capacity(collection.waves.len());
        let mut pool = Writer { out: Vec::new() };
        for wave in &collection.waves {
            offsets.push(u32::try_from(pool.out.len()).unwrap_or(u32::MAX));
            pool.wave(wave);
        }
        w.chunk(ids::PTBL, |w| {
            w.u32(8);
            w.u32(u32::try_from(offsets.len()).unwrap_or(u32::MAX));
            for offset in &offsets {
                w.u32(*offset);
            }
        });
        w.list(crate::riff::LIST, ids::WVPL, |w| {
            w.out.extend_from_slice(&pool.out)
        });
        w.info(&collection.info);
    });
    w.out
}
