//! Outputs that appear whole or not at all: written to a temporary file next to the target,
//! renamed over it only when complete (the temporary file is removed on any failure).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use tempfile::NamedTempFile;

/// A file being written; becomes visible at `target` on [`Pending::commit`].
pub(crate) struct Pending {
    file: NamedTempFile,
    target: PathBuf,
}

impl Pending {
    /// Creates the temporary file in `target`'s directory (so the final rename is atomic).
    pub(crate) fn create(target: &Path) -> Result<Self> {
        if target.is_dir() {
            anyhow::bail!("cannot write {}: it is a directory", target.display());
        }
        let directory = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        // Keep the target's extension last: some writers pick the format from it.
        let suffix = match target.extension() {
            Some(extension) => format!(".partial.{}", extension.to_string_lossy()),
            None => String::from(".partial"),
        };
        let file = tempfile::Builder::new()
            .prefix(".dmksynth-")
            .suffix(&suffix)
            .tempfile_in(&directory)
            .with_context(|| format!("cannot write {}", target.display()))?;
        Ok(Self {
            file,
            target: target.to_path_buf(),
        })
    }

    /// The temporary file, to write into.
    pub(crate) fn file(&mut self) -> &mut std::fs::File {
        self.file.as_file_mut()
    }

    /// The temporary file's path (for writers that want a path).
    pub(crate) fn path(&self) -> &Path {
        self.file.path()
    }

    /// Flushes and renames the file into place.
    pub(crate) fn commit(mut self) -> Result<()> {
        let target = self.target.clone();
        self.file()
            .flush()
            .with_context(|| format!("cannot write {}", target.display()))?;
        self.file.as_file().sync_all().ok();
        // Temporary files are created 0600; outputs get the usual 0644.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(self.file.path(), std::fs::Permissions::from_mode(0o644)).ok();
        }
        self.file
            .persist(&target)
            .map_err(|error| error.error)
            .with_context(|| format!("cannot write {}", target.display()))?;
        Ok(())
    }
}

/// Writes `bytes` to `target` atomically.
pub(crate) fn write_all(target: &Path, bytes: &[u8]) -> Result<()> {
    let mut pending = Pending::create(target)?;
    pending
        .file()
        .write_all(bytes)
        .with_context(|| format!("cannot write {}", target.display()))?;
    pending.commit()
}
