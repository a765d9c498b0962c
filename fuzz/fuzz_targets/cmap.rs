//! The ToUnicode / encoding CMap parser on arbitrary bytes, then its lookups on the same bytes
//! as a string to decode. Errors are fine; panics and runaway memory are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use woo_redact::source::pdf::cmap::CMap;

fuzz_target!(|data: &[u8]| {
    if let Ok(cmap) = CMap::parse(data) {
        let codes = cmap.split(data);
        let mut at = 0;
        for c in codes {
            // Codes tile the input in order.
            assert_eq!(c.offset, at);
            assert!((1..=4).contains(&c.len));
            at += usize::from(c.len);
            let _ = cmap.unicode(c.code, c.len);
            let _ = cmap.cid(c.code, c.len);
        }
        assert_eq!(at, data.len());
    }
});
