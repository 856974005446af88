//! [`AdapterServices`] over PortCls: what [`crate::adapter::start_device`] calls in the kernel.
//!
//! Every method runs at PASSIVE_LEVEL inside `StartDevice`. The reference handles own exactly one
//! COM reference each; [`crate::adapter::start_device`] moves them into the release methods, which
//! call `IUnknown::Release` once. The synth handle and the pump are Rust values whose `Drop`
//! releases them.

use core::fmt;
use core::ptr::{self, NonNull};

use miniport::HardwareSynth;
use portcls_sys::com::IUnknown;
use portcls_sys::dmerror::{NTSTATUS, STATUS_SUCCESS, STATUS_UNSUCCESSFUL};
use portcls_sys::dmusicks::CLSID_PortDMus;
use portcls_sys::ntdef::{PDEVICE_OBJECT, PIRP};
use portcls_sys::portcls::{
    CLSID_PortTopology, IPort, PRESOURCELIST, PcNewPort, PcRegisterPhysicalConnection, PcRegisterSubdevice,
};
use portcls_sys::wavert::CLSID_PortWaveRT;
use wavert::descriptor::PhysicalConnection;

use super::driver::AdapterContext;
use super::file::KernelFiles;
use super::platform::KernelPlatform;
use super::render::{KernelPump, KernelWaveRtPlatform, RenderThread, SignalHandle};
use super::{log, registry};
use crate::adapter::{
    AdapterServices, CollectionError, DefaultSource, GmDls, ModeValue, PortClass, Subdevice, SynthMode,
    ValueBuffer,
};

/// One reference on a port.
pub(crate) struct PortReference(NonNull<IPort>);

/// One reference on a miniport, as its `IUnknown`.
pub(crate) struct MiniportReference(NonNull<IUnknown>);

/// The arguments PortCls gave `StartDevice`, valid for the duration of that call, and the
/// device's adapter context.
pub(crate) struct PortClsServices<'a> {
    pub(crate) device: PDEVICE_OBJECT,
    pub(crate) irp: PIRP,
    pub(crate) resources: PRESOURCELIST,
    pub(crate) context: &'a AdapterContext,
}

