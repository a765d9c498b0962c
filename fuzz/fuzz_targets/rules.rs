//! The rule/config loader: any TOML text as `woo-redact.toml` gives a rule set or errors with
//! file and line, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use woo_redact::error::Error;
use woo_redact::rules::RuleSet;

fn path() -> &'static std::path::Path {
    static P: OnceLock<std::path::PathBuf> = OnceLock::new();
    P.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("woo-redact-fuzz-rules-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir.join("woo-redact.toml")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    std::fs::write(path(), src).expect("write config");
    match RuleSet::load(Some(path())) {
        Ok(set) => assert!(!set.rules.is_empty()),
        Err(Error::Config(errors)) => assert!(!errors.is_empty()),
        Err(e) => panic!("unexpected error kind: {e}"),
    }
});
