//! Cross-check with a peer nobody here wrote: spessasynth_core (npm, Apache-2.0), run by Node.
//!
//! (a) DLS files written by our writer load in spessasynth with the same presets, zones (key and
//!     velocity ranges, sample, loop mode and points, root key);
//! (b) a DLS that spessasynth writes from a SoundFont loads in our reader with the same
//!     instruments, regions and loop points as spessasynth reports for it.
//!
//! Needs `node` and `crates/dls/tests/js/node_modules` (`npm ci` there). With `CI=true` a missing
//! Node or package fails the test; locally the test runs `npm ci` itself and skips (with a
//! message) only if that is impossible.
#![cfg(feature = "std")]
#![allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used
)]

mod file_common;
mod sf2_common;

use std::path::{Path, PathBuf};
use std::process::Command;

use dls::file::{read_dls, write_dls};
use dls::model::{Collection, LoopKind};

fn js_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js")
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Whether Node and spessasynth_core are usable (installing the package locally if needed).
fn node_ready() -> bool {
    let dir = js_dir();
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node_ok {
        assert!(!in_ci(), "node is not installed (apt-get install nodejs npm)");
        eprintln!("skipping: node is not installed");
        return false;
    }
    if !dir.join("node_modules/spessasynth_core/package.json").exists() {
        let installed = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            assert!(
                !in_ci(),
                "spessasynth_core is not installed (npm ci in {})",
                dir.display()
            );
            eprintln!("skipping: cannot install spessasynth_core");
            return false;
        }
    }
    true
}

