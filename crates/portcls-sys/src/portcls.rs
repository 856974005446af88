//! portcls.h: the PortCls descriptor structs a miniport hands to its port, the property/method/
//! event request structs, the generic interfaces (`IMiniport`, `IPort`, `IServiceSink`,
//! `IServiceGroup`, `IResourceList`, `IMusicTechnology`, `IPowerNotify`), their IIDs, and the
//! PortCls entry points (Windows only).

use crate::com::{GUID, PUNKNOWN, REFIID};
use crate::dmerror::NTSTATUS;
use crate::ks::{KSPIN_DESCRIPTOR, KSTOPOLOGY_CONNECTION, PKSDATARANGE};
use crate::ntdef::{
    ACCESS_MASK, CM_RESOURCE_TYPE, DEVICE_REGISTRY_PROPERTY, PCM_PARTIAL_RESOURCE_DESCRIPTOR,
    PCM_RESOURCE_LIST, PDEVICE_OBJECT, PIRP, PKSEVENT_ENTRY, POBJECT_ATTRIBUTES, POWER_STATE, PULONG, PVOID,
    ULONG, ULONGLONG,
};

/// `PCFILTER_NODE`: "the filter, not a node" (`(ULONG)-1`), in connections and `PCPROPERTY_REQUEST.Node`.
pub const PCFILTER_NODE: ULONG = 0xFFFF_FFFF;
/// 100-ns units per second.
pub const _100NS_UNITS_PER_SECOND: i64 = 10_000_000;

/// Property item flag: get.
pub const PCPROPERTY_ITEM_FLAG_GET: ULONG = crate::ks::KSPROPERTY_TYPE_GET;
/// Property item flag: set.
pub const PCPROPERTY_ITEM_FLAG_SET: ULONG = crate::ks::KSPROPERTY_TYPE_SET;
/// Property item flag: basic support.
pub const PCPROPERTY_ITEM_FLAG_BASICSUPPORT: ULONG = crate::ks::KSPROPERTY_TYPE_BASICSUPPORT;
/// Property item flag: serialize raw.
pub const PCPROPERTY_ITEM_FLAG_SERIALIZERAW: ULONG = crate::ks::KSPROPERTY_TYPE_SERIALIZERAW;
/// Property item flag: unserialize raw.
pub const PCPROPERTY_ITEM_FLAG_UNSERIALIZERAW: ULONG = crate::ks::KSPROPERTY_TYPE_UNSERIALIZERAW;
/// Property item flag: serialize size.
pub const PCPROPERTY_ITEM_FLAG_SERIALIZESIZE: ULONG = crate::ks::KSPROPERTY_TYPE_SERIALIZESIZE;
/// Property item flag: all serialization flags.
pub const PCPROPERTY_ITEM_FLAG_SERIALIZE: ULONG = PCPROPERTY_ITEM_FLAG_SERIALIZERAW
    | PCPROPERTY_ITEM_FLAG_UNSERIALIZERAW
    | PCPROPERTY_ITEM_FLAG_SERIALIZESIZE;
/// Property item flag: default values.
pub const PCPROPERTY_ITEM_FLAG_DEFAULTVALUES: ULONG = crate::ks::KSPROPERTY_TYPE_DEFAULTVALUES;

/// Event item flag: enable.
pub const PCEVENT_ITEM_FLAG_ENABLE: ULONG = crate::ks::KSEVENT_TYPE_ENABLE;
/// Event item flag: one-shot.
pub const PCEVENT_ITEM_FLAG_ONESHOT: ULONG = crate::ks::KSEVENT_TYPE_ONESHOT;
/// Event item flag: basic support.
pub const PCEVENT_ITEM_FLAG_BASICSUPPORT: ULONG = crate::ks::KSEVENT_TYPE_BASICSUPPORT;
/// Event verb: none.
pub const PCEVENT_VERB_NONE: ULONG = 0;
/// Event verb: add.
pub const PCEVENT_VERB_ADD: ULONG = 1;
/// Event verb: remove.
pub const PCEVENT_VERB_REMOVE: ULONG = 2;
/// Event verb: support.
pub const PCEVENT_VERB_SUPPORT: ULONG = 4;

/// Method item flag: none.
pub const PCMETHOD_ITEM_FLAG_NONE: ULONG = crate::ks::KSMETHOD_TYPE_NONE;
/// Method item flag: read.
pub const PCMETHOD_ITEM_FLAG_READ: ULONG = crate::ks::KSMETHOD_TYPE_READ;
/// Method item flag: write.
pub const PCMETHOD_ITEM_FLAG_WRITE: ULONG = crate::ks::KSMETHOD_TYPE_WRITE;
/// Method item flag: modify.
pub const PCMETHOD_ITEM_FLAG_MODIFY: ULONG = crate::ks::KSMETHOD_TYPE_MODIFY;
/// Method item flag: source.
pub const PCMETHOD_ITEM_FLAG_SOURCE: ULONG = crate::ks::KSMETHOD_TYPE_SOURCE;
/// Method item flag: basic support.
pub const PCMETHOD_ITEM_FLAG_BASICSUPPORT: ULONG = crate::ks::KSMETHOD_TYPE_BASICSUPPORT;

