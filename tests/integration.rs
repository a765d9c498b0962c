//! One integration test binary (ripgrep style); the modules below share `util`.

mod cases;
mod check;
mod cli;
mod hostile;
mod library;
mod package;
mod pdf;
mod pdf_cases;
mod review;
mod scale;
mod util;
