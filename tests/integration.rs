//! One integration test binary (ripgrep style); the modules below share `util`.

mod cases;
mod check;
mod cli;
mod correspondence;
mod first_hour;
mod fontprog;
mod hostile;
mod image;
mod library;
mod mail;
mod ocr;
mod package;
mod pdf;
mod pdf_cases;
mod real_dev;
mod render;
mod review;
mod scale;
mod scans;
mod util;
