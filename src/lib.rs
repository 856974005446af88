//! dmksynth: the driver package.
//!
//! On Windows this crate is the kernel driver (`dmksynth.sys`): [`adapter`] is the bring-up logic
//! every machine tests, and `kernel` is the thin `cfg(windows)` shell over PortCls and `wdk-sys`
//! (`DriverEntry`, `AddDevice`, `StartDevice`, the kernel platform of the miniport). Everywhere
//! else it is a host library exporting the same miniport factory as the C function
//! `dmksynth_create_miniport`, so any C or C++ program can drive the miniport as PortCls would.
#![cfg_attr(windows, no_std)]

extern crate alloc;

pub mod adapter;
pub mod default_collection;
pub mod factory;
pub mod gm_dls;
pub mod log_line;
pub mod render_loop;

#[cfg(windows)]
mod kernel;

#[cfg(not(windows))]
pub mod host;
