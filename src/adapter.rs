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
//! was installed. Classic mode registers the DirectMusic subdevice; hardware-synth mode registers
//! it with the shared synth and its default collection, then the WaveRT capture and topology
//! subdevices, the physical connection between them, and starts the render thread ([`subdevices`],
//! [`start_device`]).

use core::fmt;

use portcls_sys::dmerror::{NTSTATUS, STATUS_UNSUCCESSFUL};

pub use crate::default_collection::{CollectionError, DefaultSource};
pub use crate::gm_dls::GmDls;

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

/// The statuses of a value query: no such value (`STATUS_OBJECT_NAME_NOT_FOUND`), or a value
/// larger than the buffer (`STATUS_BUFFER_OVERFLOW`, a warning, or `STATUS_BUFFER_TOO_SMALL`).
pub use portcls_sys::dmerror::{
    STATUS_BUFFER_OVERFLOW, STATUS_BUFFER_TOO_SMALL, STATUS_OBJECT_NAME_NOT_FOUND,
};

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
    /// endpoint ("dmksynth output"), rendered on the driver's own clock by a real-time thread
    /// (issue 9, ADR 002).
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
    /// `CLSID_PortWaveRT`: the WaveRT port driving the capture endpoint's `IMiniportWaveRT`.
    WaveRt,
    /// `CLSID_PortTopology`: the topology port driving the endpoint's `IMiniportTopology`.
    Topology,
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

/// The hardware-synth mode's WaveRT capture filter (`wavert::descriptor::WAVE_SUBDEVICE`).
pub const WAVE_SUBDEVICE: Subdevice = Subdevice {
    name: wavert::descriptor::WAVE_SUBDEVICE,
    name_utf16: &WAVE_SUBDEVICE_NAME_UTF16,
    port_class: PortClass::WaveRt,
};

const WAVE_SUBDEVICE_NAME_UTF16: [u16; wavert::descriptor::WAVE_SUBDEVICE.len() + 1] =
    ascii_to_utf16z(wavert::descriptor::WAVE_SUBDEVICE);

/// The hardware-synth mode's topology filter, whose endpoint pin Windows names "dmksynth output"
/// (`wavert::descriptor::TOPOLOGY_SUBDEVICE`).
pub const TOPOLOGY_SUBDEVICE: Subdevice = Subdevice {
    name: wavert::descriptor::TOPOLOGY_SUBDEVICE,
    name_utf16: &TOPOLOGY_SUBDEVICE_NAME_UTF16,
    port_class: PortClass::Topology,
};

const TOPOLOGY_SUBDEVICE_NAME_UTF16: [u16; wavert::descriptor::TOPOLOGY_SUBDEVICE.len() + 1] =
    ascii_to_utf16z(wavert::descriptor::TOPOLOGY_SUBDEVICE);

/// The physical connection the hardware-synth mode registers: topology bridge out → wave bridge
/// in (`PcRegisterPhysicalConnection`); without it Windows builds no endpoint.
pub const PHYSICAL_CONNECTION: wavert::descriptor::PhysicalConnection =
    wavert::descriptor::PHYSICAL_CONNECTION;

/// The GUID that names the synth's MIDI/DirectMusic pin (`KSPIN_DESCRIPTOR.Name`). The INF maps it
/// to a display name under `HKR,MediaCategories\{guid},Name`, which winmm shows for the MIDI
/// device because the pin's category is `KSCATEGORY_WDMAUD_USE_PIN_NAME`. The miniport's pin
/// descriptor must use this same GUID (`tests/inf.rs` checks the INF side).
pub const PIN_NAME_GUID: &str = "{313EE4D3-ACAB-467A-9BDF-CFCE5346DAC5}";

/// The most subdevices any mode registers: `PcAddAdapterDevice`'s `MaxObjects`
/// (hardware-synth: DMus + WaveRT + topology).
pub const MAX_SUBDEVICES: u32 = 3;

