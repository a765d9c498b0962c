//! Interruption (SIGINT, SIGTERM): the batch stops cleanly instead of dying mid-write.
//!
//! The first signal only sets a flag: workers take no new document, a document in progress is
//! dropped before its output is written (an output already being written is finished and
//! renamed into place, so every file in `--out` is complete), and the binary exits with
//! 128 + the signal number (130 for SIGINT, 143 for SIGTERM) without writing the report. A
//! second signal means "now": the temporary files in flight are removed and the process exits
//! at once. Temporary files are registered here by [`crate::batch::write_atomic`] for that.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicI32, Ordering};

/// The signal received (0: none).
static SIGNAL: AtomicI32 = AtomicI32::new(0);
/// Temporary files being written right now.
static TEMPS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The signal that interrupted the run, if any.
pub fn requested() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}

/// Marks the run as interrupted by `signal` (what the handler does; also for tests).
pub fn request(signal: i32) {
    let _ = SIGNAL.compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst);
}

/// The conventional exit code of a run stopped by `signal`: 128 + its number.
pub fn exit_code(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(130)
}

/// Installs the handler for SIGINT and SIGTERM (a thread waiting on the signals). Call once,
/// from the binary.
pub fn install() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new()
        .name("woo-redact-signals".into())
        .spawn(move || {
            for sig in signals.forever() {
                if requested().is_none() {
                    request(sig);
                } else {
                    remove_temps();
                    std::process::exit(i32::from(exit_code(requested().unwrap_or(sig))));
                }
            }
        })?;
    Ok(())
}

/// Registers a temporary file about to be created.
pub fn track(tmp: &Path) {
    if let Ok(mut t) = TEMPS.lock() {
        t.push(tmp.to_path_buf());
    }
}

/// Forgets a temporary file (renamed into place or removed).
pub fn untrack(tmp: &Path) {
    if let Ok(mut t) = TEMPS.lock()
        && let Some(i) = t.iter().position(|p| p == tmp)
    {
        t.swap_remove(i);
    }
}

/// Removes every temporary file still in flight.
fn remove_temps() {
    if let Ok(t) = TEMPS.lock() {
        for p in t.iter() {
            let _ = std::fs::remove_file(p);
        }
    }
}
