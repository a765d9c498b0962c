//! PDF bytes through the whole pipeline of one document: load, interpret, text layer, detect,
//! redact, verify. Must never panic; a document with output must have passed verification.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use woo_redact::batch::{DocKind, DocStatus, redact_bytes};
use woo_redact::detect::Detector;
use woo_redact::limits::Limits;
use woo_redact::rules::RuleSet;

fn detector() -> &'static Detector {
    static D: OnceLock<Detector> = OnceLock::new();
    D.get_or_init(|| Detector::new(RuleSet::builtin().expect("built-in rules"), vec![], vec![]))
}

fuzz_target!(|data: &[u8]| {
    // Tight limits: the fuzzer should find crashes, not spend its time in big inputs.
    let limits = Limits {
        max_seconds: 10,
        max_decompressed: 16 << 20,
        max_pages: 200,
    };
    let (entry, out) = redact_bytes("fuzz.pdf", DocKind::Pdf, data.to_vec(), detector(), &limits);
    match out {
        Some(bytes) => {
            assert!(matches!(entry.status, DocStatus::Redacted | DocStatus::Clean));
            // What we publish must read back.
            assert!(woo_redact::source::pdf::load(&bytes).is_ok(), "output does not load");
        }
        None => assert!(entry.status.incomplete() && entry.reason.is_some()),
    }
});
