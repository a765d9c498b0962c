//! Outlook `.msg` (an OLE compound file, [MS-OXMSG]) read with the `cfb` crate into the same
//! message model as `.eml`: sender and recipients (display names and SMTP addresses), subject,
//! plain and HTML bodies, attachments. The redacted message is written as `.eml`: writing
//! `.msg` back would mean keeping every property stream in step with the text, and a property
//! left over (transport headers, the RTF body, a search key) would publish what was redacted.

use crate::source::mail::{Attachment, Body, Field, Mail, Mailbox};
use std::io::{Cursor, Read};

type Cfb<'a> = cfb::CompoundFile<Cursor<&'a [u8]>>;

/// Largest stream read (a bigger attachment is refused rather than read into memory).
const MAX_STREAM: u64 = 256 << 20;

fn stream(c: &mut Cfb, path: &str) -> Option<Vec<u8>> {
    if !c.is_stream(path) {
        return None;
    }
    let mut s = c.open_stream(path).ok()?;
    if s.len() > MAX_STREAM {
        return None;
    }
    let mut out = Vec::new();
    s.read_to_end(&mut out).ok()?;
    crate::limits::spend_decompressed(out.len());
    Some(out)
}

/// A string property of a storage: Unicode (`001F`) or 8-bit (`001E`, taken as Windows-1252).
fn string(c: &mut Cfb, storage: &str, id: u16) -> Option<String> {
    if let Some(b) = stream(c, &format!("{storage}/__substg1.0_{id:04X}001F")) {
        let units: Vec<u16> = b.chunks_exact(2).map(|x| u16::from_le_bytes([x[0], x[1]])).collect();
        return Some(String::from_utf16_lossy(&units).trim_end_matches('\0').to_string());
    }
    let b = stream(c, &format!("{storage}/__substg1.0_{id:04X}001E"))?;
    let (s, _, _) = encoding_rs::WINDOWS_1252.decode(&b);
    Some(s.trim_end_matches('\0').to_string())
}

fn binary(c: &mut Cfb, storage: &str, id: u16) -> Option<Vec<u8>> {
    stream(c, &format!("{storage}/__substg1.0_{id:04X}0102"))
}

/// A fixed-size property from a storage's property stream (`header` bytes before the entries).
fn fixed(c: &mut Cfb, storage: &str, header: usize, id: u16) -> Option<u64> {
    let props = stream(c, &format!("{storage}/__properties_version1.0"))?;
    props.get(header..)?.chunks_exact(16).find_map(|e| {
        let tag = u32::from_le_bytes([e[0], e[1], e[2], e[3]]);
        ((tag >> 16) as u16 == id).then(|| u64::from_le_bytes([e[8], e[9], e[10], e[11], e[12], e[13], e[14], e[15]]))
    })
}

fn children(c: &Cfb, prefix: &str) -> Vec<String> {
    let mut v: Vec<String> = c
        .read_root_storage()
        .filter(|e| e.is_storage() && e.name().starts_with(prefix))
        .map(|e| e.name().to_string())
        .collect();
    v.sort();
    v
}

/// An address that is an SMTP address, not an Exchange distinguished name (`/O=…`).
fn smtp(a: Option<String>) -> Option<String> {
    a.filter(|s| s.contains('@') && !s.starts_with('/'))
}

