//! A stand-in for the part of `wdk-sys` 0.5.2 that `src/kernel/` uses, in the shapes bindgen gives
//! them (C mode; enums as `ModuleConsts` modules with a `Type` alias), so that the Windows shell
//! can be type-checked on Linux without the WDK. Used only by `tests/kernel_shell.rs`.
//!
//! Every item is declared as the WDK headers declare it and as public code compiled against the
//! real wdk-sys uses it: windows-drivers-rs `examples/sample-wdm-driver` (`DRIVER_OBJECT`,
//! `PCUNICODE_STRING`, `ntddk::DbgPrint`), wdk-sys's own `PAGED_CODE!` (`ntddk::KeGetCurrentIrql`),
//! Toornax/Conduit's kernel crate (`KeAcquireSpinLockRaiseToDpc`, `KeReleaseSpinLock`, `KIRQL`,
//! `KSPIN_LOCK`, `DbgPrintEx` with `_DPFLTR_TYPE::*` and `DPFLTR_*_LEVEL`, and the registry
//! functions with `_KEY_VALUE_INFORMATION_CLASS::KeyValuePartialInformation`), and wdm.h for the
//! rest (`KeQueryInterruptTimePrecise(PULONG64) -> ULONG64`). A mismatch with the real bindings
//! shows up at the first Windows build, in this file's terms.
//!
//! Issue 9 (hardware-synth mode) adds, each as wdm.h/ntifs.h declare it and as public Rust code
//! built on wdk-sys spells it: the guarded mutex (`KeInitializeGuardedMutex`,
//! `KeAcquireGuardedMutex`, `KeReleaseGuardedMutex`, `KGUARDED_MUTEX`), events and waits
//! (`KeInitializeEvent` with `_EVENT_TYPE::SynchronizationEvent`, `KeSetEvent`,
//! `KeWaitForSingleObject` with `_KWAIT_REASON::Executive` and `_MODE::KernelMode as
//! KPROCESSOR_MODE`), the system thread (`PsCreateSystemThread` with a
//! `PKSTART_ROUTINE = Option<unsafe extern "C" fn(PVOID)>`, `PsTerminateSystemThread`,
//! `ObReferenceObjectByHandle`, `KeSetPriorityThread`, `ZwWaitForSingleObject`), the
//! high-resolution timer (`ExAllocateTimer`, `ExSetTimer`, `ExCancelTimer`, `ExDeleteTimer`,
//! `PEXT_CALLBACK = Option<unsafe extern "C" fn(PEX_TIMER, PVOID)>`), the file calls
//! (`ZwCreateFile`, `ZwQueryInformationFile` with `_FILE_INFORMATION_CLASS::FileStandardInformation`,
//! `ZwReadFile`), `DEVICE_OBJECT.DeviceExtension`, `DRIVER_OBJECT.MajorFunction` and the IRP's
//! current stack location as bindgen names its anonymous unions
//! (`Tail.Overlay.__bindgen_anon_2.__bindgen_anon_1.CurrentStackLocation`, used that way by public
//! wdk-sys drivers). Functions returning NTSTATUS are `#[must_use]`, as wdk-build asks bindgen
//! (`must_use_type("NTSTATUS")`).
#![no_std]
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals, missing_docs)]

use core::ffi::{c_int, c_void};

pub type ULONG = u32;
pub type USHORT = u16;
pub type CHAR = i8;
pub type WCHAR = u16;
pub type PWCH = *mut WCHAR;
pub type PCSTR = *const CHAR;
pub type KIRQL = u8;
pub type ULONG_PTR = u64;
pub type LONG_PTR = i64;
pub type ULONG64 = u64;
pub type PULONG64 = *mut ULONG64;
pub type PULONG = *mut ULONG;
pub type PVOID = *mut c_void;
pub type HANDLE = *mut c_void;
pub type PHANDLE = *mut HANDLE;
pub type NTSTATUS = i32;
pub type ACCESS_MASK = ULONG;
pub type KSPIN_LOCK = ULONG_PTR;
pub type PKSPIN_LOCK = *mut KSPIN_LOCK;

