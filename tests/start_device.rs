//! The StartDevice sequence seen from PortCls's side: a fake `AdapterServices` records every call
//! and every reference, and each test proves the order of the calls and that every reference the
//! adapter acquired is released exactly once, on success and at each failure point.
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
    AdapterServices, DMUS_SUBDEVICE, MAX_SUBDEVICES, ModeError, ModeValue, PARTIAL_INFORMATION_HEADER,
    PortClass, REG_SZ, STATUS_BUFFER_OVERFLOW, STATUS_OBJECT_NAME_NOT_FOUND, Subdevice, SynthMode,
    ValueBuffer, decode_value_query, start_device, subdevices,
};
use portcls_sys::dmerror::{NTSTATUS, STATUS_INVALID_PARAMETER, STATUS_NO_MEMORY, STATUS_UNSUCCESSFUL};

const STATUS_INSUFFICIENT_RESOURCES: NTSTATUS = 0xC000_009Au32 as NTSTATUS;
const STATUS_OBJECT_NAME_COLLISION: NTSTATUS = 0xC000_0035u32 as NTSTATUS;
const REG_DWORD: u32 = 4;

/// A reference handed out by the fake; deliberately neither `Copy` nor `Clone`.
#[derive(Debug)]
struct Reference(u32);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Call {
    ReadMode,
    NewPort(PortClass),
    CreateMiniport(PortClass, SynthMode),
    InitPort { port: u32, miniport: u32 },
    Register { name: &'static str, port: u32 },
    ReleaseMiniport(u32),
    ReleasePort(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FailAt {
    Nowhere,
    NewPort,
    CreateMiniport,
    InitPort,
    Register,
}

/// What the fake registry holds.
#[derive(Clone, Debug)]
enum Registry {
    Absent,
    Value(u32, Vec<u8>),
    Failed(ModeError),
}

struct Fake {
    fail_at: FailAt,
    status: NTSTATUS,
    registry: Registry,
    calls: Vec<Call>,
    next_id: u32,
    /// id → number of outstanding references the adapter holds.
    outstanding: BTreeMap<u32, i32>,
    acquired: u32,
    log: Vec<String>,
}

impl Fake {
    fn new(fail_at: FailAt, status: NTSTATUS) -> Self {
        Self {
            fail_at,
            status,
            registry: Registry::Absent,
            calls: Vec::new(),
            next_id: 1,
            outstanding: BTreeMap::new(),
            acquired: 0,
            log: Vec::new(),
        }
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

    fn assert_all_released(&self) {
        for (id, count) in &self.outstanding {
            assert_eq!(*count, 0, "reference {id} leaked ({count} outstanding)");
        }
    }

    fn fail(&self, here: FailAt) -> Result<(), NTSTATUS> {
        if self.fail_at == here {
            Err(self.status)
        } else {
            Ok(())
        }
    }
}

impl AdapterServices for Fake {
    type Port = Reference;
    type Miniport = Reference;

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
        self.calls.push(Call::NewPort(class));
        self.fail(FailAt::NewPort)?;
        Ok(self.acquire())
    }

    fn create_miniport(&mut self, class: PortClass, mode: SynthMode) -> Result<Reference, NTSTATUS> {
        self.calls.push(Call::CreateMiniport(class, mode));
        self.fail(FailAt::CreateMiniport)?;
        Ok(self.acquire())
    }

    fn init_port(&mut self, port: &Reference, miniport: &Reference) -> Result<(), NTSTATUS> {
        self.calls.push(Call::InitPort {
            port: port.0,
            miniport: miniport.0,
        });
        assert_eq!(self.outstanding[&port.0], 1, "Init on a released port");
        assert_eq!(self.outstanding[&miniport.0], 1, "Init with a released miniport");
        self.fail(FailAt::InitPort)
    }

    fn register_subdevice(&mut self, subdevice: &Subdevice, port: &Reference) -> Result<(), NTSTATUS> {
        self.calls.push(Call::Register {
            name: subdevice.name,
            port: port.0,
        });
        assert_eq!(self.outstanding[&port.0], 1, "registering a released port");
        self.fail(FailAt::Register)
    }

    fn release_miniport(&mut self, miniport: Reference) {
        self.calls.push(Call::ReleaseMiniport(miniport.0));
        self.release(&miniport);
    }

    fn release_port(&mut self, port: Reference) {
        self.calls.push(Call::ReleasePort(port.0));
        self.release(&port);
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
fn success_creates_joins_registers_then_releases_both() {
    let mut fake = Fake::new(FailAt::Nowhere, 0);
    assert_eq!(start_device(&mut fake), Ok(SynthMode::Classic));
    assert_eq!(
        fake.calls,
        [
            Call::ReadMode,
            Call::NewPort(DMUS),
            Call::CreateMiniport(DMUS, SynthMode::Classic),
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

#[test]
fn each_failure_point_returns_its_status_and_releases_what_was_taken() {
    let cases = [
        (
            FailAt::NewPort,
            STATUS_INSUFFICIENT_RESOURCES,
            vec![Call::ReadMode, Call::NewPort(DMUS)],
            0,
        ),
        (
            FailAt::CreateMiniport,
            STATUS_NO_MEMORY,
            vec![
                Call::ReadMode,
                Call::NewPort(DMUS),
                Call::CreateMiniport(DMUS, SynthMode::Classic),
                Call::ReleasePort(1),
            ],
            1,
        ),
        (
            FailAt::InitPort,
            STATUS_INVALID_PARAMETER,
            vec![
                Call::ReadMode,
                Call::NewPort(DMUS),
                Call::CreateMiniport(DMUS, SynthMode::Classic),
                Call::InitPort { port: 1, miniport: 2 },
                Call::ReleaseMiniport(2),
                Call::ReleasePort(1),
            ],
            2,
        ),
        (
            FailAt::Register,
            STATUS_OBJECT_NAME_COLLISION,
            vec![
                Call::ReadMode,
                Call::NewPort(DMUS),
                Call::CreateMiniport(DMUS, SynthMode::Classic),
                Call::InitPort { port: 1, miniport: 2 },
                Call::Register {
                    name: "DMusic",
                    port: 1,
                },
                Call::ReleaseMiniport(2),
                Call::ReleasePort(1),
            ],
            2,
        ),
    ];
    for (fail_at, status, expected_calls, expected_acquired) in cases {
        let mut fake = Fake::new(fail_at, status);
        assert_eq!(start_device(&mut fake), Err(status), "{fail_at:?}");
        assert_eq!(fake.calls, expected_calls, "{fail_at:?}");
        assert_eq!(fake.acquired, expected_acquired, "{fail_at:?}");
        fake.assert_all_released();
        let last = fake.log.last().unwrap();
        assert!(
            last.contains("DMusic") && last.contains(&format!("{:#010x}", status as u32)),
            "{last}"
        );
    }
}

#[test]
fn hardware_synth_value_reaches_the_miniport_factory() {
    let mut fake =
        Fake::new(FailAt::Nowhere, 0).with_registry(Registry::Value(REG_SZ, utf16le("Hardware-Synth")));
    assert_eq!(start_device(&mut fake), Ok(SynthMode::HardwareSynth));
    assert!(
        fake.calls
            .contains(&Call::CreateMiniport(DMUS, SynthMode::HardwareSynth))
    );
    // Until issue 9's WaveRT endpoint, the hardware-synth mode registers the same one subdevice.
    let registered: Vec<_> = fake
        .calls
        .iter()
        .filter(|call| matches!(call, Call::Register { .. }))
        .collect();
    assert_eq!(
        registered,
        [&Call::Register {
            name: "DMusic",
            port: 1
        }]
    );
    assert!(
        fake.log.iter().any(|line| line.contains("hardware-synth mode")),
        "{:?}",
        fake.log
    );
    fake.assert_all_released();
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
        let mut fake = Fake::new(FailAt::Nowhere, 0).with_registry(registry.clone());
        assert_eq!(start_device(&mut fake), Ok(SynthMode::Classic), "{registry:?}");
        assert!(
            fake.calls
                .contains(&Call::CreateMiniport(DMUS, SynthMode::Classic))
        );
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
    let mut fake = Fake::new(FailAt::Nowhere, 0);
    assert_eq!(start_device(&mut fake), Ok(SynthMode::Classic));
    assert_eq!(fake.log, ["StartDevice: classic mode"]);
}

#[test]
fn add_device_reserves_room_for_every_subdevice_of_every_mode() {
    for mode in [SynthMode::Classic, SynthMode::HardwareSynth] {
        assert!(subdevices(mode).len() <= MAX_SUBDEVICES as usize, "{mode}");
        assert_eq!(subdevices(mode).first(), Some(&DMUS_SUBDEVICE), "{mode}");
    }
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
