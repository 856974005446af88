//! The miniport's property dispatcher fed arbitrary PCPROPERTY_REQUESTs through the automation
//! table's handler, as any user-mode process that opens the filter can send them: any item of the
//! table or a forged item (any set/id/flags), any verb bits, any target (MIDI stream, wave stream,
//! filter, none), any instance and value sizes and contents, DOWNLOAD buffers of arbitrary bytes;
//! interleaved with renders and notes. See `reliability::drive::property_input` for the checks.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[global_allocator]
static ALLOCATOR: portcls_host::GuardedAllocator = portcls_host::GuardedAllocator;

fuzz_target!(|data: &[u8]| {
    reliability::drive::property_input_persistent(data);
});