/// `PCNODE_DESCRIPTOR.Flags`: none defined; zero.
pub const PCNODE_DESCRIPTOR_FLAGS_NONE: ULONG = 0;
/// `PCFILTER_DESCRIPTOR.Version`: always 0.
pub const PCFILTER_DESCRIPTOR_VERSION: ULONG = 0;

/// `PCPFNPROPERTY_HANDLER`. Runs at PASSIVE_LEVEL (or DISPATCH_LEVEL when the item allows it).
pub type PCPFNPROPERTY_HANDLER =
    Option<unsafe extern "system" fn(PropertyRequest: PPCPROPERTY_REQUEST) -> NTSTATUS>;
/// `PCPFNMETHOD_HANDLER`.
pub type PCPFNMETHOD_HANDLER =
    Option<unsafe extern "system" fn(MethodRequest: *mut PCMETHOD_REQUEST) -> NTSTATUS>;
/// `PCPFNEVENT_HANDLER`.
pub type PCPFNEVENT_HANDLER =
    Option<unsafe extern "system" fn(EventRequest: *mut PCEVENT_REQUEST) -> NTSTATUS>;

/// `PCPROPERTY_ITEM`: one property the miniport handles.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PCPROPERTY_ITEM {
    /// The property set.
    pub Set: *const GUID,
    /// The property id.
    pub Id: ULONG,
    /// `PCPROPERTY_ITEM_FLAG_*`.
    pub Flags: ULONG,
    /// The handler.
    pub Handler: PCPFNPROPERTY_HANDLER,
}
/// `PPCPROPERTY_ITEM`.
pub type PPCPROPERTY_ITEM = *mut PCPROPERTY_ITEM;

/// `PCPROPERTY_REQUEST`: what a property handler receives.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PCPROPERTY_REQUEST {
    /// The miniport.
    pub MajorTarget: PUNKNOWN,
    /// The stream, or null for a filter-level request.
    pub MinorTarget: PUNKNOWN,
    /// The node, or `PCFILTER_NODE`.
    pub Node: ULONG,
    /// The item being served.
    pub PropertyItem: *const PCPROPERTY_ITEM,
    /// `KSPROPERTY_TYPE_*` verb.
    pub Verb: ULONG,
    /// Bytes of instance data (after the `KSPROPERTY`/`KSNODEPROPERTY` header).
    pub InstanceSize: ULONG,
    /// Instance data.
    pub Instance: PVOID,
    /// Bytes of value buffer (in), bytes written/needed (out).
    pub ValueSize: ULONG,
    /// Value buffer.
    pub Value: PVOID,
    /// The IRP (for `PcCompletePendingPropertyRequest`).
    pub Irp: PIRP,
}
/// `PPCPROPERTY_REQUEST`.
pub type PPCPROPERTY_REQUEST = *mut PCPROPERTY_REQUEST;

/// `PCMETHOD_ITEM`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PCMETHOD_ITEM {
    /// The method set.
    pub Set: *const GUID,
    /// The method id.
    pub Id: ULONG,
    /// `PCMETHOD_ITEM_FLAG_*`.
    pub Flags: ULONG,
    /// The handler.
    pub Handler: PCPFNMETHOD_HANDLER,
}

/// `PCMETHOD_REQUEST`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PCMETHOD_REQUEST {
    /// The miniport.
    pub MajorTarget: PUNKNOWN,
    /// The stream, or null.
    pub MinorTarget: PUNKNOWN,
    /// The node, or `PCFILTER_NODE`.
    pub Node: ULONG,
    /// The item being served.
    pub MethodItem: *const PCMETHOD_ITEM,
    /// Verb.
    pub Verb: ULONG,
}

/// `PCEVENT_ITEM`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PCEVENT_ITEM {
    /// The event set.
    pub Set: *const GUID,
    /// The event id.
    pub Id: ULONG,
    /// `PCEVENT_ITEM_FLAG_*`.
    pub Flags: ULONG,
    /// The handler.
    pub Handler: PCPFNEVENT_HANDLER,
}

/// `PCEVENT_REQUEST`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PCEVENT_REQUEST {
    /// The miniport.
    pub MajorTarget: PUNKNOWN,
    /// The stream, or null.
    pub MinorTarget: PUNKNOWN,
    /// The node, or `PCFILTER_NODE`.
    pub Node: ULONG,
    /// The item being served.
    pub EventItem: *const PCEVENT_ITEM,
    /// The KS event entry.
    pub EventEntry: PKSEVENT_ENTRY,
    /// `PCEVENT_VERB_*`.
    pub Verb: ULONG,
    /// The IRP.
    pub Irp: PIRP,
}

