//! Event chains through IMXF::PutMessage at DISPATCH_LEVEL: any flags, sizes, channel groups and
//! times, package events nested up to 4 deep, long events up to the allocator's buffer size, SysEx
//! split anywhere, on either pin; interleaved with renders, SetState and SyncToMaster. See
//! `reliability::drive::event_chain_input` for the checks (every event back at once, no
//! allocation at DISPATCH_LEVEL, finite output, balanced books).
#![no_main]
use libfuzzer_sys::fuzz_target;

#[global_allocator]
static ALLOCATOR: portcls_host::GuardedAllocator = portcls_host::GuardedAllocator;

fuzz_target!(|data: &[u8]| {
    reliability::drive::event_chain_input_persistent(data);
});
