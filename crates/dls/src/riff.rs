//! RIFF chunk walking over untrusted bytes.
