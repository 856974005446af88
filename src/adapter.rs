//! The adapter's bring-up, written once: what `StartDevice` does, in which order, and how it lets go
//! of what it holds on every path.
//!
//! PortCls calls the driver's `StartDevice` at PASSIVE_LEVEL on `IRP_MN_START_DEVICE`. For each
//! subdevice the driver creates a port (`PcNewPort`), creates its miniport, joins the two
//! (`IPort::Init`, which makes the port take its own reference on the miniport) and publishes the
//! port under a reference string (`PcRegisterSubdevice`, which makes the device take its own
//! reference on the port). The driver's own references are released afterwards whether or not
//! the steps succeeded; on failure PortCls tears down what was registered.
//!
//! [`start_device`] is that sequence against the small [`AdapterServices`] trait. The kernel
//! implements the trait over PortCls (`src/kernel/services.rs`); `tests/start_device.rs` fakes it
//! and proves the order and the unwinding at every failure point. Nothing here depends on
//! Windows, so the logic of the shell is tested on every machine.
//!
//! The mode switch of issue 9 is read here too: a `SynthMode` string value the INF writes into the
//! device's hardware key (`HKR,,SynthMode` in `.NT.HW`), `classic` unless the hardware-synth model
//! was installed. Today both modes register the same single DirectMusic subdevice; the mode is
//! handed to the miniport factory, and [`subdevices`] is the one place that will list the WaveRT
//! and topology subdevices of the hardware-synth mode.

use core::fmt;

use portcls_sys::dmerror::NTSTATUS;

/// `REG_SZ`, the registry type of [`MODE_VALUE_NAME`] (winnt.h).
pub const REG_SZ: u32 = 1;
/// `REG_EXPAND_SZ` (winnt.h); accepted like `REG_SZ`, nothing in the value needs expanding.
pub const REG_EXPAND_SZ: u32 = 2;

/// The registry value, in the device's hardware key (`PLUGPLAY_REGKEY_DEVICE`), that selects the
/// mode. The INF writes it; a missing value means [`SynthMode::Classic`].
pub const MODE_VALUE_NAME: &str = "SynthMode";

/// [`MODE_VALUE_NAME`] as UTF-16 with a terminating NUL, for `UNICODE_STRING`.
pub const MODE_VALUE_NAME_UTF16: [u16; 10] = ascii_to_utf16z(MODE_VALUE_NAME);

/// The largest mode value, in bytes of UTF-16 data, that the driver reads (longer is an error).
pub const MODE_VALUE_MAX_BYTES: usize = 64;

/// `STATUS_OBJECT_NAME_NOT_FOUND`: the key has no such value.
pub const STATUS_OBJECT_NAME_NOT_FOUND: NTSTATUS = 0xC000_0034_u32 as NTSTATUS;
/// `STATUS_BUFFER_OVERFLOW`: the value is larger than the buffer (a warning status).
pub const STATUS_BUFFER_OVERFLOW: NTSTATUS = 0x8000_0005_u32 as NTSTATUS;
/// `STATUS_BUFFER_TOO_SMALL`: the value is larger than the buffer.
pub const STATUS_BUFFER_TOO_SMALL: NTSTATUS = 0xC000_0023_u32 as NTSTATUS;

/// Bytes before `Data` in `KEY_VALUE_PARTIAL_INFORMATION` (`TitleIndex`, `Type`, `DataLength`:
/// three `ULONG`s, wdm.h).
pub const PARTIAL_INFORMATION_HEADER: usize = 12;

/// The buffer `ZwQueryValueKey(KeyValuePartialInformation)` fills when the mode is read: the
/// header plus [`MODE_VALUE_MAX_BYTES`] of data, aligned for the header's `ULONG`s.
#[repr(C, align(8))]
pub struct ValueBuffer(pub [u8; PARTIAL_INFORMATION_HEADER + MODE_VALUE_MAX_BYTES]);

impl ValueBuffer {
    /// A zeroed buffer.
    #[must_use]
    pub const fn new() -> Self {
        Self([0; PARTIAL_INFORMATION_HEADER + MODE_VALUE_MAX_BYTES])
    }
}

