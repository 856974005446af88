//! Build script of the driver package.
//!
//! On Windows (with the WDK), wdk-build configures the kernel link (`/DRIVER`, `/ENTRY:DriverEntry`,
//! the km libraries) exactly as windows-drivers-rs's WDM sample does. Everywhere else the package is
//! an ordinary host library and there is nothing to configure: `wdk-build` refuses to build off
//! Windows, so it is a Windows-only build-dependency and never compiled here.

#[cfg(windows)]
fn main() -> Result<(), wdk_build::ConfigError> {
    wdk_build::configure_wdk_binary_build()
}

#[cfg(not(windows))]
fn main() {}
