//! The no_std `.dls` reader (the driver loads gm.dls through it), fed any bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = dls::file::read_dls(data);
});
