//! `IMiniport::DataRangeIntersection` fed arbitrary client data ranges, as
//! `KSPROPERTY_PIN_DATAINTERSECTION` from any process that can open the filter passes them. See
//! `reliability::drive::data_intersection_input` for the checks.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = reliability::drive::data_intersection_input(data);
});
