//! The driver's diagnostic lines, through `DbgPrintEx`.
//!
//! Each line is formatted on the stack by [`LogLine`] (no allocation, so callable up to
//! DISPATCH_LEVEL; `DbgPrintEx` itself is callable at IRQL <= DIRQL) and passed as the argument of
//! the constant format `"%s"`.
//!
//! Debug builds print errors, warnings and information under `DPFLTR_DEFAULT_ID` at
//! `DPFLTR_ERROR_LEVEL`, which a kernel debugger or DebugView shows without configuration (Conduit
//! measured that the other components' masks start at zero), and trace lines at
//! `DPFLTR_TRACE_LEVEL`. Release builds print under `DPFLTR_IHVAUDIO_ID` at the level of the line,
//! silent until the component's mask is set (`ed nt!Kd_IHVAUDIO_Mask 0xF` in WinDbg, or the
//! `Debug Print Filter\IHVAUDIO` registry value): docs/windows.md.

use core::fmt;

use miniport::platform::LogLevel;
use wdk_sys::ntddk::DbgPrintEx;
use wdk_sys::{CHAR, DPFLTR_ERROR_LEVEL, DPFLTR_INFO_LEVEL, DPFLTR_TRACE_LEVEL, DPFLTR_WARNING_LEVEL, ULONG};

use crate::log_line::LogLine;

#[cfg(debug_assertions)]
const COMPONENT: ULONG = wdk_sys::_DPFLTR_TYPE::DPFLTR_DEFAULT_ID as ULONG;
#[cfg(not(debug_assertions))]
const COMPONENT: ULONG = wdk_sys::_DPFLTR_TYPE::DPFLTR_IHVAUDIO_ID as ULONG;

/// The `DbgPrintEx` level of a line.
const fn filter_level(level: LogLevel) -> ULONG {
    match level {
        LogLevel::Trace => DPFLTR_TRACE_LEVEL,
        _ if cfg!(debug_assertions) => DPFLTR_ERROR_LEVEL,
        LogLevel::Error => DPFLTR_ERROR_LEVEL,
        LogLevel::Warning => DPFLTR_WARNING_LEVEL,
        LogLevel::Info => DPFLTR_INFO_LEVEL,
    }
}

/// Writes one information line. IRQL <= DISPATCH_LEVEL.
pub(crate) fn line(arguments: fmt::Arguments<'_>) {
    line_at(LogLevel::Info, arguments);
}

/// Writes one line at `level`. IRQL <= DISPATCH_LEVEL.
#[inline(never)]
pub(crate) fn line_at(level: LogLevel, arguments: fmt::Arguments<'_>) {
    let line = LogLine::format(arguments);
    // SAFETY: the format is the constant "%s" (no `%` of the message is interpreted) and its one
    // argument points at `line`'s NUL-terminated bytes, which live on this stack frame until the
    // call returns. DbgPrintEx is callable at any IRQL <= DIRQL.
    unsafe {
        DbgPrintEx(
            COMPONENT,
            filter_level(level),
            c"%s".as_ptr().cast(),
            line.as_bytes_with_nul().as_ptr().cast::<CHAR>(),
        );
    }
}
