//! E-mail: the message model shared by `.eml` and Outlook `.msg` (addresses, subject, text and
//! HTML bodies, attachments), read from RFC 5322/MIME with `mail-parser`, and the text layer
//! the detector reads: every header a reader sees, every body decoded, every attachment name.

use crate::source::html::Html;
use crate::source::segments::Segmented;
use mail_parser::{MessageParser, MimeHeaders, PartType};

/// One address: display name and address, either possibly empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mailbox {
    /// Display name (`Jansen, Jan`).
    pub name: String,
    /// Address (`jan.jansen@example.nl`).
    pub address: String,
}

/// An address header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// `From`.
    From,
    /// `Sender`.
    Sender,
    /// `To`.
    To,
    /// `Cc`.
    Cc,
    /// `Bcc`.
    Bcc,
    /// `Reply-To`.
    ReplyTo,
}

impl Field {
    /// The header name as written.
    pub fn header(self) -> &'static str {
        match self {
            Field::From => "From",
            Field::Sender => "Sender",
            Field::To => "To",
            Field::Cc => "Cc",
            Field::Bcc => "Bcc",
            Field::ReplyTo => "Reply-To",
        }
    }

    /// The Dutch label in the text layer (what a reader of a printed message sees).
    fn label(self) -> &'static str {
        match self {
            Field::From => "Van",
            Field::Sender => "Namens",
            Field::To => "Aan",
            Field::Cc => "CC",
            Field::Bcc => "BCC",
            Field::ReplyTo => "Antwoord aan",
        }
    }
}

/// A body part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// `text/plain`, decoded.
    Plain(String),
    /// `text/html`, decoded.
    Html(String),
}

/// An attachment, decoded.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// File name as the sender gave it (may hold a person's name).
    pub name: String,
    /// MIME type (`application/pdf`).
    pub content_type: String,
    /// Decoded bytes.
    pub bytes: Vec<u8>,
}

/// A message, whatever it was read from.
#[derive(Debug, Clone, Default)]
pub struct Mail {
    /// Address headers in order.
    pub addresses: Vec<(Field, Vec<Mailbox>)>,
    /// Subject.
    pub subject: String,
    /// `Date` in RFC 5322 form, when known.
    pub date: Option<String>,
    /// Bodies in order (alternatives included).
    pub bodies: Vec<Body>,
    /// Attachments in order.
    pub attachments: Vec<Attachment>,
}

/// Where each part of a message sits in its layer.
#[derive(Debug, Clone)]
pub struct MailDoc {
    /// The message.
    pub mail: Mail,
    /// The layer.
    pub seg: Segmented,
    /// Per address header, per mailbox: segments of the name and of the address.
    pub address_segs: Vec<Vec<(Option<usize>, Option<usize>)>>,
    /// Segment of the subject.
    pub subject_seg: Option<usize>,
    /// Per body: a plain body's segment, or the parsed HTML.
    pub body_segs: Vec<BodySeg>,
    /// Per attachment: segment of its name.
    pub attachment_segs: Vec<Option<usize>>,
}

/// A body in the layer.
#[derive(Debug, Clone)]
pub enum BodySeg {
    /// One segment for the whole text.
    Plain(Option<usize>),
    /// The markup, with its text as segments.
    Html(Html),
}

impl MailDoc {
    /// Lays out the message as a reader sees it: header lines, subject, bodies, attachment
    /// names.
    pub fn new(mail: Mail) -> MailDoc {
        let mut seg = Segmented::default();
        let push = |seg: &mut Segmented, s: &str| (!s.is_empty()).then(|| seg.push(s));
        let mut address_segs = Vec::new();
        for (field, boxes) in &mail.addresses {
            seg.sep(field.label());
            seg.sep(": ");
            let mut v = Vec::new();
            for (i, b) in boxes.iter().enumerate() {
                if i > 0 {
                    seg.sep("; ");
                }
                let n = push(&mut seg, &b.name);
                seg.sep(" <");
                let a = push(&mut seg, &b.address);
                seg.sep(">");
                v.push((n, a));
            }
            seg.sep("\n");
            address_segs.push(v);
        }
        seg.sep("Onderwerp: ");
        let subject_seg = push(&mut seg, &mail.subject);
        seg.sep("\n\n");
        let mut body_segs = Vec::new();
        for b in &mail.bodies {
            match b {
                Body::Plain(t) => body_segs.push(BodySeg::Plain(push(&mut seg, t))),
                Body::Html(h) => body_segs.push(BodySeg::Html(Html::parse(h, &mut seg))),
            }
            seg.line();
            seg.sep("\n");
        }
        let mut attachment_segs = Vec::new();
        for a in &mail.attachments {
            seg.sep("Bijlage: ");
            attachment_segs.push(push(&mut seg, &a.name));
            seg.sep("\n");
        }
        MailDoc {
            mail,
            seg,
            address_segs,
            subject_seg,
            body_segs,
            attachment_segs,
        }
    }
}

