//! The WaveRT miniport object ([`WaveMiniport`]): `IUnknown`, `IMiniport`, `IMiniportWaveRT` (one
//! vtable; each interface's vtable is a prefix of the next), for the capture filter of
//! [`crate::descriptor::WAVE_FILTER`].
//!
//! It follows the DMus miniport's COM conventions (`miniport::com`): `#[repr(C)]`, an
//! [`ObjectHeader`] first, the generic `QueryInterface`/`AddRef` thunks, `try_box`. It holds a
//! reference on the adapter's `Renderer` (shared with the [`crate::pump::Pump`] and the stream).

use core::mem::size_of;
use core::ptr::{NonNull, null_mut};

use miniport::com::{ComObject, ObjectHeader, add_ref, free_box, query_interface, try_box};
use miniport::properties::PropertyCall;
use portcls_sys::{
    BOOLEAN, DEVICE_DESCRIPTION, GUID, IID_IMiniport, IID_IMiniportWaveRT, IID_IUnknown, IMiniportWaveRT,
    IMiniportWaveRTVtbl, KSDATAFORMAT, KSDATAFORMAT_WAVEFORMATEX, KSDATARANGE, KSDATARANGE_AUDIO, NTSTATUS,
    PDEVICE_DESCRIPTION, PKSDATAFORMAT, PKSDATARANGE, PMINIPORTWAVERTSTREAM, PPCFILTER_DESCRIPTOR,
    PPORTWAVERT, PPORTWAVERTSTREAM, PRESOURCELIST, PULONG, PUNKNOWN, PVOID, STATUS_NOT_IMPLEMENTED,
    STATUS_SUCCESS, ULONG, WAVE_FORMAT_EXTENSIBLE, WAVEFORMATEXTENSIBLE,
};

use crate::capture::CaptureStreamObject;
use crate::descriptor::{WAVE_FILTER, WAVE_PIN_HOST};
use crate::error::WaveRtError;
use crate::format::SampleFormat;
use crate::intersect::{intersect, stream_format};
use crate::platform::WaveRtPlatform;
use crate::pump::Renderer;
use crate::shared::SharedSynth;

/// `WaveMiniport` magic ("DMKW"); the DMus property handler ignores it (no automation table here).
pub const MAGIC_WAVE_MINIPORT: u32 = 0x444D_4B57;

/// Bytes of `KSDATAFORMAT` + `WAVEFORMATEXTENSIBLE` (104).
const EXTENSIBLE_FORMAT_SIZE: usize = size_of::<KSDATAFORMAT>() + size_of::<WAVEFORMATEXTENSIBLE>();
/// Offset of `WAVEFORMATEXTENSIBLE.SubFormat` in the whole format (88).
const EXTENSIBLE_SUBFORMAT_OFFSET: usize =
    size_of::<KSDATAFORMAT>() + core::mem::offset_of!(WAVEFORMATEXTENSIBLE, SubFormat);

/// The property entry of objects without properties (never called: their filters have no
/// automation table, and the DMus handler only dispatches its own magics).
pub(crate) unsafe fn no_properties(_object: *const ObjectHeader, _call: &mut PropertyCall<'_>) -> NTSTATUS {
    STATUS_NOT_IMPLEMENTED
}

/// The WaveRT miniport COM object.
#[repr(C)]
pub struct WaveMiniport<P: WaveRtPlatform, S: SharedSynth + Send + 'static> {
    header: ObjectHeader,
    renderer: NonNull<Renderer<P, S>>,
}

// SAFETY: `#[repr(C)]` with the header as its first field.
unsafe impl<P: WaveRtPlatform, S: SharedSynth + Send + 'static> ComObject for WaveMiniport<P, S> {
    /// IUnknown, IMiniport, IMiniportWaveRT.
    const INTERFACES: &'static [GUID] = &[IID_IUnknown, IID_IMiniport, IID_IMiniportWaveRT];
}

