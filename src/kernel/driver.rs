//! The PortCls adapter callbacks: `DriverEntry`, `AddDevice`, `StartDevice`, and the PnP hook that
//! stops the hardware-synth mode's render thread.
//!
//! PortCls owns the driver's dispatch table and unload (`PcInitializeAdapterDriver`); the driver
//! tells it how to create the device (`AddDevice`) and what to publish when it starts
//! (`StartDevice`, whose logic is [`crate::adapter::start_device`]).
//!
//! **Where the adapter context lives.** PortCls gives the adapter the device extension beyond its
//! own `PORT_CLASS_DEVICE_EXTENSION_SIZE` bytes when `AddDevice` asks for more
//! (`PcAddAdapterDevice`'s `DeviceExtensionSize`). The driver asks for one pointer more: an
//! [`AdapterContext`], zeroed by `IoCreateDevice`, holding the render thread of a started
//! hardware-synth device (null otherwise). Classic mode leaves it null.
//!
//! **Teardown.** PortCls does not tell the adapter when the device stops. `DriverEntry` therefore
//! replaces PortCls's `IRP_MJ_PNP` dispatch with [`dispatch_pnp`], which on
//! `IRP_MN_STOP_DEVICE`, `IRP_MN_SURPRISE_REMOVAL` and `IRP_MN_REMOVE_DEVICE` first stops and
//! joins the render thread (dropping the pump, the engine's last renderer), then hands the IRP to
//! `PcDispatchIrp` as PortCls expects, which releases the subdevices. Every PnP IRP arrives at
//! PASSIVE_LEVEL and PnP serialises them with `StartDevice`, so the context needs no lock beyond
//! its atomic swap.

use core::sync::atomic::{AtomicPtr, Ordering};

use miniport::com::{free_box, try_box};
use portcls_sys::dmerror::{NTSTATUS, STATUS_SUCCESS};
use portcls_sys::ntdef::{PDEVICE_OBJECT, PDRIVER_OBJECT, PIRP};
use portcls_sys::portcls::{PRESOURCELIST, PcAddAdapterDevice, PcDispatchIrp, PcInitializeAdapterDriver};
use wdk_sys::{DRIVER_OBJECT, PCUNICODE_STRING};

use super::log;
use super::platform::debug_assert_passive;
use super::render::RenderThread;
use super::services::PortClsServices;
use crate::adapter::{self, MAX_SUBDEVICES};

/// `PORT_CLASS_DEVICE_EXTENSION_SIZE` (portcls.h: `64 * sizeof(ULONG_PTR)`): PortCls's part of the
/// device extension; the adapter's part starts right after it.
const PORT_CLASS_DEVICE_EXTENSION_SIZE: usize = 64 * core::mem::size_of::<usize>();
/// `IRP_MJ_PNP` (wdm.h).
const IRP_MJ_PNP: usize = 0x1B;
/// `IRP_MN_REMOVE_DEVICE`, `IRP_MN_STOP_DEVICE`, `IRP_MN_SURPRISE_REMOVAL` (wdm.h).
const IRP_MN_REMOVE_DEVICE: u8 = 0x02;
const IRP_MN_STOP_DEVICE: u8 = 0x04;
const IRP_MN_SURPRISE_REMOVAL: u8 = 0x17;

/// The adapter's part of the device extension (see the module doc).
#[repr(C)]
pub(crate) struct AdapterContext {
    /// The running render thread (a `try_box`ed [`RenderThread`]), or null.
    renderer: AtomicPtr<RenderThread>,
}

