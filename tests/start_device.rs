//! The StartDevice sequence seen from PortCls's side: a fake `AdapterServices` records every call
//! and every reference, and each test proves the order of the calls and that every reference the
//! adapter acquired is released exactly once, on success and at each failure point, in both modes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use std::collections::BTreeMap;
use std::fmt;

use dmksynth::adapter::{
    AdapterServices, CollectionError, DMUS_SUBDEVICE, DefaultSource, GmDls, MAX_SUBDEVICES, ModeError,
    ModeValue, PARTIAL_INFORMATION_HEADER, PHYSICAL_CONNECTION, PortClass, REG_SZ, STATUS_BUFFER_OVERFLOW,
    STATUS_OBJECT_NAME_NOT_FOUND, Subdevice, SynthMode, TOPOLOGY_SUBDEVICE, ValueBuffer, WAVE_SUBDEVICE,
    decode_value_query, start_device, subdevices,
};
use dmksynth::gm_dls::GmDlsError;
use portcls_sys::dmerror::{
    NTSTATUS, STATUS_INVALID_PARAMETER, STATUS_NO_MEMORY, STATUS_OBJECT_NAME_COLLISION, STATUS_UNSUCCESSFUL,
};
use wavert::collection::{Fallback, Source};
use wavert::descriptor::PhysicalConnection;

const STATUS_INSUFFICIENT_RESOURCES: NTSTATUS = 0xC000_009Au32 as NTSTATUS;
const REG_DWORD: u32 = 4;

/// A reference handed out by the fake; deliberately neither `Copy` nor `Clone`.
#[derive(Debug)]
struct Reference(u32);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Call {
    ReadMode,
    NewPort(PortClass),
    CreateDmus(SynthMode),
    CreateWave { synth: u32 },
    CreateTopology,
    InitPort { port: u32, miniport: u32 },
    Register { name: &'static str, port: u32 },
    Connect { from: u32, to: u32 },
    ReadGmDls,
    InstallCollection { synth: u32, gm_dls: bool },
    StartRenderer(u32),
    ReleaseMiniport(u32),
    ReleasePort(u32),
    ReleaseSynth(u32),
    ReleasePump(u32),
}

impl Call {
    /// The calls that can fail, by kind.
    fn fallible(&self) -> bool {
        matches!(
            self,
            Self::NewPort(_)
                | Self::CreateDmus(_)
                | Self::CreateWave { .. }
                | Self::CreateTopology
                | Self::InitPort { .. }
                | Self::Register { .. }
                | Self::Connect { .. }
                | Self::StartRenderer(_)
        )
    }

    fn is_release(&self) -> bool {
        matches!(
            self,
            Self::ReleaseMiniport(_) | Self::ReleasePort(_) | Self::ReleaseSynth(_) | Self::ReleasePump(_)
        )
    }
}

/// What the fake registry holds.
#[derive(Clone, Debug)]
enum Registry {
    Absent,
    Value(u32, Vec<u8>),
    Failed(ModeError),
}

struct Fake {
    /// Fail the fallible call with this index (0-based, counting fallible calls only).
    fail_at: Option<usize>,
    status: NTSTATUS,
    fallible_seen: usize,
    registry: Registry,
    gm_dls: GmDls,
    collection: Result<DefaultSource, CollectionError>,
    calls: Vec<Call>,
    next_id: u32,
    /// id → number of outstanding references the adapter holds.
    outstanding: BTreeMap<u32, i32>,
    /// References handed over to the device (the render thread's pump).
    device_owned: Vec<u32>,
    /// Ports registered as subdevices, by name.
    registered: BTreeMap<&'static str, u32>,
    acquired: u32,
    log: Vec<String>,
}

impl Fake {
    fn new() -> Self {
        Self {
            fail_at: None,
            status: 0,
            fallible_seen: 0,
            registry: Registry::Absent,
            gm_dls: GmDls::Absent,
            collection: Ok(DefaultSource(Source::Embedded(Fallback::Absent))),
            calls: Vec::new(),
            next_id: 1,
            outstanding: BTreeMap::new(),
            device_owned: Vec::new(),
            registered: BTreeMap::new(),
            acquired: 0,
            log: Vec::new(),
        }
    }

    fn hardware() -> Self {
        Self::new().with_registry(Registry::Value(REG_SZ, utf16le("hardware-synth")))
    }

