//! DirectMusic download buffers: the kernel-side parser (untrusted input) and, with `std`, the builder.
