//! The port-side COM objects the miniport receives: a stand-in `IPortDMus`, the
//! `IAllocatorMXF` with a fixed event pool that counts events out and back, and a simulated,
//! deterministic `IMasterClock`.
//!
//! Each is `#[repr(C)] { vtable, references, … }`, created with one reference held by the host;
//! the host checks at the end that the miniport gave back every reference it took.

use crate::platform::{HostSpinLock, current_irql};
use miniport::com::iid_in;
use miniport::platform::{Irql, RawSpinLock};
use portcls_sys::{
    ACCESS_MASK, DEVICE_REGISTRY_PROPERTY, DMUS_KERNEL_EVENT, GUID, IAllocatorMXF, IAllocatorMXFVtbl,
    IID_IAllocatorMXF, IID_IMXF, IID_IPort, IID_IPortDMus, IID_IUnknown, IMasterClock, IMasterClockVtbl,
    IPortDMus, IPortDMusVtbl, KSSTATE, NTSTATUS, PBYTE, PDEVICE_OBJECT, PDMUS_KERNEL_EVENT, PIRP, PMXF,
    POBJECT_ATTRIBUTES, PREGISTRYKEY, PRESOURCELIST, PSERVICEGROUP, PULONG, PUNKNOWN, PVOID, REFERENCE_TIME,
    REFIID, STATUS_INSUFFICIENT_RESOURCES, STATUS_INVALID_PARAMETER, STATUS_NOT_IMPLEMENTED, STATUS_SUCCESS,
    ULONG, USHORT,
};
use std::ptr::null_mut;
use std::sync::atomic::{AtomicI64, AtomicU32, AtomicU64, Ordering};

/// A host COM object: `#[repr(C)]`, created by the host with one reference and freed by the host
/// (never by `Release`), answering each of [`HostObject::INTERFACES`] at its own address. Also
/// used by `wavert-host`'s fake WaveRT ports.
///
/// # Safety
/// An interface pointer the host hands out for `Self` points at a live `Self`.
pub unsafe trait HostObject {
    /// The IIDs `QueryInterface` answers; any other is a miss (`STATUS_INVALID_PARAMETER`, as the
    /// kernel's objects answer).
    const INTERFACES: &'static [GUID];

    /// The reference count.
    fn reference_count(&self) -> &AtomicU32;
}

/// `IUnknown::QueryInterface` of a host object `O` seen through interface `I`. Any IRQL.
///
/// # Safety
/// `this` points at a live `O`; `iid` is null or readable; `out` is null or writable.
pub unsafe extern "system" fn query_interface<O: HostObject, I>(
    this: *mut I,
    iid: REFIID,
    out: *mut PVOID,
) -> NTSTATUS {
    if out.is_null() {
        return STATUS_INVALID_PARAMETER;
    }
    // SAFETY: `iid` is null or readable by the caller's contract.
    if unsafe { iid_in(iid, O::INTERFACES) } {
        // SAFETY: `this` points at a live `O` by the caller's contract.
        unsafe { add_ref::<O, I>(this) };
        // SAFETY: `out` is non-null and writable by the caller's contract.
        unsafe { out.write(this.cast()) };
        STATUS_SUCCESS
    } else {
        // SAFETY: as above.
        unsafe { out.write(null_mut()) };
        STATUS_INVALID_PARAMETER
    }
}

/// `IUnknown::AddRef` of a host object `O` seen through interface `I`. Any IRQL.
///
/// # Safety
/// `this` points at a live `O`.
pub unsafe extern "system" fn add_ref<O: HostObject, I>(this: *mut I) -> ULONG {
    // SAFETY: `this` points at a live `O` by the caller's contract.
    let object = unsafe { &*this.cast::<O>() };
    object.reference_count().fetch_add(1, Ordering::SeqCst) + 1
}

/// `IUnknown::Release` of a host object `O` seen through interface `I`: counts down only (the
/// host frees its objects and checks at the end that every reference came back); panics on a
/// release without a reference, which is a miniport bug the tests must see. Any IRQL.
///
/// # Safety
/// `this` points at a live `O` and the caller owns the reference it gives up.
pub unsafe extern "system" fn release<O: HostObject, I>(this: *mut I) -> ULONG {
    // SAFETY: `this` points at a live `O` by the caller's contract.
    let object = unsafe { &*this.cast::<O>() };
    let previous = object.reference_count().fetch_sub(1, Ordering::SeqCst);
    assert!(
        previous > 0,
        "{} released more often than referenced",
        std::any::type_name::<I>()
    );
    previous - 1
}

