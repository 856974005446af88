//! Proves the hand-written ABI against an independent header set: mingw-w64's `ks.h`,
//! `ksmedia.h`, `portcls.h`, `dmusicks.h`, `dmdls.h`, `dls1.h`, `dls2.h` (Debian packages
//! `gcc-mingw-w64-x86-64` + `mingw-w64-x86-64-dev`).
//!
//! How:
//! 1. Every struct/union/vtable field and every constant is turned into a C expression
//!    (`offsetof(T, f)`, `sizeof(((T *)0)->f)`, `sizeof(T)`, `_Alignof(T)`, `NAME`) and a Rust value.
//! 2. A C file stores each expression in a `const long long probe_N`; it is compiled with
//!    `x86_64-w64-mingw32-gcc -S` twice, for x64 and (`-m32`) x86, and the numbers are read back from
//!    the assembly. No Windows and no wine needed.
//! 3. The x64 numbers are compared with what Rust computes here. This runs on x86_64 Linux, where
//!    pointers are 8 bytes and `u64`/`i64`/`f64` are 8-aligned exactly as on Windows x64 (asserted
//!    below); the crate uses no C `long` (LONG is `i32`), so the layouts are the Windows x64 ones.
//! 4. Both columns are written into `src/layout_golden.rs`, which the library turns into
//!    compile-time assertions for the target it is built for: `cargo check --target
//!    i686-pc-windows-msvc` / `aarch64-pc-windows-msvc` thus check every field of the x86 and ARM64
//!    layouts too. This test fails if that file is stale (`PORTCLS_SYS_BLESS=1` rewrites it).
//!
//! 5. Every `pub type` alias (size and signedness, or the type it names), every vtable slot, every
//!    function-pointer typedef and every `Pc*` entry point is compared with mingw's prototype via
//!    `__builtin_types_compatible_p` (parameter and return types by their C names, `__stdcall`),
//!    for x64 and x86. The Rust side is read from the source text of `src/`.
//!
//! Types mingw lacks (dmusprop.h, `ISynthSinkDMus`, the WOW64 32-bit structs) are checked against
//! the values documented in shared/reference (`layout-sizes-mingw-reactos.txt`,
//! `dmus-miniport-and-ddksynth.md` §c), and GUIDs against the `DEFINE_GUID`/`DEFINE_GUIDSTRUCT`
//! text of the headers. Missing cross compiler = failure, not a skip.
#![allow(
    unused_unsafe,
    clippy::undocumented_unsafe_blocks,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::as_conversions,
    clippy::cast_possible_wrap,
    missing_docs
)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::mem::{align_of, offset_of, size_of};
use std::path::{Path, PathBuf};
use std::process::Command;

use portcls_sys::*;

const CC: &str = "x86_64-w64-mingw32-gcc";

fn mingw_include() -> PathBuf {
    std::env::var_os("MINGW_INCLUDE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/x86_64-w64-mingw32/include"))
}

/// What the C side must include to see every type. The two workarounds are known gaps of
/// mingw's kernel headers (ksmedia.h uses TCHAR; portcls.h uses two WaveRT types nobody defines).
const PRELUDE: &str = r#"
#include <ntddk.h>
#include <windef.h>
#define NOBITMAP
#include <mmreg.h>
typedef WCHAR TCHAR;
#include <ks.h>
#include <ksmedia.h>
#include <punknown.h>
typedef struct _KSRTAUDIO_HWLATENCY KSRTAUDIO_HWLATENCY, *PKSRTAUDIO_HWLATENCY;
typedef struct _KSRTAUDIO_HWREGISTER KSRTAUDIO_HWREGISTER, *PKSRTAUDIO_HWREGISTER;
#include <portcls.h>
#include <dmusicks.h>
#include <dmdls.h>
#include <dls2.h>
#include <dmerror.h>
#include <stddef.h>

/* ISynthSinkDMus is absent from mingw (and ReactOS): declared here from the WDK prototypes as
   shared/reference/dmus-miniport-and-ddksynth.md section b.3 documents them, so that the Rust slot
   signatures are compared with an independent C transcription. */
typedef struct ISynthSinkDMus { const struct ISynthSinkDMusVtbl *lpVtbl; } ISynthSinkDMus, *PSYNTHSINKDMUS;
typedef struct ISynthSinkDMusVtbl {
  NTSTATUS (__stdcall *QueryInterface)(ISynthSinkDMus *This, REFIID InterfaceId, PVOID *Interface);
  ULONG (__stdcall *AddRef)(ISynthSinkDMus *This);
  ULONG (__stdcall *Release)(ISynthSinkDMus *This);
  NTSTATUS (__stdcall *SetState)(ISynthSinkDMus *This, KSSTATE State);
  NTSTATUS (__stdcall *PutMessage)(ISynthSinkDMus *This, PDMUS_KERNEL_EVENT pDMKEvt);
  NTSTATUS (__stdcall *ConnectOutput)(ISynthSinkDMus *This, PMXF sinkMXF);
  NTSTATUS (__stdcall *DisconnectOutput)(ISynthSinkDMus *This, PMXF sinkMXF);
  void (__stdcall *Render)(ISynthSinkDMus *This, PBYTE pBuffer, DWORD dwLength, LONGLONG llPosition);
  NTSTATUS (__stdcall *SyncToMaster)(ISynthSinkDMus *This, REFERENCE_TIME rfTime, BOOL fStart);
  NTSTATUS (__stdcall *SampleToRefTime)(ISynthSinkDMus *This, LONGLONG llSampleTime, REFERENCE_TIME *prfTime);
  NTSTATUS (__stdcall *RefTimeToSample)(ISynthSinkDMus *This, REFERENCE_TIME rfTime, LONGLONG *pllSampleTime);
} ISynthSinkDMusVtbl;
"#;

/// The size of a field's type, from a (never called) accessor.
fn size_of_return<T, F>(_: fn(&T) -> F) -> usize {
    size_of::<F>()
}

/// One number to compare.
struct Check {
    label: String,
    /// C expression (probe checks) or `None` (documented checks).
    c_expr: Option<String>,
    /// Const-evaluable Rust expression, for the golden file; `None` for constants.
    rust_expr: Option<String>,
    /// What Rust computes on this (x64-equivalent) host.
    rust: i64,
    /// Documented (x64, x86) values, for checks without a C counterpart.
    documented: Option<(i64, i64)>,
}

#[derive(Default)]
struct Checks {
    list: Vec<Check>,
    /// Rust struct name -> field names covered.
    fields: BTreeMap<String, Vec<String>>,
    /// Constants covered.
    constants: BTreeSet<String>,
}

impl Checks {
    fn probe(&mut self, label: String, c_expr: String, rust_expr: Option<String>, rust: usize) {
        self.list.push(Check {
            label,
            c_expr: Some(c_expr),
            rust_expr,
            rust: rust as i64,
            documented: None,
        });
    }

    fn documented(&mut self, label: String, rust_expr: String, rust: usize, x64: i64, x86: i64) {
        self.list.push(Check {
            label,
            c_expr: None,
            rust_expr: Some(rust_expr),
            rust: rust as i64,
            documented: Some((x64, x86)),
        });
    }

    fn covered(&mut self, rust_type: &str, fields: &[&str]) {
        let base = rust_type.to_string();
        let entry = self.fields.entry(base).or_default();
        entry.clear();
        entry.extend(fields.iter().map(|f| f.to_string()));
    }
}

/// Size, alignment, and every field's offset and size of a type mingw declares (C name = Rust
/// name unless given).
macro_rules! layout {
    ($checks:ident, $t:ident { $($f:ident),* $(,)? }) => {{
        const C: &str = stringify!($t);
        probe_layout_named!($checks, C, $t { $($f),* });
    }};
    ($checks:ident, $c:literal => $t:ident { $($f:ident),* $(,)? }) => {{
        const C: &str = $c;
        probe_layout_named!($checks, C, $t { $($f),* });
    }};
}

macro_rules! probe_layout_named {
    ($checks:ident, $c:ident, $t:ident { $($f:ident),* }) => {{
        let c = $c;
        let r = stringify!($t);
        let label = if c == r { c.to_string() } else { format!("{c} (as {r})") };
        $checks.probe(format!("{label}: size"), format!("sizeof({c})"), Some(format!("size_of::<{r}>()")), size_of::<$t>());
        $checks.probe(format!("{label}: align"), format!("_Alignof({c})"), Some(format!("align_of::<{r}>()")), align_of::<$t>());
        $(
            let f = stringify!($f);
            $checks.probe(
                format!("{label}.{f}: offset"),
                format!("offsetof({c}, {f})"),
                Some(format!("offset_of!({r}, {f})")),
                offset_of!($t, $f),
            );
            $checks.probe(
                format!("{label}.{f}: size"),
                format!("sizeof((({c} *)0)->{f})"),
                Some(format!("field_size!({r}, {f})")),
                size_of_return(|x: &$t| unsafe { x.$f }),
            );
        )*
        $checks.covered(r, &[$(stringify!($f)),*]);
    }};
}

/// A layout mingw lacks, against documented `(x64, x86)` offsets and sizes.
macro_rules! documented_layout {
    ($checks:ident, $t:ident size ($sx64:expr, $sx86:expr) align ($ax64:expr, $ax86:expr) { $($f:ident: ($ox64:expr, $ox86:expr)),* $(,)? }) => {{
        let r = stringify!($t);
        $checks.documented(format!("{r}: size"), format!("size_of::<{r}>()"), size_of::<$t>(), $sx64, $sx86);
        $checks.documented(format!("{r}: align"), format!("align_of::<{r}>()"), align_of::<$t>(), $ax64, $ax86);
        $(
            let f = stringify!($f);
            $checks.documented(format!("{r}.{f}: offset"), format!("offset_of!({r}, {f})"), offset_of!($t, $f), $ox64, $ox86);
        )*
        $checks.covered(r, &[$(stringify!($f)),*]);
    }};
}

/// Constants whose C macro/enum mingw defines: compared by value.
macro_rules! constants {
    ($checks:ident, $($name:ident),* $(,)?) => {$(
        $checks.list.push(Check {
            label: stringify!($name).to_string(),
            c_expr: Some(stringify!($name).to_string()),
            rust_expr: None,
            rust: $name as i64,
            documented: None,
        });
        $checks.constants.insert(stringify!($name).to_string());
    )*};
}

/// Constants mingw lacks: compared with the value documented in shared/reference (transcribed
/// independently of `src/`).
macro_rules! documented_constants {
    ($checks:ident, $($name:ident = $value:expr),* $(,)?) => {$(
        assert_eq!($name as i64, ($value) as i64, "{} differs from its documented value", stringify!($name));
        $checks.constants.insert(stringify!($name).to_string());
    )*};
}

