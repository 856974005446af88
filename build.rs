//! Build script of the driver package.
//!
//! On Windows (with the WDK): compiles `src/capture.c`, the SEH-protected copy of a caller's
//! download buffer, against the WDK's kernel headers with the same include paths and definitions
//! wdk-build gives bindgen, then configures the kernel link (`/DRIVER`, `/ENTRY:DriverEntry`, the
//! km libraries) exactly as windows-drivers-rs's WDM sample does. Everywhere else the package is an
//! ordinary host library and there is nothing to do: `wdk-build` and `cc` are Windows-only
//! build-dependencies and are never compiled here.

#[cfg(windows)]
fn main() -> Result<(), wdk_build::ConfigError> {
    let config = wdk_build::Config::from_env_auto()?;
    let mut build = cc::Build::new();
    build
        .file("src/capture.c")
        // Kernel-mode C: no C++ exceptions or RTTI; SEH (__try/__except) stays available.
        .flag("/kernel")
        .warnings(true);
    for path in config.include_paths()? {
        build.include(path);
    }
    for (name, value) in config.preprocessor_definitions() {
        build.define(&name, value.as_deref());
    }
    build.compile("dmksynth_capture");
    println!("cargo::rerun-if-changed=src/capture.c");
    config.configure_binary_build()
}

#[cfg(not(windows))]
fn main() {}
