//! Offline validators: check digits and plausibility for numbers, dates and plates.

/// BSN 11-proef: 9·d1 + 8·d2 + … + 2·d8 − d9 ≡ 0 (mod 11), not all zeros. Separators ignored.
pub fn elfproef(s: &str) -> bool {
    let d: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 9 || d.iter().all(|&x| x == 0) {
        return false;
    }
    let sum: i64 = d[..8]
        .iter()
        .zip((2..=9).rev())
        .map(|(&x, w)| (x * w) as i64)
        .sum::<i64>()
        - d[8] as i64;
    sum % 11 == 0
}

/// ISO 13616 mod-97 check of an IBAN (spaces ignored).
pub fn iban_mod97(s: &str) -> bool {
    let t: Vec<char> = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if t.len() < 15
        || t.len() > 34
        || !t[..2].iter().all(|c| c.is_ascii_uppercase())
        || !t[2..4].iter().all(|c| c.is_ascii_digit())
    {
        return false;
    }
    let mut rem: u32 = 0;
    for &c in t[4..].iter().chain(t[..4].iter()) {
        let v = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            _ => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// A phone number reduced to its national digits (`+31 (0)70 …` → `070…`).
pub fn national_digits(s: &str) -> String {
    // One allocation: this runs for every phone number in a text.
    let t = s.trim();
    let mut out = String::with_capacity(12);
    let digits = |part: &str, out: &mut String| out.extend(part.chars().filter(char::is_ascii_digit));
    if let Some(r) = t.strip_prefix("+31") {
        out.push('0');
        // The first "(0)" after the country code is the trunk prefix written along.
        match r.split_once("(0)") {
            Some((a, b)) => {
                digits(a, &mut out);
                digits(b, &mut out);
            }
            None => digits(r, &mut out),
        }
    } else if let Some(r) = t.strip_prefix("0031") {
        out.push('0');
        digits(r, &mut out);
    } else {
        digits(t, &mut out);
    }
    out
}

/// Ten national digits starting with 0 (06 mobiles, area codes, 088/085/084); not 0800/0900
/// service numbers and not the 14 0xx municipal numbers.
pub fn phone_nl(s: &str) -> bool {
    phone_nl_digits(&national_digits(s))
}

/// [`phone_nl`] on a number already in national digits.
pub fn phone_nl_digits(d: &str) -> bool {
    d.len() == 10
        && d.starts_with('0')
        && !d.starts_with("00")
        && !d.starts_with("0800")
        && !d.starts_with("0900")
        && !d.starts_with("0909")
}

const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// A real calendar date in `d-m-yyyy`, `d/m/yyyy`, `d.m.yyyy` or `d maand yyyy` form, year 1900–2100.
pub fn date(s: &str) -> bool {
    let lower = s.to_lowercase();
    let parts: Vec<&str> = lower
        .split(|c: char| c == '-' || c == '/' || c == '.' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() != 3 {
        return false;
    }
    let day: u32 = match parts[0].parse() {
        Ok(d) => d,
        Err(_) => return false,
    };
    let month: u32 = match parts[1].parse() {
        Ok(m) => m,
        Err(_) => match MONTHS
            .iter()
            .position(|m| *m == parts[1] || (parts[1].len() >= 3 && m.starts_with(parts[1])))
        {
            Some(i) => i as u32 + 1,
            None => return false,
        },
    };
    let year: u32 = match parts[2].parse() {
        Ok(y) => y,
        Err(_) => return false,
    };
    if !(1900..=2100).contains(&year) || !(1..=12).contains(&month) || day == 0 {
        return false;
    }
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month as usize - 1];
    day <= days
}

/// A Dutch licence plate in one of the side codes (sidecodes 1–14), hyphenated.
pub fn kenteken(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() != 3 {
        return false;
    }
    let shape: String = parts
        .iter()
        .map(|p| {
            if p.chars().all(|c| c.is_ascii_digit()) {
                format!("{}", p.len())
            } else if p.chars().all(|c| c.is_ascii_uppercase()) {
                "LLL"[..p.len().min(3)].to_string()
            } else {
                "?".into()
            }
        })
        .collect::<Vec<_>>()
        .join("-");
    // Letters are never vowels in modern plates except in old side codes; we accept shapes only.
    matches!(
        shape.as_str(),
        "LL-2-2"
            | "2-2-LL"
            | "2-LL-2"
            | "LL-2-LL"
            | "LL-LL-2"
            | "2-LL-LL"
            | "2-LLL-1"
            | "1-LLL-2"
            | "LL-3-L"
            | "L-3-LL"
            | "LLL-2-L"
            | "L-2-LLL"
            | "1-LL-3"
            | "3-LL-1"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elfproef_table() {
        for (s, ok) in [
            ("111222333", true),
            ("123456782", true),
            ("1234.56.782", true),
            ("123 456 782", true),
            ("123456789", false),
            ("000000000", false),
            ("12345678", false),
            ("523171432", true),
        ] {
            assert_eq!(elfproef(s), ok, "{s}");
        }
    }

    #[test]
    fn iban_table() {
        for (s, ok) in [
            ("NL91ABNA0417164300", true),
            ("NL91 ABNA 0417 1643 00", true),
            ("NL91ABNA0417164301", false),
            ("DE89370400440532013000", true),
            ("NL69TRIO4963033187", true),
            ("XX00", false),
        ] {
            assert_eq!(iban_mod97(s), ok, "{s}");
        }
    }

    #[test]
    fn phone_table() {
        for (s, ok) in [
            ("070-1234567", true),
            ("06-12345678", true),
            ("06 1234 5678", true),
            ("+31 6 12345678", true),
            ("+31 (0)70 799 6126", true),
            ("+31663889465", true),
            ("0800-1234567", false),
            ("14 070", false),
            ("070-123456", false),
        ] {
            assert_eq!(phone_nl(s), ok, "{s}");
        }
        assert_eq!(national_digits("+31 (0)6 2541 2667"), "0625412667");
        assert_eq!(national_digits("0031 70 1234567"), "0701234567");
        assert_eq!(national_digits("+31(0)70 (0)12"), "070012");
        assert_eq!(national_digits(" 070-123 "), "070123");
    }

    #[test]
    fn date_table() {
        for (s, ok) in [
            ("12-03-1985", true),
            ("29-02-2024", true),
            ("29-02-2023", false),
            ("31-04-1990", false),
            ("12 maart 1985", true),
            ("6 juli 1991", true),
            ("17-7-1952", true),
            ("32-01-2000", false),
            ("12 mrt 1985", false),
        ] {
            assert_eq!(date(s), ok, "{s}");
        }
    }

    #[test]
    fn kenteken_table() {
        for (s, ok) in [
            ("XX-99-99", true),
            ("99-XX-99", true),
            ("12-ABC-3", true),
            ("AB-123-C", true),
            ("AB-12-34-5", false),
            ("2026-01-05", false),
        ] {
            assert_eq!(kenteken(s), ok, "{s}");
        }
    }
}
