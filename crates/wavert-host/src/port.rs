//! The port-side COM objects the WaveRT miniports receive: a stand-in `IPortWaveRT` /
//! `IPortTopology` (only their reference count matters) and `IPortWaveRTStream`, whose
//! `AllocatePagesForMdl` hands out real page-aligned, page-sized memory behind a fake MDL and
//! counts every allocation, mapping, unmapping and free (with failure injection).
//!
//! Each is `#[repr(C)] { vtable, references, … }`, created with one reference held by the host and
//! freed by the host; the tests check that the miniports gave back every reference they took.

use miniport::platform::Irql;
use portcls_host::objects::{
    HostObject, add_ref, port_get_device_property, port_new_registry_key, query_interface, release,
};
use portcls_host::platform::current_irql;
use portcls_sys::{
    GUID, IID_IPort, IID_IPortTopology, IID_IPortWaveRT, IID_IPortWaveRTStream, IID_IUnknown, IPort,
    IPortVtbl, IPortWaveRTStream, IPortWaveRTStreamVtbl, MEMORY_CACHING_TYPE, MmCached, NTSTATUS,
    PDEVICE_OBJECT, PHYSICAL_ADDRESS, PIRP, PMDL, PRESOURCELIST, PUNKNOWN, PVOID, SIZE_T,
    STATUS_NOT_IMPLEMENTED, ULONG,
};
use std::alloc::{Layout, alloc, dealloc};
use std::collections::HashMap;
use std::ptr::null_mut;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

/// Page size of the fake MDLs.
pub const PAGE: usize = 4096;

// ------------------------------------------------------------------------------------------------
// IPortWaveRT / IPortTopology

/// `IPortWaveRT` or `IPortTopology` (both are `IPort`'s six slots).
#[repr(C)]
pub struct FakePort {
    vtable: *const IPortVtbl,
    references: AtomicU32,
}

// SAFETY: interface pointers to a FakePort come from `FakePort::create`.
unsafe impl HostObject for FakePort {
    const INTERFACES: &'static [GUID] = &[IID_IUnknown, IID_IPort, IID_IPortWaveRT, IID_IPortTopology];
    fn reference_count(&self) -> &AtomicU32 {
        &self.references
    }
}

/// # Safety
/// None: no argument is used.
unsafe extern "system" fn port_init(
    _this: *mut IPort,
    _device: PDEVICE_OBJECT,
    _irp: PIRP,
    _miniport: PUNKNOWN,
    _adapter: PUNKNOWN,
    _resources: PRESOURCELIST,
) -> NTSTATUS {
    STATUS_NOT_IMPLEMENTED
}

static PORT_VTABLE: IPortVtbl = IPortVtbl {
    QueryInterface: query_interface::<FakePort, IPort>,
    AddRef: add_ref::<FakePort, IPort>,
    Release: release::<FakePort, IPort>,
    Init: port_init,
    GetDeviceProperty: port_get_device_property,
    NewRegistryKey: port_new_registry_key,
};

impl FakePort {
    /// A port with one (the host's) reference.
    pub fn create() -> *mut FakePort {
        Box::into_raw(Box::new(FakePort {
            vtable: &PORT_VTABLE,
            references: AtomicU32::new(1),
        }))
    }

    /// The reference count.
    pub fn references(&self) -> u32 {
        self.references.load(Ordering::SeqCst)
    }

    /// Frees a port made by [`Self::create`].
    ///
    /// # Safety
    /// `port` came from `create` and is not used afterwards.
    pub unsafe fn destroy(port: *mut FakePort) {
        // SAFETY: made by Box::into_raw in `create`.
        drop(unsafe { Box::from_raw(port) });
    }
}

// ------------------------------------------------------------------------------------------------
// IPortWaveRTStream

/// Failure injection for the next allocation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Faults {
    /// `AllocatePagesForMdl` returns NULL.
    pub allocate: bool,
    /// `GetPhysicalPagesCount` reports one page fewer than allocated (a partial allocation).
    pub partial: bool,
    /// `MapAllocatedPages` returns NULL.
    pub map: bool,
}

/// What the port stream saw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PortStreamCounters {
    /// `AllocatePagesForMdl` calls that returned an MDL.
    pub allocations: u64,
    /// `FreePagesFromMdl` calls.
    pub frees: u64,
    /// `MapAllocatedPages` calls that returned an address.
    pub maps: u64,
    /// `UnmapAllocatedPages` calls.
    pub unmaps: u64,
    /// Calls above PASSIVE_LEVEL, unknown MDLs, unmapping an unmapped address, freeing a mapped
    /// MDL: contract breaches (must stay 0).
    pub breaches: u64,
    /// Bytes asked of the last `AllocatePagesForMdl`.
    pub last_request: usize,
    /// `HighAddress.QuadPart` of the last `AllocatePagesForMdl`.
    pub last_high_address: i64,
    /// Cache type of the last `MapAllocatedPages`.
    pub last_cache: MEMORY_CACHING_TYPE,
}