pub type BOOLEAN = u8;
pub type LONG = i32;
pub type LONGLONG = i64;
pub type CCHAR = i8;
pub type KPRIORITY = LONG;
pub type KPROCESSOR_MODE = CCHAR;

pub type PDRIVER_DISPATCH = Option<unsafe extern "C" fn(DeviceObject: *mut _DEVICE_OBJECT, Irp: *mut _IRP) -> NTSTATUS>;

#[repr(C)]
pub struct _DRIVER_OBJECT {
    pub Type: i16,
    pub Size: i16,
    pub DeviceObject: PDEVICE_OBJECT,
    pub MajorFunction: [PDRIVER_DISPATCH; 28usize],
}
pub type DRIVER_OBJECT = _DRIVER_OBJECT;

#[repr(C)]
pub struct _DEVICE_OBJECT {
    pub Type: i16,
    pub Size: u16,
    pub DeviceExtension: PVOID,
}
pub type DEVICE_OBJECT = _DEVICE_OBJECT;
pub type PDEVICE_OBJECT = *mut DEVICE_OBJECT;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct _IO_STACK_LOCATION {
    pub MajorFunction: u8,
    pub MinorFunction: u8,
    pub Flags: u8,
    pub Control: u8,
}
pub type IO_STACK_LOCATION = _IO_STACK_LOCATION;
pub type PIO_STACK_LOCATION = *mut IO_STACK_LOCATION;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct _IRP__bindgen_ty_3__bindgen_ty_1__bindgen_ty_2__bindgen_ty_1 {
    pub CurrentStackLocation: *mut _IO_STACK_LOCATION,
}
#[repr(C)]
#[derive(Clone, Copy)]
pub union _IRP__bindgen_ty_3__bindgen_ty_1__bindgen_ty_2 {
    pub __bindgen_anon_1: _IRP__bindgen_ty_3__bindgen_ty_1__bindgen_ty_2__bindgen_ty_1,
    pub PacketType: ULONG,
}
#[repr(C)]
#[derive(Clone, Copy)]
pub struct _IRP__bindgen_ty_3__bindgen_ty_1 {
    pub Thread: PVOID,
    pub __bindgen_anon_2: _IRP__bindgen_ty_3__bindgen_ty_1__bindgen_ty_2,
}
#[repr(C)]
#[derive(Clone, Copy)]
pub union _IRP__bindgen_ty_3 {
    pub Overlay: _IRP__bindgen_ty_3__bindgen_ty_1,
    pub CompletionKey: PVOID,
}
#[repr(C)]
pub struct _IRP {
    pub Type: i16,
    pub Size: u16,
    pub Tail: _IRP__bindgen_ty_3,
}
pub type IRP = _IRP;
pub type PIRP = *mut IRP;

/// Dispatcher objects: only their size matters to the driver, which initialises them in place.
#[repr(C)]
pub struct _KEVENT {
    _storage: [u64; 3],
}
pub type KEVENT = _KEVENT;
pub type PRKEVENT = *mut KEVENT;
pub type PKEVENT = *mut KEVENT;

#[repr(C)]
pub struct _FAST_MUTEX {
    _storage: [u64; 7],
}
pub type KGUARDED_MUTEX = _FAST_MUTEX;
pub type PKGUARDED_MUTEX = *mut KGUARDED_MUTEX;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct _LARGE_INTEGER__bindgen_ty_1 {
    pub LowPart: ULONG,
    pub HighPart: LONG,
}
#[repr(C)]
#[derive(Clone, Copy)]
pub union _LARGE_INTEGER {
    pub __bindgen_anon_1: _LARGE_INTEGER__bindgen_ty_1,
    pub u: _LARGE_INTEGER__bindgen_ty_1,
    pub QuadPart: LONGLONG,
}
pub type LARGE_INTEGER = _LARGE_INTEGER;
pub type PLARGE_INTEGER = *mut LARGE_INTEGER;