/// Reads an Outlook message, or says why not.
pub fn parse_msg(bytes: &[u8]) -> Result<Mail, String> {
    let mut c = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| format!("not an Outlook message: {e}"))?;
    let root = "";
    let mut mail = Mail {
        subject: string(&mut c, root, 0x0037).unwrap_or_default(),
        ..Mail::default()
    };
    let sender = Mailbox {
        name: string(&mut c, root, 0x0C1A).unwrap_or_default(),
        address: smtp(string(&mut c, root, 0x5D01))
            .or_else(|| smtp(string(&mut c, root, 0x0C1F)))
            .or_else(|| smtp(string(&mut c, root, 0x0065)))
            .unwrap_or_default(),
    };
    if !sender.name.is_empty() || !sender.address.is_empty() {
        mail.addresses.push((Field::From, vec![sender]));
    }
    let mut to = Vec::new();
    let mut cc = Vec::new();
    let mut bcc = Vec::new();
    for r in children(&c, "__recip_version1.0_#") {
        let storage = format!("/{r}");
        let b = Mailbox {
            name: string(&mut c, &storage, 0x3001).unwrap_or_default(),
            address: smtp(string(&mut c, &storage, 0x39FE))
                .or_else(|| smtp(string(&mut c, &storage, 0x3003)))
                .unwrap_or_default(),
        };
        match fixed(&mut c, &storage, 8, 0x0C15).map(|v| v as u32) {
            Some(2) => cc.push(b),
            Some(3) => bcc.push(b),
            _ => to.push(b),
        }
    }
    for (f, v) in [(Field::To, to), (Field::Cc, cc), (Field::Bcc, bcc)] {
        if !v.is_empty() {
            mail.addresses.push((f, v));
        }
    }
    // Recipients the display lines name but no recipient storage holds (a damaged message).
    for (id, f) in [(0x0E04u16, Field::To), (0x0E03, Field::Cc), (0x0E02, Field::Bcc)] {
        if let Some(line) = string(&mut c, root, id).filter(|s| !s.trim().is_empty())
            && !mail.addresses.iter().any(|(g, _)| *g == f)
        {
            mail.addresses.push((
                f,
                line.split(';')
                    .map(|n| Mailbox {
                        name: n.trim().to_string(),
                        address: String::new(),
                    })
                    .filter(|m| !m.name.is_empty())
                    .collect(),
            ));
        }
    }
    mail.date = fixed(&mut c, root, 32, 0x0039)
        .or_else(|| fixed(&mut c, root, 32, 0x0E06))
        .and_then(filetime_rfc5322);
    let plain = string(&mut c, root, 0x1000);
    let html = binary(&mut c, root, 0x1013)
        .map(|b| String::from_utf8(b.clone()).unwrap_or_else(|_| encoding_rs::WINDOWS_1252.decode(&b).0.into_owned()))
        .or_else(|| string(&mut c, root, 0x1013));
    let rtf = c.is_stream("/__substg1.0_10090102");
    if plain.is_none() && html.is_none() && rtf {
        return Err("the message body is only in compressed RTF, which woo-redact does not read".into());
    }
    if let Some(p) = plain {
        mail.bodies.push(Body::Plain(p));
    }
    if let Some(h) = html {
        mail.bodies.push(Body::Html(h.trim_end_matches('\0').to_string()));
    }
    for a in children(&c, "__attach_version1.0_#") {
        let storage = format!("/{a}");
        let name = string(&mut c, &storage, 0x3707)
            .or_else(|| string(&mut c, &storage, 0x3704))
            .or_else(|| string(&mut c, &storage, 0x3001))
            .unwrap_or_else(|| "bijlage".into());
        let content_type = string(&mut c, &storage, 0x370E).unwrap_or_else(|| "application/octet-stream".into());
        let data = binary(&mut c, &storage, 0x3701);
        let (name, bytes) = match data {
            Some(b) => (name, b),
            // An embedded message (a storage) or an OLE object: not read, so listed as a file
            // woo-redact cannot take rather than dropped.
            None if c.is_storage(format!("{storage}/__substg1.0_3701000D")) => (format!("{name}.msg"), Vec::new()),
            None => (name, Vec::new()),
        };
        mail.attachments.push(Attachment {
            name,
            content_type,
            bytes,
        });
    }
    Ok(mail)
}

/// A Windows FILETIME (100 ns since 1601) as an RFC 5322 date in UTC.
fn filetime_rfc5322(ft: u64) -> Option<String> {
    let secs = (ft / 10_000_000).checked_sub(11_644_473_600)? as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let wd = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let mon = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(m - 1) as usize];
    Some(format!(
        "{wd}, {d} {mon} {y} {:02}:{:02}:{:02} +0000",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn filetime_dates() {
        // 2026-03-02 09:00:00 UTC.
        let unix = 1_772_442_000u64;
        let ft = (unix + 11_644_473_600) * 10_000_000;
        assert_eq!(
            super::filetime_rfc5322(ft).as_deref(),
            Some("Mon, 2 Mar 2026 09:00:00 +0000")
        );
    }

    #[test]
    fn not_a_compound_file_is_refused() {
        assert!(super::parse_msg(b"From: x").is_err());
    }
}
