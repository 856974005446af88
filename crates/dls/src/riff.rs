//! RIFF chunk walking over untrusted bytes.
//!
//! A RIFF file is a tree of chunks: `id: FOURCC, size: u32 LE, data[size]`, padded to an even
//! length. `RIFF` and `LIST` chunks start their data with a form/list type FOURCC followed by
//! child chunks. Everything here is `no_std`, allocation-free and never panics:
//!
//! - every size is checked against the real length of the slice (a chunk whose size runs past
//!   its parent is [`RiffErrorKind::Truncated`]), except the outermost `RIFF` chunk, whose size is
//!   clamped to the file (real files disagree with their own header; see
//!   `shared/reference/dls-and-synth-engines.md` §2.1);
//! - the pad byte after an odd-sized chunk is skipped when present and tolerated when missing at
//!   the end of the parent;
//! - fewer than 8 trailing bytes after the last child (too few for a chunk header) are ignored;
//! - nesting deeper than [`MAX_DEPTH`] is refused, so recursive walkers are bounded;
//! - a `crs1` chunk (Crystal's DLS files, whose header gives a wrong size) is read as 28 bytes.

use core::fmt;

/// `RIFF`.
pub const RIFF: u32 = u32::from_le_bytes(*b"RIFF");
/// `LIST`.
pub const LIST: u32 = u32::from_le_bytes(*b"LIST");

/// `crs1` (Crystal Semiconductor's DLS files).
const CRS1: u32 = u32::from_le_bytes(*b"crs1");
/// The real body size of a `crs1` chunk, whatever its header says.
const CRS1_SIZE: usize = 28;

/// The deepest list nesting [`Chunk::children`] accepts (a DLS file needs 5: RIFF → lins → ins
/// → lrgn → rgn → lart).
pub const MAX_DEPTH: u8 = 16;

/// What went wrong while walking chunks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RiffErrorKind {
    /// The input does not start with a `RIFF` header of the expected form type.
    NotRiff,
    /// A chunk header or body runs past the end of its parent.
    Truncated,
    /// A `RIFF`/`LIST` chunk is too short to hold its list type.
    MissingListType,
    /// Lists nest deeper than [`MAX_DEPTH`].
    TooDeep,
}

/// A RIFF structure error at a byte offset of the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RiffError {
    /// What went wrong.
    pub kind: RiffErrorKind,
    /// Byte offset (from the start of the file) of the offending chunk header.
    pub offset: usize,
}

impl fmt::Display for RiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            RiffErrorKind::NotRiff => "not a RIFF file of the expected form",
            RiffErrorKind::Truncated => "chunk runs past the end of its parent",
            RiffErrorKind::MissingListType => "RIFF/LIST chunk too short for its list type",
            RiffErrorKind::TooDeep => "lists nested too deeply",
        };
        write!(f, "{what} (at byte {:#x})", self.offset)
    }
}

/// Formats a FOURCC for messages (`'wsmp'`; non-printable bytes as `?`).
pub struct FourCc(pub u32);

impl fmt::Display for FourCc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("'")?;
        for byte in self.0.to_le_bytes() {
            let shown = if byte.is_ascii_graphic() || byte == b' ' {
                byte as char
            } else {
                '?'
            };
            write!(f, "{shown}")?;
        }
        f.write_str("'")
    }
}

impl fmt::Debug for FourCc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// One chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunk<'a> {
    /// The chunk id (`RIFF`, `LIST`, `wsmp`, ...).
    pub id: u32,
    /// The chunk body (without header and pad byte).
    pub data: &'a [u8],
    /// Byte offset of the chunk header from the start of the file.
    pub offset: usize,
    /// How many lists enclose this chunk (the outermost `RIFF` is at depth 0).
    pub depth: u8,
}

impl<'a> Chunk<'a> {
    /// Whether this is a `RIFF` or `LIST` chunk.
    pub const fn is_list(&self) -> bool {
        self.id == RIFF || self.id == LIST
    }

    /// The list type of a `RIFF`/`LIST` chunk (`None` for other chunks or when too short).
    pub fn list_type(&self) -> Option<u32> {
        if !self.is_list() {
            return None;
        }
        let bytes: [u8; 4] = self.data.get(..4)?.try_into().ok()?;
        Some(u32::from_le_bytes(bytes))
    }

    /// Whether this is a `LIST` (or `RIFF`) of type `list_type`.
    pub fn is_list_of(&self, list_type: u32) -> bool {
        self.list_type() == Some(list_type)
    }

    /// Byte offset of the body from the start of the file.
    pub const fn data_offset(&self) -> usize {
        self.offset.saturating_add(8)
    }