impl Default for ValueBuffer {
    fn default() -> Self {
        Self::new()
    }
}

/// What a `ZwQueryValueKey(…, KeyValuePartialInformation, buffer, …, &result_length)` call that
/// returned `status` means for the mode.
///
/// A success is trusted no further than the bytes the kernel says it wrote and the buffer holds:
/// `DataLength` is clamped to both.
#[must_use]
pub fn decode_value_query(status: NTSTATUS, result_length: u32, buffer: &ValueBuffer) -> ModeValue<'_> {
    match status {
        STATUS_OBJECT_NAME_NOT_FOUND => return ModeValue::Absent,
        STATUS_BUFFER_OVERFLOW | STATUS_BUFFER_TOO_SMALL => return ModeValue::Failed(ModeError::TooLong),
        status if status < 0 => return ModeValue::Failed(ModeError::Unreadable(status)),
        _ => {}
    }
    let written = usize::try_from(result_length)
        .unwrap_or(usize::MAX)
        .min(buffer.0.len());
    let Some(header) = buffer
        .0
        .get(..PARTIAL_INFORMATION_HEADER)
        .filter(|_| written >= PARTIAL_INFORMATION_HEADER)
    else {
        return ModeValue::Failed(ModeError::Unreadable(status));
    };
    let field = |offset: usize| {
        header
            .get(offset..offset.saturating_add(4))
            .and_then(|bytes| <[u8; 4]>::try_from(bytes).ok())
            .map_or(0, u32::from_le_bytes)
    };
    let value_type = field(4);
    let data_length = usize::try_from(field(8)).unwrap_or(usize::MAX);
    let available = written.saturating_sub(PARTIAL_INFORMATION_HEADER);
    let end = PARTIAL_INFORMATION_HEADER.saturating_add(data_length.min(available));
    let data = buffer.0.get(PARTIAL_INFORMATION_HEADER..end).unwrap_or(&[]);
    ModeValue::Present { value_type, data }
}

/// How the synth reaches the listener (issue 9). Chosen at install time by the INF model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SynthMode {
    /// The DirectMusic software synth of the DDK sample: a wave-out pin that PortCls's wave sink
    /// pulls through `ISynthSinkDMus::Render`. The default.
    Classic,
    /// A "hardware" synth: MIDI render pin only, audio through the driver's own WaveRT capture
    /// endpoint. Until that endpoint exists (issue 9), this mode registers the same subdevice as
    /// `Classic` and only tells the miniport factory which mode was asked for.
    HardwareSynth,
}

impl SynthMode {
    /// The registry text of this mode (what the INF writes).
    #[must_use]
    pub const fn registry_text(self) -> &'static str {
        match self {
            Self::Classic => "classic",
            Self::HardwareSynth => "hardware-synth",
        }
    }

    /// Decodes a registry value: `value_type` as `ZwQueryValueKey` reports it and `data` the
    /// value's bytes (UTF-16LE, with or without terminating NULs). Letter case is ignored.
    ///
    /// # Errors
    /// [`ModeError::WrongType`] for anything but `REG_SZ`/`REG_EXPAND_SZ`,
    /// [`ModeError::OddLength`] for data that is not whole UTF-16 units, [`ModeError::Unknown`]
    /// for any other text.
    pub fn from_registry(value_type: u32, data: &[u8]) -> Result<Self, ModeError> {
        if value_type != REG_SZ && value_type != REG_EXPAND_SZ {
            return Err(ModeError::WrongType(value_type));
        }
        let (units, remainder) = data.as_chunks::<2>();
        if !remainder.is_empty() {
            return Err(ModeError::OddLength(data.len()));
        }
        // Registry strings may carry one or more terminating NULs; the text ends at the first.
        let text_units = units
            .iter()
            .map(|unit| u16::from_le_bytes(*unit))
            .take_while(|&unit| unit != 0);
        [Self::Classic, Self::HardwareSynth]
            .into_iter()
            .find(|mode| ascii_eq_ignore_case(text_units.clone(), mode.registry_text()))
            .ok_or(ModeError::Unknown)
    }
}

impl fmt::Display for SynthMode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.registry_text())
    }
}

