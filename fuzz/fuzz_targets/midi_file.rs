//! The CLI's Standard MIDI File reader (`tools/dmksynth/src/midi.rs`, midly underneath), compiled
//! in as a module because the CLI is a bin crate; then its events go through the synth's MIDI
//! stream parser as the port would deliver them.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[allow(dead_code, unused_imports)]
#[path = "../../tools/dmksynth/src/midi.rs"]
mod midi;

fuzz_target!(|data: &[u8]| {
    if let Ok(song) = midi::parse(data) {
        assert!(song.length >= 0);
        let mut last = 0i64;
        let mut parser = synth::midi_stream::StreamParser::default();
        for event in &song.events {
            assert!(event.time >= last, "events out of order");
            assert!(event.time <= song.length || song.length == i64::MAX);
            last = event.time;
            parser.feed(&event.bytes, |_message| {});
        }
    }
});