fn all_checks() -> Checks {
    let mut k = Checks::default();

    // ---- com / ntdef ----
    layout!(
        k,
        GUID {
            Data1,
            Data2,
            Data3,
            Data4
        }
    );
    layout!(
        k,
        POWER_STATE {
            SystemState,
            DeviceState
        }
    );
    layout!(
        k,
        IUnknownVtbl {
            QueryInterface,
            AddRef,
            Release
        }
    );
    layout!(k, IUnknown { lpVtbl });

    // ---- ks.h ----
    layout!(k, KSIDENTIFIER { Set, Id, Flags });
    layout!(k, "KSPROPERTY" => KSPROPERTY { Set, Id, Flags });
    layout!(k, "KSMETHOD" => KSMETHOD { Set, Id, Flags });
    layout!(k, "KSEVENT" => KSEVENT { Set, Id, Flags });
    layout!(k, "KSPIN_INTERFACE" => KSPIN_INTERFACE { Set, Id, Flags });
    layout!(k, "KSPIN_MEDIUM" => KSPIN_MEDIUM { Set, Id, Flags });
    layout!(
        k,
        KSNODEPROPERTY {
            Property,
            NodeId,
            Reserved
        }
    );
    layout!(
        k,
        KSP_PIN {
            Property,
            PinId,
            Reserved
        }
    );
    layout!(
        k,
        KSDATAFORMAT {
            FormatSize,
            Flags,
            SampleSize,
            Reserved,
            MajorFormat,
            SubFormat,
            Specifier
        }
    );
    layout!(k, "KSDATARANGE" => KSDATARANGE { FormatSize, Flags, SampleSize, Reserved, MajorFormat, SubFormat, Specifier });
    layout!(
        k,
        KSTOPOLOGY_CONNECTION {
            FromNode,
            FromNodePin,
            ToNode,
            ToNodePin
        }
    );
    layout!(
        k,
        KSPIN_DESCRIPTOR {
            InterfacesCount,
            Interfaces,
            MediumsCount,
            Mediums,
            DataRangesCount,
            DataRanges,
            DataFlow,
            Communication,
            Category,
            Name,
            Reserved,
        }
    );
    // The anonymous union/struct at the end of KSPIN_DESCRIPTOR.
    for (member, rust_offset, rust_size) in [
        (
            "ConstrainedDataRangesCount",
            offset_of!(KSPIN_DESCRIPTOR, Reserved)
                + offset_of!(KSPIN_DESCRIPTOR_CONSTRAINED, ConstrainedDataRangesCount),
            size_of_return(|x: &KSPIN_DESCRIPTOR_CONSTRAINED| x.ConstrainedDataRangesCount),
        ),
        (
            "ConstrainedDataRanges",
            offset_of!(KSPIN_DESCRIPTOR, Reserved)
                + offset_of!(KSPIN_DESCRIPTOR_CONSTRAINED, ConstrainedDataRanges),
            size_of_return(|x: &KSPIN_DESCRIPTOR_CONSTRAINED| x.ConstrainedDataRanges),
        ),
    ] {
        k.probe(
            format!("KSPIN_DESCRIPTOR.{member}: offset"),
            format!("offsetof(KSPIN_DESCRIPTOR, {member})"),
            Some(format!(
                "offset_of!(KSPIN_DESCRIPTOR, Reserved) + offset_of!(KSPIN_DESCRIPTOR_CONSTRAINED, {member})"
            )),
            rust_offset,
        );
        k.probe(
            format!("KSPIN_DESCRIPTOR.{member}: size"),
            format!("sizeof(((KSPIN_DESCRIPTOR *)0)->{member})"),
            Some(format!("field_size!(KSPIN_DESCRIPTOR_CONSTRAINED, {member})")),
            rust_size,
        );
    }
    k.covered(
        "KSPIN_DESCRIPTOR_CONSTRAINED",
        &["ConstrainedDataRangesCount", "ConstrainedDataRanges"],
    );
    k.probe(
        "KSPIN_DESCRIPTOR.Reserved union: size".into(),
        "sizeof(KSPIN_DESCRIPTOR) - offsetof(KSPIN_DESCRIPTOR, Reserved)".into(),
        Some("size_of::<KSPIN_DESCRIPTOR_RESERVED>()".into()),
        size_of::<KSPIN_DESCRIPTOR_RESERVED>(),
    );
    // In C, `Reserved` names the LONGLONG member of the anonymous union; in Rust it names the whole
    // union (whose size is checked just above), so compare the member itself.
    k.list.retain(|c| c.label != "KSPIN_DESCRIPTOR.Reserved: size");
    k.probe(
        "KSPIN_DESCRIPTOR.Reserved (the LONGLONG member): size".into(),
        "sizeof(((KSPIN_DESCRIPTOR *)0)->Reserved)".into(),
        Some("field_size!(KSPIN_DESCRIPTOR_RESERVED, Reserved)".into()),
        size_of_return(|x: &KSPIN_DESCRIPTOR_RESERVED| unsafe { x.Reserved }),
    );
    k.covered("KSPIN_DESCRIPTOR_RESERVED", &["Reserved", "Constrained"]);

    // ---- ksmedia.h / mmreg.h ----
    layout!(
        k,
        WAVEFORMATEX {
            wFormatTag,
            nChannels,
            nSamplesPerSec,
            nAvgBytesPerSec,
            nBlockAlign,
            wBitsPerSample,
            cbSize
        }
    );
    layout!(
        k,
        WAVEFORMATEXTENSIBLE {
            Format,
            Samples,
            dwChannelMask,
            SubFormat
        }
    );
    k.probe(
        "WAVEFORMATEXTENSIBLE.Samples: align".into(),
        "_Alignof(((WAVEFORMATEXTENSIBLE *)0)->Samples)".into(),
        Some("align_of::<WAVEFORMATEXTENSIBLE_SAMPLES>()".into()),
        align_of::<WAVEFORMATEXTENSIBLE_SAMPLES>(),
    );
    k.covered(
        "WAVEFORMATEXTENSIBLE_SAMPLES",
        &["wValidBitsPerSample", "wSamplesPerBlock", "wReserved"],
    );
    layout!(
        k,
        KSDATAFORMAT_WAVEFORMATEX {
            DataFormat,
            WaveFormatEx
        }
    );
    // KSDATAFORMAT_PACKED is KSDATAFORMAT's fields without the union's alignment.
    layout!(k, "KSDATAFORMAT" => KSDATAFORMAT_PACKED { FormatSize, Flags, SampleSize, Reserved, MajorFormat, SubFormat, Specifier });
    // (its alignment is deliberately 4, not 8: drop that one check, keep the rest)
    k.list
        .retain(|c| c.rust_expr.as_deref() != Some("align_of::<KSDATAFORMAT_PACKED>()"));
    layout!(
        k,
        KSDATARANGE_AUDIO {
            DataRange,
            MaximumChannels,
            MinimumBitsPerSample,
            MaximumBitsPerSample,
            MinimumSampleFrequency,
            MaximumSampleFrequency
        }
    );
    layout!(
        k,
        KSAUDIO_POSITION {
            PlayOffset,
            WriteOffset
        }
    );
    layout!(
        k,
        KSDATARANGE_MUSIC {
            DataRange,
            Technology,
            Channels,
            Notes,
            ChannelMask
        }
    );

    // ---- portcls.h ----
    layout!(
        k,
        PCPROPERTY_ITEM {
            Set,
            Id,
            Flags,
            Handler
        }
    );
    layout!(
        k,
        PCPROPERTY_REQUEST {
            MajorTarget,
            MinorTarget,
            Node,
            PropertyItem,
            Verb,
            InstanceSize,
            Instance,
            ValueSize,
            Value,
            Irp
        }
    );
    layout!(
        k,
        PCMETHOD_ITEM {
            Set,
            Id,
            Flags,
            Handler
        }
    );
    layout!(
        k,
        PCMETHOD_REQUEST {
            MajorTarget,
            MinorTarget,
            Node,
            MethodItem,
            Verb
        }
    );
    layout!(
        k,
        PCEVENT_ITEM {
            Set,
            Id,
            Flags,
            Handler
        }
    );
    layout!(
        k,
        PCEVENT_REQUEST {
            MajorTarget,
            MinorTarget,
            Node,
            EventItem,
            EventEntry,
            Verb,
            Irp
        }
    );
    layout!(
        k,
        PCAUTOMATION_TABLE {
            PropertyItemSize,
            PropertyCount,
            Properties,
            MethodItemSize,
            MethodCount,
            Methods,
            EventItemSize,
            EventCount,
            Events,
            Reserved
        }
    );
    layout!(k, "PCCONNECTION_DESCRIPTOR" => PCCONNECTION_DESCRIPTOR { FromNode, FromNodePin, ToNode, ToNodePin });
    layout!(
        k,
        PCPIN_DESCRIPTOR {
            MaxGlobalInstanceCount,
            MaxFilterInstanceCount,
            MinFilterInstanceCount,
            AutomationTable,
            KsPinDescriptor
        }
    );
    layout!(
        k,
        PCNODE_DESCRIPTOR {
            Flags,
            AutomationTable,
            Type,
            Name
        }
    );
    layout!(
        k,
        PCFILTER_DESCRIPTOR {
            Version,
            AutomationTable,
            PinSize,
            PinCount,
            Pins,
            NodeSize,
            NodeCount,
            Nodes,
            ConnectionCount,
            Connections,
            CategoryCount,
            Categories
        }
    );
    layout!(
        k,
        IMiniportVtbl {
            QueryInterface,
            AddRef,
            Release,
            GetDescription,
            DataRangeIntersection
        }
    );
    layout!(k, IMiniport { lpVtbl });
    layout!(
        k,
        IPortVtbl {
            QueryInterface,
            AddRef,
            Release,
            Init,
            GetDeviceProperty,
            NewRegistryKey
        }
    );
    layout!(k, IPort { lpVtbl });
    layout!(k, IRegistryKey { lpVtbl });
    layout!(
        k,
        IServiceSinkVtbl {
            QueryInterface,
            AddRef,
            Release,
            RequestService
        }
    );
    layout!(k, IServiceSink { lpVtbl });
    layout!(
        k,
        IServiceGroupVtbl {
            QueryInterface,
            AddRef,
            Release,
            RequestService,
            AddMember,
            RemoveMember,
            SupportDelayedService,
            RequestDelayedService,
            CancelDelayedService
        }
    );
    layout!(k, IServiceGroup { lpVtbl });
    layout!(
        k,
        IResourceListVtbl {
            QueryInterface,
            AddRef,
            Release,
            NumberOfEntries,
            NumberOfEntriesOfType,
            FindTranslatedEntry,
            FindUntranslatedEntry,
            AddEntry,
            AddEntryFromParent,
            TranslatedList,
            UntranslatedList
        }
    );
    layout!(k, IResourceList { lpVtbl });
    layout!(
        k,
        IMusicTechnologyVtbl {
            QueryInterface,
            AddRef,
            Release,
            SetTechnology
        }
    );
    layout!(k, IMusicTechnology { lpVtbl });
    layout!(
        k,
        IPowerNotifyVtbl {
            QueryInterface,
            AddRef,
            Release,
            PowerChangeNotify
        }
    );
    layout!(k, IPowerNotify { lpVtbl });

    // ---- portcls.h WaveRT and topology (src/wavert.rs) ----
    layout!(
        k,
        DEVICE_DESCRIPTION {
            Version,
            Master,
            ScatterGather,
            DemandMode,
            AutoInitialize,
            Dma32BitAddresses,
            IgnoreCount,
            Reserved1,
            Dma64BitAddresses,
            BusNumber,
            DmaChannel,
            InterfaceType,
            DmaWidth,
            DmaSpeed,
            MaximumLength,
            DmaPort,
        }
    );
    layout!(k, LARGE_INTEGER { QuadPart });
    layout!(k, IPortWaveRT { lpVtbl });
    layout!(k, IPortTopology { lpVtbl });
    layout!(
        k,
        IPortWaveRTStreamVtbl {
            QueryInterface,
            AddRef,
            Release,
            AllocatePagesForMdl,
            AllocateContiguousPagesForMdl,
            MapAllocatedPages,
            UnmapAllocatedPages,
            FreePagesFromMdl,
            GetPhysicalPagesCount,
            GetPhysicalPageAddress
        }
    );
    layout!(k, IPortWaveRTStream { lpVtbl });
    layout!(
        k,
        IMiniportWaveRTStreamVtbl {
            QueryInterface,
            AddRef,
            Release,
            SetFormat,
            SetState,
            GetPosition,
            AllocateAudioBuffer,
            FreeAudioBuffer,
            GetHWLatency,
            GetPositionRegister,
            GetClockRegister
        }
    );
    layout!(k, IMiniportWaveRTStream { lpVtbl });
    layout!(
        k,
        IMiniportWaveRTStreamNotificationVtbl {
            QueryInterface,
            AddRef,
            Release,
            SetFormat,
            SetState,
            GetPosition,
            AllocateAudioBuffer,
            FreeAudioBuffer,
            GetHWLatency,
            GetPositionRegister,
            GetClockRegister,
            AllocateBufferWithNotification,
            FreeBufferWithNotification,
            RegisterNotificationEvent,
            UnregisterNotificationEvent
        }
    );
    layout!(k, IMiniportWaveRTStreamNotification { lpVtbl });
    layout!(
        k,
        IMiniportWaveRTVtbl {
            QueryInterface,
            AddRef,
            Release,
            GetDescription,
            DataRangeIntersection,
            Init,
            NewStream,
            GetDeviceDescription
        }
    );
    layout!(k, IMiniportWaveRT { lpVtbl });
    layout!(
        k,
        IMiniportTopologyVtbl {
            QueryInterface,
            AddRef,
            Release,
            GetDescription,
            DataRangeIntersection,
            Init
        }
    );
    layout!(k, IMiniportTopology { lpVtbl });

    // ---- dmusicks.h ----
    layout!(
        k,
        DMUS_KERNEL_EVENT {
            bReserved,
            cbStruct,
            cbEvent,
            usChannelGroup,
            usFlags,
            ullPresTime100ns,
            ullBytePosition,
            pNextEvt,
            uData
        }
    );
    for member in ["abData", "pbData", "pPackageEvt"] {
        k.probe(
            format!("DMUS_KERNEL_EVENT.uData.{member}: size"),
            format!("sizeof(((DMUS_KERNEL_EVENT *)0)->uData.{member})"),
            Some(format!("field_size!(DMUS_KERNEL_EVENT_DATA, {member})")),
            match member {
                "abData" => size_of_return(|x: &DMUS_KERNEL_EVENT_DATA| unsafe { x.abData }),
                "pbData" => size_of_return(|x: &DMUS_KERNEL_EVENT_DATA| unsafe { x.pbData }),
                _ => size_of_return(|x: &DMUS_KERNEL_EVENT_DATA| unsafe { x.pPackageEvt }),
            },
        );
    }
    k.covered("DMUS_KERNEL_EVENT_DATA", &["abData", "pbData", "pPackageEvt"]);
    layout!(
        k,
        IMasterClockVtbl {
            QueryInterface,
            AddRef,
            Release,
            GetTime
        }
    );
    layout!(k, IMasterClock { lpVtbl });
    layout!(
        k,
        IMXFVtbl {
            QueryInterface,
            AddRef,
            Release,
            SetState,
            PutMessage,
            ConnectOutput,
            DisconnectOutput
        }
    );
    layout!(k, IMXF { lpVtbl });
    layout!(
        k,
        IAllocatorMXFVtbl {
            QueryInterface,
            AddRef,
            Release,
            SetState,
            PutMessage,
            ConnectOutput,
            DisconnectOutput,
            GetMessage,
            GetBufferSize,
            GetBuffer,
            PutBuffer
        }
    );
    layout!(k, IAllocatorMXF { lpVtbl });
    layout!(
        k,
        IPortDMusVtbl {
            QueryInterface,
            AddRef,
            Release,
            Init,
            GetDeviceProperty,
            NewRegistryKey,
            Notify,
            RegisterServiceGroup
        }
    );
    layout!(k, IPortDMus { lpVtbl });
    layout!(
        k,
        IMiniportDMusVtbl {
            QueryInterface,
            AddRef,
            Release,
            GetDescription,
            DataRangeIntersection,
            Init,
            Service,
            NewStream
        }
    );
    layout!(k, IMiniportDMus { lpVtbl });

    // ---- dls1.h / dls2.h / dmdls.h ----
    layout!(
        k,
        DLSID {
            ulData1,
            usData2,
            usData3,
            abData4
        }
    );
    layout!(
        k,
        DLSVERSION {
            dwVersionMS,
            dwVersionLS
        }
    );
    layout!(
        k,
        CONNECTION {
            usSource,
            usControl,
            usDestination,
            usTransform,
            lScale
        }
    );
    layout!(k, CONNECTIONLIST { cbSize, cConnections });
    layout!(k, RGNRANGE { usLow, usHigh });
    layout!(k, MIDILOCALE { ulBank, ulInstrument });
    layout!(
        k,
        RGNHEADER {
            RangeKey,
            RangeVelocity,
            fusOptions,
            usKeyGroup
        }
    );
    layout!(k, INSTHEADER { cRegions, Locale });
    layout!(k, DLSHEADER { cInstruments });
    layout!(
        k,
        WAVELINK {
            fusOptions,
            usPhaseGroup,
            ulChannel,
            ulTableIndex
        }
    );
    layout!(k, POOLCUE { ulOffset });
    layout!(k, POOLTABLE { cbSize, cCues });
    layout!(
        k,
        WSMPL {
            cbSize,
            usUnityNote,
            sFineTune,
            lAttenuation,
            fulOptions,
            cSampleLoops
        }
    );
    layout!(
        k,
        WLOOP {
            cbSize,
            ulType,
            ulStart,
            ulLength
        }
    );
    layout!(
        k,
        DMUS_DOWNLOADINFO {
            dwDLType,
            dwDLId,
            dwNumOffsetTableEntries,
            cbSize
        }
    );
    layout!(k, DMUS_OFFSETTABLE { ulOffsetTable });
    layout!(
        k,
        DMUS_INSTRUMENT {
            ulPatch,
            ulFirstRegionIdx,
            ulGlobalArtIdx,
            ulFirstExtCkIdx,
            ulCopyrightIdx,
            ulFlags
        }
    );
    layout!(
        k,
        DMUS_REGION {
            RangeKey,
            RangeVelocity,
            fusOptions,
            usKeyGroup,
            ulRegionArtIdx,
            ulNextRegionIdx,
            ulFirstExtCkIdx,
            WaveLink,
            WSMP,
            WLOOP
        }
    );
    layout!(
        k,
        DMUS_LFOPARAMS {
            pcFrequency,
            tcDelay,
            gcVolumeScale,
            pcPitchScale,
            gcMWToVolume,
            pcMWToPitch
        }
    );
    layout!(
        k,
        DMUS_VEGPARAMS {
            tcAttack,
            tcDecay,
            ptSustain,
            tcRelease,
            tcVel2Attack,
            tcKey2Decay
        }
    );
    layout!(
        k,
        DMUS_PEGPARAMS {
            tcAttack,
            tcDecay,
            ptSustain,
            tcRelease,
            tcVel2Attack,
            tcKey2Decay,
            pcRange
        }
    );
    layout!(k, DMUS_MSCPARAMS { ptDefaultPan });
    layout!(
        k,
        DMUS_ARTICPARAMS {
            LFO,
            VolEG,
            PitchEG,
            Misc
        }
    );
    layout!(
        k,
        DMUS_ARTICULATION {
            ulArt1Idx,
            ulFirstExtCkIdx
        }
    );
    layout!(
        k,
        DMUS_ARTICULATION2 {
            ulArtIdx,
            ulFirstExtCkIdx,
            ulNextArtIdx
        }
    );
    layout!(
        k,
        DMUS_EXTENSIONCHUNK {
            cbSize,
            ulNextExtCkIdx,
            ExtCkID,
            byExtCk
        }
    );
    layout!(k, DMUS_COPYRIGHT { cbSize, byCopyright });
    layout!(k, DMUS_WAVEDATA { cbSize, byData });
    layout!(
        k,
        DMUS_WAVE {
            ulFirstExtCkIdx,
            ulCopyrightIdx,
            ulWaveDataIdx,
            WaveformatEx
        }
    );
    layout!(
        k,
        DMUS_NOTERANGE {
            dwLowNote,
            dwHighNote
        }
    );
    layout!(
        k,
        DMUS_WAVEARTDL {
            ulDownloadIdIdx,
            ulBus,
            ulBuffers,
            ulMasterDLId,
            usOptions
        }
    );
    layout!(k, DMUS_WAVEDL { cbWaveData });

    // ---- documented only (no mingw header): layout-sizes-mingw-reactos.txt,
    // dmus-miniport-and-ddksynth.md §b.3/§c.2 ----
    documented_layout!(k, SYNTHCAPS size (296, 296) align (4, 4) {
        Guid: (0, 0), Flags: (16, 16), MemorySize: (20, 20), MaxChannelGroups: (24, 24),
        MaxVoices: (28, 28), MaxAudioChannels: (32, 32), EffectFlags: (36, 36), Description: (40, 40),
    });
    documented_layout!(k, SYNTH_PORTPARAMS size (28, 28) align (4, 4) {
        ValidParams: (0, 0), Voices: (4, 4), ChannelGroups: (8, 8), AudioChannels: (12, 12),
        SampleRate: (16, 16), EffectsFlags: (20, 20), Share: (24, 24),
    });
    documented_layout!(k, SYNTH_BUFFER size (16, 8) align (8, 4) { BufferSize: (0, 0), BufferAddress: (8, 4) });
    // ksmedia.h KSRTAUDIO_HWLATENCY {ULONG FifoSize, ChipsetDelay, CodecDelay} (WDK ksmedia.h and
    // the KSRTAUDIO_HWLATENCY reference page; mingw only declares the name): three ULONGs.
    documented_layout!(k, KSRTAUDIO_HWLATENCY size (12, 12) align (4, 4) {
        FifoSize: (0, 0), ChipsetDelay: (4, 4), CodecDelay: (8, 8),
    });
    documented_layout!(k, SYNTH_BUFFER32 size (8, 8) align (4, 4) { BufferSize: (0, 0), BufferAddress: (4, 4) });
    documented_layout!(k, SYNTHDOWNLOAD size (16, 8) align (8, 4) { DownloadHandle: (0, 0), Free: (8, 4) });
    documented_layout!(k, SYNTHDOWNLOAD32 size (8, 8) align (4, 4) { DownloadHandle: (0, 0), Free: (4, 4) });
    documented_layout!(k, SYNTHVOICEPRIORITY_INSTANCE size (8, 8) align (4, 4) { ChannelGroup: (0, 0), Channel: (4, 4) });
    documented_layout!(k, SYNTH_STATS size (28, 28) align (4, 4) {
        ValidStats: (0, 0), Voices: (4, 4), TotalCPU: (8, 8), CPUPerVoice: (12, 12),
        LostNotes: (16, 16), FreeMemory: (20, 20), PeakVolume: (24, 24),
    });
    documented_layout!(k, SYNTH_REVERB_PARAMS size (16, 16) align (4, 4) {
        fInGain: (0, 0), fReverbMix: (4, 4), fReverbTime: (8, 8), fHighFreqRTRatio: (12, 12),
    });
    // ISynthSinkDMus : IMXF, slot order per WDK dmusicks.h (reference §b.3): one pointer per slot.
    documented_layout!(k, ISynthSinkDMusVtbl size (88, 44) align (8, 4) {
        QueryInterface: (0, 0), AddRef: (8, 4), Release: (16, 8), SetState: (24, 12),
        PutMessage: (32, 16), ConnectOutput: (40, 20), DisconnectOutput: (48, 24),
        Render: (56, 28), SyncToMaster: (64, 32), SampleToRefTime: (72, 36), RefTimeToSample: (80, 40),
    });
    documented_layout!(k, ISynthSinkDMus size (8, 4) align (8, 4) { lpVtbl: (0, 0) });

    // ---- constants mingw defines ----
    constants!(
        k,
        // ks.h
        KSSTATE_STOP,
        KSSTATE_ACQUIRE,
        KSSTATE_PAUSE,
        KSSTATE_RUN,
        MmCached,
        KSPIN_DATAFLOW_IN,
        KSPIN_DATAFLOW_OUT,
        KSPIN_COMMUNICATION_NONE,
        KSPIN_COMMUNICATION_SINK,
        KSPIN_COMMUNICATION_SOURCE,
        KSPIN_COMMUNICATION_BOTH,
        KSPIN_COMMUNICATION_BRIDGE,
        KSPROPERTY_TYPE_GET,
        KSPROPERTY_TYPE_SET,
        KSPROPERTY_TYPE_SETSUPPORT,
        KSPROPERTY_TYPE_BASICSUPPORT,
        KSPROPERTY_TYPE_RELATIONS,
        KSPROPERTY_TYPE_SERIALIZESET,
        KSPROPERTY_TYPE_UNSERIALIZESET,
        KSPROPERTY_TYPE_SERIALIZERAW,
        KSPROPERTY_TYPE_UNSERIALIZERAW,
        KSPROPERTY_TYPE_SERIALIZESIZE,
        KSPROPERTY_TYPE_DEFAULTVALUES,
        KSPROPERTY_TYPE_TOPOLOGY,
        KSMETHOD_TYPE_NONE,
        KSMETHOD_TYPE_READ,
        KSMETHOD_TYPE_WRITE,
        KSMETHOD_TYPE_MODIFY,
        KSMETHOD_TYPE_SOURCE,
        KSMETHOD_TYPE_SEND,
        KSMETHOD_TYPE_SETSUPPORT,
        KSMETHOD_TYPE_BASICSUPPORT,
        KSMETHOD_TYPE_TOPOLOGY,
        KSEVENT_TYPE_ENABLE,
        KSEVENT_TYPE_ONESHOT,
        KSEVENT_TYPE_ENABLEBUFFERED,
        KSEVENT_TYPE_SETSUPPORT,
        KSEVENT_TYPE_BASICSUPPORT,
        KSEVENT_TYPE_QUERYBUFFER,
        KSEVENT_TYPE_TOPOLOGY,
        KSFILTER_NODE,
        KSDATAFORMAT_ATTRIBUTES,
        KSDATAFORMAT_TEMPORAL_COMPRESSION,
        // ksmedia.h / mmreg.h
        WAVE_FORMAT_PCM,
        WAVE_FORMAT_IEEE_FLOAT,
        WAVE_FORMAT_EXTENSIBLE,
        SPEAKER_FRONT_LEFT,
        SPEAKER_FRONT_RIGHT,
        KSAUDIO_SPEAKER_STEREO,
        // portcls.h
        PCFILTER_NODE,
        _100NS_UNITS_PER_SECOND,
        PCPROPERTY_ITEM_FLAG_GET,
        PCPROPERTY_ITEM_FLAG_SET,
        PCPROPERTY_ITEM_FLAG_BASICSUPPORT,
        PCPROPERTY_ITEM_FLAG_SERIALIZERAW,
        PCPROPERTY_ITEM_FLAG_UNSERIALIZERAW,
        PCPROPERTY_ITEM_FLAG_SERIALIZESIZE,
        PCPROPERTY_ITEM_FLAG_SERIALIZE,
        PCPROPERTY_ITEM_FLAG_DEFAULTVALUES,
        PCEVENT_ITEM_FLAG_ENABLE,
        PCEVENT_ITEM_FLAG_ONESHOT,
        PCEVENT_ITEM_FLAG_BASICSUPPORT,
        PCEVENT_VERB_NONE,
        PCEVENT_VERB_ADD,
        PCEVENT_VERB_REMOVE,
        PCEVENT_VERB_SUPPORT,
        PCMETHOD_ITEM_FLAG_NONE,
        PCMETHOD_ITEM_FLAG_READ,
        PCMETHOD_ITEM_FLAG_WRITE,
        PCMETHOD_ITEM_FLAG_MODIFY,
        PCMETHOD_ITEM_FLAG_SOURCE,
        PCMETHOD_ITEM_FLAG_BASICSUPPORT,
        // wdm.h
        NonPagedPool,
        NonPagedPoolNx,
        PagedPool,
        NonPagedPoolMustSucceed,
        DontUseThisType,
        NonPagedPoolCacheAligned,
        PagedPoolCacheAligned,
        NonPagedPoolCacheAlignedMustS,
        PowerDeviceD0,
        PowerDeviceD3,
        // dmusicks.h
        DONT_HOLD_FOR_SEQUENCING,
        DMUS_STREAM_MIDI_INVALID,
        DMUS_STREAM_MIDI_RENDER,
        DMUS_STREAM_MIDI_CAPTURE,
        DMUS_STREAM_WAVE_SINK,
        // dls1.h / dls2.h
        CONN_SRC_NONE,
        CONN_SRC_LFO,
        CONN_SRC_KEYONVELOCITY,
        CONN_SRC_KEYNUMBER,
        CONN_SRC_EG1,
        CONN_SRC_EG2,
        CONN_SRC_PITCHWHEEL,
        CONN_SRC_CC1,
        CONN_SRC_CC7,
        CONN_SRC_CC10,
        CONN_SRC_CC11,
        CONN_SRC_POLYPRESSURE,
        CONN_SRC_CHANNELPRESSURE,
        CONN_SRC_VIBRATO,
        CONN_SRC_MONOPRESSURE,
        CONN_SRC_CC91,
        CONN_SRC_CC93,
        CONN_DST_NONE,
        CONN_DST_ATTENUATION,
        CONN_DST_GAIN,
        CONN_DST_PITCH,
        CONN_DST_PAN,
        CONN_DST_KEYNUMBER,
        CONN_DST_LEFT,
        CONN_DST_RIGHT,
        CONN_DST_CENTER,
        CONN_DST_LEFTREAR,
        CONN_DST_RIGHTREAR,
        CONN_DST_LFE_CHANNEL,
        CONN_DST_CHORUS,
        CONN_DST_REVERB,
        CONN_DST_LFO_FREQUENCY,
        CONN_DST_LFO_STARTDELAY,
        CONN_DST_VIB_FREQUENCY,
        CONN_DST_VIB_STARTDELAY,
        CONN_DST_EG1_ATTACKTIME,
        CONN_DST_EG1_DECAYTIME,
        CONN_DST_EG1_RELEASETIME,
        CONN_DST_EG1_SUSTAINLEVEL,
        CONN_DST_EG1_DELAYTIME,
        CONN_DST_EG1_HOLDTIME,
        CONN_DST_EG1_SHUTDOWNTIME,
        CONN_DST_EG2_ATTACKTIME,
        CONN_DST_EG2_DECAYTIME,
        CONN_DST_EG2_RELEASETIME,
        CONN_DST_EG2_SUSTAINLEVEL,
        CONN_DST_EG2_DELAYTIME,
        CONN_DST_EG2_HOLDTIME,
        CONN_DST_FILTER_CUTOFF,
        CONN_DST_FILTER_Q,
        CONN_TRN_NONE,
        CONN_TRN_CONCAVE,
        CONN_TRN_CONVEX,
        CONN_TRN_SWITCH,
        F_INSTRUMENT_DRUMS,
        F_RGN_OPTION_SELFNONEXCLUSIVE,
        WAVELINK_CHANNEL_LEFT,
        WAVELINK_CHANNEL_RIGHT,
        F_WAVELINK_PHASE_MASTER,
        F_WAVELINK_MULTICHANNEL,
        POOL_CUE_NULL,
        F_WSMP_NO_TRUNCATION,
        F_WSMP_NO_COMPRESSION,
        WLOOP_TYPE_FORWARD,
        DLS_CDL_AND,
        DLS_CDL_OR,
        DLS_CDL_XOR,
        DLS_CDL_ADD,
        DLS_CDL_SUBTRACT,
        DLS_CDL_MULTIPLY,
        DLS_CDL_DIVIDE,
        DLS_CDL_LOGICAL_AND,
        DLS_CDL_LOGICAL_OR,
        DLS_CDL_LT,
        DLS_CDL_LE,
        DLS_CDL_GT,
        DLS_CDL_GE,
        DLS_CDL_EQ,
        DLS_CDL_NOT,
        DLS_CDL_CONST,
        DLS_CDL_QUERY,
        DLS_CDL_QUERYSUPPORTED,
        // dmdls.h
        DMUS_DOWNLOADINFO_INSTRUMENT,
        DMUS_DOWNLOADINFO_WAVE,
        DMUS_DOWNLOADINFO_INSTRUMENT2,
        DMUS_DOWNLOADINFO_WAVEARTICULATION,
        DMUS_DOWNLOADINFO_STREAMINGWAVE,
        DMUS_DOWNLOADINFO_ONESHOTWAVE,
        DMUS_DEFAULT_SIZE_OFFSETTABLE,
        DMUS_INSTRUMENT_GM_INSTRUMENT,
        DMUS_MIN_DATA_SIZE,
        // dmerror.h
        DMUS_E_NOTMONO,
        DMUS_E_BADARTICULATION,
        DMUS_E_BADINSTRUMENT,
        DMUS_E_BADWAVELINK,
        DMUS_E_NOARTICULATION,
        DMUS_E_NOTPCM,
        DMUS_E_BADWAVE,
        DMUS_E_BADOFFSETTABLE,
        DMUS_E_UNKNOWNDOWNLOAD,
        // ntstatus.h
        STATUS_SUCCESS,
        STATUS_PENDING,
        STATUS_NOT_ALL_ASSIGNED,
        STATUS_BUFFER_OVERFLOW,
        STATUS_UNSUCCESSFUL,
        STATUS_NOT_IMPLEMENTED,
        STATUS_INVALID_PARAMETER,
        STATUS_INVALID_DEVICE_REQUEST,
        STATUS_NO_MEMORY,
        STATUS_BUFFER_TOO_SMALL,
        STATUS_INSUFFICIENT_RESOURCES,
        STATUS_NOT_SUPPORTED,
        STATUS_INVALID_HANDLE,
        STATUS_NOT_FOUND,
        STATUS_INVALID_DEVICE_STATE,
        STATUS_INVALID_BUFFER_SIZE,
        STATUS_DEVICE_NOT_READY,
        STATUS_ACCESS_VIOLATION,
        STATUS_NO_MATCH,
        STATUS_OBJECT_NAME_NOT_FOUND,
        STATUS_OBJECT_NAME_COLLISION,
        STATUS_OBJECT_PATH_NOT_FOUND,
        STATUS_NO_SUCH_FILE,
        STATUS_END_OF_FILE,
        STATUS_NO_SUCH_DEVICE,
    );
    k
}

