//! dls: the instrument model, the parsers of DirectMusic download buffers and `.dls` files, and
//! (on the host) the `.dls` writer, the download builder and SoundFont import.
//!
//! Everything the kernel uses is `no_std` + `alloc` and never panics on input; the host-only parts
//! sit behind the `std` feature.
#![no_std]
#![cfg_attr(test, allow(clippy::arithmetic_side_effects))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod articulation;
pub mod download;
pub mod error;
pub mod file;
#[cfg(feature = "std")]
pub mod inspect;
pub mod model;
pub mod reader;
pub mod riff;
#[cfg(feature = "std")]
pub mod sf2;
pub mod validate;
