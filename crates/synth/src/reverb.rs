//! Reverb (FDN/Freeverb class), settable as SYNTH_REVERB_PARAMS carries it.
