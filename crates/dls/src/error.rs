//! Typed errors of the download parser and their DirectMusic / NTSTATUS mapping.
