//! The COM-lite object pattern shared by the miniport and stream objects.
//!
//! Every object is `#[repr(C)]` and starts with an [`ObjectHeader`]: the vtable pointer (so the
//! object's address is its `IUnknown*` and the address of every interface whose vtable is a prefix
//! of the object's), a magic number identifying the kind, the reference count, and the entry the
//! (non-generic, static) property handler uses to reach the object's generic code.
//!
//! Reference counting follows `Arc`: `AddRef` is a relaxed increment, `Release` a release
//! decrement followed by an acquire fence before the object destroys itself on the last release.

use crate::error::MiniportError;
use crate::properties::PropertyCall;
use core::alloc::Layout;
use core::ffi::c_void;
use core::sync::atomic::{AtomicU32, Ordering, fence};
use portcls_sys::{
    GUID, IUnknown, NTSTATUS, PAllocatorMXF, PDMUS_KERNEL_EVENT, PMASTERCLOCK, PVOID, REFIID, STATUS_SUCCESS,
    ULONG,
};

/// `MiniportObject` magic ("DMKM").
pub const MAGIC_MINIPORT: u32 = 0x444D_4B4D;
/// `StreamObject` magic ("DMKS").
pub const MAGIC_STREAM: u32 = 0x444D_4B53;

/// How the static property handler reaches an object's generic code.
pub type PropertyEntry = unsafe fn(object: *const ObjectHeader, call: &mut PropertyCall<'_>) -> NTSTATUS;

/// The first field of every object.
#[repr(C)]
pub struct ObjectHeader {
    /// The vtable (`lpVtbl`).
    pub vtable: *const c_void,
    /// [`MAGIC_MINIPORT`] or [`MAGIC_STREAM`].
    pub magic: u32,
    /// References.
    pub references: AtomicU32,
    /// Serves a property request addressed to this object.
    pub property: PropertyEntry,
}

impl ObjectHeader {
    /// A header with one reference.
    pub fn new(vtable: *const c_void, magic: u32, property: PropertyEntry) -> Self {
        Self {
            vtable,
            magic,
            references: AtomicU32::new(1),
            property,
        }
    }

    /// `AddRef`: returns the new count.
    pub fn add_ref(&self) -> u32 {
        self.references.fetch_add(1, Ordering::Relaxed).wrapping_add(1)
    }

    /// `Release` without destroying: returns the new count; 0 means the caller must destroy.
    pub fn release(&self) -> u32 {
        let previous = self.references.fetch_sub(1, Ordering::Release);
        if previous == 1 {
            fence(Ordering::Acquire);
        }
        previous.wrapping_sub(1)
    }
}

/// Whether an IID pointer from a caller names one of `iids` (false for null).
///
/// # Safety
/// `requested` is null or points at a readable GUID.
pub unsafe fn iid_in(requested: *const GUID, iids: &[GUID]) -> bool {
    if requested.is_null() {
        return false;
    }
    // SAFETY: non-null and, by the caller's contract, readable; GUID has no invalid bit
    // patterns, read unaligned because a C caller may hand any address.
    let requested = unsafe { requested.read_unaligned() };
    iids.contains(&requested)
}

/// An object of this crate as COM sees it: every interface it answers is at its own address.
///
/// # Safety
/// Implementors are `#[repr(C)]` and their first field is an [`ObjectHeader`], so a pointer to
/// the object is a pointer to its header.
pub unsafe trait ComObject {
    /// The IIDs `QueryInterface` answers (with the object's own address); every other IID is a
    /// miss.
    const INTERFACES: &'static [GUID];
}

/// `IUnknown::QueryInterface` of a [`ComObject`] `O`, seen through its interface `I`: when `iid`
/// is one of `O::INTERFACES`, takes a reference and writes `this` to `*out`; otherwise writes NULL
/// and returns the `NoInterface` status (docs/port-contract.md). A null `out` is
/// `STATUS_INVALID_PARAMETER`. Any IRQL ≤ DISPATCH_LEVEL.
///
/// # Safety
/// `this` is a live `O`; `iid` is null or readable; `out` is null or writable.
pub unsafe extern "system" fn query_interface<O: ComObject, I>(
    this: *mut I,
    iid: REFIID,
    out: *mut PVOID,
) -> NTSTATUS {
    if out.is_null() {
        return MiniportError::InvalidParameter.ntstatus();
    }
    // SAFETY: `iid` is null or readable by the caller's contract.
    if unsafe { iid_in(iid, O::INTERFACES) } {
        // SAFETY: `this` is a live `O`, whose first field is its header (`ComObject`'s contract).
        unsafe { (*this.cast::<ObjectHeader>()).add_ref() };
        // SAFETY: `out` is non-null and writable by the caller's contract.
        unsafe { out.write(this.cast()) };
        STATUS_SUCCESS
    } else {
        // SAFETY: as above.
        unsafe { out.write(core::ptr::null_mut()) };
        MiniportError::NoInterface.ntstatus()
    }
}

/// `IUnknown::AddRef` of a [`ComObject`] `O`, seen through its interface `I`: returns the new
/// count. Any IRQL.
///
/// # Safety
/// `this` is a live `O`.
pub unsafe extern "system" fn add_ref<O: ComObject, I>(this: *mut I) -> ULONG {
    // SAFETY: `this` is a live `O`, whose first field is its header (`ComObject`'s contract).
    unsafe { (*this.cast::<ObjectHeader>()).add_ref() }
}

/// Allocates `value` on the heap, reporting allocation failure as an error instead of aborting.
pub fn try_box<T>(value: T) -> Result<*mut T, MiniportError> {
    let layout = Layout::new::<T>();
    if layout.size() == 0 {
        return Err(MiniportError::InvalidParameter);
    }
    // SAFETY: the layout has a non-zero size.
    let memory = unsafe { alloc::alloc::alloc(layout) }.cast::<T>();
    if memory.is_null() {
        return Err(MiniportError::OutOfMemory);
    }
    // SAFETY: `memory` is freshly allocated for a `T`, properly aligned and unaliased.
    unsafe { memory.write(value) };
    Ok(memory)
}

/// Drops and frees an object made by [`try_box`].
///
/// # Safety
/// `object` came from `try_box::<T>` and is not used afterwards.
pub unsafe fn free_box<T>(object: *mut T) {
    // SAFETY: `try_box` allocated it with the global allocator and `Layout::new::<T>()`, exactly
    // what `Box` uses, and the caller gives up the pointer.
    drop(unsafe { alloc::boxed::Box::from_raw(object) });
}

/// `IUnknown::AddRef` on any COM interface pointer.
///
/// # Safety
/// `object` is a live COM object (its vtable starts with the `IUnknown` slots).
pub unsafe fn com_add_ref<T>(object: *mut T) -> u32 {
    let unknown = object.cast::<IUnknown>();
    // SAFETY: a live COM object starts with its vtable pointer.
    let vtable = unsafe { (*unknown).lpVtbl };
    // SAFETY: every COM vtable starts with the IUnknown slots.
    let add_ref = unsafe { (*vtable).AddRef };
    // SAFETY: calling the object's own AddRef on itself.
    unsafe { add_ref(unknown) }
}

/// `IUnknown::Release` on any COM interface pointer.
///
/// # Safety
/// `object` is a live COM object and the caller owns the reference it gives up.
pub unsafe fn com_release<T>(object: *mut T) -> u32 {
    let unknown = object.cast::<IUnknown>();
    // SAFETY: a live COM object starts with its vtable pointer.
    let vtable = unsafe { (*unknown).lpVtbl };
    // SAFETY: every COM vtable starts with the IUnknown slots.
    let release = unsafe { (*vtable).Release };
    // SAFETY: calling the object's own Release with the caller's reference.
    unsafe { release(unknown) }
}

/// `IMXF::PutMessage` on the port's allocator.
///
/// # Safety
/// `allocator` is a live `IAllocatorMXF`; `event` a chain the caller owns and hands back.
pub unsafe fn allocator_put_message(allocator: PAllocatorMXF, event: PDMUS_KERNEL_EVENT) -> NTSTATUS {
    // SAFETY: live COM object.
    let vtable = unsafe { (*allocator).lpVtbl };
    // SAFETY: an IAllocatorMXF vtable.
    let put_message = unsafe { (*vtable).PutMessage };
    // SAFETY: the object's own method; the chain is the caller's to give.
    unsafe { put_message(allocator, event) }
}

/// `IMasterClock::GetTime`.
///
/// # Safety
/// `clock` is a live `IMasterClock`.
pub unsafe fn clock_get_time(clock: PMASTERCLOCK) -> Option<i64> {
    let mut time = 0i64;
    // SAFETY: live COM object.
    let vtable = unsafe { (*clock).lpVtbl };
    // SAFETY: an IMasterClock vtable.
    let get_time = unsafe { (*vtable).GetTime };
    // SAFETY: the object's own method with a writable local.
    let status = unsafe { get_time(clock, &mut time) };
    (status >= 0).then_some(time)
}
