//! The INF, parsed and checked against the driver's constants and against what `infverif /w`
//! and PortCls require: the reference strings equal the subdevice names `StartDevice` registers,
//! each model writes the mode value `StartDevice` reads, registry writes stay under HKR, files go
//! to DIRID 13, and every token and section it names exists.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

use std::collections::BTreeMap;

use dmksynth::adapter::{MODE_VALUE_NAME, PIN_NAME_GUID, REG_SZ, SynthMode, subdevices};

const INX: &str = include_str!("../inf/dmksynth.inx");

const KSCATEGORY_AUDIO: &str = "{6994AD04-93EF-11D0-A3CC-00A0C9223196}";
const KSCATEGORY_RENDER: &str = "{65E8773E-8F56-11D0-A3B9-00A0C9223196}";
const KSCATEGORY_SYNTHESIZER: &str = "{DFF220F3-F70F-11D0-B917-00A0C9223196}";
const KSCATEGORY_DATATRANSFORM: &str = "{2EB07EA0-7E70-11D0-A5D6-28DB04C10000}";
const KSCATEGORY_CAPTURE: &str = "{65E8773D-8F56-11D0-A3B9-00A0C9223196}";
const KSCATEGORY_REALTIME: &str = "{EB115FFC-10C8-4964-831D-6DCB02E6F23F}";
const KSCATEGORY_TOPOLOGY: &str = "{DDA54A40-1E4C-11D1-A050-405705C10000}";
const KS_PROXY_CLSID: &str = "{17CCA71B-ECD7-11D0-B908-00A0C9223196}";
const MEDIA_CLASS_GUID: &str = "{4d36e96c-e325-11ce-bfc1-08002be10318}";
const AUDIO_SDDL: &str = "D:P(A;;GA;;;SY)(A;;GRGWGX;;;BA)(A;;GRGWGX;;;WD)(A;;GRGWGX;;;RC)";

/// A GUID in registry form, `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}`.
fn registry_form(guid: &portcls_sys::GUID) -> String {
    let d = guid.Data4;
    format!(
        "{{{:08X}-{:04X}-{:04X}-{:02X}{:02X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}}}",
        guid.Data1, guid.Data2, guid.Data3, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
    )
}

#[test]
fn category_strings_are_the_abi_crate_guids() {
    assert_eq!(KSCATEGORY_AUDIO, registry_form(&portcls_sys::KSCATEGORY_AUDIO));
    assert_eq!(KSCATEGORY_RENDER, registry_form(&portcls_sys::KSCATEGORY_RENDER));
    assert_eq!(
        KSCATEGORY_SYNTHESIZER,
        registry_form(&portcls_sys::KSCATEGORY_SYNTHESIZER)
    );
    assert_eq!(
        KSCATEGORY_DATATRANSFORM,
        registry_form(&portcls_sys::KSCATEGORY_DATATRANSFORM)
    );
    assert_eq!(
        KSCATEGORY_CAPTURE,
        registry_form(&portcls_sys::KSCATEGORY_CAPTURE)
    );
    assert_eq!(
        KSCATEGORY_REALTIME,
        registry_form(&portcls_sys::KSCATEGORY_REALTIME)
    );
    assert_eq!(
        KSCATEGORY_TOPOLOGY,
        registry_form(&portcls_sys::KSCATEGORY_TOPOLOGY)
    );
}

/// An INF: section name (lower case) → lines, each split into its key (if any) and its
/// comma-separated fields, with `%tokens%` replaced from `[Strings]` and quotes removed.
struct Inf {
    sections: BTreeMap<String, Vec<Line>>,
}

#[derive(Debug, Clone)]
struct Line {
    key: Option<String>,
    fields: Vec<String>,
}

/// Removes a `;` comment that is not inside quotes.
fn strip_comment(line: &str) -> &str {
    let mut quoted = false;
    for (index, character) in line.char_indices() {
        match character {
            '"' => quoted = !quoted,
            ';' if !quoted => return &line[..index],
            _ => {}
        }
    }
    line
}

