//! Compile-time layout checks for the target being built: every size, alignment, field offset and
//! field size that `tests/layout.rs` measured from mingw-w64's headers (x64 and x86) or took from
//! the documented values (shared/reference), kept in the generated `layout_golden.rs`. Building
//! for x86_64, aarch64 or i686 Windows (`cargo check --target ...`) therefore checks that target's
//! layout of every field; the test proves the golden file is what the headers say.

// Everything here is evaluated at compile time: an overflow would fail the build, not the driver.
#![allow(clippy::arithmetic_side_effects, clippy::manual_bits)]

use core::mem::{align_of, offset_of, size_of};

use crate::*;

/// The Windows x64/ARM64 value or the x86 value, by the target's pointer width.
const fn pick(wide: usize, narrow: usize) -> usize {
    if size_of::<usize>() == 8 { wide } else { narrow }
}

/// The size of a field's type, from an accessor that is never called.
const fn size_of_return<T, F>(_: fn(&T) -> F) -> usize {
    size_of::<F>()
}

/// `size_of` a field's type. The `unsafe` is needed for union fields only.
macro_rules! field_size {
    ($t:ty, $f:ident) => {
        size_of_return::<$t, _>(|x: &$t| {
            // SAFETY: this accessor is never called; only its return type is used.
            unsafe { x.$f }
        })
    };
}

macro_rules! check {
    ($e:expr, $wide:expr, $narrow:expr, $label:literal) => {
        #[allow(unused_unsafe)]
        const _: () = assert!($e == pick($wide, $narrow), $label);
    };
}

const _: () = assert!(size_of::<usize>() == 8 || size_of::<usize>() == 4);

// Vtable slot counts, spelled out (one pointer per slot on every target).
const _: () = assert!(size_of::<IMiniportDMusVtbl>() == 8 * size_of::<usize>());
const _: () = assert!(size_of::<IPortDMusVtbl>() == 8 * size_of::<usize>());
const _: () = assert!(size_of::<IMXFVtbl>() == 7 * size_of::<usize>());
const _: () = assert!(size_of::<IAllocatorMXFVtbl>() == 11 * size_of::<usize>());
const _: () = assert!(size_of::<ISynthSinkDMusVtbl>() == 11 * size_of::<usize>());
const _: () = assert!(size_of::<IMasterClockVtbl>() == 4 * size_of::<usize>());

include!("layout_golden.rs");
