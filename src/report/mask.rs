//! Masking and fingerprints: reports never carry personal data in clear.

/// Masks a found text: each word keeps its first letter, other letters and all digits become
/// `*` ("Jan de Vries" → "J** d* V****"); punctuation stays so the shape is recognisable.
pub fn mask(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut word_start = true;
    for c in s.chars() {
        if c.is_alphabetic() {
            out.push(if word_start { c } else { '*' });
            word_start = false;
        } else if c.is_ascii_digit() {
            out.push('*');
            word_start = false;
        } else {
            out.push(c);
            word_start = true;
        }
    }
    out
}

/// Version-stable content fingerprint (FNV-1a 64) of a finding: rule, folded matched text,
/// document path and the occurrence index of that text in the document. Line numbers are
/// deliberately left out so edits elsewhere do not change it.
pub fn fingerprint(rule: &str, folded_text: &str, path: &str, occurrence: usize) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for part in [
        rule.as_bytes(),
        folded_text.as_bytes(),
        path.as_bytes(),
        occurrence.to_string().as_bytes(),
    ] {
        for &b in part {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("wr1:{h:016x}")
}

/// Fingerprints of a document's findings (sorted as the detector returns them), in order: the
/// occurrence index counts earlier findings of the same rule and folded text.
pub fn fingerprints(rel: &str, text: &str, findings: &[crate::detect::Finding]) -> Vec<String> {
    let mut occ: std::collections::HashMap<(&str, String), usize> = std::collections::HashMap::new();
    findings
        .iter()
        .map(|f| {
            let folded = crate::text::fold::fold_str(text.get(f.start..f.end).unwrap_or(""));
            let n = occ.entry((&f.rule, folded.clone())).or_default();
            let fp = fingerprint(&f.rule, &folded, rel, *n);
            *n += 1;
            fp
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_names_and_numbers() {
        assert_eq!(mask("Jan de Vries"), "J** d* V****");
        assert_eq!(mask("J. de Vries"), "J. d* V****");
        assert_eq!(mask("06-12345678"), "**-********");
        assert_eq!(mask("Zoë"), "Z**");
    }

    #[test]
    fn fingerprint_is_stable() {
        assert_eq!(
            fingerprint("bsn", "111222333", "a.txt", 0),
            fingerprint("bsn", "111222333", "a.txt", 0)
        );
        assert_ne!(
            fingerprint("bsn", "111222333", "a.txt", 0),
            fingerprint("bsn", "111222333", "a.txt", 1)
        );
        assert!(fingerprint("r", "x", "p", 0).starts_with("wr1:"));
    }
}
