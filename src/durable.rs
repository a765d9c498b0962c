//! Durability of written files: when what a run wrote is safe on disk.
//!
//! Every output is written to a temporary file and renamed into place, so a reader sees it
//! whole or not at all. Forcing each file to disk (`fsync`) before its rename cost more than
//! the detection of a small document (a device flush per file: benches/RESULTS.md), so by
//! default the run records the folders it wrote to and makes them durable once, at the end
//! ([`sync_written`]: `syncfs(2)` once per file system on Linux). A crash before that point
//! can lose outputs of the run (never leave a half-written one under its final name: the
//! rename comes after the data on ext4, XFS and btrfs); such a run ended without its report
//! anyway and is redone. [`set_each_file`] (`--sync-each-file`) restores one `fsync` per file
//! for those who need each output durable the moment it appears. Other systems than Linux
//! have no `syncfs`, so there every file is synced as it is written.

use std::collections::HashSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether each file is synced before its rename (`--sync-each-file`).
static EACH_FILE: AtomicBool = AtomicBool::new(!cfg!(target_os = "linux"));
/// Folders written to since the last [`sync_written`].
static WRITTEN: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

/// Chooses one `fsync` per file (`true`) or one sync of the written folders at the end of the
/// run (`false`, the default on Linux; elsewhere files are always synced one by one).
pub fn set_each_file(each: bool) {
    EACH_FILE.store(each || !cfg!(target_os = "linux"), Ordering::SeqCst);
}

/// Whether each file is synced as it is written.
pub fn each_file() -> bool {
    EACH_FILE.load(Ordering::SeqCst)
}

/// Called by the atomic writers with a temporary file whose content is complete, before it
/// is renamed into `dir`: syncs it now (per-file mode) and records `dir` for the final sync,
/// which also makes the rename itself durable.
pub fn written(file: &File, dir: &Path) -> std::io::Result<()> {
    if each_file() {
        file.sync_all()?;
    }
    if let Ok(mut w) = WRITTEN.lock() {
        let set = w.get_or_insert_with(HashSet::new);
        if !set.contains(dir) {
            set.insert(dir.to_path_buf());
        }
    }
    Ok(())
}

/// Makes everything written since the last call durable: on Linux one `syncfs(2)` per file
/// system holding a written folder (files, their renames and the folders themselves);
/// elsewhere the files are already synced and each folder is. Call once at the end of a run.
pub fn sync_written() -> std::io::Result<()> {
    let dirs: Vec<PathBuf> = match WRITTEN.lock() {
        Ok(mut w) => w.take().map(|s| s.into_iter().collect()).unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    let mut devices = HashSet::new();
    for dir in dirs {
        // A folder removed since (a temporary folder of a test) has nothing left to sync.
        let Ok(d) = File::open(&dir) else { continue };
        sync_dir(&d, &mut devices).map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?;
    }
    Ok(())
}

#[cfg(target_os = "linux")]
fn sync_dir(d: &File, devices: &mut HashSet<u64>) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::MetadataExt;
    // syncfs flushes the whole file system: once per device is enough.
    if !devices.insert(d.metadata()?.dev()) {
        return Ok(());
    }
    // SAFETY: `d` is an open file owned for the duration of the call; syncfs only reads the
    // descriptor number.
    if unsafe { libc::syncfs(d.as_raw_fd()) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn sync_dir(d: &File, _devices: &mut HashSet<u64>) -> std::io::Result<()> {
    // The files were synced one by one; the renames live in the folder.
    d.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_folders_are_synced_once_and_forgotten() {
        let t = tempfile::tempdir().unwrap();
        let path = t.path().join("a.txt");
        let f = File::create(&path).unwrap();
        written(&f, t.path()).unwrap();
        written(&f, t.path()).unwrap();
        assert!(WRITTEN.lock().unwrap().as_ref().is_some_and(|s| s.contains(t.path())));
        sync_written().unwrap();
        // Other tests may record folders concurrently; this one is gone after the sync.
        assert!(!WRITTEN.lock().unwrap().as_ref().is_some_and(|s| s.contains(t.path())));
    }

    #[test]
    fn a_folder_removed_before_the_sync_is_skipped() {
        let t = tempfile::tempdir().unwrap();
        let gone = t.path().join("gone");
        std::fs::create_dir(&gone).unwrap();
        let f = File::create(gone.join("x")).unwrap();
        written(&f, &gone).unwrap();
        std::fs::remove_dir_all(&gone).unwrap();
        sync_written().unwrap();
    }
}
