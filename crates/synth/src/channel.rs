//! Per-channel MIDI state (one per MIDI channel of each channel group) and the source values
//! the articulation reads from it.

use portcls_sys::dmusprop::DAUD_CHAN_DEF_VOICE_PRIORITY;

use crate::articulation::source;

/// Which "System On" message last reset a channel group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SystemMode {
    /// None (power-on, or after GM System Off).
    #[default]
    None,
    /// GM System On.
    Gm,
    /// GM2 System On.
    Gm2,
    /// Roland GS Reset.
    Gs,
    /// Yamaha XG System On.
    Xg,
}

/// The selected (N)RPN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parameter {
    /// None selected (RPN null, or after reset).
    None,
    /// A registered parameter number.
    Rpn(u16),
    /// A non-registered parameter (data entry is ignored).
    Nrpn,
}

/// One MIDI channel.
#[derive(Clone, Debug)]
pub struct ChannelState {
    /// MIDI channel 0..=15 inside its group.
    pub number: u8,
    /// Program.
    pub program: u8,
    /// Bank MSB latched at the last program change.
    pub bank_msb: u8,
    /// Bank LSB latched at the last program change.
    pub bank_lsb: u8,
    /// Drum channel (channel 10 by default; GS use-for-rhythm).
    pub rhythm: bool,
    /// Controller values.
    pub cc: [u8; 128],
    /// Pitch wheel, 0..=16383 (8192 = centre).
    pub pitch_wheel: u16,
    /// Channel pressure.
    pub channel_pressure: u8,
    /// Polyphonic pressure per key.
    pub poly_pressure: [u8; 128],
    /// Selected (N)RPN.
    pub parameter: Parameter,
    /// RPN 0 as 14 bits: MSB semitones, LSB cents.
    pub bend_range: u16,
    /// RPN 1, 14 bits, 8192 = 0 cents.
    pub fine_tune: u16,
    /// RPN 2 MSB, 64 = 0 semitones.
    pub coarse_tune: u8,
    /// Sustain pedal down.
    pub sustain: bool,
    /// Mono mode (CC126): one voice per channel.
    pub mono: bool,
    /// Voice priority (`SYNTHVOICEPRIORITY`).
    pub priority: u32,
    /// Group master volume (universal SysEx), amplitude.
    pub master: f32,
    /// Bumped on every change the articulation can see.
    pub generation: u32,
}

impl ChannelState {
    /// Power-on state of channel `number`.
    pub fn new(number: u8) -> Self {
        let mut state = Self {
            number,
            program: 0,
            bank_msb: 0,
            bank_lsb: 0,
            rhythm: number == 9,
            cc: [0; 128],
            pitch_wheel: 8192,
            channel_pressure: 0,
            poly_pressure: [0; 128],
            parameter: Parameter::None,
            bend_range: 2 << 7,
            fine_tune: 8192,
            coarse_tune: 64,
            sustain: false,
            mono: false,
            priority: DAUD_CHAN_DEF_VOICE_PRIORITY
                .get(usize::from(number))
                .copied()
                .unwrap_or(0x8000_0000),
            master: 1.0,
            generation: 0,
        };
        state.reset_system();
        state
    }

    /// The reset a GM/GS/XG System On performs: program 0 bank 0, controllers to their
    /// defaults (CC7 100, CC10 64, CC11 127, CC91 40, CC93 0), RPNs to their defaults, drums on
    /// channel 10 only, mono off. Keeps the voice priority.
    pub fn reset_system(&mut self) {
        let generation = self.generation;
        let priority = self.priority;
        let number = self.number;
        *self = Self {
            generation,
            priority,
            ..Self::blank(number)
        };
        self.cc[7] = 100;
        self.cc[10] = 64;
        self.cc[11] = 127;
        self.cc[91] = 40;
        self.cc[0] = 0;
        self.touch();
    }

    fn blank(number: u8) -> Self {
        Self {
            number,
            program: 0,
            bank_msb: 0,
            bank_lsb: 0,
            rhythm: number == 9,
            cc: [0; 128],
            pitch_wheel: 8192,
            channel_pressure: 0,
            poly_pressure: [0; 128],
            parameter: Parameter::None,
            bend_range: 2 << 7,
            fine_tune: 8192,
            coarse_tune: 64,
            sustain: false,
            mono: false,
            priority: 0,
            master: 1.0,
            generation: 0,
        }
    }

    /// CC121 Reset All Controllers, as RP-015 specifies: modulation 0, expression 127, pedals
    /// off, pitch wheel centred, pressures 0, (N)RPN deselected. Program, bank, volume (CC7),
    /// pan (CC10), effect sends (CC91/93) and the RPN values themselves are kept.
    pub fn reset_controllers(&mut self) {
        self.cc[1] = 0;
        self.cc[11] = 127;
        for pedal in 64..=69 {
            if let Some(v) = self.cc.get_mut(pedal) {
                *v = 0;
            }
        }
        self.sustain = false;
        self.pitch_wheel = 8192;
        self.channel_pressure = 0;
        self.poly_pressure = [0; 128];
        self.parameter = Parameter::None;
        self.cc[98] = 127;
        self.cc[99] = 127;
        self.cc[100] = 127;
        self.cc[101] = 127;
        self.touch();
    }

    /// Marks the articulation inputs as changed.
    pub fn touch(&mut self) {
        self.generation = self.generation.wrapping_add(1);
    }

    /// Whether the channel plays drum kits (`xg`: in XG mode bank MSB 127 selects drums).
    pub fn is_drums(&self, mode: SystemMode) -> bool {
        self.rhythm || (mode == SystemMode::Xg && self.bank_msb == 127)
    }

    /// Unipolar value `x` in [0, 1) of a channel source for a note on `key`.
    pub fn source_value(&self, code: u8, key: u8) -> f32 {
        match code {
            source::PITCH_WHEEL => f32::from(self.pitch_wheel) / 16384.0,
            source::CHANNEL_PRESSURE => f32::from(self.channel_pressure) / 128.0,
            source::POLY_PRESSURE => {
                f32::from(self.poly_pressure.get(usize::from(key)).copied().unwrap_or(0)) / 128.0
            }
            source::RPN0 => {
                let semitones = f32::from(self.bend_range >> 7);
                let cents = f32::from(self.bend_range & 0x7F).min(99.0);
                (semitones + cents / 100.0) / 128.0
            }
            source::RPN1 => f32::from(self.fine_tune) / 16384.0,
            source::RPN2 => f32::from(self.coarse_tune) / 128.0,
            code if code >= source::CC => {
                f32::from(self.cc.get(usize::from(code & 0x7F)).copied().unwrap_or(0)) / 128.0
            }
            _ => 0.0,
        }
    }
}
