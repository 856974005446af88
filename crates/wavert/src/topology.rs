//! The topology miniport object ([`TopologyMiniport`]): `IUnknown`, `IMiniport`,
//! `IMiniportTopology` (one vtable), for [`crate::descriptor::TOPOLOGY_FILTER`]: the endpoint pin
//! named "dmksynth output" joined to the wave filter's bridge. No nodes, no properties; format
//! intersection is left to PortCls's default handler (`STATUS_NOT_IMPLEMENTED`).

use core::ptr::NonNull;

use miniport::Platform;
use miniport::com::{ComObject, ObjectHeader, add_ref, free_box, query_interface, try_box};
use portcls_sys::{
    GUID, IID_IMiniport, IID_IMiniportTopology, IID_IUnknown, IMiniportTopology, IMiniportTopologyVtbl,
    NTSTATUS, PKSDATARANGE, PPCFILTER_DESCRIPTOR, PPORTTOPOLOGY, PRESOURCELIST, PULONG, PUNKNOWN, PVOID,
    STATUS_SUCCESS, ULONG,
};

use crate::descriptor::TOPOLOGY_FILTER;
use crate::error::WaveRtError;
use crate::wave::no_properties;

/// `TopologyMiniport` magic ("DMKT").
pub const MAGIC_TOPOLOGY_MINIPORT: u32 = 0x444D_4B54;

/// The topology miniport COM object.
#[repr(C)]
pub struct TopologyMiniport<P: Platform> {
    header: ObjectHeader,
    platform: P,
}

// SAFETY: `#[repr(C)]` with the header as its first field.
unsafe impl<P: Platform> ComObject for TopologyMiniport<P> {
    /// IUnknown, IMiniport, IMiniportTopology.
    const INTERFACES: &'static [GUID] = &[IID_IUnknown, IID_IMiniport, IID_IMiniportTopology];
}

impl<P: Platform> TopologyMiniport<P> {
    const VTABLE: IMiniportTopologyVtbl = IMiniportTopologyVtbl {
        QueryInterface: query_interface::<Self, IMiniportTopology>,
        AddRef: add_ref::<Self, IMiniportTopology>,
        Release: Self::release,
        GetDescription: Self::get_description,
        DataRangeIntersection: Self::data_range_intersection,
        Init: Self::init,
    };

    /// A new object with one COM reference. PASSIVE_LEVEL.
    pub(crate) fn create(platform: P) -> Result<NonNull<Self>, WaveRtError> {
        let object = try_box(Self {
            header: ObjectHeader::new(
                (&Self::VTABLE as *const IMiniportTopologyVtbl).cast(),
                MAGIC_TOPOLOGY_MINIPORT,
                no_properties,
            ),
            platform,
        })?;
        NonNull::new(object).ok_or(WaveRtError::OutOfMemory)
    }

    /// `IUnknown::Release`: the last release releases the port and frees the object.
    ///
    /// # Safety
    /// `this` is live and the caller owns a reference. PASSIVE_LEVEL for the last one.
    unsafe extern "system" fn release(this: *mut IMiniportTopology) -> ULONG {
        let object = this.cast::<Self>();
        // SAFETY: live object, caller's reference.
        let remaining = unsafe { (*object).header.release() };
        if remaining == 0 {
            // SAFETY: made by try_box in `create`; last reference.
            unsafe { free_box(object) };
        }
        remaining
    }

    /// `IMiniport::GetDescription` (PASSIVE_LEVEL): the static topology filter.
    ///
    /// # Safety
    /// `out` null or writable.
    unsafe extern "system" fn get_description(
        _this: *mut IMiniportTopology,
        out: *mut PPCFILTER_DESCRIPTOR,
    ) -> NTSTATUS {
        if out.is_null() {
            return WaveRtError::InvalidParameter.ntstatus();
        }
        // SAFETY: writable by contract; the descriptor is static and never written through.
        unsafe { out.write(&TOPOLOGY_FILTER as *const _ as PPCFILTER_DESCRIPTOR) };
        STATUS_SUCCESS
    }

    /// `IMiniport::DataRangeIntersection` (PASSIVE_LEVEL): `STATUS_NOT_IMPLEMENTED`, so PortCls
    /// uses its default handler for the analog bridge ranges.
    ///
    /// # Safety
    /// None: no argument is used.
    unsafe extern "system" fn data_range_intersection(
        _this: *mut IMiniportTopology,
        _pin: ULONG,
        _client: PKSDATARANGE,
        _matching: PKSDATARANGE,
        _output_length: ULONG,
        _result: PVOID,
        _result_length: PULONG,
    ) -> NTSTATUS {
        WaveRtError::NotImplemented.ntstatus()
    }

    /// `IMiniportTopology::Init` (PASSIVE_LEVEL): logs; nothing to keep (no node ever calls the
    /// port); a null port is refused.
    ///
    /// # Safety
    /// `this` is live.
    unsafe extern "system" fn init(
        this: *mut IMiniportTopology,
        _adapter: PUNKNOWN,
        _resources: PRESOURCELIST,
        port: PPORTTOPOLOGY,
    ) -> NTSTATUS {
        if port.is_null() {
            return WaveRtError::InvalidParameter.ntstatus();
        }
        // SAFETY: live object.
        let me = unsafe { &*this.cast::<Self>() };
        miniport::log!(me.platform, Info, "WaveRT topology miniport initialised");
        STATUS_SUCCESS
    }
}