impl AdapterServices for PortClsServices<'_> {
    type Port = PortReference;
    type Miniport = MiniportReference;
    type Synth = HardwareSynth<KernelPlatform>;
    /// The pump and the render signal its WaveRT platform sets, both for the render thread.
    type Pump = (KernelPump, SignalHandle);

    fn read_mode_value<'a>(&mut self, buffer: &'a mut ValueBuffer) -> ModeValue<'a> {
        // SAFETY: StartDevice runs at PASSIVE_LEVEL in the PnP manager's thread and `self.device`
        // is the FDO PortCls passed it.
        unsafe { registry::read_mode_value(self.device, buffer) }
    }

    fn new_port(&mut self, class: PortClass) -> Result<PortReference, NTSTATUS> {
        let class_id = match class {
            PortClass::DirectMusic => &CLSID_PortDMus,
            PortClass::WaveRt => &CLSID_PortWaveRT,
            PortClass::Topology => &CLSID_PortTopology,
        };
        let mut port: *mut IPort = ptr::null_mut();
        // SAFETY: `port` is a writable local and `class_id` a static GUID. PASSIVE_LEVEL.
        let status = unsafe { PcNewPort(&mut port, class_id) };
        match NonNull::new(port) {
            Some(port) if status == STATUS_SUCCESS => Ok(PortReference(port)),
            Some(port) => {
                // A failure that still returned an object: give it back rather than leak it.
                release(port.cast());
                Err(status)
            }
            None => Err(if status < 0 { status } else { STATUS_UNSUCCESSFUL }),
        }
    }

    fn create_dmus_miniport(
        &mut self,
        mode: SynthMode,
    ) -> Result<(MiniportReference, Option<HardwareSynth<KernelPlatform>>), NTSTATUS> {
        crate::factory::create_miniport(KernelPlatform, mode)
            .map(|(miniport, synth)| (MiniportReference(miniport), synth))
    }

    fn create_wave_miniport(
        &mut self,
        synth: &HardwareSynth<KernelPlatform>,
    ) -> Result<(MiniportReference, (KernelPump, SignalHandle)), NTSTATUS> {
        let signal = SignalHandle::create()?;
        let platform = KernelWaveRtPlatform::new(signal.clone());
        let (miniport, pump) = wavert::new_wavert_miniport(platform, synth.clone())?;
        Ok((MiniportReference(miniport), (pump, signal)))
    }

    fn create_topology_miniport(&mut self) -> Result<MiniportReference, NTSTATUS> {
        wavert::new_topology_miniport(KernelPlatform).map(MiniportReference)
    }

    fn init_port(&mut self, port: &PortReference, miniport: &MiniportReference) -> Result<(), NTSTATUS> {
        let port = port.0.as_ptr();
        // SAFETY: `port` is a live IPort we hold a reference on; its first field is its vtable.
        let vtable = unsafe { (*port).lpVtbl };
        // SAFETY: PortCls's IPort vtable is live as long as the port.
        let init = unsafe { (*vtable).Init };
        // SAFETY: `port` is live; the device, IRP and resource list are StartDevice's, valid during
        // the call; no adapter object is shared with the miniport (NULL), as in ddksynth.
        // PASSIVE_LEVEL.
        let status = unsafe {
            init(
                port,
                self.device,
                self.irp,
                miniport.0.as_ptr(),
                ptr::null_mut(),
                self.resources,
            )
        };
        if status < 0 { Err(status) } else { Ok(()) }
    }

    fn register_subdevice(&mut self, subdevice: &Subdevice, port: &PortReference) -> Result<(), NTSTATUS> {
        // SAFETY: the FDO is StartDevice's; the name is a static NUL-terminated UTF-16 string that
        // PortCls only reads; the port is live and initialised. PASSIVE_LEVEL.
        let status = unsafe {
            PcRegisterSubdevice(
                self.device,
                subdevice.name_utf16.as_ptr().cast_mut(),
                port.0.as_ptr().cast(),
            )
        };
        if status < 0 { Err(status) } else { Ok(()) }
    }

    fn register_physical_connection(
        &mut self,
        connection: &PhysicalConnection,
        from: &PortReference,
        to: &PortReference,
    ) -> Result<(), NTSTATUS> {
        // SAFETY: the FDO is StartDevice's; both ports are live, initialised and registered as
        // subdevices (start_device's order). PASSIVE_LEVEL.
        let status = unsafe {
            PcRegisterPhysicalConnection(
                self.device,
                from.0.as_ptr().cast(),
                connection.from_pin,
                to.0.as_ptr().cast(),
                connection.to_pin,
            )
        };
        if status < 0 { Err(status) } else { Ok(()) }
    }

    fn read_gm_dls(&mut self) -> GmDls {
        crate::gm_dls::read(&mut KernelFiles)
    }

    fn install_default_collection(
        &mut self,
        synth: &HardwareSynth<KernelPlatform>,
        gm_dls: Option<&[u8]>,
    ) -> Result<DefaultSource, CollectionError> {
        crate::default_collection::install(synth, gm_dls)
    }

    fn start_renderer(&mut self, (pump, signal): (KernelPump, SignalHandle)) -> Result<(), NTSTATUS> {
        let thread = RenderThread::start(pump, signal)?;
        self.context.install_renderer(thread)
    }

    fn release_miniport(&mut self, miniport: MiniportReference) {
        release(miniport.0);
    }

    fn release_port(&mut self, port: PortReference) {
        release(port.0.cast());
    }

    fn release_synth(&mut self, synth: HardwareSynth<KernelPlatform>) {
        drop(synth);
    }

    fn release_pump(&mut self, pump: (KernelPump, SignalHandle)) {
        drop(pump);
    }

    fn log(&mut self, line: fmt::Arguments<'_>) {
        log::line(line);
    }
}

/// `IUnknown::Release` of one reference the caller owns.
fn release(object: NonNull<IUnknown>) {
    let object = object.as_ptr();
    // SAFETY: `object` is live (the caller owns a reference); every COM interface starts with its
    // vtable pointer, whose first three slots are IUnknown's.
    let vtable = unsafe { (*object).lpVtbl };
    // SAFETY: the vtable lives as long as the object.
    let release = unsafe { (*vtable).Release };
    // SAFETY: gives back the one reference the caller owns (PortReference/MiniportReference are
    // moved into the release methods, so this runs once per reference).
    unsafe { release(object) };
}
