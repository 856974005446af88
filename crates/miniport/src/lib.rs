//! miniport
#![no_std]
extern crate alloc;