    fn failing(mut self, index: usize, status: NTSTATUS) -> Self {
        self.fail_at = Some(index);
        self.status = status;
        self
    }

    fn with_registry(mut self, registry: Registry) -> Self {
        self.registry = registry;
        self
    }

    fn acquire(&mut self) -> Reference {
        let id = self.next_id;
        self.next_id += 1;
        *self.outstanding.entry(id).or_default() += 1;
        self.acquired += 1;
        Reference(id)
    }

    fn release(&mut self, reference: &Reference) {
        let count = self
            .outstanding
            .get_mut(&reference.0)
            .expect("released a reference never handed out");
        *count -= 1;
        assert!(*count >= 0, "reference {} released twice", reference.0);
    }

    fn assert_live(&self, reference: &Reference, what: &str) {
        assert_eq!(
            self.outstanding[&reference.0], 1,
            "{what}: reference {} not held",
            reference.0
        );
    }

    fn assert_all_released(&self) {
        for (id, count) in &self.outstanding {
            assert_eq!(*count, 0, "reference {id} leaked ({count} outstanding)");
        }
    }

    /// Records a fallible call and says whether it fails.
    fn call(&mut self, call: Call) -> Result<(), NTSTATUS> {
        assert!(call.fallible());
        self.calls.push(call);
        let index = self.fallible_seen;
        self.fallible_seen += 1;
        if self.fail_at == Some(index) {
            Err(self.status)
        } else {
            Ok(())
        }
    }
}

impl AdapterServices for Fake {
    type Port = Reference;
    type Miniport = Reference;
    type Synth = Reference;
    type Pump = Reference;

    fn read_mode_value<'a>(&mut self, buffer: &'a mut ValueBuffer) -> ModeValue<'a> {
        self.calls.push(Call::ReadMode);
        match &self.registry {
            Registry::Absent => ModeValue::Absent,
            Registry::Failed(error) => ModeValue::Failed(*error),
            Registry::Value(value_type, data) => {
                buffer.0[..data.len()].copy_from_slice(data);
                ModeValue::Present {
                    value_type: *value_type,
                    data: &buffer.0[..data.len()],
                }
            }
        }
    }

    fn new_port(&mut self, class: PortClass) -> Result<Reference, NTSTATUS> {
        self.call(Call::NewPort(class))?;
        Ok(self.acquire())
    }

    fn create_dmus_miniport(&mut self, mode: SynthMode) -> Result<(Reference, Option<Reference>), NTSTATUS> {
        self.call(Call::CreateDmus(mode))?;
        let miniport = self.acquire();
        let synth = (mode == SynthMode::HardwareSynth).then(|| self.acquire());
        Ok((miniport, synth))
    }

    fn create_wave_miniport(&mut self, synth: &Reference) -> Result<(Reference, Reference), NTSTATUS> {
        self.assert_live(synth, "wave miniport over a released synth");
        self.call(Call::CreateWave { synth: synth.0 })?;
        let miniport = self.acquire();
        let pump = self.acquire();
        Ok((miniport, pump))
    }

    fn create_topology_miniport(&mut self) -> Result<Reference, NTSTATUS> {
        self.call(Call::CreateTopology)?;
        Ok(self.acquire())
    }

    fn init_port(&mut self, port: &Reference, miniport: &Reference) -> Result<(), NTSTATUS> {
        self.assert_live(port, "Init on a released port");
        self.assert_live(miniport, "Init with a released miniport");
        self.call(Call::InitPort {
            port: port.0,
            miniport: miniport.0,
        })
    }

    fn register_subdevice(&mut self, subdevice: &Subdevice, port: &Reference) -> Result<(), NTSTATUS> {
        self.assert_live(port, "registering a released port");
        self.call(Call::Register {
            name: subdevice.name,
            port: port.0,
        })?;
        self.registered.insert(subdevice.name, port.0);
        Ok(())
    }

    fn register_physical_connection(
        &mut self,
        connection: &PhysicalConnection,
        from: &Reference,
        to: &Reference,
    ) -> Result<(), NTSTATUS> {
        assert_eq!(*connection, PHYSICAL_CONNECTION);
        self.assert_live(from, "connecting a released port");
        self.assert_live(to, "connecting a released port");
        // PortCls: both ends must already be registered subdevices, under these names.
        assert_eq!(self.registered.get(connection.from_subdevice), Some(&from.0));
        assert_eq!(self.registered.get(connection.to_subdevice), Some(&to.0));
        self.call(Call::Connect {
            from: from.0,
            to: to.0,
        })
    }

    fn read_gm_dls(&mut self) -> GmDls {
        self.calls.push(Call::ReadGmDls);
        self.gm_dls.clone()
    }

    fn install_default_collection(
        &mut self,
        synth: &Reference,
        gm_dls: Option<&[u8]>,
    ) -> Result<DefaultSource, CollectionError> {
        self.assert_live(synth, "installing into a released synth");
        assert_eq!(gm_dls, self.gm_dls.bytes());
        self.calls.push(Call::InstallCollection {
            synth: synth.0,
            gm_dls: gm_dls.is_some(),
        });
        self.collection
    }

    fn start_renderer(&mut self, pump: Reference) -> Result<(), NTSTATUS> {
        self.assert_live(&pump, "starting a released pump");
        let result = self.call(Call::StartRenderer(pump.0));
        match result {
            // The device owns it now.
            Ok(()) => {
                self.release(&pump);
                self.device_owned.push(pump.0);
            }
            // Released by the implementation on failure.
            Err(_) => self.release(&pump),
        }
        result
    }

    fn release_miniport(&mut self, miniport: Reference) {
        self.calls.push(Call::ReleaseMiniport(miniport.0));
        self.release(&miniport);
    }

    fn release_port(&mut self, port: Reference) {
        self.calls.push(Call::ReleasePort(port.0));
        self.release(&port);
    }

    fn release_synth(&mut self, synth: Reference) {
        self.calls.push(Call::ReleaseSynth(synth.0));
        self.release(&synth);
    }

    fn release_pump(&mut self, pump: Reference) {
        self.calls.push(Call::ReleasePump(pump.0));
        self.release(&pump);
    }

    fn log(&mut self, line: fmt::Arguments<'_>) {
        self.log.push(line.to_string());
    }
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16()
        .chain([0])
        .flat_map(u16::to_le_bytes)
        .collect()
}