/// Constants mingw lacks, against the reference's values (dmus-miniport-and-ddksynth.md §c).
fn documented_constants(k: &mut Checks) {
    documented_constants!(
        k,
        // dmusicks.h (WDK)
        DMUS_KEF_EVENT_COMPLETE = 0x0000,
        DMUS_KEF_EVENT_INCOMPLETE = 0x0001,
        DMUS_KEF_PACKAGE_EVENT = 0x0002,
        kBytePositionNone = u64::MAX,
        DMUS_EFFECT_NONE = 0,
        DMUS_EFFECT_REVERB = 1,
        DMUS_EFFECT_CHORUS = 2,
        // ks.h topology pins
        KSNODEPIN_STANDARD_IN = 1,
        KSNODEPIN_STANDARD_OUT = 0,
        // dmusprop.h (XP+ values)
        KSPROPERTY_SYNTH_VOLUME = 0,
        KSPROPERTY_SYNTH_VOLUMEBOOST = 1,
        KSPROPERTY_SYNTH_CAPS = 2,
        KSPROPERTY_SYNTH_PORTPARAMETERS = 3,
        KSPROPERTY_SYNTH_CHANNELGROUPS = 4,
        KSPROPERTY_SYNTH_VOICEPRIORITY = 5,
        KSPROPERTY_SYNTH_LATENCYCLOCK = 6,
        KSPROPERTY_SYNTH_RUNNINGSTATS = 7,
        KSPROPERTY_SYNTH_DLS_DOWNLOAD = 0,
        KSPROPERTY_SYNTH_DLS_UNLOAD = 1,
        KSPROPERTY_SYNTH_DLS_COMPACT = 2,
        KSPROPERTY_SYNTH_DLS_APPEND = 3,
        KSPROPERTY_SYNTH_DLS_WAVEFORMAT = 4,
        KSPROPERTY_SYNTH_MASTERCLOCK = 0,
        SYNTH_PC_DLS = 0x1,
        SYNTH_PC_EXTERNAL = 0x2,
        SYNTH_PC_SOFTWARESYNTH = 0x4,
        SYNTH_PC_MEMORYSIZEFIXED = 0x8,
        SYNTH_PC_GMINHARDWARE = 0x10,
        SYNTH_PC_GSINHARDWARE = 0x20,
        SYNTH_PC_XGINHARDWARE = 0x40,
        SYNTH_PC_DLS2 = 0x200,
        SYNTH_PC_REVERB = 0x4000_0000,
        SYNTH_PC_SYSTEMMEMORY = 0x7fff_ffff,
        SYNTH_PORTPARAMS_VOICES = 0x1,
        SYNTH_PORTPARAMS_CHANNELGROUPS = 0x2,
        SYNTH_PORTPARAMS_AUDIOCHANNELS = 0x4,
        SYNTH_PORTPARAMS_SAMPLERATE = 0x8,
        SYNTH_PORTPARAMS_EFFECTS = 0x20,
        SYNTH_PORTPARAMS_SHARE = 0x40,
        SYNTH_EFFECT_NONE = 0,
        SYNTH_EFFECT_REVERB = 1,
        SYNTH_EFFECT_CHORUS = 2,
        SYNTH_EFFECT_DELAY = 4,
        SYNTH_STATS_VOICES = 1,
        SYNTH_STATS_TOTAL_CPU = 2,
        SYNTH_STATS_CPU_PER_VOICE = 4,
        SYNTH_STATS_LOST_NOTES = 8,
        SYNTH_STATS_PEAK_VOLUME = 0x10,
        SYNTH_STATS_FREE_MEMORY = 0x20,
        DAUD_CRITICAL_VOICE_PRIORITY = 0xF000_0000u32,
        DAUD_HIGH_VOICE_PRIORITY = 0xC000_0000u32,
        DAUD_STANDARD_VOICE_PRIORITY = 0x8000_0000u32,
        DAUD_LOW_VOICE_PRIORITY = 0x4000_0000,
        DAUD_PERSIST_VOICE_PRIORITY = 0x1000_0000,
        DAUD_CHAN1_VOICE_PRIORITY_OFFSET = 0x0E,
        DAUD_CHAN1_DEF_VOICE_PRIORITY = 0x8000_000Eu32,
        DAUD_CHAN2_VOICE_PRIORITY_OFFSET = 0x0D,
        DAUD_CHAN2_DEF_VOICE_PRIORITY = 0x8000_000Du32,
        DAUD_CHAN3_VOICE_PRIORITY_OFFSET = 0x0C,
        DAUD_CHAN3_DEF_VOICE_PRIORITY = 0x8000_000Cu32,
        DAUD_CHAN4_VOICE_PRIORITY_OFFSET = 0x0B,
        DAUD_CHAN4_DEF_VOICE_PRIORITY = 0x8000_000Bu32,
        DAUD_CHAN5_VOICE_PRIORITY_OFFSET = 0x0A,
        DAUD_CHAN5_DEF_VOICE_PRIORITY = 0x8000_000Au32,
        DAUD_CHAN6_VOICE_PRIORITY_OFFSET = 0x09,
        DAUD_CHAN6_DEF_VOICE_PRIORITY = 0x8000_0009u32,
        DAUD_CHAN7_VOICE_PRIORITY_OFFSET = 0x08,
        DAUD_CHAN7_DEF_VOICE_PRIORITY = 0x8000_0008u32,
        DAUD_CHAN8_VOICE_PRIORITY_OFFSET = 0x07,
        DAUD_CHAN8_DEF_VOICE_PRIORITY = 0x8000_0007u32,
        DAUD_CHAN9_VOICE_PRIORITY_OFFSET = 0x06,
        DAUD_CHAN9_DEF_VOICE_PRIORITY = 0x8000_0006u32,
        DAUD_CHAN10_VOICE_PRIORITY_OFFSET = 0x0F,
        DAUD_CHAN10_DEF_VOICE_PRIORITY = 0x8000_000Fu32,
        DAUD_CHAN11_VOICE_PRIORITY_OFFSET = 0x05,
        DAUD_CHAN11_DEF_VOICE_PRIORITY = 0x8000_0005u32,
        DAUD_CHAN12_VOICE_PRIORITY_OFFSET = 0x04,
        DAUD_CHAN12_DEF_VOICE_PRIORITY = 0x8000_0004u32,
        DAUD_CHAN13_VOICE_PRIORITY_OFFSET = 0x03,
        DAUD_CHAN13_DEF_VOICE_PRIORITY = 0x8000_0003u32,
        DAUD_CHAN14_VOICE_PRIORITY_OFFSET = 0x02,
        DAUD_CHAN14_DEF_VOICE_PRIORITY = 0x8000_0002u32,
        DAUD_CHAN15_VOICE_PRIORITY_OFFSET = 0x01,
        DAUD_CHAN15_DEF_VOICE_PRIORITY = 0x8000_0001u32,
        DAUD_CHAN16_VOICE_PRIORITY_OFFSET = 0x00,
        DAUD_CHAN16_DEF_VOICE_PRIORITY = 0x8000_0000u32,
        // dls2.h, Windows XP+ (mingw has no WLOOP_TYPE_RELEASE; Wine's value agrees)
        WLOOP_TYPE_RELEASE = 1,
        // dls1.h/dls2.h values mingw omits (DLS Level 1/2 specification; Microsoft's dls1.h/dls2.h;
        // RPNs: dls-and-synth-engines.md)
        CONN_DST_RESERVED = 0x0002,
        CONN_DST_EG1_RESERVED = 0x0208,
        CONN_DST_EG2_RESERVED = 0x030C,
        CONN_SRC_RPN0 = 0x0100,
        CONN_SRC_RPN1 = 0x0101,
        CONN_SRC_RPN2 = 0x0102,
        // dmusicc.h is user-mode C++; these two are plain numbers
        DMUS_VOLUME_MAX = 2000,
        DMUS_VOLUME_MIN = -20000,
    );
    // Per-channel default priorities: ch10 highest (0x8000000F), ch16 lowest (0x80000000).
    let offsets = [
        0x0E, 0x0D, 0x0C, 0x0B, 0x0A, 0x09, 0x08, 0x07, 0x06, 0x0F, 0x05, 0x04, 0x03, 0x02, 0x01, 0x00,
    ];
    assert_eq!(DAUD_CHAN_VOICE_PRIORITY_OFFSET, offsets);
    for (channel, offset) in offsets.iter().enumerate() {
        assert_eq!(DAUD_CHAN_DEF_VOICE_PRIORITY[channel], 0x8000_0000 | offset);
    }
    for name in ["DAUD_CHAN_VOICE_PRIORITY_OFFSET", "DAUD_CHAN_DEF_VOICE_PRIORITY"] {
        k.constants.insert(name.to_string());
    }
    // Rust-only helpers (no C name): their values are their definitions.
    for name in ["PCNODE_DESCRIPTOR_FLAGS_NONE", "PCFILTER_DESCRIPTOR_VERSION"] {
        k.constants.insert(name.to_string());
    }
}

