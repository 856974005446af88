//! Reading gm.dls: the decisions the kernel's `ZwCreateFile`/`ZwQueryInformationFile`/`ZwReadFile`
//! glue delegates to `dmksynth::gm_dls::read`, against a fake file: absence, errors with their
//! exact status, the 16 MiB cap, short reads, a file that shrinks, and the handle closed exactly
//! once on every path.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation
)]

use dmksynth::gm_dls::{
    FileAccess, GmDls, GmDlsError, MAX_BYTES, PATH, PATH_UTF16, READ_CHUNK, STATUS_END_OF_FILE,
    STATUS_NO_SUCH_FILE, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_OBJECT_PATH_NOT_FOUND, checked_size, read,
};
use portcls_sys::dmerror::NTSTATUS;

const STATUS_ACCESS_DENIED: NTSTATUS = 0xC000_0022_u32 as NTSTATUS;
const STATUS_SHARING_VIOLATION: NTSTATUS = 0xC000_0043_u32 as NTSTATUS;
const STATUS_FILE_CORRUPT_ERROR: NTSTATUS = 0xC000_0102_u32 as NTSTATUS;

#[derive(Debug)]
struct Handle(u32);

struct FakeFile {
    content: Vec<u8>,
    open_status: Option<NTSTATUS>,
    size_status: Option<NTSTATUS>,
    /// What the size query announces (defaults to the content's length).
    announced: Option<i64>,
    /// Most bytes one read returns.
    max_per_read: usize,
    /// A read at or past this offset fails with the status.
    fail_at: Option<(u64, NTSTATUS)>,
    /// A read that claims this many bytes more than it copied.
    overclaim: usize,
    opened_path: Vec<u16>,
    opens: u32,
    closes: u32,
    reads: Vec<(u64, usize)>,
}

impl FakeFile {
    fn new(content: Vec<u8>) -> Self {
        Self {
            content,
            open_status: None,
            size_status: None,
            announced: None,
            max_per_read: usize::MAX,
            fail_at: None,
            overclaim: 0,
            opened_path: Vec::new(),
            opens: 0,
            closes: 0,
            reads: Vec::new(),
        }
    }
}

impl FileAccess for FakeFile {
    type Handle = Handle;

    fn open(&mut self, path: &[u16]) -> Result<Handle, NTSTATUS> {
        self.opened_path = path.to_vec();
        if let Some(status) = self.open_status {
            return Err(status);
        }
        self.opens += 1;
        Ok(Handle(7))
    }

    fn size(&mut self, handle: &Handle) -> Result<i64, NTSTATUS> {
        assert_eq!(handle.0, 7);
        match self.size_status {
            Some(status) => Err(status),
            None => Ok(self.announced.unwrap_or(self.content.len() as i64)),
        }
    }

    fn read(&mut self, handle: &Handle, offset: u64, buffer: &mut [u8]) -> Result<usize, NTSTATUS> {
        assert_eq!(handle.0, 7);
        assert!(self.closes == 0, "read after close");
        self.reads.push((offset, buffer.len()));
        if let Some((at, status)) = self.fail_at
            && offset >= at
        {
            return Err(status);
        }
        let start = offset as usize;
        if start >= self.content.len() {
            return Err(STATUS_END_OF_FILE);
        }
        let count = buffer
            .len()
            .min(self.max_per_read)
            .min(self.content.len() - start);
        buffer[..count].copy_from_slice(&self.content[start..start + count]);
        Ok(count + self.overclaim)
    }

    fn close(&mut self, handle: Handle) {
        assert_eq!(handle.0, 7);
        self.closes += 1;
    }
}

fn content(length: usize) -> Vec<u8> {
    (0..length).map(|index| (index * 7 + index / 251) as u8).collect()
}

#[test]
fn the_path_is_the_systems_gm_dls_in_the_kernel_namespace() {
    assert_eq!(PATH, r"\SystemRoot\System32\drivers\gm.dls");
    let utf16: Vec<u16> = PATH.encode_utf16().chain([0]).collect();
    assert_eq!(PATH_UTF16.as_slice(), utf16.as_slice());
    let mut file = FakeFile::new(content(10));
    read(&mut file);
    assert_eq!(file.opened_path, utf16);
}

#[test]
fn a_whole_file_is_read_in_chunks_and_closed_once() {
    // Windows' gm.dls is 3,440,660 bytes: four chunks of at most 1 MiB.
    let bytes = content(3_440_660);
    let mut file = FakeFile::new(bytes.clone());
    assert_eq!(read(&mut file), GmDls::Loaded(bytes));
    assert_eq!((file.opens, file.closes), (1, 1));
    assert_eq!(
        file.reads,
        [
            (0, READ_CHUNK),
            (1_048_576, READ_CHUNK),
            (2_097_152, READ_CHUNK),
            (3_145_728, 3_440_660 - 3_145_728)
        ]
    );
}

