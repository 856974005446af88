// A C++ "PortCls" that drives the dmksynth miniport through interfaces declared exactly as the
// WDK's dmusicks.h and portcls.h declare them: C++ classes of pure virtual methods (DECLARE_INTERFACE_
// expands to a struct with virtual methods; STDMETHODCALLTYPE is __stdcall on x86 and nothing on
// x64). No Windows headers: the few types are defined here with the Windows layouts.
#include <cstdint>
#include <cstring>
#include <cstddef>

typedef int32_t NTSTATUS;
typedef uint32_t ULONG, DWORD;
typedef uint16_t USHORT;
typedef int64_t LONGLONG, REFERENCE_TIME;
typedef uint64_t ULONGLONG;
typedef uint8_t BYTE;
typedef BYTE *PBYTE;
typedef int32_t BOOL;
typedef void *PVOID;
typedef ULONG *PULONG;
typedef ULONGLONG *PULONGLONG;

struct GUID { uint32_t Data1; uint16_t Data2, Data3; uint8_t Data4[8]; };
typedef const GUID &REFIID;
static bool operator==(const GUID &a, const GUID &b) { return memcmp(&a, &b, sizeof(GUID)) == 0; }

#define STATUS_SUCCESS ((NTSTATUS)0)
#define STATUS_INVALID_PARAMETER ((NTSTATUS)0xC000000DL)
#define NT_SUCCESS(s) ((NTSTATUS)(s) >= 0)

static const GUID IID_IUnknown = {0x00000000, 0x0000, 0x0000, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};
static const GUID IID_IMiniportDMus = {0xc096df9d, 0xfb09, 0x11d1, {0x81, 0xb0, 0x00, 0x60, 0x08, 0x33, 0x16, 0xc1}};
static const GUID IID_ISynthSinkDMus = {0x1f476974, 0x679b, 0x11d2, {0x8f, 0x7d, 0x00, 0xc0, 0x4f, 0xbf, 0x8f, 0xef}};
static const GUID IID_IMXF = {0xc096df9e, 0xfb09, 0x11d1, {0x81, 0xb0, 0x00, 0x60, 0x08, 0x33, 0x16, 0xc1}};
static const GUID IID_IAllocatorMXF = {0xa5f0d62c, 0xb30f, 0x11d2, {0xb7, 0xa3, 0x00, 0x60, 0x08, 0x33, 0x16, 0xc1}};
static const GUID IID_IPortDMus = {0xc096df9c, 0xfb09, 0x11d1, {0x81, 0xb0, 0x00, 0x60, 0x08, 0x33, 0x16, 0xc1}};
static const GUID KSPROPSETID_Synth_Dls = {0xd523fa2c, 0xdee3, 0x11d1, {0xa7, 0x89, 0x00, 0x00, 0xf8, 0x75, 0xac, 0x12}};
static const GUID KSDATAFORMAT_TYPE_AUDIO = {0x73647561, 0x0000, 0x0010, {0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71}};
static const GUID KSDATAFORMAT_SUBTYPE_PCM = {0x00000001, 0x0000, 0x0010, {0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71}};
static const GUID KSDATAFORMAT_SPECIFIER_WAVEFORMATEX = {0x05589f81, 0xc356, 0x11ce, {0xbf, 0x01, 0x00, 0xaa, 0x00, 0x55, 0x59, 0x5a}};
static const GUID KSDATAFORMAT_TYPE_MUSIC = {0xE725D360, 0x62CC, 0x11CF, {0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00}};
static const GUID KSDATAFORMAT_SUBTYPE_DIRECTMUSIC = {0x1a82f8bc, 0x3f8b, 0x11d2, {0xb7, 0x74, 0x00, 0x60, 0x08, 0x33, 0x16, 0xc1}};
static const GUID KSDATAFORMAT_SPECIFIER_NONE = {0x0F6417D6, 0xC318, 0x11D0, {0xA4, 0x3F, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96}};

