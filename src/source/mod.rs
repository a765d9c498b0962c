//! Loaders: bytes of a document into a [`TextLayer`](crate::text::TextLayer).

pub mod pdf;
pub mod plain;
