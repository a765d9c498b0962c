//! PDF bytes through the reading half alone: load (objects, fonts, content interpreter,
//! visibility, text layer), the page problems, the object audit, the dark boxes, and the content
//! lexer over every page's joined content. No detection, no writing: hundreds of inputs a second
//! where the `pdf` target runs about 25. Must never panic; the text layer and the lexer keep the
//! invariants the redactor relies on (`checks/pdf_read.rs`, shared with the replay in
//! `tests/hostile.rs`).
#![no_main]

#[path = "../checks/pdf_read.rs"]
mod checks;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| checks::check(data));