#[test]
fn short_reads_continue_where_they_stopped() {
    let bytes = content(100_000);
    let mut file = FakeFile::new(bytes.clone());
    file.max_per_read = 30_001;
    assert_eq!(read(&mut file), GmDls::Loaded(bytes));
    let offsets: Vec<u64> = file.reads.iter().map(|read| read.0).collect();
    assert_eq!(offsets, [0, 30_001, 60_002, 90_003]);
    assert_eq!(
        file.reads[3].1,
        100_000 - 90_003,
        "never asks past the announced size"
    );
    assert_eq!(file.closes, 1);
}

#[test]
fn absence_is_not_an_error_but_other_open_failures_are() {
    for status in [
        STATUS_OBJECT_NAME_NOT_FOUND,
        STATUS_OBJECT_PATH_NOT_FOUND,
        STATUS_NO_SUCH_FILE,
    ] {
        let mut file = FakeFile::new(Vec::new());
        file.open_status = Some(status);
        assert_eq!(read(&mut file), GmDls::Absent, "{status:#x}");
        assert_eq!(file.closes, 0, "nothing opened, nothing closed");
    }
    for status in [STATUS_ACCESS_DENIED, STATUS_SHARING_VIOLATION] {
        let mut file = FakeFile::new(Vec::new());
        file.open_status = Some(status);
        assert_eq!(read(&mut file), GmDls::Failed(GmDlsError::Open(status)));
        assert_eq!(file.closes, 0);
    }
}

#[test]
fn sizes_are_checked_before_anything_is_allocated_or_read() {
    let cases = [
        (Some(0), GmDlsError::Empty),
        (Some(-1), GmDlsError::BadSize(-1)),
        (Some(MAX_BYTES as i64 + 1), GmDlsError::TooLarge(MAX_BYTES + 1)),
        (Some(i64::MAX), GmDlsError::TooLarge(i64::MAX as u64)),
    ];
    for (announced, error) in cases {
        let mut file = FakeFile::new(content(10));
        file.announced = announced;
        assert_eq!(read(&mut file), GmDls::Failed(error), "{announced:?}");
        assert!(file.reads.is_empty());
        assert_eq!(file.closes, 1);
    }
    let mut file = FakeFile::new(content(10));
    file.size_status = Some(STATUS_ACCESS_DENIED);
    assert_eq!(
        read(&mut file),
        GmDls::Failed(GmDlsError::Size(STATUS_ACCESS_DENIED))
    );
    assert_eq!(file.closes, 1);

    assert_eq!(checked_size(MAX_BYTES as i64), Ok(16 * 1024 * 1024));
    assert_eq!(checked_size(1), Ok(1));
}

#[test]
fn a_file_that_shrinks_or_fails_mid_read_is_refused() {
    // Announces more than it holds: the read at the old end finds nothing.
    let mut file = FakeFile::new(content(2_500_000));
    file.announced = Some(3_000_000);
    assert_eq!(
        read(&mut file),
        GmDls::Failed(GmDlsError::Truncated {
            expected: 3_000_000,
            read: 2_500_000
        })
    );
    assert_eq!(file.closes, 1);

    // A device error in the middle: its status and offset.
    let mut file = FakeFile::new(content(3_000_000));
    file.fail_at = Some((2_000_000, STATUS_FILE_CORRUPT_ERROR));
    assert_eq!(
        read(&mut file),
        GmDls::Failed(GmDlsError::Read {
            offset: 2_097_152,
            status: STATUS_FILE_CORRUPT_ERROR
        })
    );
    assert_eq!(file.closes, 1);

    // A read that claims more than it was asked for.
    let mut file = FakeFile::new(content(1000));
    file.overclaim = 1;
    assert_eq!(
        read(&mut file),
        GmDls::Failed(GmDlsError::BadLength {
            offset: 0,
            claimed: 1001
        })
    );
    assert_eq!(file.closes, 1);
}

#[test]
fn only_a_loaded_file_has_bytes() {
    assert_eq!(GmDls::Loaded(vec![1, 2]).bytes(), Some(&[1u8, 2][..]));
    assert_eq!(GmDls::Absent.bytes(), None);
    assert_eq!(GmDls::Failed(GmDlsError::Empty).bytes(), None);
    assert_eq!(
        GmDlsError::Read {
            offset: 5,
            status: STATUS_FILE_CORRUPT_ERROR
        }
        .to_string(),
        "read at 5 failed (status 0xc0000102)"
    );
}
