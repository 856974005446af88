//! MIDI byte-stream parsing: running status, real-time bytes, split and fragmented SysEx.
