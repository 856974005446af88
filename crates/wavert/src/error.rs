//! The WaveRT objects' errors and their NTSTATUS, in one table (the readings of SysVAD /
//! SimpleAudioSample and Conduit, shared/reference/wavert-virtual-endpoint.md §1.5–1.7).
//!
//! | Error | NTSTATUS | where |
//! |---|---|---|
//! | `InvalidParameter` | `STATUS_INVALID_PARAMETER` | null pointer, bad pin, short or malformed format, unknown KSSTATE, `NotificationCount` 0 |
//! | `NotCapture` | `STATUS_INVALID_DEVICE_REQUEST` | `NewStream` for a render stream |
//! | `UnsupportedFormat` | `STATUS_NOT_SUPPORTED` | `NewStream` / `SetFormat` with a well-formed format that is not ours |
//! | `NotSupported` | `STATUS_NOT_SUPPORTED` | `GetPositionRegister`, `GetClockRegister` (no registers) |
//! | `NotImplemented` | `STATUS_NOT_IMPLEMENTED` | topology `DataRangeIntersection`, bridge pins (PortCls's default handler) |
//! | `NoMatch` | `STATUS_NO_MATCH` | `DataRangeIntersection` without a common format |
//! | `SizeQuery` | `STATUS_BUFFER_OVERFLOW` | `DataRangeIntersection` with output length 0 |
//! | `BufferTooSmall` | `STATUS_BUFFER_TOO_SMALL` | `DataRangeIntersection` with a short output buffer |
//! | `StreamBusy` | `STATUS_INSUFFICIENT_RESOURCES` | `NewStream` while the one capture stream exists |
//! | `OutOfMemory` | `STATUS_INSUFFICIENT_RESOURCES` | an allocation, `AllocatePagesForMdl`, a partial MDL or `MapAllocatedPages` failed |
//! | `BufferTooLarge` | `STATUS_INSUFFICIENT_RESOURCES` | a buffer request over 500 ms (refused, not clipped) |
//! | `BufferExists` | `STATUS_INVALID_DEVICE_REQUEST` | a second buffer on the same stream |
//! | `EventDuplicate` | `STATUS_UNSUCCESSFUL` | `RegisterNotificationEvent` of a registered event (SysVAD) |
//! | `EventsFull` | `STATUS_INSUFFICIENT_RESOURCES` | more than [`crate::pump::MAX_NOTIFICATION_EVENTS`] events |
//! | `EventUnknown` | `STATUS_NOT_FOUND` | `UnregisterNotificationEvent` of an unknown event |

use portcls_sys::{
    NTSTATUS, STATUS_BUFFER_OVERFLOW, STATUS_BUFFER_TOO_SMALL, STATUS_INSUFFICIENT_RESOURCES,
    STATUS_INVALID_DEVICE_REQUEST, STATUS_INVALID_PARAMETER, STATUS_NOT_FOUND, STATUS_NOT_IMPLEMENTED,
    STATUS_NOT_SUPPORTED, STATUS_UNSUCCESSFUL,
};

pub use portcls_sys::STATUS_NO_MATCH;

/// Why a WaveRT or topology entry point failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaveRtError {
    /// A null or malformed argument.
    InvalidParameter,
    /// A render stream was asked of a capture-only pin.
    NotCapture,
    /// A well-formed format that is not 48 kHz stereo PCM16 / float32.
    UnsupportedFormat,
    /// The device has no such feature (position / clock registers).
    NotSupported,
    /// Deferred to the port (its default handler).
    NotImplemented,
    /// No common format.
    NoMatch,
    /// Size query: the size was written.
    SizeQuery,
    /// The output buffer is too short.
    BufferTooSmall,
    /// The host pin's one stream already exists.
    StreamBusy,
    /// An allocation failed.
    OutOfMemory,
    /// The buffer request exceeds 500 ms.
    BufferTooLarge,
    /// The stream already has a buffer.
    BufferExists,
    /// The event is already registered.
    EventDuplicate,
    /// No room for another event.
    EventsFull,
    /// The event is not registered.
    EventUnknown,
}

impl WaveRtError {
    /// The NTSTATUS the port sees.
    pub const fn ntstatus(self) -> NTSTATUS {
        match self {
            Self::InvalidParameter => STATUS_INVALID_PARAMETER,
            Self::NotCapture | Self::BufferExists => STATUS_INVALID_DEVICE_REQUEST,
            Self::UnsupportedFormat | Self::NotSupported => STATUS_NOT_SUPPORTED,
            Self::NotImplemented => STATUS_NOT_IMPLEMENTED,
            Self::NoMatch => STATUS_NO_MATCH,
            Self::SizeQuery => STATUS_BUFFER_OVERFLOW,
            Self::BufferTooSmall => STATUS_BUFFER_TOO_SMALL,
            Self::StreamBusy | Self::OutOfMemory | Self::BufferTooLarge | Self::EventsFull => {
                STATUS_INSUFFICIENT_RESOURCES
            }
            Self::EventDuplicate => STATUS_UNSUCCESSFUL,
            Self::EventUnknown => STATUS_NOT_FOUND,
        }
    }
}

impl From<miniport::error::MiniportError> for WaveRtError {
    /// Only allocation can fail in the helpers borrowed from the miniport crate.
    fn from(error: miniport::error::MiniportError) -> Self {
        match error {
            miniport::error::MiniportError::OutOfMemory => Self::OutOfMemory,
            _ => Self::InvalidParameter,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        assert_eq!(WaveRtError::InvalidParameter.ntstatus(), 0xC000_000Du32 as i32);
        assert_eq!(WaveRtError::NotCapture.ntstatus(), 0xC000_0010u32 as i32);
        assert_eq!(WaveRtError::UnsupportedFormat.ntstatus(), 0xC000_00BBu32 as i32);
        assert_eq!(WaveRtError::NotImplemented.ntstatus(), 0xC000_0002u32 as i32);
        assert_eq!(WaveRtError::NoMatch.ntstatus(), 0xC000_0272u32 as i32);
        assert_eq!(WaveRtError::SizeQuery.ntstatus(), 0x8000_0005u32 as i32);
        assert_eq!(WaveRtError::BufferTooSmall.ntstatus(), 0xC000_0023u32 as i32);
        assert_eq!(WaveRtError::StreamBusy.ntstatus(), 0xC000_009Au32 as i32);
        assert_eq!(WaveRtError::EventDuplicate.ntstatus(), 0xC000_0001u32 as i32);
        assert_eq!(WaveRtError::EventUnknown.ntstatus(), 0xC000_0225u32 as i32);
        assert_eq!(
            WaveRtError::from(miniport::error::MiniportError::OutOfMemory),
            WaveRtError::OutOfMemory
        );
    }
}