// -------------------------------------------------------------------------------------------------
// The C side.

/// Compiles the probe for one architecture and returns each check's value, by index.
fn probe(checks: &[Check], m32: bool) -> Vec<Option<i64>> {
    // Tests run in parallel threads: every probe gets its own file.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let serial = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let source = std::env::temp_dir().join(format!(
        "portcls-sys-probe-{}-{serial}-{}.c",
        std::process::id(),
        if m32 { "x86" } else { "x64" }
    ));
    let mut text = String::from(PRELUDE);
    for (index, check) in checks.iter().enumerate() {
        if let Some(expr) = &check.c_expr {
            writeln!(
                text,
                "const long long probe_{index} = (long long)({expr}); /* {} */",
                check.label
            )
            .unwrap();
        }
    }
    std::fs::write(&source, text).unwrap();
    let mut command = Command::new(CC);
    if m32 {
        command.arg("-m32");
    }
    let include = mingw_include();
    let output = command
        .arg("-S")
        .arg("-o")
        .arg("-")
        .arg(format!("-I{}", include.join("ddk").display()))
        .arg(&source)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {CC} ({e}): install gcc-mingw-w64-x86-64 and mingw-w64-x86-64-dev \
                 (scripts/test.sh must install them); this test does not skip"
            )
        });
    assert!(
        output.status.success(),
        "{CC} {} failed on {}:\n{}",
        if m32 { "-m32" } else { "" },
        source.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::remove_file(&source).unwrap();
    let assembly = String::from_utf8(output.stdout).unwrap();
    let mut values = vec![None; checks.len()];
    let mut lines = assembly.lines().peekable();
    while let Some(line) = lines.next() {
        let label = line.trim().trim_start_matches('_');
        let Some(index) = label.strip_prefix("probe_").and_then(|l| l.strip_suffix(':')) else {
            continue;
        };
        let index: usize = index.parse().unwrap();
        let mut words = Vec::new();
        while let Some(next) = lines.peek() {
            let next = next.trim();
            if let Some(v) = next.strip_prefix(".quad") {
                words.push((v.trim().parse::<i64>().unwrap(), 64));
            } else if let Some(v) = next.strip_prefix(".long") {
                words.push((v.trim().parse::<i64>().unwrap(), 32));
            } else if next == ".space\t8" || next == ".space 8" || next == ".zero\t8" {
                words.push((0, 64)); // an all-zero constant
            } else {
                break;
            }
            lines.next();
        }
        let value = match words.as_slice() {
            [(v, 64)] => *v,
            [(low, 32), (high, 32)] => (*low as u32 as i64) | (*high << 32),
            other => panic!("unexpected assembly for probe_{index}: {other:?}"),
        };
        values[index] = Some(value);
    }
    for (index, check) in checks.iter().enumerate() {
        assert_eq!(
            check.c_expr.is_some(),
            values[index].is_some(),
            "probe value missing: {}",
            check.label
        );
    }
    values
}