/// `PCAUTOMATION_TABLE`: the properties, methods and events of a filter, pin or node.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PCAUTOMATION_TABLE {
    /// `sizeof(PCPROPERTY_ITEM)`.
    pub PropertyItemSize: ULONG,
    /// Number of property items.
    pub PropertyCount: ULONG,
    /// Property items.
    pub Properties: *const PCPROPERTY_ITEM,
    /// `sizeof(PCMETHOD_ITEM)`.
    pub MethodItemSize: ULONG,
    /// Number of method items.
    pub MethodCount: ULONG,
    /// Method items.
    pub Methods: *const PCMETHOD_ITEM,
    /// `sizeof(PCEVENT_ITEM)`.
    pub EventItemSize: ULONG,
    /// Number of event items.
    pub EventCount: ULONG,
    /// Event items.
    pub Events: *const PCEVENT_ITEM,
    /// Reserved, zero.
    pub Reserved: ULONG,
}
/// `PPCAUTOMATION_TABLE`.
pub type PPCAUTOMATION_TABLE = *mut PCAUTOMATION_TABLE;

/// `PCCONNECTION_DESCRIPTOR` (the same layout as `KSTOPOLOGY_CONNECTION`).
pub type PCCONNECTION_DESCRIPTOR = KSTOPOLOGY_CONNECTION;

/// `PCPIN_DESCRIPTOR`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct PCPIN_DESCRIPTOR {
    /// Maximum instances system-wide.
    pub MaxGlobalInstanceCount: ULONG,
    /// Maximum instances per filter.
    pub MaxFilterInstanceCount: ULONG,
    /// Minimum instances per filter.
    pub MinFilterInstanceCount: ULONG,
    /// The pin's automation table, or null.
    pub AutomationTable: *const PCAUTOMATION_TABLE,
    /// The KS pin descriptor.
    pub KsPinDescriptor: KSPIN_DESCRIPTOR,
}
/// `PPCPIN_DESCRIPTOR`.
pub type PPCPIN_DESCRIPTOR = *mut PCPIN_DESCRIPTOR;

/// `PCNODE_DESCRIPTOR`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PCNODE_DESCRIPTOR {
    /// Flags, zero.
    pub Flags: ULONG,
    /// The node's automation table, or null.
    pub AutomationTable: *const PCAUTOMATION_TABLE,
    /// Node type GUID.
    pub Type: *const GUID,
    /// Node name GUID, or null.
    pub Name: *const GUID,
}
/// `PPCNODE_DESCRIPTOR`.
pub type PPCNODE_DESCRIPTOR = *mut PCNODE_DESCRIPTOR;

/// `PCFILTER_DESCRIPTOR`: what `IMiniport::GetDescription` returns.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PCFILTER_DESCRIPTOR {
    /// 0.
    pub Version: ULONG,
    /// The filter's automation table, or null.
    pub AutomationTable: *const PCAUTOMATION_TABLE,
    /// `sizeof(PCPIN_DESCRIPTOR)`.
    pub PinSize: ULONG,
    /// Number of pins.
    pub PinCount: ULONG,
    /// Pins.
    pub Pins: *const PCPIN_DESCRIPTOR,
    /// `sizeof(PCNODE_DESCRIPTOR)`.
    pub NodeSize: ULONG,
    /// Number of nodes.
    pub NodeCount: ULONG,
    /// Nodes.
    pub Nodes: *const PCNODE_DESCRIPTOR,
    /// Number of connections.
    pub ConnectionCount: ULONG,
    /// Connections.
    pub Connections: *const PCCONNECTION_DESCRIPTOR,
    /// Number of categories.
    pub CategoryCount: ULONG,
    /// Categories.
    pub Categories: *const GUID,
}
/// `PPCFILTER_DESCRIPTOR`.
pub type PPCFILTER_DESCRIPTOR = *mut PCFILTER_DESCRIPTOR;

// Descriptor tables are immutable statics built once by the miniport; the raw pointers inside
// point at other statics. `Sync` lets them be `static`.
macro_rules! static_table {
    ($($t:ty),*) => {$(
        // SAFETY: the descriptor types are plain data handed to PortCls read-only; sharing them
        // between threads is how PortCls uses them, and Rust code never writes through the pointers.
        unsafe impl Sync for $t {}
    )*};
}
static_table!(
    PCPROPERTY_ITEM,
    PCMETHOD_ITEM,
    PCEVENT_ITEM,
    PCAUTOMATION_TABLE,
    PCPIN_DESCRIPTOR,
    PCNODE_DESCRIPTOR,
    PCFILTER_DESCRIPTOR
);

// ---- interfaces ----

