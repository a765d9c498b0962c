//! Loaders: bytes of a document into a [`TextLayer`](crate::text::TextLayer).

pub mod docx;
pub mod html;
pub mod mail;
pub mod msg;
pub mod pdf;
pub mod plain;
pub mod segments;
pub mod sniff;