typedef enum { KSSTATE_STOP, KSSTATE_ACQUIRE, KSSTATE_PAUSE, KSSTATE_RUN } KSSTATE;
typedef enum { NonPagedPool = 0 } POOL_TYPE;
typedef enum { DMUS_STREAM_MIDI_INVALID = -1, DMUS_STREAM_MIDI_RENDER = 0, DMUS_STREAM_MIDI_CAPTURE, DMUS_STREAM_WAVE_SINK } DMUS_STREAM_TYPE;
typedef int DEVICE_REGISTRY_PROPERTY;
typedef ULONG ACCESS_MASK;
struct DEVICE_OBJECT; struct IRP; struct OBJECT_ATTRIBUTES; struct IResourceList; struct IServiceGroup; struct IRegistryKey;
typedef DEVICE_OBJECT *PDEVICE_OBJECT; typedef IRP *PIRP; typedef OBJECT_ATTRIBUTES *POBJECT_ATTRIBUTES;
typedef IResourceList *PRESOURCELIST; typedef IServiceGroup *PSERVICEGROUP; typedef IRegistryKey *PREGISTRYKEY;

struct alignas(8) KSDATAFORMAT { ULONG FormatSize, Flags, SampleSize, Reserved; GUID MajorFormat, SubFormat, Specifier; };
typedef KSDATAFORMAT KSDATARANGE, *PKSDATAFORMAT, *PKSDATARANGE;
#pragma pack(push, 1)
struct WAVEFORMATEX { USHORT wFormatTag, nChannels; ULONG nSamplesPerSec, nAvgBytesPerSec; USHORT nBlockAlign, wBitsPerSample, cbSize; };
struct KSDATAFORMAT_WAVEFORMATEX { ULONG FormatSize, Flags, SampleSize, Reserved; GUID MajorFormat, SubFormat, Specifier; WAVEFORMATEX WaveFormatEx; };
#pragma pack(pop)

#define DMUS_KEF_PACKAGE_EVENT 0x0002
struct DMUS_KERNEL_EVENT {
    BYTE bReserved, cbStruct; USHORT cbEvent, usChannelGroup, usFlags;
    REFERENCE_TIME ullPresTime100ns; ULONGLONG ullBytePosition;
    DMUS_KERNEL_EVENT *pNextEvt;
    union { BYTE abData[sizeof(PBYTE)]; PBYTE pbData; DMUS_KERNEL_EVENT *pPackageEvt; } uData;
};
typedef DMUS_KERNEL_EVENT *PDMUS_KERNEL_EVENT;
static_assert(sizeof(DMUS_KERNEL_EVENT) == 40, "DMUS_KERNEL_EVENT is 40 bytes on x64");
static_assert(offsetof(DMUS_KERNEL_EVENT, uData) == 32, "uData at 32");

