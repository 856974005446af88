//! Chunk ids of DLS files (dls1.h, dls2.h, RIFF INFO, WAVE).

use portcls_sys::dls::fourcc;

/// `RIFF` form type `DLS `.
pub const DLS: u32 = fourcc(b"DLS ");
/// Collection header.
pub const COLH: u32 = fourcc(b"colh");
/// Version.
pub const VERS: u32 = fourcc(b"vers");
/// DLSID.
pub const DLID: u32 = fourcc(b"dlid");
/// Pool table.
pub const PTBL: u32 = fourcc(b"ptbl");
/// Wave pool list.
pub const WVPL: u32 = fourcc(b"wvpl");
/// One wave (list).
pub const WAVE: u32 = fourcc(b"wave");
/// Instrument list.
pub const LINS: u32 = fourcc(b"lins");
/// One instrument (list).
pub const INS: u32 = fourcc(b"ins ");
/// Instrument header.
pub const INSH: u32 = fourcc(b"insh");
/// Region list.
pub const LRGN: u32 = fourcc(b"lrgn");
/// DLS1 region (list).
pub const RGN: u32 = fourcc(b"rgn ");
/// DLS2 region (list).
pub const RGN2: u32 = fourcc(b"rgn2");
/// Region header.
pub const RGNH: u32 = fourcc(b"rgnh");
/// Wave sample.
pub const WSMP: u32 = fourcc(b"wsmp");
/// Wave link.
pub const WLNK: u32 = fourcc(b"wlnk");
/// DLS1 articulation list.
pub const LART: u32 = fourcc(b"lart");
/// DLS2 articulation list.
pub const LAR2: u32 = fourcc(b"lar2");
/// DLS1 articulator.
pub const ART1: u32 = fourcc(b"art1");
/// DLS2 articulator.
pub const ART2: u32 = fourcc(b"art2");
/// Conditional chunk.
pub const CDL: u32 = fourcc(b"cdl ");
/// INFO list.
pub const INFO: u32 = fourcc(b"INFO");
/// INFO name.
pub const INAM: u32 = fourcc(b"INAM");
/// INFO copyright.
pub const ICOP: u32 = fourcc(b"ICOP");
/// INFO comment.
pub const ICMT: u32 = fourcc(b"ICMT");
/// INFO software.
pub const ISFT: u32 = fourcc(b"ISFT");
/// Wave format.
pub const FMT: u32 = fourcc(b"fmt ");
/// Wave data.
pub const DATA: u32 = fourcc(b"data");
/// `WAVE_FORMAT_PCM`.
pub const WAVE_FORMAT_PCM: u16 = 1;