/// The subdevices `mode` registers, in registration order.
///
/// Classic: the DirectMusic subdevice. Hardware-synth: the DirectMusic subdevice (whose miniport
/// owns the shared synth), then the WaveRT capture filter (which renders that synth), then the
/// topology filter; then [`PHYSICAL_CONNECTION`] joins the last two.
#[must_use]
pub const fn subdevices(mode: SynthMode) -> &'static [Subdevice] {
    match mode {
        SynthMode::Classic => &[DMUS_SUBDEVICE],
        SynthMode::HardwareSynth => &[DMUS_SUBDEVICE, WAVE_SUBDEVICE, TOPOLOGY_SUBDEVICE],
    }
}

/// The PortCls operations `StartDevice` needs, implemented over PortCls in the kernel and by
/// fakes in the host tests.
///
/// Each successful `new_port` or `create_*_miniport` hands the caller one reference, which
/// [`start_device`] gives back exactly once through the matching `release_*` method; the same
/// holds for the hardware-synth mode's [`Synth`](Self::Synth) handle and [`Pump`](Self::Pump).
/// The handle types are moved into the release methods, so a reference cannot be released twice.
pub trait AdapterServices {
    /// One reference on a port (`IPort*`).
    type Port;
    /// One reference on a miniport (`IUnknown*` of the miniport object).
    type Miniport;
    /// The hardware-synth mode's handle on the DMus miniport's one synth instance
    /// (kernel: `miniport::HardwareSynth<KernelPlatform>`).
    type Synth;
    /// The render loop body that comes with the WaveRT miniport (kernel: `wavert::Pump`).
    type Pump;

    /// Reads [`MODE_VALUE_NAME`] from the device's hardware key, using `buffer` for the value,
    /// and says what it found (the kernel: `ZwQueryValueKey` then [`decode_value_query`]).
    fn read_mode_value<'a>(&mut self, buffer: &'a mut ValueBuffer) -> ModeValue<'a>;
    /// `PcNewPort(&port, CLSID_Port…)`.
    ///
    /// # Errors
    /// The NTSTATUS of the failed call.
    fn new_port(&mut self, class: PortClass) -> Result<Self::Port, NTSTATUS>;
    /// The DirectMusic miniport factory, for `mode`; in [`SynthMode::HardwareSynth`] also the
    /// handle on its synth (`miniport::new_miniport_with_mode`).
    ///
    /// # Errors
    /// The NTSTATUS of the failed creation (typically `STATUS_INSUFFICIENT_RESOURCES`).
    fn create_dmus_miniport(
        &mut self,
        mode: SynthMode,
    ) -> Result<(Self::Miniport, Option<Self::Synth>), NTSTATUS>;
    /// The WaveRT capture miniport rendering `synth`, and its pump (`wavert::new_wavert_miniport`).
    ///
    /// # Errors
    /// The NTSTATUS of the failed creation.
    fn create_wave_miniport(&mut self, synth: &Self::Synth)
    -> Result<(Self::Miniport, Self::Pump), NTSTATUS>;
    /// The topology miniport (`wavert::new_topology_miniport`).
    ///
    /// # Errors
    /// The NTSTATUS of the failed creation.
    fn create_topology_miniport(&mut self) -> Result<Self::Miniport, NTSTATUS>;
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
    /// `PcRegisterPhysicalConnection(device, from, connection.from_pin, to, connection.to_pin)`;
    /// both ports are registered subdevices.
    ///
    /// # Errors
    /// The NTSTATUS of the failed call.
    fn register_physical_connection(
        &mut self,
        connection: &wavert::descriptor::PhysicalConnection,
        from: &Self::Port,
        to: &Self::Port,
    ) -> Result<(), NTSTATUS>;
    /// Reads `\SystemRoot\System32\drivers\gm.dls` ([`crate::gm_dls::read`] over the kernel's
    /// file calls).
    fn read_gm_dls(&mut self) -> GmDls;
    /// Installs the default collection (gm.dls' bytes, or the embedded bank when `None`) into
    /// `synth`'s engine ([`crate::default_collection::install`]).
    ///
    /// # Errors
    /// What failed; the device starts without a default collection then.
    fn install_default_collection(
        &mut self,
        synth: &Self::Synth,
        gm_dls: Option<&[u8]>,
    ) -> Result<DefaultSource, CollectionError>;
    /// Hands `pump` to the device's render thread and starts it (kernel: `src/kernel/render.rs`).
    /// The device owns the pump from then on, success or not: on failure the implementation has
    /// already released it; on success the device releases it when it stops (`IRP_MN_STOP_DEVICE`
    /// or removal).
    ///
    /// # Errors
    /// The NTSTATUS of the failed thread or timer creation.
    fn start_renderer(&mut self, pump: Self::Pump) -> Result<(), NTSTATUS>;
    /// Gives back the caller's reference on `miniport` (`IUnknown::Release`).
    fn release_miniport(&mut self, miniport: Self::Miniport);
    /// Gives back the caller's reference on `port` (`IUnknown::Release`).
    fn release_port(&mut self, port: Self::Port);
    /// Gives back the caller's synth handle.
    fn release_synth(&mut self, synth: Self::Synth);
    /// Gives back a pump that never reached the render thread.
    fn release_pump(&mut self, pump: Self::Pump);
    /// Writes one diagnostic line (the kernel sends it to `DbgPrintEx`).
    fn log(&mut self, line: fmt::Arguments<'_>);
}