// ---- portcls.h / dmusicks.h interfaces, in declaration order ----
struct IUnknown {
    virtual NTSTATUS QueryInterface(REFIID, PVOID *) = 0;
    virtual ULONG AddRef() = 0;
    virtual ULONG Release() = 0;
};
typedef IUnknown *PUNKNOWN;
struct IMXF;
typedef IMXF *PMXF;
struct IMXF : IUnknown {
    virtual NTSTATUS SetState(KSSTATE State) = 0;
    virtual NTSTATUS PutMessage(PDMUS_KERNEL_EVENT pDMKEvt) = 0;
    virtual NTSTATUS ConnectOutput(PMXF sinkMXF) = 0;
    virtual NTSTATUS DisconnectOutput(PMXF sinkMXF) = 0;
};
struct IAllocatorMXF : IMXF {
    virtual NTSTATUS GetMessage(PDMUS_KERNEL_EVENT *ppDMKEvt) = 0;
    virtual USHORT GetBufferSize() = 0;
    virtual NTSTATUS GetBuffer(PBYTE *ppBuffer) = 0;
    virtual NTSTATUS PutBuffer(PBYTE pBuffer) = 0;
};
typedef IAllocatorMXF *PAllocatorMXF;
struct ISynthSinkDMus : IMXF {
    virtual void Render(PBYTE pBuffer, DWORD dwLength, LONGLONG llPosition) = 0;
    virtual NTSTATUS SyncToMaster(REFERENCE_TIME rfTime, BOOL fStart) = 0;
    virtual NTSTATUS SampleToRefTime(LONGLONG llSampleTime, REFERENCE_TIME *prfTime) = 0;
    virtual NTSTATUS RefTimeToSample(REFERENCE_TIME rfTime, LONGLONG *pllSampleTime) = 0;
};
struct IMasterClock : IUnknown {
    virtual NTSTATUS GetTime(REFERENCE_TIME *pTime) = 0;
};
typedef IMasterClock *PMASTERCLOCK;
struct IPort : IUnknown {
    virtual NTSTATUS Init(PDEVICE_OBJECT, PIRP, PUNKNOWN, PUNKNOWN, PRESOURCELIST) = 0;
    virtual NTSTATUS GetDeviceProperty(DEVICE_REGISTRY_PROPERTY, ULONG, PVOID, PULONG) = 0;
    virtual NTSTATUS NewRegistryKey(PREGISTRYKEY *, PUNKNOWN, ULONG, ACCESS_MASK, POBJECT_ATTRIBUTES, ULONG, PULONG) = 0;
};
struct IPortDMus : IPort {
    virtual void Notify(PSERVICEGROUP ServiceGroup) = 0;
    virtual void RegisterServiceGroup(PSERVICEGROUP ServiceGroup) = 0;
};
typedef IPortDMus *PPORTDMUS;

struct PCPROPERTY_REQUEST;
typedef NTSTATUS (*PCPFNPROPERTY_HANDLER)(PCPROPERTY_REQUEST *);
struct PCPROPERTY_ITEM { const GUID *Set; ULONG Id; ULONG Flags; PCPFNPROPERTY_HANDLER Handler; };
struct PCPROPERTY_REQUEST {
    PUNKNOWN MajorTarget, MinorTarget; ULONG Node; const PCPROPERTY_ITEM *PropertyItem; ULONG Verb;
    ULONG InstanceSize; PVOID Instance; ULONG ValueSize; PVOID Value; PIRP Irp;
};
struct PCAUTOMATION_TABLE {
    ULONG PropertyItemSize, PropertyCount; const PCPROPERTY_ITEM *Properties;
    ULONG MethodItemSize, MethodCount; const void *Methods;
    ULONG EventItemSize, EventCount; const void *Events; ULONG Reserved;
};
struct PCNODE_DESCRIPTOR { ULONG Flags; const PCAUTOMATION_TABLE *AutomationTable; const GUID *Type, *Name; };
struct PCFILTER_DESCRIPTOR {
    ULONG Version; const PCAUTOMATION_TABLE *AutomationTable; ULONG PinSize, PinCount; const void *Pins;
    ULONG NodeSize, NodeCount; const PCNODE_DESCRIPTOR *Nodes; ULONG ConnectionCount; const void *Connections;
    ULONG CategoryCount; const GUID *Categories;
};
typedef PCFILTER_DESCRIPTOR *PPCFILTER_DESCRIPTOR;

struct IMiniport : IUnknown {
    virtual NTSTATUS GetDescription(PPCFILTER_DESCRIPTOR *Description) = 0;
    virtual NTSTATUS DataRangeIntersection(ULONG PinId, PKSDATARANGE DataRange, PKSDATARANGE MatchingDataRange,
                                           ULONG OutputBufferLength, PVOID ResultantFormat, PULONG ResultantFormatLength) = 0;
};
struct IMiniportDMus : IMiniport {
    virtual NTSTATUS Init(PUNKNOWN UnknownAdapter, PRESOURCELIST ResourceList, PPORTDMUS Port, PSERVICEGROUP *ServiceGroup) = 0;
    virtual void Service() = 0;
    virtual NTSTATUS NewStream(PMXF *MXF, PUNKNOWN OuterUnknown, POOL_TYPE PoolType, ULONG PinID, DMUS_STREAM_TYPE StreamType,
                               PKSDATAFORMAT DataFormat, PSERVICEGROUP *ServiceGroup, PAllocatorMXF AllocatorMXF,
                               PMASTERCLOCK MasterClock, PULONGLONG SchedulePreFetch) = 0;
};

