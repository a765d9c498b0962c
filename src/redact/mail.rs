//! Writes a redacted message as RFC 5322/MIME: the headers a reader sees (addresses and
//! subject with their redacted text, non-ASCII as RFC 2047 encoded words), every body
//! re-encoded as UTF-8 quoted-printable, attachments (already redacted in their own format)
//! in base64. Technical headers that identify people or machines (Message-ID, Received,
//! Thread-Index, X-headers) are not carried over. Boundaries derive from the content, so the
//! same input gives the same bytes.

use crate::source::html::Html;
use crate::source::mail::{Body, BodySeg, MailDoc};

/// An attachment as it goes into the written message.
#[derive(Debug, Clone)]
pub struct OutAttachment {
    /// File name (redacted).
    pub name: String,
    /// MIME type.
    pub content_type: String,
    /// The redacted bytes.
    pub bytes: Vec<u8>,
}

/// The message with segment `k` replaced by `new[k]` where set, the given attachments, and
/// `notes` (Dutch lines for the reader, such as an attachment left out) as a last text part.
pub fn write_eml(doc: &MailDoc, new: &[Option<String>], attachments: &[OutAttachment], notes: &[String]) -> Vec<u8> {
    let text = |k: Option<usize>, orig: &str| -> String {
        k.and_then(|k| new.get(k).cloned().flatten())
            .unwrap_or_else(|| orig.to_string())
    };
    let mut out = String::new();
    if let Some(d) = &doc.mail.date {
        out.push_str(&format!("Date: {d}\r\n"));
    }
    for ((field, boxes), segs) in doc.mail.addresses.iter().zip(&doc.address_segs) {
        let list: Vec<String> = boxes
            .iter()
            .zip(segs)
            .map(|(b, (n, a))| mailbox(&text(*n, &b.name), &text(*a, &b.address)))
            .collect();
        out.push_str(&format!("{}: {}\r\n", field.header(), list.join(",\r\n ")));
    }
    let subject = text(doc.subject_seg, &doc.mail.subject);
    out.push_str(&format!("Subject: {}\r\n", unstructured(&subject)));
    out.push_str("MIME-Version: 1.0\r\n");
    let mut bodies: Vec<Part> = doc
        .mail
        .bodies
        .iter()
        .zip(&doc.body_segs)
        .map(|(b, s)| match (b, s) {
            (Body::Plain(t), BodySeg::Plain(k)) => Part::text("plain", &text(*k, t)),
            (Body::Html(_), BodySeg::Html(h)) => Part::text("html", &Html::write(h, new)),
            // The layout is built from the bodies: a mismatch cannot happen; write the text.
            (Body::Plain(t), _) | (Body::Html(t), _) => Part::text("plain", t),
        })
        .collect();
    if bodies.is_empty() {
        bodies.push(Part::text("plain", ""));
    }
    let body = if bodies.len() == 2 && bodies[0].subtype == "plain" && bodies[1].subtype == "html" {
        Part::multi("alternative", bodies)
    } else if bodies.len() == 1 {
        bodies.remove(0)
    } else {
        Part::multi("mixed", bodies)
    };
    let mut parts = vec![body];
    if !notes.is_empty() {
        parts.push(Part::text("plain", &notes.join("\n")));
    }
    for a in attachments {
        parts.push(Part::attachment(a));
    }
    let root = if parts.len() == 1 {
        parts.remove(0)
    } else {
        Part::multi("mixed", parts)
    };
    root.write(&mut out, 0);
    out.into_bytes()
}

/// A MIME part: its headers (without the leading newline) and its encoded body, or children.
struct Part {
    subtype: String,
    headers: String,
    body: String,
    children: Vec<Part>,
}

impl Part {
    fn text(subtype: &str, t: &str) -> Part {
        Part {
            subtype: subtype.into(),
            headers: format!(
                "Content-Type: text/{subtype}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n"
            ),
            body: quoted_printable(t),
            children: Vec::new(),
        }
    }

    fn multi(subtype: &str, children: Vec<Part>) -> Part {
        Part {
            subtype: subtype.into(),
            headers: String::new(),
            body: String::new(),
            children,
        }
    }

    fn attachment(a: &OutAttachment) -> Part {
        let ct = if a.content_type.bytes().all(|b| b.is_ascii_graphic()) && a.content_type.contains('/') {
            a.content_type.as_str()
        } else {
            "application/octet-stream"
        };
        let name = param_value(&a.name);
        Part {
            subtype: String::new(),
            headers: format!(
                "Content-Type: {ct}; {}\r\nContent-Disposition: attachment; {}\r\nContent-Transfer-Encoding: base64\r\n",
                name.replace("{}", "name"),
                name.replace("{}", "filename")
            ),
            body: base64_lines(&a.bytes),
            children: Vec::new(),
        }
    }

    fn write(&self, out: &mut String, depth: usize) {
        if self.children.is_empty() {
            out.push_str(&self.headers);
            out.push_str("\r\n");
            out.push_str(&self.body);
            return;
        }
        let mut bodies = String::new();
        for c in &self.children {
            c.write(&mut bodies, depth + 1);
        }
        // "=_" never occurs in quoted-printable or base64 text, so the boundary cannot either.
        let boundary = format!("=_woo_{depth}_{:016x}", fnv(bodies.as_bytes()));
        out.push_str(&format!(
            "Content-Type: multipart/{}; boundary=\"{boundary}\"\r\n\r\n",
            self.subtype
        ));
        for c in &self.children {
            out.push_str(&format!("--{boundary}\r\n"));
            c.write(out, depth + 1);
            if !out.ends_with("\r\n") {
                out.push_str("\r\n");
            }
        }
        out.push_str(&format!("--{boundary}--\r\n"));
    }
}