// -------------------------------------------------------------------------------------------------
// The source scan: nothing escapes the checks.

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn source_files() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(src_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// `pub struct X {` / `pub union X {` -> field names, in order.
fn declared_types() -> BTreeMap<String, Vec<String>> {
    let mut types = BTreeMap::new();
    for (_, text) in source_files() {
        let mut current: Option<(String, Vec<String>)> = None;
        for line in text.lines() {
            let trimmed = line.trim();
            if let Some((name, fields)) = current.as_mut() {
                if line.starts_with('}') {
                    types.insert(name.clone(), std::mem::take(fields));
                    current = None;
                } else if let Some(rest) = trimmed.strip_prefix("pub ")
                    && let Some((field, _)) = rest.split_once(':')
                {
                    fields.push(field.trim().to_string());
                }
                continue;
            }
            for keyword in ["pub struct ", "pub union "] {
                if let Some(rest) = line.strip_prefix(keyword)
                    && let Some(name) = rest.strip_suffix(" {")
                {
                    current = Some((name.to_string(), Vec::new()));
                }
            }
        }
    }
    types
}

/// `pub const NAME: TYPE = ...` -> (name, type).
fn declared_constants() -> Vec<(String, String)> {
    let mut constants = Vec::new();
    for (_, text) in source_files() {
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("pub const ") {
                if rest.starts_with("fn ") {
                    continue;
                }
                if let Some((name, rest)) = rest.split_once(':') {
                    let ty = rest.split('=').next().unwrap().trim().to_string();
                    constants.push((name.trim().to_string(), ty));
                }
            }
        }
    }
    constants
}