struct SYNTH_BUFFER { ULONG BufferSize; PVOID BufferAddress; };
struct SYNTHDOWNLOAD { void *DownloadHandle; BOOL Free; };

// ---- the port side, in C++ ----
struct Port : IPortDMus {
    ULONG refs = 1;
    NTSTATUS QueryInterface(REFIID iid, PVOID *out) override {
        if (iid == IID_IUnknown || iid == IID_IPortDMus) { AddRef(); *out = this; return STATUS_SUCCESS; }
        *out = nullptr; return STATUS_INVALID_PARAMETER;
    }
    ULONG AddRef() override { return ++refs; }
    ULONG Release() override { return --refs; }
    NTSTATUS Init(PDEVICE_OBJECT, PIRP, PUNKNOWN, PUNKNOWN, PRESOURCELIST) override { return STATUS_SUCCESS; }
    NTSTATUS GetDeviceProperty(DEVICE_REGISTRY_PROPERTY, ULONG, PVOID, PULONG) override { return (NTSTATUS)0xC0000002L; }
    NTSTATUS NewRegistryKey(PREGISTRYKEY *, PUNKNOWN, ULONG, ACCESS_MASK, POBJECT_ATTRIBUTES, ULONG, PULONG) override { return (NTSTATUS)0xC0000002L; }
    void Notify(PSERVICEGROUP) override {}
    void RegisterServiceGroup(PSERVICEGROUP) override {}
};

struct Clock : IMasterClock {
    ULONG refs = 1; REFERENCE_TIME now = 0;
    NTSTATUS QueryInterface(REFIID iid, PVOID *out) override {
        if (iid == IID_IUnknown) { AddRef(); *out = this; return STATUS_SUCCESS; }
        *out = nullptr; return STATUS_INVALID_PARAMETER;
    }
    ULONG AddRef() override { return ++refs; }
    ULONG Release() override { return --refs; }
    NTSTATUS GetTime(REFERENCE_TIME *t) override { *t = now; return STATUS_SUCCESS; }
};

struct Allocator : IAllocatorMXF {
    ULONG refs = 1; DMUS_KERNEL_EVENT pool[64]; bool used[64] = {}; long out = 0, back = 0;
    NTSTATUS QueryInterface(REFIID iid, PVOID *o) override {
        if (iid == IID_IUnknown || iid == IID_IMXF || iid == IID_IAllocatorMXF) { AddRef(); *o = this; return STATUS_SUCCESS; }
        *o = nullptr; return STATUS_INVALID_PARAMETER;
    }
    ULONG AddRef() override { return ++refs; }
    ULONG Release() override { return --refs; }
    NTSTATUS SetState(KSSTATE) override { return STATUS_SUCCESS; }
    NTSTATUS PutMessage(PDMUS_KERNEL_EVENT e) override {
        while (e) {
            PDMUS_KERNEL_EVENT next = e->pNextEvt;
            if ((e->usFlags & DMUS_KEF_PACKAGE_EVENT) && e->uData.pPackageEvt) PutMessage(e->uData.pPackageEvt);
            long i = e - pool;
            if (i >= 0 && i < 64 && used[i]) { used[i] = false; back++; }
            e = next;
        }
        return STATUS_SUCCESS;
    }
    NTSTATUS ConnectOutput(PMXF) override { return STATUS_SUCCESS; }
    NTSTATUS DisconnectOutput(PMXF) override { return STATUS_SUCCESS; }
    NTSTATUS GetMessage(PDMUS_KERNEL_EVENT *o) override {
        for (int i = 0; i < 64; i++) if (!used[i]) { used[i] = true; out++; memset(&pool[i], 0, sizeof pool[i]); *o = &pool[i]; return STATUS_SUCCESS; }
        *o = nullptr; return (NTSTATUS)0xC000009AL;
    }
    USHORT GetBufferSize() override { return 0; }
    NTSTATUS GetBuffer(PBYTE *b) override { *b = nullptr; return (NTSTATUS)0xC000009AL; }
    NTSTATUS PutBuffer(PBYTE) override { return STATUS_SUCCESS; }
};

