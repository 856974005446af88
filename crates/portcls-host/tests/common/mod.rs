//! Shared helpers of the host-port tests.
#![allow(dead_code, clippy::all, missing_docs)]

use dls::model::{Collection, Loop, LoopKind, SampleInfo, Wave};
use miniport::SynthMode;
use portcls_host::{HostPort, PortConfig, SampleFormat};
use synth::test_support::{looped, one_instrument};
use synth::{Download, Engine};

/// A collection with one instrument (bank 0 program 0, every key) whose wave is a looped constant
/// (DC) at `level`: a note's onset is its first non-zero output sample.
pub fn dc_collection(level: i16) -> Collection {
    one_instrument(looped(48_000, vec![level; 4_800], 0, 4_800, LoopKind::Forward))
}

/// A collection whose wave is a looped 440 Hz sine (100 frames per cycle at 44 kHz, unity 69).
pub fn sine_collection() -> Collection {
    let data: Vec<i16> = (0..4_400)
        .map(|n| ((n as f64 * std::f64::consts::TAU / 100.0).sin() * 20_000.0) as i16)
        .collect();
    let mut collection = dc_collection(0);
    collection.waves[0] = Wave {
        sample_rate: 44_000,
        data,
        sample: Some(SampleInfo {
            unity_note: 69,
            sample_loop: Some(Loop {
                kind: LoopKind::Forward,
                start: 0,
                length: 4_400,
            }),
            ..SampleInfo::default()
        }),
        name: Some("sine".into()),
        copyright: None,
    };
    collection
}

/// A dry configuration (no effects) at 48 kHz stereo 16-bit, 10 ms periods.
pub fn dry_config() -> PortConfig {
    PortConfig {
        reverb: false,
        chorus: false,
        format: SampleFormat::S16,
        ..PortConfig::default()
    }
}

/// Left-channel samples of a 16-bit stereo period.
pub fn left_s16(bytes: &[u8]) -> impl Iterator<Item = i16> + '_ {
    bytes
        .chunks_exact(4)
        .map(|frame| i16::from_le_bytes([frame[0], frame[1]]))
}

/// Opens a dry port with the DC instrument downloaded.
pub fn open_dc(config: &PortConfig) -> HostPort {
    let mut port = HostPort::open(config).expect("open");
    let report = port.download(&dc_collection(16_000)).expect("download");
    assert_eq!((report.waves, report.instruments), (1, 1));
    port
}

/// A dry 48 kHz stereo float configuration in `mode` (hardware-synth: 96-frame ticks ± 48).
pub fn config(mode: SynthMode) -> PortConfig {
    PortConfig {
        mode,
        format: SampleFormat::F32,
        ..dry_config()
    }
}

pub fn left_f32(bytes: &[u8]) -> impl Iterator<Item = f32> + '_ {
    bytes
        .chunks_exact(8)
        .map(|frame| f32::from_le_bytes([frame[0], frame[1], frame[2], frame[3]]))
}

/// Renders `periods` periods of 480 frames; the left channel.
pub fn render_left(port: &mut HostPort, periods: usize) -> Vec<f32> {
    let mut left = Vec::new();
    for _ in 0..periods {
        left.extend(left_f32(port.render(480).unwrap()));
    }
    left
}

pub const WAVE_ID_BASE: u32 = 0xF000_0000;
pub const INSTRUMENT_ID_BASE: u32 = 0xF800_0000;

/// Installs `collection` into the engine under reserved ids with its instruments GM-flagged, as
/// the adapter installs the default collection (`wavert::collection::install`).
pub fn install_default(engine: &mut Engine, mut collection: dls::model::Collection) {
    engine
        .reserve_bank(collection.waves.len() + collection.instruments.len())
        .unwrap();
    for (id, wave) in (WAVE_ID_BASE..).zip(std::mem::take(&mut collection.waves)) {
        let prepared = Engine::prepare_wave(wave).unwrap();
        engine
            .install(Download::Wave(id, prepared))
            .map_err(|(e, _)| e)
            .unwrap();
    }
    for (id, mut instrument) in (INSTRUMENT_ID_BASE..).zip(collection.instruments) {
        instrument.gm_instrument = true;
        for region in &mut instrument.regions {
            region.wave_link.wave += WAVE_ID_BASE;
        }
        let prepared = Engine::prepare_instrument(instrument).unwrap();
        engine
            .install(Download::Instrument(id, prepared))
            .map_err(|(e, _)| e)
            .unwrap();
    }
}

/// Runs `lifecycle` twice (the first warms up lazily initialised process state) and asserts
/// that the second leaves the live allocation counters where they were, and that nothing was
/// ever allocated at DISPATCH_LEVEL.
pub fn assert_frees_everything(lifecycle: fn()) {
    lifecycle();
    let blocks = portcls_host::platform::live_allocations();
    let bytes = portcls_host::platform::live_bytes();
    lifecycle();
    assert_eq!(
        portcls_host::platform::live_allocations(),
        blocks,
        "blocks leaked"
    );
    assert_eq!(portcls_host::platform::live_bytes(), bytes, "bytes leaked");
    assert_eq!(portcls_host::platform::dispatch_allocations(), 0);
}
