//! Modulated-delay stereo chorus.