impl AdapterContext {
    /// The context in `device`'s extension.
    ///
    /// # Safety
    /// `device` is this driver's FDO, created by `PcAddAdapterDevice` with
    /// [`EXTENSION_SIZE`] bytes of extension, and outlives the returned reference.
    unsafe fn of<'a>(device: PDEVICE_OBJECT) -> Option<&'a Self> {
        let device = device.cast::<wdk_sys::DEVICE_OBJECT>();
        // SAFETY: a live device object (contract).
        let extension = unsafe { (*device).DeviceExtension }.cast::<u8>();
        if extension.is_null() {
            return None;
        }
        // SAFETY: the extension holds at least EXTENSION_SIZE bytes (contract), so the context
        // after PortCls's part is in bounds.
        let context = unsafe { extension.add(PORT_CLASS_DEVICE_EXTENSION_SIZE) }.cast::<Self>();
        // SAFETY: in bounds (above); the extension is pointer-aligned (pool memory) and
        // IoCreateDevice zeroed it, so the AtomicPtr starts null; it lives as long as the device.
        unsafe { context.as_ref() }
    }

    /// Keeps `thread` as the device's renderer, stopping any previous one. PASSIVE_LEVEL.
    ///
    /// # Errors
    /// `STATUS_INSUFFICIENT_RESOURCES`: `thread` could not be kept (it was dropped, which stopped
    /// it).
    pub(crate) fn install_renderer(&self, thread: RenderThread) -> Result<(), NTSTATUS> {
        let boxed = try_box(thread).map_err(|_| portcls_sys::dmerror::STATUS_INSUFFICIENT_RESOURCES)?;
        let previous = self.renderer.swap(boxed, Ordering::AcqRel);
        // SAFETY: a previous renderer (none in practice: STOP clears it) came from try_box here.
        unsafe { Self::stop(previous) };
        Ok(())
    }

    /// Stops and frees the device's renderer, if any. PASSIVE_LEVEL.
    fn stop_renderer(&self) {
        let renderer = self.renderer.swap(core::ptr::null_mut(), Ordering::AcqRel);
        // SAFETY: from try_box in install_renderer, now unreachable from the context.
        unsafe { Self::stop(renderer) };
    }

    /// # Safety
    /// `renderer` is null or came from `try_box` and is used by nobody else.
    unsafe fn stop(renderer: *mut RenderThread) {
        if !renderer.is_null() {
            // SAFETY: per the contract; dropping the RenderThread stops and joins the thread.
            unsafe { free_box(renderer) };
        }
    }
}

/// `PcAddAdapterDevice`'s `DeviceExtensionSize`: PortCls's part and the [`AdapterContext`].
const EXTENSION_SIZE: usize = PORT_CLASS_DEVICE_EXTENSION_SIZE + core::mem::size_of::<AdapterContext>();

/// The driver's entry point: hands the driver object to PortCls, then puts [`dispatch_pnp`] in
/// front of PortCls's PnP dispatch.
///
/// IRQL: PASSIVE_LEVEL, in the system process.
///
/// # Safety
/// Called only by the I/O manager, once, with the driver object (valid until unload) and the
/// driver's service key path (valid during the call).
// SAFETY: "DriverEntry" is the entry symbol the kernel link requires (`/ENTRY:DriverEntry`, set by
// wdk-build); nothing else in the driver exports this name.
#[unsafe(export_name = "DriverEntry")]
pub unsafe extern "system" fn driver_entry(
    driver: &mut DRIVER_OBJECT,
    registry_path: PCUNICODE_STRING,
) -> NTSTATUS {
    debug_assert_passive();
    log::line(format_args!(
        "DriverEntry ({} {})",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION")
    ));
    let driver_pointer: PDRIVER_OBJECT = core::ptr::from_mut(driver).cast();
    // SAFETY: both pointers are the ones the I/O manager passed (contract above);
    // PcInitializeAdapterDriver only stores the registry path's contents and installs PortCls's
    // dispatch routines and our AddDevice, which stays valid while the driver is loaded.
    let status = unsafe {
        PcInitializeAdapterDriver(driver_pointer, registry_path.cast_mut().cast(), Some(add_device))
    };
    if status >= 0 {
        // PortCls's PnP dispatch is PcDispatchIrp, which dispatch_pnp calls in turn.
        if let Some(slot) = driver.MajorFunction.get_mut(IRP_MJ_PNP) {
            *slot = Some(dispatch_pnp);
        }
    }
    status
}

