//! The binary interface between a DirectMusic synth miniport and PortCls/KS, written by hand.
//!
//! C names are kept as the headers spell them, so that a reader can grep the WDK for them.
//! One module per header family:
//!
//! | module | headers |
//! |---|---|
//! | [`ntdef`] | ntdef.h/wdm.h typedefs, `POOL_TYPE`, opaque kernel objects |
//! | [`com`] | guiddef.h, punknown.h: `GUID`, `IUnknown` |
//! | [`ks`] | ks.h |
//! | [`ksmedia`] | ksmedia.h, mmreg.h (`WAVEFORMATEX`) |
//! | [`portcls`] | portcls.h (descriptors, generic interfaces, `Pc*` entry points on Windows) |
//! | [`dmusicks`] | dmusicks.h (`DMUS_KERNEL_EVENT`, DMus interfaces) |
//! | [`dmusprop`] | dmusprop.h (synth property sets and structs), `GUID_DMUS_PROP_*` |
//! | [`dmdls`] | dmdls.h, dls1.h, dls2.h structs and `DLSID_*` |
//! | [`dls`] | dmdls.h, dls1.h, dls2.h constants |
//! | [`dmerror`] | DMUS_E_* HRESULTs, NTSTATUS values |
//! | [`wavert`] | portcls.h/ksmedia.h WaveRT and topology additions (`KSAUDIO_POSITION`, GUIDs) |
//!
//! Layouts are the Windows layouts of the target: pointer-sized members follow the target, `LONG`
//! is 32 bits. `tests/layout.rs` proves them against mingw-w64's headers.
#![no_std]
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]
#![cfg_attr(test, allow(clippy::arithmetic_side_effects))]

pub mod com;
pub mod dls;
pub mod dmdls;
pub mod dmerror;
pub mod dmusicks;
pub mod dmusprop;
pub mod ks;
pub mod ksmedia;
mod layout;
pub mod ntdef;
pub mod portcls;
pub mod wavert;

pub use com::*;
pub use dls::*;
pub use dmdls::*;
pub use dmerror::*;
pub use dmusicks::*;
pub use dmusprop::*;
pub use ks::*;
pub use ksmedia::*;
pub use ntdef::*;
pub use portcls::*;
pub use wavert::*;