#[repr(C)]
pub struct _OBJECT_ATTRIBUTES {
    pub Length: ULONG,
    pub RootDirectory: HANDLE,
    pub ObjectName: PUNICODE_STRING,
    pub Attributes: ULONG,
    pub SecurityDescriptor: PVOID,
    pub SecurityQualityOfService: PVOID,
}
pub type OBJECT_ATTRIBUTES = _OBJECT_ATTRIBUTES;
pub type POBJECT_ATTRIBUTES = *mut OBJECT_ATTRIBUTES;

#[repr(C)]
#[derive(Clone, Copy)]
pub union _IO_STATUS_BLOCK__bindgen_ty_1 {
    pub Status: NTSTATUS,
    pub Pointer: PVOID,
}
#[repr(C)]
pub struct _IO_STATUS_BLOCK {
    pub __bindgen_anon_1: _IO_STATUS_BLOCK__bindgen_ty_1,
    pub Information: ULONG_PTR,
}
pub type IO_STATUS_BLOCK = _IO_STATUS_BLOCK;
pub type PIO_STATUS_BLOCK = *mut IO_STATUS_BLOCK;
pub type PIO_APC_ROUTINE =
    Option<unsafe extern "C" fn(ApcContext: PVOID, IoStatusBlock: PIO_STATUS_BLOCK, Reserved: ULONG)>;

#[repr(C)]
pub struct _FILE_STANDARD_INFORMATION {
    pub AllocationSize: LARGE_INTEGER,
    pub EndOfFile: LARGE_INTEGER,
    pub NumberOfLinks: ULONG,
    pub DeletePending: BOOLEAN,
    pub Directory: BOOLEAN,
}
pub type FILE_STANDARD_INFORMATION = _FILE_STANDARD_INFORMATION;

pub mod _FILE_INFORMATION_CLASS {
    pub type Type = super::c_int;
    pub const FileStandardInformation: Type = 5;
}
pub type FILE_INFORMATION_CLASS = _FILE_INFORMATION_CLASS::Type;

pub mod _EVENT_TYPE {
    pub type Type = super::c_int;
    pub const NotificationEvent: Type = 0;
    pub const SynchronizationEvent: Type = 1;
}
pub type EVENT_TYPE = _EVENT_TYPE::Type;

pub mod _KWAIT_REASON {
    pub type Type = super::c_int;
    pub const Executive: Type = 0;
}
pub type KWAIT_REASON = _KWAIT_REASON::Type;

pub mod _MODE {
    pub type Type = super::c_int;
    pub const KernelMode: Type = 0;
    pub const UserMode: Type = 1;
}

#[repr(C)]
pub struct _EX_TIMER {
    _unused: [u8; 0],
}
pub type PEX_TIMER = *mut _EX_TIMER;
pub type PEXT_CALLBACK = Option<unsafe extern "C" fn(Timer: PEX_TIMER, Context: PVOID)>;
#[repr(C)]
pub struct _EXT_SET_PARAMETERS_V0 {
    pub Version: ULONG,
    pub Reserved: ULONG,
    pub NoWakeTolerance: LONGLONG,
}
pub type PEXT_SET_PARAMETERS = *mut _EXT_SET_PARAMETERS_V0;
pub type PEXT_CANCEL_PARAMETERS = PVOID;
pub type PEXT_DELETE_PARAMETERS = PVOID;

