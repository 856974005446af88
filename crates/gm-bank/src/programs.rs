//! The 128 General MIDI programs: which timbre each plays and how it is articulated.

use crate::articulation::{Envelope, Shape};
use crate::timbre::{Attack, Kind, ONE, Spectrum, THREE, Timbre};

/// Indices into [`TIMBRES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(usize)]
pub(crate) enum T {
    Piano,
    ElectricPiano,
    FmPiano,
    Harpsichord,
    Clavinet,
    Bell,
    Vibraphone,
    Marimba,
    Xylophone,
    Tubular,
    OrganJazz,
    OrganPercussive,
    OrganRock,
    OrganChurch,
    ReedOrgan,
    Accordion,
    Harmonica,
    GuitarNylon,
    GuitarSteel,
    GuitarElectric,
    GuitarDistorted,
    BassPluck,
    Saw,
    Square,
    Bowed,
    StringEnsemble,
    SawEnsemble,
    ChoirAah,
    ChoirOoh,
    Brass,
    MellowBrass,
    Saxophone,
    DoubleReed,
    Clarinet,
    Flute,
    Recorder,
    Sine,
    Triangle,
    Fifths,
    Kalimba,
    SteelDrum,
    Membrane,
    Wood,
    Sitar,
    NoiseBreath,
    NoiseWide,
    NoiseBright,
    Metallic,
    Agogo,
}

const fn attack(seconds: f32, brightness: f32, noise: f32, noise_cutoff: f32) -> Option<Attack> {
    Some(Attack {
        seconds,
        brightness,
        noise,
        noise_cutoff,
    })
}

const fn additive(name: &'static str, spectrum: Spectrum, attack: Option<Attack>) -> Timbre {
    Timbre {
        name,
        kind: Kind::Additive {
            spectrum,
            ensemble: false,
            attack,
        },
        ranges: THREE,
    }
}

const fn ensemble(name: &'static str, spectrum: Spectrum) -> Timbre {
    Timbre {
        name,
        kind: Kind::Additive {
            spectrum,
            ensemble: true,
            attack: None,
        },
        ranges: THREE,
    }
}

const fn pluck(name: &'static str, brightness: f32, damping: f32, seconds: f32) -> Timbre {
    Timbre {
        name,
        kind: Kind::Pluck {
            brightness,
            damping,
            seconds,
        },
        ranges: THREE,
    }
}

const fn noise(name: &'static str, low: f32, high: f32) -> Timbre {
    Timbre {
        name,
        kind: Kind::Noise { low, high },
        ranges: ONE,
    }
}

const PIANO: &[f32] = &[
    1.0, 0.75, 0.5, 0.38, 0.28, 0.2, 0.09, 0.11, 0.09, 0.06, 0.05, 0.04, 0.03, 0.025, 0.02, 0.015, 0.01, 0.01,
];
const BOWED: Spectrum = Spectrum::Formant(
    [
        (450.0, 250.0, 1.0),
        (1_500.0, 700.0, 0.6),
        (3_000.0, 1_200.0, 0.5),
    ],
    0.7,
);

