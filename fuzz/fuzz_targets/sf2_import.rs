//! The host's SoundFont 2 import (`--bank FILE.sf2`), fed any bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = dls::sf2::import_sf2(data);
});
