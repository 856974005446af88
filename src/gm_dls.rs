//! Reading `\SystemRoot\System32\drivers\gm.dls` at start (hardware-synth mode), written once over
//! the small [`FileAccess`] trait: the kernel implements it with `ZwCreateFile`,
//! `ZwQueryInformationFile(FileStandardInformation)`, `ZwReadFile` and `ZwClose`
//! (`src/kernel/file.rs`, PASSIVE_LEVEL, `OBJ_KERNEL_HANDLE`), the tests with a fake file.
//!
//! The policy: an absent file (`STATUS_OBJECT_NAME_NOT_FOUND`, `…PATH_NOT_FOUND`,
//! `STATUS_NO_SUCH_FILE`) is not an error: the embedded bank plays. Any other failure is reported
//! (and the embedded bank plays too). The file is read whole, in chunks of at most
//! [`READ_CHUNK`] bytes, into one allocation sized by the file (capped at [`MAX_BYTES`], reserved
//! with `try_reserve_exact`); a read that returns fewer bytes than asked continues at the next
//! offset, a read that returns nothing (or `STATUS_END_OF_FILE`) before the size the file
//! announced means the file shrank: refused. The handle is closed exactly once on every path.

use alloc::vec::Vec;
use core::fmt;

use portcls_sys::dmerror::NTSTATUS;

/// The file, in the kernel's namespace.
pub const PATH: &str = r"\SystemRoot\System32\drivers\gm.dls";

/// [`PATH`] as UTF-16 with a terminating NUL (for `UNICODE_STRING`).
pub const PATH_UTF16: [u16; PATH.len() + 1] = crate::adapter::ascii_to_utf16z(PATH);

/// The largest gm.dls read (Windows' own is 3,440,660 bytes). A larger file is refused.
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// The most bytes one read asks for.
pub const READ_CHUNK: usize = 1024 * 1024;

/// The statuses of an absent file (no such file, directory or name) and of a read at or past the
/// end.
pub use portcls_sys::dmerror::{
    STATUS_END_OF_FILE, STATUS_NO_SUCH_FILE, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_OBJECT_PATH_NOT_FOUND,
};

/// The file operations [`read`] needs.
pub trait FileAccess {
    /// An open file.
    type Handle;
    /// Opens `path` (UTF-16, NUL-terminated) for synchronous reading.
    ///
    /// # Errors
    /// The NTSTATUS of the failed open.
    fn open(&mut self, path: &[u16]) -> Result<Self::Handle, NTSTATUS>;
    /// The file's size in bytes (`FILE_STANDARD_INFORMATION.EndOfFile`).
    ///
    /// # Errors
    /// The NTSTATUS of the failed query.
    fn size(&mut self, handle: &Self::Handle) -> Result<i64, NTSTATUS>;
    /// Reads at `offset` into `buffer`; the number of bytes read (`IO_STATUS_BLOCK.Information`).
    ///
    /// # Errors
    /// The NTSTATUS of the failed read.
    fn read(&mut self, handle: &Self::Handle, offset: u64, buffer: &mut [u8]) -> Result<usize, NTSTATUS>;
    /// Closes the handle.
    fn close(&mut self, handle: Self::Handle);
}

/// Why gm.dls was not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GmDlsError {
    /// Opening failed for another reason than absence.
    Open(NTSTATUS),
    /// The size query failed.
    Size(NTSTATUS),
    /// The file announced a negative size.
    BadSize(i64),
    /// The file is empty.
    Empty,
    /// The file is larger than [`MAX_BYTES`]; its size.
    TooLarge(u64),
    /// The buffer for the file could not be allocated.
    OutOfMemory,
    /// A read failed at this offset.
    Read {
        /// Where.
        offset: u64,
        /// The NTSTATUS.
        status: NTSTATUS,
    },
    /// The file ended before its announced size.
    Truncated {
        /// The announced size.
        expected: u64,
        /// What could be read.
        read: u64,
    },
    /// A read claimed more bytes than asked for.
    BadLength {
        /// Where.
        offset: u64,
        /// The claimed count.
        claimed: usize,
    },
}