// -------------------------------------------------------------------------------------------------
// The golden file (compile-time checks for every target).

fn golden_text(checks: &[Check], x64: &[Option<i64>], x86: &[Option<i64>]) -> String {
    let mut text = String::from(
        "// @generated by tests/layout.rs from mingw-w64's headers (x86_64-w64-mingw32-gcc, -m64 and -m32)\n\
         // and, for types mingw lacks, the values documented in shared/reference. Do not edit;\n\
         // regenerate with `PORTCLS_SYS_BLESS=1 cargo test -p portcls-sys --test layout`.\n\
         // Each line: check!(Rust expression, Windows x64/ARM64 value, Windows x86 value, label).\n",
    );
    for (index, check) in checks.iter().enumerate() {
        let Some(expr) = &check.rust_expr else { continue };
        let (wide, narrow) = match check.documented {
            Some(pair) => pair,
            None => (x64[index].unwrap(), x86[index].unwrap()),
        };
        writeln!(text, "check!({expr}, {wide}, {narrow}, {:?});", check.label).unwrap();
    }
    text
}

// -------------------------------------------------------------------------------------------------
// GUIDs.

fn header_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            header_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "h") {
            out.push(path);
        }
    }
}

fn parse_number(token: &str) -> Option<u64> {
    let t = token.trim().trim_end_matches(['L', 'l', 'U', 'u']);
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        u64::from_str_radix(hex, 16).ok()
    } else {
        t.parse().ok()
    }
}

fn parse_guid_string(text: &str) -> Option<GUID> {
    let text = text.trim().trim_start_matches("0x").trim_matches(['{', '}']);
    let parts: Vec<_> = text.split('-').collect();
    if parts.len() != 5 {
        return None;
    }
    let hex: String = parts.concat();
    if hex.len() != 32 {
        return None;
    }
    Some(GUID::from_u128(u128::from_str_radix(&hex, 16).ok()?))
}

/// Every `DEFINE_GUID(NAME, ...)` and `DEFINE_GUIDSTRUCT("...", NAME)` in the headers, plus
/// `#define NAME OTHER` aliases of those.
/// A GUID as an ordered key.
type GuidKey = (u32, u16, u16, [u8; 8]);

fn header_guids() -> BTreeMap<String, BTreeSet<GuidKey>> {
    let mut files = Vec::new();
    header_files(&mingw_include(), &mut files);
    assert!(
        files.len() > 100,
        "no mingw headers under {}",
        mingw_include().display()
    );
    let mut guids: BTreeMap<String, BTreeSet<_>> = BTreeMap::new();
    let mut aliases = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let text = text.replace("\\\n", " ");
        for (marker, is_struct) in [("DEFINE_GUID", false), ("DEFINE_GUIDSTRUCT", true)] {
            let mut rest = text.as_str();
            while let Some(position) = rest.find(marker) {
                rest = &rest[position + marker.len()..];
                let after = rest.trim_start();
                let Some(after) = after.strip_prefix('(') else {
                    continue;
                };
                let Some(end) = after.find(')') else { continue };
                let arguments: Vec<&str> = after[..end].split(',').map(str::trim).collect();
                let parsed = if is_struct {
                    match arguments.as_slice() {
                        [string, name] => {
                            parse_guid_string(string.trim_matches('"')).map(|g| (name.to_string(), g))
                        }
                        _ => None,
                    }
                } else if arguments.len() == 12 {
                    let numbers: Option<Vec<u64>> = arguments[1..].iter().map(|a| parse_number(a)).collect();
                    numbers.map(|n| {
                        let data4 = [n[3], n[4], n[5], n[6], n[7], n[8], n[9], n[10]].map(|b| b as u8);
                        (
                            arguments[0].to_string(),
                            GUID::new(n[0] as u32, n[1] as u16, n[2] as u16, data4),
                        )
                    })
                } else {
                    None
                };
                if let Some((name, g)) = parsed {
                    guids
                        .entry(name)
                        .or_default()
                        .insert((g.Data1, g.Data2, g.Data3, g.Data4));
                }
            }
        }
        for line in text.lines() {
            let words: Vec<_> = line.split_whitespace().collect();
            if let ["#define", name, other] = words.as_slice() {
                aliases.push((name.to_string(), other.to_string()));
            }
        }
    }
    for (name, other) in aliases {
        if !guids.contains_key(&name)
            && let Some(values) = guids.get(&other).cloned()
        {
            guids.insert(name, values);
        }
    }
    guids
}

macro_rules! guid_list {
    ($($name:ident),* $(,)?) => { vec![$((stringify!($name), $name)),*] };
}

fn rust_guids() -> Vec<(&'static str, GUID)> {
    guid_list![
        GUID_NULL,
        IID_IUnknown,
        KSCATEGORY_RENDER,
        KSCATEGORY_CAPTURE,
        KSCATEGORY_DATATRANSFORM,
        KSDATAFORMAT_SPECIFIER_NONE,
        KSDATAFORMAT_TYPE_WILDCARD,
        KSDATAFORMAT_SUBTYPE_WILDCARD,
        KSDATAFORMAT_SPECIFIER_WILDCARD,
        KSINTERFACESETID_Standard,
        KSMEDIUMSETID_Standard,
        KSPROPSETID_Pin,
        KSPROPSETID_Topology,
        KSPROPSETID_Connection,
        KSPROPSETID_General,
        KSCATEGORY_AUDIO,
        KSCATEGORY_TOPOLOGY,
        KSCATEGORY_WDMAUD_USE_PIN_NAME,
        KSNODETYPE_SYNTHESIZER,
        KSCATEGORY_SYNTHESIZER,
        KSNODETYPE_SPEAKER,
        KSNODETYPE_DAC,
        KSNODETYPE_SUM,
        KSNODETYPE_VOLUME,
        KSAUDFNAME_MIDI,
        KSPROPSETID_Audio,
        KSDATAFORMAT_TYPE_MUSIC,
        KSDATAFORMAT_SUBTYPE_MIDI,
        KSDATAFORMAT_SUBTYPE_MIDI_BUS,
        KSMUSIC_TECHNOLOGY_PORT,
        KSMUSIC_TECHNOLOGY_SQSYNTH,
        KSMUSIC_TECHNOLOGY_FMSYNTH,
        KSMUSIC_TECHNOLOGY_WAVETABLE,
        KSMUSIC_TECHNOLOGY_SWSYNTH,
        KSDATAFORMAT_TYPE_AUDIO,
        KSDATAFORMAT_SUBTYPE_PCM,
        KSDATAFORMAT_SUBTYPE_IEEE_FLOAT,
        KSDATAFORMAT_SPECIFIER_WAVEFORMATEX,
        IID_IMiniport,
        IID_IPort,
        IID_IResourceList,
        IID_IDmaChannel,
        IID_IInterruptSync,
        IID_IServiceSink,
        IID_IServiceGroup,
        IID_IRegistryKey,
        IID_IPowerNotify,
        IID_IAdapterPowerManagement,
        IID_IPinCount,
        IID_IPortEvents,
        IID_IUnregisterSubdevice,
        IID_IUnregisterPhysicalConnection,
        IID_IMusicTechnology,
        IID_IPortTopology,
        CLSID_PortTopology,
        IID_IMiniportTopology,
        CLSID_PortDMus,
        CLSID_MiniportDriverDMusUART,
        CLSID_MiniportDriverDMusUARTCapture,
        IID_IPortDMus,
        IID_IMiniportDMus,
        IID_IMXF,
        IID_IAllocatorMXF,
        IID_ISynthSinkDMus,
        KSAUDFNAME_DMUSIC_MPU_OUT,
        KSAUDFNAME_DMUSIC_MPU_IN,
        KSPROPSETID_Synth,
        KSPROPSETID_Synth_Dls,
        KSPROPSETID_SynthClock,
        KSDATAFORMAT_SUBTYPE_DIRECTMUSIC,
        KSNODETYPE_DMSYNTH,
        KSNODETYPE_DMSYNTH_CAPS,
        GUID_DMUS_PROP_GM_Hardware,
        GUID_DMUS_PROP_GS_Hardware,
        GUID_DMUS_PROP_XG_Hardware,
        GUID_DMUS_PROP_DLS1,
        GUID_DMUS_PROP_DLS2,
        GUID_DMUS_PROP_XG_Capable,
        GUID_DMUS_PROP_GS_Capable,
        GUID_DMUS_PROP_WavesReverb,
        GUID_DMUS_PROP_Effects,
        GUID_DMUS_PROP_INSTRUMENT2,
        GUID_DMUS_PROP_SynthSink_DSOUND,
        GUID_DMUS_PROP_SynthSink_WAVE,
        GUID_DMUS_PROP_SampleMemorySize,
        GUID_DMUS_PROP_MemorySize,
        GUID_DMUS_PROP_SamplePlaybackRate,
        GUID_DMUS_PROP_WriteLatency,
        GUID_DMUS_PROP_WritePeriod,
        GUID_DMUS_PROP_LegacyCaps,
        GUID_DMUS_PROP_Volume,
        DLSID_GMInHardware,
        DLSID_GSInHardware,
        DLSID_XGInHardware,
        DLSID_SupportsDLS1,
        DLSID_SampleMemorySize,
        DLSID_SupportsDLS2,
        DLSID_ManufacturersID,
        DLSID_ProductID,
        DLSID_SamplePlaybackRate,
        KSDATAFORMAT_SUBTYPE_ANALOG,
        KSNODETYPE_LINE_CONNECTOR,
        KSNODETYPE_MUTE,
        KSCATEGORY_REALTIME,
        KSPROPSETID_RtAudio,
        CLSID_PortWaveRT,
        IID_IPortWaveRT,
        IID_IPortWaveRTStream,
        IID_IMiniportWaveRTStream,
        IID_IMiniportWaveRTStreamNotification,
        IID_IMiniportWaveRT,
    ]
}