/// Creates the adapter's functional device object; PortCls attaches it to `physical_device`.
///
/// IRQL: PASSIVE_LEVEL.
///
/// # Safety
/// Called only by the PnP manager with our driver object and a live PDO.
unsafe extern "system" fn add_device(driver: PDRIVER_OBJECT, physical_device: PDEVICE_OBJECT) -> NTSTATUS {
    debug_assert_passive();
    // SAFETY: the pointers are the PnP manager's (contract above). MaxObjects is the most
    // subdevices any mode registers; the extension is PortCls's part plus the adapter context.
    let status = unsafe {
        PcAddAdapterDevice(
            driver,
            physical_device,
            Some(start_device),
            MAX_SUBDEVICES,
            EXTENSION_SIZE as u32,
        )
    };
    if status < 0 {
        log::line(format_args!(
            "AddDevice: PcAddAdapterDevice failed (status {:#010x})",
            status as u32
        ));
    }
    status
}

/// Publishes the synth: see [`crate::adapter::start_device`].
///
/// IRQL: PASSIVE_LEVEL, on `IRP_MN_START_DEVICE`, after PortCls forwarded the IRP down the stack.
///
/// # Safety
/// Called only by PortCls, with its FDO, the start IRP and the resource list (empty for a
/// root-enumerated device), all valid for the duration of the call.
unsafe extern "system" fn start_device(
    device: PDEVICE_OBJECT,
    irp: PIRP,
    resources: PRESOURCELIST,
) -> NTSTATUS {
    debug_assert_passive();
    // SAFETY: PortCls's FDO, created by add_device with EXTENSION_SIZE (contract above).
    let Some(context) = (unsafe { AdapterContext::of(device) }) else {
        return portcls_sys::dmerror::STATUS_UNSUCCESSFUL;
    };
    let mut services = PortClsServices {
        device,
        irp,
        resources,
        context,
    };
    match adapter::start_device(&mut services) {
        Ok(_) => STATUS_SUCCESS,
        Err(status) => status,
    }
}

/// The device's PnP dispatch: stops the render thread when the device stops or goes away, then
/// lets PortCls handle the IRP.
///
/// IRQL: PASSIVE_LEVEL (PnP IRPs).
///
/// # Safety
/// Called only by the I/O manager with our FDO and a live PnP IRP whose current stack location is
/// ours.
#[allow(clippy::multiple_unsafe_ops_per_block)]
unsafe extern "C" fn dispatch_pnp(device: *mut wdk_sys::DEVICE_OBJECT, irp: *mut wdk_sys::IRP) -> NTSTATUS {
    // IoGetCurrentIrpStackLocation is an inline function: its body, read through wdk-sys's
    // bindgen names (the union arms of Tail.Overlay).
    // SAFETY: a live IRP (contract); during dispatch Tail.Overlay holds the stack location arm,
    // which points at our live IO_STACK_LOCATION.
    let minor = unsafe {
        let stack = (*irp)
            .Tail
            .Overlay
            .__bindgen_anon_2
            .__bindgen_anon_1
            .CurrentStackLocation;
        stack.as_ref().map(|stack| stack.MinorFunction)
    };
    if matches!(
        minor,
        Some(IRP_MN_STOP_DEVICE | IRP_MN_SURPRISE_REMOVAL | IRP_MN_REMOVE_DEVICE)
    ) {
        // SAFETY: our FDO (contract), created by add_device.
        if let Some(context) = unsafe { AdapterContext::of(device.cast()) } {
            context.stop_renderer();
        }
    }
    // SAFETY: the pointers the I/O manager passed; PcDispatchIrp completes or forwards the IRP.
    unsafe { PcDispatchIrp(device.cast(), irp.cast()) }
}
