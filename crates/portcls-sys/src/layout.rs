//! Compile-time layout checks for every target the driver builds for: the sizes and key offsets
//! measured from mingw-w64 and ReactOS headers (shared/reference/layout-sizes-mingw-reactos.txt),
//! for 64-bit (x86_64, aarch64) and 32-bit (x86) Windows. A wrong layout fails `cargo check
//! --target ...`; `tests/layout.rs` checks every field against the headers themselves.

use core::mem::{align_of, offset_of, size_of};

use crate::*;

/// `(64-bit value, 32-bit value)` picked for the target's pointer width.
const fn pick(wide: usize, narrow: usize) -> usize {
    if size_of::<usize>() == 8 { wide } else { narrow }
}

macro_rules! size {
    ($t:ty, $x64:expr, $x86:expr) => {
        const _: () = assert!(size_of::<$t>() == pick($x64, $x86), stringify!($t));
    };
}
macro_rules! offset {
    ($t:ty, $f:ident, $x64:expr, $x86:expr) => {
        const _: () = assert!(offset_of!($t, $f) == pick($x64, $x86), stringify!($t.$f));
    };
}

const _: () = assert!(size_of::<usize>() == 8 || size_of::<usize>() == 4);

size!(GUID, 16, 16);
size!(DMUS_KERNEL_EVENT, 40, 32);
offset!(DMUS_KERNEL_EVENT, pNextEvt, 24, 24);
offset!(DMUS_KERNEL_EVENT, uData, 32, 28);
const _: () = assert!(align_of::<DMUS_KERNEL_EVENT>() == 8);
size!(KSIDENTIFIER, 24, 24);
size!(KSNODEPROPERTY, 32, 32);
size!(KSP_PIN, 32, 32);
size!(KSDATAFORMAT, 64, 64);
const _: () = assert!(align_of::<KSDATAFORMAT>() == 8);
size!(KSDATARANGE_MUSIC, 96, 96);
size!(KSDATARANGE_AUDIO, 88, 88);
size!(KSDATAFORMAT_WAVEFORMATEX, 82, 82);
size!(WAVEFORMATEX, 18, 18);
size!(WAVEFORMATEXTENSIBLE, 40, 40);
size!(KSTOPOLOGY_CONNECTION, 16, 16);
size!(KSPIN_DESCRIPTOR, 88, 48);
offset!(KSPIN_DESCRIPTOR, DataFlow, 48, 24);
offset!(KSPIN_DESCRIPTOR, Reserved, 72, 40);
size!(PCPROPERTY_ITEM, 24, 16);
size!(PCPROPERTY_REQUEST, 72, 40);
offset!(PCPROPERTY_REQUEST, Irp, 64, 36);
size!(PCAUTOMATION_TABLE, 56, 40);
size!(PCPIN_DESCRIPTOR, 112, 64);
offset!(PCPIN_DESCRIPTOR, KsPinDescriptor, 24, 16);
size!(PCNODE_DESCRIPTOR, 32, 16);
size!(PCFILTER_DESCRIPTOR, 80, 48);
offset!(PCFILTER_DESCRIPTOR, Categories, 72, 44);
size!(SYNTHCAPS, 296, 296);
size!(SYNTH_PORTPARAMS, 28, 28);
size!(SYNTH_BUFFER, 16, 8);
size!(SYNTH_BUFFER32, 8, 8);
size!(SYNTHDOWNLOAD, 16, 8);
size!(SYNTHDOWNLOAD32, 8, 8);
size!(SYNTH_STATS, 28, 28);
size!(SYNTH_REVERB_PARAMS, 16, 16);
size!(SYNTHVOICEPRIORITY_INSTANCE, 8, 8);
size!(DMUS_DOWNLOADINFO, 16, 16);
size!(DMUS_INSTRUMENT, 24, 24);
size!(DMUS_REGION, 72, 72);
offset!(DMUS_REGION, WLOOP, 56, 56);
size!(DMUS_WAVE, 32, 32);
offset!(DMUS_WAVE, WaveformatEx, 12, 12);
size!(DMUS_ARTICPARAMS, 80, 80);
size!(DMUS_ARTICULATION2, 12, 12);
size!(DMUS_EXTENSIONCHUNK, 16, 16);
size!(DMUS_WAVEARTDL, 20, 20);
size!(CONNECTION, 12, 12);
size!(WSMPL, 20, 20);
size!(WLOOP, 16, 16);

// Vtable slot counts (one pointer per slot on every target).
size!(IMiniportDMusVtbl, 8 * 8, 8 * 4);
size!(IPortDMusVtbl, 8 * 8, 8 * 4);
size!(IMXFVtbl, 7 * 8, 7 * 4);
size!(IAllocatorMXFVtbl, 11 * 8, 11 * 4);
size!(ISynthSinkDMusVtbl, 11 * 8, 11 * 4);
size!(IMasterClockVtbl, 4 * 8, 4 * 4);