// ------------------------------------------------------------------------------------------------
// IPortDMus

/// The port object handed to `IMiniportDMus::Init`.
#[repr(C)]
pub struct FakePort {
    vtable: *const IPortDMusVtbl,
    references: AtomicU32,
    /// `Notify` calls.
    pub notifies: AtomicU64,
}

static PORT_VTABLE: IPortDMusVtbl = IPortDMusVtbl {
    QueryInterface: query_interface::<FakePort, IPortDMus>,
    AddRef: add_ref::<FakePort, IPortDMus>,
    Release: release::<FakePort, IPortDMus>,
    Init: port_init,
    GetDeviceProperty: port_get_device_property,
    NewRegistryKey: port_new_registry_key,
    Notify: port_notify,
    RegisterServiceGroup: port_register_service_group,
};

// SAFETY: interface pointers to a FakePort are only the ones `FakePort::create` returns.
unsafe impl HostObject for FakePort {
    const INTERFACES: &'static [GUID] = &[IID_IUnknown, IID_IPort, IID_IPortDMus];
    fn reference_count(&self) -> &AtomicU32 {
        &self.references
    }
}

impl FakePort {
    /// A port with one (the host's) reference.
    pub fn create() -> *mut FakePort {
        Box::into_raw(Box::new(FakePort {
            vtable: &PORT_VTABLE,
            references: AtomicU32::new(1),
            notifies: AtomicU64::new(0),
        }))
    }

    /// Current reference count.
    ///
    /// # Safety
    /// `this` is live.
    pub unsafe fn references(this: *const FakePort) -> u32 {
        // SAFETY: live.
        unsafe { (*this).references.load(Ordering::SeqCst) }
    }
}

/// `IPortDMus::Init`: succeeds; the host port is already set up. PASSIVE_LEVEL.
///
/// # Safety
/// None: no argument is used.
unsafe extern "system" fn port_init(
    _this: *mut IPortDMus,
    _device: PDEVICE_OBJECT,
    _irp: PIRP,
    _miniport: PUNKNOWN,
    _adapter: PUNKNOWN,
    _resources: PRESOURCELIST,
) -> NTSTATUS {
    STATUS_SUCCESS
}
/// `IPort::GetDeviceProperty` of any host port (`I`: the port interface): `STATUS_NOT_IMPLEMENTED`.
/// PASSIVE_LEVEL.
///
/// # Safety
/// None: no argument is used.
pub unsafe extern "system" fn port_get_device_property<I>(
    _this: *mut I,
    _property: DEVICE_REGISTRY_PROPERTY,
    _length: ULONG,
    _buffer: PVOID,
    _result: PULONG,
) -> NTSTATUS {
    STATUS_NOT_IMPLEMENTED
}
/// `IPort::NewRegistryKey` of any host port (`I`: the port interface): `STATUS_NOT_IMPLEMENTED`.
/// PASSIVE_LEVEL.
///
/// # Safety
/// None: no argument is used.
#[allow(clippy::too_many_arguments)]
pub unsafe extern "system" fn port_new_registry_key<I>(
    _this: *mut I,
    _out: *mut PREGISTRYKEY,
    _outer: PUNKNOWN,
    _kind: ULONG,
    _access: ACCESS_MASK,
    _attributes: POBJECT_ATTRIBUTES,
    _options: ULONG,
    _disposition: PULONG,
) -> NTSTATUS {
    STATUS_NOT_IMPLEMENTED
}
/// `IPortDMus::Notify`: counts the call. Any IRQL ≤ DISPATCH_LEVEL.
///
/// # Safety
/// `this` points at a live `FakePort`.
unsafe extern "system" fn port_notify(this: *mut IPortDMus, _group: PSERVICEGROUP) {
    // SAFETY: live object.
    unsafe { (*this.cast::<FakePort>()).notifies.fetch_add(1, Ordering::SeqCst) };
}
/// `IPortDMus::RegisterServiceGroup`: nothing to do. PASSIVE_LEVEL.
///
/// # Safety
/// None: no argument is used.
unsafe extern "system" fn port_register_service_group(_this: *mut IPortDMus, _group: PSERVICEGROUP) {}

// ------------------------------------------------------------------------------------------------
// IMasterClock

