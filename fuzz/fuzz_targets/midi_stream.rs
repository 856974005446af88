//! PutMessage's MIDI byte-stream parser, fed arbitrary fragment sequences. The first byte of each
//! fragment header gives the fragment length, so libFuzzer explores how messages split across
//! DMUS_KEF_EVENT_INCOMPLETE events.
#![no_main]
use libfuzzer_sys::fuzz_target;
use synth::midi_stream::StreamParser;

fuzz_target!(|data: &[u8]| {
    let mut parser = StreamParser::default();
    let mut rest = data;
    while let Some((&len, tail)) = rest.split_first() {
        let take = usize::from(len % 32).min(tail.len());
        let (fragment, after) = tail.split_at(take);
        parser.feed(fragment, |_message| {});
        rest = after;
    }
});
