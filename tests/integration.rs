//! One integration test binary (ripgrep style); the modules below share `util`.

mod cases;
mod cli;
mod library;
mod package;
mod pdf;
mod scale;
mod util;
