//! Engine benchmark (filled in below).

fn main() {}