/// GUIDs no mingw header defines, as dmus-miniport-and-ddksynth.md §c prints them.
const DOCUMENTED_GUIDS: &[(&str, &str)] = &[
    ("IID_IMXF", "c096df9e-fb09-11d1-81b0-0060083316c1"),
    ("IID_ISynthSinkDMus", "1f476974-679b-11d2-8f7d-00c04fbf8fef"),
    ("IID_IMusicTechnology", "80396C3C-CBCB-409B-9F65-4F1E7467CDAF"),
    (
        "KSAUDFNAME_DMUSIC_MPU_OUT",
        "A4DF0EB5-BAC9-11d2-B7A8-0060083316C1",
    ),
    ("KSAUDFNAME_DMUSIC_MPU_IN", "B2EC0A7D-BAC9-11d2-B7A8-0060083316C1"),
    ("KSPROPSETID_Synth", "fedfae25-e46e-11d1-aace-0000f875ac12"),
    ("KSPROPSETID_Synth_Dls", "d523fa2c-dee3-11d1-a789-0000f875ac12"),
    ("KSPROPSETID_SynthClock", "fedfae26-e46e-11d1-aace-0000f875ac12"),
    ("KSNODETYPE_DMSYNTH", "94824F88-6183-11d2-8F7A-00C04FBF8FEF"),
    ("KSNODETYPE_DMSYNTH_CAPS", "bca2a2f1-93c6-11d2-ba1d-0000f875ac12"),
];

/// Header values known to be wrong, each with the evidence. The test requires the header to still
/// contain the correct value as well, and the wrong one to be exactly this.
const HEADER_ERRATA: &[(&str, &str, &str)] = &[(
    "IID_IUnknown",
    // mingw-w64 ddk/punknown.h writes the last 8 bytes as 0x00, 0x00, 0xC0, ... instead of
    // 0xC0, 0x00, ...; every other header (guiddef-based unknwn.h, the WDK) and COM itself use
    // {00000000-0000-0000-C000-000000000046}.
    "00000000-0000-0000-0000-c00000000046",
    "mingw-w64 ddk/punknown.h byte order",
)];

// -------------------------------------------------------------------------------------------------
// The tests.

#[test]
fn host_is_a_faithful_stand_in_for_windows_x64() {
    // The Rust side of the comparison is computed on this host; these are the properties that make
    // its layouts equal to Windows x64 (and ARM64) for the types of this crate.
    assert_eq!(size_of::<usize>(), 8);
    assert_eq!(align_of::<usize>(), 8);
    assert_eq!(align_of::<u64>(), 8);
    assert_eq!(align_of::<i64>(), 8);
    assert_eq!(align_of::<f32>(), 4);
    assert_eq!(size_of::<Option<unsafe extern "system" fn()>>(), 8);
    assert_eq!(size_of::<LONG>(), 4, "LONG is 32-bit on Windows (LLP64)");
    assert_eq!(size_of::<ULONG>(), 4);
    assert_eq!(size_of::<BOOL>(), 4);
    assert_eq!(size_of::<WCHAR>(), 2);
}

#[test]
fn layouts_and_constants_match_mingw_headers() {
    let mut checks = all_checks();
    documented_constants(&mut checks);
    let x64 = probe(&checks.list, false);
    let x86 = probe(&checks.list, true);

    // Rust on this host against mingw x64, then documented values.
    let mut failures = Vec::new();
    for (index, check) in checks.list.iter().enumerate() {
        let expected = match check.documented {
            Some((wide, _)) => wide,
            None => x64[index].unwrap(),
        };
        if check.rust != expected {
            let source = if check.documented.is_some() {
                "documented"
            } else {
                "mingw x64"
            };
            failures.push(format!(
                "{}: {source} = {expected}, Rust = {}",
                check.label, check.rust
            ));
        }
    }
    // Constants do not depend on the pointer width.
    for (index, check) in checks.list.iter().enumerate() {
        if check.rust_expr.is_none() && x86[index] != x64[index] {
            failures.push(format!(
                "{}: mingw x86 = {:?} but x64 = {:?}",
                check.label, x86[index], x64[index]
            ));
        }
    }
    let probed = checks.list.iter().filter(|c| c.c_expr.is_some()).count();
    let documented = checks.list.len() - probed;
    eprintln!(
        "layout: {probed} checks against mingw (x64 and x86 each), {documented} against documented values"
    );
    assert!(
        failures.is_empty(),
        "{} layout/constant mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // The golden file the library turns into compile-time checks for x86/x64/ARM64.
    let golden = golden_text(&checks.list, &x64, &x86);
    let path = src_dir().join("layout_golden.rs");
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current != golden {
        if std::env::var_os("PORTCLS_SYS_BLESS").is_some() {
            std::fs::write(&path, golden).unwrap();
        } else {
            panic!(
                "{} is stale: rerun with PORTCLS_SYS_BLESS=1 and commit it (first difference at line {})",
                path.display(),
                current
                    .lines()
                    .zip(golden.lines())
                    .take_while(|(a, b)| a == b)
                    .count()
                    + 1
            );
        }
    }
}

#[test]
fn every_struct_field_and_constant_is_checked() {
    let mut checks = all_checks();
    documented_constants(&mut checks);
    let declared = declared_types();
    assert!(
        declared.len() > 60,
        "source scan found only {} types",
        declared.len()
    );
    let mut missing = Vec::new();
    for (name, fields) in &declared {
        match checks.fields.get(name) {
            Some(covered) if covered == fields => {}
            Some(covered) => missing.push(format!("{name}: declared fields {fields:?}, checked {covered:?}")),
            None => missing.push(format!("{name}: not checked")),
        }
    }
    for (name, ty) in declared_constants() {
        if ty == "GUID" {
            continue; // see guids_match_headers
        }
        if !checks.constants.contains(&name) {
            missing.push(format!("constant {name}: {ty} not checked"));
        }
    }
    assert!(
        missing.is_empty(),
        "not covered by the layout test:\n{}",
        missing.join("\n")
    );
}

#[test]
fn guids_match_headers() {
    let headers = header_guids();
    let listed = rust_guids();
    let listed_names: BTreeSet<_> = listed.iter().map(|(n, _)| n.to_string()).collect();
    let declared: BTreeSet<_> = declared_constants()
        .into_iter()
        .filter(|(_, ty)| ty == "GUID")
        .map(|(n, _)| n)
        .collect();
    let unlisted: Vec<_> = declared.difference(&listed_names).collect();
    assert!(
        unlisted.is_empty(),
        "GUID constants missing from rust_guids(): {unlisted:?}"
    );

    let documented: BTreeMap<_, _> = DOCUMENTED_GUIDS.iter().copied().collect();
    let mut failures = Vec::new();
    let (mut from_headers, mut from_documents) = (0, 0);
    for (name, value) in &listed {
        let key = (value.Data1, value.Data2, value.Data3, value.Data4);
        if let Some(values) = headers.get(*name) {
            from_headers += 1;
            let mut values = values.clone();
            for (erratum_name, wrong, _why) in HEADER_ERRATA {
                if erratum_name == name {
                    let wrong = parse_guid_string(wrong).unwrap();
                    assert!(
                        values.remove(&(wrong.Data1, wrong.Data2, wrong.Data3, wrong.Data4)),
                        "{name}: the listed erratum is gone from the headers; drop it from HEADER_ERRATA"
                    );
                }
            }
            if values.len() != 1 || !values.contains(&key) {
                failures.push(format!("{name}: headers say {values:x?}, Rust {value:x?}"));
            }
            if documented.contains_key(name) {
                failures.push(format!(
                    "{name}: in the headers after all; drop it from DOCUMENTED_GUIDS"
                ));
            }
        } else if let Some(text) = documented.get(name) {
            from_documents += 1;
            if parse_guid_string(text) != Some(*value) {
                failures.push(format!("{name}: documented {text}, Rust {value:x?}"));
            }
        } else {
            failures.push(format!(
                "{name}: neither in the mingw headers nor in DOCUMENTED_GUIDS"
            ));
        }
    }
    eprintln!(
        "guids: {from_headers} checked against header text, {from_documents} against documented values"
    );
    assert!(failures.is_empty(), "GUID mismatches:\n{}", failures.join("\n"));
    assert_eq!(KSCATEGORY_SYNTHESIZER, KSNODETYPE_SYNTHESIZER);
    assert_eq!(GUID_DMUS_PROP_Volume, KSPROPSETID_Synth);
}

// -------------------------------------------------------------------------------------------------
// Type aliases and function signatures: every vtable slot, every function-pointer typedef and every
// `Pc*` entry point must have exactly the C prototype (parameter types by their C names, return
// type, `__stdcall`), as GCC's `__builtin_types_compatible_p` sees it for x64 and x86.

/// Rust type text (as written in `src/`) to C type text.
fn rust_type_to_c(rust: &str) -> String {
    let t = rust.trim().trim_end_matches(',').trim();
    if let Some(rest) = t.strip_prefix("*mut ") {
        return format!("{}*", rust_type_to_c(rest));
    }
    if let Some(rest) = t.strip_prefix("*const ") {
        return format!("const {}*", rust_type_to_c(rest));
    }
    let last = t.rsplit("::").next().unwrap();
    match last {
        "c_void" => "void".to_string(),
        other => other.to_string(),
    }
}

/// Splits a parameter list at top-level commas.
fn split_parameters(list: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let (mut depth, mut current) = (0i32, String::new());
    for ch in list.chars() {
        match ch {
            '(' | '<' => depth += 1,
            ')' | '>' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(ch);
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// `[unsafe extern "system"] fn(a: A, b: B) -> R` (or `NAME(a: A) -> R`) as a C function-pointer
/// type `R (__stdcall *)(A, B)`.
fn rust_signature_to_c(text: &str) -> String {
    let open = text.find('(').unwrap();
    let mut depth = 0;
    let mut close = open;
    for (index, ch) in text[open..].char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    close = open + index;
                    break;
                }
            }
            _ => {}
        }
    }
    let parameters: Vec<String> = split_parameters(&text[open + 1..close])
        .iter()
        .map(|p| rust_type_to_c(p.split_once(':').map_or(p.as_str(), |(_, ty)| ty)))
        .collect();
    let after = text[close + 1..].trim();
    let ret = after
        .strip_prefix("->")
        .map(|r| rust_type_to_c(r.trim().trim_end_matches([';', '>', ','])))
        .unwrap_or_else(|| "void".to_string());
    let parameters = if parameters.is_empty() {
        "void".to_string()
    } else {
        parameters.join(", ")
    };
    format!("{ret} (__stdcall *)({parameters})")
}

