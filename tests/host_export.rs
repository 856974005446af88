//! `dmksynth_create_miniport`, the host library's C export, seen from outside: through its Rust
//! declaration and from a C program that loads the shared library with `dlopen`, as the README's
//! developer section promises.
#![cfg(not(windows))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::undocumented_unsafe_blocks,
    clippy::multiple_unsafe_ops_per_block
)]

use std::ffi::c_void;
use std::path::PathBuf;
use std::process::Command;

use dmksynth::host::dmksynth_create_miniport;
use portcls_sys::{IID_IMiniport, IID_IMiniportDMus, IID_IUnknown, IUnknown, STATUS_INVALID_PARAMETER};

#[test]
fn creates_one_referenced_miniport_that_answers_its_interfaces() {
    let mut object: *mut c_void = std::ptr::null_mut();
    assert_eq!(unsafe { dmksynth_create_miniport(&mut object) }, 0);
    assert!(!object.is_null());
    let unknown = object.cast::<IUnknown>();
    let vtable = unsafe { &*(*unknown).lpVtbl };
    for iid in [IID_IUnknown, IID_IMiniport, IID_IMiniportDMus] {
        let mut interface: *mut c_void = std::ptr::null_mut();
        assert_eq!(
            unsafe { (vtable.QueryInterface)(unknown, &iid, &mut interface) },
            0
        );
        // One object, one vtable prefix chain: every interface is the same pointer.
        assert_eq!(interface, object);
        assert_eq!(
            unsafe { (vtable.Release)(unknown) },
            1,
            "QueryInterface added exactly one reference"
        );
    }
    assert_eq!(
        unsafe { (vtable.Release)(unknown) },
        0,
        "the caller held exactly one reference"
    );
}

#[test]
fn null_out_pointer_is_an_invalid_parameter() {
    assert_eq!(
        unsafe { dmksynth_create_miniport(std::ptr::null_mut()) },
        STATUS_INVALID_PARAMETER
    );
}

/// The shared library cargo built next to this test's executable.
fn shared_library() -> PathBuf {
    let deps = std::env::current_exe().unwrap().parent().unwrap().to_path_buf();
    let profile = deps.parent().unwrap();
    let name = if cfg!(target_os = "macos") {
        "libdmksynth.dylib"
    } else {
        "libdmksynth.so"
    };
    // `cargo test` builds the cdylib into deps/ (fresh); the profile directory may hold an older
    // copy uplifted by an earlier `cargo build`, so deps/ wins.
    [deps.join(name), profile.join(name)]
        .into_iter()
        .find(|path| path.exists())
        .unwrap_or_else(|| panic!("{name} not found next to {}", deps.display()))
}

const C_CALLER: &str = r#"
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>

typedef int32_t NTSTATUS;
typedef struct IUnknownVtbl {
    NTSTATUS (*QueryInterface)(void *self, const void *iid, void **out);
    uint32_t (*AddRef)(void *self);
    uint32_t (*Release)(void *self);
} IUnknownVtbl;
typedef struct { const IUnknownVtbl *lpVtbl; } IUnknown;

int main(int argc, char **argv)
{
    void *library = dlopen(argv[1], RTLD_NOW);
    if (!library) { fprintf(stderr, "dlopen: %s\n", dlerror()); return 2; }
    NTSTATUS (*create)(void **) = (NTSTATUS (*)(void **))dlsym(library, "dmksynth_create_miniport");
    if (!create) { fprintf(stderr, "no dmksynth_create_miniport export\n"); return 3; }
    void *miniport = 0;
    NTSTATUS status = create(&miniport);
    if (status != 0 || !miniport) { fprintf(stderr, "create: %#x\n", (unsigned)status); return 4; }
    IUnknown *unknown = (IUnknown *)miniport;
    if (unknown->lpVtbl->AddRef(unknown) != 2) return 5;
    if (unknown->lpVtbl->Release(unknown) != 1) return 6;
    if (unknown->lpVtbl->Release(unknown) != 0) return 7;
    (void)argc;
    printf("ok\n");
    return 0;
}
"#;

#[test]
fn a_c_program_loads_the_library_and_creates_a_miniport() {
    let library = shared_library();
    let directory = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("host_export");
    std::fs::create_dir_all(&directory).unwrap();
    let source = directory.join("caller.c");
    let program = directory.join("caller");
    std::fs::write(&source, C_CALLER).unwrap();
    let compile = Command::new("cc")
        .arg("-std=c11")
        .arg("-Wall")
        .arg("-Werror")
        .arg(&source)
        .arg("-o")
        .arg(&program)
        .arg("-ldl")
        .output()
        .expect("run cc (install gcc)");
    assert!(
        compile.status.success(),
        "{}",
        String::from_utf8_lossy(&compile.stderr)
    );
    let run = Command::new(&program).arg(&library).output().unwrap();
    assert!(
        run.status.success(),
        "C caller failed ({:?}): {}",
        run.status.code(),
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&run.stdout), "ok\n");
}
