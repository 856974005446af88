//! A host stand-in for PortWaveRT, PortTopology and the Windows audio engine, for testing
//! `wavert`'s COM objects and render pump through their C ABI on Linux (test-only, std).
//!
//! | module | what |
//! |---|---|
//! | [`platform`] | [`platform::HostRtPlatform`]: simulated interrupt time, IRQL (from `portcls-host`), wake-ups, fake KEVENTs, a per-thread allocation counter |
//! | [`port`] | fake `IPortWaveRT`/`IPortTopology` and `IPortWaveRTStream` with page-backed MDL buffers and failure injection |
//! | [`host`] | [`host::WaveRtHost`]: the ports' calls into the miniports, in PortCls's order |
//! | [`session`] | the simulated render thread and audio engine reader (jitter, stalls, polling or events) |
//! | [`synths`] | test synths: a frame-position encoder and the real engine on the stream axis |
//! | [`measure`] | FFT pitch and cents (`portcls_host::measure`, shared by both host stand-ins) |
#![allow(clippy::missing_panics_doc)]

pub mod host;
pub use portcls_host::measure;
pub mod platform;
pub mod port;
pub mod session;
pub mod synths;

pub use host::{Accounting, Failed, WaveRtHost};
pub use platform::{CountingAllocator, FakeEvent, HostRtPlatform};
pub use session::{Captured, FORMATS_AND_READERS, Reader, Schedule};
