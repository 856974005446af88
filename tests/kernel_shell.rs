//! Type-checks the `cfg(windows)` shell (`src/kernel/`) on this machine, without the WDK.
//!
//! The shell is compiled for the first time on a Windows machine with the WDK; until then its
//! calls into `portcls-sys` and the miniport's `Platform` trait could drift silently. This test
//! builds a throw-away crate in the test's temporary directory that includes the shell's source
//! files unchanged, links them against the real `portcls-sys` and `miniport` crates and a stand-in
//! for `wdk-sys` (`tests/kernel_shell/wdk_sys.rs`, whose every signature cites its source), and
//! runs `cargo clippy --target x86_64-pc-windows-msvc -- -D warnings` on it with the workspace's
//! kernel lints. No wdk crate is compiled. Needs the `x86_64-pc-windows-msvc` target and clippy
//! (`scripts/test.sh` installs both).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const WDK_SYS_STAND_IN: &str = include_str!("kernel_shell/wdk_sys.rs");

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    // Rewrite only when changed, so that cargo's cache stays valid between runs.
    if fs::read_to_string(path).ok().as_deref() != Some(text) {
        fs::write(path, text).unwrap();
    }
}

fn package(name: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n")
}

#[test]
fn kernel_shell_type_checks_for_windows_against_portcls_sys_and_the_miniport_platform() {
    let repository = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("kernel_shell");
    let lints = fs::read_to_string(repository.join("Cargo.toml")).unwrap();
    // The kernel lint set of the workspace, verbatim.
    let start = lints.find("[workspace.lints.rust]").expect("workspace lints");
    let end = lints[start..]
        .find("\n# ")
        .map_or(lints.len(), |offset| start + offset);
    let workspace_lints = &lints[start..end];

    write(
        &root.join("Cargo.toml"),
        &format!(
            "[workspace]\nresolver = \"3\"\nmembers = [\"shell\", \"wdk-sys\", \"wdk-alloc\", \"wdk-panic\"]\n\n\
             {workspace_lints}\n"
        ),
    );
    write(&root.join("wdk-sys/Cargo.toml"), &package("wdk-sys"));
    write(&root.join("wdk-sys/src/lib.rs"), WDK_SYS_STAND_IN);
    write(&root.join("wdk-panic/Cargo.toml"), &package("wdk-panic"));
    write(
        &root.join("wdk-panic/src/lib.rs"),
        "//! Stand-in: the real crate provides the panic handler.\n#![no_std]\n",
    );
    write(&root.join("wdk-alloc/Cargo.toml"), &package("wdk-alloc"));
    write(
        &root.join("wdk-alloc/src/lib.rs"),
        "//! Stand-in for wdk-alloc 0.4.2's `WdkAllocator` (a unit struct implementing GlobalAlloc).\n\
         #![no_std]\n\
         #![allow(missing_docs)]\n\
         pub struct WdkAllocator;\n\
         // SAFETY: never allocates; only type-checked.\n\
         unsafe impl core::alloc::GlobalAlloc for WdkAllocator {\n\
         unsafe fn alloc(&self, _: core::alloc::Layout) -> *mut u8 { core::ptr::null_mut() }\n\
         unsafe fn dealloc(&self, _: *mut u8, _: core::alloc::Layout) {}\n}\n",
    );
    let crates = repository.join("crates");
    write(
        &root.join("shell/Cargo.toml"),
        &format!(
            "{}\n[lib]\npath = \"lib.rs\"\n\n[dependencies]\nportcls-sys = {{ path = {:?} }}\nminiport = {{ path = {:?} }}\n\
             synth = {{ path = {:?} }}\nwavert = {{ path = {:?} }}\n\
             wdk-sys = {{ path = \"../wdk-sys\" }}\nwdk-alloc = {{ path = \"../wdk-alloc\" }}\n\
             wdk-panic = {{ path = \"../wdk-panic\" }}\n\n[lints]\nworkspace = true\n",
            package("dmksynth"),
            crates.join("portcls-sys"),
            crates.join("miniport"),
            crates.join("synth"),
            crates.join("wavert"),
        ),
    );
    // The root of src/lib.rs as Windows sees it: the same modules, by path.
    let source = repository.join("src");
    write(
        &root.join("shell/lib.rs"),
        &format!(
            "//! src/lib.rs as compiled for Windows, with the modules included by path.\n\
             #![no_std]\n\
             extern crate alloc;\n\
             #[path = {:?}]\npub mod adapter;\n\
             #[path = {:?}]\npub mod default_collection;\n\
             #[path = {:?}]\npub mod factory;\n\
             #[path = {:?}]\npub mod gm_dls;\n\
             #[path = {:?}]\npub mod log_line;\n\
             #[path = {:?}]\npub mod render_loop;\n\
             #[path = {:?}]\nmod kernel;\n",
            source.join("adapter.rs"),
            source.join("default_collection.rs"),
            source.join("factory.rs"),
            source.join("gm_dls.rs"),
            source.join("log_line.rs"),
            source.join("render_loop.rs"),
            source.join("kernel/mod.rs"),
        ),
    );

    // Start from the workspace's lock file, so that the same dependency versions are used and no
    // registry access is needed.
    write(
        &root.join("Cargo.lock"),
        &fs::read_to_string(repository.join("Cargo.lock")).unwrap(),
    );

    let output = Command::new(env!("CARGO"))
        .args([
            "clippy",
            "--quiet",
            "--target",
            "x86_64-pc-windows-msvc",
            "-p",
            "dmksynth",
            "--",
            "-D",
            "warnings",
        ])
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo clippy");
    assert!(
        output.status.success(),
        "the Windows shell does not type-check (x86_64-pc-windows-msvc, clippy -D warnings):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