const DMUS: PortClass = PortClass::DirectMusic;

#[test]
fn classic_creates_joins_registers_then_releases_both() {
    let mut fake = Fake::new();
    assert_eq!(start_device(&mut fake), Ok(SynthMode::Classic));
    assert_eq!(
        fake.calls,
        [
            Call::ReadMode,
            Call::NewPort(DMUS),
            Call::CreateDmus(SynthMode::Classic),
            Call::InitPort { port: 1, miniport: 2 },
            Call::Register {
                name: "DMusic",
                port: 1
            },
            Call::ReleaseMiniport(2),
            Call::ReleasePort(1),
        ]
    );
    assert_eq!(fake.acquired, 2);
    fake.assert_all_released();
}

/// The whole hardware-synth sequence, in order, with the references it moves.
fn hardware_synth_success_calls() -> Vec<Call> {
    // ids: 1 DMus port, 2 DMus miniport, 3 synth, 4 wave port, 5 wave miniport, 6 pump,
    // 7 topology port, 8 topology miniport.
    vec![
        Call::ReadMode,
        Call::NewPort(DMUS),
        Call::CreateDmus(SynthMode::HardwareSynth),
        // The default collection goes in before any client can open the filter.
        Call::ReadGmDls,
        Call::InstallCollection {
            synth: 3,
            gm_dls: false,
        },
        Call::InitPort { port: 1, miniport: 2 },
        Call::Register {
            name: "DMusic",
            port: 1,
        },
        Call::ReleaseMiniport(2),
        Call::ReleasePort(1),
        Call::NewPort(PortClass::WaveRt),
        Call::CreateWave { synth: 3 },
        Call::InitPort { port: 4, miniport: 5 },
        Call::Register {
            name: "WaveSynthCapture",
            port: 4,
        },
        Call::ReleaseMiniport(5),
        Call::NewPort(PortClass::Topology),
        Call::CreateTopology,
        Call::InitPort { port: 7, miniport: 8 },
        Call::Register {
            name: "TopoSynthCapture",
            port: 7,
        },
        Call::ReleaseMiniport(8),
        // Topology bridge (pin 1) → wave bridge (pin 0), both registered.
        Call::Connect { from: 7, to: 4 },
        Call::ReleasePort(7),
        Call::ReleasePort(4),
        Call::StartRenderer(6),
        Call::ReleaseSynth(3),
    ]
}

