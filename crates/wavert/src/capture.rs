//! The capture stream object ([`CaptureStreamObject`]): `IUnknown`, `IMiniportWaveRTStream`,
//! `IMiniportWaveRTStreamNotification` (one vtable; the plain stream's is its prefix).
//!
//! The stream's state lives in the adapter's `Renderer` ([`crate::pump`]) (the host pin has one instance, so there
//! is one slot): this object claims the slot in `NewStream` and clears it in its last `Release`.
//! Every method but `GetPosition` runs at PASSIVE_LEVEL and takes the renderer's non-raising mutex;
//! `GetPosition` (PASSIVE or DISPATCH) only reads the spin-locked [`PositionSource`] copy.
//!
//! Buffers come from the port: `AllocatePagesForMdl(HighestAddress = i64::MAX, bytes)`, a check
//! that every page came (`GetPhysicalPagesCount`), `MapAllocatedPages(MmCached)`, zeroed;
//! `Free*Buffer*` (whatever the KS state) and the last `Release` (a buffer the port left) unmap and
//! free them. Sizes: [`crate::buffer::buffer_frames`] (never smaller than asked, ≤ 500 ms).
//!
//! [`PositionSource`]: crate::stream::PositionSource

use core::ptr::{NonNull, null_mut};

use miniport::com::{
    ComObject, ObjectHeader, add_ref, com_add_ref, com_release, free_box, query_interface, try_box,
};
use portcls_sys::{
    GUID, IID_IMiniportWaveRTStream, IID_IMiniportWaveRTStreamNotification, IID_IUnknown,
    IMiniportWaveRTStreamNotification, IMiniportWaveRTStreamNotificationVtbl, KSAUDIO_POSITION,
    KSRTAUDIO_HWLATENCY, KSRTAUDIO_HWREGISTER, KSSTATE, KSSTATE_RUN, MEMORY_CACHING_TYPE, MmCached, NTSTATUS,
    PHYSICAL_ADDRESS, PKEVENT, PKSAUDIO_POSITION, PKSDATAFORMAT, PMDL, PPORTWAVERTSTREAM, STATUS_SUCCESS,
    ULONG,
};

use crate::buffer::{BufferError, buffer_frames};
use crate::error::WaveRtError;
use crate::format::SampleFormat;
use crate::platform::WaveRtPlatform;
use crate::pump::{CaptureSlot, MAX_NOTIFICATION_EVENTS, MappedBuffer, Renderer};
use crate::shared::SharedSynth;
use crate::stream::{CaptureStream, StreamError};
use crate::wave::{no_properties, read_format};

/// `CaptureStreamObject` magic ("DMKC").
pub const MAGIC_CAPTURE_STREAM: u32 = 0x444D_4B43;
/// Page size the MDL page count is checked against.
pub const PAGE_SIZE: usize = 4096;

/// The capture stream COM object.
#[repr(C)]
pub struct CaptureStreamObject<P: WaveRtPlatform, S: SharedSynth + Send + 'static> {
    header: ObjectHeader,
    renderer: NonNull<Renderer<P, S>>,
    port_stream: PPORTWAVERTSTREAM,
    format: SampleFormat,
}

// SAFETY: `#[repr(C)]` with the header as its first field.
unsafe impl<P: WaveRtPlatform, S: SharedSynth + Send + 'static> ComObject for CaptureStreamObject<P, S> {
    /// IUnknown, IMiniportWaveRTStream, IMiniportWaveRTStreamNotification.
    const INTERFACES: &'static [GUID] = &[
        IID_IUnknown,
        IID_IMiniportWaveRTStream,
        IID_IMiniportWaveRTStreamNotification,
    ];
}

type This = IMiniportWaveRTStreamNotification;