/// Whether the UTF-16 `units` spell `expected` (ASCII), ignoring ASCII letter case.
fn ascii_eq_ignore_case(units: impl Iterator<Item = u16> + Clone, expected: &str) -> bool {
    units.clone().count() == expected.len()
        && units
            .zip(expected.bytes())
            .all(|(unit, byte)| u8::try_from(unit).is_ok_and(|unit| unit.eq_ignore_ascii_case(&byte)))
}

/// Why a mode value was not understood. The driver then loads in [`SynthMode::Classic`] and logs
/// the reason: a typo in the registry must not cost the user the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModeError {
    /// The value is not a string; carries its `REG_*` type.
    WrongType(u32),
    /// The value's size is not a whole number of UTF-16 units; carries the size in bytes.
    OddLength(usize),
    /// The text is neither `classic` nor `hardware-synth`.
    Unknown,
    /// The value is longer than [`MODE_VALUE_MAX_BYTES`].
    TooLong,
    /// Reading the key or the value failed with this NTSTATUS.
    Unreadable(NTSTATUS),
}

impl fmt::Display for ModeError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongType(value_type) => write!(formatter, "registry type {value_type} (REG_SZ expected)"),
            Self::OddLength(bytes) => write!(formatter, "{bytes} bytes is not UTF-16 text"),
            Self::Unknown => formatter.write_str("neither \"classic\" nor \"hardware-synth\""),
            Self::TooLong => write!(formatter, "longer than {MODE_VALUE_MAX_BYTES} bytes"),
            Self::Unreadable(status) => write!(formatter, "unreadable (status {:#010x})", *status as u32),
        }
    }
}

/// What reading [`MODE_VALUE_NAME`] gave, before it is decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModeValue<'a> {
    /// The value is not in the key (or the key has no such value yet): the default mode.
    Absent,
    /// The value exists: its `REG_*` type and bytes.
    Present {
        /// `REG_*` type.
        value_type: u32,
        /// The value's bytes.
        data: &'a [u8],
    },
    /// The key or the value could not be read ([`ModeError::Unreadable`] or [`ModeError::TooLong`]).
    Failed(ModeError),
}

/// The mode a [`ModeValue`] selects, and the reason when it fell back to the default.
#[must_use]
pub fn resolve_mode(value: ModeValue<'_>) -> (SynthMode, Option<ModeError>) {
    match value {
        ModeValue::Absent => (SynthMode::Classic, None),
        ModeValue::Present { value_type, data } => match SynthMode::from_registry(value_type, data) {
            Ok(mode) => (mode, None),
            Err(error) => (SynthMode::Classic, Some(error)),
        },
        ModeValue::Failed(error) => (SynthMode::Classic, Some(error)),
    }
}

/// The kind of port a subdevice is built on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortClass {
    /// `CLSID_PortDMus`: the DirectMusic port driving an `IMiniportDMus`.
    DirectMusic,
}

/// One subdevice the adapter registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subdevice {
    /// The reference string: the name given to `PcRegisterSubdevice` and the second field of the
    /// INF's `AddInterface` lines. The two must be equal or no interface is published.
    pub name: &'static str,
    /// The same name as UTF-16 with a terminating NUL (what `PcRegisterSubdevice` takes).
    pub name_utf16: &'static [u16],
    /// The port it is built on.
    pub port_class: PortClass,
}

/// The DirectMusic synth subdevice, under the standard reference string `KSNAME_DMusic`.
pub const DMUS_SUBDEVICE: Subdevice = Subdevice {
    name: "DMusic",
    name_utf16: &DMUS_SUBDEVICE_NAME_UTF16,
    port_class: PortClass::DirectMusic,
};

/// `"DMusic"` as UTF-16 with a terminating NUL.
const DMUS_SUBDEVICE_NAME_UTF16: [u16; 7] = ascii_to_utf16z("DMusic");

/// The GUID that names the synth's MIDI/DirectMusic pin (`KSPIN_DESCRIPTOR.Name`). The INF maps it
/// to a display name under `HKR,MediaCategories\{guid},Name`, which winmm shows for the MIDI
/// device because the pin's category is `KSCATEGORY_WDMAUD_USE_PIN_NAME`. The miniport's pin
/// descriptor must use this same GUID (`tests/inf.rs` checks the INF side).
pub const PIN_NAME_GUID: &str = "{313EE4D3-ACAB-467A-9BDF-CFCE5346DAC5}";