/// A simulated master clock: `GetTime` returns whatever the host last set.
#[repr(C)]
pub struct SimClock {
    vtable: *const IMasterClockVtbl,
    references: AtomicU32,
    time: AtomicI64,
    /// `GetTime` calls.
    pub reads: AtomicU64,
}

static CLOCK_VTABLE: IMasterClockVtbl = IMasterClockVtbl {
    QueryInterface: query_interface::<SimClock, IMasterClock>,
    AddRef: add_ref::<SimClock, IMasterClock>,
    Release: release::<SimClock, IMasterClock>,
    GetTime: clock_get_time,
};

// SAFETY: interface pointers to a SimClock are only the ones `SimClock::create` returns.
unsafe impl HostObject for SimClock {
    /// No public IID for `IMasterClock`: only `IUnknown`.
    const INTERFACES: &'static [GUID] = &[IID_IUnknown];
    fn reference_count(&self) -> &AtomicU32 {
        &self.references
    }
}

impl SimClock {
    /// A clock at `time` with one (the host's) reference.
    pub fn create(time: i64) -> *mut SimClock {
        Box::into_raw(Box::new(SimClock {
            vtable: &CLOCK_VTABLE,
            references: AtomicU32::new(1),
            time: AtomicI64::new(time),
            reads: AtomicU64::new(0),
        }))
    }

    /// Sets the time.
    pub fn set(&self, time: i64) {
        self.time.store(time, Ordering::SeqCst);
    }

    /// The time.
    pub fn get(&self) -> i64 {
        self.time.load(Ordering::SeqCst)
    }

    /// Current reference count.
    pub fn references(&self) -> u32 {
        self.references.load(Ordering::SeqCst)
    }
}

/// `IMasterClock::GetTime`: the time the host last set. Any IRQL ≤ DISPATCH_LEVEL.
///
/// # Safety
/// `this` points at a live `SimClock`; `out` is null or writable.
unsafe extern "system" fn clock_get_time(this: *mut IMasterClock, out: *mut REFERENCE_TIME) -> NTSTATUS {
    if out.is_null() {
        return STATUS_INVALID_PARAMETER;
    }
    // SAFETY: live.
    let clock = unsafe { &*this.cast::<SimClock>() };
    clock.reads.fetch_add(1, Ordering::Relaxed);
    // SAFETY: writable.
    unsafe { out.write(clock.get()) };
    STATUS_SUCCESS
}

// ------------------------------------------------------------------------------------------------
// IAllocatorMXF

struct Pool {
    free_events: Vec<u32>,
    in_use: Vec<bool>,
    event_buffer: Vec<Option<u32>>,
    free_buffers: Vec<u32>,
    buffer_in_use: Vec<bool>,
}

/// Counters of the allocator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AllocatorCounters {
    /// Events handed out by `GetMessage`.
    pub events_out: u64,
    /// Events given back through `PutMessage`.
    pub events_back: u64,
    /// `PutMessage` calls.
    pub put_calls: u64,
    /// Events given back twice.
    pub double_returns: u64,
    /// Pointers given back that are not events of this pool.
    pub foreign_returns: u64,
    /// `PutMessage` calls made below DISPATCH_LEVEL... or any IRQL: counted above DISPATCH.
    pub above_dispatch: u64,
    /// Events currently out.
    pub outstanding: u64,
}

/// The port's event allocator: a fixed pool of events and of long-event buffers.
#[repr(C)]
pub struct EventAllocator {
    vtable: *const IAllocatorMXFVtbl,
    references: AtomicU32,
    events: *mut DMUS_KERNEL_EVENT,
    event_count: usize,
    buffers: *mut u8,
    buffer_size: usize,
    buffer_count: usize,
    lock: HostSpinLock,
    pool: std::cell::UnsafeCell<Pool>,
    events_out: AtomicU64,
    events_back: AtomicU64,
    put_calls: AtomicU64,
    double_returns: AtomicU64,
    foreign_returns: AtomicU64,
    above_dispatch: AtomicU64,
}

static ALLOCATOR_VTABLE: IAllocatorMXFVtbl = IAllocatorMXFVtbl {
    QueryInterface: query_interface::<EventAllocator, IAllocatorMXF>,
    AddRef: add_ref::<EventAllocator, IAllocatorMXF>,
    Release: release::<EventAllocator, IAllocatorMXF>,
    SetState: allocator_set_state,
    PutMessage: allocator_put_message,
    ConnectOutput: allocator_connect,
    DisconnectOutput: allocator_connect,
    GetMessage: allocator_get_message,
    GetBufferSize: allocator_get_buffer_size,
    GetBuffer: allocator_get_buffer,
    PutBuffer: allocator_put_buffer,
};

