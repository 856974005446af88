//! dmksynth default GM bank (procedural).
#![no_std]
extern crate alloc;