/// The most subdevices any mode registers: `PcAddAdapterDevice`'s `MaxObjects`.
///
/// Sized for issue 9's hardware-synth mode (DMus + WaveRT + topology) so that adding those does
/// not also have to change `AddDevice`.
pub const MAX_SUBDEVICES: u32 = 3;

/// The subdevices `mode` registers, in registration order.
///
/// Both modes register only the DirectMusic subdevice until issue 9's WaveRT endpoint lands; the
/// hardware-synth mode is then the DMus subdevice plus a WaveRT and a topology subdevice.
#[must_use]
pub const fn subdevices(mode: SynthMode) -> &'static [Subdevice] {
    match mode {
        SynthMode::Classic | SynthMode::HardwareSynth => &[DMUS_SUBDEVICE],
    }
}

/// The PortCls operations `StartDevice` needs, implemented over PortCls in the kernel and by
/// fakes in the host tests.
///
/// Each successful [`new_port`](Self::new_port) or [`create_miniport`](Self::create_miniport)
/// hands the caller one reference, which [`start_device`] gives back exactly once through the
/// matching `release_*` method. The handle types are moved into the release methods, so a
/// reference cannot be released twice.
pub trait AdapterServices {
    /// One reference on a port (`IPort*`).
    type Port;
    /// One reference on a miniport (`IUnknown*` of the miniport object).
    type Miniport;

    /// Reads [`MODE_VALUE_NAME`] from the device's hardware key, using `buffer` for the value,
    /// and says what it found (the kernel: `ZwQueryValueKey` then [`decode_value_query`]).
    fn read_mode_value<'a>(&mut self, buffer: &'a mut ValueBuffer) -> ModeValue<'a>;
    /// `PcNewPort(&port, CLSID_Port…)`.
    ///
    /// # Errors
    /// The NTSTATUS of the failed call.
    fn new_port(&mut self, class: PortClass) -> Result<Self::Port, NTSTATUS>;
    /// The miniport factory, for `mode`.
    ///
    /// # Errors
    /// The NTSTATUS of the failed creation (typically `STATUS_INSUFFICIENT_RESOURCES`).
    fn create_miniport(&mut self, class: PortClass, mode: SynthMode) -> Result<Self::Miniport, NTSTATUS>;
    /// `IPort::Init(device, irp, miniport, NULL, resources)`.
    ///
    /// # Errors
    /// The NTSTATUS of the failed call.
    fn init_port(&mut self, port: &Self::Port, miniport: &Self::Miniport) -> Result<(), NTSTATUS>;
    /// `PcRegisterSubdevice(device, name, port)`.
    ///
    /// # Errors
    /// The NTSTATUS of the failed call.
    fn register_subdevice(&mut self, subdevice: &Subdevice, port: &Self::Port) -> Result<(), NTSTATUS>;
    /// Gives back the caller's reference on `miniport` (`IUnknown::Release`).
    fn release_miniport(&mut self, miniport: Self::Miniport);
    /// Gives back the caller's reference on `port` (`IUnknown::Release`).
    fn release_port(&mut self, port: Self::Port);
    /// Writes one diagnostic line (the kernel sends it to `DbgPrintEx`).
    fn log(&mut self, line: fmt::Arguments<'_>);
}

/// The whole of `StartDevice`: reads the mode, then builds and registers each of its subdevices.
///
/// Stops at the first failure and returns its status (PortCls then fails the start and tears down
/// what was registered). Every reference taken is released exactly once, on every path.
///
/// # Errors
/// The NTSTATUS of the first PortCls call or creation that failed.
pub fn start_device<S: AdapterServices>(services: &mut S) -> Result<SynthMode, NTSTATUS> {
    let mut buffer = ValueBuffer::new();
    let (mode, problem) = resolve_mode(services.read_mode_value(&mut buffer));
    if let Some(problem) = problem {
        services.log(format_args!(
            "StartDevice: {MODE_VALUE_NAME} {problem}; loading in {} mode",
            SynthMode::Classic
        ));
    }
    services.log(format_args!("StartDevice: {mode} mode"));
    for subdevice in subdevices(mode) {
        install_subdevice(services, subdevice, mode).inspect_err(|status| {
            services.log(format_args!(
                "StartDevice: subdevice {} failed (status {:#010x})",
                subdevice.name, *status as u32
            ));
        })?;
    }
    Ok(mode)
}

