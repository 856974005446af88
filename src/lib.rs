//! dmksynth: the driver package.
#![cfg_attr(windows, no_std)]
