//! Human-readable summaries of collections and download buffers (host tools).