/// `IMiniportVtbl`: IUnknown (3) + IMiniport (2) = 5 slots.
#[repr(C)]
pub struct IMiniportVtbl {
    /// IUnknown::QueryInterface.
    pub QueryInterface: unsafe extern "system" fn(
        This: *mut IMiniport,
        InterfaceId: REFIID,
        Interface: *mut PVOID,
    ) -> NTSTATUS,
    /// IUnknown::AddRef.
    pub AddRef: unsafe extern "system" fn(This: *mut IMiniport) -> ULONG,
    /// IUnknown::Release.
    pub Release: unsafe extern "system" fn(This: *mut IMiniport) -> ULONG,
    /// IMiniport::GetDescription.
    pub GetDescription:
        unsafe extern "system" fn(This: *mut IMiniport, Description: *mut PPCFILTER_DESCRIPTOR) -> NTSTATUS,
    /// IMiniport::DataRangeIntersection.
    pub DataRangeIntersection: unsafe extern "system" fn(
        This: *mut IMiniport,
        PinId: ULONG,
        DataRange: PKSDATARANGE,
        MatchingDataRange: PKSDATARANGE,
        OutputBufferLength: ULONG,
        ResultantFormat: PVOID,
        ResultantFormatLength: PULONG,
    ) -> NTSTATUS,
}
/// `IMiniport`.
#[repr(C)]
pub struct IMiniport {
    /// The vtable.
    pub lpVtbl: *const IMiniportVtbl,
}
/// `PMINIPORT`.
pub type PMINIPORT = *mut IMiniport;

/// `IRegistryKey`: not modelled (the synth never uses it); only handled through a pointer.
#[repr(C)]
pub struct IRegistryKey {
    /// The vtable (not modelled).
    pub lpVtbl: *const core::ffi::c_void,
}
/// `PREGISTRYKEY`.
pub type PREGISTRYKEY = *mut IRegistryKey;

/// `IPortVtbl`: IUnknown (3) + IPort (3) = 6 slots.
#[repr(C)]
pub struct IPortVtbl {
    /// IUnknown::QueryInterface.
    pub QueryInterface:
        unsafe extern "system" fn(This: *mut IPort, InterfaceId: REFIID, Interface: *mut PVOID) -> NTSTATUS,
    /// IUnknown::AddRef.
    pub AddRef: unsafe extern "system" fn(This: *mut IPort) -> ULONG,
    /// IUnknown::Release.
    pub Release: unsafe extern "system" fn(This: *mut IPort) -> ULONG,
    /// IPort::Init.
    pub Init: unsafe extern "system" fn(
        This: *mut IPort,
        DeviceObject: PDEVICE_OBJECT,
        Irp: PIRP,
        UnknownMiniport: PUNKNOWN,
        UnknownAdapter: PUNKNOWN,
        ResourceList: PRESOURCELIST,
    ) -> NTSTATUS,
    /// IPort::GetDeviceProperty.
    pub GetDeviceProperty: unsafe extern "system" fn(
        This: *mut IPort,
        DeviceProperty: DEVICE_REGISTRY_PROPERTY,
        BufferLength: ULONG,
        PropertyBuffer: PVOID,
        ResultLength: PULONG,
    ) -> NTSTATUS,
    /// IPort::NewRegistryKey.
    pub NewRegistryKey: unsafe extern "system" fn(
        This: *mut IPort,
        OutRegistryKey: *mut PREGISTRYKEY,
        OuterUnknown: PUNKNOWN,
        RegistryKeyType: ULONG,
        DesiredAccess: ACCESS_MASK,
        ObjectAttributes: POBJECT_ATTRIBUTES,
        CreateOptions: ULONG,
        Disposition: PULONG,
    ) -> NTSTATUS,
}
/// `IPort`.
#[repr(C)]
pub struct IPort {
    /// The vtable.
    pub lpVtbl: *const IPortVtbl,
}
/// `PPORT`.
pub type PPORT = *mut IPort;

/// `IServiceSinkVtbl`: IUnknown (3) + RequestService = 4 slots.
#[repr(C)]
pub struct IServiceSinkVtbl {
    /// IUnknown::QueryInterface.
    pub QueryInterface: unsafe extern "system" fn(
        This: *mut IServiceSink,
        InterfaceId: REFIID,
        Interface: *mut PVOID,
    ) -> NTSTATUS,
    /// IUnknown::AddRef.
    pub AddRef: unsafe extern "system" fn(This: *mut IServiceSink) -> ULONG,
    /// IUnknown::Release.
    pub Release: unsafe extern "system" fn(This: *mut IServiceSink) -> ULONG,
    /// IServiceSink::RequestService.
    pub RequestService: unsafe extern "system" fn(This: *mut IServiceSink),
}
/// `IServiceSink`.
#[repr(C)]
pub struct IServiceSink {
    /// The vtable.
    pub lpVtbl: *const IServiceSinkVtbl,
}
/// `PSERVICESINK`.
pub type PSERVICESINK = *mut IServiceSink;