/// Splits on commas outside quotes; trims and unquotes each field.
fn split_fields(text: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    for character in text.chars() {
        match character {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            _ => fields.last_mut().unwrap().push(character),
        }
    }
    fields.into_iter().map(|field| field.trim().to_owned()).collect()
}

impl Inf {
    fn parse(text: &str) -> Self {
        let mut raw: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut current = None;
        for line in text.lines() {
            let line = strip_comment(line).trim();
            if line.is_empty() {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) {
                let name = name.trim().to_ascii_lowercase();
                assert!(!raw.contains_key(&name), "section [{name}] defined twice");
                raw.insert(name.clone(), Vec::new());
                current = Some(name);
                continue;
            }
            let section = current.as_ref().expect("line before the first section");
            raw.get_mut(section).unwrap().push(line.to_owned());
        }
        let strings: BTreeMap<String, String> = raw
            .get("strings")
            .expect("[Strings]")
            .iter()
            .map(|line| {
                let (key, value) = line.split_once('=').expect("Strings line without =");
                (
                    key.trim().to_ascii_lowercase(),
                    value.trim().trim_matches('"').to_owned(),
                )
            })
            .collect();
        let substitute = |text: &str| -> String {
            let mut out = String::new();
            let mut rest = text;
            while let Some(start) = rest.find('%') {
                out.push_str(&rest[..start]);
                let after = &rest[start + 1..];
                let end = after
                    .find('%')
                    .unwrap_or_else(|| panic!("unterminated %token% in {text:?}"));
                let token = &after[..end];
                if token.chars().all(|c| c.is_ascii_digit()) {
                    // %13% and friends are DIRIDs, kept as written.
                    out.push('%');
                    out.push_str(token);
                    out.push('%');
                } else {
                    let value = strings
                        .get(&token.to_ascii_lowercase())
                        .unwrap_or_else(|| panic!("%{token}% is not in [Strings]"));
                    out.push_str(value);
                }
                rest = &after[end + 1..];
            }
            out.push_str(rest);
            out
        };
        let sections = raw
            .into_iter()
            .map(|(name, lines)| {
                let lines = lines
                    .iter()
                    .map(|line| {
                        let line = substitute(line);
                        // A key is what stands before an '=' outside quotes, if it has no comma.
                        match line.split_once('=') {
                            Some((key, value)) if !key.contains(',') && !key.contains('"') => Line {
                                key: Some(key.trim().to_owned()),
                                fields: split_fields(value),
                            },
                            _ => Line {
                                key: None,
                                fields: split_fields(&line),
                            },
                        }
                    })
                    .collect();
                (name, lines)
            })
            .collect();
        Self { sections }
    }

    fn section(&self, name: &str) -> &[Line] {
        self.sections
            .get(&name.to_ascii_lowercase())
            .unwrap_or_else(|| panic!("section [{name}] is missing"))
    }

    /// The fields of every `key = …` line of `section` (a key may repeat, e.g. AddInterface).
    fn values(&self, section: &str, key: &str) -> Vec<Vec<String>> {
        self.section(section)
            .iter()
            .filter(|line| line.key.as_deref().is_some_and(|k| k.eq_ignore_ascii_case(key)))
            .map(|line| line.fields.clone())
            .collect()
    }

    fn value(&self, section: &str, key: &str) -> String {
        let values = self.values(section, key);
        assert_eq!(
            values.len(),
            1,
            "[{section}] {key} appears {} times",
            values.len()
        );
        values[0].join(",")
    }