/// Whitespace-normalised source of every item, keyed by kind.
struct SourceItems {
    /// `pub type NAME = RHS;`
    aliases: Vec<(String, String)>,
    /// (vtable struct, slot, Rust fn type)
    slots: Vec<(String, String, String)>,
    /// (extern fn name, Rust signature)
    functions: Vec<(String, String)>,
}

fn source_items() -> SourceItems {
    let mut items = SourceItems {
        aliases: Vec::new(),
        slots: Vec::new(),
        functions: Vec::new(),
    };
    for (_, text) in source_files() {
        // Join every item onto one line: split at `;` and at struct/field boundaries.
        let lines: Vec<&str> = text.lines().collect();
        let mut index = 0;
        while index < lines.len() {
            let line = lines[index].trim();
            if let Some(rest) = line.strip_prefix("pub type ") {
                let mut item = rest.to_string();
                while !item.trim_end().ends_with(';') {
                    index += 1;
                    item.push(' ');
                    item.push_str(lines[index].trim());
                }
                let (name, rhs) = item.split_once('=').unwrap();
                items.aliases.push((
                    name.trim().to_string(),
                    rhs.trim().trim_end_matches(';').trim().to_string(),
                ));
            } else if let Some(rest) = line.strip_prefix("pub fn ")
                && lines[..index]
                    .iter()
                    .rev()
                    .any(|l| l.contains("unsafe extern \"system\" {"))
            {
                let mut item = rest.to_string();
                while !item.trim_end().ends_with(';') {
                    index += 1;
                    item.push(' ');
                    item.push_str(lines[index].trim());
                }
                let name = item.split('(').next().unwrap().trim().to_string();
                items.functions.push((name, item));
            } else if let Some(rest) = lines[index].strip_prefix("pub struct ")
                && let Some(name) = rest.strip_suffix("Vtbl {")
            {
                let vtable = format!("{name}Vtbl");
                index += 1;
                let mut current: Option<(String, String)> = None;
                while !lines[index].starts_with('}') {
                    let l = lines[index].trim();
                    if let Some(field) = l.strip_prefix("pub ") {
                        if let Some((slot, ty)) = current.take() {
                            items.slots.push((vtable.clone(), slot, ty));
                        }
                        let (slot, ty) = field.split_once(':').unwrap();
                        current = Some((slot.trim().to_string(), ty.trim().to_string()));
                    } else if !l.starts_with("///")
                        && let Some((_, ty)) = current.as_mut()
                    {
                        ty.push(' ');
                        ty.push_str(l);
                    }
                    index += 1;
                }
                if let Some((slot, ty)) = current.take() {
                    items.slots.push((vtable.clone(), slot, ty));
                }
            }
            index += 1;
        }
    }
    items
}

/// Known differences between mingw's declarations and the ABI, each harmless and explained:
/// (what, C text in the Rust-derived prototype, what mingw has instead, why).
const SIGNATURE_ERRATA: &[(&str, &str, &str, &str)] = &[
    (
        "IMusicTechnologyVtbl",
        "IMusicTechnology*",
        "IRegistryKey*",
        "mingw portcls.h declares IMusicTechnology without `#define INTERFACE IMusicTechnology`, so \
         its `This` is typed with the previous interface; both are pointers",
    ),
    (
        "IMiniportVtbl",
        "IMiniport*",
        "INTERFACE*",
        "mingw portcls.h `#undef`s INTERFACE before IMiniport, so `This` becomes wdm.h's \
         `struct _INTERFACE *`; both are pointers",
    ),
];

/// Types the headers have no counterpart for, or whose C spelling differs on purpose.
const ALIAS_EXEMPT: &[(&str, &str)] = &[
    (
        "PSYNTHSINKDMUS",
        "ISynthSinkDMus is not in mingw (documented-layout checks cover it)",
    ),
    (
        "PCCONNECTION_DESCRIPTOR",
        "mingw declares a separate, layout-identical struct (checked field by field)",
    ),
];

/// C enums: GCC makes an enum without negative members unsigned, so only their size is compared.
const C_ENUMS: &[&str] = &[
    "KSSTATE",
    "KSPIN_DATAFLOW",
    "KSPIN_COMMUNICATION",
    "DMUS_STREAM_TYPE",
    "POOL_TYPE",
    "DEVICE_REGISTRY_PROPERTY",
    "DEVICE_POWER_STATE",
    "SYSTEM_POWER_STATE",
];

#[test]
fn aliases_and_signatures_match_mingw_headers() {
    let items = source_items();
    assert!(
        items.slots.len() > 80,
        "found only {} vtable slots",
        items.slots.len()
    );
    assert!(
        items.functions.len() >= 15,
        "found only {} extern functions",
        items.functions.len()
    );
    // (label, C expression, expected x64, expected x86)
    let mut expectations: Vec<(String, String, i64, i64)> = Vec::new();
    let exempt: BTreeMap<_, _> = ALIAS_EXEMPT.iter().copied().collect();
    for (name, rhs) in &items.aliases {
        if exempt.contains_key(name.as_str()) {
            continue;
        }
        let primitive = match rhs.as_str() {
            "u8" => Some((1, 1, false)),
            "u16" => Some((2, 2, false)),
            "i16" => Some((2, 2, true)),
            "u32" => Some((4, 4, false)),
            "i32" => Some((4, 4, true)),
            "u64" => Some((8, 8, false)),
            "i64" => Some((8, 8, true)),
            "usize" => Some((8, 4, false)),
            _ => None,
        };
        if let Some((wide, narrow, signed)) = primitive {
            expectations.push((format!("{name}: size"), format!("sizeof({name})"), wide, narrow));
            if !C_ENUMS.contains(&name.as_str()) {
                let s = i64::from(signed);
                expectations.push((format!("{name}: signed"), format!("(({name})-1 < 0)"), s, s));
            }
        } else if rhs.starts_with("Option<") {
            let c = rust_signature_to_c(rhs.trim_start_matches("Option<"));
            expectations.push((
                format!("{name}: prototype {c}"),
                format!("__builtin_types_compatible_p({name}, {c})"),
                1,
                1,
            ));
        } else {
            let c = rust_type_to_c(rhs);
            expectations.push((
                format!("{name} = {c}"),
                format!("__builtin_types_compatible_p({name}, {c})"),
                1,
                1,
            ));
        }
    }
    for (vtable, slot, ty) in &items.slots {
        let mut c = rust_signature_to_c(ty);
        for (erratum_vtable, ours, theirs, _why) in SIGNATURE_ERRATA {
            if erratum_vtable == vtable {
                c = c.replacen(ours, theirs, 1);
            }
        }
        expectations.push((
            format!("{vtable}.{slot}: prototype {c}"),
            format!("__builtin_types_compatible_p(__typeof__((({vtable} *)0)->{slot}), {c})"),
            1,
            1,
        ));
    }
    for (name, signature) in &items.functions {
        let c = rust_signature_to_c(signature);
        expectations.push((
            format!("{name}: prototype {c}"),
            format!("__builtin_types_compatible_p(__typeof__(&{name}), {c})"),
            1,
            1,
        ));
    }
    let checks: Vec<Check> = expectations
        .iter()
        .map(|(label, expr, wide, _)| Check {
            label: label.clone(),
            c_expr: Some(expr.clone()),
            rust_expr: None,
            rust: *wide,
            documented: None,
        })
        .collect();
    let x64 = probe(&checks, false);
    let x86 = probe(&checks, true);
    let mut failures = Vec::new();
    for (index, (label, _, wide, narrow)) in expectations.iter().enumerate() {
        if x64[index] != Some(*wide) {
            failures.push(format!("x64 {label}: mingw says {:?}, Rust {wide}", x64[index]));
        }
        if x86[index] != Some(*narrow) {
            failures.push(format!("x86 {label}: mingw says {:?}, Rust {narrow}", x86[index]));
        }
    }
    eprintln!(
        "signatures: {} aliases, {} vtable slots, {} entry points; {} checks per architecture",
        items.aliases.len(),
        items.slots.len(),
        items.functions.len(),
        expectations.len()
    );
    assert!(
        failures.is_empty(),
        "{} alias/prototype mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The real WDK's headers, for the Windows workflow's `layout` job (`cl.exe`); the mingw
/// workarounds of [`PRELUDE`] are not needed there, and `ISynthSinkDMus` comes from dmusicks.h.
const WDK_PRELUDE: &str = r#"
#include <ntddk.h>
#include <windef.h>
#include <mmreg.h>
#include <ks.h>
#include <ksmedia.h>
#include <punknown.h>
#include <portcls.h>
#include <dmusicks.h>
#include <dmusprop.h>
#include <dmdls.h>
#include <dls2.h>
#include <dmerror.h>
#include <stddef.h>
"#;

/// Writes the same checks as `layouts_and_constants_match_mingw_headers` as one C translation unit
/// of `_Static_assert`s for the real WDK headers, to the file named by `LAYOUT_PROBE_OUT`. The
/// Windows workflow compiles it with `cl.exe /c`; a failing assertion names the field.
#[test]
#[ignore = "writes the WDK probe for the Windows workflow (needs LAYOUT_PROBE_OUT)"]
fn write_wdk_probe() {
    let out = std::env::var_os("LAYOUT_PROBE_OUT").expect("set LAYOUT_PROBE_OUT to the probe's path");
    let checks = all_checks();
    let mut text = String::from(WDK_PRELUDE);
    let mut count = 0;
    for check in &checks.list {
        if let Some(expr) = &check.c_expr {
            let label = check.label.replace(['"', '\\'], "'");
            // i64::MIN has no literal form in C.
            let value = if check.rust == i64::MIN {
                "(-9223372036854775807LL - 1)".to_string()
            } else {
                format!("{}LL", check.rust)
            };
            writeln!(
                text,
                "_Static_assert((long long)({expr}) == {value}, \"{label}\");"
            )
            .unwrap();
            count += 1;
        }
    }
    std::fs::write(&out, text).unwrap();
    eprintln!(
        "wrote {count} WDK layout checks to {}",
        std::path::Path::new(&out).display()
    );
}
