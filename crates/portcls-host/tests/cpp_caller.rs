//! A C++ caller (tests/cpp/caller.cpp) declares the interfaces as dmusicks.h does — classes of pure
//! virtual methods — and drives the Rust miniport through them: proof that a C++ PortCls sees our
//! vtables as it expects. The C++ is compiled with g++ into a shared object at test time and
//! loaded into this process; it gets the miniport factory as a function pointer.
#![allow(clippy::all, clippy::undocumented_unsafe_blocks, missing_docs)]

mod common;

use portcls_host::HostPlatform;
use std::ffi::{CString, c_char, c_int, c_void};
use std::path::PathBuf;
use std::process::Command;

#[repr(C)]
#[derive(Debug, Default)]
struct Results {
    failures: i32,
    peak: i32,
    onset: i32,
    events_out: i32,
    events_back: i32,
    port_refs: i32,
    allocator_refs: i32,
    clock_refs: i32,
    qi_miss_status: i32,
    downloads: i32,
    pins: u32,
    nodes: u32,
    categories: u32,
}

type Drive = unsafe extern "C" fn(
    create: unsafe extern "C" fn(*mut *mut c_void) -> i32,
    buffers: *const *const u8,
    sizes: *const u32,
    count: u32,
    results: *mut Results,
);

unsafe extern "C" {
    fn dlopen(filename: *const c_char, flags: c_int) -> *mut c_void;
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
    fn dlerror() -> *const c_char;
}
const RTLD_NOW: c_int = 2;

/// The factory StartDevice calls, over the host platform, as a C function.
unsafe extern "C" fn create(out: *mut *mut c_void) -> i32 {
    unsafe { miniport::create_miniport(HostPlatform, out) }
}

fn build_caller() -> Option<PathBuf> {
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cpp/caller.cpp");
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("libdmk_cpp_caller.so");
    let compiler = std::env::var("CXX").unwrap_or_else(|_| "g++".into());
    let status = Command::new(&compiler)
        .args([
            "-std=c++17",
            "-O1",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-Wno-unused-parameter",
            "-shared",
            "-fPIC",
            "-o",
        ])
        .arg(&out)
        .arg(&source)
        .status();
    match status {
        Ok(status) if status.success() => Some(out),
        Ok(status) => panic!("{compiler} failed to compile caller.cpp: {status}"),
        Err(error) => {
            // No C++ compiler on this machine: say so loudly, do not pretend.
            eprintln!("SKIPPED: cannot run {compiler}: {error}");
            None
        }
    }
}

#[test]
#[cfg_attr(miri, ignore = "runs g++ and dlopen: foreign code Miri cannot execute")]
fn a_cpp_caller_drives_the_miniport_through_dmusicks_h_interfaces() {
    let Some(library) = build_caller() else { return };
    let path = CString::new(library.to_str().unwrap()).unwrap();
    let handle = unsafe { dlopen(path.as_ptr(), RTLD_NOW) };
    assert!(!handle.is_null(), "dlopen: {:?}", unsafe {
        std::ffi::CStr::from_ptr(dlerror())
    });
    let symbol = unsafe { dlsym(handle, c"drive_miniport".as_ptr()) };
    assert!(!symbol.is_null());
    let drive: Drive = unsafe { std::mem::transmute(symbol) };

    let downloads =
        dls::download::build::build_downloads(&common::dc_collection(16_000), Default::default()).unwrap();
    let buffers: Vec<*const u8> = downloads.iter().map(|d| d.bytes.as_ptr()).collect();
    let sizes: Vec<u32> = downloads.iter().map(|d| d.bytes.len() as u32).collect();
    let mut results = Results::default();
    unsafe {
        drive(
            create,
            buffers.as_ptr(),
            sizes.as_ptr(),
            buffers.len() as u32,
            &mut results,
        )
    };

    assert_eq!(results.failures, 0, "{results:?}");
    assert_eq!((results.pins, results.nodes, results.categories), (2, 1, 3));
    assert_eq!(results.qi_miss_status, portcls_sys::STATUS_INVALID_PARAMETER);
    assert_eq!(results.downloads, 2);
    assert!(results.peak > 1_000, "{results:?}");
    // The note was due at 2.5 ms = frame 120.
    assert!((results.onset - 120).abs() <= 1, "{results:?}");
    assert_eq!(results.events_out, 1);
    assert_eq!(results.events_back, 1);
    // Everything the miniport took, it gave back: only the caller's own references remain.
    assert_eq!(
        (results.port_refs, results.allocator_refs, results.clock_refs),
        (1, 1, 1)
    );
}