#[test]
fn hardware_synth_registers_three_subdevices_connects_them_and_starts_the_renderer() {
    let mut fake = Fake::hardware();
    assert_eq!(start_device(&mut fake), Ok(SynthMode::HardwareSynth));
    assert_eq!(fake.calls, hardware_synth_success_calls());
    assert_eq!(fake.acquired, 8);
    assert_eq!(fake.device_owned, [6], "the render thread owns the pump");
    fake.assert_all_released();
    assert_eq!(PHYSICAL_CONNECTION.from_pin, 1);
    assert_eq!(PHYSICAL_CONNECTION.to_pin, 0);
    assert!(
        fake.log
            .iter()
            .any(|line| line.contains("default collection: embedded GM bank (no gm.dls)")),
        "{:?}",
        fake.log
    );
}

/// Fails each fallible call in turn: the status comes back, every reference is released exactly
/// once, nothing after the failure is attempted, and the failure is logged.
fn sweep(mode_fake: fn() -> Fake, success: &[Call]) -> usize {
    let fallible = success.iter().filter(|call| call.fallible()).count();
    let statuses = [
        STATUS_INSUFFICIENT_RESOURCES,
        STATUS_NO_MEMORY,
        STATUS_INVALID_PARAMETER,
        STATUS_OBJECT_NAME_COLLISION,
    ];
    for index in 0..fallible {
        let status = statuses[index % statuses.len()];
        let mut fake = mode_fake().failing(index, status);
        assert_eq!(start_device(&mut fake), Err(status), "failure {index}");
        fake.assert_all_released();
        assert!(
            fake.device_owned.is_empty(),
            "failure {index}: the renderer never started"
        );
        // Up to the failing call, the same calls as the success path, releases aside.
        let attempted: Vec<&Call> = fake.calls.iter().filter(|call| !call.is_release()).collect();
        let expected: Vec<&Call> = success.iter().filter(|call| !call.is_release()).collect();
        let failing = expected
            .iter()
            .enumerate()
            .filter(|(_, call)| call.fallible())
            .nth(index)
            .unwrap()
            .0;
        assert_eq!(attempted, expected[..=failing], "failure {index}");
        // Every acquired reference was given back by a release call (or the renderer's).
        let released = fake.calls.iter().filter(|call| call.is_release()).count();
        let handed_to_renderer = usize::from(matches!(expected[failing], Call::StartRenderer(_)));
        assert_eq!(
            released + handed_to_renderer,
            fake.acquired as usize,
            "failure {index}"
        );
        let hex = format!("{:#010x}", status as u32);
        assert!(
            fake.log.iter().any(|line| line.contains(&hex)),
            "failure {index}: {:?}",
            fake.log
        );
    }
    fallible
}

#[test]
fn every_failure_point_of_classic_mode_unwinds() {
    let success = [
        Call::ReadMode,
        Call::NewPort(DMUS),
        Call::CreateDmus(SynthMode::Classic),
        Call::InitPort { port: 1, miniport: 2 },
        Call::Register {
            name: "DMusic",
            port: 1,
        },
        Call::ReleaseMiniport(2),
        Call::ReleasePort(1),
    ];
    assert_eq!(sweep(Fake::new, &success), 4);
}

#[test]
fn every_failure_point_of_hardware_synth_mode_unwinds() {
    // 3 × (port, miniport, init, register) + connection + renderer.
    assert_eq!(sweep(Fake::hardware, &hardware_synth_success_calls()), 14);
}

