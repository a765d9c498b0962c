//! woo-redact removes personal data from documents before they are published under the Dutch
//! Open Government Act (Woo), and stamps every removal with its Woo ground.
//!
//! Pipeline (see DESIGN.md): a document is loaded into a [`text::TextLayer`] (text plus a map
//! back to its origin); the [`detect::Detector`] applies the [`rules::RuleSet`] (pattern rules
//! with validators, listed names, names by cue and grammar, public officials kept) and returns
//! findings with a disposition; a writer in [`redact`] replaces each redacted span by its
//! ground label; [`batch`] runs this over many documents in parallel and [`report`] writes what
//! happened, masked.
//!
//! ```
//! use woo_redact::{detect::Detector, rules::RuleSet, text::TextLayer, redact};
//! let det = Detector::new(RuleSet::builtin().unwrap(), vec![], vec![]);
//! let layer = TextLayer::plain("Contactpersoon: J. de Vries, T 070-1234567".into());
//! let scan = det.scan(&layer);
//! assert_eq!(redact::text::apply(&layer.text, &scan.findings), "Contactpersoon: [5.1.2e], T [5.1.2e]");
//! ```
#![warn(missing_docs, clippy::print_stdout, clippy::print_stderr)]

pub mod batch;
pub mod check;
pub mod decide;
pub mod detect;
pub mod durable;
pub mod error;
pub mod interrupt;
pub mod justify;
pub mod layout;
pub mod limits;
pub mod people;
pub mod publish;
pub mod redact;
pub mod report;
pub mod rules;
pub mod scale;
pub mod source;
pub mod text;
pub mod triage;
