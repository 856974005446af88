//! Status codes: the DirectMusic HRESULTs (dmerror.h) a download can fail with, and the NTSTATUS
//! values the miniport returns.

/// An NTSTATUS (`LONG`).
pub type NTSTATUS = i32;
/// An HRESULT (`LONG`).
pub type HRESULT = i32;

/// `MAKE_HRESULT(1, FACILITY_DIRECTMUSIC, 0x1000 + code)`.
const fn dmus_error(code: u32) -> HRESULT {
    (0x8878_1000u32 | code) as HRESULT
}

/// The wave is not mono.
pub const DMUS_E_NOTMONO: HRESULT = dmus_error(0x125);
/// Invalid articulation.
pub const DMUS_E_BADARTICULATION: HRESULT = dmus_error(0x126);
/// Invalid instrument.
pub const DMUS_E_BADINSTRUMENT: HRESULT = dmus_error(0x127);
/// Invalid wave link.
pub const DMUS_E_BADWAVELINK: HRESULT = dmus_error(0x128);
/// Instrument has no articulation.
pub const DMUS_E_NOARTICULATION: HRESULT = dmus_error(0x129);
/// The wave is not PCM.
pub const DMUS_E_NOTPCM: HRESULT = dmus_error(0x12A);
/// Invalid wave.
pub const DMUS_E_BADWAVE: HRESULT = dmus_error(0x12B);
/// Invalid offset table.
pub const DMUS_E_BADOFFSETTABLE: HRESULT = dmus_error(0x12C);
/// Unknown download type.
pub const DMUS_E_UNKNOWNDOWNLOAD: HRESULT = dmus_error(0x12D);

/// Success.
pub const STATUS_SUCCESS: NTSTATUS = 0;
/// An asynchronous operation is pending.
pub const STATUS_PENDING: NTSTATUS = 0x0000_0103;
/// Not every requested value was applied (PORTPARAMETERS).
pub const STATUS_NOT_ALL_ASSIGNED: NTSTATUS = 0x0000_0106;
/// The value buffer is too small for the data; `ValueSize` holds the needed size (size query).
pub const STATUS_BUFFER_OVERFLOW: NTSTATUS = 0x8000_0005u32 as NTSTATUS;
/// Generic failure.
pub const STATUS_UNSUCCESSFUL: NTSTATUS = 0xC000_0001u32 as NTSTATUS;
/// Not implemented.
pub const STATUS_NOT_IMPLEMENTED: NTSTATUS = 0xC000_0002u32 as NTSTATUS;
/// Invalid parameter.
pub const STATUS_INVALID_PARAMETER: NTSTATUS = 0xC000_000Du32 as NTSTATUS;
/// Invalid device request (wrong verb, unsupported stream type).
pub const STATUS_INVALID_DEVICE_REQUEST: NTSTATUS = 0xC000_0010u32 as NTSTATUS;
/// Out of memory.
pub const STATUS_NO_MEMORY: NTSTATUS = 0xC000_0017u32 as NTSTATUS;
/// The buffer is too small.
pub const STATUS_BUFFER_TOO_SMALL: NTSTATUS = 0xC000_0023u32 as NTSTATUS;
/// Out of resources.
pub const STATUS_INSUFFICIENT_RESOURCES: NTSTATUS = 0xC000_009Au32 as NTSTATUS;
/// Not supported.
pub const STATUS_NOT_SUPPORTED: NTSTATUS = 0xC000_00BBu32 as NTSTATUS;
/// Invalid handle.
pub const STATUS_INVALID_HANDLE: NTSTATUS = 0xC000_0008u32 as NTSTATUS;
/// Not found.
pub const STATUS_NOT_FOUND: NTSTATUS = 0xC000_0225u32 as NTSTATUS;
/// Invalid device state.
pub const STATUS_INVALID_DEVICE_STATE: NTSTATUS = 0xC000_0184u32 as NTSTATUS;
/// Invalid buffer size.
pub const STATUS_INVALID_BUFFER_SIZE: NTSTATUS = 0xC000_0206u32 as NTSTATUS;
/// Device not ready.
pub const STATUS_DEVICE_NOT_READY: NTSTATUS = 0xC000_00A3u32 as NTSTATUS;
/// A caller's buffer is not accessible.
pub const STATUS_ACCESS_VIOLATION: NTSTATUS = 0xC000_0005u32 as NTSTATUS;
/// No format in common (`DataRangeIntersection`).
pub const STATUS_NO_MATCH: NTSTATUS = 0xC000_0272u32 as NTSTATUS;
/// No such file or registry value.
pub const STATUS_OBJECT_NAME_NOT_FOUND: NTSTATUS = 0xC000_0034u32 as NTSTATUS;
/// The name is taken (a subdevice registered twice).
pub const STATUS_OBJECT_NAME_COLLISION: NTSTATUS = 0xC000_0035u32 as NTSTATUS;
/// No such directory.
pub const STATUS_OBJECT_PATH_NOT_FOUND: NTSTATUS = 0xC000_003Au32 as NTSTATUS;
/// No such file.
pub const STATUS_NO_SUCH_FILE: NTSTATUS = 0xC000_000Fu32 as NTSTATUS;
/// A read at or past the end of a file.
pub const STATUS_END_OF_FILE: NTSTATUS = 0xC000_0011u32 as NTSTATUS;
/// No such device.
pub const STATUS_NO_SUCH_DEVICE: NTSTATUS = 0xC000_000Eu32 as NTSTATUS;

/// `NT_SUCCESS`.
pub const fn nt_success(status: NTSTATUS) -> bool {
    status >= 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dmus_errors_match_dmerror_h() {
        assert_eq!(DMUS_E_NOTMONO as u32, 0x8878_1125);
        assert_eq!(DMUS_E_BADOFFSETTABLE as u32, 0x8878_112C);
        assert_eq!(DMUS_E_UNKNOWNDOWNLOAD as u32, 0x8878_112D);
    }
}