#[test]
fn hardware_synth_unwinding_releases_in_the_right_places() {
    // The physical connection fails: both endpoint ports and the pump go back, the synth last.
    let connect_index = hardware_synth_success_calls()
        .iter()
        .filter(|call| call.fallible())
        .position(|call| matches!(call, Call::Connect { .. }))
        .unwrap();
    let mut fake = Fake::hardware().failing(connect_index, STATUS_UNSUCCESSFUL);
    assert_eq!(start_device(&mut fake), Err(STATUS_UNSUCCESSFUL));
    assert_eq!(
        fake.calls[fake.calls.len() - 5..],
        [
            Call::Connect { from: 7, to: 4 },
            Call::ReleasePort(7),
            Call::ReleasePort(4),
            Call::ReleasePump(6),
            Call::ReleaseSynth(3),
        ]
    );
    assert!(
        fake.log
            .iter()
            .any(|line| line.contains("PcRegisterPhysicalConnection"))
    );

    // The topology miniport cannot be created: its port, the pump, the wave port and the synth go
    // back; nothing is connected.
    let mut fake = Fake::hardware().failing(9, STATUS_INSUFFICIENT_RESOURCES);
    assert_eq!(start_device(&mut fake), Err(STATUS_INSUFFICIENT_RESOURCES));
    assert_eq!(
        fake.calls[fake.calls.len() - 6..],
        [
            Call::NewPort(PortClass::Topology),
            Call::CreateTopology,
            Call::ReleasePort(7),
            Call::ReleasePump(6),
            Call::ReleasePort(4),
            Call::ReleaseSynth(3),
        ]
    );
    assert!(fake.log.iter().any(|line| line.contains("TopoSynthCapture")));

    // The DMus miniport's registration fails after the default collection went in: the synth goes
    // back with the miniport and the port.
    let mut fake = Fake::hardware().failing(3, STATUS_OBJECT_NAME_COLLISION);
    assert_eq!(start_device(&mut fake), Err(STATUS_OBJECT_NAME_COLLISION));
    assert_eq!(
        fake.calls[fake.calls.len() - 4..],
        [
            Call::Register {
                name: "DMusic",
                port: 1
            },
            Call::ReleaseMiniport(2),
            Call::ReleasePort(1),
            Call::ReleaseSynth(3),
        ]
    );
}

#[test]
fn a_missing_default_collection_does_not_fail_the_start_and_is_logged() {
    let mut fake = Fake::hardware();
    fake.gm_dls = GmDls::Failed(GmDlsError::TooLarge(20_000_000));
    fake.collection = Err(CollectionError::OutOfMemory);
    assert_eq!(start_device(&mut fake), Ok(SynthMode::HardwareSynth));
    fake.assert_all_released();
    assert!(
        fake.log.iter().any(|line| line.contains("gm.dls unreadable")
            && line.contains("20000000 bytes is larger than 16777216")),
        "{:?}",
        fake.log
    );
    assert!(
        fake.log
            .iter()
            .any(|line| line.contains("no default collection (out of memory)")),
        "{:?}",
        fake.log
    );

    // gm.dls read: its bytes reach the installer, and the source is logged.
    let mut fake = Fake::hardware();
    fake.gm_dls = GmDls::Loaded(b"RIFF".to_vec());
    fake.collection = Ok(DefaultSource(Source::GmDls));
    assert_eq!(start_device(&mut fake), Ok(SynthMode::HardwareSynth));
    assert!(fake.calls.contains(&Call::InstallCollection {
        synth: 3,
        gm_dls: true
    }));
    assert!(
        fake.log
            .iter()
            .any(|line| line.ends_with(r"default collection: \SystemRoot\System32\drivers\gm.dls")),
        "{:?}",
        fake.log
    );
}

#[test]
fn classic_mode_loads_no_default_collection() {
    let mut fake = Fake::new();
    start_device(&mut fake).unwrap();
    assert!(!fake.calls.contains(&Call::ReadGmDls));
    assert!(
        !fake
            .calls
            .iter()
            .any(|call| matches!(call, Call::InstallCollection { .. }))
    );
}

#[test]
fn unusable_mode_values_load_classic_and_say_why() {
    let cases = [
        (Registry::Value(REG_SZ, utf16le("turbo")), "neither"),
        (Registry::Value(REG_DWORD, vec![1, 0, 0, 0]), "registry type 4"),
        (Registry::Value(REG_SZ, vec![b'c', 0, b'l']), "3 bytes"),
        (
            Registry::Failed(ModeError::Unreadable(STATUS_UNSUCCESSFUL)),
            "0xc0000001",
        ),
        (Registry::Failed(ModeError::TooLong), "longer than"),
    ];
    for (registry, reason) in cases {
        let mut fake = Fake::new().with_registry(registry.clone());
        assert_eq!(start_device(&mut fake), Ok(SynthMode::Classic), "{registry:?}");
        assert!(fake.calls.contains(&Call::CreateDmus(SynthMode::Classic)));
        assert_eq!(fake.acquired, 2, "{registry:?}: classic registers one subdevice");
        let warning = &fake.log[0];
        assert!(
            warning.contains("SynthMode") && warning.contains(reason),
            "{registry:?}: {warning}"
        );
        fake.assert_all_released();
    }
}

