//! [`FileAccess`] over the kernel's file calls, for reading gm.dls at start
//! ([`crate::gm_dls::read`] holds every decision: absence, size cap, short reads, errors).
//!
//! Every call runs at PASSIVE_LEVEL in `StartDevice` (the PnP manager's system thread). The handle
//! is a kernel handle (`OBJ_KERNEL_HANDLE`), opened for synchronous non-alertable reading
//! (`FILE_SYNCHRONOUS_IO_NONALERT`: `ZwReadFile` returns when the read is done, with the count in
//! the `IO_STATUS_BLOCK`), shared for reading with anyone else (`FILE_SHARE_READ`).
//!
//! Names: wdk-sys generates the Zw routines of ntifs.h/wdm.h into `wdk_sys::ntddk` and the types
//! into `wdk_sys` (`OBJECT_ATTRIBUTES`, `IO_STATUS_BLOCK`, `LARGE_INTEGER`,
//! `FILE_STANDARD_INFORMATION`, `_FILE_INFORMATION_CLASS::FileStandardInformation`); the flags are
//! written out here from wdm.h/ntdef.h rather than relying on how bindgen evaluates their macros.

use core::ptr::null_mut;

use portcls_sys::dmerror::{NTSTATUS, STATUS_UNSUCCESSFUL};
use wdk_sys::ntddk::{ZwClose, ZwCreateFile, ZwQueryInformationFile, ZwReadFile};
use wdk_sys::{
    _FILE_INFORMATION_CLASS, FILE_STANDARD_INFORMATION, HANDLE, IO_STATUS_BLOCK, LARGE_INTEGER,
    OBJECT_ATTRIBUTES, ULONG, UNICODE_STRING, USHORT,
};

use super::OBJ_KERNEL_HANDLE;
use crate::gm_dls::FileAccess;

/// `GENERIC_READ` (winnt.h/wdm.h).
const GENERIC_READ: ULONG = 0x8000_0000;
/// `SYNCHRONIZE` (wdm.h), required with `FILE_SYNCHRONOUS_IO_NONALERT`.
const SYNCHRONIZE: ULONG = 0x0010_0000;
/// `FILE_ATTRIBUTE_NORMAL`.
const FILE_ATTRIBUTE_NORMAL: ULONG = 0x0000_0080;
/// `FILE_SHARE_READ`.
const FILE_SHARE_READ: ULONG = 0x0000_0001;
/// `FILE_OPEN`: open an existing file, fail if absent.
const FILE_OPEN: ULONG = 0x0000_0001;
/// `FILE_SYNCHRONOUS_IO_NONALERT`.
const FILE_SYNCHRONOUS_IO_NONALERT: ULONG = 0x0000_0020;
/// `FILE_NON_DIRECTORY_FILE`.
const FILE_NON_DIRECTORY_FILE: ULONG = 0x0000_0040;
/// `OBJ_CASE_INSENSITIVE` (ntdef.h).
const OBJ_CASE_INSENSITIVE: ULONG = 0x0000_0040;

/// An open kernel file handle, closed by [`FileAccess::close`].
pub(crate) struct FileHandle(HANDLE);

/// The kernel's file calls. PASSIVE_LEVEL only.
pub(crate) struct KernelFiles;

impl FileAccess for KernelFiles {
    type Handle = FileHandle;

    fn open(&mut self, path: &[u16]) -> Result<FileHandle, NTSTATUS> {
        // The path without its terminating NUL; gm.dls' path is 36 units, far below USHORT::MAX.
        let units = path.iter().take_while(|&&unit| unit != 0).count();
        let bytes = USHORT::try_from(units.saturating_mul(2)).unwrap_or(USHORT::MAX & !1);
        let mut name = UNICODE_STRING {
            Length: bytes,
            MaximumLength: bytes,
            Buffer: path.as_ptr().cast_mut(),
        };
        // SAFETY: zero is a valid OBJECT_ATTRIBUTES/IO_STATUS_BLOCK to fill in.
        let mut attributes: OBJECT_ATTRIBUTES = unsafe { core::mem::zeroed() };
        attributes.Length = core::mem::size_of::<OBJECT_ATTRIBUTES>() as ULONG;
        attributes.ObjectName = &mut name;
        attributes.Attributes = OBJ_CASE_INSENSITIVE | OBJ_KERNEL_HANDLE;
        // SAFETY: as above.
        let mut io_status: IO_STATUS_BLOCK = unsafe { core::mem::zeroed() };
        let mut handle: HANDLE = null_mut();
        // SAFETY: PASSIVE_LEVEL; every pointer is to a live local (the name's buffer is `path`,
        // which ZwCreateFile only reads); no allocation size, no extended attributes.
        let status = unsafe {
            ZwCreateFile(
                &mut handle,
                GENERIC_READ | SYNCHRONIZE,
                &mut attributes,
                &mut io_status,
                null_mut(),
                FILE_ATTRIBUTE_NORMAL,
                FILE_SHARE_READ,
                FILE_OPEN,
                FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE,
                null_mut(),
                0,
            )
        };
        if status < 0 {
            return Err(status);
        }
        if handle.is_null() {
            return Err(STATUS_UNSUCCESSFUL);
        }
        Ok(FileHandle(handle))
    }

    fn size(&mut self, handle: &FileHandle) -> Result<i64, NTSTATUS> {
        // SAFETY: zero is a valid value of these plain C structs.
        let mut information: FILE_STANDARD_INFORMATION = unsafe { core::mem::zeroed() };
        // SAFETY: as above.
        let mut io_status: IO_STATUS_BLOCK = unsafe { core::mem::zeroed() };
        // SAFETY: PASSIVE_LEVEL; our open handle; the output buffer is a local of the size passed.
        let status = unsafe {
            ZwQueryInformationFile(
                handle.0,
                &mut io_status,
                (&raw mut information).cast(),
                core::mem::size_of::<FILE_STANDARD_INFORMATION>() as ULONG,
                _FILE_INFORMATION_CLASS::FileStandardInformation,
            )
        };
        if status < 0 {
            return Err(status);
        }
        // SAFETY: LARGE_INTEGER is a union of a LONGLONG and two 32-bit halves: every bit pattern
        // is a valid QuadPart.
        Ok(unsafe { information.EndOfFile.QuadPart })
    }

    fn read(&mut self, handle: &FileHandle, offset: u64, buffer: &mut [u8]) -> Result<usize, NTSTATUS> {
        let length = ULONG::try_from(buffer.len()).unwrap_or(ULONG::MAX);
        let mut position = LARGE_INTEGER {
            QuadPart: i64::try_from(offset).unwrap_or(i64::MAX),
        };
        // SAFETY: as above.
        let mut io_status: IO_STATUS_BLOCK = unsafe { core::mem::zeroed() };
        // SAFETY: PASSIVE_LEVEL; a synchronous handle (the call returns when the read is done);
        // `buffer` is writable for `length` bytes; no event, APC or key.
        let status = unsafe {
            ZwReadFile(
                handle.0,
                null_mut(),
                None,
                null_mut(),
                &mut io_status,
                buffer.as_mut_ptr().cast(),
                length,
                &mut position,
                null_mut(),
            )
        };
        if status < 0 {
            return Err(status);
        }
        Ok(usize::try_from(io_status.Information).unwrap_or(usize::MAX))
    }

    fn close(&mut self, handle: FileHandle) {
        // SAFETY: our kernel handle, closed once (moved in).
        let _ = unsafe { ZwClose(handle.0) };
    }
}