/// The whole of `StartDevice`: reads the mode, then builds and registers each of its subdevices.
///
/// Classic: the DirectMusic subdevice. Hardware-synth, in this order: the DirectMusic miniport
/// (and its synth), the default collection into that synth (gm.dls, else the embedded bank;
/// before any client can open the filter), the DirectMusic subdevice, the WaveRT subdevice, the
/// topology subdevice, the physical connection between the last two (PortCls requires both
/// registered first), then the render thread, which gets the pump.
///
/// Stops at the first failure and returns its status (PortCls then fails the start and tears down
/// what was registered). Every reference taken is released exactly once, on every path; a
/// default collection that cannot be installed is logged and does not fail the start.
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
    let result = match mode {
        SynthMode::Classic => install_dmus(services, mode).map(|synth| {
            if let Some(synth) = synth {
                services.release_synth(synth);
            }
        }),
        SynthMode::HardwareSynth => start_hardware_synth(services),
    };
    result.map(|()| mode)
}

/// Logs the failure of `what` and passes the status on.
fn failed<S: AdapterServices>(services: &mut S, what: &str, status: NTSTATUS) -> NTSTATUS {
    services.log(format_args!(
        "StartDevice: {what} failed (status {:#010x})",
        status as u32
    ));
    status
}

/// The hardware-synth sequence after the mode is known (see [`start_device`]).
fn start_hardware_synth<S: AdapterServices>(services: &mut S) -> Result<(), NTSTATUS> {
    let Some(synth) = install_dmus(services, SynthMode::HardwareSynth)? else {
        return Err(failed(
            services,
            "hardware-synth DMus miniport without its synth",
            STATUS_UNSUCCESSFUL,
        ));
    };
    let result = install_endpoint(services, &synth);
    // The WaveRT miniport and the pump hold their own handles on the synth.
    services.release_synth(synth);
    result
}

/// The capture endpoint: the WaveRT and topology subdevices, their connection, the render thread.
fn install_endpoint<S: AdapterServices>(services: &mut S, synth: &S::Synth) -> Result<(), NTSTATUS> {
    let (wave_port, pump) = install_wave(services, synth)?;
    let topology_port = match install_subdevice(services, &TOPOLOGY_SUBDEVICE, S::create_topology_miniport) {
        Ok(port) => port,
        Err(status) => {
            services.release_pump(pump);
            services.release_port(wave_port);
            return Err(status);
        }
    };
    let connected = services
        .register_physical_connection(&PHYSICAL_CONNECTION, &topology_port, &wave_port)
        .map_err(|status| failed(services, "PcRegisterPhysicalConnection", status));
    services.release_port(topology_port);
    services.release_port(wave_port);
    if let Err(status) = connected {
        services.release_pump(pump);
        return Err(status);
    }
    services
        .start_renderer(pump)
        .map_err(|status| failed(services, "render thread", status))
}