/// Every timbre, indexed by [`T`].
pub(crate) const TIMBRES: [Timbre; 49] = [
    additive("piano", Spectrum::Table(PIANO), attack(0.3, 1.5, 0.25, 3_500.0)),
    additive(
        "epiano",
        Spectrum::Table(&[1.0, 0.3, 0.08, 0.03, 0.02, 0.0, 0.12]),
        attack(0.25, 2.5, 0.05, 2_000.0),
    ),
    additive(
        "fmpiano",
        Spectrum::Table(&[1.0, 0.35, 0.5, 0.2, 0.3, 0.1, 0.12, 0.05, 0.06]),
        attack(0.2, 2.0, 0.0, 1.0),
    ),
    pluck("harpsichord", 1.0, 0.998, 0.35),
    additive("clavinet", Spectrum::Pulse(0.15), attack(0.06, 1.0, 0.1, 5_000.0)),
    additive(
        "bell",
        Spectrum::Ratios(&[(1.0, 1.0), (2.76, 0.45), (5.4, 0.22), (8.93, 0.1)]),
        attack(0.3, 1.5, 0.05, 6_000.0),
    ),
    additive(
        "vibraphone",
        Spectrum::Ratios(&[(1.0, 1.0), (3.99, 0.3), (10.1, 0.06)]),
        attack(0.15, 1.0, 0.0, 1.0),
    ),
    additive(
        "marimba",
        Spectrum::Ratios(&[(1.0, 1.0), (3.93, 0.25), (9.2, 0.05)]),
        attack(0.05, 1.5, 0.2, 3_000.0),
    ),
    additive(
        "xylophone",
        Spectrum::Ratios(&[(1.0, 1.0), (3.0, 0.5), (6.0, 0.25)]),
        attack(0.04, 1.0, 0.3, 6_000.0),
    ),
    additive(
        "tubular",
        Spectrum::Ratios(&[
            (0.5, 0.3),
            (1.0, 1.0),
            (1.19, 0.5),
            (1.5, 0.45),
            (2.0, 0.6),
            (2.52, 0.3),
            (3.0, 0.2),
            (4.05, 0.12),
        ]),
        attack(0.4, 1.0, 0.05, 4_000.0),
    ),
    additive(
        "organ jazz",
        Spectrum::Drawbars([8, 8, 8, 0, 0, 0, 0, 0, 0]),
        None,
    ),
    additive(
        "organ percussive",
        Spectrum::Drawbars([8, 0, 8, 4, 8, 0, 0, 0, 0]),
        attack(0.35, 1.2, 0.0, 1.0),
    ),
    additive(
        "organ rock",
        Spectrum::Drawbars([8, 8, 8, 8, 0, 0, 0, 0, 8]),
        None,
    ),
    additive(
        "organ church",
        Spectrum::Drawbars([8, 6, 8, 8, 7, 8, 5, 6, 8]),
        None,
    ),
    additive("reed organ", Spectrum::Reed(0.2), None),
    ensemble("accordion", Spectrum::Reed(0.5)),
    additive(
        "harmonica",
        Spectrum::Table(&[1.0, 0.7, 0.6, 0.4, 0.3, 0.2, 0.15, 0.1, 0.08, 0.05]),
        None,
    ),
    pluck("guitar nylon", 0.4, 0.996, 0.4),
    pluck("guitar steel", 0.8, 0.997, 0.4),
    pluck("guitar electric", 0.6, 0.998, 0.4),
    ensemble("guitar distorted", Spectrum::Saw(0.6)),
    pluck("bass", 0.5, 0.998, 0.3),
    additive("saw", Spectrum::Saw(1.0), None),
    additive("square", Spectrum::Square, None),
    additive("bowed", BOWED, None),
    ensemble("strings", BOWED),
    ensemble("saw ensemble", Spectrum::Saw(1.0)),
    ensemble(
        "choir aah",
        Spectrum::Formant(
            [(730.0, 90.0, 1.0), (1_090.0, 110.0, 0.6), (2_440.0, 160.0, 0.3)],
            1.2,
        ),
    ),
    ensemble(
        "choir ooh",
        Spectrum::Formant(
            [(300.0, 80.0, 1.0), (870.0, 100.0, 0.4), (2_240.0, 150.0, 0.1)],
            1.2,
        ),
    ),
    additive(
        "brass",
        Spectrum::Formant(
            [(1_200.0, 500.0, 1.0), (2_500.0, 800.0, 0.5), (500.0, 300.0, 0.3)],
            0.7,
        ),
        None,
    ),
    additive("mellow brass", Spectrum::Saw(1.7), None),
    additive(
        "saxophone",
        Spectrum::Formant(
            [(600.0, 300.0, 1.0), (1_600.0, 600.0, 0.6), (2_800.0, 700.0, 0.3)],
            0.8,
        ),
        attack(0.08, 0.5, 0.15, 3_000.0),
    ),
    additive(
        "double reed",
        Spectrum::Formant(
            [(1_100.0, 250.0, 1.2), (2_700.0, 500.0, 0.6), (0.0, 1.0, 0.0)],
            0.6,
        ),
        None,
    ),
    additive("clarinet", Spectrum::Reed(0.05), attack(0.05, 0.0, 0.1, 2_500.0)),
    additive(
        "flute",
        Spectrum::Table(&[1.0, 0.4, 0.2, 0.1, 0.05, 0.03, 0.02]),
        attack(0.1, 0.5, 0.4, 4_000.0),
    ),
    additive(
        "recorder",
        Spectrum::Table(&[1.0, 0.1, 0.3, 0.05, 0.1, 0.02, 0.03]),
        attack(0.06, 0.5, 0.25, 3_000.0),
    ),
    additive("sine", Spectrum::Table(&[1.0]), None),
    additive("triangle", Spectrum::Triangle, None),
    additive(
        "fifths",
        Spectrum::Ratios(&[
            (1.0, 1.0),
            (1.5, 0.8),
            (2.0, 0.5),
            (3.0, 0.45),
            (4.0, 0.25),
            (4.5, 0.25),
            (5.0, 0.2),
            (6.0, 0.17),
            (7.5, 0.12),
            (8.0, 0.12),
        ]),
        None,
    ),
    additive(
        "kalimba",
        Spectrum::Ratios(&[(1.0, 1.0), (6.27, 0.3)]),
        attack(0.08, 2.0, 0.1, 3_000.0),
    ),
    additive(
        "steel drum",
        Spectrum::Ratios(&[(1.0, 1.0), (2.0, 0.6), (3.0, 0.25), (4.02, 0.15)]),
        attack(0.1, 1.5, 0.05, 3_000.0),
    ),
    additive(
        "membrane",
        Spectrum::Ratios(&[(1.0, 1.0), (1.5, 0.5), (1.98, 0.35), (2.44, 0.2), (2.9, 0.1)]),
        attack(0.06, 1.0, 0.5, 2_500.0),
    ),
    additive(
        "wood",
        Spectrum::Ratios(&[(1.0, 1.0), (2.7, 0.3)]),
        attack(0.03, 1.0, 0.5, 4_000.0),
    ),
    pluck("sitar", 1.0, 0.999, 0.6),
    noise("breath", 200.0, 2_000.0),
    noise("noise", 300.0, 8_000.0),
    noise("hiss", 3_000.0, 11_000.0),
    additive(
        "metallic",
        Spectrum::Ratios(&[
            (1.0, 1.0),
            (2.0, 0.5),
            (2.76, 0.4),
            (4.1, 0.3),
            (5.4, 0.2),
            (6.3, 0.15),
        ]),
        None,
    ),
    additive(
        "agogo",
        Spectrum::Ratios(&[(1.0, 1.0), (2.4, 0.6), (3.8, 0.3)]),
        attack(0.05, 1.0, 0.1, 5_000.0),
    ),
];