#[repr(C)]
pub struct _KTHREAD {
    _unused: [u8; 0],
}
pub type PKTHREAD = *mut _KTHREAD;
pub type PKSTART_ROUTINE = Option<unsafe extern "C" fn(StartContext: PVOID)>;
#[repr(C)]
pub struct _CLIENT_ID {
    pub UniqueProcess: HANDLE,
    pub UniqueThread: HANDLE,
}
pub type PCLIENT_ID = *mut _CLIENT_ID;
#[repr(C)]
pub struct _OBJECT_TYPE {
    _unused: [u8; 0],
}
pub type POBJECT_TYPE = *mut _OBJECT_TYPE;
#[repr(C)]
pub struct _OBJECT_HANDLE_INFORMATION {
    pub HandleAttributes: ULONG,
    pub GrantedAccess: ACCESS_MASK,
}
pub type POBJECT_HANDLE_INFORMATION = *mut _OBJECT_HANDLE_INFORMATION;

#[repr(C)]
pub struct _UNICODE_STRING {
    pub Length: USHORT,
    pub MaximumLength: USHORT,
    pub Buffer: PWCH,
}
pub type UNICODE_STRING = _UNICODE_STRING;
pub type PUNICODE_STRING = *mut UNICODE_STRING;
pub type PCUNICODE_STRING = *const UNICODE_STRING;

pub const KEY_READ: u32 = 0x0002_0019;
pub const PLUGPLAY_REGKEY_DEVICE: u32 = 1;
pub const DPFLTR_ERROR_LEVEL: u32 = 0;
pub const DPFLTR_WARNING_LEVEL: u32 = 1;
pub const DPFLTR_TRACE_LEVEL: u32 = 2;
pub const DPFLTR_INFO_LEVEL: u32 = 3;

pub mod _DPFLTR_TYPE {
    pub type Type = super::c_int;
    pub const DPFLTR_IHVAUDIO_ID: Type = 80;
    pub const DPFLTR_DEFAULT_ID: Type = 101;
}

pub mod _KEY_VALUE_INFORMATION_CLASS {
    pub type Type = super::c_int;
    pub const KeyValuePartialInformation: Type = 2;
}
pub type KEY_VALUE_INFORMATION_CLASS = _KEY_VALUE_INFORMATION_CLASS::Type;

pub mod ntddk {
    use super::*;