    /// The children of a `RIFF`/`LIST` chunk.
    pub fn children(&self) -> Result<Chunks<'a>, RiffError> {
        let error = |kind| RiffError {
            kind,
            offset: self.offset,
        };
        if !self.is_list() {
            return Err(error(RiffErrorKind::MissingListType));
        }
        let body = self.data.get(4..).ok_or(error(RiffErrorKind::MissingListType))?;
        let depth = self.depth.checked_add(1).ok_or(error(RiffErrorKind::TooDeep))?;
        if depth > MAX_DEPTH {
            return Err(error(RiffErrorKind::TooDeep));
        }
        Ok(Chunks {
            data: body,
            base: self.data_offset().saturating_add(4),
            pos: 0,
            depth,
        })
    }
}

/// Iterator over the chunks of one list body. Yields an error once and then stops.
#[derive(Clone, Debug)]
pub struct Chunks<'a> {
    data: &'a [u8],
    /// File offset of `data[0]`.
    base: usize,
    pos: usize,
    depth: u8,
}

impl<'a> Chunks<'a> {
    /// Chunks laid out back to back in `data`, which starts at file offset `base`, at list depth
    /// `depth`.
    pub const fn new(data: &'a [u8], base: usize, depth: u8) -> Self {
        Self {
            data,
            base,
            pos: 0,
            depth,
        }
    }
}

impl<'a> Iterator for Chunks<'a> {
    type Item = Result<Chunk<'a>, RiffError>;

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.data.get(self.pos..)?;
        if rest.len() < 8 {
            // Too short for a header: trailing junk or padding, ignored.
            self.pos = self.data.len();
            return None;
        }
        let offset = self.base.saturating_add(self.pos);
        let (header, body) = rest.split_at(8);
        let (id_bytes, size_bytes) = header.split_at(4);
        let id = u32::from_le_bytes(id_bytes.try_into().ok()?);
        let mut size = u32::from_le_bytes(size_bytes.try_into().ok()?) as usize;
        if id == CRS1 {
            // Crystal's DLS writes a wrong size for its `crs1` chunk; its body is 28 bytes
            // (FluidSynth `fluid_dls.cpp`, spessasynth_core issue #5).
            size = CRS1_SIZE;
        }
        let Some(data) = body.get(..size) else {
            self.pos = self.data.len();
            return Some(Err(RiffError {
                kind: RiffErrorKind::Truncated,
                offset,
            }));
        };
        // header + size + pad byte (the pad may be missing at the very end).
        let advance = 8usize.saturating_add(size).saturating_add(size & 1);
        self.pos = self.pos.saturating_add(advance).min(self.data.len());
        Some(Ok(Chunk {
            id,
            data,
            offset,
            depth: self.depth,
        }))
    }
}

/// Opens a RIFF file of form `form` (e.g. `DLS ` or `sfbk`): returns the outermost chunk.
///
/// A declared size larger than the file is clamped to the file; a smaller one is honoured (bytes
/// after it are ignored).
pub fn open(bytes: &[u8], form: u32) -> Result<Chunk<'_>, RiffError> {
    let not_riff = RiffError {
        kind: RiffErrorKind::NotRiff,
        offset: 0,
    };
    let id = bytes.get(0..4).ok_or(not_riff)?;
    if id != RIFF.to_le_bytes() {
        return Err(not_riff);
    }
    let size_bytes: [u8; 4] = bytes.get(4..8).and_then(|s| s.try_into().ok()).ok_or(not_riff)?;
    let size = u32::from_le_bytes(size_bytes) as usize;
    let body = bytes.get(8..).ok_or(not_riff)?;
    let data = body.get(..size).unwrap_or(body);
    let chunk = Chunk {
        id: RIFF,
        data,
        offset: 0,
        depth: 0,
    };
    if chunk.list_type() != Some(form) {
        return Err(not_riff);
    }
    Ok(chunk)
}

