//! A bounds-checked little-endian reader over untrusted bytes. Every read is checked against the
//! real length of the slice; nothing here can panic or overflow.

/// The input ended before a value could be read (or an offset pointed outside it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfBounds;

/// A cursor over a byte slice.
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `data`.
    pub const fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    /// A reader at byte `offset` of `data` (which may equal the length: an empty reader).
    pub fn at(data: &'a [u8], offset: usize) -> Result<Self, OutOfBounds> {
        if offset > data.len() {
            return Err(OutOfBounds);
        }
        Ok(Self { data, pos: offset })
    }

    /// Current offset from the start of the underlying slice.
    pub const fn position(&self) -> usize {
        self.pos
    }

    /// Bytes left after the cursor.
    pub const fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    /// The next `len` bytes; advances past them.
    pub fn bytes(&mut self, len: usize) -> Result<&'a [u8], OutOfBounds> {
        let end = self.pos.checked_add(len).ok_or(OutOfBounds)?;
        let slice = self.data.get(self.pos..end).ok_or(OutOfBounds)?;
        self.pos = end;
        Ok(slice)
    }

    /// Skips `len` bytes.
    pub fn skip(&mut self, len: usize) -> Result<(), OutOfBounds> {
        self.bytes(len).map(|_| ())
    }

    /// The next `N` bytes as an array.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], OutOfBounds> {
        let slice = self.bytes(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        Ok(out)
    }

    /// A `u8`.
    pub fn u8(&mut self) -> Result<u8, OutOfBounds> {
        self.array::<1>().map(|[b]| b)
    }

    /// A little-endian `u16`.
    pub fn u16(&mut self) -> Result<u16, OutOfBounds> {
        self.array().map(u16::from_le_bytes)
    }

    /// A little-endian `i16`.
    pub fn i16(&mut self) -> Result<i16, OutOfBounds> {
        self.array().map(i16::from_le_bytes)
    }

    /// A little-endian `u32`.
    pub fn u32(&mut self) -> Result<u32, OutOfBounds> {
        self.array().map(u32::from_le_bytes)
    }

    /// A little-endian `i32`.
    pub fn i32(&mut self) -> Result<i32, OutOfBounds> {
        self.array().map(i32::from_le_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_bounded() {
        let data = [1u8, 0, 2, 0, 0, 0];
        let mut r = Reader::new(&data);
        assert_eq!(r.u16(), Ok(1));
        assert_eq!(r.u32(), Ok(2));
        assert_eq!(r.u8(), Err(OutOfBounds));
        assert!(Reader::at(&data, 7).is_err());
        let mut r = Reader::at(&data, 6).unwrap();
        assert_eq!(r.remaining(), 0);
        assert_eq!(r.bytes(usize::MAX), Err(OutOfBounds));
    }
}