impl<P: WaveRtPlatform, S: SharedSynth + Send + 'static> WaveMiniport<P, S> {
    const VTABLE: IMiniportWaveRTVtbl = IMiniportWaveRTVtbl {
        QueryInterface: query_interface::<Self, IMiniportWaveRT>,
        AddRef: add_ref::<Self, IMiniportWaveRT>,
        Release: Self::release,
        GetDescription: Self::get_description,
        DataRangeIntersection: Self::data_range_intersection,
        Init: Self::init,
        NewStream: Self::new_stream,
        GetDeviceDescription: Self::get_device_description,
    };

    /// A miniport with one COM reference on `renderer` (takes a renderer reference). PASSIVE_LEVEL.
    pub(crate) fn create(renderer: NonNull<Renderer<P, S>>) -> Result<NonNull<Self>, WaveRtError> {
        let object = try_box(Self {
            header: ObjectHeader::new(
                (&Self::VTABLE as *const IMiniportWaveRTVtbl).cast(),
                MAGIC_WAVE_MINIPORT,
                no_properties,
            ),
            renderer,
        })?;
        let object = NonNull::new(object).ok_or(WaveRtError::OutOfMemory)?;
        // SAFETY: the caller holds a renderer reference.
        unsafe { renderer.as_ref() }.add_ref();
        Ok(object)
    }

    /// The renderer of a live object.
    ///
    /// # Safety
    /// `this` is a live `WaveMiniport<P, S>`.
    unsafe fn renderer_of<'a>(this: *mut IMiniportWaveRT) -> &'a Renderer<P, S> {
        // SAFETY: live object by the caller's contract.
        let renderer = unsafe { (*this.cast::<Self>()).renderer };
        // SAFETY: a live miniport holds a renderer reference.
        unsafe { renderer.as_ref() }
    }

    /// `IUnknown::Release`: the last release releases the port and the renderer and frees the
    /// object.
    ///
    /// # Safety
    /// `this` is live and the caller owns a reference. PASSIVE_LEVEL for the last one.
    unsafe extern "system" fn release(this: *mut IMiniportWaveRT) -> ULONG {
        let object = this.cast::<Self>();
        // SAFETY: live object, caller's reference.
        let remaining = unsafe { (*object).header.release() };
        if remaining == 0 {
            // SAFETY: last reference: still allocated and only ours.
            let me = unsafe { &*object };
            let renderer = me.renderer;
            // SAFETY: made by try_box in `create`; last reference.
            unsafe { free_box(object) };
            // SAFETY: the reference taken in `create`.
            unsafe { Renderer::release(renderer) };
        }
        remaining
    }

    /// `IMiniport::GetDescription` (PASSIVE_LEVEL): the static capture filter.
    ///
    /// # Safety
    /// `out` null or writable.
    unsafe extern "system" fn get_description(
        _this: *mut IMiniportWaveRT,
        out: *mut PPCFILTER_DESCRIPTOR,
    ) -> NTSTATUS {
        if out.is_null() {
            return WaveRtError::InvalidParameter.ntstatus();
        }
        // SAFETY: writable by contract; the descriptor is static and never written through.
        unsafe { out.write(&WAVE_FILTER as *const _ as PPCFILTER_DESCRIPTOR) };
        STATUS_SUCCESS
    }

    /// `IMiniport::DataRangeIntersection` (PASSIVE_LEVEL): the host pin's formats from the same
    /// list `NewStream` accepts ([`crate::intersect`]); the bridge pin is left to PortCls
    /// (`STATUS_NOT_IMPLEMENTED`). Output length 0 asks the size (`STATUS_BUFFER_OVERFLOW`).
    ///
    /// # Safety
    /// `client` and `matching` null or readable for their `FormatSize`; `result` writable for
    /// `output_length` bytes; `result_length` null or writable.
    unsafe extern "system" fn data_range_intersection(
        _this: *mut IMiniportWaveRT,
        pin: ULONG,
        client: PKSDATARANGE,
        matching: PKSDATARANGE,
        output_length: ULONG,
        result: PVOID,
        result_length: PULONG,
    ) -> NTSTATUS {
        // SAFETY: forwarded contract.
        match unsafe { host_intersection(pin, client, matching, output_length, result, result_length) } {
            Ok(()) => STATUS_SUCCESS,
            Err(error) => error.ntstatus(),
        }
    }

    /// `IMiniportWaveRT::Init` (PASSIVE_LEVEL): nothing to keep (the miniport never calls its
    /// port: the stream allocates through its own `IPortWaveRTStream`); a null port is refused.
    ///
    /// # Safety
    /// None beyond the ABI's.
    unsafe extern "system" fn init(
        _this: *mut IMiniportWaveRT,
        _adapter: PUNKNOWN,
        _resources: PRESOURCELIST,
        port: PPORTWAVERT,
    ) -> NTSTATUS {
        if port.is_null() {
            return WaveRtError::InvalidParameter.ntstatus();
        }
        STATUS_SUCCESS
    }

    /// `IMiniportWaveRT::NewStream` (PASSIVE_LEVEL): the one capture stream of the host pin, in
    /// 48 kHz stereo PCM16 or float32. Refusals: see [`crate::error`].
    ///
    /// # Safety
    /// `stream` null or writable; `port_stream` null or a live `IPortWaveRTStream`; `format` null
    /// or readable for its `FormatSize`.
    unsafe extern "system" fn new_stream(
        this: *mut IMiniportWaveRT,
        stream: *mut PMINIPORTWAVERTSTREAM,
        port_stream: PPORTWAVERTSTREAM,
        pin: ULONG,
        capture: BOOLEAN,
        format: PKSDATAFORMAT,
    ) -> NTSTATUS {
        if stream.is_null() {
            return WaveRtError::InvalidParameter.ntstatus();
        }
        // SAFETY: writable by contract.
        unsafe { stream.write(null_mut()) };
        // SAFETY: forwarded contract.
        let created = unsafe { Self::open(this, port_stream, pin, capture, format) };
        match created {
            Ok(object) => {
                // SAFETY: writable by contract.
                unsafe { stream.write(object.cast()) };
                STATUS_SUCCESS
            }
            Err(error) => {
                // SAFETY: live object.
                let renderer = unsafe { Self::renderer_of(this) };
                miniport::log!(
                    renderer.platform,
                    Warning,
                    "WaveRT NewStream refused: {:?}",
                    error
                );
                error.ntstatus()
            }
        }
    }

    /// # Safety
    /// As [`Self::new_stream`].
    unsafe fn open(
        this: *mut IMiniportWaveRT,
        port_stream: PPORTWAVERTSTREAM,
        pin: ULONG,
        capture: BOOLEAN,
        format: PKSDATAFORMAT,
    ) -> Result<*mut CaptureStreamObject<P, S>, WaveRtError> {
        if pin != WAVE_PIN_HOST {
            return Err(WaveRtError::InvalidParameter);
        }
        if capture == 0 {
            return Err(WaveRtError::NotCapture);
        }
        if port_stream.is_null() {
            return Err(WaveRtError::InvalidParameter);
        }
        // SAFETY: readable for its FormatSize by contract.
        let format = unsafe { read_format(format) }?;
        // SAFETY: live object.
        let renderer = unsafe { (*this.cast::<Self>()).renderer };
        // SAFETY: the miniport holds a renderer reference; `port_stream` is non-null and live by
        // the caller's contract.
        unsafe { CaptureStreamObject::create(renderer, port_stream, format) }
    }

    /// `IMiniportWaveRT::GetDeviceDescription` (PASSIVE_LEVEL): a virtual device has no DMA
    /// engine; this fills the version-0 fields like SysVAD (bus master, scatter/gather, 32-bit
    /// addresses, PCI, no length limit) and leaves the rest of the caller's structure as it is.
    ///
    /// # Safety
    /// `description` null or a writable `DEVICE_DESCRIPTION` (at least its 40-byte version-0 part).
    unsafe extern "system" fn get_device_description(
        _this: *mut IMiniportWaveRT,
        description: PDEVICE_DESCRIPTION,
    ) -> NTSTATUS {
        if description.is_null() {
            return WaveRtError::InvalidParameter.ntstatus();
        }
        // SAFETY: writable for the version-0 part by contract.
        unsafe { description.write_unaligned(VIRTUAL_DEVICE) };
        STATUS_SUCCESS
    }
}