/// The form type of a RIFF file (`DLS `, `sfbk`, `WAVE`, ...), if `bytes` starts with a RIFF header.
pub fn form_type(bytes: &[u8]) -> Option<u32> {
    if bytes.get(0..4)? != RIFF.to_le_bytes() {
        return None;
    }
    let form: [u8; 4] = bytes.get(8..12)?.try_into().ok()?;
    Some(u32::from_le_bytes(form))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn chunk(id: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(id);
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(body);
        if body.len() % 2 == 1 {
            out.push(0);
        }
        out
    }

    fn list(id: &[u8; 4], kind: &[u8; 4], children: &[Vec<u8>]) -> Vec<u8> {
        let mut body = kind.to_vec();
        for c in children {
            body.extend_from_slice(c);
        }
        chunk(id, &body)
    }

    #[test]
    fn walks_nested_lists_with_odd_padding() {
        let file = list(
            b"RIFF",
            b"TEST",
            &[
                chunk(b"odd ", &[1, 2, 3]),
                list(b"LIST", b"sub ", &[chunk(b"two ", &[9, 9])]),
            ],
        );
        let root = open(&file, u32::from_le_bytes(*b"TEST")).unwrap();
        let kids: Vec<_> = root.children().unwrap().map(Result::unwrap).collect();
        assert_eq!(kids.len(), 2);
        assert_eq!(kids[0].data, &[1, 2, 3]);
        assert_eq!(kids[0].offset, 12);
        assert_eq!(kids[1].offset, 12 + 8 + 4);
        assert!(kids[1].is_list_of(u32::from_le_bytes(*b"sub ")));
        let inner: Vec<_> = kids[1].children().unwrap().map(Result::unwrap).collect();
        assert_eq!(inner[0].data, &[9, 9]);
        assert_eq!(inner[0].depth, 2);
    }

    #[test]
    fn riff_size_larger_than_file_is_clamped() {
        let mut file = list(b"RIFF", b"TEST", &[chunk(b"abcd", &[1, 2])]);
        file[4..8].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
        let root = open(&file, u32::from_le_bytes(*b"TEST")).unwrap();
        assert_eq!(root.children().unwrap().count(), 1);
    }

    #[test]
    fn truncated_child_is_an_error_with_offset() {
        let mut file = list(b"RIFF", b"TEST", &[chunk(b"abcd", &[1, 2])]);
        file[16..20].copy_from_slice(&100u32.to_le_bytes());
        let root = open(&file, u32::from_le_bytes(*b"TEST")).unwrap();
        let mut kids = root.children().unwrap();
        assert_eq!(
            kids.next(),
            Some(Err(RiffError {
                kind: RiffErrorKind::Truncated,
                offset: 12
            }))
        );
        assert_eq!(kids.next(), None);
    }

    #[test]
    fn missing_final_pad_byte_and_trailing_junk_are_tolerated() {
        let mut file = list(b"RIFF", b"TEST", &[chunk(b"abcd", &[7])]);
        file.pop(); // drop the pad byte
        let size = (file.len() - 8) as u32;
        file[4..8].copy_from_slice(&size.to_le_bytes());
        let root = open(&file, u32::from_le_bytes(*b"TEST")).unwrap();
        assert_eq!(root.children().unwrap().count(), 1);
        let mut junk = list(b"RIFF", b"TEST", &[chunk(b"abcd", &[7, 7])]);
        junk.extend_from_slice(&[1, 2, 3]);
        let size = (junk.len() - 8) as u32;
        junk[4..8].copy_from_slice(&size.to_le_bytes());
        let root = open(&junk, u32::from_le_bytes(*b"TEST")).unwrap();
        assert_eq!(root.children().unwrap().count(), 1);
    }

    #[test]
    fn crystal_crs1_chunks_have_a_fixed_size() {
        let mut crs1 = chunk(b"crs1", &[0; 28]);
        crs1[4..8].copy_from_slice(&0x1234_5678u32.to_le_bytes());
        let file = list(b"RIFF", b"TEST", &[crs1, chunk(b"next", &[1])]);
        let root = open(&file, u32::from_le_bytes(*b"TEST")).unwrap();
        let kids: Vec<_> = root.children().unwrap().map(Result::unwrap).collect();
        assert_eq!(kids.len(), 2);
        assert_eq!(kids[1].data, &[1]);
    }

    #[test]
    fn depth_is_limited() {
        let mut file = chunk(b"leaf", &[]);
        for _ in 0..(MAX_DEPTH + 2) {
            file = list(b"LIST", b"deep", &[file]);
        }
        let file = list(b"RIFF", b"TEST", &[file]);
        let root = open(&file, u32::from_le_bytes(*b"TEST")).unwrap();
        let mut current = root;
        let mut result = Ok(());
        for _ in 0..(MAX_DEPTH + 3) {
            match current.children() {
                Ok(mut kids) => current = kids.next().unwrap().unwrap(),
                Err(error) => {
                    result = Err(error.kind);
                    break;
                }
            }
        }
        assert_eq!(result, Err(RiffErrorKind::TooDeep));
    }

    #[test]
    fn not_riff_and_wrong_form() {
        assert_eq!(open(b"RIF", 0).unwrap_err().kind, RiffErrorKind::NotRiff);
        let file = list(b"RIFF", b"TEST", &[]);
        assert_eq!(
            open(&file, u32::from_le_bytes(*b"DLS ")).unwrap_err().kind,
            RiffErrorKind::NotRiff
        );
        assert_eq!(form_type(&file), Some(u32::from_le_bytes(*b"TEST")));
        assert_eq!(form_type(b"RIFF"), None);
    }
}
