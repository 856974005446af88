//! Placeholder, replaced by the period benchmark.
fn main() {}
