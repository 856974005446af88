//! The binary interface between a DirectMusic synth miniport and PortCls/KS, written by hand.
//!
//! C names are kept as the headers spell them, so that a reader can grep the WDK for them.
#![no_std]
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]
#![cfg_attr(test, allow(clippy::arithmetic_side_effects))]

pub mod dls;
pub mod dmerror;