    /// The AddReg lines (root, subkey, value name, flags, value) of the sections listed by
    /// `AddReg =` in `section`.
    fn add_reg_lines(&self, section: &str) -> Vec<Vec<String>> {
        self.values(section, "AddReg")
            .into_iter()
            .flatten()
            .flat_map(|list| {
                self.section(&list)
                    .iter()
                    .map(|line| line.fields.clone())
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

fn inf() -> Inf {
    Inf::parse(INX)
}

/// The install section of each model, with the mode it must select.
fn models(inf: &Inf) -> Vec<(String, String, SynthMode)> {
    let manufacturer = inf.section("Manufacturer");
    assert_eq!(manufacturer.len(), 1);
    let fields = &manufacturer[0].fields;
    assert_eq!(
        fields[1], "NT$ARCH$.10.0...16299",
        "decoration that stampinf expands"
    );
    let models_section = format!("{}.{}", fields[0], fields[1]);
    inf.section(&models_section)
        .iter()
        .map(|line| {
            let install = line.fields[0].clone();
            let hardware_id = line.fields[1].clone();
            let mode = match hardware_id.as_str() {
                "Root\\dmksynth" => SynthMode::Classic,
                "Root\\dmksynth_hardware" => SynthMode::HardwareSynth,
                other => panic!("unexpected hardware id {other}"),
            };
            (install, hardware_id, mode)
        })
        .collect()
}

#[test]
fn inx_is_plain_ascii() {
    assert!(
        INX.is_ascii(),
        "keep the INF ASCII (or convert it to UTF-16LE with a BOM)"
    );
}

#[test]
fn version_section_is_a_locked_down_media_driver() {
    let inf = inf();
    assert_eq!(inf.value("Version", "Signature"), "$WINDOWS NT$");
    assert_eq!(inf.value("Version", "Class"), "MEDIA");
    assert_eq!(
        inf.value("Version", "ClassGuid").to_ascii_lowercase(),
        MEDIA_CLASS_GUID
    );
    assert_eq!(inf.value("Version", "PnpLockdown"), "1");
    assert_eq!(inf.value("Version", "CatalogFile"), "dmksynth.cat");
    assert_eq!(inf.value("Version", "DriverVer"), "", "left empty for stampinf");
}

#[test]
fn files_go_to_the_driver_store() {
    let inf = inf();
    let destinations = inf.section("DestinationDirs");
    assert_eq!(destinations.len(), 1);
    assert_eq!(destinations[0].key.as_deref(), Some("DefaultDestDir"));
    assert_eq!(destinations[0].fields, ["13"]);
    assert_eq!(inf.value("SourceDisksFiles", "dmksynth.sys"), "1");
    assert_eq!(
        inf.value("Dmksynth_Service", "ServiceBinary"),
        "%13%\\dmksynth.sys"
    );
    assert_eq!(inf.value("Dmksynth_Service", "ServiceType"), "1");
}

#[test]
fn both_models_install_a_complete_portcls_device_in_their_mode() {
    let inf = inf();
    let models = models(&inf);
    assert_eq!(models.len(), 2, "classic and hardware-synth");
    for (install, hardware_id, mode) in models {
        let nt = format!("{install}.NT");
        let includes = inf.values(&nt, "Include").concat();
        let needs = inf.values(&nt, "Needs").concat();
        assert_eq!(includes, ["ks.inf", "wdmaudio.inf"], "{hardware_id}");
        assert_eq!(
            needs,
            ["KS.Registration", "WDMAUDIO.Registration"],
            "{hardware_id}"
        );
        assert_eq!(inf.values(&nt, "CopyFiles").concat(), ["Dmksynth_CopyFiles"]);
        assert_eq!(inf.section("Dmksynth_CopyFiles")[0].fields, ["dmksynth.sys"]);

        // winmm sees the MIDI pin through wdmaud.drv.
        let software = inf.add_reg_lines(&nt);
        let has = |subkey: &str, name: &str, value: &str| {
            software
                .iter()
                .any(|f| f[0] == "HKR" && f[1] == subkey && f[2] == name && f[4] == value)
        };
        assert!(
            has("Drivers\\midi\\wdmaud.drv", "Driver", "wdmaud.drv"),
            "{hardware_id}"
        );
        assert!(has("Drivers", "SubClasses", "midi"), "{hardware_id}");
        assert!(has("", "Driver", "dmksynth.sys"), "{hardware_id}");
        let pin_name_key = format!("MediaCategories\\{PIN_NAME_GUID}");
        assert!(
            software
                .iter()
                .any(|f| f[0] == "HKR" && f[1] == pin_name_key && f[2] == "Name" && !f[4].is_empty()),
            "{hardware_id}: pin name under HKR,MediaCategories"
        );

        // The hardware key: device type, audio SDDL, and the mode StartDevice reads.
        let hardware = inf.add_reg_lines(&format!("{install}.NT.HW"));
        assert!(
            hardware
                .iter()
                .any(|f| f[2] == "DeviceType" && f[3] == "0x10001" && f[4] == "0x0000001D")
        );
        assert!(
            hardware
                .iter()
                .any(|f| f[0] == "HKR" && f[2] == "Security" && f[4] == AUDIO_SDDL)
        );
        let mode_lines: Vec<_> = hardware.iter().filter(|f| f[2] == MODE_VALUE_NAME).collect();
        assert_eq!(mode_lines.len(), 1, "{hardware_id}: one {MODE_VALUE_NAME} value");
        let line = mode_lines[0];
        assert_eq!(
            (line[0].as_str(), line[1].as_str(), line[3].as_str()),
            ("HKR", "", ""),
            "REG_SZ at HKR"
        );
        let data: Vec<u8> = line[4]
            .encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(SynthMode::from_registry(REG_SZ, &data), Ok(mode), "{hardware_id}");

        let services = inf.values(&format!("{install}.NT.Services"), "AddService");
        assert_eq!(services, [["dmksynth", "0x00000002", "Dmksynth_Service"]]);
    }
}

#[test]
fn interfaces_use_the_registered_subdevice_names_and_the_mode_categories() {
    let inf = inf();
    for (install, hardware_id, mode) in models(&inf) {
        let interfaces = inf.values(&format!("{install}.NT.Interfaces"), "AddInterface");
        for subdevice in subdevices(mode) {
            let expected_categories: &[&str] = match (mode, subdevice.name) {
                (SynthMode::Classic, "DMusic") => {
                    &[KSCATEGORY_AUDIO, KSCATEGORY_SYNTHESIZER, KSCATEGORY_DATATRANSFORM]
                }
                (SynthMode::HardwareSynth, "DMusic") => {
                    &[KSCATEGORY_AUDIO, KSCATEGORY_RENDER, KSCATEGORY_SYNTHESIZER]
                }
                (SynthMode::HardwareSynth, "WaveSynthCapture") => {
                    &[KSCATEGORY_AUDIO, KSCATEGORY_CAPTURE, KSCATEGORY_REALTIME]
                }
                (SynthMode::HardwareSynth, "TopoSynthCapture") => &[KSCATEGORY_AUDIO, KSCATEGORY_TOPOLOGY],
                (mode, name) => panic!("{mode}: no expectation for subdevice {name}"),
            };
            let categories: Vec<&str> = interfaces
                .iter()
                .filter(|fields| fields[1] == subdevice.name)
                .map(|fields| fields[0].as_str())
                .collect();
            // AUDIO first: DirectMusic and SysAudio label the device from it.
            assert_eq!(
                categories, expected_categories,
                "{hardware_id}: {}",
                subdevice.name
            );
        }
        for fields in &interfaces {
            assert!(
                subdevices(mode)
                    .iter()
                    .any(|subdevice| subdevice.name == fields[1]),
                "{hardware_id}: reference string {} is not a subdevice StartDevice registers",
                fields[1]
            );
            let interface = inf.add_reg_lines(&fields[2]);
            assert!(
                interface
                    .iter()
                    .any(|f| f[2] == "CLSID" && f[4] == KS_PROXY_CLSID)
            );
            assert!(
                interface
                    .iter()
                    .any(|f| f[2] == "FriendlyName" && !f[4].is_empty())
            );
        }
    }
}

#[test]
fn registry_writes_stay_under_hkr_and_nothing_runs_once() {
    let inf = inf();
    let mut add_reg_sections = 0;
    for (name, lines) in &inf.sections {
        for line in lines {
            let is_add_reg = line
                .key
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case("AddReg"));
            if is_add_reg {
                for list in &line.fields {
                    add_reg_sections += 1;
                    for fields in inf.section(list) {
                        assert_eq!(
                            fields.fields[0], "HKR",
                            "[{list}] writes outside the device's keys"
                        );
                    }
                }
            }
            let text = format!("{:?}", line).to_ascii_lowercase();
            assert!(!text.contains("runonce"), "[{name}] uses RunOnce");
            assert!(!text.contains("hklm"), "[{name}] names HKLM");
        }
    }
    assert!(add_reg_sections >= 6);
}

#[test]
fn every_named_section_exists() {
    let inf = inf();
    for (name, lines) in &inf.sections {
        for line in lines {
            let Some(key) = line.key.as_deref() else { continue };
            let referenced: Vec<&str> = match key.to_ascii_lowercase().as_str() {
                "addreg" | "copyfiles" => line.fields.iter().map(String::as_str).collect(),
                "addservice" => vec![line.fields[2].as_str()],
                "addinterface" => vec![line.fields[2].as_str()],
                _ => continue,
            };
            for section in referenced {
                assert!(
                    inf.sections.contains_key(&section.to_ascii_lowercase()),
                    "[{name}] names missing [{section}]"
                );
            }
        }
    }
    for (install, _, _) in models(&inf) {
        for suffix in [".NT", ".NT.HW", ".NT.Interfaces", ".NT.Services"] {
            inf.section(&format!("{install}{suffix}"));
        }
    }
}

#[test]
fn the_named_pin_is_the_miniports_pin() {
    // The INF names the pin whose KSPIN_DESCRIPTOR.Name is this GUID; the miniport must use it.
    assert_eq!(PIN_NAME_GUID, registry_form(&miniport::descriptor::PIN_NAME_GUID));
    assert_eq!(inf().value("Strings", "Dmksynth.PinNameGuid"), PIN_NAME_GUID);
}

#[test]
fn the_hardware_synth_model_names_the_capture_endpoint_and_the_classic_model_does_not() {
    let inf = inf();
    let key = format!(
        "MediaCategories\\{}",
        registry_form(&wavert::descriptor::ENDPOINT_NAME_GUID)
    );
    assert_eq!(
        inf.value("Strings", "Dmksynth.EndpointNameGuid"),
        registry_form(&wavert::descriptor::ENDPOINT_NAME_GUID)
    );
    for (install, hardware_id, mode) in models(&inf) {
        let names: Vec<Vec<String>> = inf
            .add_reg_lines(&format!("{install}.NT"))
            .into_iter()
            .filter(|f| f[1] == key)
            .collect();
        match mode {
            SynthMode::Classic => assert!(names.is_empty(), "{hardware_id}: {names:?}"),
            SynthMode::HardwareSynth => {
                assert_eq!(names.len(), 1, "{hardware_id}");
                let line = &names[0];
                assert_eq!(
                    (
                        line[0].as_str(),
                        line[2].as_str(),
                        line[3].as_str(),
                        line[4].as_str()
                    ),
                    ("HKR", "Name", "", wavert::descriptor::ENDPOINT_NAME),
                    "{hardware_id}"
                );
            }
        }
    }
    assert_eq!(wavert::descriptor::ENDPOINT_NAME, "dmksynth output");
}

#[test]
fn the_hardware_synth_model_publishes_every_subdevice_start_device_registers() {
    let inf = inf();
    let (install, _, _) = models(&inf)
        .into_iter()
        .find(|(_, _, mode)| *mode == SynthMode::HardwareSynth)
        .unwrap();
    let interfaces = inf.values(&format!("{install}.NT.Interfaces"), "AddInterface");
    let mut names: Vec<&str> = interfaces.iter().map(|fields| fields[1].as_str()).collect();
    names.dedup();
    assert_eq!(names, ["DMusic", "WaveSynthCapture", "TopoSynthCapture"]);
    assert_eq!(
        names,
        subdevices(SynthMode::HardwareSynth)
            .iter()
            .map(|subdevice| subdevice.name)
            .collect::<Vec<_>>()
    );
    assert_eq!(interfaces.len(), 8, "3 + 3 + 2 interfaces");
}