struct Pages {
    memory: *mut u8,
    layout: Layout,
    mapped: bool,
}

#[derive(Default)]
struct PortStreamState {
    faults: Faults,
    counters: PortStreamCounters,
    /// MDL address → its pages.
    pages: HashMap<usize, Pages>,
}

// SAFETY: the raw memory is owned by the state and only touched under its mutex.
unsafe impl Send for PortStreamState {}

/// `IPortWaveRTStream` with page-backed buffers.
#[repr(C)]
pub struct FakePortStream {
    vtable: *const IPortWaveRTStreamVtbl,
    references: AtomicU32,
    state: Mutex<PortStreamState>,
}

// SAFETY: interface pointers to a FakePortStream come from `FakePortStream::create`.
unsafe impl HostObject for FakePortStream {
    const INTERFACES: &'static [GUID] = &[IID_IUnknown, IID_IPortWaveRTStream];
    fn reference_count(&self) -> &AtomicU32 {
        &self.references
    }
}

static PORT_STREAM_VTABLE: IPortWaveRTStreamVtbl = IPortWaveRTStreamVtbl {
    QueryInterface: query_interface::<FakePortStream, IPortWaveRTStream>,
    AddRef: add_ref::<FakePortStream, IPortWaveRTStream>,
    Release: release::<FakePortStream, IPortWaveRTStream>,
    AllocatePagesForMdl: allocate_pages_for_mdl,
    AllocateContiguousPagesForMdl: allocate_contiguous_pages_for_mdl,
    MapAllocatedPages: map_allocated_pages,
    UnmapAllocatedPages: unmap_allocated_pages,
    FreePagesFromMdl: free_pages_from_mdl,
    GetPhysicalPagesCount: get_physical_pages_count,
    GetPhysicalPageAddress: get_physical_page_address,
};

/// # Safety
/// `this` is a live FakePortStream.
unsafe fn stream<'a>(this: *mut IPortWaveRTStream) -> &'a FakePortStream {
    // SAFETY: the caller's contract.
    unsafe { &*this.cast::<FakePortStream>() }
}

fn passive_or_breach(state: &mut PortStreamState) {
    if current_irql() != Irql::PASSIVE {
        state.counters.breaches += 1;
    }
}

/// # Safety
/// `this` is a live FakePortStream.
unsafe extern "system" fn allocate_pages_for_mdl(
    this: *mut IPortWaveRTStream,
    high: PHYSICAL_ADDRESS,
    bytes: SIZE_T,
) -> PMDL {
    // SAFETY: live object.
    let mut state = unsafe { stream(this) }.state.lock().unwrap();
    passive_or_breach(&mut state);
    state.counters.last_request = bytes;
    // SAFETY: `QuadPart` is the only field of the union.
    state.counters.last_high_address = unsafe { high.QuadPart };
    if state.faults.allocate || bytes == 0 {
        state.faults.allocate = false;
        return null_mut();
    }
    let size = bytes.div_ceil(PAGE) * PAGE;
    let layout = Layout::from_size_align(size, PAGE).unwrap();
    // SAFETY: non-zero size.
    let memory = unsafe { alloc(layout) };
    if memory.is_null() {
        // Out of memory (the allocation-failure sweep): as MmAllocatePagesForMdlEx.
        return null_mut();
    }
    // Pages are not zeroed by the kernel either: fill with a pattern the miniport must clear.
    // SAFETY: `size` bytes just allocated.
    unsafe { memory.write_bytes(0xA5, size) };
    // The MDL is an address one byte into the pages: unique, distinct from the mapped address
    // (so a miniport that swapped them is caught), never dereferenced, and no allocation.
    let mdl = memory.wrapping_add(1);
    state.pages.insert(
        mdl as usize,
        Pages {
            memory,
            layout,
            mapped: false,
        },
    );
    state.counters.allocations += 1;
    mdl.cast()
}

/// # Safety
/// None: refuses.
unsafe extern "system" fn allocate_contiguous_pages_for_mdl(
    _this: *mut IPortWaveRTStream,
    _low: PHYSICAL_ADDRESS,
    _high: PHYSICAL_ADDRESS,
    _bytes: SIZE_T,
) -> PMDL {
    null_mut()
}

/// # Safety
/// `this` is a live FakePortStream.
unsafe extern "system" fn map_allocated_pages(
    this: *mut IPortWaveRTStream,
    mdl: PMDL,
    cache: MEMORY_CACHING_TYPE,
) -> PVOID {
    // SAFETY: live object.
    let mut state = unsafe { stream(this) }.state.lock().unwrap();
    passive_or_breach(&mut state);
    state.counters.last_cache = cache;
    if state.faults.map {
        state.faults.map = false;
        return null_mut();
    }
    let state = &mut *state;
    let Some(pages) = state.pages.get_mut(&(mdl as usize)) else {
        state.counters.breaches += 1;
        return null_mut();
    };
    if pages.mapped {
        state.counters.breaches += 1;
    }
    pages.mapped = true;
    state.counters.maps += 1;
    pages.memory.cast()
}

