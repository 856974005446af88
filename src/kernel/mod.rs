//! The Windows kernel shell: the only code that calls PortCls and the kernel directly.
//!
//! | file | what |
//! |---|---|
//! | `driver.rs` | `DriverEntry`, `AddDevice`, `StartDevice` (the PortCls adapter callbacks), the PnP hook, the adapter context |
//! | `services.rs` | [`crate::adapter::AdapterServices`] over PortCls: `PcNewPort`, `IPort::Init`, `PcRegisterSubdevice`, `PcRegisterPhysicalConnection`, `Release` |
//! | `registry.rs` | reading the `SynthMode` value from the device's hardware key |
//! | `file.rs` | reading gm.dls (`ZwCreateFile`, `ZwQueryInformationFile`, `ZwReadFile`) |
//! | `render.rs` | the hardware-synth render thread, its 2 ms high-resolution timer, the WaveRT platform |
//! | `platform.rs` | the miniport's kernel platform: spin lock raising to DISPATCH_LEVEL, guarded mutex, IRQL, time, buffer capture |
//! | `capture.rs` | the Rust side of `src/capture.c` (SEH-protected copy of a caller's buffer, WOW64 test) |
//! | `log.rs` | `DbgPrintEx` of [`crate::log_line::LogLine`]s |
//!
//! Memory: `wdk-alloc`'s non-paged pool allocator (pool tag `rust`, fixed by wdk-alloc 0.4.2).
//! Panics: `wdk-panic` (a `KeBugCheckEx` with code `0x52504E43`, "RPNC"; a breakpoint first in
//! debug builds). Floating point: the `x86_64-pc-windows-msvc` target uses SSE2, whose state the
//! kernel preserves on x64; nothing here enables AVX (no `target-cpu`/`target-feature` beyond
//! `+crt-static` in `.cargo/config.toml`).

#[cfg(not(test))]
extern crate wdk_panic;

/// Non-paged pool for every `alloc` allocation (`ExAllocatePool2(POOL_FLAG_NON_PAGED)`); callable
/// at IRQL <= DISPATCH_LEVEL. Ignores alignments above 16 (wdk-alloc 0.4.2).
#[cfg(not(test))]
#[global_allocator]
static GLOBAL_ALLOCATOR: wdk_alloc::WdkAllocator = wdk_alloc::WdkAllocator;

/// `OBJ_KERNEL_HANDLE` (ntdef.h): a handle only kernel mode can use (the file and the render
/// thread open theirs so).
const OBJ_KERNEL_HANDLE: u32 = 0x0000_0200;

mod capture;
mod driver;
mod file;
mod log;
mod platform;
mod registry;
mod render;
mod services;
