//! One integration test binary (ripgrep style); the modules below share `util`.

mod cases;
mod cli;
mod hostile;
mod library;
mod package;
mod pdf;
mod util;