/// # Safety
/// `this` is a live FakePortStream.
unsafe extern "system" fn unmap_allocated_pages(this: *mut IPortWaveRTStream, base: PVOID, mdl: PMDL) {
    // SAFETY: live object.
    let mut state = unsafe { stream(this) }.state.lock().unwrap();
    passive_or_breach(&mut state);
    let state = &mut *state;
    match state.pages.get_mut(&(mdl as usize)) {
        Some(pages) if pages.mapped && pages.memory == base.cast() => {
            pages.mapped = false;
            state.counters.unmaps += 1;
        }
        _ => state.counters.breaches += 1,
    }
}

/// # Safety
/// `this` is a live FakePortStream.
unsafe extern "system" fn free_pages_from_mdl(this: *mut IPortWaveRTStream, mdl: PMDL) {
    // SAFETY: live object.
    let mut state = unsafe { stream(this) }.state.lock().unwrap();
    passive_or_breach(&mut state);
    match state.pages.remove(&(mdl as usize)) {
        Some(pages) => {
            if pages.mapped {
                state.counters.breaches += 1;
            }
            // SAFETY: allocated in `allocate_pages_for_mdl` with this layout.
            unsafe { dealloc(pages.memory, pages.layout) };
            state.counters.frees += 1;
        }
        None => state.counters.breaches += 1,
    }
}

/// # Safety
/// `this` is a live FakePortStream.
unsafe extern "system" fn get_physical_pages_count(this: *mut IPortWaveRTStream, mdl: PMDL) -> ULONG {
    // SAFETY: live object.
    let mut state = unsafe { stream(this) }.state.lock().unwrap();
    let partial = std::mem::take(&mut state.faults.partial);
    match state.pages.get(&(mdl as usize)) {
        Some(pages) => (pages.layout.size() / PAGE) as ULONG - ULONG::from(partial),
        None => {
            state.counters.breaches += 1;
            0
        }
    }
}

/// # Safety
/// None: a virtual device has no physical addresses to program.
unsafe extern "system" fn get_physical_page_address(
    _this: *mut IPortWaveRTStream,
    _mdl: PMDL,
    _index: ULONG,
) -> PHYSICAL_ADDRESS {
    PHYSICAL_ADDRESS { QuadPart: 0 }
}

impl FakePortStream {
    /// A port stream with one (the host's) reference.
    pub fn create() -> *mut FakePortStream {
        Box::into_raw(Box::new(FakePortStream {
            vtable: &PORT_STREAM_VTABLE,
            references: AtomicU32::new(1),
            state: Mutex::new(PortStreamState {
                // Room reserved now, so that AllocatePagesForMdl allocates only the pages.
                pages: HashMap::with_capacity(8),
                ..PortStreamState::default()
            }),
        }))
    }

    /// The reference count.
    pub fn references(&self) -> u32 {
        self.references.load(Ordering::SeqCst)
    }

    /// Injects failures into the next allocation.
    pub fn inject(&self, faults: Faults) {
        self.state.lock().unwrap().faults = faults;
    }

    /// The counters.
    pub fn counters(&self) -> PortStreamCounters {
        self.state.lock().unwrap().counters
    }

    /// MDLs allocated and not freed.
    pub fn live_mdls(&self) -> usize {
        self.state.lock().unwrap().pages.len()
    }

    /// Whether `mdl` is a live, mapped MDL of this stream and `MmCached` was asked.
    pub fn is_mapped(&self, mdl: PMDL) -> bool {
        let state = self.state.lock().unwrap();
        state.counters.last_cache == MmCached
            && state.pages.get(&(mdl as usize)).is_some_and(|pages| pages.mapped)
    }

    /// The address `MapAllocatedPages` returned for `mdl` (null if unknown).
    pub fn base_of(&self, mdl: PMDL) -> *const u8 {
        let state = self.state.lock().unwrap();
        state
            .pages
            .get(&(mdl as usize))
            .map_or(std::ptr::null(), |pages| pages.memory.cast_const())
    }

    /// Frees a port stream made by [`Self::create`] (and any pages the miniport leaked).
    ///
    /// # Safety
    /// `stream` came from `create` and is not used afterwards.
    pub unsafe fn destroy(stream: *mut FakePortStream) {
        // SAFETY: made by Box::into_raw in `create`.
        let stream = unsafe { Box::from_raw(stream) };
        let mut state = stream.state.lock().unwrap();
        for (_, pages) in state.pages.drain() {
            // SAFETY: allocated in `allocate_pages_for_mdl` with this layout.
            unsafe { dealloc(pages.memory, pages.layout) };
        }
    }
}
