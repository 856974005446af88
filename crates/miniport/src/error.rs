//! The miniport's errors and their NTSTATUS, in one table.
//!
//! | Error | NTSTATUS |
//! |---|---|
//! | `NoInterface` (QueryInterface miss) | `STATUS_INVALID_PARAMETER` (what PortCls/ddksynth/SysVAD use; see docs/port-contract.md) |
//! | `InvalidParameter` | `STATUS_INVALID_PARAMETER` |
//! | `InvalidDeviceRequest` (wrong verb, capture stream, unknown stream type, no stream for a per-stream property) | `STATUS_INVALID_DEVICE_REQUEST` |
//! | `BufferTooSmall` | `STATUS_BUFFER_TOO_SMALL` |
//! | `SizeQuery` (value size 0: the size is returned) | `STATUS_BUFFER_OVERFLOW` |
//! | `OutOfMemory` | `STATUS_INSUFFICIENT_RESOURCES` |
//! | `InvalidHandle` (UNLOAD of an unknown handle) | `STATUS_INVALID_HANDLE` |
//! | `InvalidState` (e.g. Render before the wave sink exists) | `STATUS_INVALID_DEVICE_STATE` |
//! | `Inaccessible` (caller's buffer not readable) | `STATUS_ACCESS_VIOLATION` |
//! | `NoMatch` (data intersection) | `STATUS_NO_MATCH` |
//! | `NotImplemented` | `STATUS_NOT_IMPLEMENTED` |
//! | `Download(e)` | `e.ntstatus()` (the DLS crate's own table) |
//! | `Engine(OutOfMemory)` | `STATUS_INSUFFICIENT_RESOURCES` |
//! | `Engine(InvalidConfig \| DuplicateId)` | `STATUS_INVALID_PARAMETER` |
//! | `Engine(BankFull)` | `STATUS_INSUFFICIENT_RESOURCES` |
//! | `Engine(UnknownHandle)` | `STATUS_INVALID_HANDLE` |

use dls::error::DownloadError;
use portcls_sys::dmerror::{
    NTSTATUS, STATUS_BUFFER_OVERFLOW, STATUS_BUFFER_TOO_SMALL, STATUS_INSUFFICIENT_RESOURCES,
    STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_DEVICE_STATE, STATUS_INVALID_HANDLE,
    STATUS_INVALID_PARAMETER, STATUS_NOT_IMPLEMENTED,
};
use synth::EngineError;

pub use portcls_sys::{STATUS_ACCESS_VIOLATION, STATUS_NO_MATCH};

/// Why a miniport entry point failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MiniportError {
    /// QueryInterface for an interface this object does not have.
    NoInterface,
    /// A null or malformed argument.
    InvalidParameter,
    /// The request is not one this object serves (wrong verb, capture, unknown stream type).
    InvalidDeviceRequest,
    /// The value or instance buffer is smaller than the property needs.
    BufferTooSmall,
    /// The caller asked for the size (value size 0).
    SizeQuery,
    /// An allocation failed.
    OutOfMemory,
    /// No download has this handle.
    InvalidHandle,
    /// The object is not in a state that allows this.
    InvalidState,
    /// The caller's buffer could not be read.
    Inaccessible,
    /// No format satisfies both data ranges.
    NoMatch,
    /// Deferred to the port.
    NotImplemented,
    /// The download buffer was refused.
    Download(DownloadError),
    /// The engine refused.
    Engine(EngineError),
}

impl MiniportError {
    /// The NTSTATUS the port sees.
    pub fn ntstatus(self) -> NTSTATUS {
        match self {
            Self::NoInterface | Self::InvalidParameter => STATUS_INVALID_PARAMETER,
            Self::InvalidDeviceRequest => STATUS_INVALID_DEVICE_REQUEST,
            Self::BufferTooSmall => STATUS_BUFFER_TOO_SMALL,
            Self::SizeQuery => STATUS_BUFFER_OVERFLOW,
            Self::OutOfMemory => STATUS_INSUFFICIENT_RESOURCES,
            Self::InvalidHandle => STATUS_INVALID_HANDLE,
            Self::InvalidState => STATUS_INVALID_DEVICE_STATE,
            Self::Inaccessible => STATUS_ACCESS_VIOLATION,
            Self::NoMatch => STATUS_NO_MATCH,
            Self::NotImplemented => STATUS_NOT_IMPLEMENTED,
            Self::Download(error) => error.ntstatus(),
            Self::Engine(error) => match error {
                EngineError::OutOfMemory | EngineError::BankFull => STATUS_INSUFFICIENT_RESOURCES,
                EngineError::InvalidConfig | EngineError::DuplicateId => STATUS_INVALID_PARAMETER,
                EngineError::UnknownHandle => STATUS_INVALID_HANDLE,
            },
        }
    }
}

impl From<DownloadError> for MiniportError {
    fn from(error: DownloadError) -> Self {
        Self::Download(error)
    }
}

impl From<EngineError> for MiniportError {
    fn from(error: EngineError) -> Self {
        Self::Engine(error)
    }
}

/// `Result` with a [`MiniportError`].
pub type Result<T> = core::result::Result<T, MiniportError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        assert_eq!(MiniportError::NoInterface.ntstatus(), STATUS_INVALID_PARAMETER);
        assert_eq!(MiniportError::SizeQuery.ntstatus(), STATUS_BUFFER_OVERFLOW);
        assert_eq!(MiniportError::BufferTooSmall.ntstatus(), STATUS_BUFFER_TOO_SMALL);
        assert_eq!(
            MiniportError::InvalidDeviceRequest.ntstatus(),
            0xC000_0010u32 as i32
        );
        assert_eq!(
            MiniportError::Engine(EngineError::UnknownHandle).ntstatus(),
            STATUS_INVALID_HANDLE
        );
        assert_eq!(
            MiniportError::Download(DownloadError::OutOfMemory).ntstatus(),
            STATUS_INSUFFICIENT_RESOURCES
        );
    }
}