/// Reads an RFC 5322 message, or says why not. Parts that are neither a body nor an
/// attachment (an unreadable part) are refused: the message cannot be vouched for.
pub fn parse_eml(bytes: &[u8]) -> Result<Mail, String> {
    let msg = MessageParser::default()
        .parse(bytes)
        .ok_or_else(|| "not an e-mail message: no RFC 5322 header could be read".to_string())?;
    if msg.headers().is_empty() {
        return Err("not an e-mail message: no RFC 5322 header could be read".into());
    }
    let mut mail = Mail::default();
    let fields = [
        (Field::From, msg.from()),
        (Field::Sender, msg.sender()),
        (Field::To, msg.to()),
        (Field::Cc, msg.cc()),
        (Field::Bcc, msg.bcc()),
        (Field::ReplyTo, msg.reply_to()),
    ];
    for (field, addr) in fields {
        if let Some(a) = addr {
            let boxes: Vec<Mailbox> = a
                .iter()
                .map(|x| Mailbox {
                    name: x.name().unwrap_or("").trim().to_string(),
                    address: x.address().unwrap_or("").trim().to_string(),
                })
                .filter(|m| !m.name.is_empty() || !m.address.is_empty())
                .collect();
            if !boxes.is_empty() {
                mail.addresses.push((field, boxes));
            }
        }
    }
    mail.subject = msg.subject().unwrap_or("").to_string();
    mail.date = msg.date().map(|d| d.to_rfc822());
    let mut bodies: Vec<u32> = msg.text_body.iter().chain(msg.html_body.iter()).copied().collect();
    bodies.sort_unstable();
    bodies.dedup();
    for (i, part) in msg.parts.iter().enumerate() {
        let id = i as u32;
        let is_body = bodies.contains(&id);
        let is_attachment = msg.attachments.contains(&id);
        match &part.body {
            PartType::Multipart(_) => {}
            PartType::Text(t) if is_body && !is_attachment => mail.bodies.push(Body::Plain(t.to_string())),
            PartType::Html(t) if is_body && !is_attachment => mail.bodies.push(Body::Html(t.to_string())),
            _ if is_attachment => {
                let content_type = part
                    .content_type()
                    .map(|c| match c.subtype() {
                        Some(s) => format!("{}/{}", c.ctype(), s),
                        None => c.ctype().to_string(),
                    })
                    .unwrap_or_else(|| "application/octet-stream".into());
                let bytes = match &part.body {
                    PartType::Message(m) => m.raw_message().to_vec(),
                    _ => part.contents().to_vec(),
                };
                let name = part.attachment_name().map(str::to_string).unwrap_or_else(|| {
                    if part.is_message() {
                        "bericht.eml".into()
                    } else {
                        format!("bijlage-{}", mail.attachments.len() + 1)
                    }
                });
                mail.attachments.push(Attachment {
                    name,
                    content_type,
                    bytes,
                });
            }
            // The root of a message is its own body when it is not multipart.
            _ if i == 0 && msg.parts.len() == 1 => match &part.body {
                PartType::Text(t) => mail.bodies.push(Body::Plain(t.to_string())),
                PartType::Html(t) => mail.bodies.push(Body::Html(t.to_string())),
                _ => return Err("the message body is not text and not an attachment: not read".into()),
            },
            _ => return Err(format!("MIME part {i} is neither a body nor an attachment: not read")),
        }
        if part.is_encoding_problem {
            return Err(format!(
                "MIME part {i} could not be decoded (bad transfer encoding or charset)"
            ));
        }
    }
    Ok(mail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_quoted_printable_bodies_are_decoded() {
        let eml = "From: \"Jansen, Jan\" <jan.jansen@example.nl>\r\nTo: =?UTF-8?Q?Zo=C3=AB_Bakker?= <zoe@example.nl>\r\n\
Subject: Overleg\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: base64\r\n\r\nQlNOIDExMTIyMjMzMw==\r\n--b\r\nContent-Type: text/html; charset=iso-8859-1\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\r\n<p>Jos=E9</p>\r\n--b\r\nContent-Type: application/pdf; name=\"cv.pdf\"\r\n\
Content-Disposition: attachment; filename=\"cv.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--b--\r\n";
        let mail = parse_eml(eml.as_bytes()).expect("parses");
        assert_eq!(mail.addresses[0].1[0].name, "Jansen, Jan");
        assert_eq!(mail.addresses[1].1[0].name, "Zoë Bakker");
        assert_eq!(mail.bodies[0], Body::Plain("BSN 111222333".into()));
        assert!(matches!(&mail.bodies[1], Body::Html(h) if h.contains("José")));
        assert_eq!(mail.attachments[0].bytes, b"%PDF-");
        let doc = MailDoc::new(mail);
        assert!(
            doc.seg
                .text
                .starts_with("Van: Jansen, Jan <jan.jansen@example.nl>\nAan: Zoë Bakker")
        );
        assert!(doc.seg.text.contains("Bijlage: cv.pdf"));
    }
}
