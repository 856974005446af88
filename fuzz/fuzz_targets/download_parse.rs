//! The kernel's parser of DirectMusic download buffers (KSPROPERTY_SYNTH_DLS_DOWNLOAD), fed any bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The kernel copies the caller's buffer first; the parser sees exactly the copied bytes.
    let _ = dls::download::parse(data);
});
