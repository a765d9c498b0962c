//! The library's error type: what went wrong, where, and for which file.

use std::path::PathBuf;

/// Everything the library can fail with. Binary code wraps it in `anyhow`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A document could not be decoded (binary, not UTF-8, …).
    #[error("{path}: {reason}")]
    Decode {
        /// The document.
        path: PathBuf,
        /// Why it could not be read as text.
        reason: String,
    },
    /// One or more configuration or rule errors; all are reported at once.
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Config(Vec<ConfigError>),
    /// The output of a redaction did not pass verification.
    #[error("{path}: verification failed: {reason}")]
    Verify {
        /// The document.
        path: PathBuf,
        /// What was still found.
        reason: String,
    },
    /// A usage error detected after argument parsing (e.g. `--out` inside an input).
    #[error("{0}")]
    Usage(String),
}

/// One configuration problem, with the file and line it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file (`builtin:…` for embedded defaults).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong and, where possible, how to fix it.
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.file, l, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl ConfigError {
    /// A problem at a byte offset of a source text (converted to a line).
    pub fn at(file: &str, src: &str, offset: Option<usize>, message: impl Into<String>) -> Self {
        let line = offset.map(|o| src[..o.min(src.len())].matches('\n').count() + 1);
        ConfigError {
            file: file.to_string(),
            line,
            message: message.into(),
        }
    }
}

/// Shorthand for library results.
pub type Result<T, E = Error> = std::result::Result<T, E>;