// SAFETY: interface pointers to an EventAllocator are only the ones the host creates.
unsafe impl HostObject for EventAllocator {
    const INTERFACES: &'static [GUID] = &[IID_IUnknown, IID_IMXF, IID_IAllocatorMXF];
    fn reference_count(&self) -> &AtomicU32 {
        &self.references
    }
}

impl EventAllocator {
    /// A pool of `events` events and `buffers` buffers of `buffer_size` bytes, one (the host's)
    /// reference.
    pub fn create(events: usize, buffers: usize, buffer_size: usize) -> *mut EventAllocator {
        let event_storage = vec![DMUS_KERNEL_EVENT::zeroed(); events].into_boxed_slice();
        let buffer_storage = vec![0u8; buffers * buffer_size].into_boxed_slice();
        let pool = Pool {
            free_events: (0..events as u32).rev().collect(),
            in_use: vec![false; events],
            event_buffer: vec![None; events],
            free_buffers: (0..buffers as u32).rev().collect(),
            buffer_in_use: vec![false; buffers],
        };
        Box::into_raw(Box::new(EventAllocator {
            vtable: &ALLOCATOR_VTABLE,
            references: AtomicU32::new(1),
            events: Box::into_raw(event_storage).cast(),
            event_count: events,
            buffers: Box::into_raw(buffer_storage).cast(),
            buffer_size,
            buffer_count: buffers,
            lock: HostSpinLock::new(),
            pool: std::cell::UnsafeCell::new(pool),
            events_out: AtomicU64::new(0),
            events_back: AtomicU64::new(0),
            put_calls: AtomicU64::new(0),
            double_returns: AtomicU64::new(0),
            foreign_returns: AtomicU64::new(0),
            above_dispatch: AtomicU64::new(0),
        }))
    }

