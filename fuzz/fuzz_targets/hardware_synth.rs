//! The hardware-synth filter (issue 9) fed what user mode can send it: the first byte picks
//! property requests (`reliability::drive::property_hardware_input`) or event chains through
//! `IMXF::PutMessage` at DISPATCH_LEVEL (`event_chain_hardware_input`); the rest is that driver's
//! input. Audio comes out through `HardwareSynth::render_into`. The same checks as the classic
//! targets: exact statuses, every event back at once, no allocation at DISPATCH_LEVEL, finite
//! output, balanced books.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[global_allocator]
static ALLOCATOR: portcls_host::GuardedAllocator = portcls_host::GuardedAllocator;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    if selector & 1 == 0 {
        reliability::drive::property_hardware_input(input);
    } else {
        reliability::drive::event_chain_hardware_input(input);
    }
});