fn fnv(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf29ce484222325u64, |h, &x| {
        (h ^ u64::from(x)).wrapping_mul(0x100000001b3)
    })
}

/// A mailbox as a header writes it; an address the redaction made invalid is written with its
/// local part quoted (`"[5.1.2e]"@example.nl`), a domain that is no longer one as `invalid`.
fn mailbox(name: &str, address: &str) -> String {
    let name = name.trim();
    let address = address.trim();
    if address.is_empty() {
        // A name without an address: an empty group keeps it readable and valid.
        return format!("{}:;", phrase(name));
    }
    let addr = addr_spec(address);
    if name.is_empty() {
        addr
    } else {
        format!("{} <{addr}>", phrase(name))
    }
}

fn addr_spec(address: &str) -> String {
    let (local, domain) = match address.rfind('@') {
        Some(i) => (&address[..i], &address[i + 1..]),
        None => (address, ""),
    };
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    let dot_atom = |s: &str| !s.is_empty() && s.split('.').all(|p| !p.is_empty() && p.chars().all(atext));
    let local = if dot_atom(local) {
        local.to_string()
    } else {
        format!("\"{}\"", local.replace('\\', "\\\\").replace('"', "\\\""))
    };
    let domain_ok = !domain.is_empty()
        && domain
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    format!("{local}@{}", if domain_ok { domain } else { "invalid" })
}

/// A display name: a quoted string when ASCII, else encoded words.
fn phrase(s: &str) -> String {
    if s.chars().all(|c| (' '..='~').contains(&c)) {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        encoded_words(s)
    }
}

/// Unstructured text (Subject): as is when short ASCII, else encoded words (which also fold).
fn unstructured(s: &str) -> String {
    let s = s.replace(['\r', '\n'], " ");
    if s.len() <= 70 && s.chars().all(|c| (' '..='~').contains(&c)) {
        s
    } else {
        encoded_words(&s)
    }
}

fn encoded_words(s: &str) -> String {
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in s.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() || words.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
    }
    words.join("\r\n ")
}

/// `{}="value"`, or RFC 2231 `{}*=UTF-8''…` for a name that is not plain ASCII (the caller
/// puts the parameter name in place of `{}`).
fn param_value(v: &str) -> String {
    if v.chars().all(|c| (' '..='~').contains(&c) && c != '"' && c != '\\') {
        format!("{{}}=\"{v}\"")
    } else {
        let mut enc = String::new();
        for b in v.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                enc.push(b as char);
            } else {
                enc.push_str(&format!("%{b:02X}"));
            }
        }
        format!("{{}}*=UTF-8''{enc}")
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len().div_ceil(3) * 4);
    for c in b.chunks(3) {
        let n =
            (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_lines(b: &[u8]) -> String {
    let mut out = String::new();
    for c in b.chunks(57) {
        out.push_str(&base64(c));
        out.push_str("\r\n");
    }
    out
}

/// UTF-8 quoted-printable with CRLF line ends and soft breaks before 76 characters.
fn quoted_printable(t: &str) -> String {
    let mut out = String::with_capacity(t.len() + t.len() / 8);
    for line in t.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut len = 0;
        let bytes = line.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            let last = i + 1 == bytes.len();
            let lit = (b == b' ' || b == b'\t') && !last || (33..=126).contains(&b) && b != b'=';
            let piece = if lit {
                (b as char).to_string()
            } else {
                format!("={b:02X}")
            };
            if len + piece.len() > 75 {
                out.push_str("=\r\n");
                len = 0;
            }
            len += piece.len();
            out.push_str(&piece);
        }
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::mail::parse_eml;

    #[test]
    fn written_message_reads_back_with_the_redacted_text() {
        let eml = "From: \"Jansen, Jan\" <jan.jansen@example.nl>\r\nTo: Zo\u{eb} <zoe@example.nl>\r\nSubject: Overleg met Jan Jansen\r\n\r\nBeste Jan Jansen, \u{e9}\u{e9}n lange regel ".to_string() + &"x".repeat(100);
        let doc = MailDoc::new(parse_eml(eml.as_bytes()).expect("parses"));
        let mut new = vec![None; doc.seg.spans.len()];
        new[doc.address_segs[0][0].0.expect("name")] = Some("[5.1.2e]".into());
        new[doc.address_segs[0][0].1.expect("address")] = Some("[5.1.2e]@example.nl".into());
        let a = OutAttachment {
            name: "Notitie \u{e9}.pdf".into(),
            content_type: "application/pdf".into(),
            bytes: b"%PDF-1.4 test".to_vec(),
        };
        let out = write_eml(&doc, &new, &[a], &["Bijlage x is niet opgenomen.".into()]);
        let back = parse_eml(&out).expect("reads back");
        assert_eq!(back.addresses[0].1[0].name, "[5.1.2e]");
        let address = &back.addresses[0].1[0].address;
        assert!(
            address.contains("[5.1.2e]") && address.ends_with("@example.nl"),
            "{address}"
        );
        assert_eq!(back.subject, "Overleg met Jan Jansen");
        assert!(
            matches!(&back.bodies[0], Body::Plain(t) if t.contains("één lange regel xxx") && t.trim_end().ends_with(&"x".repeat(100)))
        );
        assert_eq!(back.attachments[0].name, "Notitie é.pdf");
        assert_eq!(back.attachments[0].bytes, b"%PDF-1.4 test");
        // The same input gives the same bytes (boundaries derive from the content).
        let again = OutAttachment {
            name: back.attachments[0].name.clone(),
            content_type: "application/pdf".into(),
            bytes: back.attachments[0].bytes.clone(),
        };
        assert_eq!(
            out,
            write_eml(&doc, &new, &[again], &["Bijlage x is niet opgenomen.".into()])
        );
    }
}