/// Creates, joins and registers one subdevice, then releases the local references.
fn install_subdevice<S: AdapterServices>(
    services: &mut S,
    subdevice: &Subdevice,
    mode: SynthMode,
) -> Result<(), NTSTATUS> {
    let port = services.new_port(subdevice.port_class)?;
    let miniport = match services.create_miniport(subdevice.port_class, mode) {
        Ok(miniport) => miniport,
        Err(status) => {
            services.release_port(port);
            return Err(status);
        }
    };
    let result = services
        .init_port(&port, &miniport)
        .and_then(|()| services.register_subdevice(subdevice, &port));
    // After Init the port holds its own reference on the miniport, and after registration the
    // device holds its own on the port: ours go back either way.
    services.release_miniport(miniport);
    services.release_port(port);
    result
}

/// `text` (ASCII) as UTF-16 with a terminating NUL, at compile time.
///
/// Only ever evaluated in constants: a length mismatch or non-ASCII text is a build error, never a
/// run-time panic.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const fn ascii_to_utf16z<const N: usize>(text: &str) -> [u16; N] {
    let bytes = text.as_bytes();
    assert!(bytes.len() + 1 == N, "N must be the text's length plus the NUL");
    let mut units = [0u16; N];
    let mut index = 0;
    while index < bytes.len() {
        assert!(bytes[index].is_ascii(), "ASCII only");
        units[index] = bytes[index] as u16;
        index += 1;
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str) -> alloc::vec::Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    extern crate alloc;

    #[test]
    fn utf16_names_match_their_text() {
        let decoded: alloc::string::String =
            char::decode_utf16(MODE_VALUE_NAME_UTF16.iter().copied().take_while(|&u| u != 0))
                .map(Result::unwrap)
                .collect();
        assert_eq!(decoded, MODE_VALUE_NAME);
        assert_eq!(MODE_VALUE_NAME_UTF16.last(), Some(&0));
        let name: alloc::vec::Vec<u16> = DMUS_SUBDEVICE.name.encode_utf16().chain([0]).collect();
        assert_eq!(DMUS_SUBDEVICE.name_utf16, name.as_slice());
    }

    #[test]
    fn registry_text_round_trips_with_nul_and_case() {
        for mode in [SynthMode::Classic, SynthMode::HardwareSynth] {
            let text = mode.registry_text();
            assert_eq!(SynthMode::from_registry(REG_SZ, &utf16le(text)), Ok(mode));
            let mut with_nul = utf16le(&text.to_ascii_uppercase());
            with_nul.extend_from_slice(&[0, 0, 0, 0]);
            assert_eq!(SynthMode::from_registry(REG_EXPAND_SZ, &with_nul), Ok(mode));
        }
    }

    #[test]
    fn bad_values_are_named() {
        assert_eq!(
            SynthMode::from_registry(4, &[1, 0, 0, 0]),
            Err(ModeError::WrongType(4))
        );
        assert_eq!(
            SynthMode::from_registry(REG_SZ, b"c"),
            Err(ModeError::OddLength(1))
        );
        assert_eq!(
            SynthMode::from_registry(REG_SZ, &utf16le("classicx")),
            Err(ModeError::Unknown)
        );
        assert_eq!(
            SynthMode::from_registry(REG_SZ, &utf16le("classi")),
            Err(ModeError::Unknown)
        );
        assert_eq!(SynthMode::from_registry(REG_SZ, &[]), Err(ModeError::Unknown));
        // U+0163 would match 'c' if the code point were truncated to a byte.
        assert_eq!(
            SynthMode::from_registry(REG_SZ, &utf16le("\u{163}lassic")),
            Err(ModeError::Unknown)
        );
    }
}