impl<P: WaveRtPlatform, S: SharedSynth + Send + 'static> CaptureStreamObject<P, S> {
    const VTABLE: IMiniportWaveRTStreamNotificationVtbl = IMiniportWaveRTStreamNotificationVtbl {
        QueryInterface: query_interface::<Self, This>,
        AddRef: add_ref::<Self, This>,
        Release: Self::release,
        SetFormat: Self::set_format,
        SetState: Self::set_state,
        GetPosition: Self::get_position,
        AllocateAudioBuffer: Self::allocate_audio_buffer,
        FreeAudioBuffer: Self::free_audio_buffer,
        GetHWLatency: Self::get_hw_latency,
        GetPositionRegister: Self::get_position_register,
        GetClockRegister: Self::get_clock_register,
        AllocateBufferWithNotification: Self::allocate_buffer_with_notification,
        FreeBufferWithNotification: Self::free_audio_buffer,
        RegisterNotificationEvent: Self::register_notification_event,
        UnregisterNotificationEvent: Self::unregister_notification_event,
    };

    /// Claims the renderer's capture slot for a new stream in `format`; the object holds one COM
    /// reference, a renderer reference and a port-stream reference. PASSIVE_LEVEL.
    ///
    /// # Safety
    /// `renderer` is live (the caller holds a reference); `port_stream` is a live
    /// `IPortWaveRTStream`.
    pub(crate) unsafe fn create(
        renderer: NonNull<Renderer<P, S>>,
        port_stream: PPORTWAVERTSTREAM,
        format: SampleFormat,
    ) -> Result<*mut Self, WaveRtError> {
        let object = try_box(Self {
            header: ObjectHeader::new(
                (&Self::VTABLE as *const IMiniportWaveRTStreamNotificationVtbl).cast(),
                MAGIC_CAPTURE_STREAM,
                no_properties,
            ),
            renderer,
            port_stream,
            format,
        })?;
        // SAFETY: live by the caller's contract.
        let shared = unsafe { renderer.as_ref() };
        {
            let mut state = shared.render.lock();
            if state.capture.is_some() {
                drop(state);
                // SAFETY: made above, never shared.
                unsafe { free_box(object) };
                return Err(WaveRtError::StreamBusy);
            }
            state.capture = Some(CaptureSlot {
                stream: CaptureStream::new(format, crate::INTERRUPT_TIME_HZ, shared.config.lead_frames),
                buffer: None,
                events: [null_mut(); MAX_NOTIFICATION_EVENTS],
            });
            shared.publish_position(&state);
        }
        shared.add_ref();
        // SAFETY: live COM object by the caller's contract.
        unsafe { com_add_ref(port_stream) };
        Ok(object)
    }

    /// The object behind an interface pointer.
    ///
    /// # Safety
    /// `this` is a live `CaptureStreamObject<P, S>`.
    unsafe fn object<'a>(this: *mut This) -> &'a Self {
        // SAFETY: the caller's contract.
        unsafe { &*this.cast::<Self>() }
    }

    fn renderer(&self) -> &Renderer<P, S> {
        // SAFETY: a live stream holds a renderer reference.
        unsafe { self.renderer.as_ref() }
    }

    /// The port stream's vtable.
    fn port_vtable(&self) -> &portcls_sys::IPortWaveRTStreamVtbl {
        // SAFETY: the port stream is live (referenced by this object).
        let vtable = unsafe { (*self.port_stream).lpVtbl };
        // SAFETY: a live IPortWaveRTStream's vtable, static in the port.
        unsafe { &*vtable }
    }

    /// Unmaps and frees a buffer through the port stream.
    fn free_pages(&self, buffer: &MappedBuffer) {
        let vtable = self.port_vtable();
        // SAFETY: the address and MDL came from this port stream's MapAllocatedPages /
        // AllocatePagesForMdl and are no longer used (removed from the slot under the mutex).
        unsafe { (vtable.UnmapAllocatedPages)(self.port_stream, buffer.base.as_ptr().cast(), buffer.mdl) };
        // SAFETY: as above.
        unsafe { (vtable.FreePagesFromMdl)(self.port_stream, buffer.mdl) };
    }

    /// `IUnknown::Release`: the last release frees a buffer the port left, clears the renderer's
    /// slot, releases the port stream and the renderer, and wakes the render thread.
    ///
    /// # Safety
    /// `this` is live and the caller owns a reference. PASSIVE_LEVEL for the last one.
    unsafe extern "system" fn release(this: *mut This) -> ULONG {
        let object = this.cast::<Self>();
        // SAFETY: live object, caller's reference.
        let remaining = unsafe { (*object).header.release() };
        if remaining == 0 {
            // SAFETY: last reference: still allocated and only ours.
            let me = unsafe { &*object };
            let renderer = me.renderer();
            let slot = {
                let mut state = renderer.render.lock();
                let slot = state.capture.take();
                renderer.publish_position(&state);
                slot
            };
            if let Some(buffer) = slot.and_then(|slot| slot.buffer) {
                miniport::log!(
                    renderer.platform,
                    Warning,
                    "WaveRT stream released with its buffer"
                );
                me.free_pages(&buffer);
            }
            renderer.platform.wake_renderer();
            let (port_stream, renderer) = (me.port_stream, me.renderer);
            // SAFETY: AddRef'ed in `create`.
            unsafe { com_release(port_stream) };
            // SAFETY: made by try_box in `create`; last reference.
            unsafe { free_box(object) };
            // SAFETY: the reference taken in `create`.
            unsafe { Renderer::release(renderer) };
        }
        remaining
    }

    /// `IMiniportWaveRTStream::SetFormat` (PASSIVE_LEVEL): the stream's own format is accepted,
    /// any other is `STATUS_NOT_SUPPORTED` (a malformed one `STATUS_INVALID_PARAMETER`).
    ///
    /// # Safety
    /// `this` is live; `format` null or readable for its `FormatSize`.
    unsafe extern "system" fn set_format(this: *mut This, format: PKSDATAFORMAT) -> NTSTATUS {
        // SAFETY: forwarded contract.
        match unsafe { read_format(format) } {
            // SAFETY: live object.
            Ok(format) if format == unsafe { Self::object(this) }.format => STATUS_SUCCESS,
            Ok(_) => WaveRtError::UnsupportedFormat.ntstatus(),
            Err(error) => error.ntstatus(),
        }
    }

    /// `IMiniportWaveRTStream::SetState` (PASSIVE_LEVEL): RUN starts the clock and fills the
    /// first `lead` frames at once (no underrun at start), PAUSE/ACQUIRE freeze it, STOP resets
    /// it; then wakes the render thread.
    ///
    /// # Safety
    /// `this` is live.
    unsafe extern "system" fn set_state(this: *mut This, state: KSSTATE) -> NTSTATUS {
        // SAFETY: live object.
        let me = unsafe { Self::object(this) };
        let renderer = me.renderer();
        let result = {
            let mut render = renderer.render.lock();
            let now = renderer.platform.interrupt_time();
            let result = match render.capture.as_mut() {
                Some(slot) => slot.stream.set_state(state, now),
                None => Err(StreamError::UnknownState(state)),
            };
            if result.is_ok() && state == KSSTATE_RUN {
                renderer.fill_capture(&mut render, now);
            }
            renderer.publish_position(&render);
            result
        };
        renderer.platform.wake_renderer();
        match result {
            Ok(()) => STATUS_SUCCESS,
            Err(_) => WaveRtError::InvalidParameter.ntstatus(),
        }
    }

    /// `IMiniportWaveRTStream::GetPosition` (PASSIVE_LEVEL or DISPATCH_LEVEL): computed from the
    /// interrupt time; `PlayOffset = WriteOffset` (no FIFO). Takes only a spin lock; never allocates.
    ///
    /// # Safety
    /// `this` is live; `position` null or writable.
    unsafe extern "system" fn get_position(this: *mut This, position: PKSAUDIO_POSITION) -> NTSTATUS {
        if position.is_null() {
            return WaveRtError::InvalidParameter.ntstatus();
        }
        // SAFETY: live object.
        let renderer = unsafe { Self::object(this) }.renderer();
        let source = *renderer.position.lock();
        let now = renderer.platform.interrupt_time();
        let value: KSAUDIO_POSITION = source
            .map(|source| source.position(now))
            .unwrap_or_default()
            .into();
        // SAFETY: writable by contract.
        unsafe { position.write_unaligned(value) };
        STATUS_SUCCESS
    }

    /// `IMiniportWaveRTStream::AllocateAudioBuffer` (PASSIVE_LEVEL): a polled buffer.
    ///
    /// # Safety
    /// `this` is live; the out pointers null or writable.
    unsafe extern "system" fn allocate_audio_buffer(
        this: *mut This,
        requested: ULONG,
        mdl: *mut PMDL,
        actual: *mut ULONG,
        offset: *mut ULONG,
        cache: *mut MEMORY_CACHING_TYPE,
    ) -> NTSTATUS {
        // SAFETY: live object.
        let me = unsafe { Self::object(this) };
        // SAFETY: forwarded contract.
        unsafe { me.allocate(0, requested, mdl, actual, offset, cache) }
    }

    /// `IMiniportWaveRTStreamNotification::AllocateBufferWithNotification` (PASSIVE_LEVEL): a
    /// buffer of `count` equal periods, the events signalled at each period boundary.
    ///
    /// # Safety
    /// `this` is live; the out pointers null or writable.
    unsafe extern "system" fn allocate_buffer_with_notification(
        this: *mut This,
        count: ULONG,
        requested: ULONG,
        mdl: *mut PMDL,
        actual: *mut ULONG,
        offset: *mut ULONG,
        cache: *mut MEMORY_CACHING_TYPE,
    ) -> NTSTATUS {
        if count == 0 {
            return WaveRtError::InvalidParameter.ntstatus();
        }
        // SAFETY: live object.
        let me = unsafe { Self::object(this) };
        // SAFETY: forwarded contract.
        unsafe { me.allocate(count, requested, mdl, actual, offset, cache) }
    }

    /// # Safety
    /// The out pointers null or writable.
    unsafe fn allocate(
        &self,
        count: u32,
        requested: u32,
        mdl_out: *mut PMDL,
        actual: *mut ULONG,
        offset: *mut ULONG,
        cache: *mut MEMORY_CACHING_TYPE,
    ) -> NTSTATUS {
        if mdl_out.is_null() || actual.is_null() || offset.is_null() || cache.is_null() {
            return WaveRtError::InvalidParameter.ntstatus();
        }
        let renderer = self.renderer();
        let status = match self.map_buffer(count, requested) {
            Ok(buffer) => {
                let (mdl, bytes) = (buffer.mdl, buffer.bytes);
                // SAFETY: writable by contract (all four checked non-null above).
                unsafe { mdl_out.write(mdl) };
                // SAFETY: as above.
                unsafe { actual.write(bytes as u32) };
                // SAFETY: as above.
                unsafe { offset.write(0) };
                // SAFETY: as above.
                unsafe { cache.write(MmCached) };
                STATUS_SUCCESS
            }
            Err(error) => {
                miniport::log!(renderer.platform, Warning, "WaveRT buffer refused: {:?}", error);
                error.ntstatus()
            }
        };
        renderer.platform.wake_renderer();
        status
    }

    /// Sizes, allocates, maps and zeroes a buffer and gives it to the stream.
    fn map_buffer(&self, count: u32, requested: u32) -> Result<MappedBuffer, WaveRtError> {
        let renderer = self.renderer();
        if renderer
            .render
            .lock()
            .capture
            .as_ref()
            .is_some_and(|slot| slot.buffer.is_some())
        {
            return Err(WaveRtError::BufferExists);
        }
        let frames = buffer_frames(requested, count.max(1), self.format).map_err(|error| match error {
            BufferError::NotificationCount => WaveRtError::InvalidParameter,
            BufferError::TooLarge => WaveRtError::BufferTooLarge,
        })?;
        let bytes = (frames as usize).saturating_mul(self.format.frame_bytes());
        let vtable = self.port_vtable();
        let highest = PHYSICAL_ADDRESS { QuadPart: i64::MAX };
        // SAFETY: the port's own method; PASSIVE_LEVEL.
        let mdl = unsafe { (vtable.AllocatePagesForMdl)(self.port_stream, highest, bytes) };
        if mdl.is_null() {
            return Err(WaveRtError::OutOfMemory);
        }
        // SAFETY: an MDL this port stream returned.
        let pages = unsafe { (vtable.GetPhysicalPagesCount)(self.port_stream, mdl) } as usize;
        if pages < bytes.div_ceil(PAGE_SIZE) {
            // SAFETY: as above; not mapped.
            unsafe { (vtable.FreePagesFromMdl)(self.port_stream, mdl) };
            return Err(WaveRtError::OutOfMemory);
        }
        // SAFETY: as above.
        let base = unsafe { (vtable.MapAllocatedPages)(self.port_stream, mdl, MmCached) };
        let Some(base) = NonNull::new(base.cast::<u8>()) else {
            // SAFETY: as above; not mapped.
            unsafe { (vtable.FreePagesFromMdl)(self.port_stream, mdl) };
            return Err(WaveRtError::OutOfMemory);
        };
        // SAFETY: mapped for at least `pages × PAGE_SIZE` ≥ `bytes` bytes.
        unsafe { core::ptr::write_bytes(base.as_ptr(), 0, bytes) };
        let buffer = MappedBuffer { mdl, base, bytes };
        let mut state = renderer.render.lock();
        let given = match state.capture.as_mut() {
            Some(slot) => match slot
                .stream
                .allocate(frames, count, renderer.platform.interrupt_time())
            {
                Ok(()) => {
                    slot.buffer = Some(MappedBuffer { mdl, base, bytes });
                    Ok(())
                }
                Err(StreamError::BufferExists) => Err(WaveRtError::BufferExists),
                Err(_) => Err(WaveRtError::InvalidParameter),
            },
            None => Err(WaveRtError::InvalidParameter),
        };
        renderer.publish_position(&state);
        drop(state);
        match given {
            Ok(()) => Ok(buffer),
            Err(error) => {
                self.free_pages(&buffer);
                Err(error)
            }
        }
    }

    /// `FreeAudioBuffer` / `FreeBufferWithNotification` (PASSIVE_LEVEL): whatever the KS state;
    /// an MDL that is not the stream's is ignored (logged).
    ///
    /// # Safety
    /// `this` is live.
    unsafe extern "system" fn free_audio_buffer(this: *mut This, mdl: PMDL, _size: ULONG) {
        // SAFETY: live object.
        let me = unsafe { Self::object(this) };
        let renderer = me.renderer();
        let buffer = {
            let mut state = renderer.render.lock();
            let buffer = state.capture.as_mut().and_then(|slot| {
                if slot.buffer.as_ref().is_some_and(|buffer| buffer.mdl == mdl) {
                    slot.stream.free();
                    slot.buffer.take()
                } else {
                    None
                }
            });
            renderer.publish_position(&state);
            buffer
        };
        match buffer {
            Some(buffer) => me.free_pages(&buffer),
            None => miniport::log!(renderer.platform, Warning, "WaveRT free of an unknown MDL"),
        }
        renderer.platform.wake_renderer();
    }

    /// `IMiniportWaveRTStream::GetHWLatency` (PASSIVE_LEVEL): zeros (no FIFO, no codec).
    ///
    /// # Safety
    /// `latency` null or writable.
    unsafe extern "system" fn get_hw_latency(_this: *mut This, latency: *mut KSRTAUDIO_HWLATENCY) {
        if !latency.is_null() {
            // SAFETY: writable by contract.
            unsafe { latency.write_unaligned(KSRTAUDIO_HWLATENCY::default()) };
        }
    }

    /// `IMiniportWaveRTStream::GetPositionRegister` (PASSIVE_LEVEL): `STATUS_NOT_SUPPORTED` (no
    /// register; the audio engine falls back to `GetPosition`).
    ///
    /// # Safety
    /// None: no argument is used.
    unsafe extern "system" fn get_position_register(
        _this: *mut This,
        _register: *mut KSRTAUDIO_HWREGISTER,
    ) -> NTSTATUS {
        WaveRtError::NotSupported.ntstatus()
    }

    /// `IMiniportWaveRTStream::GetClockRegister` (PASSIVE_LEVEL): `STATUS_NOT_SUPPORTED`.
    ///
    /// # Safety
    /// None: no argument is used.
    unsafe extern "system" fn get_clock_register(
        _this: *mut This,
        _register: *mut KSRTAUDIO_HWREGISTER,
    ) -> NTSTATUS {
        WaveRtError::NotSupported.ntstatus()
    }

    /// `RegisterNotificationEvent` (PASSIVE_LEVEL): up to [`MAX_NOTIFICATION_EVENTS`]; a duplicate
    /// is `STATUS_UNSUCCESSFUL` (SysVAD).
    ///
    /// # Safety
    /// `this` is live; `event` null or a live KEVENT the port keeps until it unregisters it.
    unsafe extern "system" fn register_notification_event(this: *mut This, event: PKEVENT) -> NTSTATUS {
        if event.is_null() {
            return WaveRtError::InvalidParameter.ntstatus();
        }
        // SAFETY: live object.
        let renderer = unsafe { Self::object(this) }.renderer();
        let mut state = renderer.render.lock();
        let Some(slot) = state.capture.as_mut() else {
            return WaveRtError::InvalidParameter.ntstatus();
        };
        let result = if slot.events.contains(&event) {
            Err(WaveRtError::EventDuplicate)
        } else {
            match slot.events.iter_mut().find(|free| free.is_null()) {
                Some(free) => {
                    *free = event;
                    Ok(())
                }
                None => Err(WaveRtError::EventsFull),
            }
        };
        match result {
            Ok(()) => STATUS_SUCCESS,
            Err(error) => error.ntstatus(),
        }
    }

    /// `UnregisterNotificationEvent` (PASSIVE_LEVEL): `STATUS_NOT_FOUND` for an unknown event.
    /// Once it returns, the render thread no longer signals the event.
    ///
    /// # Safety
    /// `this` is live.
    unsafe extern "system" fn unregister_notification_event(this: *mut This, event: PKEVENT) -> NTSTATUS {
        if event.is_null() {
            return WaveRtError::InvalidParameter.ntstatus();
        }
        // SAFETY: live object.
        let renderer = unsafe { Self::object(this) }.renderer();
        let mut state = renderer.render.lock();
        let found = state
            .capture
            .as_mut()
            .and_then(|slot| slot.events.iter_mut().find(|known| **known == event));
        match found {
            Some(known) => {
                *known = null_mut();
                STATUS_SUCCESS
            }
            None => WaveRtError::EventUnknown.ntstatus(),
        }
    }
}
