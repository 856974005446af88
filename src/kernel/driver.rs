//! The PortCls adapter callbacks: `DriverEntry`, `AddDevice` and `StartDevice`.
//!
//! PortCls owns the driver's dispatch table and unload (`PcInitializeAdapterDriver`); the driver
//! only tells it how to create the device (`AddDevice`) and what to publish when it starts
//! (`StartDevice`, whose logic is [`crate::adapter::start_device`]).

use portcls_sys::dmerror::{NTSTATUS, STATUS_SUCCESS};
use portcls_sys::ntdef::{PDEVICE_OBJECT, PDRIVER_OBJECT, PIRP};
use portcls_sys::portcls::{PRESOURCELIST, PcAddAdapterDevice, PcInitializeAdapterDriver};
use wdk_sys::{DRIVER_OBJECT, PCUNICODE_STRING};

use super::log;
use super::platform::debug_assert_passive;
use super::services::PortClsServices;
use crate::adapter::{self, MAX_SUBDEVICES};

/// The driver's entry point: hands the driver object to PortCls.
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
    let driver: PDRIVER_OBJECT = core::ptr::from_mut(driver).cast();
    // SAFETY: both pointers are the ones the I/O manager passed (contract above);
    // PcInitializeAdapterDriver only stores the registry path's contents and installs PortCls's
    // dispatch routines and our AddDevice, which stays valid while the driver is loaded.
    unsafe { PcInitializeAdapterDriver(driver, registry_path.cast_mut().cast(), Some(add_device)) }
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
    // subdevices any mode registers; 0 asks for PortCls's default device extension size.
    let status =
        unsafe { PcAddAdapterDevice(driver, physical_device, Some(start_device), MAX_SUBDEVICES, 0) };
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
    let mut services = PortClsServices {
        device,
        irp,
        resources,
    };
    match adapter::start_device(&mut services) {
        Ok(_) => STATUS_SUCCESS,
        Err(status) => status,
    }
}
