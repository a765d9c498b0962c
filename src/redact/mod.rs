//! Writers: turn a text layer and its findings into redacted bytes, and verify them.

pub mod docx;
pub mod image;
pub mod mail;
pub mod pdf;
pub mod render;
pub mod segments;
pub mod text;
pub mod verify;