/// A GM program: its name, timbre, articulation and level.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Program {
    /// The GM name.
    pub(crate) name: &'static str,
    /// Which timbre it plays.
    pub(crate) timbre: T,
    /// How it is articulated.
    pub(crate) shape: Shape,
    /// Level trim in dB (negative = quieter).
    pub(crate) gain: f32,
}

const fn program(name: &'static str, timbre: T, shape: Shape, gain: f32) -> Program {
    Program {
        name,
        timbre,
        shape,
        gain,
    }
}

// Envelope archetypes.
/// Struck/plucked: instant attack, long full-scale decay to silence.
const fn struck(decay: f32, release: f32) -> Shape {
    Shape::new(Envelope::adsr(0.002, decay, 0.0, release))
}
/// Sustained: an attack, then steady.
const fn held(attack: f32, release: f32) -> Shape {
    Shape::new(Envelope::adsr(attack, 0.5, 1.0, release))
}
/// Sustained with a decay to a sustain level.
const fn swell(attack: f32, decay: f32, sustain: f32, release: f32) -> Shape {
    Shape::new(Envelope::adsr(attack, decay, sustain, release))
}

const PIANO_SHAPE: Shape = struck(22.0, 0.45)
    .key_decay(-3_600.0)
    .filter(4_000.0, 0.0)
    .velocity_filter(4_800.0);
const BRASS_SWEEP: Envelope = Envelope::adsr(0.06, 0.4, 0.6, 0.2);
const SYNTH_SWEEP: Envelope = Envelope::adsr(0.005, 0.6, 0.3, 0.3);
const PLUCK_SWEEP: Envelope = Envelope::adsr(0.001, 0.25, 0.0, 0.1);