impl fmt::Display for GmDlsError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Open(status) => write!(formatter, "open failed (status {:#010x})", status as u32),
            Self::Size(status) => write!(formatter, "size query failed (status {:#010x})", status as u32),
            Self::BadSize(size) => write!(formatter, "size {size} is negative"),
            Self::Empty => formatter.write_str("empty file"),
            Self::TooLarge(size) => write!(formatter, "{size} bytes is larger than {MAX_BYTES}"),
            Self::OutOfMemory => formatter.write_str("out of memory"),
            Self::Read { offset, status } => {
                write!(
                    formatter,
                    "read at {offset} failed (status {:#010x})",
                    status as u32
                )
            }
            Self::Truncated { expected, read } => {
                write!(formatter, "ended after {read} of {expected} bytes")
            }
            Self::BadLength { offset, claimed } => {
                write!(
                    formatter,
                    "read at {offset} claimed {claimed} bytes, more than asked"
                )
            }
        }
    }
}

/// What reading gm.dls gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GmDls {
    /// The whole file.
    Loaded(Vec<u8>),
    /// No file: the embedded bank plays, nothing to report.
    Absent,
    /// The file could not be read: the embedded bank plays, and the reason is logged.
    Failed(GmDlsError),
}

impl GmDls {
    /// The file's bytes, if it was read.
    #[must_use]
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Self::Loaded(bytes) => Some(bytes),
            Self::Absent | Self::Failed(_) => None,
        }
    }
}

/// Whether a failed open means "no file" (rather than a failure to report).
#[must_use]
pub const fn is_absent(status: NTSTATUS) -> bool {
    matches!(
        status,
        STATUS_OBJECT_NAME_NOT_FOUND | STATUS_OBJECT_PATH_NOT_FOUND | STATUS_NO_SUCH_FILE
    )
}

/// The number of bytes to read for a file that announces `size`.
///
/// # Errors
/// [`GmDlsError::BadSize`], [`GmDlsError::Empty`], [`GmDlsError::TooLarge`].
pub fn checked_size(size: i64) -> Result<usize, GmDlsError> {
    let size = u64::try_from(size).map_err(|_| GmDlsError::BadSize(size))?;
    if size == 0 {
        return Err(GmDlsError::Empty);
    }
    if size > MAX_BYTES {
        return Err(GmDlsError::TooLarge(size));
    }
    usize::try_from(size).map_err(|_| GmDlsError::TooLarge(size))
}

/// Reads gm.dls through `files` (see the module doc). PASSIVE_LEVEL in the kernel.
pub fn read<F: FileAccess>(files: &mut F) -> GmDls {
    let handle = match files.open(&PATH_UTF16) {
        Ok(handle) => handle,
        Err(status) if is_absent(status) => return GmDls::Absent,
        Err(status) => return GmDls::Failed(GmDlsError::Open(status)),
    };
    let result = read_open(files, &handle);
    files.close(handle);
    match result {
        Ok(bytes) => GmDls::Loaded(bytes),
        Err(error) => GmDls::Failed(error),
    }
}

/// The body of [`read`] once the file is open.
fn read_open<F: FileAccess>(files: &mut F, handle: &F::Handle) -> Result<Vec<u8>, GmDlsError> {
    let size = files.size(handle).map_err(GmDlsError::Size)?;
    let length = checked_size(size)?;
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(length)
        .map_err(|_| GmDlsError::OutOfMemory)?;
    bytes.resize(length, 0);
    let mut done = 0usize;
    while done < length {
        let offset = done as u64;
        let end = done.saturating_add(READ_CHUNK).min(length);
        let Some(chunk) = bytes.get_mut(done..end) else {
            break;
        };
        let asked = chunk.len();
        let count = match files.read(handle, offset, chunk) {
            Ok(count) => count,
            Err(STATUS_END_OF_FILE) => 0,
            Err(status) => return Err(GmDlsError::Read { offset, status }),
        };
        if count > asked {
            return Err(GmDlsError::BadLength {
                offset,
                claimed: count,
            });
        }
        if count == 0 {
            return Err(GmDlsError::Truncated {
                expected: length as u64,
                read: offset,
            });
        }
        done = done.saturating_add(count);
    }
    Ok(bytes)
}