/// `IServiceGroupVtbl`: IUnknown (3) + IServiceSink (1) + IServiceGroup (5) = 9 slots.
#[repr(C)]
pub struct IServiceGroupVtbl {
    /// IUnknown::QueryInterface.
    pub QueryInterface: unsafe extern "system" fn(
        This: *mut IServiceGroup,
        InterfaceId: REFIID,
        Interface: *mut PVOID,
    ) -> NTSTATUS,
    /// IUnknown::AddRef.
    pub AddRef: unsafe extern "system" fn(This: *mut IServiceGroup) -> ULONG,
    /// IUnknown::Release.
    pub Release: unsafe extern "system" fn(This: *mut IServiceGroup) -> ULONG,
    /// IServiceSink::RequestService.
    pub RequestService: unsafe extern "system" fn(This: *mut IServiceGroup),
    /// IServiceGroup::AddMember.
    pub AddMember:
        unsafe extern "system" fn(This: *mut IServiceGroup, pServiceSink: PSERVICESINK) -> NTSTATUS,
    /// IServiceGroup::RemoveMember.
    pub RemoveMember: unsafe extern "system" fn(This: *mut IServiceGroup, pServiceSink: PSERVICESINK),
    /// IServiceGroup::SupportDelayedService.
    pub SupportDelayedService: unsafe extern "system" fn(This: *mut IServiceGroup),
    /// IServiceGroup::RequestDelayedService.
    pub RequestDelayedService: unsafe extern "system" fn(This: *mut IServiceGroup, ullDelay: ULONGLONG),
    /// IServiceGroup::CancelDelayedService.
    pub CancelDelayedService: unsafe extern "system" fn(This: *mut IServiceGroup),
}
/// `IServiceGroup`.
#[repr(C)]
pub struct IServiceGroup {
    /// The vtable.
    pub lpVtbl: *const IServiceGroupVtbl,
}
/// `PSERVICEGROUP`.
pub type PSERVICEGROUP = *mut IServiceGroup;

/// `IResourceListVtbl`: IUnknown (3) + IResourceList (8) = 11 slots.
#[repr(C)]
pub struct IResourceListVtbl {
    /// IUnknown::QueryInterface.
    pub QueryInterface: unsafe extern "system" fn(
        This: *mut IResourceList,
        InterfaceId: REFIID,
        Interface: *mut PVOID,
    ) -> NTSTATUS,
    /// IUnknown::AddRef.
    pub AddRef: unsafe extern "system" fn(This: *mut IResourceList) -> ULONG,
    /// IUnknown::Release.
    pub Release: unsafe extern "system" fn(This: *mut IResourceList) -> ULONG,
    /// IResourceList::NumberOfEntries.
    pub NumberOfEntries: unsafe extern "system" fn(This: *mut IResourceList) -> ULONG,
    /// IResourceList::NumberOfEntriesOfType.
    pub NumberOfEntriesOfType:
        unsafe extern "system" fn(This: *mut IResourceList, Type: CM_RESOURCE_TYPE) -> ULONG,
    /// IResourceList::FindTranslatedEntry.
    pub FindTranslatedEntry: unsafe extern "system" fn(
        This: *mut IResourceList,
        Type: CM_RESOURCE_TYPE,
        Index: ULONG,
    ) -> PCM_PARTIAL_RESOURCE_DESCRIPTOR,
    /// IResourceList::FindUntranslatedEntry.
    pub FindUntranslatedEntry: unsafe extern "system" fn(
        This: *mut IResourceList,
        Type: CM_RESOURCE_TYPE,
        Index: ULONG,
    ) -> PCM_PARTIAL_RESOURCE_DESCRIPTOR,
    /// IResourceList::AddEntry.
    pub AddEntry: unsafe extern "system" fn(
        This: *mut IResourceList,
        Translated: PCM_PARTIAL_RESOURCE_DESCRIPTOR,
        Untranslated: PCM_PARTIAL_RESOURCE_DESCRIPTOR,
    ) -> NTSTATUS,
    /// IResourceList::AddEntryFromParent.
    pub AddEntryFromParent: unsafe extern "system" fn(
        This: *mut IResourceList,
        Parent: *mut IResourceList,
        Type: CM_RESOURCE_TYPE,
        Index: ULONG,
    ) -> NTSTATUS,
    /// IResourceList::TranslatedList.
    pub TranslatedList: unsafe extern "system" fn(This: *mut IResourceList) -> PCM_RESOURCE_LIST,
    /// IResourceList::UntranslatedList.
    pub UntranslatedList: unsafe extern "system" fn(This: *mut IResourceList) -> PCM_RESOURCE_LIST,
}
/// `IResourceList`.
#[repr(C)]
pub struct IResourceList {
    /// The vtable.
    pub lpVtbl: *const IResourceListVtbl,
}
/// `PRESOURCELIST`.
pub type PRESOURCELIST = *mut IResourceList;