/// The DirectMusic subdevice; in hardware-synth mode the synth handle, with the default collection
/// installed.
fn install_dmus<S: AdapterServices>(services: &mut S, mode: SynthMode) -> Result<Option<S::Synth>, NTSTATUS> {
    let mut synth = None;
    let port = install_subdevice(services, &DMUS_SUBDEVICE, |services| {
        let (miniport, created) = services.create_dmus_miniport(mode)?;
        if let Some(created) = &created {
            load_default_collection(services, created);
        }
        synth = created;
        Ok(miniport)
    });
    match port {
        Ok(port) => {
            services.release_port(port);
            Ok(synth)
        }
        Err(status) => {
            if let Some(synth) = synth {
                services.release_synth(synth);
            }
            Err(status)
        }
    }
}

/// The WaveRT subdevice over `synth`: its port (still referenced, for the physical connection) and
/// the pump.
fn install_wave<S: AdapterServices>(
    services: &mut S,
    synth: &S::Synth,
) -> Result<(S::Port, S::Pump), NTSTATUS> {
    let mut pump = None;
    let port = install_subdevice(services, &WAVE_SUBDEVICE, |services| {
        let (miniport, created) = services.create_wave_miniport(synth)?;
        pump = Some(created);
        Ok(miniport)
    });
    match (port, pump) {
        (Ok(port), Some(pump)) => Ok((port, pump)),
        (result, pump) => {
            if let Some(pump) = pump {
                services.release_pump(pump);
            }
            let status = match result {
                Ok(port) => {
                    services.release_port(port);
                    STATUS_UNSUCCESSFUL
                }
                Err(status) => status,
            };
            Err(status)
        }
    }
}

/// Creates a port, its miniport (`create`), joins and registers them, then releases the
/// miniport reference; returns the port reference (the caller releases it).
fn install_subdevice<S: AdapterServices>(
    services: &mut S,
    subdevice: &Subdevice,
    create: impl FnOnce(&mut S) -> Result<S::Miniport, NTSTATUS>,
) -> Result<S::Port, NTSTATUS> {
    let result = (|| {
        let port = services.new_port(subdevice.port_class)?;
        let miniport = match create(services) {
            Ok(miniport) => miniport,
            Err(status) => {
                services.release_port(port);
                return Err(status);
            }
        };
        let joined = services
            .init_port(&port, &miniport)
            .and_then(|()| services.register_subdevice(subdevice, &port));
        // After Init the port holds its own reference on the miniport, and after registration the
        // device holds its own on the port: the miniport's goes back either way.
        services.release_miniport(miniport);
        match joined {
            Ok(()) => Ok(port),
            Err(status) => {
                services.release_port(port);
                Err(status)
            }
        }
    })();
    result.inspect_err(|status| {
        services.log(format_args!(
            "StartDevice: subdevice {} failed (status {:#010x})",
            subdevice.name, *status as u32
        ));
    })
}

/// Reads gm.dls and installs the default collection into `synth`, logging where it came from.
/// Never fails the start: without a default collection DirectMusic clients still download theirs.
fn load_default_collection<S: AdapterServices>(services: &mut S, synth: &S::Synth) {
    let gm_dls = services.read_gm_dls();
    if let GmDls::Failed(error) = &gm_dls {
        services.log(format_args!(
            "StartDevice: {} unreadable: {error}",
            crate::gm_dls::PATH
        ));
    }
    match services.install_default_collection(synth, gm_dls.bytes()) {
        Ok(source) => services.log(format_args!("StartDevice: default collection: {source}")),
        Err(error) => services.log(format_args!(
            "StartDevice: no default collection ({error}); only downloaded instruments will play"
        )),
    }
}

/// `text` (ASCII) as UTF-16 with a terminating NUL, at compile time.
///
/// Only ever evaluated in constants: a length mismatch or non-ASCII text is a build error, never a
/// run-time panic.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
pub(crate) const fn ascii_to_utf16z<const N: usize>(text: &str) -> [u16; N] {
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