/// The 128 GM programs in order.
pub(crate) static PROGRAMS: [Program; 128] = [
    // Piano
    program("Acoustic Grand Piano", T::Piano, PIANO_SHAPE, 0.0),
    program(
        "Bright Acoustic Piano",
        T::Piano,
        PIANO_SHAPE.filter(9_000.0, 0.0),
        -1.0,
    ),
    program(
        "Electric Grand Piano",
        T::FmPiano,
        struck(14.0, 0.4).key_decay(-2_400.0),
        -2.0,
    ),
    program(
        "Honky-tonk Piano",
        T::Piano,
        PIANO_SHAPE.vibrato(6.0, 12.0, 0.0),
        -1.0,
    ),
    program(
        "Electric Piano 1",
        T::ElectricPiano,
        struck(14.0, 0.4).key_decay(-2_400.0).tremolo(4.5, 1.5),
        0.0,
    ),
    program(
        "Electric Piano 2",
        T::FmPiano,
        struck(12.0, 0.4).key_decay(-2_400.0),
        -1.0,
    ),
    program(
        "Harpsichord",
        T::Harpsichord,
        struck(9.0, 0.25).key_decay(-1_800.0),
        1.0,
    ),
    program(
        "Clavinet",
        T::Clavinet,
        struck(6.0, 0.1).filter(2_500.0, 6.0).velocity_filter(3_600.0),
        -3.0,
    ),
    // Chromatic percussion
    program("Celesta", T::Bell, struck(5.0, 0.5).key_decay(-1_200.0), -2.0),
    program("Glockenspiel", T::Bell, struck(6.0, 0.8), -4.0),
    program("Music Box", T::Bell, struck(4.0, 1.0).filter(6_000.0, 0.0), -3.0),
    program(
        "Vibraphone",
        T::Vibraphone,
        struck(9.0, 0.8).tremolo(5.5, 3.0),
        -2.0,
    ),
    program("Marimba", T::Marimba, struck(2.0, 0.3).key_decay(-1_200.0), 0.0),
    program("Xylophone", T::Xylophone, struck(1.2, 0.2), -2.0),
    program("Tubular Bells", T::Tubular, struck(14.0, 2.0), -3.0),
    program(
        "Dulcimer",
        T::GuitarSteel,
        struck(6.0, 0.6).key_decay(-1_200.0),
        -1.0,
    ),
    // Organ
    program("Drawbar Organ", T::OrganJazz, held(0.005, 0.05), -6.0),
    program("Percussive Organ", T::OrganPercussive, held(0.003, 0.05), -6.0),
    program(
        "Rock Organ",
        T::OrganRock,
        held(0.005, 0.05).tremolo(6.5, 1.5),
        -7.0,
    ),
    program("Church Organ", T::OrganChurch, held(0.08, 0.4), -7.0),
    program(
        "Reed Organ",
        T::ReedOrgan,
        held(0.05, 0.15).filter(3_000.0, 0.0),
        -8.0,
    ),
    program(
        "Accordion",
        T::Accordion,
        held(0.03, 0.1).filter(4_000.0, 0.0),
        -5.0,
    ),
    program(
        "Harmonica",
        T::Harmonica,
        held(0.04, 0.1).vibrato(5.0, 15.0, 0.3).filter(3_000.0, 0.0),
        -6.0,
    ),
    program(
        "Tango Accordion",
        T::Accordion,
        held(0.02, 0.1).filter(2_500.0, 0.0),
        -5.0,
    ),
    // Guitar
    program(
        "Acoustic Guitar (nylon)",
        T::GuitarNylon,
        struck(5.0, 0.3).key_decay(-1_200.0),
        3.0,
    ),
    program(
        "Acoustic Guitar (steel)",
        T::GuitarSteel,
        struck(5.0, 0.3).key_decay(-1_200.0),
        2.0,
    ),
    program(
        "Electric Guitar (jazz)",
        T::GuitarElectric,
        struck(6.0, 0.3).filter(1_800.0, 0.0),
        3.0,
    ),
    program(
        "Electric Guitar (clean)",
        T::GuitarElectric,
        struck(6.0, 0.3),
        2.0,
    ),
    program(
        "Electric Guitar (muted)",
        T::GuitarElectric,
        struck(0.5, 0.1).filter(2_000.0, 0.0),
        0.0,
    ),
    program(
        "Overdriven Guitar",
        T::GuitarDistorted,
        swell(0.005, 4.0, 0.5, 0.2).filter(3_000.0, 3.0),
        -7.0,
    ),
    program(
        "Distortion Guitar",
        T::GuitarDistorted,
        swell(0.005, 5.0, 0.6, 0.2).filter(4_500.0, 4.0),
        -8.0,
    ),
    program("Guitar Harmonics", T::Sine, struck(3.0, 0.5), -4.0),
    // Bass
    program(
        "Acoustic Bass",
        T::BassPluck,
        struck(4.0, 0.2).filter(1_200.0, 0.0),
        5.0,
    ),
    program(
        "Electric Bass (finger)",
        T::BassPluck,
        struck(6.0, 0.15).filter(1_800.0, 0.0),
        4.0,
    ),
    program(
        "Electric Bass (pick)",
        T::BassPluck,
        struck(5.0, 0.15).filter(3_500.0, 0.0),
        3.0,
    ),
    program(
        "Fretless Bass",
        T::Saw,
        swell(0.01, 5.0, 0.3, 0.2)
            .filter(700.0, 2.0)
            .vibrato(5.0, 8.0, 0.4),
        -2.0,
    ),
    program(
        "Slap Bass 1",
        T::BassPluck,
        struck(3.0, 0.15).filter(1_500.0, 6.0).sweep(PLUCK_SWEEP, 3_600.0),
        3.0,
    ),
    program(
        "Slap Bass 2",
        T::BassPluck,
        struck(3.0, 0.15).filter(2_000.0, 8.0).sweep(PLUCK_SWEEP, 4_800.0),
        2.0,
    ),
    program(
        "Synth Bass 1",
        T::Saw,
        swell(0.003, 2.0, 0.5, 0.1)
            .filter(300.0, 10.0)
            .sweep(PLUCK_SWEEP, 4_000.0),
        -3.0,
    ),
    program(
        "Synth Bass 2",
        T::Square,
        swell(0.003, 2.0, 0.6, 0.1)
            .filter(500.0, 6.0)
            .sweep(PLUCK_SWEEP, 3_000.0),
        -4.0,
    ),
    // Strings
    program(
        "Violin",
        T::Bowed,
        held(0.08, 0.25).vibrato(5.5, 18.0, 0.35).filter(8_000.0, 0.0),
        -6.0,
    ),
    program(
        "Viola",
        T::Bowed,
        held(0.09, 0.25).vibrato(5.2, 16.0, 0.35).filter(6_000.0, 0.0),
        -6.0,
    ),
    program(
        "Cello",
        T::Bowed,
        held(0.1, 0.3).vibrato(5.0, 15.0, 0.35).filter(4_500.0, 0.0),
        -5.0,
    ),
    program(
        "Contrabass",
        T::Bowed,
        held(0.12, 0.3).vibrato(4.8, 12.0, 0.4).filter(1_500.0, 0.0),
        -4.0,
    ),
    program(
        "Tremolo Strings",
        T::StringEnsemble,
        held(0.05, 0.3).tremolo(8.0, 6.0).filter(4_000.0, 0.0),
        -5.0,
    ),
    program(
        "Pizzicato Strings",
        T::GuitarNylon,
        struck(0.8, 0.15).filter(2_500.0, 0.0),
        0.0,
    ),
    program(
        "Orchestral Harp",
        T::GuitarNylon,
        struck(7.0, 1.0).key_decay(-1_800.0).filter(3_500.0, 0.0),
        3.0,
    ),
    program(
        "Timpani",
        T::Membrane,
        struck(3.5, 1.0).filter(1_500.0, 0.0).velocity_filter(3_000.0),
        0.0,
    ),
    // Ensemble
    program(
        "String Ensemble 1",
        T::StringEnsemble,
        held(0.15, 0.4).filter(4_500.0, 0.0),
        -5.0,
    ),
    program(
        "String Ensemble 2",
        T::StringEnsemble,
        held(0.35, 0.6).filter(3_000.0, 0.0),
        -5.0,
    ),
    program(
        "SynthStrings 1",
        T::SawEnsemble,
        held(0.12, 0.4).filter(3_000.0, 0.0),
        -6.0,
    ),
    program(
        "SynthStrings 2",
        T::SawEnsemble,
        held(0.3, 0.5).filter(2_000.0, 2.0),
        -6.0,
    ),
    program(
        "Choir Aahs",
        T::ChoirAah,
        held(0.15, 0.4).vibrato(5.0, 10.0, 0.3),
        -4.0,
    ),
    program(
        "Voice Oohs",
        T::ChoirOoh,
        held(0.1, 0.3).vibrato(5.0, 10.0, 0.3),
        -6.0,
    ),
    program(
        "Synth Voice",
        T::ChoirAah,
        held(0.05, 0.3).filter(2_500.0, 4.0),
        -4.0,
    ),
    program(
        "Orchestra Hit",
        T::Fifths,
        struck(0.9, 0.3).filter(4_000.0, 0.0),
        -3.0,
    ),
    // Brass
    program(
        "Trumpet",
        T::Brass,
        swell(0.03, 2.0, 0.8, 0.12)
            .filter(1_500.0, 0.0)
            .sweep(BRASS_SWEEP, 2_400.0)
            .vibrato(5.5, 10.0, 0.4),
        2.0,
    ),
    program(
        "Trombone",
        T::Brass,
        swell(0.04, 2.0, 0.8, 0.15)
            .filter(900.0, 0.0)
            .sweep(BRASS_SWEEP, 2_400.0),
        2.0,
    ),
    program(
        "Tuba",
        T::MellowBrass,
        swell(0.05, 2.0, 0.8, 0.15)
            .filter(700.0, 0.0)
            .sweep(BRASS_SWEEP, 1_800.0),
        -1.0,
    ),
    program(
        "Muted Trumpet",
        T::Brass,
        swell(0.02, 2.0, 0.7, 0.1).filter(2_500.0, 12.0),
        -1.0,
    ),
    program(
        "French Horn",
        T::MellowBrass,
        swell(0.06, 2.0, 0.8, 0.25)
            .filter(1_200.0, 0.0)
            .sweep(BRASS_SWEEP, 1_200.0),
        -2.0,
    ),
    program(
        "Brass Section",
        T::SawEnsemble,
        swell(0.04, 2.0, 0.8, 0.15)
            .filter(1_200.0, 0.0)
            .sweep(BRASS_SWEEP, 3_000.0),
        3.0,
    ),
    program(
        "SynthBrass 1",
        T::SawEnsemble,
        swell(0.01, 1.5, 0.7, 0.15)
            .filter(800.0, 6.0)
            .sweep(SYNTH_SWEEP, 3_600.0),
        4.0,
    ),
    program(
        "SynthBrass 2",
        T::SawEnsemble,
        swell(0.05, 1.5, 0.7, 0.2)
            .filter(1_200.0, 3.0)
            .sweep(BRASS_SWEEP, 2_400.0),
        3.0,
    ),
    // Reed
    program(
        "Soprano Sax",
        T::Saxophone,
        held(0.03, 0.1).vibrato(5.5, 15.0, 0.3).filter(5_000.0, 0.0),
        -3.0,
    ),
    program(
        "Alto Sax",
        T::Saxophone,
        held(0.03, 0.1).vibrato(5.2, 15.0, 0.3).filter(4_000.0, 0.0),
        -3.0,
    ),
    program(
        "Tenor Sax",
        T::Saxophone,
        held(0.03, 0.12).vibrato(5.0, 15.0, 0.3).filter(3_000.0, 0.0),
        -2.0,
    ),
    program(
        "Baritone Sax",
        T::Saxophone,
        held(0.04, 0.12).vibrato(5.0, 12.0, 0.3).filter(2_000.0, 0.0),
        -1.0,
    ),
    program(
        "Oboe",
        T::DoubleReed,
        held(0.03, 0.1).vibrato(5.5, 12.0, 0.3),
        -6.0,
    ),
    program(
        "English Horn",
        T::DoubleReed,
        held(0.04, 0.12).vibrato(5.0, 10.0, 0.3).filter(2_500.0, 0.0),
        -5.0,
    ),
    program(
        "Bassoon",
        T::DoubleReed,
        held(0.04, 0.12).filter(1_500.0, 0.0),
        -2.0,
    ),
    program(
        "Clarinet",
        T::Clarinet,
        held(0.03, 0.1).filter(3_000.0, 0.0),
        -8.0,
    ),
    // Pipe
    program("Piccolo", T::Flute, held(0.04, 0.1).vibrato(5.5, 12.0, 0.3), -7.0),
    program("Flute", T::Flute, held(0.05, 0.12).vibrato(5.0, 12.0, 0.3), -6.0),
    program("Recorder", T::Recorder, held(0.04, 0.1), -7.0),
    program(
        "Pan Flute",
        T::Flute,
        held(0.06, 0.2).vibrato(4.5, 20.0, 0.2).filter(3_000.0, 0.0),
        -5.0,
    ),
    program(
        "Blown Bottle",
        T::Sine,
        held(0.08, 0.2).vibrato(4.0, 8.0, 0.2),
        -7.0,
    ),
    program(
        "Shakuhachi",
        T::Flute,
        held(0.1, 0.2).vibrato(4.5, 25.0, 0.2).filter(2_500.0, 0.0),
        -5.0,
    ),
    program("Whistle", T::Sine, held(0.05, 0.1).vibrato(5.5, 15.0, 0.2), -8.0),
    program("Ocarina", T::Recorder, held(0.04, 0.1).filter(2_000.0, 0.0), -7.0),
    // Synth lead
    program(
        "Lead 1 (square)",
        T::Square,
        held(0.005, 0.1).filter(6_000.0, 0.0),
        -10.0,
    ),
    program(
        "Lead 2 (sawtooth)",
        T::Saw,
        held(0.005, 0.1).filter(5_000.0, 2.0),
        -8.0,
    ),
    program(
        "Lead 3 (calliope)",
        T::Triangle,
        held(0.02, 0.1).vibrato(5.5, 15.0, 0.2),
        -8.0,
    ),
    program(
        "Lead 4 (chiff)",
        T::Recorder,
        held(0.005, 0.1).filter(3_500.0, 4.0).sweep(PLUCK_SWEEP, 2_400.0),
        -8.0,
    ),
    program(
        "Lead 5 (charang)",
        T::GuitarDistorted,
        held(0.005, 0.1).filter(3_000.0, 6.0),
        -8.0,
    ),
    program(
        "Lead 6 (voice)",
        T::ChoirAah,
        held(0.03, 0.2).vibrato(5.0, 15.0, 0.2),
        -4.0,
    ),
    program(
        "Lead 7 (fifths)",
        T::Fifths,
        held(0.005, 0.15).filter(4_000.0, 0.0),
        -7.0,
    ),
    program(
        "Lead 8 (bass + lead)",
        T::Saw,
        held(0.005, 0.1).filter(2_500.0, 6.0).sweep(SYNTH_SWEEP, 2_400.0),
        -7.0,
    ),
    // Synth pad
    program(
        "Pad 1 (new age)",
        T::Metallic,
        swell(0.3, 6.0, 0.4, 1.2).filter(3_000.0, 0.0),
        -6.0,
    ),
    program(
        "Pad 2 (warm)",
        T::SawEnsemble,
        held(0.4, 1.0).filter(1_200.0, 0.0),
        -5.0,
    ),
    program(
        "Pad 3 (polysynth)",
        T::SawEnsemble,
        swell(0.01, 2.0, 0.5, 0.6)
            .filter(1_500.0, 4.0)
            .sweep(SYNTH_SWEEP, 2_400.0),
        4.0,
    ),
    program("Pad 4 (choir)", T::ChoirAah, held(0.5, 1.2), -5.0),
    program(
        "Pad 5 (bowed)",
        T::StringEnsemble,
        held(0.6, 1.2).filter(2_000.0, 0.0),
        -5.0,
    ),
    program(
        "Pad 6 (metallic)",
        T::Metallic,
        held(0.4, 1.2).filter(4_000.0, 3.0),
        -7.0,
    ),
    program(
        "Pad 7 (halo)",
        T::ChoirOoh,
        held(0.6, 1.5).tremolo(0.5, 3.0),
        -7.0,
    ),
    program(
        "Pad 8 (sweep)",
        T::SawEnsemble,
        held(0.5, 1.2).filter(800.0, 10.0).wah(2_400.0).tremolo(0.25, 0.0),
        -6.0,
    ),
    // Synth effects
    program(
        "FX 1 (rain)",
        T::Bell,
        struck(3.0, 1.5).filter(5_000.0, 0.0).tremolo(7.0, 4.0),
        -5.0,
    ),
    program(
        "FX 2 (soundtrack)",
        T::SawEnsemble,
        held(0.8, 1.5).filter(1_500.0, 6.0).wah(1_200.0),
        -6.0,
    ),
    program(
        "FX 3 (crystal)",
        T::Bell,
        struck(5.0, 1.5).vibrato(6.0, 8.0, 0.0),
        -4.0,
    ),
    program(
        "FX 4 (atmosphere)",
        T::GuitarNylon,
        swell(0.005, 6.0, 0.2, 1.5).filter(2_500.0, 0.0),
        -2.0,
    ),
    program(
        "FX 5 (brightness)",
        T::SawEnsemble,
        held(0.3, 1.5).filter(6_000.0, 3.0),
        -7.0,
    ),
    program(
        "FX 6 (goblins)",
        T::ChoirOoh,
        held(0.7, 1.5).wah(2_400.0).filter(1_200.0, 8.0).tremolo(0.4, 2.0),
        -7.0,
    ),
    program(
        "FX 7 (echoes)",
        T::ElectricPiano,
        swell(0.01, 8.0, 0.3, 2.0).tremolo(3.0, 6.0),
        -3.0,
    ),
    program(
        "FX 8 (sci-fi)",
        T::Sine,
        held(0.2, 1.0).vibrato(3.0, 150.0, 0.0),
        -8.0,
    ),
    // Ethnic
    program("Sitar", T::Sitar, struck(6.0, 0.4).filter(5_000.0, 6.0), 1.0),
    program(
        "Banjo",
        T::GuitarSteel,
        struck(2.0, 0.2).filter(6_000.0, 3.0),
        2.0,
    ),
    program("Shamisen", T::Sitar, struck(1.5, 0.2).filter(4_000.0, 4.0), 2.0),
    program(
        "Koto",
        T::GuitarSteel,
        struck(4.0, 0.4).vibrato(5.0, 6.0, 0.5),
        2.0,
    ),
    program("Kalimba", T::Kalimba, struck(2.5, 0.4), -1.0),
    program(
        "Bag pipe",
        T::DoubleReed,
        held(0.02, 0.1).filter(4_000.0, 3.0),
        -6.0,
    ),
    program(
        "Fiddle",
        T::Bowed,
        held(0.05, 0.2).vibrato(6.0, 20.0, 0.2).filter(7_000.0, 2.0),
        -6.0,
    ),
    program(
        "Shanai",
        T::DoubleReed,
        held(0.02, 0.1).vibrato(6.0, 20.0, 0.2).filter(5_000.0, 6.0),
        -5.0,
    ),
    // Percussive
    program(
        "Tinkle Bell",
        T::Bell,
        struck(3.0, 0.5).filter(8_000.0, 0.0),
        -4.0,
    ),
    program("Agogo", T::Agogo, struck(1.5, 0.3), -3.0),
    program("Steel Drums", T::SteelDrum, struck(2.5, 0.4), -2.0),
    program("Woodblock", T::Wood, struck(0.4, 0.1), -1.0),
    program(
        "Taiko Drum",
        T::Membrane,
        struck(2.0, 0.6).filter(1_000.0, 0.0),
        2.0,
    ),
    program(
        "Melodic Tom",
        T::Membrane,
        struck(1.5, 0.5).pitch_sweep(Envelope::adsr(0.001, 0.3, 0.0, 0.1), 300.0),
        0.0,
    ),
    program(
        "Synth Drum",
        T::Sine,
        struck(1.0, 0.4).pitch_sweep(Envelope::adsr(0.001, 0.25, 0.0, 0.1), 1_200.0),
        0.0,
    ),
    program(
        "Reverse Cymbal",
        T::NoiseBright,
        swell(1.5, 0.1, 1.0, 0.05).filter(9_000.0, 0.0),
        -6.0,
    ),
    // Sound effects
    program(
        "Guitar Fret Noise",
        T::NoiseBright,
        struck(0.3, 0.1).filter(4_000.0, 6.0),
        -6.0,
    ),
    program("Breath Noise", T::NoiseBreath, held(0.1, 0.2), -4.0),
    program(
        "Seashore",
        T::NoiseWide,
        held(1.0, 1.5)
            .tremolo(0.15, 12.0)
            .filter(3_000.0, 0.0)
            .wah(1_200.0),
        -4.0,
    ),
    program(
        "Bird Tweet",
        T::Sine,
        held(0.01, 0.1).vibrato(12.0, 300.0, 0.0),
        -9.0,
    ),
    program(
        "Telephone Ring",
        T::Square,
        held(0.005, 0.05).tremolo(16.0, 12.0).filter(3_000.0, 0.0),
        -14.0,
    ),
    program(
        "Helicopter",
        T::NoiseWide,
        held(0.5, 0.5).tremolo(12.0, 12.0).filter(1_500.0, 4.0),
        -8.0,
    ),
    program("Applause", T::NoiseWide, held(0.3, 0.8).tremolo(9.0, 6.0), -6.0),
    program(
        "Gunshot",
        T::NoiseWide,
        struck(0.6, 0.3).filter(3_000.0, 0.0),
        0.0,
    ),
];