    unsafe extern "C" {
        pub fn DbgPrintEx(ComponentId: ULONG, Level: ULONG, Format: PCSTR, ...) -> ULONG;
        pub fn KeAcquireSpinLockRaiseToDpc(SpinLock: PKSPIN_LOCK) -> KIRQL;
        pub fn KeReleaseSpinLock(SpinLock: PKSPIN_LOCK, NewIrql: KIRQL);
        pub fn KeGetCurrentIrql() -> KIRQL;
        pub fn KeQueryInterruptTimePrecise(QpcTimeStamp: PULONG64) -> ULONG64;
        pub fn IoGetDeviceAttachmentBaseRef(DeviceObject: PDEVICE_OBJECT) -> PDEVICE_OBJECT;
        #[must_use]
        pub fn IoOpenDeviceRegistryKey(
            DeviceObject: PDEVICE_OBJECT,
            DevInstKeyType: ULONG,
            DesiredAccess: ACCESS_MASK,
            DeviceRegKey: PHANDLE,
        ) -> NTSTATUS;
        pub fn ObfDereferenceObject(Object: PVOID) -> LONG_PTR;
        #[must_use]
        pub fn ZwClose(Handle: HANDLE) -> NTSTATUS;
        #[must_use]
        pub fn ZwQueryValueKey(
            KeyHandle: HANDLE,
            ValueName: PUNICODE_STRING,
            KeyValueInformationClass: KEY_VALUE_INFORMATION_CLASS,
            KeyValueInformation: PVOID,
            Length: ULONG,
            ResultLength: PULONG,
        ) -> NTSTATUS;
        pub fn KeInitializeGuardedMutex(Mutex: PKGUARDED_MUTEX);
        pub fn KeAcquireGuardedMutex(Mutex: PKGUARDED_MUTEX);
        pub fn KeReleaseGuardedMutex(Mutex: PKGUARDED_MUTEX);
        pub fn KeInitializeEvent(Event: PRKEVENT, Type: EVENT_TYPE, State: BOOLEAN);
        pub fn KeSetEvent(Event: PRKEVENT, Increment: KPRIORITY, Wait: BOOLEAN) -> LONG;
        #[must_use]
        pub fn KeWaitForSingleObject(
            Object: PVOID,
            WaitReason: KWAIT_REASON,
            WaitMode: KPROCESSOR_MODE,
            Alertable: BOOLEAN,
            Timeout: PLARGE_INTEGER,
        ) -> NTSTATUS;
        pub fn KeSetPriorityThread(Thread: PKTHREAD, Priority: KPRIORITY) -> KPRIORITY;
        #[must_use]
        pub fn PsCreateSystemThread(
            ThreadHandle: PHANDLE,
            DesiredAccess: ULONG,
            ObjectAttributes: POBJECT_ATTRIBUTES,
            ProcessHandle: HANDLE,
            ClientId: PCLIENT_ID,
            StartRoutine: PKSTART_ROUTINE,
            StartContext: PVOID,
        ) -> NTSTATUS;
        #[must_use]
        pub fn PsTerminateSystemThread(ExitStatus: NTSTATUS) -> NTSTATUS;
        #[must_use]
        pub fn ObReferenceObjectByHandle(
            Handle: HANDLE,
            DesiredAccess: ACCESS_MASK,
            ObjectType: POBJECT_TYPE,
            AccessMode: KPROCESSOR_MODE,
            Object: *mut PVOID,
            HandleInformation: POBJECT_HANDLE_INFORMATION,
        ) -> NTSTATUS;
        #[must_use]
        pub fn ZwWaitForSingleObject(Handle: HANDLE, Alertable: BOOLEAN, Timeout: PLARGE_INTEGER) -> NTSTATUS;
        pub fn ExAllocateTimer(Callback: PEXT_CALLBACK, CallbackContext: PVOID, Attributes: ULONG) -> PEX_TIMER;
        pub fn ExSetTimer(
            Timer: PEX_TIMER,
            DueTime: LONGLONG,
            Period: LONGLONG,
            Parameters: PEXT_SET_PARAMETERS,
        ) -> BOOLEAN;
        pub fn ExCancelTimer(Timer: PEX_TIMER, Parameters: PEXT_CANCEL_PARAMETERS) -> BOOLEAN;
        pub fn ExDeleteTimer(
            Timer: PEX_TIMER,
            Cancel: BOOLEAN,
            Wait: BOOLEAN,
            Parameters: PEXT_DELETE_PARAMETERS,
        ) -> BOOLEAN;
        #[must_use]
        pub fn ZwCreateFile(
            FileHandle: PHANDLE,
            DesiredAccess: ACCESS_MASK,
            ObjectAttributes: POBJECT_ATTRIBUTES,
            IoStatusBlock: PIO_STATUS_BLOCK,
            AllocationSize: PLARGE_INTEGER,
            FileAttributes: ULONG,
            ShareAccess: ULONG,
            CreateDisposition: ULONG,
            CreateOptions: ULONG,
            EaBuffer: PVOID,
            EaLength: ULONG,
        ) -> NTSTATUS;
        #[must_use]
        pub fn ZwQueryInformationFile(
            FileHandle: HANDLE,
            IoStatusBlock: PIO_STATUS_BLOCK,
            FileInformation: PVOID,
            Length: ULONG,
            FileInformationClass: FILE_INFORMATION_CLASS,
        ) -> NTSTATUS;
        #[must_use]
        pub fn ZwReadFile(
            FileHandle: HANDLE,
            Event: HANDLE,
            ApcRoutine: PIO_APC_ROUTINE,
            ApcContext: PVOID,
            IoStatusBlock: PIO_STATUS_BLOCK,
            Buffer: PVOID,
            Length: ULONG,
            ByteOffset: PLARGE_INTEGER,
            Key: PULONG,
        ) -> NTSTATUS;
    }
}