/// `IMusicTechnologyVtbl`: IUnknown (3) + SetTechnology = 4 slots (Windows XP+).
#[repr(C)]
pub struct IMusicTechnologyVtbl {
    /// IUnknown::QueryInterface.
    pub QueryInterface: unsafe extern "system" fn(
        This: *mut IMusicTechnology,
        InterfaceId: REFIID,
        Interface: *mut PVOID,
    ) -> NTSTATUS,
    /// IUnknown::AddRef.
    pub AddRef: unsafe extern "system" fn(This: *mut IMusicTechnology) -> ULONG,
    /// IUnknown::Release.
    pub Release: unsafe extern "system" fn(This: *mut IMusicTechnology) -> ULONG,
    /// IMusicTechnology::SetTechnology (allowed only before `Init`).
    pub SetTechnology:
        unsafe extern "system" fn(This: *mut IMusicTechnology, Technology: *const GUID) -> NTSTATUS,
}
/// `IMusicTechnology`.
#[repr(C)]
pub struct IMusicTechnology {
    /// The vtable.
    pub lpVtbl: *const IMusicTechnologyVtbl,
}
/// `PMUSICTECHNOLOGY`.
pub type PMUSICTECHNOLOGY = *mut IMusicTechnology;

/// `IPowerNotifyVtbl`: IUnknown (3) + PowerChangeNotify = 4 slots.
#[repr(C)]
pub struct IPowerNotifyVtbl {
    /// IUnknown::QueryInterface.
    pub QueryInterface: unsafe extern "system" fn(
        This: *mut IPowerNotify,
        InterfaceId: REFIID,
        Interface: *mut PVOID,
    ) -> NTSTATUS,
    /// IUnknown::AddRef.
    pub AddRef: unsafe extern "system" fn(This: *mut IPowerNotify) -> ULONG,
    /// IUnknown::Release.
    pub Release: unsafe extern "system" fn(This: *mut IPowerNotify) -> ULONG,
    /// IPowerNotify::PowerChangeNotify.
    pub PowerChangeNotify: unsafe extern "system" fn(This: *mut IPowerNotify, PowerState: POWER_STATE),
}
/// `IPowerNotify`.
#[repr(C)]
pub struct IPowerNotify {
    /// The vtable.
    pub lpVtbl: *const IPowerNotifyVtbl,
}
/// `PPOWERNOTIFY`.
pub type PPOWERNOTIFY = *mut IPowerNotify;

// ---- IIDs / CLSIDs (portcls.h) ----
/// IID_IMiniport {B4C90A24-5791-11D0-86F9-00A0C911B544}.
pub const IID_IMiniport: GUID = GUID::from_u128(0xB4C90A24_5791_11D0_86F9_00A0C911B544);
/// IID_IPort {B4C90A25-5791-11D0-86F9-00A0C911B544}.
pub const IID_IPort: GUID = GUID::from_u128(0xB4C90A25_5791_11D0_86F9_00A0C911B544);
/// IID_IResourceList {22C6AC60-851B-11D0-9A7F-00AA0038ACFE}.
pub const IID_IResourceList: GUID = GUID::from_u128(0x22C6AC60_851B_11D0_9A7F_00AA0038ACFE);
/// IID_IDmaChannel {22C6AC61-851B-11D0-9A7F-00AA0038ACFE}.
pub const IID_IDmaChannel: GUID = GUID::from_u128(0x22C6AC61_851B_11D0_9A7F_00AA0038ACFE);
/// IID_IInterruptSync {22C6AC63-851B-11D0-9A7F-00AA0038ACFE}.
pub const IID_IInterruptSync: GUID = GUID::from_u128(0x22C6AC63_851B_11D0_9A7F_00AA0038ACFE);
/// IID_IServiceSink {22C6AC64-851B-11D0-9A7F-00AA0038ACFE}.
pub const IID_IServiceSink: GUID = GUID::from_u128(0x22C6AC64_851B_11D0_9A7F_00AA0038ACFE);
/// IID_IServiceGroup {22C6AC65-851B-11D0-9A7F-00AA0038ACFE}.
pub const IID_IServiceGroup: GUID = GUID::from_u128(0x22C6AC65_851B_11D0_9A7F_00AA0038ACFE);
/// IID_IRegistryKey {E8DA4302-F304-11D0-958B-00C04FB925D3}.
pub const IID_IRegistryKey: GUID = GUID::from_u128(0xE8DA4302_F304_11D0_958B_00C04FB925D3);
/// IID_IPowerNotify {3DD648B8-969F-11D1-95A9-00C04FB925D3}.
pub const IID_IPowerNotify: GUID = GUID::from_u128(0x3DD648B8_969F_11D1_95A9_00C04FB925D3);
/// IID_IAdapterPowerManagement {793417D0-35FE-11D1-AD08-00A0C90AB1B0}.
pub const IID_IAdapterPowerManagement: GUID = GUID::from_u128(0x793417D0_35FE_11D1_AD08_00A0C90AB1B0);
/// IID_IPinCount {5DADB7DC-A2CB-4540-A4A8-425EE4AE9051}.
pub const IID_IPinCount: GUID = GUID::from_u128(0x5DADB7DC_A2CB_4540_A4A8_425EE4AE9051);
/// IID_IPortEvents {A80F29C4-5498-11D2-95D9-00C04FB925D3}.
pub const IID_IPortEvents: GUID = GUID::from_u128(0xA80F29C4_5498_11D2_95D9_00C04FB925D3);
/// IID_IUnregisterSubdevice {16738177-E199-41F9-9A87-ABB2A5432F21}.
pub const IID_IUnregisterSubdevice: GUID = GUID::from_u128(0x16738177_E199_41F9_9A87_ABB2A5432F21);
/// IID_IUnregisterPhysicalConnection {6C38E231-2A0D-428D-81F8-07CC428BB9A4}.
pub const IID_IUnregisterPhysicalConnection: GUID = GUID::from_u128(0x6C38E231_2A0D_428D_81F8_07CC428BB9A4);
/// IID_IMusicTechnology {80396C3C-CBCB-409B-9F65-4F1E7467CDAF} (WDK portcls.h, XP+; mingw lacks it).
pub const IID_IMusicTechnology: GUID = GUID::from_u128(0x80396C3C_CBCB_409B_9F65_4F1E7467CDAF);
/// IID_IPortTopology {B4C90A30-5791-11D0-86F9-00A0C911B544}.
pub const IID_IPortTopology: GUID = GUID::from_u128(0xB4C90A30_5791_11D0_86F9_00A0C911B544);
/// CLSID_PortTopology {B4C90A32-5791-11D0-86F9-00A0C911B544}.
pub const CLSID_PortTopology: GUID = GUID::from_u128(0xB4C90A32_5791_11D0_86F9_00A0C911B544);
/// IID_IMiniportTopology {B4C90A31-5791-11D0-86F9-00A0C911B544}.
pub const IID_IMiniportTopology: GUID = GUID::from_u128(0xB4C90A31_5791_11D0_86F9_00A0C911B544);

