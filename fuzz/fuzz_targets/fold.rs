//! Text folding: the folded text and its map back to the original keep their invariants
//! (`text::fold::check_map`) on any UTF-8 text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Err(e) = woo_redact::text::fold::check_map(s) {
        panic!("{e}: {s:?}");
    }
});
