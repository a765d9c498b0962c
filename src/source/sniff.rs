//! What a file is, by its content: the first bytes of a PDF, a Word document (a zip holding
//! `word/document.xml`), an Outlook message (an OLE compound file with message streams), an
//! e-mail (RFC 5322 header lines). The extension alone is not trusted: an `.eml` read as plain
//! text would publish its base64 body unread.

/// What the content says a file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sniffed {
    /// `%PDF-`.
    Pdf,
    /// A zip with `word/document.xml`.
    Docx,
    /// An OLE compound file holding an Outlook message.
    Msg,
    /// RFC 5322 header lines, then a body.
    Eml,
    /// UTF-8 text without NUL bytes.
    Text,
    /// Anything else, with a short description of the type for the report.
    Other(String),
}

const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Classifies `bytes` (the whole file, or at least its first 64 KiB; a zip needs the whole).
pub fn sniff(bytes: &[u8]) -> Sniffed {
    let head = &bytes[..bytes.len().min(1024)];
    if find(head, b"%PDF-").is_some() {
        return Sniffed::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return zip_kind(bytes);
    }
    if bytes.starts_with(&CFB_MAGIC) {
        return cfb_kind(bytes);
    }
    if is_rfc5322(bytes) {
        return Sniffed::Eml;
    }
    let probe = &bytes[..bytes.len().min(8192)];
    if probe.contains(&0) {
        return Sniffed::Other(other_binary(bytes));
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => Sniffed::Text,
        Err(e) if e.error_len().is_none() && e.valid_up_to() + 4 >= bytes.len() => Sniffed::Text,
        Err(_) => Sniffed::Other("text that is not UTF-8".into()),
    }
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

fn zip_kind(bytes: &[u8]) -> Sniffed {
    let Ok(z) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Sniffed::Other("damaged zip archive".into());
    };
    let names: Vec<String> = z.file_names().filter_map(|n| n.ok().map(|n| n.into_owned())).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    if names.contains(&"word/document.xml") {
        return Sniffed::Docx;
    }
    let what = if names.iter().any(|n| n.starts_with("xl/")) {
        "Excel workbook (.xlsx)"
    } else if names.iter().any(|n| n.starts_with("ppt/")) {
        "PowerPoint presentation (.pptx)"
    } else if names.contains(&"content.xml") && names.contains(&"mimetype") {
        "OpenDocument file (.odt/.ods/.odp)"
    } else {
        "zip archive"
    };
    Sniffed::Other(what.into())
}

fn cfb_kind(bytes: &[u8]) -> Sniffed {
    let Ok(c) = cfb::CompoundFile::open(std::io::Cursor::new(bytes)) else {
        return Sniffed::Other("damaged OLE compound file".into());
    };
    let names: Vec<String> = c.read_root_storage().map(|e| e.name().to_string()).collect();
    if names
        .iter()
        .any(|n| n.starts_with("__substg1.0_") || n.starts_with("__properties_version1.0"))
    {
        return Sniffed::Msg;
    }
    let what = if names.iter().any(|n| n == "WordDocument") {
        "Word 97-2003 document (.doc)"
    } else if names.iter().any(|n| n == "Workbook" || n == "Book") {
        "Excel 97-2003 workbook (.xls)"
    } else if names.iter().any(|n| n == "PowerPoint Document") {
        "PowerPoint 97-2003 presentation (.ppt)"
    } else {
        "OLE compound file"
    };
    Sniffed::Other(what.into())
}

/// Header fields from the first line on, at least two of the fields every message carries
/// (From, Date, To, Subject, Message-ID, MIME-Version, Received), and no line before them
/// that is not a field.
fn is_rfc5322(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let mut known = 0;
    let mut fields = 0;
    for (i, line) in head.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            if i == 0 {
                return false;
            }
            continue;
        }
        // mbox "From " separator line first.
        if i == 0 && line.starts_with(b"From ") {
            continue;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return false;
        };
        let name = &line[..colon];
        if name.is_empty() || !name.iter().all(|&b| b.is_ascii_graphic()) {
            return false;
        }
        fields += 1;
        let lower = name.to_ascii_lowercase();
        if [
            &b"from"[..],
            b"date",
            b"to",
            b"subject",
            b"message-id",
            b"mime-version",
            b"received",
            b"return-path",
        ]
        .contains(&lower.as_slice())
        {
            known += 1;
        }
    }
    fields >= 2 && known >= 2
}

fn other_binary(bytes: &[u8]) -> String {
    let starts = |m: &[u8]| bytes.starts_with(m);
    let what = if starts(b"\x89PNG") {
        "PNG image"
    } else if starts(b"\xFF\xD8\xFF") {
        "JPEG image"
    } else if starts(b"GIF8") {
        "GIF image"
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        "TIFF image"
    } else if starts(b"{\\rtf") {
        "RTF document"
    } else if starts(b"\x1F\x8B") {
        "gzip archive"
    } else if starts(b"7z\xBC\xAF") {
        "7-Zip archive"
    } else if starts(b"Rar!") {
        "RAR archive"
    } else {
        "binary file"
    };
    what.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Sniffed::Pdf);
        assert_eq!(
            sniff(b"From: Jan <j@x.nl>\r\nTo: a@b.nl\r\nSubject: x\r\n\r\nbody"),
            Sniffed::Eml
        );
        assert_eq!(sniff(b"Onderwerp: x\nVan: y\n\nGewone tekst"), Sniffed::Text);
        assert_eq!(sniff("Gewone tekst, Zoë".as_bytes()), Sniffed::Text);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0"), Sniffed::Other("PNG image".into()));
        assert_eq!(
            sniff(b"Jos\xe9 de Vries"),
            Sniffed::Other("text that is not UTF-8".into())
        );
        assert_eq!(sniff(&CFB_MAGIC), Sniffed::Other("damaged OLE compound file".into()));
    }
}