struct Results {
    int32_t failures;          // calls that did not return what a port expects
    int32_t peak;              // peak |sample| rendered
    int32_t onset;             // first non-zero frame
    int32_t events_out, events_back;
    int32_t port_refs, allocator_refs, clock_refs; // after everything was released (1 = only ours)
    int32_t qi_miss_status;
    int32_t downloads;
    uint32_t pins, nodes, categories;
};

#define EXPECT(cond) do { if (!(cond)) r->failures++; } while (0)

static const PCPROPERTY_ITEM *find_item(const PCFILTER_DESCRIPTOR *d, const GUID &set, ULONG id) {
    const PCAUTOMATION_TABLE *t = d->Nodes[0].AutomationTable;
    for (ULONG i = 0; i < t->PropertyCount; i++) {
        const PCPROPERTY_ITEM *item = (const PCPROPERTY_ITEM *)((const BYTE *)t->Properties + i * t->PropertyItemSize);
        if (*item->Set == set && item->Id == id) return item;
    }
    return nullptr;
}

extern "C" void drive_miniport(NTSTATUS (*create)(void **), const uint8_t *const *buffers, const uint32_t *sizes,
                               uint32_t count, Results *r) {
    memset(r, 0, sizeof *r);
    Port port; Clock clock; Allocator allocator;
    void *unknown = nullptr;
    EXPECT(NT_SUCCESS(create(&unknown)) && unknown);
    IMiniportDMus *miniport = nullptr;
    EXPECT(NT_SUCCESS(((IUnknown *)unknown)->QueryInterface(IID_IMiniportDMus, (PVOID *)&miniport)));
    ((IUnknown *)unknown)->Release();
    void *miss = (void *)1;
    r->qi_miss_status = miniport->QueryInterface(IID_ISynthSinkDMus, &miss);
    EXPECT(miss == nullptr);

    PSERVICEGROUP group = (PSERVICEGROUP)1;
    EXPECT(NT_SUCCESS(miniport->Init(nullptr, nullptr, &port, &group)) && group == nullptr);
    PPCFILTER_DESCRIPTOR d = nullptr;
    EXPECT(NT_SUCCESS(miniport->GetDescription(&d)) && d);
    r->pins = d->PinCount; r->nodes = d->NodeCount; r->categories = d->CategoryCount;

    KSDATAFORMAT music = {sizeof(KSDATAFORMAT), 0, 0, 0, KSDATAFORMAT_TYPE_MUSIC, KSDATAFORMAT_SUBTYPE_DIRECTMUSIC, KSDATAFORMAT_SPECIFIER_NONE};
    PMXF midi = nullptr, wave = nullptr; ULONGLONG prefetch = 0;
    EXPECT(NT_SUCCESS(miniport->NewStream(&midi, nullptr, NonPagedPool, 0, DMUS_STREAM_MIDI_RENDER, &music, &group, &allocator, &clock, &prefetch)));
    EXPECT(prefetch == 0x8000000000000000ULL);
    KSDATAFORMAT_WAVEFORMATEX format = {sizeof(KSDATAFORMAT_WAVEFORMATEX), 0, 4, 0, KSDATAFORMAT_TYPE_AUDIO, KSDATAFORMAT_SUBTYPE_PCM,
                                        KSDATAFORMAT_SPECIFIER_WAVEFORMATEX, {1, 2, 48000, 192000, 4, 16, 0}};
    EXPECT(NT_SUCCESS(miniport->NewStream(&wave, nullptr, NonPagedPool, 1, DMUS_STREAM_WAVE_SINK, (PKSDATAFORMAT)&format, &group, nullptr, nullptr, &prefetch)));
    ISynthSinkDMus *sink = nullptr;
    EXPECT(NT_SUCCESS(wave->QueryInterface(IID_ISynthSinkDMus, (PVOID *)&sink)));

    // Downloads through the node's automation table, as KS dispatches them.
    const PCPROPERTY_ITEM *download = find_item(d, KSPROPSETID_Synth_Dls, 0);
    const PCPROPERTY_ITEM *unload = find_item(d, KSPROPSETID_Synth_Dls, 1);
    EXPECT(download && unload);
    void *handles[16] = {};
    for (uint32_t i = 0; i < count && i < 16 && download; i++) {
        SYNTH_BUFFER instance = {sizes[i], (PVOID)buffers[i]};
        SYNTHDOWNLOAD value = {};
        PCPROPERTY_REQUEST request = {miniport, midi, 0, download, 1 /*GET*/ | 0x10000000 /*TOPOLOGY*/,
                                      sizeof instance, &instance, sizeof value, &value, nullptr};
        NTSTATUS status = download->Handler(&request);
        EXPECT(status == STATUS_SUCCESS && request.ValueSize == sizeof value && value.DownloadHandle);
        handles[i] = value.DownloadHandle;
        if (NT_SUCCESS(status)) r->downloads++;
    }

    for (int s = KSSTATE_ACQUIRE; s <= KSSTATE_RUN; s++) {
        EXPECT(NT_SUCCESS(midi->SetState((KSSTATE)s)));
        EXPECT(NT_SUCCESS(sink->SetState((KSSTATE)s)));
    }
    EXPECT(NT_SUCCESS(sink->SyncToMaster(0, 1)));

    // A note at 2.5 ms, as the port's sequencer hands it over (DISPATCH_LEVEL on Windows).
    PDMUS_KERNEL_EVENT event = nullptr;
    EXPECT(NT_SUCCESS(allocator.GetMessage(&event)));
    event->cbStruct = sizeof(DMUS_KERNEL_EVENT); event->cbEvent = 3; event->usChannelGroup = 1;
    event->ullPresTime100ns = 25000; event->uData.abData[0] = 0x90; event->uData.abData[1] = 60; event->uData.abData[2] = 127;
    EXPECT(NT_SUCCESS(midi->PutMessage(event)));

    static int16_t buffer[480 * 2];
    r->onset = -1;
    for (int period = 0; period < 10; period++) {
        clock.now = period * 100000LL;
        EXPECT(NT_SUCCESS(sink->SyncToMaster(period * 100000LL, 0)));
        sink->Render((PBYTE)buffer, 480, period * 480);
        for (int i = 0; i < 480; i++) {
            int v = buffer[2 * i] < 0 ? -buffer[2 * i] : buffer[2 * i];
            if (v > r->peak) r->peak = v;
            if (v && r->onset < 0) r->onset = period * 480 + i;
        }
    }
    LONGLONG frame = -1;
    EXPECT(NT_SUCCESS(sink->RefTimeToSample(25000, &frame)) && frame == 120);

    for (int s = KSSTATE_PAUSE; s >= KSSTATE_STOP; s--) {
        EXPECT(NT_SUCCESS(sink->SetState((KSSTATE)s)));
        EXPECT(NT_SUCCESS(midi->SetState((KSSTATE)s)));
    }
    for (int i = (int)count - 1; i >= 0; i--) {
        if (!handles[i] || !unload) continue;
        PCPROPERTY_REQUEST request = {miniport, midi, 0, unload, 2 /*SET*/, 0, nullptr, sizeof(void *), &handles[i], nullptr};
        EXPECT(unload->Handler(&request) == STATUS_SUCCESS);
    }
    sink->Release(); wave->Release(); midi->Release();
    EXPECT(miniport->Release() == 0);
    r->events_out = allocator.out; r->events_back = allocator.back;
    r->port_refs = port.refs; r->allocator_refs = allocator.refs; r->clock_refs = clock.refs;
}
