//! Plain text (`.txt`, `.md`): UTF-8 only. A file that is not valid UTF-8 or looks binary is
//! refused with a clear reason rather than guessed at: a wrong guess (Windows-1252 vs Latin-1)
//! could hide a name from the detector, and the redacted copy must be byte-identical outside
//! the redactions.

use crate::text::TextLayer;

/// Decodes plain-text bytes, or says why not.
pub fn load(bytes: Vec<u8>) -> Result<TextLayer, String> {
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err("binary file (NUL bytes); not a text document".into());
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok(TextLayer::plain(s)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            Err(format!(
                "not valid UTF-8 (first bad byte at offset {at}); convert it to UTF-8 first, e.g. `iconv -f WINDOWS-1252 -t UTF-8`"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn refuses_binary_and_latin1() {
        assert!(super::load(b"abc\0def".to_vec()).unwrap_err().contains("binary"));
        assert!(super::load(b"Jos\xe9".to_vec()).unwrap_err().contains("UTF-8"));
        assert_eq!(super::load("Zoë".as_bytes().to_vec()).unwrap().text, "Zoë");
    }
}