// ---- entry points ----

/// `PCPFNSTARTDEVICE`: the adapter's start-device callback (PASSIVE_LEVEL).
pub type PCPFNSTARTDEVICE = Option<
    unsafe extern "system" fn(
        DeviceObject: PDEVICE_OBJECT,
        Irp: PIRP,
        ResourceList: PRESOURCELIST,
    ) -> NTSTATUS,
>;
/// `PDRIVER_ADD_DEVICE` (PASSIVE_LEVEL).
pub type PDRIVER_ADD_DEVICE = Option<
    unsafe extern "system" fn(
        DriverObject: crate::ntdef::PDRIVER_OBJECT,
        PhysicalDeviceObject: PDEVICE_OBJECT,
    ) -> NTSTATUS,
>;

#[cfg(windows)]
pub use self::functions::*;

#[cfg(windows)]
mod functions {
    use super::*;
    use crate::com::REFCLSID;
    use crate::ntdef::{DEVICE_POWER_STATE, PDRIVER_OBJECT, PUNICODE_STRING, PWCHAR};

    #[link(name = "portcls")]
    unsafe extern "system" {
        /// Hooks PortCls's IRP dispatch into the driver object. Call from `DriverEntry`
        /// (PASSIVE_LEVEL).
        ///
        /// # Safety
        /// `DriverObject` and `RegistryPathName` are the pointers `DriverEntry` received.
        pub fn PcInitializeAdapterDriver(
            DriverObject: PDRIVER_OBJECT,
            RegistryPathName: PUNICODE_STRING,
            AddDevice: PDRIVER_ADD_DEVICE,
        ) -> NTSTATUS;

        /// Creates the adapter's FDO. Call from AddDevice (PASSIVE_LEVEL).
        ///
        /// # Safety
        /// Pointers as received by AddDevice; `StartDevice` stays valid while the driver is loaded.
        pub fn PcAddAdapterDevice(
            DriverObject: PDRIVER_OBJECT,
            PhysicalDeviceObject: PDEVICE_OBJECT,
            StartDevice: PCPFNSTARTDEVICE,
            MaxObjects: ULONG,
            DeviceExtensionSize: ULONG,
        ) -> NTSTATUS;

        /// Creates a port driver (`CLSID_PortDMus`, ...) (PASSIVE_LEVEL).
        ///
        /// # Safety
        /// `OutPort` is writable; `ClassId` points at a GUID.
        pub fn PcNewPort(OutPort: *mut PPORT, ClassId: REFCLSID) -> NTSTATUS;

        /// Creates a PortCls-provided miniport (PASSIVE_LEVEL).
        ///
        /// # Safety
        /// `OutMiniport` is writable; `ClassId` points at a GUID.
        pub fn PcNewMiniport(OutMiniport: *mut PMINIPORT, ClassId: REFCLSID) -> NTSTATUS;

        /// Creates a service group (PASSIVE_LEVEL).
        ///
        /// # Safety
        /// `OutServiceGroup` is writable; `OuterUnknown` is null or a live IUnknown.
        pub fn PcNewServiceGroup(OutServiceGroup: *mut PSERVICEGROUP, OuterUnknown: PUNKNOWN) -> NTSTATUS;

        /// Registers a port/miniport pair as a subdevice (PASSIVE_LEVEL).
        ///
        /// # Safety
        /// `DeviceObject` is the FDO; `Name` is a NUL-terminated UTF-16 string; `Unknown` is the port.
        pub fn PcRegisterSubdevice(DeviceObject: PDEVICE_OBJECT, Name: PWCHAR, Unknown: PUNKNOWN)
        -> NTSTATUS;

        /// Registers a physical connection between two subdevices' pins (PASSIVE_LEVEL).
        ///
        /// # Safety
        /// `DeviceObject` is the FDO; both unknowns are registered ports.
        pub fn PcRegisterPhysicalConnection(
            DeviceObject: PDEVICE_OBJECT,
            FromUnknown: PUNKNOWN,
            FromPin: ULONG,
            ToUnknown: PUNKNOWN,
            ToPin: ULONG,
        ) -> NTSTATUS;

        /// Completes a property request a handler returned `STATUS_PENDING` for (<= DISPATCH_LEVEL).
        ///
        /// # Safety
        /// `PropertyRequest` is the pending request, completed exactly once.
        pub fn PcCompletePendingPropertyRequest(
            PropertyRequest: PPCPROPERTY_REQUEST,
            NtStatus: NTSTATUS,
        ) -> NTSTATUS;

        /// Default IRP dispatch (PASSIVE_LEVEL).
        ///
        /// # Safety
        /// Pointers as received by the dispatch routine.
        pub fn PcDispatchIrp(DeviceObject: PDEVICE_OBJECT, Irp: PIRP) -> NTSTATUS;

        /// Completes an IRP (<= DISPATCH_LEVEL).
        ///
        /// # Safety
        /// Pointers as received by the dispatch routine; the IRP is completed once.
        pub fn PcCompleteIrp(DeviceObject: PDEVICE_OBJECT, Irp: PIRP, Status: NTSTATUS) -> NTSTATUS;

        /// Forwards an IRP down the stack and waits (PASSIVE_LEVEL).
        ///
        /// # Safety
        /// Pointers as received by the dispatch routine.
        pub fn PcForwardIrpSynchronous(DeviceObject: PDEVICE_OBJECT, Irp: PIRP) -> NTSTATUS;

        /// 100-ns units elapsed since `Since` (any IRQL).
        ///
        /// # Safety
        /// None beyond calling into PortCls.
        pub fn PcGetTimeInterval(Since: ULONGLONG) -> ULONGLONG;

        /// Registers the adapter's IAdapterPowerManagement (PASSIVE_LEVEL).
        ///
        /// # Safety
        /// `pUnknown` is a live IUnknown; `pvContext1` is the FDO.
        pub fn PcRegisterAdapterPowerManagement(pUnknown: PUNKNOWN, pvContext1: PVOID) -> NTSTATUS;

        /// Requests a device power state (PASSIVE_LEVEL).
        ///
        /// # Safety
        /// `pDeviceObject` is the FDO.
        pub fn PcRequestNewPowerState(
            pDeviceObject: PDEVICE_OBJECT,
            RequestedNewState: DEVICE_POWER_STATE,
        ) -> NTSTATUS;

        /// Reads a device registry property (PASSIVE_LEVEL).
        ///
        /// # Safety
        /// `DeviceObject` is the FDO; `PropertyBuffer` holds `BufferLength` bytes.
        pub fn PcGetDeviceProperty(
            DeviceObject: PVOID,
            DeviceProperty: DEVICE_REGISTRY_PROPERTY,
            BufferLength: ULONG,
            PropertyBuffer: PVOID,
            ResultLength: PULONG,
        ) -> NTSTATUS;

        /// Opens a registry key (PASSIVE_LEVEL).
        ///
        /// # Safety
        /// Pointers valid or null as the WDK documents.
        pub fn PcNewRegistryKey(
            OutRegistryKey: *mut PREGISTRYKEY,
            OuterUnknown: PUNKNOWN,
            RegistryKeyType: ULONG,
            DesiredAccess: ACCESS_MASK,
            DeviceObject: PVOID,
            SubDevice: PVOID,
            ObjectAttributes: POBJECT_ATTRIBUTES,
            CreateOptions: ULONG,
            Disposition: PULONG,
        ) -> NTSTATUS;
    }
}