    /// Frees the allocator (the host's last reference).
    ///
    /// # Safety
    /// `this` came from `create` and nobody else holds a reference.
    pub unsafe fn destroy(this: *mut EventAllocator) {
        // SAFETY: from `create`.
        let this = unsafe { Box::from_raw(this) };
        // SAFETY: the storage was made from boxed slices of these lengths.
        unsafe {
            drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(
                this.events,
                this.event_count,
            )));
            drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(
                this.buffers,
                this.buffer_count * this.buffer_size,
            )));
        }
    }

    fn with_pool<T>(&self, f: impl FnOnce(&mut Pool) -> T) -> T {
        let token = self.lock.lock();
        // SAFETY: the spin lock gives exclusive access to the pool.
        let result = f(unsafe { &mut *self.pool.get() });
        // SAFETY: this thread holds the lock with `token`.
        unsafe { self.lock.unlock(token) };
        result
    }

    /// The counters.
    pub fn counters(&self) -> AllocatorCounters {
        let out = self.events_out.load(Ordering::SeqCst);
        let back = self.events_back.load(Ordering::SeqCst);
        AllocatorCounters {
            events_out: out,
            events_back: back,
            put_calls: self.put_calls.load(Ordering::SeqCst),
            double_returns: self.double_returns.load(Ordering::SeqCst),
            foreign_returns: self.foreign_returns.load(Ordering::SeqCst),
            above_dispatch: self.above_dispatch.load(Ordering::SeqCst),
            outstanding: out.saturating_sub(back),
        }
    }

    /// Current reference count.
    pub fn references(&self) -> u32 {
        self.references.load(Ordering::SeqCst)
    }

    /// Long-event buffer size.
    pub fn buffer_size(&self) -> usize {
        self.buffer_size
    }

    fn event_index(&self, event: PDMUS_KERNEL_EVENT) -> Option<usize> {
        let base = self.events as usize;
        let address = event as usize;
        let size = std::mem::size_of::<DMUS_KERNEL_EVENT>();
        if address < base || !(address - base).is_multiple_of(size) {
            return None;
        }
        let index = (address - base) / size;
        (index < self.event_count).then_some(index)
    }

    fn buffer_index(&self, buffer: PBYTE) -> Option<usize> {
        let base = self.buffers as usize;
        let address = buffer as usize;
        if self.buffer_size == 0 || address < base || !(address - base).is_multiple_of(self.buffer_size) {
            return None;
        }
        let index = (address - base) / self.buffer_size;
        (index < self.buffer_count).then_some(index)
    }

    /// `GetMessage`: a zeroed event, or null when the pool is empty.
    pub fn get_message(&self) -> PDMUS_KERNEL_EVENT {
        let index = self.with_pool(|pool| {
            let index = pool.free_events.pop()?;
            pool.in_use[index as usize] = true;
            Some(index as usize)
        });
        match index {
            Some(index) => {
                self.events_out.fetch_add(1, Ordering::SeqCst);
                // SAFETY: index < event_count; the event is now exclusively the caller's.
                let event = unsafe { self.events.add(index) };
                // SAFETY: as above.
                unsafe { event.write(DMUS_KERNEL_EVENT::zeroed()) };
                event
            }
            None => null_mut(),
        }
    }

    /// `GetBuffer`: a long-event buffer, or null.
    pub fn get_buffer(&self) -> PBYTE {
        let index = self.with_pool(|pool| {
            let index = pool.free_buffers.pop()?;
            pool.buffer_in_use[index as usize] = true;
            Some(index as usize)
        });
        // SAFETY: index < buffer_count.
        index.map_or(null_mut(), |index| unsafe {
            self.buffers.add(index * self.buffer_size)
        })
    }

    /// Records that `event` carries `buffer` (freed when the event comes back).
    pub fn attach_buffer(&self, event: PDMUS_KERNEL_EVENT, buffer: PBYTE) {
        if let (Some(event), Some(buffer)) = (self.event_index(event), self.buffer_index(buffer)) {
            self.with_pool(|pool| pool.event_buffer[event] = Some(buffer as u32));
        }
    }

    fn put_buffer(&self, buffer: PBYTE) -> bool {
        let Some(index) = self.buffer_index(buffer) else {
            return false;
        };
        self.with_pool(|pool| {
            if pool.buffer_in_use[index] {
                pool.buffer_in_use[index] = false;
                pool.free_buffers.push(index as u32);
                true
            } else {
                false
            }
        })
    }

    /// `PutMessage`: takes a chain back (package sub-chains included).
    ///
    /// # Safety
    /// `head` null or a chain of events (of this pool, or the caller's fault: counted).
    pub unsafe fn put_message(&self, head: PDMUS_KERNEL_EVENT) {
        self.put_calls.fetch_add(1, Ordering::SeqCst);
        if current_irql() > Irql::DISPATCH {
            self.above_dispatch.fetch_add(1, Ordering::SeqCst);
        }
        // A small fixed stack of pending sub-chains (no allocation at DISPATCH).
        let mut stack: [PDMUS_KERNEL_EVENT; 16] = [null_mut(); 16];
        let mut depth = 0usize;
        let mut event = head;
        let mut steps = 0usize;
        loop {
            if event.is_null() {
                if depth == 0 {
                    break;
                }
                depth -= 1;
                event = stack[depth];
                continue;
            }
            steps += 1;
            if steps > 4 * self.event_count + 16 {
                self.foreign_returns.fetch_add(1, Ordering::SeqCst);
                break;
            }
            let Some(index) = self.event_index(event) else {
                self.foreign_returns.fetch_add(1, Ordering::SeqCst);
                break;
            };
            // SAFETY: an event of this pool.
            let current = unsafe { &mut *event };
            let next = current.pNextEvt;
            // SAFETY: the flags say whether pPackageEvt is live.
            if let Some(package) = unsafe { current.package_event() }
                && !package.is_null()
                && depth < stack.len()
            {
                stack[depth] = package;
                depth += 1;
            }
            let freed = self.with_pool(|pool| {
                if !pool.in_use[index] {
                    return Err(());
                }
                pool.in_use[index] = false;
                pool.free_events.push(index as u32);
                Ok(pool.event_buffer[index].take())
            });
            match freed {
                Ok(buffer) => {
                    self.events_back.fetch_add(1, Ordering::SeqCst);
                    if let Some(buffer) = buffer {
                        // SAFETY: index < buffer_count.
                        let pointer = unsafe { self.buffers.add(buffer as usize * self.buffer_size) };
                        self.put_buffer(pointer);
                    }
                }
                Err(()) => {
                    self.double_returns.fetch_add(1, Ordering::SeqCst);
                }
            }
            event = next;
        }
    }
}

