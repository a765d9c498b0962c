//! Image XObjects: `source::pdf::image::decode`, then `redact::image::paint` over a few regions,
//! then the painted image decoded again. Must never panic; a decoded raster has the size its
//! dictionary promises, and a painted image reads back at the same size. The input format is
//! described in `checks/image.rs` (shared with the replay in `tests/hostile.rs`).
//!
//! Panics inside third-party decoders are caught by the library (`guarded`) by design; the
//! panic hook below lets those unwind to it and aborts on every other panic.
#![no_main]

#[path = "../checks/image.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, Once, OnceLock};

/// Aborts on a panic unless it comes from a dependency's source (a decoder crate under the
/// library's `catch_unwind`); libfuzzer-sys's own hook aborts on all of them.
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let inner: Arc<dyn Fn(&std::panic::PanicHookInfo<'_>) + Send + Sync> = Arc::from(std::panic::take_hook());
        std::panic::set_hook(Box::new(move |info| {
            let foreign = info
                .location()
                .is_some_and(|l| l.file().contains("/.cargo/registry/") || l.file().contains("/rustc/"));
            if !foreign {
                inner(info);
                std::process::abort();
            }
        }));
    });
}

fuzz_target!(|input: &[u8]| {
    install_hook();
    static DOC: OnceLock<lopdf::Document> = OnceLock::new();
    checks::check(DOC.get_or_init(checks::fixed_doc), input);
});