/// What [`WaveMiniport`] reports: a virtual bus master, 32-bit addresses, PCI, no length limit.
const VIRTUAL_DEVICE: DEVICE_DESCRIPTION = DEVICE_DESCRIPTION {
    Version: 0,
    Master: 1,
    ScatterGather: 1,
    DemandMode: 0,
    AutoInitialize: 0,
    Dma32BitAddresses: 1,
    IgnoreCount: 0,
    Reserved1: 0,
    Dma64BitAddresses: 0,
    BusNumber: 0,
    DmaChannel: 0,
    InterfaceType: 5,
    DmaWidth: 0,
    DmaSpeed: 0,
    MaximumLength: u32::MAX,
    DmaPort: 0,
};

/// Reads a `NewStream` / `SetFormat` format defensively: `FormatSize` first, then the
/// `KSDATAFORMAT_WAVEFORMATEX`, then the `WAVEFORMATEXTENSIBLE` sub-format when the tag says so.
///
/// # Safety
/// `format` null or readable for its `FormatSize` bytes.
pub unsafe fn read_format(format: PKSDATAFORMAT) -> Result<SampleFormat, WaveRtError> {
    if format.is_null() {
        return Err(WaveRtError::InvalidParameter);
    }
    // SAFETY: readable by contract (FormatSize is the first field of every KSDATAFORMAT).
    let size = unsafe { format.cast::<u32>().read_unaligned() } as usize;
    if size < size_of::<KSDATAFORMAT_WAVEFORMATEX>() {
        return Err(WaveRtError::InvalidParameter);
    }
    // SAFETY: readable for `size` ≥ 82 bytes.
    let whole = unsafe { format.cast::<KSDATAFORMAT_WAVEFORMATEX>().read_unaligned() };
    let wave = whole.WaveFormatEx;
    let subformat = if wave.wFormatTag == WAVE_FORMAT_EXTENSIBLE {
        if size < EXTENSIBLE_FORMAT_SIZE || wave.cbSize < 22 {
            return Err(WaveRtError::InvalidParameter);
        }
        let at = format.cast::<u8>().wrapping_add(EXTENSIBLE_SUBFORMAT_OFFSET);
        // SAFETY: readable: `size` ≥ 104 covers the sub-format's 16 bytes at offset 88.
        Some(unsafe { at.cast::<GUID>().read_unaligned() })
    } else {
        None
    };
    stream_format(&whole, subformat.as_ref()).ok_or(WaveRtError::UnsupportedFormat)
}