/// The allocator behind an `IAllocatorMXF` pointer.
///
/// # Safety
/// `this` is an `IAllocatorMXF` the host created (an `EventAllocator`), live for `'a`.
unsafe fn allocator<'a>(this: *mut IAllocatorMXF) -> &'a EventAllocator {
    // SAFETY: the caller's contract.
    unsafe { &*this.cast::<EventAllocator>() }
}

/// `IMXF::SetState` of the allocator: succeeds. PASSIVE_LEVEL.
///
/// # Safety
/// None: no argument is used.
unsafe extern "system" fn allocator_set_state(_this: *mut IAllocatorMXF, _state: KSSTATE) -> NTSTATUS {
    STATUS_SUCCESS
}
/// `IMXF::PutMessage` of the allocator: takes a chain of events back. Any IRQL ≤ DISPATCH_LEVEL.
///
/// # Safety
/// `this` points at a live `EventAllocator`; `event` is null or a chain the caller gives back.
unsafe extern "system" fn allocator_put_message(
    this: *mut IAllocatorMXF,
    event: PDMUS_KERNEL_EVENT,
) -> NTSTATUS {
    // SAFETY: `this` is a live allocator and the chain is handed back: the caller's contract.
    unsafe { allocator(this).put_message(event) };
    STATUS_SUCCESS
}
/// `IMXF::ConnectOutput` / `DisconnectOutput` of the allocator: succeed. PASSIVE_LEVEL.
///
/// # Safety
/// None: no argument is used.
unsafe extern "system" fn allocator_connect(_this: *mut IAllocatorMXF, _sink: PMXF) -> NTSTATUS {
    STATUS_SUCCESS
}
/// `IAllocatorMXF::GetMessage`: one event from the pool, or `STATUS_INSUFFICIENT_RESOURCES`. Any
/// IRQL ≤ DISPATCH_LEVEL.
///
/// # Safety
/// `this` points at a live `EventAllocator`; `out` is null or writable.
unsafe extern "system" fn allocator_get_message(
    this: *mut IAllocatorMXF,
    out: *mut PDMUS_KERNEL_EVENT,
) -> NTSTATUS {
    if out.is_null() {
        return STATUS_INVALID_PARAMETER;
    }
    // SAFETY: `this` is a live allocator by the caller's contract.
    let event = unsafe { allocator(this) }.get_message();
    // SAFETY: writable.
    unsafe { out.write(event) };
    if event.is_null() {
        STATUS_INSUFFICIENT_RESOURCES
    } else {
        STATUS_SUCCESS
    }
}
/// `IAllocatorMXF::GetBufferSize`. Any IRQL ≤ DISPATCH_LEVEL.
///
/// # Safety
/// `this` points at a live `EventAllocator`.
unsafe extern "system" fn allocator_get_buffer_size(this: *mut IAllocatorMXF) -> USHORT {
    // SAFETY: `this` is a live allocator by the caller's contract.
    unsafe { allocator(this) }.buffer_size.min(usize::from(u16::MAX)) as USHORT
}
/// `IAllocatorMXF::GetBuffer`: one long-event buffer, or `STATUS_INSUFFICIENT_RESOURCES`. Any IRQL
/// ≤ DISPATCH_LEVEL.
///
/// # Safety
/// `this` points at a live `EventAllocator`; `out` is null or writable.
unsafe extern "system" fn allocator_get_buffer(this: *mut IAllocatorMXF, out: *mut PBYTE) -> NTSTATUS {
    if out.is_null() {
        return STATUS_INVALID_PARAMETER;
    }
    // SAFETY: `this` is a live allocator by the caller's contract.
    let buffer = unsafe { allocator(this) }.get_buffer();
    // SAFETY: writable.
    unsafe { out.write(buffer) };
    if buffer.is_null() {
        STATUS_INSUFFICIENT_RESOURCES
    } else {
        STATUS_SUCCESS
    }
}
/// `IAllocatorMXF::PutBuffer`: takes a buffer of this pool back (`STATUS_INVALID_PARAMETER`
/// otherwise). Any IRQL ≤ DISPATCH_LEVEL.
///
/// # Safety
/// `this` points at a live `EventAllocator`.
unsafe extern "system" fn allocator_put_buffer(this: *mut IAllocatorMXF, buffer: PBYTE) -> NTSTATUS {
    // SAFETY: `this` is a live allocator by the caller's contract.
    if unsafe { allocator(this) }.put_buffer(buffer) {
        STATUS_SUCCESS
    } else {
        STATUS_INVALID_PARAMETER
    }
}