fn node(args: &[&str]) -> String {
    let output = Command::new("node")
        .arg(js_dir().join("interop.mjs"))
        .args(args)
        .output()
        .expect("run node");
    assert!(
        output.status.success(),
        "node interop.mjs {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("dls-interop-{}-{name}", std::process::id()))
}

/// Our model in the helper's line format (see tests/js/interop.mjs).
fn describe(collection: &Collection) -> String {
    let mut presets: Vec<_> = collection.instruments.iter().collect();
    presets.sort_by_key(|i| (i.patch.drums, i.patch.bank_msb, i.patch.bank_lsb, i.patch.program));
    let mut out = String::new();
    for instrument in presets {
        let p = instrument.patch;
        out += &format!(
            "preset {} {} {} {} {}\n",
            p.bank_msb,
            p.bank_lsb,
            p.program,
            u8::from(p.drums),
            instrument.name.as_deref().unwrap_or("")
        );
        for region in &instrument.regions {
            let wave = &collection.waves[region.wave_link.wave as usize];
            let sample = region.sample.or(wave.sample).unwrap_or_default();
            let (mode, start, end) = match sample.sample_loop {
                Some(l) => (
                    match l.kind {
                        LoopKind::Forward => 1,
                        LoopKind::Release => 3,
                    },
                    l.start,
                    l.start + l.length,
                ),
                None => (0, 0, 0),
            };
            out += &format!(
                "zone {} {} {} {} {} {} {mode} {start} {end} {}\n",
                region.keys.low,
                region.keys.high,
                region.velocities.low,
                region.velocities.high,
                region.wave_link.wave,
                wave.data.len(),
                sample.unity_note,
            );
        }
    }
    out
}

fn assert_same(ours: &str, theirs: &str, what: &str) {
    if ours != theirs {
        for (i, (a, b)) in ours.lines().zip(theirs.lines()).enumerate() {
            if a != b {
                panic!("{what}: first difference at line {i}:\n  ours:        {a}\n  spessasynth: {b}");
            }
        }
        panic!(
            "{what}: ours has {} lines, spessasynth {}",
            ours.lines().count(),
            theirs.lines().count()
        );
    }
}

/// A generated collection made loadable by a SoundFont-model reader: named, unique patches,
/// every region with a wave that has at least one frame.
fn interop_collection(seed: u64) -> Collection {
    let mut collection = file_common::random_collection(seed);
    let mut seen = std::collections::HashSet::new();
    collection.instruments.retain(|i| seen.insert(i.patch));
    for (n, instrument) in collection.instruments.iter_mut().enumerate() {
        instrument.name = Some(format!("Instrument {n}"));
    }
    collection
}

#[test]
fn our_dls_files_load_in_spessasynth() {
    if !node_ready() {
        return;
    }
    let mut checked = 0;
    for seed in 0..40 {
        let collection = interop_collection(seed);
        if collection.instruments.is_empty() {
            continue; // spessasynth adds a placeholder preset to an empty bank
        }
        let path = temp_path(&format!("ours-{seed}.dls"));
        std::fs::write(&path, write_dls(&collection)).unwrap();
        let theirs = node(&["dump", path.to_str().unwrap()]);
        std::fs::remove_file(&path).ok();
        assert_same(&describe(&collection), &theirs, &format!("seed {seed}"));
        checked += collection
            .instruments
            .iter()
            .map(|i| i.regions.len())
            .sum::<usize>();
    }
    assert!(checked > 20, "only {checked} regions compared");
}

#[test]
fn spessasynth_dls_from_sf2_loads_in_ours() {
    if !node_ready() {
        return;
    }
    let sf2 = temp_path("bank.sf2");
    let dls = temp_path("bank-from-sf2.dls");
    std::fs::write(&sf2, sf2_common::small_bank()).unwrap();
    node(&["to-dls", sf2.to_str().unwrap(), dls.to_str().unwrap()]);
    let theirs = node(&["dump", dls.to_str().unwrap()]);
    let ours = read_dls(&std::fs::read(&dls).unwrap()).unwrap();
    std::fs::remove_file(&sf2).ok();
    std::fs::remove_file(&dls).ok();
    assert_eq!(ours.instruments.len(), 3);
    assert!(ours.instruments.iter().any(|i| i.patch.drums));
    assert_same(&describe(&ours), &theirs, "spessasynth-written DLS");
}

#[test]
fn spessasynth_dls_from_fluid_r3_loads_in_ours() {
    const FLUID_R3: &str = "/usr/share/sounds/sf2/FluidR3_GM.sf2";
    if !Path::new(FLUID_R3).exists() {
        assert!(
            !in_ci(),
            "{FLUID_R3} missing (apt-get install fluid-soundfont-gm)"
        );
        eprintln!("skipping: {FLUID_R3} not installed");
        return;
    }
    if !node_ready() {
        return;
    }
    let dls = temp_path("fluid-r3.dls");
    node(&["to-dls", FLUID_R3, dls.to_str().unwrap()]);
    let theirs = node(&["dump", dls.to_str().unwrap()]);
    let ours = read_dls(&std::fs::read(&dls).unwrap()).unwrap();
    std::fs::remove_file(&dls).ok();
    assert!(ours.instruments.len() > 128);
    let regions: usize = ours.instruments.iter().map(|i| i.regions.len()).sum();
    eprintln!(
        "spessasynth FluidR3_GM.dls: {} instruments, {regions} regions, {} waves",
        ours.instruments.len(),
        ours.waves.len()
    );
    assert_same(&describe(&ours), &theirs, "spessasynth-written FluidR3_GM.dls");
}

/// `describe` with waves named instead of numbered (two converters number waves differently).
/// Each zone line also gets the region's tuning (cents), gain, key group and key→pitch scale in
/// cents per key (100 without a KEYNUMBER→PITCH connection; `-` on one-key regions). (Not the output channel:
/// spessasynth writes every region as mono, where we keep SF2 stereo links.)
fn describe_by_wave_name(collection: &Collection) -> String {
    let mut presets: Vec<_> = collection.instruments.iter().collect();
    presets.sort_by_key(|i| (i.patch.drums, i.patch.bank_msb, i.patch.bank_lsb, i.patch.program));
    let mut details = presets.iter().flat_map(|i| i.regions.iter()).map(|region| {
        let wave = &collection.waves[region.wave_link.wave as usize];
        let sample = region.sample.or(wave.sample).unwrap_or_default();
        let key_scale = region
            .articulation
            .iter()
            .flat_map(|a| &a.connections)
            .find(|c| c.source == 3 && c.control == 0 && c.destination == 3)
            .map_or(100, |c| c.scale / 128 / 65536);
        // On a one-key region the key scale cannot change the pitch.
        let key_scale = if region.keys.low == region.keys.high {
            String::from("-")
        } else {
            key_scale.to_string()
        };
        format!(
            "tune {} gain {} group {} keyscale {key_scale}",
            sample.fine_tune, sample.gain, region.key_group
        )
    });
    let text = describe(collection);
    text.lines()
        .map(|line| {
            let mut fields: Vec<String> = line.split(' ').map(str::to_owned).collect();
            if fields[0] == "zone" {
                let wave = &collection.waves[fields[5].parse::<usize>().unwrap()];
                fields[5] = wave.name.clone().unwrap_or_default().replace(' ', "_");
                fields.push(details.next().unwrap());
            }
            fields.join(" ") + "\n"
        })
        .collect()
}

/// Imports `sf2_bytes` with ours and converts it with spessasynth; returns both descriptions.
fn both_conversions(sf2_bytes: &[u8], name: &str) -> (String, String) {
    let sf2 = temp_path(&format!("{name}.sf2"));
    let dls = temp_path(&format!("{name}.dls"));
    std::fs::write(&sf2, sf2_bytes).unwrap();
    node(&["to-dls", sf2.to_str().unwrap(), dls.to_str().unwrap()]);
    let theirs = read_dls(&std::fs::read(&dls).unwrap()).unwrap();
    std::fs::remove_file(&sf2).ok();
    std::fs::remove_file(&dls).ok();
    let ours = dls::sf2::import_sf2(sf2_bytes).unwrap();
    (describe_by_wave_name(&ours), describe_by_wave_name(&theirs))
}

#[test]
fn our_sf2_import_agrees_with_spessasynth_conversion() {
    if !node_ready() {
        return;
    }
    let (ours, theirs) = both_conversions(&sf2_common::small_bank(), "agree");
    assert_same(&ours, &theirs, "SF2 import");
}

/// FluidR3_GM: every region agrees (keys, velocities, sample, loop mode and points, root key,
/// tuning, gain, key group), except
/// - single-key zones with a scale tuning other than 0 and 100, where we make the key the unity
///   note and fold the scale into the tuning (exact on any engine) and spessasynth keeps the
///   sample's root (see `dls::sf2`);
/// - zones with a scale tuning other than 100 over a key range, where our tuning carries
///   `unity·(100 − scale)` for our engine's pitch formula;
/// - zones whose preset adds a *negative* attenuation: SoundFont adds preset generators to the
///   instrument's (so we are louder), spessasynth's flattening clamps the preset value at 0.
#[test]
fn our_fluid_r3_import_agrees_with_spessasynth_conversion() {
    const FLUID_R3: &str = "/usr/share/sounds/sf2/FluidR3_GM.sf2";
    let Ok(bytes) = std::fs::read(FLUID_R3) else {
        assert!(
            !in_ci(),
            "{FLUID_R3} missing (apt-get install fluid-soundfont-gm)"
        );
        eprintln!("skipping: {FLUID_R3} not installed");
        return;
    };
    if !node_ready() {
        return;
    }
    let (ours, theirs) = both_conversions(&bytes, "agree-fluid");
    assert_eq!(ours.lines().count(), theirs.lines().count());
    let (mut root_differs, mut tune_differs, mut gain_differs) = (0, 0, 0);
    let mut preset = "";
    for (a, b) in ours.lines().zip(theirs.lines()) {
        if a.starts_with("preset") {
            preset = a;
        }
        if a == b {
            continue;
        }
        // zone keyLo keyHi velLo velHi wave frames mode loopStart loopEnd root
        //   tune T gain G group K keyscale S
        let (fa, fb): (Vec<_>, Vec<_>) = (a.split(' ').collect(), b.split(' ').collect());
        let message = format!("regions of {preset} differ:\n  ours:        {a}\n  spessasynth: {b}");
        assert!(fa[0] == "zone" && fa.len() == 19 && fb.len() == 19, "{message}");
        assert_eq!(fa[..10], fb[..10], "{message}");
        assert_eq!(fa[15..17], fb[15..17], "{message}");
        let number = |f: &[&str], i: usize| f[i].parse::<i64>().unwrap();
        if fa[10] != fb[10] {
            assert!(fa[1] == fa[2] && fa[10] == fa[1], "{message}");
            root_differs += 1;
        } else if fa[12] != fb[12] {
            // A key range with scale tuning s: our engine plays key·s − unity·100 + tune, so
            // the tune carries +unity·(100 − s) (`dls::sf2`); spessasynth's does not.
            let scale = number(&fa, 18);
            assert_ne!(scale, 100, "{message}");
            assert_eq!(
                number(&fa, 12) - number(&fb, 12),
                number(&fa, 10) * (100 - scale),
                "{message}"
            );
            tune_differs += 1;
        }
        if fa[14] != fb[14] {
            assert!(number(&fa, 14) > number(&fb, 14), "{message}");
            gain_differs += 1;
        }
    }
    eprintln!(
        "{} lines; differ as documented: root key in {root_differs} single-key zones, tune in \
         {tune_differs} scale-tuned zones, gain in {gain_differs} zones",
        ours.lines().count()
    );
    assert!(root_differs + tune_differs + gain_differs < 500);
}

/// Applies our loop rule to a description: loops are clamped to the wave's end and dropped when
/// they start at or after it (spessasynth keeps such loops as written; both play the same).
fn fit_loops(text: &str) -> String {
    text.lines()
        .map(|line| {
            let mut f: Vec<String> = line.split(' ').map(str::to_owned).collect();
            if f[0] == "zone" {
                let n = |s: &str| s.parse::<u64>().unwrap();
                let (frames, start, end) = (n(&f[6]), n(&f[8]), n(&f[9]));
                if f[7] != "0" && start >= frames {
                    f[7] = "0".into();
                    f[8] = "0".into();
                    f[9] = "0".into();
                } else if end > frames {
                    f[9] = frames.to_string();
                }
            }
            f.join(" ") + "\n"
        })
        .collect()
}

/// Any `.dls` file named by `DLS_INTEROP_FILES` (paths separated by `:`; e.g. FluidSynth's
/// VintageDreamsWaves-v2.dls, which may not be redistributed): our reader and spessasynth must
/// see the same instruments, regions and loops. Does nothing when the variable is unset.
#[test]
fn local_dls_files_read_the_same_in_both() {
    let Ok(paths) = std::env::var("DLS_INTEROP_FILES") else {
        return;
    };
    if !node_ready() {
        return;
    }
    for path in paths.split(':').filter(|p| !p.is_empty()) {
        let ours = read_dls(&std::fs::read(path).unwrap()).unwrap_or_else(|e| panic!("{path}: {e}"));
        let theirs = node(&["dump", path]);
        assert_same(&fit_loops(&describe(&ours)), &fit_loops(&theirs), path);
        eprintln!("{path}: {} instruments agree", ours.instruments.len());
    }
}

/// FluidR3_GM imported by us and written by our writer loads in spessasynth region for region.
#[test]
fn our_fluid_r3_dls_loads_in_spessasynth() {
    const FLUID_R3: &str = "/usr/share/sounds/sf2/FluidR3_GM.sf2";
    let Ok(bytes) = std::fs::read(FLUID_R3) else {
        assert!(
            !in_ci(),
            "{FLUID_R3} missing (apt-get install fluid-soundfont-gm)"
        );
        eprintln!("skipping: {FLUID_R3} not installed");
        return;
    };
    if !node_ready() {
        return;
    }
    let collection = dls::sf2::import_sf2(&bytes).unwrap();
    drop(bytes);
    let path = temp_path("ours-fluid-r3.dls");
    std::fs::write(&path, write_dls(&collection)).unwrap();
    let theirs = node(&["dump", path.to_str().unwrap()]);
    std::fs::remove_file(&path).ok();
    assert_same(&describe(&collection), &theirs, "our FluidR3_GM.dls");
}