/// `DataRangeIntersection` for the host pin.
///
/// # Safety
/// As [`WaveMiniport::data_range_intersection`].
unsafe fn host_intersection(
    pin: u32,
    client: PKSDATARANGE,
    matching: PKSDATARANGE,
    output_length: u32,
    result: PVOID,
    result_length: PULONG,
) -> Result<(), WaveRtError> {
    if pin != WAVE_PIN_HOST {
        return Err(WaveRtError::NotImplemented);
    }
    if client.is_null() || matching.is_null() || result_length.is_null() {
        return Err(WaveRtError::InvalidParameter);
    }
    // SAFETY: readable by contract (FormatSize first).
    let client_size = unsafe { client.cast::<u32>().read_unaligned() } as usize;
    if client_size < size_of::<KSDATARANGE>() {
        return Err(WaveRtError::InvalidParameter);
    }
    // SAFETY: readable for `client_size` ≥ 64 bytes.
    let header = unsafe { client.read_unaligned() };
    let audio = (client_size >= size_of::<KSDATARANGE_AUDIO>())
        // SAFETY: readable for `client_size` ≥ 88 bytes.
        .then(|| unsafe { client.cast::<KSDATARANGE_AUDIO>().read_unaligned() });
    // SAFETY: `matching` is one of our own static ranges (PortCls passes the pin's range).
    let ours = unsafe { matching.read_unaligned() };
    let ours = SampleFormat::from_subformat(&ours.SubFormat).ok_or(WaveRtError::NoMatch)?;
    let format = intersect(&header, audio.as_ref(), ours).ok_or(WaveRtError::NoMatch)?;
    let needed = size_of::<KSDATAFORMAT_WAVEFORMATEX>();
    // SAFETY: writable by contract.
    unsafe { result_length.write(needed as u32) };
    if output_length == 0 {
        return Err(WaveRtError::SizeQuery);
    }
    if (output_length as usize) < needed || result.is_null() {
        return Err(WaveRtError::BufferTooSmall);
    }
    // SAFETY: `result` writable for `output_length` ≥ 82 bytes; unaligned write.
    unsafe { result.cast::<KSDATAFORMAT_WAVEFORMATEX>().write_unaligned(format) };
    Ok(())
}