#[test]
fn absent_mode_value_is_classic_without_a_warning() {
    let mut fake = Fake::new();
    assert_eq!(start_device(&mut fake), Ok(SynthMode::Classic));
    assert_eq!(fake.log, ["StartDevice: classic mode"]);
}

#[test]
fn subdevice_lists_and_names() {
    assert_eq!(subdevices(SynthMode::Classic), [DMUS_SUBDEVICE]);
    assert_eq!(
        subdevices(SynthMode::HardwareSynth),
        [DMUS_SUBDEVICE, WAVE_SUBDEVICE, TOPOLOGY_SUBDEVICE]
    );
    for mode in [SynthMode::Classic, SynthMode::HardwareSynth] {
        assert!(subdevices(mode).len() <= MAX_SUBDEVICES as usize, "{mode}");
    }
    for subdevice in subdevices(SynthMode::HardwareSynth) {
        let utf16: Vec<u16> = subdevice.name.encode_utf16().chain([0]).collect();
        assert_eq!(subdevice.name_utf16, utf16.as_slice(), "{}", subdevice.name);
    }
    assert_eq!(WAVE_SUBDEVICE.name, wavert::descriptor::WAVE_SUBDEVICE);
    assert_eq!(WAVE_SUBDEVICE.port_class, PortClass::WaveRt);
    assert_eq!(TOPOLOGY_SUBDEVICE.name, wavert::descriptor::TOPOLOGY_SUBDEVICE);
    assert_eq!(TOPOLOGY_SUBDEVICE.port_class, PortClass::Topology);
    assert_eq!(PHYSICAL_CONNECTION.from_subdevice, TOPOLOGY_SUBDEVICE.name);
    assert_eq!(PHYSICAL_CONNECTION.to_subdevice, WAVE_SUBDEVICE.name);
}

/// A `KEY_VALUE_PARTIAL_INFORMATION` as the kernel writes it: TitleIndex, Type, DataLength, Data.
fn partial_information(value_type: u32, data: &[u8], claimed_length: u32) -> (ValueBuffer, u32) {
    let mut buffer = ValueBuffer::new();
    buffer.0[4..8].copy_from_slice(&value_type.to_le_bytes());
    buffer.0[8..12].copy_from_slice(&claimed_length.to_le_bytes());
    buffer.0[12..12 + data.len()].copy_from_slice(data);
    (buffer, (PARTIAL_INFORMATION_HEADER + data.len()) as u32)
}

#[test]
fn value_queries_decode_to_mode_values() {
    let text = utf16le("hardware-synth");
    let (buffer, written) = partial_information(REG_SZ, &text, text.len() as u32);
    assert_eq!(
        decode_value_query(0, written, &buffer),
        ModeValue::Present {
            value_type: REG_SZ,
            data: &text
        }
    );

    // DataLength larger than what was written: only the written bytes are trusted.
    let (buffer, written) = partial_information(REG_SZ, &text[..6], 4000);
    assert_eq!(
        decode_value_query(0, written, &buffer),
        ModeValue::Present {
            value_type: REG_SZ,
            data: &text[..6]
        }
    );
    // ResultLength larger than the buffer: clamped to the buffer.
    let (buffer, _) = partial_information(REG_SZ, &text, u32::MAX);
    let ModeValue::Present { data, .. } = decode_value_query(0, u32::MAX, &buffer) else {
        panic!()
    };
    assert_eq!(data.len(), buffer.0.len() - PARTIAL_INFORMATION_HEADER);

    let empty = ValueBuffer::new();
    assert_eq!(
        decode_value_query(STATUS_OBJECT_NAME_NOT_FOUND, 0, &empty),
        ModeValue::Absent
    );
    assert_eq!(
        decode_value_query(STATUS_BUFFER_OVERFLOW, 200, &empty),
        ModeValue::Failed(ModeError::TooLong)
    );
    assert_eq!(
        decode_value_query(STATUS_UNSUCCESSFUL, 0, &empty),
        ModeValue::Failed(ModeError::Unreadable(STATUS_UNSUCCESSFUL))
    );
    // A "success" that wrote less than the header.
    assert_eq!(
        decode_value_query(0, 8, &empty),
        ModeValue::Failed(ModeError::Unreadable(0))
    );
}
